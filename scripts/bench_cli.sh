#!/usr/bin/env bash
# Times the harmony-ports CLI `allocate` against Debian's port-for (python3-port-for) on this
# machine, and checks both under concurrent use. See docs/PERFORMANCE.md for results.
#
#   scripts/bench_cli.sh   # ~2 min on an idle 2-core machine, ~3.5 min under heavy load
#
# Environment:
#   HARMONY_PORTS       harmony-ports binary, relative to the repository root or absolute
#                       (default build-bench/tools/harmony-ports/harmony-ports)
#   BENCH_RUNS          hyperfine runs per command for the single-allocate test (default 20)
#   BENCH_CONC_ROUNDS   rounds of the concurrency test per tool (default 2)
#   BENCH_DISK_DIR      parent of the on-disk work folder (default /tmp)
#   BENCH_TMPFS_DIR     parent of the tmpfs work folder (default /dev/shm; empty: skip tmpfs)
#
# Isolation: everything lives in fresh temporary folders that are removed on exit; HOME and
# XDG_CONFIG_HOME point inside them. The port-for command line always uses the hard-coded
# /etc/port-for.conf (port_for/store.py DEFAULT_CONFIG_PATH; no option or variable changes
# it), so this script never runs /usr/bin/port-for itself: it runs an equivalent launcher that
# calls the unmodified port_for.cmd.main() under the same interpreter with the store pointed at
# a temporary file. /etc/port-for.conf is never read or written.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

HP=${HARMONY_PORTS:-build-bench/tools/harmony-ports/harmony-ports}
if [[ ! -x $HP ]]; then
    echo "bench_cli.sh: harmony-ports binary not found at $HP (set HARMONY_PORTS)" >&2
    exit 2
fi
HP=$(realpath "$HP")
RUNS=${BENCH_RUNS:-20}
CONC_ROUNDS=${BENCH_CONC_ROUNDS:-2}
PROCS=16
PER_PROC=25
SEED_ENTRIES=1000
RANGE=20000-29999

for tool in hyperfine flock port-for cc; do
    command -v "$tool" >/dev/null || { echo "bench_cli.sh: $tool is not installed" >&2; exit 2; }
done
# The interpreter /usr/bin/port-for runs under (its shebang), so the launcher starts the same.
PY=$(sed -n '1s/^#![[:space:]]*//p' "$(command -v port-for)")
PY=${PY%% *}
[[ -x $PY ]] || PY=/usr/bin/python3

WORK_DISK=$(mktemp -d "${BENCH_DISK_DIR:-/tmp}/harmony-bench.XXXXXX")
WORK_MEM=""
if [[ -n ${BENCH_TMPFS_DIR-/dev/shm} && -d ${BENCH_TMPFS_DIR:-/dev/shm} &&
      $(stat -f -c %T "${BENCH_TMPFS_DIR:-/dev/shm}") == tmpfs ]]; then
    WORK_MEM=$(mktemp -d "${BENCH_TMPFS_DIR:-/dev/shm}/harmony-bench.XXXXXX")
fi
cleanup() { rm -rf "$WORK_DISK" ${WORK_MEM:+"$WORK_MEM"}; }
trap cleanup EXIT

# The floor: a static C program that only writes the bytes, fsyncs, renames, fsyncs the folder.
FLOOR=$WORK_DISK/floor_write
cc -O2 -static -o "$FLOOR" bench/floor_write.c

export HOME=$WORK_DISK/home XDG_CONFIG_HOME=$WORK_DISK/home/.config
mkdir -p "$XDG_CONFIG_HOME"
unset HARMONY_PORTS_REGISTRY PORT_FOR_CONF
export NO_COLOR=1
cd "$WORK_DISK"  # no registry discovery from the repository; every call names its file

# port-for launcher: /usr/bin/port-for with the store moved to $PORT_FOR_CONF.
LAUNCHER=$WORK_DISK/port-for-isolated.py
cat >"$LAUNCHER" <<'EOF'
import os
import sys

import port_for.cmd as cmd
from port_for.store import PortStore

conf = os.environ.get("PORT_FOR_CONF")
if not conf:
    sys.exit("port-for-isolated: PORT_FOR_CONF is not set; refusing to use /etc/port-for.conf")
cmd.store = PortStore(conf)
sys.exit(cmd.main())
EOF

say() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------
# Seed stores: 1,000 entries each.
say "== seeding: $SEED_ENTRIES entries per store =="
SEED=${WORK_MEM:-$WORK_DISK}/seed
mkdir -p "$SEED/hp" "$SEED/pf"
"$HP" --registry "$SEED/hp/harmony.network.ports.toml" init --empty --range "$RANGE" >/dev/null
t0=$(date +%s%N)
for i in $(seq -f '%04g' 1 "$SEED_ENTRIES"); do
    "$HP" --registry "$SEED/hp/harmony.network.ports.toml" allocate "svc-$i" >/dev/null
done
say "harmony-ports: $SEED_ENTRIES real allocate calls in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
# port-for: 1,000 associations written by ConfigParser exactly as PortStore._save writes them,
# on distinct random ports from port_for.available_good_ports() (what 1,000 `port-for NAME`
# calls produce, without spending ~2 minutes of interpreter start-ups on it).
"$PY" - "$SEED/pf/port-for.conf" "$SEED_ENTRIES" <<'EOF'
import configparser, random, sys
import port_for
path, n = sys.argv[1], int(sys.argv[2])
ports = random.Random(1000).sample(sorted(port_for.available_good_ports()), n)
parser = configparser.ConfigParser()
for i, port in enumerate(ports, 1):
    parser.set(configparser.DEFAULTSECT, f"svc-{i:04}", str(port))
with open(path, "wt") as f:
    parser.write(f)
EOF

count_hp() { "$HP" --registry "$1" list --json | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["allocations"]))'; }
count_pf() { "$PY" -c 'import configparser,sys; p=configparser.ConfigParser(); p.read(sys.argv[1]); print(len(p.defaults()))' "$1"; }
[[ $(count_hp "$SEED/hp/harmony.network.ports.toml") == "$SEED_ENTRIES" ]] || { say "seed registry is wrong"; exit 1; }
[[ $(count_pf "$SEED/pf/port-for.conf") == "$SEED_ENTRIES" ]] || { say "seed port-for config is wrong"; exit 1; }

# Copies the seed into $1/hp and $1/pf as base files.
place_seed() {
    mkdir -p "$1/hp" "$1/pf"
    cp "$SEED/hp/harmony.toml" "$1/hp/harmony.toml"
    cp "$SEED/hp/harmony.network.ports.toml" "$1/hp/base.toml"
    cp "$SEED/pf/port-for.conf" "$1/pf/base.conf"
}

# ---------------------------------------------------------------------------------------------
# a) One allocate of a new name into a 1,000-entry store. --prepare restores the 1,000-entry
# file before every run (untimed), so every timed run places a name the store does not hold.
declare -a SINGLE_ARGS=()  # label, hyperfine json, label, json, ...
single() {  # LABEL DIR
    local label=$1 dir=$2
    place_seed "$dir"
    say ""
    say "== single allocate, store on $label ($(df --output=fstype "$dir" | tail -1)): $RUNS runs each =="
    export PORT_FOR_CONF=$dir/pf/port-for.conf
    # The floor writes exactly the bytes harmony-ports writes: its result, taken once, untimed.
    cp "$dir/hp/base.toml" "$dir/hp/harmony.network.ports.toml"
    "$HP" --registry "$dir/hp/harmony.network.ports.toml" allocate new-service >/dev/null
    cp "$dir/hp/harmony.network.ports.toml" "$dir/hp/expected.toml"
    hyperfine -N --style basic --warmup 3 --runs "$RUNS" --export-json "$dir/single.json" \
        --command-name floor \
        --prepare "cp $dir/hp/base.toml $dir/hp/floor.toml" \
        "$FLOOR $dir/hp/expected.toml $dir/hp/floor.toml" \
        --command-name harmony-ports \
        --prepare "cp $dir/hp/base.toml $dir/hp/harmony.network.ports.toml" \
        "$HP --registry $dir/hp/harmony.network.ports.toml allocate new-service" \
        --command-name port-for \
        --prepare "cp $dir/pf/base.conf $dir/pf/port-for.conf" \
        "$PY $LAUNCHER new-service" >&2
    unset PORT_FOR_CONF
    # The last run really added the name: 1,001 entries in both stores.
    [[ $(count_hp "$dir/hp/harmony.network.ports.toml") == $((SEED_ENTRIES + 1)) ]] || { say "harmony-ports did not add the name"; exit 1; }
    [[ $(count_pf "$dir/pf/port-for.conf") == $((SEED_ENTRIES + 1)) ]] || { say "port-for did not add the name"; exit 1; }
    cmp -s "$dir/hp/floor.toml" "$dir/hp/harmony.network.ports.toml" || { say "the floor wrote other bytes"; exit 1; }
    SINGLE_ARGS+=("$label" "$dir/single.json")
}
single disk "$WORK_DISK/single"
if [[ -n $WORK_MEM ]]; then
    single tmpfs "$WORK_MEM/single"
