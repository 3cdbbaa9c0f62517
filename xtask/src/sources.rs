//! Third-party sources fetched at run time into a cache outside the repository (they are never
//! committed): `$XDG_CACHE_HOME/confpass`, else `~/.cache/confpass`.

use std::path::PathBuf;
use std::process::Stdio;
use std::{env, fs};

use crate::{cargo, run, step, Result};

/// The cache directory, `$XDG_CACHE_HOME/confpass` or `~/.cache/confpass`.
fn cache_dir() -> Result<PathBuf> {
    env::var_os("XDG_CACHE_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .map(|dir| dir.join("confpass"))
        .ok_or_else(|| "no cache directory: neither XDG_CACHE_HOME nor HOME is set".into())
}

/// The extracted package of crate `name` at exactly `version` from crates.io, for the files
/// it bundles (C sources, say). The first call fetches it through cargo itself (`cargo vendor`
/// in a throw-away project in the cache directory, so cargo's own registry settings apply);
/// later calls find it in the cache.
///
/// No features are enabled: a package holds all its files whatever the features, and without
/// them cargo fetches the crate alone, not its optional build dependencies.
/// The crate that bundles the sqlite3 amalgamation (pinned: results stay comparable).
pub const SQLITE_CRATE: (&str, &str) = ("libsqlite3-sys", "0.40.0");

/// The directory holding `sqlite3.c` and `sqlite3.h`.
pub fn sqlite() -> Result<PathBuf> {
    let (name, version) = SQLITE_CRATE;
    Ok(crate_sources(name, version)?.join("sqlite3"))
}

pub fn crate_sources(name: &str, version: &str) -> Result<PathBuf> {
    let fail = |e: String| format!("cannot fetch {name} {version}: {e}");
    let cache = cache_dir().map_err(fail)?;
    let dest = cache.join("crates").join(format!("{name}-{version}"));
    // `dest` appears only through the rename below, so when it exists it is complete.
    if dest.is_dir() {
        return Ok(dest);
    }
    let project = cache.join(format!("fetch-{name}-{version}"));
    let _ = fs::remove_dir_all(&project); // what an interrupted fetch left behind
    let manifest = format!(
        "# Throw-away project of `cargo xtask`: it only fetches {name}'s package.\n\
         [package]\nname = \"confpass-fetch\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n[dependencies]\n\
         {name} = {{ version = \"={version}\", default-features = false }}\n\n[workspace]\n"
    );
    fs::create_dir_all(project.join("src"))
        .and_then(|()| fs::write(project.join("src/lib.rs"), ""))
        .and_then(|()| fs::write(project.join("Cargo.toml"), manifest))
        .and_then(|()| fs::create_dir_all(cache.join("crates")))
        .map_err(|e| fail(format!("cannot write to {}: {e}", cache.display())))?;

    step(&format!("fetching {name} {version} from crates.io into {}", cache.display()));
    // Quiet, and stdout dropped: cargo vendor explains how to use a vendor directory, not
    // what is wanted here.
    run(cargo()
        .current_dir(&project)
        .args(["vendor", "--quiet", "--versioned-dirs", "vendor"])
        .stdout(Stdio::null()))
    .map_err(fail)?;
    let vendored = project.join("vendor").join(format!("{name}-{version}"));
    fs::rename(&vendored, &dest).map_err(|e| {
        fail(format!("cannot move {} to {}: {e}", vendored.display(), dest.display()))
    })?;
    let _ = fs::remove_dir_all(&project);
    Ok(dest)
}
