#!/usr/bin/env bash
# The HTML map in a browser: builds a registry with pools (one reserved), owners and notes
# (one hostile), a quarantine entry and a conflict, writes its page with `harmony-ports map
# --html` for the registry's range (as root with --host, in a fresh network namespace where a
# listener holds an unallocated port) and for 1-65535, and checks both in headless chromium
# (map_html_test.js).
#
#   map_html_test.sh HARMONY_PORTS OUTDIR
#
# Screenshots go to OUTDIR. Exit 0: pass; 1: failure; 77: chromium or playwright-core absent.
set -euo pipefail
bin=$1 outdir=$2
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

# map_with_listener PORT PAGE: `map --host --html PAGE` in a new network namespace where a
# python3 socket listens on 127.0.0.1:PORT.
map_with_listener() {
  unshare -n bash -c '
    set -e; ip link set lo up
    python3 -c "import socket,sys,time
s = socket.socket(); s.bind((\"127.0.0.1\", int(sys.argv[1]))); s.listen()
print(\"up\", flush=True); time.sleep(60)" "$3" >"$4/listener.out" &
    for _ in $(seq 100); do grep -q up "$4/listener.out" 2>/dev/null && break; sleep 0.1; done
    "$1" --registry "$2" map --host --html "$5"; status=$?
    kill %1; exit $status' _ "$bin" "$reg" "$1" "$d" "$2"
}
holder_port=0
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
  holder_port=25300
  map_with_listener "$holder_port" "$outdir/map-1000.html"
else
  echo "not root: the page is written without --host, so no live holder is checked"
  hp map --html "$outdir/map-1000.html"
fi
hp map --range 1-65535 --html "$outdir/map-65535.html"
echo "pages: $(wc -c <"$outdir/map-1000.html") and $(wc -c <"$outdir/map-65535.html") bytes"

ports=$(seq -s, "$wf" "$wl")
cat >"$d/config.json" <<JSON
{"page1000": "$outdir/map-1000.html", "page65535": "$outdir/map-65535.html",
 "outdir": "$outdir", "service": "web-frontend", "servicePorts": [$ports],
 "servicePoolName": "web",
 "owner": "web team", "owner80": "storage team", "quarantined": $q,
 "hostile": "$hostile", "conflictPort": 25080, "holderPort": $holder_port}
JSON
node "$here/map_html_test.js" "$d/config.json"
