//! Installing the pinned `moto[server]` into a cache folder, once.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

/// The moto version the library is tested against.
pub const MOTO_VERSION: &str = "5.2.5";

/// The cache folder: `$HIPAA_AWS_CACHE_DIR`, else `$XDG_CACHE_HOME/hipaa-aws`, else
/// `~/.cache/hipaa-aws`.
pub fn cache_dir() -> Result<PathBuf> {
    let dir = if let Some(dir) = std::env::var_os("HIPAA_AWS_CACHE_DIR") {
        PathBuf::from(dir)
    } else if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        PathBuf::from(dir).join("hipaa-aws")
    } else if let Some(home) = std::env::var_os("HOME") {
        PathBuf::from(home).join(".cache").join("hipaa-aws")
    } else {
        std::env::temp_dir().join("hipaa-aws-cache")
    };
    std::fs::create_dir_all(&dir).map_err(|error| {
        Error::LocalEndpoint(format!(
            "cannot create the cache folder {}: {error}",
            dir.display()
        ))
    })?;
    Ok(dir)
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// Finds a Python 3 interpreter: `$HIPAA_AWS_PYTHON`, else `python3`, else `python`.
fn find_python() -> Result<PathBuf> {
    let candidates: Vec<PathBuf> = match std::env::var_os("HIPAA_AWS_PYTHON") {
        Some(python) => vec![PathBuf::from(python)],
        None => vec![PathBuf::from("python3"), PathBuf::from("python")],
    };
    for candidate in candidates {
        let version = Command::new(&candidate).arg("--version").output();
        if let Ok(output) = version {
            let text = String::from_utf8_lossy(&output.stdout).to_string()
                + &String::from_utf8_lossy(&output.stderr);
            if output.status.success() && text.contains("Python 3") {
                return Ok(candidate);
            }
        }
    }
    Err(Error::LocalEndpoint(
        "Python 3 was not found. The local AWS endpoint (moto) needs it: install Python 3 with venv and pip \
         (Debian/Ubuntu: `apt install python3 python3-venv`; macOS: `brew install python`), \
         or set HIPAA_AWS_PYTHON to an interpreter"
            .to_string(),
    ))
}

fn run(command: &mut Command, what: &str) -> Result<()> {
    let output = command
        .output()
        .map_err(|error| Error::LocalEndpoint(format!("{what}: {error}")))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(Error::LocalEndpoint(format!(
        "{what} failed ({}):\n{}",
        output.status,
        tail.join("\n")
    )))
}

/// Returns the interpreter of a virtual environment holding `moto[server]==MOTO_VERSION`,
/// creating it on first use. Concurrent first uses each build a private copy and the first
/// to finish wins; the others discard theirs.
pub fn ensure_installed() -> Result<PathBuf> {
    let cache = cache_dir()?;
    let venv = cache.join(format!("moto-{MOTO_VERSION}"));
    let python = venv_python(&venv);
    if venv.join(".installed").exists() && python.exists() {
        return Ok(python);
    }
    let base_python = find_python()?;
    let staging = cache.join(format!(
        "moto-{MOTO_VERSION}.staging-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&staging);
    run(
        Command::new(&base_python)
            .arg("-m")
            .arg("venv")
            .arg(&staging),
        "creating a Python virtual environment (on Debian/Ubuntu install python3-venv)",
    )?;
    let staging_python = venv_python(&staging);
    run(
        Command::new(&staging_python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .arg(format!("moto[server]=={MOTO_VERSION}")),
        &format!("installing moto[server]=={MOTO_VERSION} with pip"),
    )?;
    std::fs::write(staging.join(".installed"), MOTO_VERSION).map_err(|error| {
        Error::LocalEndpoint(format!("cannot write into {}: {error}", staging.display()))
    })?;
    match std::fs::rename(&staging, &venv) {
        Ok(()) => {}
        Err(_) if venv.join(".installed").exists() => {
            // Another process finished first; use its copy.
            let _ = std::fs::remove_dir_all(&staging);
        }
        Err(_) => {
            // A broken earlier attempt is in the way: replace it.
            let _ = std::fs::remove_dir_all(&venv);
            std::fs::rename(&staging, &venv).map_err(|error| {
                Error::LocalEndpoint(format!(
                    "cannot move {} into place: {error}",
                    staging.display()
                ))
            })?;
        }
    }
    Ok(python)
}
