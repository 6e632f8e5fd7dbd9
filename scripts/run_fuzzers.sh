#!/usr/bin/env bash
# Builds the libFuzzer targets (clang++-16, -DHARMONY_PORTS_FUZZ=ON) in build-fuzz/ and runs each
# for a bounded time on a fresh copy of its seed corpus in fuzz/corpus/<target>/ (the repository
# corpus is never written). Crash/leak/timeout inputs go to build-fuzz/artifacts/<target>/.
# Exits non-zero when any target fails.
#
# Environment: FUZZ_SECONDS (per target, default 30), FUZZ_RUNS (a fixed number of runs with a
# fixed seed, FUZZ_SEED, instead of a time: reproducible, for CI), FUZZ_TARGETS (space-separated subset),
# FUZZ_BUILD_DIR (default <repo>/build-fuzz), FUZZ_JOBS (ninja -j, default 2),
# CXX_FUZZ (compiler, default clang++-16).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD="${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
SECONDS_PER_TARGET="${FUZZ_SECONDS:-30}"
TARGETS="${FUZZ_TARGETS:-range_fuzz registry_toml_fuzz registry_yaml_fuzz harmony_config_fuzz toml_fast_diff_fuzz sock_diag_fuzz proc_net_fuzz proc_locks_fuzz topology_fuzz kube_fuzz host_report_fuzz capi_fuzz fleet_fuzz merge_fuzz map_fuzz}"

if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
    launcher=()
    if command -v ccache >/dev/null; then
        export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
        launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    fi
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER="${CXX_FUZZ:-clang++-16}" \
        -DHARMONY_PORTS_FUZZ=ON -DBUILD_TESTING=OFF -DHARMONY_PORTS_BENCH=OFF \
        -DHARMONY_PORTS_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}"
fi
ninja -C "$BUILD" -j"${FUZZ_JOBS:-2}" fuzz_targets

# Symbolized stacks: the sanitizer runtime does not find llvm-symbolizer by itself here.
if [[ -z "${ASAN_SYMBOLIZER_PATH:-}" ]]; then
    for candidate in llvm-symbolizer-16 llvm-symbolizer; do
        if command -v "$candidate" >/dev/null; then
            ASAN_SYMBOLIZER_PATH="$(readlink -f "$(command -v "$candidate")")"
            export ASAN_SYMBOLIZER_PATH
            break
        fi
    done
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# Classifies a failed run from its log.
failure_kind() {
    local log="$1"
    local status="$2"
    if [[ "$status" -eq 124 || "$status" -eq 137 ]]; then echo "HUNG (killed by timeout)"
    elif grep -q "ERROR: LeakSanitizer" "$log"; then echo "LEAK"
    elif grep -q "ERROR: AddressSanitizer" "$log"; then echo "ASAN"
    elif grep -q "runtime error:" "$log"; then echo "UBSAN"
    elif grep -q "ERROR: libFuzzer: timeout" "$log"; then echo "TIMEOUT"
    elif grep -q "ERROR: libFuzzer: out-of-memory" "$log"; then echo "OOM"
    elif grep -q "round trip:" "$log"; then echo "ROUND-TRIP"
    else echo "CRASH"
    fi
}

summary=()
failed=0
for target in $TARGETS; do
    binary="$BUILD/fuzz/$target"
    seeds="$ROOT/fuzz/corpus/$target"
    work="$BUILD/fuzz-work/$target"
    artifacts="$BUILD/artifacts/$target"
    log="$BUILD/artifacts/$target.log"
    if [[ ! -x "$binary" ]]; then
        echo "run_fuzzers: missing $binary" >&2
        exit 2
    fi
    rm -rf "$work"
    mkdir -p "$work" "$artifacts"
    if [[ -d "$seeds" ]]; then
        cp -R "$seeds/." "$work/"
    fi
    # FUZZ_RUNS (with a fixed seed) makes a run reproducible, so CI's verdict does not depend
    # on how fast the machine is; FUZZ_SECONDS explores for a fixed time instead.
    if [[ -n "${FUZZ_RUNS:-}" ]]; then
        args=(-runs="$FUZZ_RUNS" -seed="${FUZZ_SEED:-20261126}")
    else
        args=(-max_total_time="$SECONDS_PER_TARGET")
    fi
    args+=(-rss_limit_mb=2048 -timeout=10 -artifact_prefix="$artifacts/" -print_final_stats=1)
    if [[ "$target" != range_fuzz ]]; then
        args+=(-dict="$ROOT/fuzz/registry.dict")
    fi
    echo "== $target: ${SECONDS_PER_TARGET}s, log $log"
    status=0
    # Hard wall-clock bound: libFuzzer's own timeout handler can deadlock when it interrupts a
    # malloc-heavy loop (e.g. yaml-cpp spinning), and then -max_total_time never fires.
    timeout --kill-after=10 "$((SECONDS_PER_TARGET + 120))" \
        "$binary" "${args[@]}" "$work" >"$log" 2>&1 || status=$?
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
    if [[ -z "$runs" ]]; then
        runs="$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)"
    fi
    if [[ "$status" -eq 0 ]]; then
        result="ok"
    else
        failed=1
        result="FAIL $(failure_kind "$log" "$status") (exit $status)"
        artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)"
        if [[ -n "$artifact" ]]; then
            result+=" reproducer $artifact"
        fi
        tail -n 40 "$log" >&2
    fi
    summary+=("$(printf '%-20s runs=%-10s exec/s=%-8s %s' "$target" "${runs:-?}" "${rate:-?}" \
        "$result")")
done

if [[ -n "${FUZZ_RUNS:-}" ]]; then
    mode="$FUZZ_RUNS runs, seed ${FUZZ_SEED:-20261126}"
else
    mode="${SECONDS_PER_TARGET}s"
fi
echo "== fuzz summary ($mode per target)"
printf '%s\n' "${summary[@]}"
exit "$failed"
