#!/usr/bin/env bash
# Installs every Debian 12 package harmony-ports needs to build, test, fuzz and benchmark.
# Run as root on a fresh machine; safe to run again.
set -euo pipefail
packages=(
  g++ cmake ninja-build pkg-config git ccache
  libtomlplusplus-dev libyaml-cpp-dev libcli11-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-16 libclang-rt-16-dev clang-tidy-16 clang-format
  python3 python3-port-for hyperfine valgrind
  iproute2 procps util-linux
  nftables iptables firewalld libxml2-utils
  nats-server libnats-dev openssl python3-cryptography
  debhelper dpkg-dev lintian man-db bash-completion zsh fish
  chromium prometheus nodejs
)
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
# Debian's npm, unless the machine's nodejs already brings one (nodesource's does, and the two
# conflict); then playwright-core by name, which drives the system chromium in the HTML map test.
command -v npm >/dev/null || apt-get install -y -qq --no-install-recommends npm >/dev/null
npm ls -g playwright-core >/dev/null 2>&1 || npm install -g --no-fund --no-audit playwright-core >/dev/null
echo "install-deps: ${#packages[@]} packages present, playwright-core $(npm ls -g playwright-core | grep -o '@[0-9.]*' | head -1)"
