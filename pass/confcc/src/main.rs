//! `confcc`: a drop-in C compiler for build systems (`CC=confcc make`).
//!
//! It runs clang-22 with the confpass plugin, the annotations header on the include path and
//! confpass's safe defaults; on link lines it adds the runtime; with `-flto` it makes lld load
//! the plugin. Every other flag is forwarded to clang unchanged. The plugin, the runtime and
//! the header are found relative to confcc's own location, so it works from any directory.
//!
//! ```text
//! confcc -O2 -c app.c                     # compile: checks + instrumentation
//! confcc -O2 app.o util.o -o app          # link: + libconfrt.a
//! confcc -O2 -flto app.c util.c -o app    # LTO: instrumentation inside lld
//! confcc -mllvm -confpass-mode=check-only -c app.c
//! ```

mod args;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use clap::Parser;

/// confpass's C compiler driver. Every argument it does not know goes to clang-22.
#[derive(Parser, Debug)]
#[command(
    name = "confcc",
    disable_version_flag = true,
    after_help = "Environment: CONFCC_CLANG (the clang to drive, default clang-22), \
                  CONFCC_VERBOSE=1 (print the clang command)."
)]
struct Cli {
    /// Print confcc's version and the version of the clang it drives.
    #[arg(long)]
    version: bool,
    /// Print the clang command before running it.
    #[arg(long = "confcc-verbose")]
    verbose: bool,
    /// Arguments for clang (compile and link flags, input files).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
    args: Vec<OsString>,
}

fn clang() -> OsString {
    std::env::var_os("CONFCC_CLANG").unwrap_or_else(|| "clang-22".into())
}

/// Finds the plugin, the runtime and the header next to the confcc executable.
fn locate() -> Result<args::Paths, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find my own location: {e}"))?;
    let exe = exe.canonicalize().unwrap_or(exe);
    let dir = exe.parent().unwrap_or(Path::new("."));
    let need = |name: &str| -> Result<PathBuf, String> {
        let p = dir.join(name);
        if p.is_file() {
            Ok(p)
        } else {
            Err(format!("cannot find {} (run `cargo xtask build`)", p.display()))
        }
    };
    // Installed layout first (include/ beside the binary), then the source tree
    // (target/release/confcc → annotations/include).
    let include = [dir.join("include"), dir.join("../../annotations/include")]
        .into_iter()
        .find(|d| d.join("confpass.h").is_file())
        .ok_or_else(|| format!("cannot find confpass.h near {}", dir.display()))?;
    Ok(args::Paths {
        plugin: need("libconfpass.so")?,
        runtime: need("libconfrt.a")?,
        include: include.canonicalize().unwrap_or(include),
    })
}

/// confcc's own flags may appear anywhere on a compiler command line; clap wants them before
/// the forwarded arguments.
fn own_flags_first(argv: impl Iterator<Item = OsString>) -> Vec<OsString> {
    let (mut own, rest): (Vec<OsString>, Vec<OsString>) =
        argv.partition(|a| a.to_string_lossy().starts_with("--confcc-"));
    let mut rest = rest.into_iter();
    let mut out: Vec<OsString> = rest.next().into_iter().collect(); // argv[0]
    out.append(&mut own);
    out.extend(rest);
    out
}

fn main() -> ExitCode {
    let cli = Cli::parse_from(own_flags_first(std::env::args_os()));
    let verbose = cli.verbose || std::env::var_os("CONFCC_VERBOSE").is_some_and(|v| v == "1");
    if cli.version || cli.args.iter().any(|a| a == "--version") {
        println!("confcc {} (confpass, a confidentiality-enforcing C compiler)", env!("CARGO_PKG_VERSION"));
        println!("driving:");
        return match Command::new(clang()).arg("--version").status() {
            Ok(s) if s.success() => ExitCode::SUCCESS,
            Ok(_) => ExitCode::FAILURE,
            Err(e) => {
                eprintln!("confcc: cannot run {}: {e}", clang().to_string_lossy());
                ExitCode::FAILURE
            }
        };
    }
    let paths = match locate() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("confcc: {e}");
            return ExitCode::FAILURE;
        }
    };
    let plan = args::plan(&cli.args, &paths);
    match plan.located {
        None => exec(&plan.first, verbose),
        Some(located) => run_then_locate(plan.first, &located, verbose),
    }
}

fn show(args: &[OsString]) {
    let shown: Vec<_> = args.iter().map(|a| a.to_string_lossy()).collect();
    eprintln!("confcc: {} {}", clang().to_string_lossy(), shown.join(" "));
}

/// Replaces confcc by clang.
fn exec(args: &[OsString], verbose: bool) -> ExitCode {
    if verbose {
        show(args);
    }
    let err = Command::new(clang()).args(args).exec();
    eprintln!("confcc: cannot run {}: {err}", clang().to_string_lossy());
    ExitCode::FAILURE
}

/// Compiles without location tracking; when confpass reports anything, compiles again with
/// locations so that the report points at the exact source lines.
fn run_then_locate(mut first: Vec<OsString>, located: &[OsString], verbose: bool) -> ExitCode {
    // The first run's stderr is captured: keep clang's colours when the user sees a terminal.
    let colour_set = first.iter().any(|a| a.to_string_lossy().contains("color-diagnostics") || a.to_string_lossy().starts_with("-fdiagnostics-color"));
    if std::io::stderr().is_terminal() && !colour_set {
        first.push("-fcolor-diagnostics".into());
    }
    if verbose {
        show(&first);
    }
    // Only stderr is captured: stdout (`-E`, `-###`, `-o -`) goes where the user sent it.
    let out = match Command::new(clang()).args(&first).stdout(Stdio::inherit()).stderr(Stdio::piped()).output() {
        Ok(out) => out,
        Err(e) => {
            eprintln!("confcc: cannot run {}: {e}", clang().to_string_lossy());
            return ExitCode::FAILURE;
        }
    };
    if out.stderr.windows(b"[confpass:".len()).any(|w| w == b"[confpass:") {
        return exec(located, verbose);
    }
    let _ = std::io::stderr().write_all(&out.stderr);
    match out.status.code() {
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::from(128 + out.status.signal().map_or(0, |s| s as u8)),
    }
}
