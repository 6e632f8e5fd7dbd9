#!/usr/bin/env python3
"""Generate src/policy/port_data.cpp from the shared reference data.

Usage: scripts/gen_port_data.py [DATA_DIR] [--output FILE]

DATA_DIR holds iana-service-names-port-numbers.csv, ports-in-practice.tsv and
known-port-ranges.tsv (default: ../shared/data next to the repository). The output defines the
three tables of include/harmony/network/known_ports.hpp, so the library never reads the data
files at run time. The same input always yields the same bytes (no timestamps, no paths).

Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path
from typing import NamedTuple

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
DEFAULT_OUTPUT = REPO_ROOT / "src" / "policy" / "port_data.cpp"

IANA_FILE = "iana-service-names-port-numbers.csv"
PRACTICE_FILE = "ports-in-practice.tsv"
RANGES_FILE = "known-port-ranges.tsv"

# Order matches enum class Transport in known_ports.hpp; used as the sort key too.
TRANSPORTS = ("any", "tcp", "udp", "sctp", "dccp")
TRANSPORT_RANK = {name: rank for rank, name in enumerate(TRANSPORTS)}


class DataError(Exception):
    pass


class Iana(NamedTuple):
    first: int
    last: int
    transport: str
    service: str


class Software(NamedTuple):
    port: int
    transport: str
    software: str
    source: str


class KnownRange(NamedTuple):
    first: int
    last: int
    transport: str
    kind: str
    platform: str
    what: str
    source: str


def parse_port(text: str, where: str) -> int:
    text = text.strip()
    if not text.isdigit() or not text.isascii():
        raise DataError(f"{where}: port {text!r} is not a number")
    value = int(text)
    if value > 65535:
        raise DataError(f"{where}: port {value} is above 65535")
    return value


def parse_port_range(text: str, where: str) -> tuple[int, int]:
    first_text, dash, last_text = text.strip().partition("-")
    first = parse_port(first_text, where)
    last = parse_port(last_text, where) if dash else first
    if first > last:
        raise DataError(f"{where}: range {text!r} runs backwards")
    return first, last


def parse_transport(text: str, where: str, allowed: tuple[str, ...] = TRANSPORTS) -> str:
    name = text.strip().lower() or "any"
    if name not in allowed:
        raise DataError(f"{where}: transport {text!r} is not one of {', '.join(allowed)}")
    return name


def require_columns(fieldnames: list[str] | None, wanted: list[str], path: Path) -> None:
    missing = [c for c in wanted if c not in (fieldnames or [])]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")


def read_iana(path: Path) -> list[Iana]:
    entries: set[Iana] = set()
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        require_columns(reader.fieldnames,
                        ["Service Name", "Port Number", "Transport Protocol"], path)
        for row in reader:
            where = f"{path.name}:{reader.line_num}"
            service = (row["Service Name"] or "").strip()
            ports = (row["Port Number"] or "").strip()
            # Rows without a service name are "Reserved"/"Unassigned" bookkeeping, and rows
            # without a port are service names registered for SRV use only.
            if not service or not ports:
                continue
            first, last = parse_port_range(ports, where)
            transport = parse_transport(row["Transport Protocol"] or "", where)
            entries.add(Iana(first, last, transport, service))
    return sorted(entries, key=lambda e: (e.first, e.last, TRANSPORT_RANK[e.transport], e.service))


def read_tsv(path: Path, wanted: list[str]) -> list[tuple[int, dict[str, str]]]:
    rows = []
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        require_columns(reader.fieldnames, wanted, path)
        for row in reader:
            if all(not (v or "").strip() for v in row.values() if isinstance(v, str)):
                continue  # blank line
            if None in row or any(row.get(c) is None for c in wanted):
                raise DataError(f"{path.name}:{reader.line_num}: wrong number of fields")
            rows.append((reader.line_num, {k: v.strip() for k, v in row.items()}))
    return rows


def read_practice(path: Path) -> list[Software]:
    entries = []
    for line, row in read_tsv(path, ["port", "protocol", "software", "source"]):
        where = f"{path.name}:{line}"
        entries.append(Software(parse_port(row["port"], where),
                                parse_transport(row["protocol"], where),
                                row["software"], row["source"]))
    # Stable sort: rows with the same port and transport keep file order.
    return sorted(entries, key=lambda e: (e.port, TRANSPORT_RANK[e.transport]))


def read_ranges(path: Path) -> list[KnownRange]:
    entries = []
    wanted = ["first", "last", "protocol", "kind", "platform", "what", "source"]
    for line, row in read_tsv(path, wanted):
        where = f"{path.name}:{line}"
        first = parse_port(row["first"], where)
        last = parse_port(row["last"], where)
        if first > last:
            raise DataError(f"{where}: range {first}-{last} runs backwards")
        transport = parse_transport(row["protocol"], where, ("any", "tcp", "udp"))
        entries.append(KnownRange(first, last, transport, row["kind"], row["platform"],
                                  row["what"], row["source"]))
    return entries  # file order, as documented


def cpp_string(text: str) -> str:
    """A C++ narrow string literal holding the UTF-8 bytes of `text`.

    Printable ASCII stays as is, except backslash and double quote (escaped) and '?' (escaped,
    so no '??x' trigraph can ever form under older standards). Every other byte becomes a
    three-digit octal escape: unlike \\x, an octal escape stops after three digits, so a
    following digit or letter can never be swallowed into it.
    """
    out = ['"']
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        if ch in '\\"?':
            out.append("\\" + ch)
        elif 0x20 <= byte < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\{byte:03o}")
    out.append('"')
    return "".join(out)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render(data_dir: Path, iana: list[Iana], practice: list[Software],
           ranges: list[KnownRange]) -> str:
    lines: list[str] = []
    emit = lines.append
    emit("// GENERATED FILE - DO NOT EDIT.")
    emit("// Generated by scripts/gen_port_data.py from the reference data in shared/data:")
    for name, count in ((IANA_FILE, len(iana)), (PRACTICE_FILE, len(practice)),
                        (RANGES_FILE, len(ranges))):
        emit(f"//   {name} ({count} entries)")
        emit(f"//     sha256 {sha256_of(data_dir / name)}")
    emit("// Regenerate after changing the data (from the repository root):")
    emit("//   python3 scripts/gen_port_data.py [path/to/shared/data]")
    emit("// Tables: IANA rows with a service name and a port, sorted by (first port, last port,")
    emit("// transport, service) and deduplicated; software defaults sorted by (port, transport);")
    emit("// other systems' ranges in file order.")
    emit("")
    emit("#include <algorithm>")
    emit("#include <span>")
    emit("")
    emit("#include <harmony/network/known_ports.hpp>")
    emit("")
    emit("namespace harmony::network {")
    emit("")
    emit("namespace {")
    emit("")
    emit("// clang-format off")
    emit(f"constexpr IanaAssignment k_iana_assignments[] = {{")
    for e in iana:
        emit(f"    {{PortRange{{{e.first}, {e.last}}}, Transport::{e.transport}, "
             f"{cpp_string(e.service)}}},")
    emit("};")
    emit("")
    emit(f"constexpr KnownSoftwarePort k_known_software_ports[] = {{")
    for e in practice:
        emit(f"    {{{e.port}, Transport::{e.transport}, {cpp_string(e.software)}, "
             f"{cpp_string(e.source)}}},")
    emit("};")
    emit("")
    emit(f"constexpr KnownPortRange k_known_port_ranges[] = {{")
    for e in ranges:
        emit(f"    {{PortRange{{{e.first}, {e.last}}}, Transport::{e.transport}, "
             f"{cpp_string(e.kind)}, {cpp_string(e.platform)}, {cpp_string(e.what)}, "
             f"{cpp_string(e.source)}}},")
    emit("};")
    emit("// clang-format on")
    emit("")
    emit("// known_ports.cpp binary-searches these tables, so the order is part of the contract.")
    emit("static_assert(std::ranges::is_sorted(k_iana_assignments, {},")
    emit("                                     [](const IanaAssignment& a) { return a.ports; }));")
    emit("static_assert(std::ranges::is_sorted(k_known_software_ports, {},")
    emit("                                     [](const KnownSoftwarePort& s) { return s.port; }));")
    emit("")
    emit("}  // namespace")
    emit("")
    emit("std::span<const IanaAssignment> iana_assignments() noexcept {")
    emit("    return k_iana_assignments;")
    emit("}")
    emit("")
    emit("std::span<const KnownSoftwarePort> known_software_ports() noexcept {")
    emit("    return k_known_software_ports;")
    emit("}")
    emit("")
    emit("std::span<const KnownPortRange> known_port_ranges() noexcept {")
    emit("    return k_known_port_ranges;")
    emit("}")
    emit("")
    emit("}  // namespace harmony::network")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA_DIR,
                        help=f"folder with the reference data (default: {DEFAULT_DATA_DIR})")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"file to write (default: {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)

    data_dir: Path = args.data_dir
    try:
        iana = read_iana(data_dir / IANA_FILE)
        practice = read_practice(data_dir / PRACTICE_FILE)
        ranges = read_ranges(data_dir / RANGES_FILE)
    except (OSError, DataError, csv.Error) as err:
        print(f"gen_port_data.py: error: {err}", file=sys.stderr)
        return 1
    if not iana or not practice or not ranges:
        print("gen_port_data.py: error: a data file has no entries", file=sys.stderr)
        return 1

    text = render(data_dir, iana, practice, ranges)
    output: Path = args.output
    output.parent.mkdir(parents=True, exist_ok=True)
    # Write via a temporary file so a failed run never leaves half a table behind.
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="ascii", newline="\n")
    tmp.replace(output)
    print(f"wrote {output} ({len(iana)} IANA assignments, {len(practice)} software ports, "
          f"{len(ranges)} ranges)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
