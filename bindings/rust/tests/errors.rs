//! Bad input gives a typed error with the CLI's message, code and exit status: each case runs
//! through the crate and through `harmony-ports`, and what the user sees is compared.

mod common;

use std::path::Path;

use common::{cli_failure, cli_ok, init_registry, CliFailure, TempDir};
use harmony_ports::network::{
    AllocateOptions, Error, ErrorCode, ExportOptions, HintKind, PortAllocator, PortRange, Registry,
};

/// The crate's error is the CLI's: `harmony-ports: error: MESSAGE` (followed by the CLI's
/// wording of the hint after "; " when there is one), the same exit status.
fn assert_same_failure(ours: &Error, theirs: &CliFailure, code: ErrorCode) {
    assert_eq!(ours.code(), code, "{ours}");
    assert_eq!(ours.exit_code(), theirs.status, "{ours}");
    assert_eq!(ours.to_string(), ours.message());
    let expected = format!("harmony-ports: error: {ours}");
    if ours.hint().is_some() {
        assert!(
            theirs.line.starts_with(&format!("{expected}; ")),
            "{:?} vs {expected:?}",
            theirs.line
        );
    } else {
        assert_eq!(theirs.line, expected);
    }
}

fn reg(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn a_bad_service_name() {
    let dir = TempDir::new("bad-name");
    let path = init_registry(dir.path(), None);
    let ours = Registry::open(&path)
        .unwrap()
        .allocate("Bad_Name")
        .unwrap_err();
    let theirs = cli_failure(["--registry", &reg(&path), "allocate", "Bad_Name"]);
    assert_same_failure(&ours, &theirs, ErrorCode::InvalidArgument);
    assert_eq!(theirs.status, 2);
    // The in-memory allocator says the same about the name, without a file to name.
    let memory = PortAllocator::new(25_000, 25_999)
        .allocate("Bad_Name")
        .unwrap_err();
    assert_eq!(memory.code(), ErrorCode::InvalidArgument);
    assert_eq!(format!("{}: {memory}", reg(&path)), ours.message());
    assert_eq!(
        memory.message(),
        "invalid service name 'Bad_Name': upper case is not allowed (use a-z, 0-9, '-', '.')"
    );
}

#[test]
fn names_the_c_side_rejects_are_errors_not_crashes() {
    let ports = PortAllocator::new(25_000, 25_999);
    for name in ["", "a\0b", "-leading-dash", &"x".repeat(64)] {
        let error = ports.allocate(name).unwrap_err();
        assert_eq!(
            error.code(),
            ErrorCode::InvalidArgument,
            "{name:?}: {error}"
        );
        assert_eq!(error.exit_code(), 2);
        assert!(!error.message().is_empty());
    }
    let error = Registry::open("reg\0istry.toml").unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidArgument, "{error}");
    let error = Registry::open("").unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidArgument, "{error}");
    assert_eq!(error.message(), "the registry path is empty");
}

#[test]
fn an_exhausted_range() {
    // 25011 is a port no IANA or known-software entry names: one allocation fills the range.
    let dir = TempDir::new("exhausted");
    let path = init_registry(dir.path(), Some("25011-25011"));
    assert_eq!(
        cli_ok(["--registry", &reg(&path), "allocate", "first"]).trim(),
        "25011"
    );
    let ours = Registry::open(&path)
        .unwrap()
        .allocate("second")
        .unwrap_err();
    let theirs = cli_failure(["--registry", &reg(&path), "allocate", "second"]);
    assert_same_failure(&ours, &theirs, ErrorCode::Exhausted);
    assert_eq!(theirs.status, 1);

    let memory = PortAllocator::new(25_011, 25_011);
    assert_eq!(memory.allocate("first").unwrap(), PortRange::single(25_011));
    let error = memory.allocate("second").unwrap_err();
    assert_eq!(error.code(), ErrorCode::Exhausted);
    assert_eq!(error.exit_code(), 1);
    assert_eq!(format!("{}: {error}", reg(&path)), ours.message());
}

#[test]
fn an_exhausted_range_with_a_hint() {
    // 25000 is IANA-registered (icl-twobase1): no candidate at all unless allowed.
    let dir = TempDir::new("registered");
    let path = init_registry(dir.path(), Some("25000-25000"));
    let ours = Registry::open(&path).unwrap().allocate("a").unwrap_err();
    let theirs = cli_failure(["--registry", &reg(&path), "allocate", "a"]);
    assert_same_failure(&ours, &theirs, ErrorCode::Exhausted);
    assert_eq!(
        theirs.line.rsplit_once("; ").unwrap().1,
        "--allow-registered keeps them"
    );

    let memory = PortAllocator::new(25_000, 25_000);
    for _ in 0..2 {
        let error = memory.allocate("a").unwrap_err();
        assert_eq!(error.code(), ErrorCode::Exhausted);
        assert_eq!(
            error.hint().map(|h| h.kind()),
            Some(HintKind::AllowRegistered)
        );
        assert_eq!(format!("{}: {error}", reg(&path)), ours.message());
    }
    let allowed = AllocateOptions::new().allow_registered(true);
    assert_eq!(
        memory.allocate_with("a", &allowed).unwrap().to_string(),
        "25000"
    );
    let error = memory.allocate_with("b", &allowed).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Exhausted, "{error}");
}

