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
)
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "install-deps: ${#packages[@]} packages present"
