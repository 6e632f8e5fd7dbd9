//! The rest of the safe API on the in-memory allocator and the registry: pools, pins, blocks,
//! protocols, metadata, release and quarantine, check and export, as the CLI does them.

mod common;

use common::{cli_ok, init_registry, run_cli, TempDir};
use harmony_ports::network::{
    self, AllocateOptions, CheckOptions, ErrorCode, ExportOptions, HintKind, PortAllocator,
    PortRange, Protocols, Registry, Severity,
};

/// The ADR-014 setup: 25000-25999 with its three pools.
fn adr_allocator() -> PortAllocator {
    let ports = PortAllocator::new(25_000, 25_999);
    ports
        .add_pool("metrics", PortRange::new(25_090, 25_099), false)
        .unwrap();
    ports
        .add_pool("control-plane", PortRange::new(25_500, 25_519), true)
        .unwrap();
    ports
        .add_pool("future-scores", PortRange::new(25_550, 25_599), false)
        .unwrap();
    ports
}

#[test]
fn the_adr_example_gives_the_reference_port() {
    // tests/vectors/allocation_vectors.tsv, adr-single-01: ceph-rgw in the ADR setup.
    let ports = adr_allocator();
    assert_eq!(ports.allocate("ceph-rgw").unwrap().to_string(), "25427");
    // Without pools the candidates differ, and so does the port: the CLI agrees.
    let dir = TempDir::new("adr");
    let path = init_registry(dir.path(), None);
    let plain = PortAllocator::new(25_000, 25_999)
        .allocate("ceph-rgw")
        .unwrap();
    let cli = cli_ok([
        "--registry",
        &path.display().to_string(),
        "allocate",
        "ceph-rgw",
    ]);
    assert_eq!(plain.to_string(), cli.trim());
}

#[test]
fn pools_pins_blocks_and_protocols() {
    let ports = adr_allocator();
    let block = ports
        .allocate_with(
            "node-exporter",
            &AllocateOptions::new().pool("metrics").count(4),
        )
        .unwrap();
    assert_eq!(block.len(), 4);
    assert!(PortRange::new(25_090, 25_099).contains(block.first()));
    assert!(PortRange::new(25_090, 25_099).contains(block.last()));
    let found = ports.find("node-exporter").unwrap().unwrap();
    assert_eq!(found.pool.as_deref(), Some("metrics"));
    assert_eq!(found.protocols, Protocols::Tcp);

    // A reserved pool's ports go only to requests naming it, pins included.
    let error = ports
        .allocate_with("etcd", &AllocateOptions::new().port(25_500))
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict, "{error}");
    assert_eq!(
        error.message(),
        "cannot pin etcd to 25500: pool control-plane (25500-25519) is reserved for requests \
         that name it"
    );
    let hint = error.hint().expect("a hint");
    assert_eq!(
        (hint.kind(), hint.subject()),
        (HintKind::NamePool, "control-plane")
    );
    let etcd = ports
        .allocate_with(
            "etcd",
            &AllocateOptions::new().port(25_500).pool("control-plane"),
        )
        .unwrap();
    assert_eq!(etcd, PortRange::single(25_500));

    // The same port for UDP only is free; for TCP it is a conflict.
    let dns = AllocateOptions::new()
        .port(25_500)
        .protocols(Protocols::Udp)
        .pool("control-plane");
    assert_eq!(
        ports.allocate_with("dns", &dns).unwrap(),
        PortRange::single(25_500)
    );
    let taken = AllocateOptions::new().port(25_500).pool("control-plane");
    let error = ports.allocate_with("other", &taken).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict, "{error}");
    assert_eq!(error.exit_code(), 1);

    // A known name asked for different ports is a conflict, not a move.
    let error = ports
        .allocate_with(
            "etcd",
            &AllocateOptions::new().port(25_501).pool("control-plane"),
        )
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict, "{error}");

    // Canonical order: by first port, then protocol (tcp first), then name.
    let names: Vec<String> = ports.list().unwrap().into_iter().map(|a| a.name).collect();
    assert_eq!(names, ["node-exporter", "etcd", "dns"]);
}

#[test]
fn metadata_is_kept_and_updated() {
    let ports = PortAllocator::new(25_000, 25_999);
    let first = ports
        .allocate_with(
            "grafana",
            &AllocateOptions::new()
                .owner("observability")
                .notes("dashboards")
                .process("grafana"),
        )
        .unwrap();
    let found = ports.find("grafana").unwrap().unwrap();
    assert_eq!(
        (
            found.name.as_str(),
            found.owner.as_str(),
            found.notes.as_str(),
            found.process.as_str()
        ),
        ("grafana", "observability", "dashboards", "grafana")
    );
    assert_eq!(found.pool, None);
    // Idempotent: a known name keeps its port; given metadata replaces the old.
    let again = ports
        .allocate_with("grafana", &AllocateOptions::new().owner("sre"))
        .unwrap();
    assert_eq!(again, first);
    let found = ports.find("grafana").unwrap().unwrap();
    assert_eq!(
        (found.owner.as_str(), found.notes.as_str()),
        ("sre", "dashboards")
    );
    assert_eq!(ports.find("not-allocated").unwrap(), None);
}

