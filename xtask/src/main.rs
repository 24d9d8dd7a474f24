//! `cargo xtask …`: the one entry point for installing the tools, building the app,
//! serving it, running everything CI runs, and printing the benchmark figures.
//!
//! A few small crates (compressors, a wasm reader, a demangler) so that it compiles in
//! seconds: it is built at the start of every command.

mod bench;
mod build;
mod chunks;
mod cold;
mod css_bundles;
mod files;
mod import_names;
mod install;
#[cfg(test)]
mod layers;
mod lazy_loader;
mod postgres;
mod proc;
mod profile;
mod publish;
mod split_loader;
mod styles;
mod test;
mod wasm_opt;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

pub use build::build;
use proc::run;
use profile::Profiler;

/// What a step failed with, already worded for the person reading the log.
pub type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "\
usage: cargo xtask <command>

  install   install what is missing: the wasm32 target, Trunk, wasm-bindgen-cli,
            wasm-split-cli, wasm-opt (npm binaryen, under .tools/), Chromium and
            ChromeDriver
  build     install, then build the app into dist/: the page with Trunk, the wasm
            split into one module per lazily loaded screen and the main one by
            what the first screen runs, measured in Chromium (release, offline)
  serve     install, build, then run the server with demo members on
            http://127.0.0.1:8080
  test      everything CI runs (install first), stopping at the first failure
  bench     first-screen download size (gzip) and the quote's time, native and wasm;
            `bench first-screen` the first screen's figures alone, beside
            MC_BENCH_BASELINE_DIST's (another build's dist/) when set
  postgres  start (installing if missing) a local PostgreSQL and print the URL of an
            empty test database (MC_TEST_POSTGRES_URL for the server's tests)";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let ws = Workspace::locate();
    ws.put_tools_on_path();
    let result = match args.first().map(String::as_str) {
        Some("install") => install::all(&ws),
        Some("build") => install::all(&ws)
            .and_then(|()| Profiler::build(&ws))
            .and_then(|profiler| build(&ws, &profiler)),
        Some("serve") => serve(&ws),
        Some("test") => return test::all(&ws),
        Some("bench") if args.get(1).map(String::as_str) == Some("first-screen") => {
            bench::first_screen(&ws)
        }
        Some("bench") => bench::all(&ws),
        Some("postgres") => postgres::test_database().map(|url| println!("{url}")),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Where things are.
pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
}

impl Workspace {
    fn locate() -> Workspace {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask/ sits in the workspace root")
            .to_path_buf();
        let target_dir = env::var_os("CARGO_TARGET_DIR")
            .map(|dir| root.join(dir))
            .unwrap_or_else(|| root.join("target"));
        Workspace { root, target_dir }
    }

    /// Where npm installs binaryen's `wasm-opt` (never Debian's: version 108 breaks
    /// wasm-bindgen's output).
    pub fn tools_dir(&self) -> PathBuf {
        self.root.join(".tools")
    }

    /// axe-core's browser bundle, injected into the pages by the e2e run.
    pub fn axe_js(&self) -> PathBuf {
        self.tools_dir()
            .join("node_modules")
            .join("axe-core")
            .join("axe.min.js")
    }

    /// Debian binaryen's `wasm-split` (`install.rs`), by its path: it is not on PATH.
    pub fn wasm_split(&self) -> PathBuf {
        let version = install::DEBIAN_BINARYEN;
        self.tools_dir()
            .join(format!("binaryen-{version}/usr/bin/wasm-split"))
    }

    pub fn tools_bin(&self) -> PathBuf {
        self.tools_dir().join("node_modules").join(".bin")
    }

    pub fn dist(&self) -> PathBuf {
        self.root.join("dist")
    }

    /// `cargo`, the same one that runs xtask.
    pub fn cargo(&self) -> Command {
        let mut cmd = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.current_dir(&self.root);
        cmd
    }

    /// Puts `.tools/node_modules/.bin` (wasm-opt) and cargo's bin folder (trunk,
    /// wasm-bindgen) first on PATH, for this process's lookups and every child's.
    fn put_tools_on_path(&self) {
        let cargo_bin = env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
            .map(|home| home.join("bin"));
        let mut dirs = vec![self.tools_bin()];
        dirs.extend(cargo_bin);
        let old = env::var_os("PATH").unwrap_or_default();
        let first = dirs.clone();
        dirs.extend(env::split_paths(&old).filter(|dir| !first.contains(dir)));
        let path = env::join_paths(dirs).expect("PATH entries without separators");
        // Single-threaded here, before any child starts.
        env::set_var("PATH", path);
    }
}

/// Install, build, then run the server in demo mode until Ctrl-C.
/// The server as served (`--profile server`: optimized, without LTO's build time).
pub fn server_binary(ws: &Workspace) -> Result<PathBuf> {
    run(ws
        .cargo()
        .args(["build", "--profile", "server", "-p", "member-center"]))?;
    Ok(ws.target_dir.join("server").join("member-center"))
}

fn serve(ws: &Workspace) -> Result {
    install::all(ws)?;
    let profiler = Profiler::build(ws)?;
    build(ws, &profiler)?;
    let server = profiler.server;
    println!(
        "\n\
         ┌──────────────────────────────────────────────────────────────────────┐\n\
         │ Member center: http://127.0.0.1:8080                                 │\n\
         │                                                                      │\n\
         │ Demo mode: one member of every tier (listed below by the server).    │\n\
         │ Pick one with the persona switcher on the home screen, then try the  │\n\
         │ preview (\"what if I spend ¥X\"). Data: member-center.db (SQLite),     │\n\
         │ demo members reset on every start. Stop with Ctrl-C.                 │\n\
         └──────────────────────────────────────────────────────────────────────┘\n"
    );
    let mut cmd = Command::new(server);
    cmd.current_dir(&ws.root)
        .args(["serve", "--demo", "--addr", "127.0.0.1:8080", "--dist"])
        .arg(ws.dist())
        .args(["--database-url", "sqlite://member-center.db"]);
    run(&mut cmd)
}
