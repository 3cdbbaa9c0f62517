//! Shared helpers: where the built artifacts are, and running commands.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `target/release`, found from this test binary (`target/release/deps/confpass-…`).
pub fn release_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe.parent().and_then(Path::parent).expect("target/<profile>/deps/<test>").to_path_buf();
    for artifact in ["libconfpass.so", "libconfrt.a", "confcc"] {
        assert!(
            dir.join(artifact).is_file(),
            "{} is missing: run the tests with `cargo xtask test`, which builds it first",
            dir.join(artifact).display()
        );
    }
    dir
}

pub fn plugin() -> PathBuf {
    release_dir().join("libconfpass.so")
}

pub fn confcc() -> Command {
    Command::new(release_dir().join("confcc"))
}

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the workspace").to_path_buf()
}

pub fn include_dir() -> PathBuf {
    root().join("annotations/include")
}

/// What a finished command did.
#[derive(Debug)]
pub struct Outcome {
    /// The exit code, or `128 + signal` when a signal ended the process.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn assert_code(&self, code: i32, what: &str) -> &Self {
        assert_eq!(self.code, code, "{what}: unexpected exit status\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }
}

pub fn run(cmd: &mut Command) -> Outcome {
    use std::os::unix::process::ExitStatusExt;
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let code = out.status.code().unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0));
    Outcome {
        code,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("confpass-test-").tempdir().expect("temporary directory")
}

/// Writes `source` into `dir/name` and returns its path.
pub fn write(dir: &Path, name: &str, source: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, source).expect("write test source");
    p
}
