//! `cargo xtask install`: each tool checked by its version first and installed only when
//! missing or different. Everything comes from crates.io, npm or Debian; nothing
//! downloads a prebuilt binary.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::proc::{run, stdout_of, took};
use crate::{Result, Workspace};

/// Trunk 0.22 needs a newer rustc than the machine's 1.95.
const TRUNK_VERSION: &str = "0.21.14";
/// npm's binaryen, run by `xtask build` on every wasm module.
const BINARYEN_MAJOR: &str = "132";
/// npm's axe-core: the e2e run injects it into every screen (accessibility check).
const AXE_VERSION: &str = "4.14.1";
/// npm's terser (JavaScript only, no native binary): `xtask build` minifies the main
/// module's JS glue with it.
const TERSER_VERSION: &str = "5.51.4";
/// Debian's binaryen, for its `wasm-split` only (npm's package has none): the main
/// module split by use (`cold.rs`). Extracted into `.tools/`, never installed: its
/// `wasm-opt` would shadow npm's on PATH, and it breaks wasm-bindgen's output.
pub const DEBIAN_BINARYEN: &str = "108-1";
/// wasm-split-cli (crate `wasm_split_cli_support`).
const WASM_SPLIT_VERSION: &str = "0.2.4";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

pub fn all(ws: &Workspace) -> Result {
    let start = Instant::now();
    println!("== xtask install ==");
    let bindgen = wasm_bindgen_version(ws)?;

    step(
        "rustfmt + clippy",
        || {
            let fmt = stdout_of(Command::new("rustfmt").arg("--version"))?;
            let clippy = stdout_of(Command::new("cargo").args(["clippy", "--version"]))?;
            Some(format!("{fmt}; {clippy}"))
        },
        || run(Command::new("rustup").args(["component", "add", "rustfmt", "clippy"])),
    )?;

    // RUSTUP_AUTO_INSTALL=0: nothing adds the target for us.
    step(
        &format!("{WASM_TARGET} target"),
        || {
            let sysroot = stdout_of(Command::new("rustc").args(["--print", "sysroot"]))?;
            let lib = Path::new(&sysroot).join("lib/rustlib").join(WASM_TARGET);
            lib.join("lib")
                .is_dir()
                .then(|| format!("std in {}", lib.display()))
        },
        || run(Command::new("rustup").args(["target", "add", WASM_TARGET])),
    )?;

    step(
        &format!("trunk {TRUNK_VERSION}"),
        || version_is("trunk", "trunk", TRUNK_VERSION),
        || {
            let krate = format!("trunk@{TRUNK_VERSION}");
            run(Command::new("cargo").args(["install", "--locked", "--force", &krate]))
        },
    )?;

    // `--locked` fails for wasm-bindgen-cli (a locked dependency is gone from the
    // registry); the exact `=` pin keeps the CLI and the crate from drifting.
    step(
        &format!("wasm-bindgen-cli {bindgen} (from Cargo.lock)"),
        || {
            let cli = version_is("wasm-bindgen", "wasm-bindgen", &bindgen)?;
            let runner = version_is(
                "wasm-bindgen-test-runner",
                "wasm-bindgen-test-runner",
                &bindgen,
            )?;
            Some(format!("{cli}, {runner}"))
        },
        || {
            let krate = format!("wasm-bindgen-cli@={bindgen}");
            run(Command::new("cargo").args(["install", "--force", &krate]))
        },
    )?;

    // Splits the app's wasm at its `#[wasm_split]` points; the version speaks the same
    // protocol as the `wasm_split_helpers` in Cargo.lock (through leptos).
    step(
        &format!("wasm-split-cli {WASM_SPLIT_VERSION}"),
        || {
            let list = stdout_of(Command::new("cargo").args(["install", "--list"]))?;
            let wanted = format!("wasm_split_cli_support v{WASM_SPLIT_VERSION}:");
            let installed = list.lines().any(|line| line.trim() == wanted);
            let on_path = stdout_of(Command::new("wasm-split-cli").arg("--help")).is_some();
            (installed && on_path).then(|| format!("wasm_split_cli_support {WASM_SPLIT_VERSION}"))
        },
        || {
            let krate = format!("wasm_split_cli_support@{WASM_SPLIT_VERSION}");
            run(Command::new("cargo").args([
                "install",
                "--locked",
                "--force",
                &krate,
                "--features",
                "build-binary",
            ]))
        },
    )?;

    let wasm_opt = ws.tools_bin().join("wasm-opt");
    step(
        &format!("wasm-opt {BINARYEN_MAJOR} (npm binaryen, .tools/)"),
        || {
            let out = stdout_of(Command::new(&wasm_opt).arg("--version"))?;
            // "wasm-opt version 132 (version_132)"
            let version = out.split_whitespace().nth(2)?;
            (version == BINARYEN_MAJOR).then(|| format!("{out} at {}", wasm_opt.display()))
        },
        || npm_install(ws, &format!("binaryen@{BINARYEN_MAJOR}")),
    )?;
    let wasm_split = ws.wasm_split();
    step(
        &format!("binaryen {DEBIAN_BINARYEN}'s wasm-split (Debian package, .tools/)"),
        || {
            // "wasm-split version 108"
            let out = stdout_of(Command::new(&wasm_split).arg("--version"))?;
            let major = DEBIAN_BINARYEN.split('-').next()?;
            (out.split_whitespace().nth(2)? == major)
                .then(|| format!("{out} at {}", wasm_split.display()))
        },
        || debian_extract(ws, "binaryen", DEBIAN_BINARYEN),
    )?;
    let axe = ws.axe_js();
    step(
        &format!("axe-core {AXE_VERSION} (npm, .tools/)"),
        || {
            let manifest = std::fs::read_to_string(axe.with_file_name("package.json")).ok()?;
            let wanted = format!("\"version\": \"{AXE_VERSION}\"");
            (manifest.contains(&wanted) && axe.is_file())
                .then(|| format!("axe-core {AXE_VERSION} at {}", axe.display()))
        },
        || npm_install(ws, &format!("axe-core@{AXE_VERSION}")),
    )?;
    let terser = ws.tools_bin().join("terser");
    step(
        &format!("terser {TERSER_VERSION} (npm, .tools/)"),
        || {
            // "terser 5.51.4"
            let out = stdout_of(Command::new(&terser).arg("--version"))?;
            (out.split_whitespace().nth(1)? == TERSER_VERSION)
                .then(|| format!("{out} at {}", terser.display()))
        },
        || npm_install(ws, &format!("terser@{TERSER_VERSION}")),
    )?;

    if Path::new("/usr/bin/wasm-opt").exists() {
        println!(
            "  note: /usr/bin/wasm-opt (Debian's binaryen) is shadowed by {} on xtask's PATH",
            wasm_opt.display()
        );
    }

    step(
        "chromium + chromedriver (Debian)",
        || {
            let browser = stdout_of(Command::new(CHROMIUM).arg("--version"))?;
            let driver = stdout_of(Command::new(CHROMEDRIVER).arg("--version"))?;
            // "Chromium 156.0.8078.79 built on …", "ChromeDriver 156.0.8078.79 (…)"
            let major = |s: &str| {
                s.split_whitespace()
                    .nth(1)?
                    .split('.')
                    .next()
                    .map(str::to_owned)
            };
            (major(&browser)? == major(&driver)?).then(|| {
                let short = |s: &str| s.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
                format!("{}, {}", short(&browser), short(&driver))
            })
        },
        || apt_install(&["chromium", "chromium-driver"]),
    )?;

    // A Chinese shopper's phone has a CJK system font (Android's is Noto Sans CJK, which
    // the app's font stack names); without one, Chromium draws the app's text as empty
    // boxes in screenshots, and the first-screen bench times the font fallback's misses.
    step(
        "a CJK font (Debian's Noto Sans CJK)",
        || {
            let families = stdout_of(Command::new("fc-list").args([":lang=zh", "family"]))?;
            families
                .lines()
                .find(|family| family.contains("Noto Sans CJK SC"))
                .map(|family| family.trim().to_owned())
        },
        || apt_install(&["fonts-noto-cjk"]),
    )?;

    println!("install: all satisfied in {}", took(start.elapsed()));
    Ok(())
}