#[test]
fn release_keeps_the_ports_in_quarantine() {
    let ports = PortAllocator::new(25_000, 25_999);
    let loki = ports.allocate("loki").unwrap();
    ports.release("loki").unwrap();
    assert_eq!(ports.find("loki").unwrap(), None);
    assert!(ports.list().unwrap().is_empty());
    // Quarantined: pinning the port for another name fails; the name itself gets it back.
    let error = ports
        .allocate_with("thief", &AllocateOptions::new().port(loki.first()))
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict, "{error}");
    assert_eq!(ports.allocate("loki").unwrap(), loki);
    // Released without quarantine, the port is free for anyone at once.
    ports.release_with("loki", 0).unwrap();
    let pinned = AllocateOptions::new().port(loki.first());
    assert_eq!(ports.allocate_with("thief", &pinned).unwrap(), loki);
    let error = ports.release_with("thief", 3651).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidArgument, "{error}");
    let error = ports.release_with("thief", u32::MAX).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidArgument, "{error}");
    let error = ports.release("never-was").unwrap_err();
    assert_eq!(error.code(), ErrorCode::NotFound, "{error}");
}

#[test]
fn pools_are_checked() {
    let ports = PortAllocator::new(25_000, 25_999);
    let outside = ports
        .add_pool("far", PortRange::new(30_000, 30_009), false)
        .unwrap_err();
    assert_eq!(outside.code(), ErrorCode::InvalidArgument, "{outside}");
    ports
        .add_pool("metrics", PortRange::new(25_090, 25_099), false)
        .unwrap();
    let overlap = ports
        .add_pool("more", PortRange::new(25_095, 25_105), false)
        .unwrap_err();
    assert_eq!(overlap.code(), ErrorCode::Conflict, "{overlap}");
    let bad = ports
        .add_pool("Bad Pool", PortRange::new(25_200, 25_209), false)
        .unwrap_err();
    assert_eq!(bad.code(), ErrorCode::InvalidArgument, "{bad}");
}

/// `check` as the CLI prints each finding: `SEVERITY: MESSAGE [CODE]`.
fn as_cli_prints(findings: &[network::Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{}: {} [{}]", f.severity, f.message, f.code))
        .collect()
}

#[test]
fn check_finds_what_the_cli_finds() {
    // 30000-30999 overlaps the Kubernetes NodePort range: an error finding, and warnings.
    let dir = TempDir::new("check");
    let path = init_registry(dir.path(), Some("30000-30999"));
    let registry = Registry::open(&path).unwrap();
    let findings = registry.check(&CheckOptions::new()).unwrap();
    assert!(!findings.is_empty());
    assert_eq!(findings[0].severity, Severity::Error);
    assert!(findings.windows(2).all(|w| w[0].severity >= w[1].severity));
    let nodeport = findings
        .iter()
        .find(|f| f.code == "range-overlaps-nodeport")
        .unwrap();
    assert_eq!(nodeport.ports, Some(PortRange::new(30_000, 30_999)));
    assert_eq!(nodeport.platform.as_deref(), Some("kubernetes"));

    let out = run_cli(["--registry", &path.display().to_string(), "check"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "check exits 1 on an error finding"
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let printed: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.starts_with("error: ") || l.starts_with("warning: ") || l.starts_with("info: ")
        })
        .collect();
    assert_eq!(as_cli_prints(&findings), printed);

    // The in-memory allocator over the same range finds the same.
    let memory = PortAllocator::new(30_000, 30_999)
        .check(&CheckOptions::new())
        .unwrap();
    assert_eq!(as_cli_prints(&memory), printed);
    assert_eq!(
        memory
            .iter()
            .find(|f| f.code == "iana-registered")
            .and_then(|f| f.hint.as_ref())
            .map(|h| h.kind()),
        Some(HintKind::AllowRegistered)
    );
}

#[test]
fn export_of_the_allocator() {
    let ports = PortAllocator::new(25_000, 25_999);
    let rgw = ports.allocate("ceph-rgw").unwrap();
    let json = ports.export("json", &ExportOptions::new()).unwrap();
    assert!(json.contains("\"ceph-rgw\""), "{json}");
    assert!(
        json.contains(&format!("\"first\": {}", rgw.first())),
        "{json}"
    );
    let nft = ports
        .export(
            "nftables",
            &ExportOptions::new()
                .allocations_only(true)
                .source("unit-test"),
        )
        .unwrap();
    assert!(nft.contains(&rgw.to_string()), "{nft}");
    assert!(nft.contains("unit-test"), "{nft}");
    let missing = ExportOptions::new().topology("/nonexistent/topology.toml");
    let error = ports.export("cpp", &missing).unwrap_err();
    assert_eq!(error.code(), ErrorCode::FileNotFound, "{error}");
    for format in network::export_formats() {
        assert!(
            !ports
                .export(format, &ExportOptions::new())
                .unwrap()
                .is_empty(),
            "{format}"
        );
    }
}

#[test]
fn version_and_formats_are_the_librarys() {
    assert_eq!(network::version(), env!("CARGO_PKG_VERSION"));
    let help = cli_ok(["export", "--help"]);
    for format in network::export_formats() {
        assert!(
            help.contains(format.as_str()),
            "{format} not in export --help"
        );
    }
}

#[test]
fn registry_settings() {
    let dir = TempDir::new("settings");
    let path = init_registry(dir.path(), None);
    let registry = Registry::open(&path).unwrap();
    registry
        .set_lock_timeout(std::time::Duration::from_millis(0))
        .unwrap();
    registry
        .set_lock_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    let error = registry
        .set_lock_timeout(std::time::Duration::from_secs(86_401))
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidArgument, "{error}");
    let error = registry
        .set_lock_timeout(std::time::Duration::MAX)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidArgument, "{error}");
    assert!(registry.allocate("after-settings").is_ok());
}
