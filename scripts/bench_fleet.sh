#!/usr/bin/env bash
# The fleet store (NATS JetStream KV): bench/fleet_bench (library allocations vs raw
# kvStore_Create, 1/4/16 clients), then the CLI `allocate` against a file registry vs against
# the store, timed with hyperfine. See docs/PERFORMANCE.md, "Issue 11", for results.
#
#   scripts/bench_fleet.sh [BUILD_DIR]     # default build-fleet-bench; ~1.5 min once built
#
# Environment:
#   BENCH_RUNS     hyperfine runs per CLI command (default 30)
#   BENCH_REPS     fleet_bench repetitions per benchmark (default 3)
#   NATS_SERVER    nats-server binary (default /usr/sbin/nats-server, else /usr/bin/nats-server)
#   SKIP_BUILD=1   use the build folder as it is
#
# Both benchmarks start their own nats-server (JetStream, loopback, a free port, a temporary
# store folder) and stop it at exit. Every CLI run allocates a name no earlier run used
# (svc-1, svc-2, ...: hyperfine's --prepare advances a counter file), so every run writes.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BUILD=${1:-build-fleet-bench}
RUNS=${BENCH_RUNS:-30}
REPS=${BENCH_REPS:-3}

for tool in hyperfine python3 cmake ninja; do
    command -v "$tool" >/dev/null || { echo "bench_fleet.sh: $tool is not installed" >&2; exit 2; }
done
NATS=${NATS_SERVER:-}
if [[ -z $NATS ]]; then
    for candidate in /usr/sbin/nats-server /usr/bin/nats-server; do
        [[ -x $candidate ]] && NATS=$candidate && break
    done
fi
[[ -n $NATS && -x $NATS ]] || { echo "bench_fleet.sh: nats-server is not installed" >&2; exit 2; }
export NATS_SERVER=$NATS

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
    if [[ ! -f $BUILD/build.ninja ]]; then
        cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
              -DHARMONY_PORTS_BENCH=ON >/dev/null
    fi
    ninja -C "$BUILD" fleet_bench harmony-ports
fi
BENCH=$(realpath "$BUILD/bench/fleet_bench")
HP=$(realpath "$BUILD/tools/harmony-ports/harmony-ports")

echo "== machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "== $($NATS --version)"
echo
echo "== bench/fleet_bench (800 operations per measurement, median of $REPS)"
"$BENCH" --benchmark_format=console --benchmark_repetitions="$REPS"
echo

WORK=$(mktemp -d /tmp/harmony-fleet-bench.XXXXXX)
NATS_PID=""
cleanup() {
    if [[ -n $NATS_PID ]]; then
        kill "$NATS_PID" 2>/dev/null || true
        wait "$NATS_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$NATS" -js -sd "$WORK/js" -p "$PORT" -a 127.0.0.1 -l "$WORK/nats-server.log" &
NATS_PID=$!
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.05
done
(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null ||
    { echo "bench_fleet.sh: nats-server did not come up (log: $WORK/nats-server.log)" >&2; exit 1; }
STORE=nats://127.0.0.1:$PORT/harmony-ports

export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config NO_COLOR=1
mkdir -p "$XDG_CONFIG_HOME" "$WORK/file"
unset HARMONY_PORTS_REGISTRY HARMONY_PORTS_STORE HARMONY_PORTS_STORE_TOKEN
cd "$WORK/file"  # no discovery from the repository; both sides name their registry
# Both start from the ADR-014 default table on 25000-25999.
"$HP" init >/dev/null
REGISTRY=$(ls "$WORK"/file/harmony.network.ports.*)
"$HP" --store "$STORE" store init >/dev/null

for side in file store; do echo 0 >"$WORK/counter-$side"; done
prepare() { echo "n=\$(<$WORK/counter-$1); echo \$((n + 1)) >$WORK/counter-$1"; }
echo "== CLI allocate of a new name: file registry vs fleet store ($RUNS runs each)"
hyperfine --shell=bash --warmup 3 --runs "$RUNS" --export-json "$WORK/cli.json" \
    --prepare "$(prepare file)" -n file \
    "$HP --registry $REGISTRY allocate svc-\$(<$WORK/counter-file) >/dev/null" \
    --prepare "$(prepare store)" -n store \
    "$HP --store $STORE allocate svc-\$(<$WORK/counter-store) >/dev/null"

# Every run really allocated: both registries hold the default's 2 entries plus one per run.
file_count=$("$HP" --registry "$REGISTRY" list | grep -c '^svc-' || true)
store_count=$("$HP" --store "$STORE" list | grep -c '^svc-' || true)
echo "new names held: file $file_count, store $store_count (runs + warmups: $((RUNS + 3)))"

python3 - "$WORK/cli.json" <<'EOF'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ms = {name: results[name]["median"] * 1000 for name in ("file", "store")}
print(f"median: file {ms['file']:.2f} ms, store {ms['store']:.2f} ms, "
      f"store/file {ms['store'] / ms['file']:.2f}x")
EOF
