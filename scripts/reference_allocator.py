#!/usr/bin/env python3
"""Independent reference implementation of the deterministic allocation rule.

Usage: scripts/reference_allocator.py [DATA_DIR] [--output FILE]

Reads the reference data straight from DATA_DIR (default: ../shared/data next to the
repository), never the generated C++ tables, so that the vectors it writes cross-check both the
embedded data and the C++ allocator. Writes tests/vectors/allocation_vectors.tsv.

The rule (product contract, "Deterministic allocation"):
  1. Candidates: the ports of the pool asked for (default pool: the whole range minus every
     named pool), ascending, minus "registered or known" ports unless allow_registered. A port
     is registered or known when an IANA row with a non-empty Service Name covers it (any
     transport, port ranges included) or a ports-in-practice row names it.
  2. h = FNV-1a 64 of the name's UTF-8 bytes; start = h mod len(candidates).
  3. Walk candidate indices start, start+1, ..., n-1, 0, ..., start-1 and take the first index
     j with j+K-1 <= n-1, candidates[j+K-1] - candidates[j] == K-1 and candidates[j..j+K-1]
     all free (K = count, 1 for a single port). A port is free for a request when no earlier
     allocation holding it shares a protocol with the request.

Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
DEFAULT_OUTPUT = REPO_ROOT / "tests" / "vectors" / "allocation_vectors.tsv"

IANA_FILE = "iana-service-names-port-numbers.csv"
PRACTICE_FILE = "ports-in-practice.tsv"

FNV_OFFSET_BASIS = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK64 = (1 << 64) - 1

TCP = 1
UDP = 2
PROTOCOLS = {"tcp": TCP, "udp": UDP, "tcp+udp": TCP | UDP}

NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9.-]{0,61}[a-z0-9])?$")

ADR_RANGE = (25000, 25999)
ADR_POOLS = (("metrics", (25090, 25099)), ("control-plane", (25500, 25519)),
             ("future-scores", (25550, 25599)))

EXHAUSTED = "exhausted"


def fnv1a64(data: bytes) -> int:
    h = FNV_OFFSET_BASIS
    for byte in data:
        h ^= byte
        h = (h * FNV_PRIME) & MASK64
    return h


# --------------------------------------------------------------------------------------------
# Reference data


def load_excluded(data_dir: Path) -> set[int]:
    """Ports the rule skips unless allow_registered, read from the raw data files."""
    excluded: set[int] = set()
    with (data_dir / IANA_FILE).open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            service = (row["Service Name"] or "").strip()
            number = (row["Port Number"] or "").strip()
            if not service or not number:
                continue
            first, _, last = number.partition("-")
            lo, hi = int(first), int(last or first)
            assert 0 <= lo <= hi <= 65535, number
            excluded.update(range(lo, hi + 1))
    with (data_dir / PRACTICE_FILE).open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            excluded.add(int(row["port"]))
    return excluded


# --------------------------------------------------------------------------------------------
# The allocator


@dataclass
class Result:
    first: int | None  # None: exhausted
    last: int | None
    start: int  # candidate index the walk began at (-1 when there were no candidates)
    steps: int  # how many indices the walk moved past before it succeeded
    wrapped: bool  # the walk passed index n-1 and went on at 0

    def text(self) -> str:
        if self.first is None:
            return EXHAUSTED
        return format_range((self.first, self.last))


@dataclass
class Allocator:
    port_range: tuple[int, int]
    pools: dict[str, tuple[int, int]]
    excluded: set[int]
    taken: list[tuple[int, int, int]] = field(default_factory=list)  # first, last, protocols

    def candidates(self, pool: str | None, allow_registered: bool) -> list[int]:
        if pool is None:
            lo, hi = self.port_range
            ports = [p for p in range(lo, hi + 1)
                     if not any(a <= p <= b for a, b in self.pools.values())]
        else:
            lo, hi = self.pools[pool]
            ports = list(range(lo, hi + 1))
        ports = [p for p in ports if p != 0]  # port 0 is bind()'s "any port": never a candidate
        if not allow_registered:
            ports = [p for p in ports if p not in self.excluded]
        return ports

    def is_free(self, port: int, protocols: int) -> bool:
        return not any(a <= port <= b and (protos & protocols)
                       for a, b, protos in self.taken)

    def allocate(self, name: str, pool: str | None, protocols: int, count: int,
                 allow_registered: bool) -> Result:
        cand = self.candidates(pool, allow_registered)
        n = len(cand)
        if n == 0:
            return Result(None, None, -1, 0, False)
        start = fnv1a64(name.encode("utf-8")) % n
        for step in range(n):
            j = (start + step) % n
            if j + count - 1 > n - 1:
                continue
            if cand[j + count - 1] - cand[j] != count - 1:
                continue
            if all(self.is_free(p, protocols) for p in cand[j:j + count]):
                first, last = cand[j], cand[j + count - 1]
                self.taken.append((first, last, protocols))
                return Result(first, last, start, step, start + step > n - 1)
        return Result(None, None, start, n, False)


# --------------------------------------------------------------------------------------------
# Vectors


def format_range(r: tuple[int, int]) -> str:
    return str(r[0]) if r[0] == r[1] else f"{r[0]}-{r[1]}"


@dataclass
class Request:
    name: str
    protocols: str = "tcp"
    count: int = 1
    pool: str | None = None
    allow_registered: bool = False


@dataclass
class Sequence:
    ident: str
    port_range: tuple[int, int]
    pools: tuple[tuple[str, tuple[int, int]], ...]
    requests: list[Request]
    about: str = ""


def adr(ident: str, requests: list[Request], about: str = "") -> Sequence:
    return Sequence(ident, ADR_RANGE, ADR_POOLS, requests, about)


def plain(ident: str, port_range: tuple[int, int], requests: list[Request],
          about: str = "") -> Sequence:
    return Sequence(ident, port_range, (), requests, about)


ADR_SINGLE_NAMES = [
    "ceph-rgw", "internal-https", "prometheus", "grafana", "loki", "tempo", "alertmanager",
    "node-exporter", "ntfy", "reverse-proxy-test", "harmony-api", "harmony-tui", "okd-console",
    "k3d-registry", "minio", "minio-console", "postgres", "redis", "nats", "kafka", "zookeeper",
    "etcd-backup", "vault", "consul-ui", "argocd", "gitea", "harbor", "keycloak", "opensearch",
    "jaeger", "otel-collector", "syslog", "dns-internal", "harmony-ports", "a", "0", "x.y",
    "ceph.mon-1", "9lives", "web-1",
    # 63 characters, the longest valid name.
    "a-very-long-service-name-that-is-exactly-sixty-three-chars-long",
]

# Names with allow_registered=true on the ADR setup; "legacy-375" starts exactly on 25100
# (IANA db2c-tls), which it only gets because registered ports stay candidates.
ADR_ALLOW_NAMES = ["legacy-375", "ceph-rgw", "prometheus", "grafana", "a"]


def sequences() -> list[Sequence]:
    seqs: list[Sequence] = []
    R = Request

    for i, name in enumerate(ADR_SINGLE_NAMES, 1):
        seqs.append(adr(f"adr-single-{i:02d}", [R(name)],
                        "one tcp name, default pool of the ADR setup" if i == 1 else ""))
    for i, name in enumerate(ADR_ALLOW_NAMES, 1):
        seqs.append(adr(f"adr-allow-{i:02d}", [R(name, allow_registered=True)],
                        "one tcp name, allow_registered=true" if i == 1 else ""))

    seqs.append(adr("adr-pools", [
        R("harmony-grpc", pool="control-plane"),
        R("harmony-events", pool="control-plane"),
        R("harmony-tui-backend", pool="control-plane", protocols="tcp+udp"),
        R("score-a", pool="future-scores"),
        R("score-12", pool="future-scores"),
        R("score-50", pool="future-scores", allow_registered=True),
        R("score-74", pool="future-scores", allow_registered=True, protocols="udp"),
    ], "named pools; score-50/score-74 start on 25565 (Minecraft), kept by allow_registered"))

    seqs.append(plain("wide-walk", ADR_RANGE, [R(n) for n in [
        "svc-85",     # start 25999, the last candidate
        "svc-1608",   # same start: wraps around to the first candidate, 25011
        "svc-343",    # starts at 25011: walks to 25012
        "svc-69",     # starts at 25012: walks to 25013
        "svc-2460",   # starts at 25011: walks three steps
        "svc-878",    # starts at 25014 (taken): walks on
        "svc-1833",   # 25099
        "svc-2528",   # same start: next candidate is 25101 (25100 is IANA db2c-tls)
        "svc-187", "svc-738", "svc-1799",  # three names with one start index
        "ceph-rgw", "internal-https", "prometheus", "grafana", "loki", "tempo",
        "alertmanager", "node-exporter", "ntfy", "minio", "postgres", "redis", "nats",
        "kafka", "vault", "gitea", "harbor", "keycloak", "jaeger",
    ]], "30 tcp names, range 25000-25999 without pools: collisions, walks, a wrap-around"))

    seqs.append(plain("tiny-fill", (25010, 25029),
                      [R(f"job-{k}") for k in range(1, 20)],
                      "fills 25010-25029 (18 candidates: 25010 and 25020 are Impala defaults); "
                      "job-14/job-15 wrap around; job-19 finds it exhausted"))

    seqs.append(plain("tiny-registered", (25000, 25009), [
        R("icl-probe"),
        R("icl-probe-1", allow_registered=True),
        R("icl-probe-2", allow_registered=True),
        R("icl-probe-3", allow_registered=True, protocols="udp"),
        R("icl-block", allow_registered=True, count=4),
    ], "25000-25009 is all IANA (icl-twobase1..10): no candidates unless allow_registered"))

    seqs.append(adr("adr-protocols", [
        R("dns-3725", protocols="tcp"),
        R("dns-3776", protocols="udp"),       # same start: shares the port with the tcp one
        R("dns-3794", protocols="tcp+udp"),   # same start: needs both, walks on
        R("dns-4526", protocols="udp"),       # same start: walks past udp-taken ports
        R("dns-4575", protocols="tcp"),       # same start: shares with dns-4526
    ], "five names with one start index and mixed protocols"))

    seqs.append(plain("shared-block", (25030, 25049), [
        R("stream-a", protocols="tcp", count=4),     # start is the last index: wraps to 25030
        R("media-3", protocols="udp", count=4),      # same start: udp shares the tcp block
        R("rtp-9", protocols="tcp+udp", count=4),    # same start: needs both, walks on
        R("media-18", protocols="udp"),              # same start, one port: the last index fits
        R("rtp-16", protocols="tcp+udp", count=10),
        R("rtp-56", protocols="tcp+udp", count=4),   # only 25048 is left for both
    ], "blocks sharing ports across protocols on 25030-25049 (no registered ports there)"))

    seqs.append(adr("adr-blocks", [
        R("block-804", count=4),      # starts at 25087: 25087-25089 + 25101 is no run
        R("batch-66", count=10),      # starts 2 before the end: wraps; 25020 breaks runs
        R("ceph-osd", count=10),
        R("block-857", count=4, protocols="udp"),   # same start as block-804, udp shares
        R("block-1456", count=4),     # same start as block-804, tcp walks past it
        R("grafana-agent"),
        R("too-big", count=900),      # more than the 896 candidates
    ], "blocks of 4 and 10 in the default pool of the ADR setup"))

    seqs.append(adr("metrics-fill", [
        R("prometheus-targets", pool="metrics", count=10),
        R("scraper", pool="metrics"),
        R("scraper-udp", pool="metrics", protocols="udp"),
        R("statsd", pool="metrics", protocols="udp", count=4),
    ], "a block of 10 fills pool metrics exactly; udp still fits beside the tcp block"))

    seqs.append(adr("metrics-blocks", [
        R("exporter-a", pool="metrics", count=4),
        R("exporter-b", pool="metrics", count=4),
        R("exporter-c", pool="metrics", count=4),
        R("exporter-d", pool="metrics", count=2),
        R("exporter-e", pool="metrics", count=11),
    ], "blocks of 4 in pool metrics until fragmentation or size makes a request fail"))

    seqs.append(plain("high-range", (1024, 65535), [
        R("ceph-rgw"), R("internal-https"), R("prometheus"), R("grafana", protocols="udp"),
        R("bulk-transfer", count=10), R("legacy-db", allow_registered=True),
    ], "range 1024-65535: the registered/known filter removes thousands of ports"))

    seqs.append(plain("single-port", (25080, 25080), [
        R("ceph-rgw"),
        R("ceph-rgw-quic", protocols="udp"),
        R("ceph-rgw-2"),
        R("ceph-rgw-3", protocols="tcp+udp"),
    ], "a one-port range: tcp and udp share it, then it is full"))

    seqs.append(plain("single-registered", (25100, 25100), [
        R("db2c"),
        R("db2c-tls", allow_registered=True),
    ], "a one-port range on IANA db2c-tls: exhausted unless allow_registered"))

    seqs.append(plain("single-top", (65535, 65535), [R("top")], "the highest port"))
    return seqs


def validate(seq: Sequence) -> None:
    lo, hi = seq.port_range
    assert 0 <= lo <= hi <= 65535, seq.ident
    spans = sorted(r for _, r in seq.pools)
    for name, (a, b) in seq.pools:
        assert NAME_RE.match(name), name
        assert lo <= a <= b <= hi, (seq.ident, name)
    for (_, b1), (a2, _) in zip(spans, spans[1:]):
        assert b1 < a2, f"{seq.ident}: pools overlap"
    seen: set[str] = set()
    for req in seq.requests:
        assert NAME_RE.match(req.name), f"{seq.ident}: bad name {req.name!r}"
        assert req.name not in seen, f"{seq.ident}: {req.name} twice"
        seen.add(req.name)
        assert req.protocols in PROTOCOLS, req.protocols
        assert 1 <= req.count <= 65536, req.count
        assert req.pool is None or req.pool in dict(seq.pools), req.pool


def run(seq: Sequence, excluded: set[int]) -> list[Result]:
    allocator = Allocator(seq.port_range, dict(seq.pools), excluded)
    return [allocator.allocate(r.name, r.pool, PROTOCOLS[r.protocols], r.count,
                               r.allow_registered) for r in seq.requests]


def check_claims(results: dict[str, list[Result]]) -> None:
    """The vectors must show what the header says they show."""
    wide = results["wide-walk"]
    assert sum(r.steps > 0 for r in wide) >= 8 and any(r.wrapped for r in wide)
    assert wide[1].text() == "25011" and wide[7].text() == "25101"
    tiny = results["tiny-fill"]
    assert sorted(r.first for r in tiny[:18]) == [p for p in range(25011, 25030) if p != 25020]
    assert any(r.wrapped for r in tiny) and tiny[18].text() == EXHAUSTED
    assert results["tiny-registered"][0].text() == EXHAUSTED
    proto = [r.text() for r in results["adr-protocols"]]
    assert proto[0] == proto[1] and proto[3] == proto[4] and proto[2] != proto[0]
    metrics = [r.text() for r in results["metrics-fill"]]
    assert metrics[0] == "25090-25099" and metrics[1] == EXHAUSTED and metrics[2] != EXHAUSTED
    blocks = results["adr-blocks"]
    assert blocks[0].text() == "25101-25104" and blocks[1].wrapped
    assert blocks[3].text() == blocks[0].text() and blocks[-1].text() == EXHAUSTED
    assert results["adr-allow-01"][0].text() == "25100"
    shared = [r.text() for r in results["shared-block"]]
    assert shared[0] == shared[1] == "25030-25033" and shared[2] == "25034-25037"
    assert shared[3] == "25049" and shared[-1] == EXHAUSTED
    single = [r.text() for r in results["single-port"]]
    assert single == ["25080", "25080", EXHAUSTED, EXHAUSTED]
    assert [r.text() for r in results["single-registered"]] == [EXHAUSTED, "25100"]


def render(data_dir: Path, seqs: list[Sequence], results: dict[str, list[Result]],
           excluded: set[int]) -> str:
    in_adr = sorted(p for p in excluded if ADR_RANGE[0] <= p <= ADR_RANGE[1])
    out: list[str] = []
    emit = out.append
    header = f"""\
