//! tests/vectors/allocation_vectors.tsv (made by scripts/reference_allocator.py, an independent
//! Python implementation of the placement rule) replayed through the crate, as
//! tests/unit/allocation_vectors_test.cpp replays it through the C++ library.

use harmony_ports::network::{AllocateOptions, ErrorCode, PortAllocator, PortRange, Protocols};

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/allocation_vectors.tsv"
);
const HEADER: &str =
    "sequence\tname\trange\tpools\tpool\tprotocols\tcount\tallow_registered\texpected";

/// "A-B" or "A".
fn range(text: &str) -> PortRange {
    let port = |s: &str| {
        s.parse::<u16>()
            .unwrap_or_else(|e| panic!("port {s:?}: {e}"))
    };
    match text.split_once('-') {
        Some((a, b)) => PortRange::new(port(a), port(b)),
        None => PortRange::single(port(text)),
    }
}

fn protocols(text: &str) -> Protocols {
    match text {
        "tcp" => Protocols::Tcp,
        "udp" => Protocols::Udp,
        "tcp+udp" => Protocols::TcpUdp,
        other => panic!("unknown protocols {other:?}"),
    }
}

struct Row {
    line: usize,
    cells: Vec<String>,
}

/// The sequences of the file, in file order, each with its rows.
fn sequences() -> Vec<(String, Vec<Row>)> {
    let text = std::fs::read_to_string(VECTORS).unwrap_or_else(|e| panic!("{VECTORS}: {e}"));
    let mut sequences: Vec<(String, Vec<Row>)> = Vec::new();
    let mut header_seen = false;
    for (index, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !header_seen {
            assert_eq!(line, HEADER, "header row");
            header_seen = true;
            continue;
        }
        let cells: Vec<String> = line.split('\t').map(str::to_owned).collect();
        assert_eq!(cells.len(), 9, "line {}: {line:?}", index + 1);
        let row = Row {
            line: index + 1,
            cells,
        };
        match sequences.last_mut() {
            Some((id, rows)) if *id == row.cells[0] => rows.push(row),
            _ => {
                assert!(
                    sequences.iter().all(|(id, _)| *id != row.cells[0]),
                    "line {}: sequence {} is not contiguous",
                    row.line,
                    row.cells[0]
                );
                sequences.push((row.cells[0].clone(), vec![row]));
            }
        }
    }
    sequences
}

#[test]
fn allocations_match_the_reference_implementation() {
    let sequences = sequences();
    assert!(sequences.len() > 20, "{} sequences", sequences.len());
    let mut rows = 0;
    let mut exhausted = 0;
    for (id, sequence) in &sequences {
        let first = &sequence[0].cells;
        let ports = range(&first[2]);
        let allocator = PortAllocator::new(ports.first(), ports.last());
        if first[3] != "-" {
            for pool in first[3].split(';') {
                let (name, pool_range) = pool.split_once('=').expect("name=range");
                allocator
                    .add_pool(name, range(pool_range), false)
                    .unwrap_or_else(|e| panic!("{id}: pool {pool}: {e}"));
            }
        }
        for row in sequence {
            let c = &row.cells;
            let options = AllocateOptions {
                pool: (c[4] != "-").then(|| c[4].clone()),
                protocols: Some(protocols(&c[5])),
                count: Some(c[6].parse().expect("count")),
                allow_registered: c[7] == "true",
                ..AllocateOptions::default()
            };
            let got = allocator.allocate_with(&c[1], &options);
            rows += 1;
            let at = format!("line {} ({id}, {})", row.line, c[1]);
            if c[8] == "exhausted" {
                let error = got.expect_err(&at);
                assert_eq!(error.code(), ErrorCode::Exhausted, "{at}: {error}");
                assert_eq!(error.exit_code(), 1, "{at}");
                assert!(allocator.find(&c[1]).expect(&at).is_none(), "{at}");
                exhausted += 1;
            } else {
                let placed = got.unwrap_or_else(|e| panic!("{at}: {e}"));
                assert_eq!(placed.to_string(), c[8], "{at}");
                let found = allocator.find(&c[1]).expect(&at).expect(&at);
                assert_eq!(found.ports, placed, "{at}");
                assert_eq!(found.protocols, protocols(&c[5]), "{at}");
            }
        }
    }
    assert!(rows > 100, "{rows} rows");
    assert!(exhausted > 0, "no exhausted row replayed");
}
