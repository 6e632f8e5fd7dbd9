//! The registry file shared by a Rust process and `harmony-ports` CLI processes: changes made
//! through `Registry` are what the CLI sees and the other way round, and concurrent allocations
//! from both lose nothing.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use common::{cli_ok, init_registry, TempDir};
use harmony_ports::network::{
    export_formats, AllocateOptions, ExportOptions, PortRange, Protocols, Registry,
};

const CLI_PROCESSES: usize = 4;
const PER_CLI_PROCESS: usize = 25;
const RUST_THREADS: usize = 2;
const PER_RUST_THREAD: usize = 25;

fn registry_arg(registry: &Path) -> String {
    registry.display().to_string()
}

/// The names `harmony-ports list --json` shows, with their first and last ports: a small
/// reader for its `"name": "...", "first": N, "last": N` lines (no JSON crate).
fn cli_list(registry: &Path) -> BTreeMap<String, PortRange> {
    let json = cli_ok(["--registry", &registry_arg(registry), "list", "--json"]);
    let mut out = BTreeMap::new();
    let mut name: Option<String> = None;
    let mut first: Option<u16> = None;
    for line in json.lines().map(str::trim) {
        let value = |key: &str| {
            line.strip_prefix(&format!("\"{key}\": "))
                .map(|v| v.trim_end_matches(',').to_owned())
        };
        if let Some(v) = value("name") {
            name = Some(v.trim_matches('"').to_owned());
        } else if let Some(v) = value("first") {
            first = v.parse().ok();
        } else if let Some(v) = value("last") {
            if let (Some(n), Some(f), Ok(l)) = (name.take(), first.take(), v.parse()) {
                out.insert(n, PortRange::new(f, l));
            }
        }
    }
    out
}

#[test]
fn rust_and_cli_processes_allocate_on_one_registry_at_once() {
    let dir = TempDir::new("concurrent");
    let registry_path = init_registry(dir.path(), None);
    let registry = Registry::open(&registry_path).expect("open");
    assert_eq!(registry.label(), registry_arg(&registry_path));

    let mut told: BTreeMap<String, PortRange> = BTreeMap::new();
    std::thread::scope(|scope| {
        let cli_workers: Vec<_> = (0..CLI_PROCESSES)
            .map(|p| {
                let registry = registry_arg(&registry_path);
                scope.spawn(move || {
                    (0..PER_CLI_PROCESS)
                        .map(|i| {
                            let name = format!("cli-{p}-{i}");
                            let port = cli_ok(["--registry", &registry, "allocate", &name]);
                            let port: u16 = port.trim().parse().expect("the CLI prints a port");
                            (name, PortRange::single(port))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let rust_workers: Vec<_> = (0..RUST_THREADS)
            .map(|t| {
                let registry = &registry;
                scope.spawn(move || {
                    (0..PER_RUST_THREAD)
                        .map(|i| {
                            let name = format!("rust-{t}-{i}");
                            let ports = registry
                                .allocate(&name)
                                .unwrap_or_else(|e| panic!("{name}: {e}"));
                            (name, ports)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for worker in cli_workers.into_iter().chain(rust_workers) {
            told.extend(worker.join().expect("worker panicked"));
        }
    });

    let total = CLI_PROCESSES * PER_CLI_PROCESS + RUST_THREADS * PER_RUST_THREAD;
    assert_eq!(told.len(), total);
    // None lost, none moved: the file holds every name on the port its caller was told.
    let listed: BTreeMap<String, PortRange> = registry
        .list()
        .expect("list")
        .into_iter()
        .map(|a| (a.name, a.ports))
        .collect();
    assert_eq!(listed, told);
    assert_eq!(cli_list(&registry_path), told);
    let distinct: HashSet<u16> = told.values().map(|p| p.first()).collect();
    assert_eq!(distinct.len(), total, "a port was given twice");
    assert!(told
        .values()
        .all(|p| (25_000..=25_999).contains(&p.first())));
}

#[test]
fn changes_through_the_crate_are_what_the_cli_sees() {
    let dir = TempDir::new("durable");
    let registry_path = init_registry(dir.path(), None);
    let reg = registry_arg(&registry_path);
    {
        let registry = Registry::open(&registry_path).expect("open");
        let options = AllocateOptions::new()
            .count(4)
            .protocols(Protocols::TcpUdp)
            .owner("storage team")
            .notes("S3 API")
            .process("radosgw");
        let block = registry
            .allocate_with("ceph-rgw", &options)
            .expect("allocate");
        assert_eq!(block.len(), 4);
        // Durable when it returns, and the CLI agrees (the handle is still open).
        let listed = cli_list(&registry_path);
        assert_eq!(listed.get("ceph-rgw"), Some(&block));
        assert_eq!(
            cli_ok(["--registry", &reg, "allocate", "ceph-rgw"]).trim(),
            block.to_string()
        );
        let found = registry.find("ceph-rgw").expect("find").expect("allocated");
        assert_eq!(
            (found.ports, found.protocols, found.pool),
            (block, Protocols::TcpUdp, None)
        );
        assert_eq!(
            (&*found.owner, &*found.notes, &*found.process),
            ("storage team", "S3 API", "radosgw")
        );
    }
    // What the CLI allocates, the crate finds; what the crate releases, the CLI no longer lists.
    let printed = cli_ok(["--registry", &reg, "allocate", "grafana"]);
    let registry = Registry::open(&registry_path).expect("open");
    let grafana = registry.find("grafana").expect("find").expect("allocated");
    assert_eq!(grafana.ports.to_string(), printed.trim());
    registry.release("grafana").expect("release");
    assert!(!cli_list(&registry_path).contains_key("grafana"));
    assert!(registry.find("grafana").expect("find").is_none());
    // Quarantine: the released name takes its port back.
    assert_eq!(registry.allocate("grafana").expect("again"), grafana.ports);
    registry
        .release_with("grafana", 0)
        .expect("release at once");
    assert_eq!(registry.list().expect("list").len(), 1);
}

#[test]
fn exports_are_the_clis() {
    let dir = TempDir::new("export");
    let registry_path = init_registry(dir.path(), None);
    let reg = registry_arg(&registry_path);
    for name in ["ceph-rgw", "grafana", "loki"] {
        cli_ok(["--registry", &reg, "allocate", name]);
    }
    let registry = Registry::open(&registry_path).expect("open");
    let formats = export_formats();
    assert!(formats.iter().any(|f| f == "json"), "{formats:?}");
    for format in formats {
        let ours = registry
            .export(format, &ExportOptions::new())
            .unwrap_or_else(|e| panic!("{format}: {e}"));
        let theirs = cli_ok(["--registry", &reg, "export", "--format", format]);
        assert_eq!(ours, theirs, "export --format {format}");
    }
}

#[test]
fn discover_finds_the_registry_from_a_folder_below() {
    if std::env::var_os("HARMONY_PORTS_REGISTRY").is_some() {
        // As for the CLI, the variable names the file and no folder is searched.
        eprintln!("skipped: HARMONY_PORTS_REGISTRY is set, so discovery does not search");
        return;
    }
    let dir = TempDir::new("discover");
    let registry_path = init_registry(dir.path(), None);
    let below = dir.path().join("services/storage");
    std::fs::create_dir_all(&below).expect("mkdir");
    let registry = Registry::discover(&below).expect("discover");
    let placed = registry.allocate("ceph-rgw").expect("allocate");
    assert!(registry.label().ends_with("harmony.network.ports.toml"));
    assert_eq!(cli_list(&registry_path).get("ceph-rgw"), Some(&placed));
}
