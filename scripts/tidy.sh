#!/usr/bin/env bash
# clang-tidy (Debian's clang-tidy-16: 14 cannot parse C++23) over the given files, or over
# every library and CLI source; warnings are errors (.clang-tidy WarningsAsErrors). Uses
# BUILD_DIR/compile_commands.json (default build/; run scripts/build.sh first). Files run in
# parallel, TIDY_JOBS at a time (default nproc); exits non-zero when any file has a finding.
#
#   scripts/tidy.sh                  # src/ and tools/
#   scripts/tidy.sh src/policy/*.cpp
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  mapfile -t files < <(git ls-files 'src/*.cpp' 'tools/*.cpp' | grep -v port_data.cpp)
else
  files=("$@")
fi
# Same std::expected workaround as cmake/Warnings.cmake; g++-only warning flags are ignored.
# One file per clang-tidy process, so a slow file does not hold up the others.
# A file taking longer than TIDY_TIMEOUT seconds (default 300) fails the run by name instead of
# holding it up: a check without bounds on some code is a finding about the configuration.
printf '%s\0' "${files[@]}" |
  xargs -0 -n 1 -P "${TIDY_JOBS:-$(nproc)}" \
    timeout --verbose "${TIDY_TIMEOUT:-300}" clang-tidy-16 -p "${BUILD_DIR:-build}" --quiet \
    --extra-arg=-Wno-unknown-warning-option --extra-arg=-Wno-builtin-macro-redefined \
    --extra-arg=-U__cpp_concepts --extra-arg=-D__cpp_concepts=202002L \
    --extra-arg=-std=c++2b
