#!/usr/bin/env bash
# Installs the build into a temporary prefix, moves the prefix (relocatable), and builds three
# consumers against it the way users do: CMake with only find_package(HarmonyPorts), plain g++
# with `pkg-config harmony-ports`, and C with `pkg-config harmony-ports-c`.
# Usage: install_consumers.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1") source=$(realpath "$2") here=$(dirname "$(realpath "$0")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/first" >/dev/null
mv "$work/first" "$work/prefix"
prefix=$work/prefix

fail() { echo "install_consumers: $*" >&2; exit 1; }
# Nothing installed may point into the build or the source tree, or at the first prefix.
if grep -rlIE "$build|$source|$work/first" "$prefix/lib" "$prefix/include" "$prefix/share" 2>/dev/null; then
  fail "the installed files above name the build, source or first install folder"
fi
for f in bin/harmony-ports include/harmony_ports.h include/harmony/network/registry_store.hpp \
         include/harmony/network/version.hpp share/man/man1/harmony-ports.1 \
         share/man/man1/harmony-ports-allocate.1 share/bash-completion/completions/harmony-ports \
         share/zsh/vendor-completions/_harmony-ports \
         share/fish/vendor_completions.d/harmony-ports.fish \
         lib/systemd/system/harmony-ports-agent@.service; do
  [ -e "$prefix/$f" ] || fail "missing $f"
done
libdir=$(dirname "$(find "$prefix" -name libharmony_ports.a | head -1)")
[ -e "$libdir/libharmony_ports.so.0" ] || fail "missing libharmony_ports.so.0 in $libdir"

folder=$work/registry
mkdir -p "$folder"
"$prefix/bin/harmony-ports" --registry "$folder/harmony.network.ports.toml" init >/dev/null
echo "== CMake consumer (find_package only)"
cmake -S "$here/consumer" -B "$work/cmake-consumer" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  >/dev/null || fail "the CMake consumer does not configure"
cmake --build "$work/cmake-consumer" >/dev/null || fail "the CMake consumer does not build"
out=$("$work/cmake-consumer/consumer" "$folder")
echo "$out"
[[ $out =~ ^harmony-ports\ [0-9.]+:\ ntfy\ -\>\ 25[0-9]{3}$ ]] || fail "unexpected: $out"
grep -q 'name = "ntfy"' "$folder/harmony.network.ports.toml" || fail "ntfy not in the registry"

echo "== g++ with pkg-config harmony-ports"
export PKG_CONFIG_PATH=$libdir/pkgconfig
# shellcheck disable=SC2046  # pkg-config's words are meant to split
g++ "$here/consumer.cpp" -o "$work/pc-consumer" $(pkg-config --cflags --libs harmony-ports)
again=$("$work/pc-consumer" "$folder")
echo "$again"
[ "$again" = "$out" ] || fail "the pkg-config consumer disagrees: $again"

echo "== C with pkg-config harmony-ports-c"
# shellcheck disable=SC2046
gcc -std=c11 -Wall -Werror "$here/c_consumer.c" -o "$work/c-consumer" \
  $(pkg-config --cflags --libs harmony-ports-c)
LD_LIBRARY_PATH=$libdir "$work/c-consumer" | grep -qE '^ceph-rgw -> 25[0-9]{3}$' ||
  fail "the C consumer failed"
echo "install_consumers: all consumers built and ran"