#[test]
fn an_unknown_pool() {
    let dir = TempDir::new("pool");
    let path = init_registry(dir.path(), None);
    let options = AllocateOptions::new().pool("nope");
    let ours = Registry::open(&path)
        .unwrap()
        .allocate_with("foo", &options)
        .unwrap_err();
    let theirs = cli_failure([
        "--registry",
        &reg(&path),
        "allocate",
        "foo",
        "--pool",
        "nope",
    ]);
    assert_same_failure(&ours, &theirs, ErrorCode::NotFound);
    assert_eq!(theirs.status, 1);
    let memory = PortAllocator::new(25_000, 25_999)
        .allocate_with("foo", &options)
        .unwrap_err();
    assert_eq!(memory.code(), ErrorCode::NotFound);
    assert_eq!(format!("{}: {memory}", reg(&path)), ours.message());
}

#[test]
fn a_count_of_zero() {
    let dir = TempDir::new("count");
    let path = init_registry(dir.path(), None);
    let options = AllocateOptions::new().count(0);
    let ours = Registry::open(&path)
        .unwrap()
        .allocate_with("foo", &options)
        .unwrap_err();
    let theirs = cli_failure(["--registry", &reg(&path), "allocate", "foo", "--count", "0"]);
    assert_same_failure(&ours, &theirs, ErrorCode::InvalidArgument);
}

#[test]
fn releasing_an_unknown_name() {
    let dir = TempDir::new("release");
    let path = init_registry(dir.path(), None);
    let ours = Registry::open(&path)
        .unwrap()
        .release("nothere")
        .unwrap_err();
    let theirs = cli_failure(["--registry", &reg(&path), "release", "nothere"]);
    assert_same_failure(&ours, &theirs, ErrorCode::NotFound);
    let ours = Registry::open(&path)
        .unwrap()
        .release_with("nothere", 4000)
        .unwrap_err();
    let theirs = cli_failure([
        "--registry",
        &reg(&path),
        "release",
        "nothere",
        "--quarantine-days",
        "4000",
    ]);
    assert_eq!(ours.code(), ErrorCode::InvalidArgument, "{ours}");
    assert_eq!(ours.exit_code(), theirs.status);
}

#[test]
fn a_malformed_registry() {
    let dir = TempDir::new("malformed");
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "x = [\n").unwrap();
    let registry = Registry::open(&path).unwrap();
    let ours = registry.allocate("a").unwrap_err();
    let theirs = cli_failure(["--registry", &reg(&path), "allocate", "a"]);
    assert_same_failure(&ours, &theirs, ErrorCode::ParseError);
    assert!(
        ours.message().starts_with(&format!("{}:1:", reg(&path))),
        "{ours}"
    );
    // Reads fail the same way.
    let list = registry.list().unwrap_err();
    let theirs = cli_failure(["--registry", &reg(&path), "list"]);
    assert_same_failure(&list, &theirs, ErrorCode::ParseError);
    let export = registry.export("json", &ExportOptions::new()).unwrap_err();
    assert_eq!(export.code(), ErrorCode::ParseError);
}

#[test]
fn a_missing_registry_file() {
    let dir = TempDir::new("missing");
    let path = dir.path().join("none.toml");
    let ours = Registry::open(&path).unwrap().allocate("a").unwrap_err();
    let theirs = cli_failure(["--registry", &reg(&path), "allocate", "a"]);
    assert_same_failure(&ours, &theirs, ErrorCode::FileNotFound);
    assert_eq!(theirs.status, 2);
}

#[test]
fn a_folder_where_the_registry_file_should_be() {
    let dir = TempDir::new("folder");
    let ours = Registry::open(dir.path())
        .and_then(|r| r.allocate("a"))
        .unwrap_err();
    let theirs = cli_failure(["--registry", &reg(dir.path()), "allocate", "a"]);
    let hint = ours.hint().expect("a hint");
    assert_eq!(hint.kind(), HintKind::NameRegistryFile);
    assert_eq!(hint.subject(), reg(dir.path()));
    assert_same_failure(&ours, &theirs, ours.code());
    assert_eq!(ours.exit_code(), 2);
}

#[test]
fn an_unknown_export_format() {
    let ports = PortAllocator::new(25_000, 25_999);
    let error = ports
        .export("yaml-please", &ExportOptions::new())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidArgument, "{error}");
    assert_eq!(error.exit_code(), 2);
}

#[test]
fn codes_name_and_exit_like_the_cli() {
    let cases = [
        (ErrorCode::InvalidArgument, "invalid-argument", 2),
        (ErrorCode::ParseError, "parse-error", 2),
        (ErrorCode::InvalidRegistry, "invalid-registry", 2),
        (ErrorCode::NotFound, "not-found", 1),
        (ErrorCode::Conflict, "conflict", 1),
        (ErrorCode::Exhausted, "exhausted", 1),
        (ErrorCode::AlreadyExists, "already-exists", 1),
        (ErrorCode::PermissionDenied, "permission-denied", 3),
        (ErrorCode::IoError, "io-error", 3),
        (ErrorCode::FileNotFound, "file-not-found", 2),
        (ErrorCode::Untrusted, "untrusted", 3),
        (ErrorCode::LockTimeout, "lock-timeout", 3),
        (ErrorCode::Unknown, "unknown", 3),
    ];
    for (code, name, exit) in cases {
        assert_eq!(code.to_string(), name);
        assert_eq!(code.exit_code(), exit, "{code}");
    }
}
