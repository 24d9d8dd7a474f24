//! Running commands: echo them, time them, and turn a failure into a readable error.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::Result;

/// Runs a command with inherited stdio, echoing it first; an error when it fails.
pub fn run(cmd: &mut Command) -> Result {
    let shown = show(cmd);
    println!("$ {shown}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs a command quietly and returns its trimmed stdout, or `None` when it cannot
/// start or fails: for version checks.
pub fn stdout_of(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The command as one would type it, with the environment it sets (PATH aside).
pub fn show(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter(|(key, _)| *key != "PATH")
        .map(|(key, value)| {
            let value = value.map(|v| v.to_string_lossy().into_owned());
            format!("{}={}", key.to_string_lossy(), value.unwrap_or_default())
        })
        .collect();
    parts.push(cmd.get_program().to_string_lossy().into_owned());
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// `0.4s`, `12.3s`, `7m02s`.
pub fn took(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = d.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}
