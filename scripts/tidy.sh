#!/usr/bin/env bash
# clang-tidy (Debian's clang-tidy-16: 14 cannot parse C++23) over the given files, or over
# every library and CLI source. Uses build/compile_commands.json (run scripts/build.sh first).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  mapfile -t files < <(git ls-files 'src/*.cpp' 'tools/*.cpp' | grep -v port_data.cpp)
else
  files=("$@")
fi
# Same std::expected workaround as cmake/Warnings.cmake; g++-only warning flags are ignored.
clang-tidy-16 -p build --quiet \
  --extra-arg=-Wno-unknown-warning-option --extra-arg=-Wno-builtin-macro-redefined \
  --extra-arg=-U__cpp_concepts --extra-arg=-D__cpp_concepts=202002L \
  --extra-arg=-std=c++2b "${files[@]}"