GENERATED by scripts/reference_allocator.py - do not edit; rerun the script instead:
  python3 scripts/reference_allocator.py [path/to/shared/data]
Computed by an independent Python implementation straight from the reference data:
  {IANA_FILE} sha256 {sha256_of(data_dir / IANA_FILE)}
  {PRACTICE_FILE} sha256 {sha256_of(data_dir / PRACTICE_FILE)}

Format: tab-separated; lines starting with '#' are comments (only in this block); then one
header row and one row per request.
Columns:
  sequence          rows with the same id run in file order on one fresh, empty allocator over
                    `range` with `pools`: each later row sees the earlier rows' allocations as
                    taken. Rows of one sequence are contiguous and repeat the same range/pools.
  name              service name to allocate (1-63 of a-z 0-9 - . ; starts/ends alnum); never
                    repeated within a sequence
  range             the allocator's range, "A-B" or "A" (one port), inclusive
  pools             named pools "name=A-B" (or "name=A") separated by ';', or "-" for none.
                    Reserved or not makes no difference here: every request names its pool.
  pool              the pool asked for, or "-" for the default pool (range minus every pool)
  protocols         tcp, udp or tcp+udp
  count             number of consecutive ports (1 = a single port)
  allow_registered  true or false (--allow-registered)
  expected          the port "A", the block "A-B", or "exhausted": the request must fail
                    (error code exhausted, exit code 1) and allocate nothing