fi

# ---------------------------------------------------------------------------------------------
# b) Concurrency: 16 processes released at once by a lock barrier, each allocating 25 distinct
# new names one after another into one shared store that starts with the 1,000 seed entries.
run_tool() {  # TOOL DIR NAME -> prints the port
    if [[ $1 == harmony-ports ]]; then
        "$HP" --registry "$2/harmony.network.ports.toml" allocate "$3"
    else
        PORT_FOR_CONF=$2/port-for.conf "$PY" "$LAUNCHER" "$3"
    fi
}

worker() {  # TOOL DIR P BARRIER
    local tool=$1 dir=$2 p=$3 barrier=$4 i name port rc
    exec 9>&-
    flock -s "$barrier" true  # blocks until the main script drops its exclusive lock
    for i in $(seq -f '%02g' 1 "$PER_PROC"); do
        name=$(printf 'p%02d-n%s' "$p" "$i")
        rc=0
        port=$(run_tool "$tool" "$dir" "$name" 2>>"$dir/out/$p.err") || rc=$?
        if [[ $rc == 0 ]]; then
            printf '%s %s\n' "$name" "$port" >>"$dir/out/$p.ok"
        else
            printf '%s %s\n' "$name" "$rc" >>"$dir/out/$p.fail"
        fi
    done
}

concurrency_round() {  # TOOL ROUND
    local tool=$1 round=$2 dir p start end store
    dir=$WORK_DISK/conc/$tool-$round
    mkdir -p "$dir/out"
    if [[ $tool == harmony-ports ]]; then
        cp "$SEED/hp/harmony.toml" "$dir/harmony.toml"
        cp "$SEED/hp/harmony.network.ports.toml" "$dir/harmony.network.ports.toml"
        store=$dir/harmony.network.ports.toml
    else
        cp "$SEED/pf/port-for.conf" "$dir/port-for.conf"
        store=$dir/port-for.conf
    fi
    : >"$dir/barrier"
    exec 9>"$dir/barrier"
    flock -x 9
    for p in $(seq 1 "$PROCS"); do
        worker "$tool" "$dir" "$p" "$dir/barrier" &
    done
    sleep 0.5  # let every worker reach the barrier
    start=$(date +%s%N)
    flock -u 9
    exec 9>&-
    wait
    end=$(date +%s%N)
    # Verify: the final store against what every process printed.
    local final=$dir/final.json
    if [[ $tool == harmony-ports ]]; then
        "$HP" --registry "$store" list --json >"$final" 2>"$dir/list.err" || echo '{"corrupt":true}' >"$final"
    else
        "$PY" - "$store" >"$final" <<'EOF' || echo '{"corrupt":true}' >"$final"
import configparser, json, sys
parser = configparser.ConfigParser()
parser.read(sys.argv[1])
print(json.dumps({"allocations": [{"name": k, "first": int(v), "last": int(v)}
                                  for k, v in parser.defaults().items()]}))
EOF
    fi
    "$PY" - "$tool" "$round" "$dir" "$final" "$(( (end - start) / 1000000 ))" "$SEED_ENTRIES" \
        "$((PROCS * PER_PROC))" >"$dir/result.json" <<'EOF'
import collections, glob, json, os, sys
tool, rnd, d, final_path, wall_ms, seed, requested = sys.argv[1:8]
printed, failed, errors = {}, 0, collections.Counter()
for path in glob.glob(os.path.join(d, "out", "*.ok")):
    for line in open(path):
        name, port = line.split()
        printed[name] = port
for path in glob.glob(os.path.join(d, "out", "*.fail")):
    failed += sum(1 for _ in open(path))
for path in glob.glob(os.path.join(d, "out", "*.err")):
    for line in open(path):  # skip traceback frames: keep the message / exception lines
        if line.strip() and not line[0].isspace() and not line.startswith("Traceback"):
            errors[line.strip()[:110]] += 1
final = json.load(open(final_path))
res = {"tool": tool, "round": int(rnd), "wall_ms": int(wall_ms), "requested": int(requested),
       "printed": len(printed), "failed": failed, "corrupt": bool(final.get("corrupt"))}
held = {a["name"]: (a["first"], a["last"]) for a in final.get("allocations", [])}
res["entries"] = len(held)
res["lost_new"] = sum(1 for n in printed if n not in held)
res["moved"] = sum(1 for n, p in printed.items()
                   if n in held and held[n] != (int(p.split("-")[0]), int(p.split("-")[-1])))
res["lost_seed"] = sum(1 for i in range(1, int(seed) + 1) if f"svc-{i:04}" not in held)
owners = collections.Counter()
for first, last in held.values():
    for port in range(first, last + 1):
        owners[port] += 1
res["dup_ports_file"] = sum(1 for c in owners.values() if c > 1)
told = collections.Counter(printed.values())
res["dup_ports_printed"] = sum(1 for c in told.values() if c > 1)
res["top_errors"] = errors.most_common(3)
print(json.dumps(res))
EOF
    say "$tool round $round: $(cat "$dir/result.json")"
}

