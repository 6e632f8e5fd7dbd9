#!/usr/bin/env bash
# Builds the .deb with scripts/package-deb.sh, runs lintian (no errors allowed), installs it
# with dpkg, uses what it installed (the binary, man -w, bash completion in a real bash), and
# purges it, leaving nothing behind. Needs root and dpkg-buildpackage; else skipped (exit 77).
# Usage: debian_package.sh SOURCE_DIR VERSION WORK_DIR (a stable WORK_DIR keeps ccache's hits)
# The package is built unoptimised (DEB_BUILD_OPTIONS=noopt) on every core (parallel=N; dh
# builds with -j1 without it) to keep CI short: what is tested here is the packaging, not the
# compiler's -O2.
set -euo pipefail
source=$(realpath "$1") version=$2 package_work=$3
if [ "$(id -u)" -ne 0 ] || ! command -v dpkg-buildpackage >/dev/null || ! command -v lintian >/dev/null; then
  echo "debian_package: needs root, dpkg-buildpackage and lintian; skipped"
  exit 77
fi
fail() { echo "debian_package: $*" >&2; exit 1; }
if dpkg -s harmony-ports >/dev/null 2>&1; then
  fail "harmony-ports is already installed here; not touching it"
fi
work=$(mktemp -d)
trap 'dpkg --purge harmony-ports >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

deb=$(PACKAGE_WORK=$package_work DEB_BUILD_OPTIONS="noopt noddebs parallel=$(nproc)" \
  "$source/scripts/package-deb.sh" | tail -1)
[ "$(basename "$deb")" = "harmony-ports_${version}_$(dpkg --print-architecture).deb" ] ||
  fail "unexpected package name: $deb"
echo "== lintian $(basename "$deb")"
lintian --fail-on error --tag-display-limit 0 "$deb" || fail "lintian reports errors"

echo "== dpkg -i"
dpkg -i "$deb" >/dev/null || fail "dpkg -i failed"
[ "$(/usr/bin/harmony-ports --version)" = "harmony-ports $version" ] || fail "--version differs"
(cd "$work" && /usr/bin/harmony-ports init >/dev/null && /usr/bin/harmony-ports allocate svc) |
  grep -qE '^25[0-9]{3}$' || fail "the installed binary does not allocate"
man -w harmony-ports >/dev/null || fail "man -w harmony-ports finds nothing"
man -w harmony-ports-allocate >/dev/null || fail "man -w harmony-ports-allocate finds nothing"
reply=$(cd "$work" && bash --norc -c '
  source /usr/share/bash-completion/bash_completion
  _completion_loader harmony-ports 2>/dev/null || true
  complete -p harmony-ports >/dev/null || { echo "no completion"; exit 1; }
  COMP_WORDS=(harmony-ports al); COMP_CWORD=1; COMPREPLY=()
  $(complete -p harmony-ports | sed -E "s/.*-F ([^ ]+).*/\1/") harmony-ports al harmony-ports
  echo "${COMPREPLY[*]}"')
[ "$reply" = "allocate" ] || fail "bash completes 'harmony-ports al' as '$reply'"
[ -f /lib/systemd/system/harmony-ports-agent@.service ] || fail "the agent's unit is missing"

echo "== dpkg --purge"
files=$(dpkg -L harmony-ports | while read -r f; do [ -f "$f" ] && echo "$f"; done)
dpkg --purge harmony-ports >/dev/null || fail "dpkg --purge failed"
for f in $files; do
  [ ! -e "$f" ] || fail "$f is left after purge"
done
echo "debian_package: built, lintian-clean, installed, used and purged"
