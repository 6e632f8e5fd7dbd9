#!/usr/bin/env bash
# Times the whole `harmony-ports check --topology FILE` command on generated topologies of
# 100, 1,000 and 10,000 clusters (50 registry services and 2 local ports each, against a
# 900-service registry) with hyperfine, to show the growth is linear; then 5,000 unknown service
# names against 5,000 known ones (100 clusters of 50), to show "did you mean" stays bounded.
#   HARMONY_PORTS=build-bench/tools/harmony-ports/harmony-ports scripts/bench_topology.sh
# MODE=sizes or MODE=names runs one part only.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
hp=$(realpath "${HARMONY_PORTS:-$root/build/tools/harmony-ports/harmony-ports}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
python3 - <<'PY'
services = 900
with open("harmony.network.ports.toml", "w") as f:
    f.write("schema_version = 1\n")
    for i in range(services):
        f.write(f'\n[[allocation]]\nname = "svc-{i}"\nport = {25000 + i}\nprotocols = ["tcp"]\n')
for clusters in (100, 1000, 10000):
    with open(f"topology-{clusters}.toml", "w") as f:
        for c in range(clusters):
            names = ", ".join(f'"svc-{(c * 7 + s) % services}"' for s in range(50))
            f.write(f'[[cluster]]\nname = "cluster-{c}"\nkind = "k3s"\nservices = [{names}]\n\n'
                    f'[cluster.ports]\nlegacy-{c % 100} = {8000 + c % 100}\nsyslog = 5514\n\n')
for kind in ("known", "unknown"):
    with open(f"names-{kind}.toml", "w") as f:
        for c in range(100):
            # Unknown names are one or two edits from registry names: the costly case.
            names = ", ".join(f'"svc-{(c * 7 + s) % services if kind == "known" else 900 + c * 50 + s}"'
                              for s in range(50))
            f.write(f'[[cluster]]\nname = "cluster-{c}"\nkind = "k3s"\nservices = [{names}]\n\n')
PY
mode=${MODE:-all}
if [[ $mode == all || $mode == sizes ]]; then
ls -l topology-*.toml | awk '{print $5, $9}'
hyperfine -N --warmup 2 --runs "${RUNS:-10}" --export-json times.json \
    "$hp check --topology topology-100.toml" \
    "$hp check --topology topology-1000.toml" \
    "$hp check --topology topology-10000.toml" >/dev/null
python3 - <<'PY'
import json
rows = json.load(open("times.json"))["results"]
base = None
print("| clusters | median (ms) | per cluster (µs) |")
print("|---:|---:|---:|")
for r, n in zip(rows, (100, 1000, 10000)):
    median = r["median"] * 1000
    print(f"| {n:,} | {median:.1f} | {median * 1000 / n:.1f} |")
PY
fi
if [[ $mode == all || $mode == names ]]; then
# check exits 1 when it finds unknown names: that is the result, not a failure.
hyperfine -N -i --warmup 2 --runs "${RUNS:-10}" --export-json names.json \
    "$hp check --topology names-known.toml" \
    "$hp check --topology names-unknown.toml" >/dev/null
python3 - <<'PY'
import json
known, unknown = (r["median"] * 1000 for r in json.load(open("names.json"))["results"])
print("| 5,000 service names | median (ms) |")
print("|---|---:|")
print(f"| known | {known:.1f} |")
print(f"| unknown | {unknown:.1f} |")
print(f"unknown / known = {unknown / known:.2f}")
PY
fi
