#!/usr/bin/env bash
# Builds the Debian package with Debian's own tooling (debian/, debhelper) out of a copy of
# the checkout's files, and leaves dist/harmony-ports_VERSION_ARCH.deb. The version is
# project(VERSION) in CMakeLists.txt; debian/changelog must say the same.
#
#   scripts/package-deb.sh && dpkg -i dist/harmony-ports_*.deb
#
# Environment: PACKAGE_WORK (default build-deb/), where the copy is built.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=$(sed -nE 's/^project\(HarmonyPorts VERSION ([0-9.]+).*/\1/p' CMakeLists.txt)
changelog=$(sed -nE '1s/^harmony-ports \(([^)]+)\).*/\1/p' debian/changelog)
if [ -z "$version" ] || [ "$version" != "$changelog" ]; then
  echo "package-deb: CMakeLists.txt says version '$version', debian/changelog '$changelog'" >&2
  exit 2
fi
work=${PACKAGE_WORK:-$root/build-deb}
tree=$work/harmony-ports-$version
rm -rf "$work"
mkdir -p "$tree" "$root/dist"
# What git tracks (and new files not ignored): never a build folder or local junk.
git ls-files -z --cached --others --exclude-standard | grep -zv '^bindings/rust/target/' |
  tar --null -T - -cf - | tar -xf - -C "$tree"
export CCACHE_BASEDIR=$tree
(cd "$tree" && dpkg-buildpackage -b -us -uc --jobs="$(nproc)" >"$work/build.log" 2>&1) || {
  tail -40 "$work/build.log" >&2
  echo "package-deb: dpkg-buildpackage failed (log: $work/build.log)" >&2
  exit 1
}
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=harmony-ports_${version}_${arch}.deb
mv "$work/$deb" "$root/dist/"
echo "$root/dist/$deb"
