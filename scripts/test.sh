#!/usr/bin/env bash
# The one test command (README and CI): formatting, build, run every test, clang-tidy on the
# library, a Release build with its unit tests, every test again under AddressSanitizer +
# UndefinedBehaviorSanitizer, then each fuzz target briefly. Warnings are errors throughout.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
# Rust comes with the machine (rustup's cargo in ~/.cargo/bin), not from Debian.
[[ ":$PATH:" == *":$HOME/.cargo/bin:"* ]] || export PATH="$PATH:$HOME/.cargo/bin"
total=0
failed=0
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=$PWD
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
else
  launcher=()
fi

# stage TITLE: starts a stage; the time each stage took is listed at the end.
stage_names=()
stage_starts=()
stage() {
  echo "== $1"
  stage_names+=("$1")
  stage_starts+=("$SECONDS")
}
stage_times() {
  local i end
  # Only the script itself: a pipeline's subshell may run the EXIT trap too.
  [ "$BASHPID" = "$$" ] && [ "${#stage_names[@]}" -gt 0 ] || return 0
  echo "== time per stage"
  for i in "${!stage_names[@]}"; do
    end=${stage_starts[$((i + 1))]:-$SECONDS}
    printf '%6d s  %s\n' $((end - stage_starts[i])) "${stage_names[$i]}"
  done
}

# step LABEL COMMAND...: runs one pass/fail check and counts it.
step() {
  local label=$1
  shift
  total=$((total + 1))
  local start=$SECONDS
  if "$@"; then
    echo "test.sh: $label: ok ($((SECONDS - start)) s)"
  else
    echo "test.sh: $label: FAILED ($((SECONDS - start)) s)"
    failed=$((failed + 1))
  fi
}

check_format() {
  git ls-files -z '*.cpp' '*.hpp' '*.c' '*.h' | xargs -0 clang-format --dry-run -Werror
}

run_ctest() {  # run_ctest BUILD_DIR LABEL
  local log
  log=$(mktemp)
  if ctest --test-dir "$1" -j "$jobs" --output-on-failure --timeout 600 | tee "$log"; then :; fi
  local line n f
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
  [ -n "$line" ] || { echo "test.sh: ctest in $1 reported no result"; failed=$((failed + 1)); return; }
  n=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
  f=$(sed -E 's/.*, ([0-9]+) tests failed.*/\1/' <<<"$line")
  total=$((total + n))
  failed=$((failed + f))
  echo "test.sh: $2: $((n - f)) of $n passed"
  rm -f "$log"
}

run_cargo() {  # run_cargo LABEL: the Rust crate's own tests, each Rust test counted
  local log status=0
  log=$(mktemp)
  (cd bindings/rust && cargo test --offline --no-fail-fast 2>&1) | tee "$log" || status=$?
  local n=0 f=0 line
  while read -r line; do
    n=$((n + $(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")))
    f=$((f + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
  done < <(grep -E '^test result: ' "$log")
  total=$((total + n))
  failed=$((failed + f))
  if [ "$n" -eq 0 ] || { [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; }; then
    echo "test.sh: $1: cargo failed before reporting every result"
    total=$((total + 1))
    failed=$((failed + 1))
  fi
  echo "test.sh: $1: $((n - f)) of $n passed"
  rm -f "$log"
}
# Also when a build stops the script (set -e): a failed run says where its time went too.
trap stage_times EXIT

stage "generated files match ../shared/data"
if [ -d ../shared/data ]; then
  gen=$(mktemp -d)
  python3 scripts/gen_port_data.py ../shared/data --output "$gen/port_data.cpp" >/dev/null
  python3 scripts/reference_allocator.py ../shared/data --output "$gen/vectors.tsv" >/dev/null
  for pair in "src/policy/port_data.cpp:$gen/port_data.cpp" \
              "tests/vectors/allocation_vectors.tsv:$gen/vectors.tsv"; do
    total=$((total + 1))
    if cmp -s "${pair%%:*}" "${pair#*:}"; then
      echo "test.sh: ${pair%%:*} is current"
    else
      echo "test.sh: ${pair%%:*} is stale: rerun its script"
      failed=$((failed + 1))
    fi
  done
  rm -rf "$gen"
else
  echo "test.sh: ../shared/data not present; skipped"
fi

stage "formatting (clang-format --dry-run -Werror over every tracked C++ file)"
step "formatting" check_format

stage "build (RelWithDebInfo)"
scripts/build.sh
stage "every test (ctest)"
run_ctest build "tests"

stage "Rust crate (bindings/rust): rustfmt, clippy, cargo test --offline"
# build.rs builds the library with CMake into the crate's own target folder: the path a user
# takes from a clean checkout. Warnings are errors there too.
export HARMONY_PORTS_CMAKE_ARGS=-DHARMONY_PORTS_WERROR=ON
step "rustfmt" bash -c 'cd bindings/rust && cargo fmt --check'
step "clippy" bash -c 'cd bindings/rust && cargo clippy --offline --all-targets -- -D warnings'
run_cargo "Rust tests"

stage "clang-tidy on the library (src/), warnings as errors"
mapfile -t library < <(git ls-files 'src/*.cpp' | grep -v port_data.cpp)
step "clang-tidy (${#library[@]} files)" scripts/tidy.sh "${library[@]}"

stage "Release build (-O3, where GCC 12 warns differently) and its unit tests"
BUILD_DIR=build-release BUILD_TYPE=Release CMAKE_ARGS=-DHARMONY_PORTS_BENCH=OFF \
  scripts/build.sh harmony_ports harmony_ports_shared harmony-ports harmony_ports_unit_tests
step "unit tests (Release)" build-release/tests/harmony_ports_unit_tests --gtest_brief=1

stage "build with ASan + UBSan"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHARMONY_PORTS_SANITIZE=ON \
  -DHARMONY_PORTS_BENCH=OFF -DBUILD_TESTING=ON -DHARMONY_PORTS_WERROR=ON "${launcher[@]}" >/dev/null
cmake --build build-asan -j "$jobs"
stage "every test under ASan + UBSan (ctest)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  run_ctest build-asan "tests under ASan+UBSan"

stage "fuzz targets on their seed corpora"
# A fixed seed and run count: the same inputs on every CI run (explore with FUZZ_SECONDS).
if FUZZ_RUNS="${FUZZ_RUNS:-30000}" scripts/run_fuzzers.sh; then
  echo "test.sh: fuzzing found nothing"
else
  echo "test.sh: fuzzing found a crash (see build-fuzz/artifacts)"
  failed=$((failed + 1))
  total=$((total + 1))
fi

echo "tests: $((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
