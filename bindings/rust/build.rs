//! Builds or finds the harmony-ports C library and tells Cargo how to link it.
//!
//! Default: configures the repository's CMake project (two folders up) into
//! `$OUT_DIR/build`, builds the static archive `libharmony_ports.a` (the C++ library with the
//! C ABI) and the `harmony-ports` CLI (for the tests), and links the archive statically with
//! the system's `yaml-cpp`, `nats` and `stdc++`.
//!
//! With `HARMONY_PORTS_LIB_DIR` set to a folder holding an installed `libharmony_ports.so`,
//! nothing is built: the crate links that shared library (and its own tests, examples and
//! benchmarks get an rpath to the folder). The CLI for the tests then comes from
//! `HARMONY_PORTS_CLI` or `PATH`.
//!
//! `HARMONY_PORTS_CMAKE_ARGS` adds configure arguments to the CMake build (split on spaces).

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const LIB_DIR_VAR: &str = "HARMONY_PORTS_LIB_DIR";
const CLI_VAR: &str = "HARMONY_PORTS_CLI";
const CMAKE_ARGS_VAR: &str = "HARMONY_PORTS_CMAKE_ARGS";

fn main() {
    println!("cargo:rerun-if-env-changed={LIB_DIR_VAR}");
    println!("cargo:rerun-if-env-changed={CLI_VAR}");
    println!("cargo:rerun-if-env-changed={CMAKE_ARGS_VAR}");
    println!("cargo:rerun-if-changed=build.rs");
    match env::var_os(LIB_DIR_VAR).filter(|dir| !dir.is_empty()) {
        Some(dir) => link_installed(Path::new(&dir)),
        None => build_with_cmake(),
    }
}

/// Links an installed shared library; builds nothing.
fn link_installed(dir: &Path) {
    if !dir.join("libharmony_ports.so").exists() {
        fail(&format!(
            "{LIB_DIR_VAR}={} holds no libharmony_ports.so (install the library there, or unset \
             {LIB_DIR_VAR} to build it from this checkout with CMake)",
            dir.display()
        ));
    }
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=dylib=harmony_ports");
    // This package's own tests, examples and benchmarks find the library at run time.
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
    if let Some(cli) = env::var_os(CLI_VAR).filter(|cli| !cli.is_empty()) {
        println!("cargo:rustc-env={CLI_VAR}={}", Path::new(&cli).display());
    }
}

/// Configures and builds the C/C++ library and the CLI into `$OUT_DIR/build`, then links the
/// static archive.
fn build_with_cmake() {
    let manifest_dir = PathBuf::from(env_or_fail("CARGO_MANIFEST_DIR"));
    let root = manifest_dir.join("../..");
    let root = root.canonicalize().unwrap_or(root);
    if !root.join("CMakeLists.txt").is_file() || !root.join("include/harmony_ports.h").is_file() {
        fail(&format!(
            "{} is not the harmony-ports repository (no CMakeLists.txt and \
             include/harmony_ports.h); set {LIB_DIR_VAR} to link an installed library instead",
            root.display()
        ));
    }
    for input in ["src", "include", "tools", "cmake", "CMakeLists.txt"] {
        println!("cargo:rerun-if-changed={}", root.join(input).display());
    }

    let build = PathBuf::from(env_or_fail("OUT_DIR")).join("build");
    let ccache = on_path("ccache");
    let mut configure = Command::new("cmake");
    configure.arg("-S").arg(&root).arg("-B").arg(&build).args([
        "-G",
        "Ninja",
        "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
        "-DBUILD_TESTING=OFF",
        "-DHARMONY_PORTS_BENCH=OFF",
    ]);
    if ccache {
        configure.arg("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache");
    }
    // Extra configure arguments, split on whitespace (scripts/test.sh turns warnings into
    // errors here as in its own builds).
    if let Ok(extra) = env::var(CMAKE_ARGS_VAR) {
        configure.args(extra.split_whitespace());
    }
    run(configure, "configure");

    let mut compile = Command::new("cmake");
    compile
        .arg("--build")
        .arg(&build)
        .args(["--target", "harmony_ports", "harmony-ports"]);
    // Cargo's job count (-j), so the C++ build shares the machine like the Rust one.
    if let Some(jobs) = env::var_os("NUM_JOBS") {
        compile.arg("--parallel").arg(jobs);
    }
    if ccache {
        // Cargo gives each profile (and clippy) its own OUT_DIR, so the same sources are built
        // in several folders at the same depth under target/. With paths relative to the
        // checkout (as scripts/build.sh) and without the build folder in the key, those builds
        // share cache hits. The debug info's compilation folder may then name a sibling
        // OUT_DIR; its relative source paths still lead to the same files.
        if env::var_os("CCACHE_BASEDIR").is_none() {
            compile.env("CCACHE_BASEDIR", &root);
        }
        if env::var_os("CCACHE_HASHDIR").is_none() && env::var_os("CCACHE_NOHASHDIR").is_none() {
            compile.env("CCACHE_NOHASHDIR", "1");
        }
    }
    run(compile, "build");

    let archive = find_file(&build, "libharmony_ports.a").unwrap_or_else(|| {
        fail(&format!(
            "the CMake build in {} made no libharmony_ports.a",
            build.display()
        ))
    });
    let archive_dir = archive.parent().unwrap_or(&build);
    println!("cargo:rustc-link-search=native={}", archive_dir.display());
    println!("cargo:rustc-link-lib=static=harmony_ports");
    println!("cargo:rustc-link-lib=dylib=yaml-cpp");
    println!("cargo:rustc-link-lib=dylib=nats");
    println!("cargo:rustc-link-lib=dylib=stdc++");
    let cli = build.join("tools/harmony-ports/harmony-ports");
    println!("cargo:rustc-env={CLI_VAR}={}", cli.display());
}

/// Runs a CMake step; a failure stops the build with the command and how it ended.
fn run(mut command: Command, step: &str) {
    eprintln!("harmony-ports build.rs: running {command:?}");
    // CMake's and Ninja's progress goes to stderr: stdout is Cargo's instruction channel.
    command.stdout(std::io::stderr());
    match command.status() {
        Ok(status) if status.success() => {}
        Ok(status) => fail(&format!(
            "CMake {step} of the C/C++ library failed ({status}): {command:?}; its output is \
             above. Install the build dependencies (scripts/install-deps.sh) or set \
             {LIB_DIR_VAR} to link an installed library"
        )),
        Err(error) => fail(&format!(
            "cannot run CMake ({error}) for the {step} step: {command:?}. Install cmake and \
             ninja-build, or set {LIB_DIR_VAR} to link an installed library"
        )),
    }
}

/// The first file called `name` under `dir` (CMake's own folders skipped).
fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    let direct = dir.join("src").join(name);
    if direct.is_file() {
        return Some(direct);
    }
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() && entry.file_name() != "CMakeFiles" {
                pending.push(path);
            } else if kind.is_file() && entry.file_name() == name {
                return Some(path);
            }
        }
    }
    None
}

/// Whether `program` is an executable file in a folder of `PATH`.
fn on_path(program: &str) -> bool {
    let path = env::var_os("PATH").unwrap_or_default();
    env::split_paths(&path).any(|dir| {
        let candidate = dir.join(program);
        candidate.is_file()
            && std::fs::metadata(&candidate)
                .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0)
                .unwrap_or(false)
    })
}

fn env_or_fail(name: &str) -> String {
    env::var(name).unwrap_or_else(|_| fail(&format!("Cargo did not set {name}")))
}

fn fail(message: &str) -> ! {
    panic!("harmony-ports: {message}");
}
