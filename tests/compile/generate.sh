# shellcheck shell=bash
# Sourced by compile_check.sh and rust_compile_check.sh: moves into a scratch folder (removed
# on exit) and writes OUTPUT there, what `harmony-ports export --format FORMAT [--topology
# TOPOLOGY]` makes of a registry with the ADR-014 table plus the services the test topologies
# name (ntfy 25253/tcp, dns 25053/udp).
#   generate HARMONY_PORTS FORMAT OUTPUT TOPOLOGY|-
generate() {
    local hp=$1 format=$2 output=$3 topology=$4
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    cd "$work" || return
    "$hp" init >/dev/null
    "$hp" allocate ntfy --port 25253 >/dev/null
    "$hp" allocate dns --port 25053 --protocol udp >/dev/null
    local args=(export --format "$format" --output "$output")
    [[ $topology != - ]] && args+=(--topology "$topology")
    "$hp" "${args[@]}"
}