/// `npm install` of one exact package version into `.tools/` (its own `package.json`).
fn npm_install(ws: &Workspace, package: &str) -> Result {
    std::fs::create_dir_all(ws.tools_dir())
        .map_err(|e| format!("cannot create {}: {e}", ws.tools_dir().display()))?;
    run(Command::new("npm")
        .arg("install")
        .arg("--prefix")
        .arg(ws.tools_dir())
        .args(["--no-audit", "--no-fund", "--save-exact", package]))
}

/// Downloads one exact version of a Debian package and unpacks it into
/// `.tools/<package>-<version>/` (`apt-get download` + `dpkg -x`: nothing of the system
/// changes).
fn debian_extract(ws: &Workspace, package: &str, version: &str) -> Result {
    let dir = ws.tools_dir().join(format!("{package}-{version}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let wanted = format!("{package}={version}");
    if run(Command::new("apt-get")
        .current_dir(&dir)
        .args(["download", &wanted]))
    .is_err()
    {
        // The package lists may not be there yet on a fresh machine.
        run(&mut apt_get(&["update"]))?;
        run(Command::new("apt-get")
            .current_dir(&dir)
            .args(["download", &wanted]))?;
    }
    let deb = format!("{package}_{version}_amd64.deb");
    run(Command::new("dpkg")
        .current_dir(&dir)
        .args(["-x", &deb, "."]))?;
    std::fs::remove_file(dir.join(&deb)).map_err(|e| format!("cannot remove {deb}: {e}"))
}

/// Checks whether something is satisfied (`Some(what was found)`), and if not installs it
/// and checks again; prints what it did and how long it took.
fn step(
    name: &str,
    check: impl Fn() -> Option<String>,
    install: impl FnOnce() -> Result,
) -> Result {
    let start = Instant::now();
    if let Some(found) = check() {
        println!("  ok       {name}: {found} ({})", took(start.elapsed()));
        return Ok(());
    }
    println!("  install  {name} …");
    install().map_err(|e| format!("installing {name}: {e}"))?;
    let found = check().ok_or_else(|| {
        format!("installing {name} finished but the check still fails (wrong version on PATH?)")
    })?;
    println!(
        "  done     {name}: {found} (installed in {})",
        took(start.elapsed())
    );
    Ok(())
}

/// `Some("tool X")` when `tool --version` prints `<name> <expected>` (more may follow).
fn version_is(tool: &str, name: &str, expected: &str) -> Option<String> {
    let out = stdout_of(Command::new(tool).arg("--version"))?;
    let mut words = out.split_whitespace();
    (words.next()? == name && words.next()? == expected).then(|| format!("{name} {expected}"))
}

/// The wasm-bindgen version Cargo.lock resolved: the CLI must be exactly that one.
pub fn wasm_bindgen_version(ws: &Workspace) -> Result<String> {
    let path = ws.root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == r#"name = "wasm-bindgen""# {
            let version = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'));
            if let Some(version) = version {
                return Ok(version.to_string());
            }
        }
    }
    Err(format!(
        "{} has no wasm-bindgen package: cannot tell which wasm-bindgen-cli to install",
        path.display()
    ))
}

/// `apt-get update && apt-get install -y <packages>`.
pub fn apt_install(packages: &[&str]) -> Result {
    run(&mut apt_get(&["update"]))?;
    run(apt_get(&["install", "-y"]).args(packages))
}

/// `apt-get <args>`, with sudo when not root, never waiting for input.
fn apt_get(args: &[&str]) -> Command {
    let root = stdout_of(Command::new("id").arg("-u")).as_deref() == Some("0");
    let mut cmd = if root {
        Command::new("apt-get")
    } else {
        let mut sudo = Command::new("sudo");
        sudo.arg("apt-get");
        sudo
    };
    cmd.args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdin(Stdio::null());
    cmd
}
