#!/usr/bin/env bash
# Times `harmony-ports scan` against `ss -ltnup` on a host with many listening sockets, and
# checks the targets: scan <= 0.50 x ss, scan --all-ports <= 0.70 x ss (median wall time).
#
#   sudo scripts/bench_scan.sh                        # full size, ~10 s on 2 cores
#   sudo OUTSIDE=500 INSIDE=20 RUNS=5 scripts/bench_scan.sh   # quick smoke run
#
# Needs root (ip netns), python3 and hyperfine. Environment:
#   HARMONY_PORTS  harmony-ports binary (default build/tools/harmony-ports/harmony-ports)
#   OUTSIDE        listening sockets outside the orchestrator range 25000-25999 (default 10000),
#                  on ports 30000.. (at most 35536)
#   INSIDE         listening sockets inside the range, on ports 25100.. (default 100, at most 900)
#   RUNS           hyperfine runs per command (default 20; 3 warm-up runs come on top)
#
# Setup: a fresh network namespace hpbench<pid> with only lo up, so nothing else on the host
# shows up in the sockets. Inside it, two python3 processes (scripts/bench_listeners.py) hold
# the sockets open:
#   1. the first holds the OUTSIDE sockets: ports 30000.., one socket per port, mostly TCP on
#      0.0.0.0, every tenth port UDP and every tenth TCP on [::] (IPv6-only);
#   2. the second, started only after the first is ready, holds the INSIDE sockets: TCP on
#      0.0.0.0, ports 25100...
# The in-range sockets are deliberately in a separate, later process, so it gets the higher
# pid: an owner lookup that walks /proc pid by pid (as ss -p does) has to go through the
# first process's ~10,000 file descriptors before it reaches the sockets `scan` reports. That
# is the honest worst case for `scan`, which only needs the owners of in-range sockets.
#
# Before timing, the script checks that ss sees every socket, that `scan --json` reports
# INSIDE unregistered rows with a pid and that `scan --all-ports --json` reports
# OUTSIDE + INSIDE rows with a pid; it stops if not. All three commands are timed in one
# hyperfine run, each through `ip netns exec` so they all pay the same overhead, with output
# to /dev/null. harmony-ports runs from an empty temporary folder, so it finds no registry and
# uses its embedded ADR-014 default. The namespace, the listener processes and the temporary
# folder are removed on exit, also on failure or Ctrl-C.
set -euo pipefail

SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HP=${HARMONY_PORTS:-$SCRIPTS/../build/tools/harmony-ports/harmony-ports}
OUTSIDE=${OUTSIDE:-10000}
INSIDE=${INSIDE:-100}
RUNS=${RUNS:-20}
OUTSIDE_FIRST=30000
INSIDE_FIRST=25100
TARGET_SCAN=0.50
TARGET_ALL=0.70

die() { echo "bench_scan.sh: $*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || die "needs root (ip netns)"
for tool in ip ss python3 hyperfine; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -x $HP ]] || die "harmony-ports binary not found at $HP (set HARMONY_PORTS)"
HP=$(realpath "$HP")
PY=$(python3 -c 'import sys; print(sys.executable)')  # the interpreter itself, not a shim
[[ $OUTSIDE =~ ^[0-9]+$ && $OUTSIDE -le $((65536 - OUTSIDE_FIRST)) ]] ||
    die "OUTSIDE must be a number from 0 to $((65536 - OUTSIDE_FIRST))"
[[ $INSIDE =~ ^[0-9]+$ && $INSIDE -ge 1 && $INSIDE -le $((26000 - INSIDE_FIRST)) ]] ||
    die "INSIDE must be a number from 1 to $((26000 - INSIDE_FIRST))"
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 2 ]] || die "RUNS must be a number >= 2"

NS=hpbench$$
NS_CREATED=""
PIDS=()
WORK=$(mktemp -d /tmp/hpbench.XXXXXX)

