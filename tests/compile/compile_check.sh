#!/usr/bin/env bash
# Compiles C++ against harmony-ports' generated header (or a hand-written table) and checks
# the compile-time port checks: `ok` must compile; `fail REGEX` must not, and the compiler's
# message must match REGEX (it names the clash).
#   compile_check.sh HARMONY_PORTS CXX INCLUDE_DIR SOURCE TOPOLOGY|- ok|fail [REGEX]
set -euo pipefail
hp=$1 cxx=$2 include=$3 source=$4 topology=$5 expect=$6 pattern=${7:-}
# shellcheck source-path=SCRIPTDIR source=generate.sh
source "$(dirname "$0")/generate.sh"
generate "$hp" cpp harmony_ports_table.hpp "$topology"
cp "$source" main.cpp
set +e
"$cxx" -std=c++23 -fsyntax-only -I"$include" -I"$work" main.cpp >compile.log 2>&1
status=$?
set -e
if [[ $expect == ok ]]; then
    if [[ $status -ne 0 ]]; then
        cat compile.log
        echo "compile_check: expected the code to compile" >&2
        exit 1
    fi
    echo "compiled"
    exit 0
fi
if [[ $status -eq 0 ]]; then
    echo "compile_check: expected a compile error matching: $pattern" >&2
    exit 1
fi
if ! grep -Eq "$pattern" compile.log; then
    cat compile.log
    echo "compile_check: the compile error does not match: $pattern" >&2
    exit 1
fi
grep -E -m1 "$pattern" compile.log
