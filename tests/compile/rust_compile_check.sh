#!/usr/bin/env bash
# Compiles Rust against the file `harmony-ports export --format rust` generated and checks the
# compile-time port checks. `ok`: the generated file compiles alone as a crate with bare rustc
# (-D warnings), and SOURCE (which include!s it) compiles too. `fail REGEX...`: SOURCE (or, for
# SOURCE -, the generated file alone) must not compile, and the compiler's output must match
# every REGEX (each names one clash).
#   rust_compile_check.sh HARMONY_PORTS RUSTC SOURCE|- TOPOLOGY|- ok|fail [REGEX...]
set -euo pipefail
hp=$1 rustc=$2 source=$3 topology=$4 expect=$5
shift 5
# shellcheck source-path=SCRIPTDIR source=generate.sh
source "$(dirname "$0")/generate.sh"
generate "$hp" rust harmony_ports.rs "$topology"
compile() {  # FILE: a library crate, warnings are errors
    "$rustc" --crate-type lib --edition 2021 -D warnings --emit metadata --out-dir "$work/out" \
        "$1" >>compile.log 2>&1
}
if [[ $expect == ok ]]; then
    status=0
    compile harmony_ports.rs || status=$?
    if [[ $status -eq 0 && $source != - ]]; then
        cp "$source" main.rs
        compile main.rs || status=$?
    fi
    if [[ $status -ne 0 ]]; then
        cat compile.log
        echo "rust_compile_check: expected the code to compile" >&2
        exit 1
    fi
    echo "compiled"
    exit 0
fi
file=harmony_ports.rs
if [[ $source != - ]]; then
    cp "$source" main.rs
    file=main.rs
fi
if compile "$file"; then
    echo "rust_compile_check: expected a compile error matching: $*" >&2
    exit 1
fi
for pattern in "$@"; do
    if ! grep -Eq "$pattern" compile.log; then
        cat compile.log
        echo "rust_compile_check: no compile error matches: $pattern" >&2
        exit 1
    fi
    grep -E -m1 "$pattern" compile.log
done