cleanup() {
    local pid i
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true  # reaps our children; returns at once for the others
        for ((i = 0; i < 100; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
    done
    if [[ -n $NS_CREATED ]]; then
        ip netns del "$NS" 2>/dev/null || echo "bench_scan.sh: could not remove netns $NS" >&2
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a command inside the namespace.
in_ns() { ip netns exec "$NS" "$@"; }

# Starts bench_listeners.py inside the namespace with the given arguments, waits for its
# "ready PID" line and sets LAST_PID to the python process's own pid. `ip netns exec` execs
# the command and $PY is the interpreter itself, so that is normally $!; if not (a wrapper
# that forks), both pids are killed on exit.
start_listeners() {
    local log=$WORK/listeners.${#PIDS[@]}.out pid line="" i
    : >"$log"
    ip netns exec "$NS" "$PY" "$SCRIPTS/bench_listeners.py" "$@" >"$log" &
    pid=$!
    PIDS+=("$pid")
    for ((i = 0; i < 1200; i++)); do  # 60 s
        read -r line <"$log" || true
        if [[ $line =~ ^ready\ ([0-9]+)$ ]]; then
            LAST_PID=${BASH_REMATCH[1]}
            [[ $LAST_PID == "$pid" ]] || PIDS+=("$LAST_PID")
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || die "listener process ($*) exited before it was ready"
        sleep 0.05
    done
    die "listener process ($*) not ready after 60 s"
}

# Counts the rows of a `scan --json` document (stdin) that have a pid, and with a verdict
# if one is given.
count_owned_rows() {
    python3 -c '
import json, sys
verdict = sys.argv[1] if len(sys.argv) > 1 else None
doc = json.load(sys.stdin)
print(sum(1 for row in doc["rows"]
          if row["pid"] is not None and (verdict is None or row["verdict"] == verdict)))
' "$@"
}

# --- setup -------------------------------------------------------------------------------
ip netns add "$NS"
NS_CREATED=1
in_ns ip link set lo up

echo "Starting $OUTSIDE sockets on ports $OUTSIDE_FIRST.. and $INSIDE on $INSIDE_FIRST.. in netns $NS"
LAST_PID=""
start_listeners "$OUTSIDE_FIRST" "$OUTSIDE" --mix
OUTSIDE_PID=$LAST_PID
start_listeners "$INSIDE_FIRST" "$INSIDE"
INSIDE_PID=$LAST_PID
((INSIDE_PID > OUTSIDE_PID)) ||
    echo "bench_scan.sh: warning: pids wrapped ($INSIDE_PID < $OUTSIDE_PID); not the worst case" >&2

cd "$WORK"  # no registry up the tree: harmony-ports uses its embedded default
unset HARMONY_PORTS_REGISTRY

# --- checks ------------------------------------------------------------------------------
EXPECTED=$((OUTSIDE + INSIDE))
SS_SOCKETS=$(($(in_ns ss -ltnup | wc -l) - 1))
((SS_SOCKETS >= EXPECTED && SS_SOCKETS <= EXPECTED + 10)) ||
    die "ss -ltnup shows $SS_SOCKETS sockets, expected $EXPECTED"
SCAN_ROWS=$(in_ns "$HP" scan --json | count_owned_rows unregistered) ||
    die "harmony-ports scan --json failed"
((SCAN_ROWS == INSIDE)) ||
    die "scan --json reports $SCAN_ROWS unregistered rows with a pid, expected $INSIDE"
ALL_ROWS=$(in_ns "$HP" scan --all-ports --json | count_owned_rows) ||
    die "harmony-ports scan --all-ports --json failed"
((ALL_ROWS >= EXPECTED && ALL_ROWS <= EXPECTED + 10)) ||
    die "scan --all-ports --json reports $ALL_ROWS rows with a pid, expected $EXPECTED"
echo "Checked: ss sees $SS_SOCKETS sockets; scan reports $SCAN_ROWS unregistered rows with a" \
    "pid, scan --all-ports $ALL_ROWS rows with a pid"

# --- timing ------------------------------------------------------------------------------
NS_Q=$(printf %q "$NS")
HP_Q=$(printf %q "$HP")
hyperfine -N --warmup 3 --runs "$RUNS" --output null --export-json "$WORK/results.json" \
    -n "ss -ltnup" "ip netns exec $NS_Q ss -ltnup" \
    -n "harmony-ports scan" "ip netns exec $NS_Q $HP_Q scan" \
    -n "harmony-ports scan --all-ports" "ip netns exec $NS_Q $HP_Q scan --all-ports"

echo
echo "nproc: $(nproc), kernel: $(uname -r), date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average: $(cut -d" " -f1-3 /proc/loadavg)"
echo "sockets: $OUTSIDE outside 25000-25999 (pid $OUTSIDE_PID), $INSIDE inside (pid $INSIDE_PID); runs: $RUNS"
echo
python3 - "$WORK/results.json" "$TARGET_SCAN" "$TARGET_ALL" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
targets = {"harmony-ports scan": float(sys.argv[2]),
           "harmony-ports scan --all-ports": float(sys.argv[3])}
base = next(r["median"] for r in results if r["command"] == "ss -ltnup")
print("| command | median (ms) | ratio to ss | target | met |")
print("|---|---:|---:|---:|---|")
for r in results:
    ratio = r["median"] / base
    target = targets.get(r["command"])
    if target is None:
        print(f"| `{r['command']}` | {r['median'] * 1000:.1f} | {ratio:.2f} | | |")
    else:
        met = "met" if ratio <= target else "not met"
        print(f"| `{r['command']}` | {r['median'] * 1000:.1f} | {ratio:.2f} | <= {target:.2f} | {met} |")
EOF
