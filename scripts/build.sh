#!/usr/bin/env bash
# Configures and builds harmony-ports into build/ (Release with debug info, tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON \
  -DHARMONY_PORTS_BENCH=ON >/dev/null
cmake --build build -j "$(nproc)"
