#!/usr/bin/env bash
# The HTML map in a browser: builds a registry with pools (one reserved), owners and notes
# (one hostile), a quarantine entry and a conflict, writes its page for the registry's range
# and for 1-65535, and checks both in headless chromium (map_html_test.js).
#
#   map_html_test.sh HARMONY_PORTS OUTDIR [WRITE_MAP_HTML]
#
# Screenshots go to OUTDIR. Exit 0: pass; 1: failure; 77: chromium or playwright-core absent.
set -euo pipefail
bin=$1 outdir=$2 writer=${3:-}
here=$(cd "$(dirname "$0")" && pwd)

skip() { echo "SKIP: $1"; exit 77; }
[ -x /usr/bin/chromium ] || skip "/usr/bin/chromium is not installed"
command -v node >/dev/null || skip "node is not installed"
[ -d "$(npm root -g)/playwright-core" ] || skip "playwright-core is not installed globally"

mkdir -p "$outdir"
rm -f "$outdir"/map-1000.png "$outdir"/map-65535.png
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
reg=$d/harmony.network.ports.toml
hp() { "$bin" --registry "$reg" "$@"; }
first_last() { hp get "$1" --json | tr -d " \n" | sed -E 's/.*"first":([0-9]+),"last":([0-9]+).*/\1 \2/'; echo; }

hostile='</script><img src=x onerror=alert(1)>'
hp init >/dev/null
# A pool of our own, and an owner for ceph-rgw (init writes it without one).
printf '\n[[pool]]\nname = "web"\nports = "25200-25249"\n' >>"$reg"
sed -i '/^name = "ceph-rgw"$/a owner = "storage team"' "$reg"
hp allocate web-frontend --count 3 --pool web --owner "web team" --notes "$hostile" >/dev/null
hp allocate prometheus --pool metrics --owner "ops" --notes "scrapes" >/dev/null
hp allocate old-svc --owner "legacy" >/dev/null
read -r q _ < <(first_last old-svc)
hp release old-svc >/dev/null
read -r wf wl < <(first_last web-frontend)
# The conflict: a second allocation on ceph-rgw's port (only a lenient read accepts it).
printf '\n[[allocation]]\nname = "rogue"\nport = 25080\nowner = "nobody"\n' >>"$reg"
echo "registry: web-frontend $wf-$wl (pool web), old-svc $q quarantined, rogue on 25080"

write() {
  if [ -n "$writer" ]; then "$writer" "$reg" "$@"; else hp map --html "$1" ${2:+--range "$2"}; fi
}
write "$outdir/map-1000.html"
write "$outdir/map-65535.html" 1-65535
echo "pages: $(wc -c <"$outdir/map-1000.html") and $(wc -c <"$outdir/map-65535.html") bytes"

ports=$(seq -s, "$wf" "$wl")
cat >"$d/config.json" <<JSON
{"page1000": "$outdir/map-1000.html", "page65535": "$outdir/map-65535.html",
 "outdir": "$outdir", "service": "web-frontend", "servicePorts": [$ports],
 "servicePoolName": "web",
 "owner": "web team", "owner80": "storage team", "quarantined": $q,
 "hostile": "$hostile", "conflictPort": 25080}
JSON
node "$here/map_html_test.js" "$d/config.json"