say ""
say "== concurrency: $PROCS processes x $PER_PROC new names into one shared store on disk, $CONC_ROUNDS rounds =="
for round in $(seq 1 "$CONC_ROUNDS"); do
    concurrency_round harmony-ports "$round"
    concurrency_round port-for "$round"
done

# ---------------------------------------------------------------------------------------------
# Summary.
echo
"$PY" - "$WORK_DISK/conc" "${SINGLE_ARGS[@]}" <<'EOF'
import glob, json, os, statistics, sys
conc_dir, rest = sys.argv[1], sys.argv[2:]
print("Single allocate of a new name into a 1,000-entry store (hyperfine median, ms)")
print(f"{'store on':<10} {'floor':>9} {'harmony-ports':>14} {'port-for':>10} {'port-for/harmony-ports':>24} {'harmony-ports/floor':>20}")
for label, path in zip(rest[0::2], rest[1::2]):
    r = {x["command"]: x for x in json.load(open(path))["results"]}
    hp, pf, fl = r["harmony-ports"], r["port-for"], r["floor"]
    print(f"{label:<10} {fl['median']*1e3:>6.2f} ms {hp['median']*1e3:>11.2f} ms {pf['median']*1e3:>7.1f} ms"
          f" {pf['median']/hp['median']:>23.2f}x {hp['median']/fl['median']:>19.2f}x"
          f"   (means {hp['mean']*1e3:.1f}±{hp['stddev']*1e3:.1f} / {pf['mean']*1e3:.1f}±{pf['stddev']*1e3:.1f} ms,"
          f" {len(hp['times'])} runs each)")
print()
rows = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(conc_dir, "*", "result.json")))]
print("Concurrency: 16 processes x 25 new names, one shared store with 1,000 entries (per round)")
hdr = ("tool", "round", "wall ms", "printed", "failed", "lost new", "lost seed", "moved",
       "dup ports", "dup printed", "corrupt")
print(f"{hdr[0]:<14}" + "".join(f"{h:>12}" for h in hdr[1:]))
for tool in ("harmony-ports", "port-for"):
    mine = [r for r in rows if r["tool"] == tool]
    for r in sorted(mine, key=lambda r: r["round"]):
        vals = (r["round"], r["wall_ms"], r["printed"], r["failed"], r["lost_new"],
                r["lost_seed"], r["moved"], r["dup_ports_file"], r["dup_ports_printed"],
                "yes" if r["corrupt"] else "no")
        print(f"{tool:<14}" + "".join(f"{v:>12}" for v in vals))
    if mine:
        print(f"{tool + ' median':<26} {statistics.median(r['wall_ms'] for r in mine):>12.0f}"
              f"  lost new total {sum(r['lost_new'] for r in mine)},"
              f" lost seed total {sum(r['lost_seed'] for r in mine)},"
              f" failed total {sum(r['failed'] for r in mine)},"
              f" dup ports total {sum(r['dup_ports_file'] for r in mine)}")
        errs = {}
        for r in mine:
            for text, n in r["top_errors"]:
                errs[text] = errs.get(text, 0) + n
        for text, n in sorted(errs.items(), key=lambda kv: -kv[1])[:3]:
            print(f"    {n:>4} x stderr: {text}")
EOF
