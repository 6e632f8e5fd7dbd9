#!/usr/bin/env bash
# The FFI overhead of the Rust crate: the same allocations through bindings/rust (C ABI + safe
# wrapper, benches/ffi.rs) and on the C++ library directly (bench/allocator_bench.cpp), both
# built RelWithDebInfo (-O2, what the crate's build.rs builds). Prints each side's median and
# their ratio. See docs/PERFORMANCE.md for results.
#
#   scripts/bench_rust.sh        # ~1 min once built; the first run builds two CMake trees
#
# Environment:
#   BUILD_DIR   the C++ benchmark's build folder (default build-rust-bench)
#   BENCH_RUNS  repetitions on each side (default 9)
#
# Measures (same names "svc-000000"..., same ranges, same options on both sides):
#   fill-1024-65535      BM_FillHighRange: 64,512 new names fill 1024-65535 (allow-registered);
#                        BM_FillHighRangeCapi: the same through the C ABI (libharmony_ports.so)
#   allocate-idempotent  BM_AllocateIdempotent: a known name again on a 1,000-entry allocator
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BUILD_DIR:-build-rust-bench}
runs=${BENCH_RUNS:-9}
export PATH=$HOME/.cargo/bin:$PATH
for tool in cmake ninja cargo python3; do
  command -v "$tool" >/dev/null || { echo "bench_rust.sh: $tool is not installed" >&2; exit 2; }
done

args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF -DHARMONY_PORTS_BENCH=ON)
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
  args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$dir" "${args[@]}" >/dev/null
cmake --build "$dir" --target allocator_bench >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== C++ (bench/allocator_bench, $runs repetitions)" >&2
"$dir/bench/allocator_bench" --benchmark_filter='^BM_(FillHighRange|FillHighRangeCapi|AllocateIdempotent)(/|$)' \
  --benchmark_repetitions="$runs" --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$work/cpp.json"
echo "== Rust (bindings/rust benches/ffi.rs, $runs runs)" >&2
(cd bindings/rust && HARMONY_PORTS_BENCH_RUNS=$runs cargo bench --offline --bench ffi) \
  | tee "$work/rust.txt" >&2

python3 - "$work/cpp.json" "$work/rust.txt" <<'PY'
import json, re, sys
cpp = json.load(open(sys.argv[1]))
scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
calls = {"BM_FillHighRange": 64512, "BM_FillHighRangeCapi": 64512, "BM_AllocateIdempotent": 1}
cpp_ns = {}
for b in cpp["benchmarks"]:
    if b.get("aggregate_name") == "median":
        base = b["run_name"].split("/")[0]
        cpp_ns[base] = b["real_time"] * scale[b["time_unit"]] / calls[base]
rust_ns = {}
for line in open(sys.argv[2]):
    m = re.match(r"rust/(\S+) median_ns=([\d.]+)", line)
    if m:
        rust_ns[m.group(1)] = float(m.group(2))
pairs = [("fill-1024-65535", "BM_FillHighRange"), ("allocate-idempotent", "BM_AllocateIdempotent")]
for rust, cxx in pairs:
    if rust not in rust_ns or cxx not in cpp_ns:
        sys.exit(f"bench_rust.sh: missing result for {rust} / {cxx}")
    r, c = rust_ns[rust], cpp_ns[cxx]
    print(f"{rust}: rust {r:.1f} ns/call, c++ {c:.1f} ns/call, ratio {r / c:.2f}, "
          f"overhead {r - c:+.1f} ns/call")
c_abi = cpp_ns.get("BM_FillHighRangeCapi")
if c_abi is not None:
    c = cpp_ns["BM_FillHighRange"]
    print(f"fill-1024-65535 through the C ABI alone: {c_abi:.1f} ns/call, ratio to c++ "
          f"{c_abi / c:.2f}, overhead {c_abi - c:+.1f} ns/call")
fill = rust_ns["fill-1024-65535"]
print(f"target fill <= 1000 ns per allocation through the crate: {fill:.1f} ns "
      f"({'met' if fill <= 1000 else 'NOT met'})")
PY
