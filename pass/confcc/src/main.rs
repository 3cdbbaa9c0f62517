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
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

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
    let full = args::clang_args(&cli.args, &paths);
    if verbose {
        let shown: Vec<_> = full.iter().map(|a| a.to_string_lossy()).collect();
        eprintln!("confcc: {} {}", clang().to_string_lossy(), shown.join(" "));
    }
    let err = Command::new(clang()).args(&full).exec();
    eprintln!("confcc: cannot run {}: {err}", clang().to_string_lossy());
    ExitCode::FAILURE
}
