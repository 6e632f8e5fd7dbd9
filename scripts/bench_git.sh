#!/usr/bin/env bash
# Times the merge driver and `diff` on a registry of BENCH_SIZE services (default 1000) side by
# side with git's own text tools on the same files: `git merge-file` (what git does without
# the driver) and `git diff` of the registry between the same two commits. See
# docs/PERFORMANCE.md for results.
#
#   scripts/bench_git.sh        # ~1 min
#
# Environment: HARMONY_PORTS (binary; default build/tools/harmony-ports/harmony-ports),
# BENCH_SIZE, BENCH_RUNS (hyperfine runs, default 30).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
HP=$(realpath "${HARMONY_PORTS:-build/tools/harmony-ports/harmony-ports}")
SIZE=${BENCH_SIZE:-1000}
RUNS=${BENCH_RUNS:-30}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1

cd "$WORK"
git init -q -b main repo && cd repo
git config user.name bench && git config user.email bench@example.invalid
printf '[harmony.network.defaults]\norchestrator_port_range = "20000-29999"\n' > harmony.toml
"$HP" init --empty --range 20000-29999 --force > /dev/null
for i in $(seq 1 "$SIZE"); do echo "base-$i"; done | while read -r name; do
    "$HP" allocate "$name" > /dev/null
done
git add -A && git commit -qm base
git checkout -q -b theirs
for i in $(seq 1 10); do "$HP" allocate "theirs-$i" > /dev/null; done
git commit -qam theirs
git checkout -q main
for i in $(seq 1 10); do "$HP" allocate "ours-$i" > /dev/null; done
git commit -qam ours
git show base:harmony.network.ports.toml > "$WORK/base.toml" 2>/dev/null ||
    git show HEAD~1:harmony.network.ports.toml > "$WORK/base.toml"
git show main:harmony.network.ports.toml > "$WORK/ours.toml"
git show theirs:harmony.network.ports.toml > "$WORK/theirs.toml"

echo "registry: $SIZE services in the base, 10 added on each side ($(wc -c < "$WORK/ours.toml") bytes)"
# -i: a text merge with conflicts exits non-zero, and so does the driver when it finds some.
hyperfine -N -i --warmup 3 --runs "$RUNS" --export-json "$WORK/merge.json" \
    --prepare "cp $WORK/ours.toml $WORK/a.toml" \
    -n "harmony-ports merge-driver" \
    "$HP merge-driver $WORK/base.toml $WORK/a.toml $WORK/theirs.toml harmony.network.ports.toml" \
    -n "git merge-file (text)" \
    "git merge-file -q $WORK/a.toml $WORK/base.toml $WORK/theirs.toml"
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$WORK/diff.json" \
    -n "harmony-ports diff main~1 theirs" "$HP diff main~1 theirs" \
    -n "git diff main~1 theirs -- registry" \
    "git diff --no-color main~1 theirs -- harmony.network.ports.toml"

# Medians and their ratio, from the same run (hyperfine's summary quotes means).
python3 - "$WORK/merge.json" "$WORK/diff.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    results = json.load(open(path))["results"]
    medians = [(r["command"], r["median"] * 1000) for r in results]
    for name, ms in medians:
        print(f"median {ms:7.2f} ms  {name}")
    print(f"ratio  {medians[0][1] / medians[1][1]:7.2f}x  ({medians[0][0]} / {medians[1][0]})")
PY
