#!/usr/bin/env bash
# Configures and builds harmony-ports (warnings are errors; ccache when installed).
#
#   scripts/build.sh                    # build/: RelWithDebInfo, tests and benchmarks
#   BUILD_DIR=build-release BUILD_TYPE=Release scripts/build.sh
#   scripts/build.sh harmony_ports_unit_tests   # only these targets
#
# Environment: BUILD_DIR (default build), BUILD_TYPE (default RelWithDebInfo), BUILD_JOBS
# (default nproc), CMAKE_ARGS (extra configure arguments, split on spaces).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BUILD_DIR:-build}
# shellcheck disable=SC2206  # CMAKE_ARGS is a list of words on purpose
args=(-G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" -DBUILD_TESTING=ON
      -DHARMONY_PORTS_BENCH=ON -DHARMONY_PORTS_WERROR=ON ${CMAKE_ARGS:-})
if command -v ccache >/dev/null; then
  # Paths relative to the checkout in the cache key: worktrees and CI folders share hits.
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
  args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$dir" "${args[@]}" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$dir" -j "${BUILD_JOBS:-$(nproc)}" "${targets[@]}"