Rule:
  1. candidates = ports of the pool asked for, ascending, minus (unless allow_registered) the
     ports an IANA row with a non-empty Service Name covers (any transport, ranges included)
     or a ports-in-practice row names; none left -> exhausted.
  2. h = FNV-1a 64 of the name's UTF-8 bytes (basis 0xcbf29ce484222325, prime 0x100000001b3);
     start = h mod n, n = number of candidates.
  3. for j = start, start+1, ..., n-1, 0, ..., start-1 take the first j with j+K-1 <= n-1,
     candidates[j+K-1] - candidates[j] == K-1 and candidates[j..j+K-1] all free, K = count.
     A port is free when no earlier allocation of the sequence holding it shares a protocol
     with the request (tcp+udp shares with both). No such j -> exhausted.
No quarantine, probing, pinned ports or idempotent repeats appear here. "ADR setup" below means
range 25000-25999 with the three ADR pools only: the ADR's two pinned initial allocations
(ceph-rgw 25080/tcp, internal-https 25443/tcp) are NOT pre-loaded.
Ports skipped in 25000-25999 ({len(in_adr)}):
  {" ".join(map(str, in_adr))}
Sequences:"""
    for line in header.splitlines():
        emit(f"# {line}".rstrip())
    for seq in seqs:
        if seq.about:
            emit(f"#   {seq.ident}: {seq.about}".rstrip())
    emit("\t".join(["sequence", "name", "range", "pools", "pool", "protocols", "count",
                    "allow_registered", "expected"]))
    for seq in seqs:
        pools = ";".join(f"{n}={format_range(r)}" for n, r in seq.pools) or "-"
        for req, res in zip(seq.requests, results[seq.ident]):
            emit("\t".join([seq.ident, req.name, format_range(seq.port_range), pools,
                            req.pool or "-", req.protocols, str(req.count),
                            "true" if req.allow_registered else "false", res.text()]))
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_fnv() -> None:
    expected = {"": 0xCBF29CE484222325, "a": 0xAF63DC4C8601EC8C, "foobar": 0x85944171F73967E8}
    for text, value in expected.items():
        got = fnv1a64(text.encode("utf-8"))
        print(f'fnv1a64("{text}") = 0x{got:016x}')
        assert got == value, f"FNV-1a of {text!r}: got 0x{got:016x}, want 0x{value:016x}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA_DIR,
                        help=f"folder with the reference data (default: {DEFAULT_DATA_DIR})")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"file to write (default: {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)

    check_fnv()
    excluded = load_excluded(args.data_dir)
    seqs = sequences()
    idents = [s.ident for s in seqs]
    assert len(idents) == len(set(idents)), "duplicate sequence id"
    results: dict[str, list[Result]] = {}
    for seq in seqs:
        validate(seq)
        results[seq.ident] = run(seq, excluded)
    check_claims(results)

    text = render(args.data_dir, seqs, results, excluded)
    output: Path = args.output
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="ascii", newline="\n")
    tmp.replace(output)
    rows = sum(len(s.requests) for s in seqs)
    print(f"wrote {output} ({len(seqs)} sequences, {rows} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
