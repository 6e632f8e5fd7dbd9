//! One PortAllocator shared by eight threads: every allocation succeeds, lands inside the
//! range, no two names share a port, and `find`/`list` agree with what each thread was told.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use harmony_ports::network::{PortAllocator, PortRange, Registry};

const THREADS: usize = 8;
const PER_THREAD: usize = 100;

fn assert_send_sync<T: Send + Sync + 'static>() {}

#[test]
fn handles_are_send_and_sync() {
    assert_send_sync::<PortAllocator>();
    assert_send_sync::<Registry>();
    assert_send_sync::<harmony_ports::network::Error>();
}

/// Checks what the threads got: `placed` holds each name's port as `allocate` returned it.
fn assert_consistent(allocator: &PortAllocator, placed: &BTreeMap<String, PortRange>) {
    assert_eq!(placed.len(), THREADS * PER_THREAD);
    let range = allocator.range();
    let mut ports = HashSet::new();
    for (name, got) in placed {
        assert_eq!(got.len(), 1, "{name}: {got}");
        assert!(range.contains(got.first()), "{name}: {got} outside {range}");
        assert!(ports.insert(got.first()), "{name}: port {got} given twice");
        let found = allocator.find(name).unwrap().expect(name);
        assert_eq!(found.ports, *got, "{name}");
        assert_eq!(
            allocator.allocate(name).unwrap(),
            *got,
            "{name}: not idempotent"
        );
    }
    let listed = allocator.list().unwrap();
    assert_eq!(listed.len(), placed.len());
    for allocation in &listed {
        assert_eq!(placed.get(&allocation.name), Some(&allocation.ports));
    }
}

#[test]
fn eight_scoped_threads_share_one_allocator() {
    let allocator = PortAllocator::new(25_000, 25_999);
    let mut placed = BTreeMap::new();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let allocator = &allocator;
                scope.spawn(move || {
                    (0..PER_THREAD)
                        .map(|i| {
                            let name = format!("svc-{t}-{i}");
                            let ports = allocator.allocate(&name).unwrap_or_else(|e| {
                                panic!("{name}: {e}");
                            });
                            (name, ports)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for worker in workers {
            placed.extend(worker.join().expect("worker panicked"));
        }
    });
    assert_consistent(&allocator, &placed);
}

#[test]
fn eight_threads_share_one_allocator_through_an_arc() {
    let allocator = Arc::new(PortAllocator::new(25_000, 25_999));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let allocator = Arc::clone(&allocator);
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                for i in 0..PER_THREAD {
                    let name = format!("arc-{t}-{i}");
                    // Interleave the other calls too: finds, lists, and idempotent repeats.
                    let ports = allocator.allocate(&name).unwrap();
                    assert_eq!(allocator.allocate(&name).unwrap(), ports);
                    assert_eq!(allocator.find(&name).unwrap().unwrap().ports, ports);
                    if i % 10 == 0 {
                        assert!(!allocator.list().unwrap().is_empty());
                    }
                    mine.push((name, ports));
                }
                mine
            })
        })
        .collect();
    let mut placed = BTreeMap::new();
    for worker in workers {
        placed.extend(worker.join().expect("worker panicked"));
    }
    assert_consistent(&allocator, &placed);
}
