//! What the integration tests share: the CLI to compare with, temporary folders, registries.

#![allow(dead_code)] // each test file uses a part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The `harmony-ports` CLI: the one build.rs built (`HARMONY_PORTS_CLI` at compile time), else
/// `HARMONY_PORTS_CLI` at run time, else `harmony-ports` on PATH.
pub fn cli() -> PathBuf {
    if let Some(path) = option_env!("HARMONY_PORTS_CLI") {
        return PathBuf::from(path);
    }
    match std::env::var_os("HARMONY_PORTS_CLI") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from("harmony-ports"),
    }
}

/// Runs the CLI with `args` (the registry and lock-timeout variables cleared, so only the
/// arguments decide) and returns what it did.
pub fn run_cli<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(cli())
        .args(args)
        .env_remove("HARMONY_PORTS_REGISTRY")
        .env_remove("HARMONY_PORTS_LOCK_TIMEOUT")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", cli().display()))
}

/// `run_cli`, asserting success; its standard output.
pub fn cli_ok<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = run_cli(args);
    assert!(
        out.status.success(),
        "harmony-ports failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// A fresh folder under the system's temporary folder, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!(
            "harmony-ports-rust-{label}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `harmony-ports --registry DIR/harmony.network.ports.toml init --empty [--range RANGE]`:
/// an empty registry (and its harmony.toml) in `dir`; the registry file's path.
pub fn init_registry(dir: &Path, range: Option<&str>) -> PathBuf {
    let registry = dir.join("harmony.network.ports.toml");
    let mut args = vec![
        "--registry".to_owned(),
        registry.display().to_string(),
        "init".to_owned(),
        "--empty".to_owned(),
    ];
    if let Some(range) = range {
        args.extend(["--range".to_owned(), range.to_owned()]);
    }
    cli_ok(&args);
    registry
}

/// The CLI's failure as the user sees it: standard error's first line and the exit status.
pub struct CliFailure {
    pub line: String,
    pub status: i32,
}

/// Runs the CLI, expecting it to fail; its first standard-error line and exit status.
pub fn cli_failure<I, S>(args: I) -> CliFailure
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = run_cli(args);
    assert!(
        !out.status.success(),
        "harmony-ports unexpectedly succeeded"
    );
    let stderr = String::from_utf8(out.stderr).expect("UTF-8 errors");
    CliFailure {
        line: stderr.lines().next().unwrap_or_default().to_owned(),
        status: out.status.code().expect("an exit code, not a signal"),
    }
}
