#!/usr/bin/env bash
# Times the whole `map` and `check --format prometheus` commands with hyperfine, side by side
# with their peers on the same registry (900 services, 10 pools, 50 ports in quarantine):
# `list` (reads the same registry, prints a table), `check --json` (the same check, another
# rendering) and, with --host, `ss -ltnup` (the kernel's own view of the listeners).
#   HARMONY_PORTS=build-bench/tools/harmony-ports/harmony-ports scripts/bench_map.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
hp=$(realpath "${HARMONY_PORTS:-$root/build/tools/harmony-ports/harmony-ports}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$hp" init --empty >/dev/null
python3 - <<'PY'
with open("harmony.network.ports.toml", "w") as f:
    f.write("schema_version = 1\nquarantine_days = 30\n")
    for p in range(10):
        first = 25900 + p * 10
        f.write(f'\n[[pool]]\nname = "pool-{p}"\nports = "{first}-{first + 9}"\n'
                f'reserved = {"true" if p == 9 else "false"}\n')
    for i in range(900):
        f.write(f'\n[[allocation]]\nname = "svc-{i}"\nport = {25000 + i}\nprotocols = ["tcp"]\n'
                f'owner = "team-{i % 7}"\n')
    for i in range(50):
        f.write(f'\n[[released]]\nname = "old-{i}"\nport = {25900 + i}\nprotocols = ["tcp"]\n'
                f'released = "2026-11-01T00:00:00Z"\nuntil = "2099-01-01T00:00:00Z"\n')
PY
"$hp" list >/dev/null  # the fixture loads
runs=${RUNS:-20}
hyperfine -N --warmup 3 --runs "$runs" --export-json map.json \
    "$hp list" \
    "$hp map --color never" \
    "$hp map --json" \
    "$hp map --html map.html" \
    "$hp map --range 1-65535 --color never" \
    "$hp map --range 1-65535 --html map-65535.html" \
    "$hp check --json" \
    "$hp check --format prometheus --output metrics.prom"
ls -l map.html map-65535.html metrics.prom | awk '{print $5, $9}'
files=(map.json)
if [ "$(id -u)" -eq 0 ] && command -v ss >/dev/null; then
    hyperfine -N --warmup 3 --runs "$runs" --export-json host.json "ss -ltnup" \
        "$hp map --host --color never" "$hp scan" "$hp map --color never"
    files+=(host.json)
fi
# Medians (hyperfine's summary shows means), and each command's ratio to the first of its run.
python3 - "${files[@]}" <<'PY'
import json, sys
for path in sys.argv[1:]:
    results = json.load(open(path))["results"]
    base = results[0]["median"]
    for r in results:
        print(f'{r["median"] * 1000:8.2f} ms  {r["median"] / base:5.2f}x  {r["command"].split("/")[-1]}')
    print()
PY
