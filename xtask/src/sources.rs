//! Third-party sources fetched at run time into a cache outside the repository (they are never
//! committed): `$XDG_CACHE_HOME/confpass`, else `~/.cache/confpass`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::{env, fs};

use crate::{apt, cargo, have, run, step, Result};

/// The cache directory, `$XDG_CACHE_HOME/confpass` or `~/.cache/confpass`.
pub fn cache_dir() -> Result<PathBuf> {
    env::var_os("XDG_CACHE_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .map(|dir| dir.join("confpass"))
        .ok_or_else(|| "no cache directory: neither XDG_CACHE_HOME nor HOME is set".into())
}

/// The crate that bundles the sqlite3 amalgamation (pinned: results stay comparable).
pub const SQLITE_CRATE: (&str, &str) = ("libsqlite3-sys", "0.40.0");

/// The directory holding `sqlite3.c` and `sqlite3.h`.
pub fn sqlite() -> Result<PathBuf> {
    let (name, version) = SQLITE_CRATE;
    Ok(crate_sources(name, version)?.join("sqlite3"))
}

/// The extracted package of crate `name` at exactly `version` from crates.io, for the files
/// it bundles (C sources, say). The first call fetches it through cargo itself (`cargo vendor`
/// in a throw-away project in the cache directory, so cargo's own registry settings apply);
/// later calls find it in the cache.
///
/// No features are enabled: a package holds all its files whatever the features, and without
/// them cargo fetches the crate alone, not its optional build dependencies.
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

/// The upstream sources of Debian source package `package` as Debian 12 ("bookworm") ships them
/// in its main archive: the directory that its `*.orig.tar.*` (the upstream tarball, without
/// Debian's patches) unpacks to. The first call downloads the source package with
/// `apt-get source --download-only PACKAGE/bookworm` into the cache (after
/// [`ensure_deb_src`]); later calls find it there.
///
/// `/bookworm` selects the main-archive version: without it apt prefers a bookworm-security
/// version when there is one, and those files are not always on the mirror. Some files of a
/// source package answer 404 (gnugo's `debian.tar`), and apt then fails although the upstream
/// tarball arrived: what counts is the tarball on disk, not apt's exit status.
pub fn debian_source(package: &str) -> Result<PathBuf> {
    let fail = |e: String| format!("cannot fetch the Debian source package {package}: {e}");
    let base = cache_dir().map_err(fail)?.join("debian").join(package);
    let dest = base.join("src");
    // `dest` appears only through the rename below, so when it exists it is complete.
    if dest.is_dir() {
        return Ok(dest);
    }
    let download = base.join("download");
    if find_orig(&download).is_none() {
        ensure_deb_src().map_err(fail)?;
        fs::create_dir_all(&download)
            .map_err(|e| fail(format!("cannot create {}: {e}", download.display())))?;
        step(&format!("fetching the Debian source package {package} into {}", base.display()));
        // apt runs as root (directly or through sudo) and downloads into a directory its
        // sandbox user `_apt` cannot write: say so instead of letting it warn each time.
        let spec = format!("{package}/bookworm");
        let status = apt(&["-o", "APT::Sandbox::User=root", "source", "--download-only", "-q", &spec])
            .current_dir(&download)
            .stdout(Stdio::null())
            .status()
            .map_err(|e| fail(format!("cannot run apt-get: {e}")))?;
        if find_orig(&download).is_none() {
            return Err(fail(format!("apt-get source left no upstream tarball ({status})")));
        }
    }
    let tarball = find_orig(&download).expect("checked above");
    let unpack = base.join("unpack");
    let _ = fs::remove_dir_all(&unpack); // what an interrupted unpack left behind
    fs::create_dir_all(&unpack).map_err(|e| fail(format!("cannot create {}: {e}", unpack.display())))?;
    run(std::process::Command::new("tar").arg("-xf").arg(&tarball).arg("-C").arg(&unpack))
        .map_err(fail)?;
    // Most tarballs hold one top directory; some (tcc) hold the files themselves.
    let entries: Vec<PathBuf> = fs::read_dir(&unpack)
        .map_err(|e| fail(e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let top = match entries.as_slice() {
        [only] if only.is_dir() => only.clone(),
        _ => unpack.clone(),
    };
    fs::rename(&top, &dest)
        .map_err(|e| fail(format!("cannot move {} to {}: {e}", top.display(), dest.display())))?;
    let _ = fs::remove_dir_all(&unpack);
    Ok(dest)
}

/// The main upstream tarball in `dir` (`NAME_VERSION.orig.tar.EXT`, not an
/// `.orig-COMPONENT.tar.EXT` nor its `.asc` signature).
fn find_orig(dir: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.contains(".orig.tar.") && !n.ends_with(".asc") && fs::metadata(p).is_ok_and(|m| m.len() > 0)
            })
        })
        .collect();
    found.sort();
    found.pop()
}

/// Where [`ensure_deb_src`] writes the source-package entries when the machine has none.
const DEB_SRC_FILE: &str = "/etc/apt/sources.list.d/confpass-deb-src.sources";

/// Makes `apt-get source` work: installs `dpkg-dev` (for `dpkg-source`) when missing and, when no
/// apt source has a `deb-src` entry, adds one for bookworm, bookworm-updates and
/// bookworm-security (a copy of `/etc/apt/sources.list.d/debian.sources` with
/// `Types: deb-src`, or the standard mirrors) and runs `apt-get update`.
pub fn ensure_deb_src() -> Result {
    if !have("dpkg-source") {
        step("installing dpkg-dev (apt-get source needs dpkg-source)");
        run(&mut apt(&["install", "-y", "-q", "--no-install-recommends", "dpkg-dev"]))?;
    }
    if has_deb_src() {
        return Ok(());
    }
    let template = fs::read_to_string("/etc/apt/sources.list.d/debian.sources").ok();
    let entries = match template {
        Some(text) if text.contains("Types:") => text
            .lines()
            .map(|line| if line.trim_start().starts_with("Types:") { "Types: deb-src" } else { line })
            .collect::<Vec<_>>()
            .join("\n"),
        _ => "Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\n\
              Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n\
              Types: deb-src\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\n\
              Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg"
            .to_string(),
    };
    step(&format!("adding deb-src entries ({DEB_SRC_FILE}) and updating apt"));
    let contents = format!("# Added by `cargo xtask bench`: source packages for spec-bench.\n{entries}\n");
    // Written through `tee` so that it works through sudo as well as for root.
    let mut tee = std::process::Command::new("sh");
    tee.arg("-c").arg(format!(
        "printf '%s' \"$1\" | {}tee {DEB_SRC_FILE} >/dev/null",
        if crate::is_root() { "" } else { "sudo " }
    ));
    tee.arg("sh").arg(&contents);
    run(&mut tee)?;
    run(&mut apt(&["update", "-q"]))
}

/// Whether some apt source already offers source packages.
fn has_deb_src() -> bool {
    let mut files = vec![PathBuf::from("/etc/apt/sources.list")];
    if let Ok(dir) = fs::read_dir("/etc/apt/sources.list.d") {
        files.extend(dir.filter_map(|e| e.ok().map(|e| e.path())));
    }
    files.iter().filter_map(|f| fs::read_to_string(f).ok()).any(|text| {
        text.lines().map(str::trim).any(|line| {
            line.starts_with("deb-src ") || (line.starts_with("Types:") && line.contains("deb-src"))
        })
    })
}
