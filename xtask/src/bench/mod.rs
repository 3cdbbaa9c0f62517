//! `cargo xtask bench`: spec-bench, the run-time overhead of confpass on real open C programs
//! that stand in for SPEC CPU (see `spec-bench/README.md`).
//!
//! - `programs.rs`: the programs (sources, recipe script, inputs, workload) as data;
//! - `inputs.rs`: deterministic input generators;
//! - `build.rs`: builds per variant (baseline clang-22 -O2, confcc -O2 per mode, LTO), cached;
//! - `run.rs`: measured runs, pinned to one core;
//! - `report.rs`, `svg.rs`: `spec-bench/results/latest.{json,md,svg}`.
//!
//! Per program: fetch, build every variant, one warm-up run of each build whose output must
//! equal the baseline's, then rounds of baseline/protected pairs (A B A C …; the order of the
//! modes rotates from round to round) and ratios pair by pair.

mod build;
mod inputs;
mod programs;
mod report;
mod run;
mod svg;

use std::env;
use std::fs;
use std::path::PathBuf;
use std::time::Instant;

use build::{Built, Toolchain, Variant, MODES};
use programs::{Program, PROGRAMS};
use run::{Runner, Sample};

use crate::{setup, step, Result};

const USAGE: &str = "usage: cargo xtask bench [--quick] [--runs N] [--programs a,b,c] [--modes m,n] [--lto]";

/// Pairs per mode after the warm-up: full run, and `--quick`.
const DEFAULT_PAIRS: usize = 5;
const QUICK_PAIRS: usize = 3;

/// Developer option: `CONFPASS_BENCH_NO_BUILD=1` skips `cargo xtask build` and uses the
/// confcc, plugin and runtime already in `target/release/` (for working on the harness while
/// the plugin is being changed elsewhere; the cache key still follows those files).
const NO_BUILD_VAR: &str = "CONFPASS_BENCH_NO_BUILD";

pub struct Options {
    pub quick: bool,
    pub pairs: usize,
    pub lto: bool,
    pub programs: Vec<&'static Program>,
    /// The confpass modes measured (default: all of `MODES`).
    pub modes: Vec<&'static str>,
}

fn parse(args: &[String]) -> Result<Options> {
    let (mut quick, mut pairs, mut lto, mut names) = (false, None, false, None::<String>);
    let mut modes: Vec<&'static str> = MODES.to_vec();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--lto" => lto = true,
            "--runs" => {
                let n = it.next().ok_or(USAGE)?;
                pairs = Some(n.parse().ok().filter(|&n: &usize| n >= 1).ok_or_else(|| format!("--runs wants a whole number of at least 1, not {n:?}"))?);
            }
            "--programs" => names = Some(it.next().ok_or(USAGE)?.clone()),
            "--modes" => {
                modes = it
                    .next()
                    .ok_or(USAGE)?
                    .split(',')
                    .map(|m| MODES.iter().copied().find(|&k| k == m.trim()).ok_or_else(|| format!("no mode {m:?}; known: {}", MODES.join(", "))))
                    .collect::<Result<_>>()?;
            }
            _ => return Err(format!("{USAGE}\nunknown argument {arg:?}")),
        }
    }
    let programs = match names {
        Some(list) => list
            .split(',')
            .map(|name| {
                PROGRAMS.iter().find(|p| p.name == name.trim()).ok_or_else(|| {
                    format!("no program {name:?}; known: {}", PROGRAMS.iter().map(|p| p.name).collect::<Vec<_>>().join(", "))
                })
            })
            .collect::<Result<Vec<_>>>()?,
        None => PROGRAMS.iter().filter(|p| !quick || p.quick).collect(),
    };
    let pairs = pairs.unwrap_or(if quick { QUICK_PAIRS } else { DEFAULT_PAIRS });
    Ok(Options { quick, pairs, lto, programs, modes })
}

/// One protected variant of one program.
pub struct ModeResult {
    pub variant: Variant,
    /// Index into `ProgramResult::baselines` of the build it is compared with.
    pub baseline: usize,
    pub built: Option<Built>,
    /// Why it was not measured or was dropped: failed build, failed run, different output.
    pub failure: Option<String>,
    /// Whether every run printed exactly the baseline's output (false when it never ran).
    pub output_ok: bool,
    /// (baseline, protected) pair by pair.
    pub pairs: Vec<(Sample, Sample)>,
}

/// One baseline build (plain, or LTO) with its warm-up run.
pub struct Baseline {
    pub variant: Variant,
    pub built: Option<Built>,
    pub warmup: Option<Sample>,
    pub output: Vec<u8>,
}

pub struct ProgramResult {
    pub program: &'static Program,
    /// Why the program could not be measured at all (fetch, inputs, baseline build or run).
    pub failure: Option<String>,
    pub baselines: Vec<Baseline>,
    pub modes: Vec<ModeResult>,
    pub seconds: f64,
}

pub fn bench(args: &[String]) -> Result {
    let options = parse(args)?;
    if env::var_os(NO_BUILD_VAR).is_some_and(|v| !v.is_empty() && v != "0") {
        setup()?;
        eprintln!("xtask bench: {NO_BUILD_VAR} set: using target/release/ as it is");
    } else {
        crate::build()?;
    }
    sources_tools()?;
    let tools = Toolchain::identify()?;
    let scratch = scratch_dir()?;
    let runner = Runner::new(scratch.clone());
    let started = Instant::now();
    let date = crate::analysis_cost::utc_now()?;
    let mut results = Vec::new();
    for program in &options.programs {
        step(&format!("{}: {} ({})", program.name, program.workload, program.stands_in));
        let result = bench_program(program, &options, &tools, &runner);
        report::print_program(&result);
        results.push(result);
    }
    let _ = fs::remove_dir_all(&scratch);
    let report = report::Report {
        date,
        options: &options,
        tools: &tools,
        pinned: runner.pin.as_ref().map(|p| p.join(" ")),
        minutes: started.elapsed().as_secs_f64() / 60.0,
        programs: results,
    };
    report.write()?;
    report.print_summary();
    Ok(())
}

/// The tools the recipes and the measurements use, installed when missing.
fn sources_tools() -> Result {
    let missing: Vec<&str> = [("make", "make"), ("time", "/usr/bin/time"), ("util-linux", "taskset"), ("xz-utils", "xz")]
        .into_iter()
        .filter(|(_, program)| !crate::have(program))
        .map(|(package, _)| package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend(&missing);
    crate::run(&mut crate::apt(&args))
}

/// Scratch space for inputs and runs: tmpfs (`/dev/shm`) when there is one.
fn scratch_dir() -> Result<PathBuf> {
    let base = if fs::metadata("/dev/shm").is_ok_and(|m| m.is_dir()) { PathBuf::from("/dev/shm") } else { env::temp_dir() };
    let dir = base.join(format!("confpass-bench-{}", std::process::id()));
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

fn bench_program(program: &'static Program, options: &Options, tools: &Toolchain, runner: &Runner) -> ProgramResult {
    let started = Instant::now();
    let mut result = ProgramResult { program, failure: None, baselines: Vec::new(), modes: Vec::new(), seconds: 0.0 };
    let lto_choices: &[bool] = if options.lto { &[false, true] } else { &[false] };
    for &lto in lto_choices {
        result.baselines.push(Baseline { variant: Variant::baseline(lto), built: None, warmup: None, output: Vec::new() });
        for &mode in &options.modes {
            result.modes.push(ModeResult {
                variant: Variant::protected(mode, lto),
                baseline: result.baselines.len() - 1,
                built: None,
                failure: None,
                output_ok: false,
                pairs: Vec::new(),
            });
        }
    }
    if let Err(e) = measure_program(&mut result, options, tools, runner) {
        result.failure = Some(e);
        for mode in &mut result.modes {
            if mode.failure.is_none() && mode.pairs.is_empty() {
                mode.failure = Some("not measured (see the program's failure)".into());
            }
        }
    }
    result.seconds = started.elapsed().as_secs_f64();
    result
}

fn measure_program(result: &mut ProgramResult, options: &Options, tools: &Toolchain, runner: &Runner) -> Result {
    let program = result.program;
    let srcs = build::fetch(program)?;
    let inputs = runner.scratch.join("inputs").join(program.name);
    let _ = fs::remove_dir_all(&inputs);
    fs::create_dir_all(&inputs).map_err(|e| format!("cannot create {}: {e}", inputs.display()))?;
    (program.inputs)(&inputs).map_err(|e| format!("cannot generate the inputs: {e}"))?;

    // Builds: every baseline, then every protected variant.
    for baseline in &mut result.baselines {
        let built = build::build(program, &baseline.variant, tools, &srcs)?;
        eprintln!("    built {:<13} {}", baseline.variant.name, build_line(&built));
        let failed = built.status.clone().err();
        baseline.built = Some(built);
        if let Some(reason) = failed {
            return Err(format!("{} build failed: {reason}", baseline.variant.name));
        }
    }
    for mode in &mut result.modes {
        let built = build::build(program, &mode.variant, tools, &srcs)?;
        eprintln!("    built {:<13} {}", mode.variant.name, build_line(&built));
        if let Err(reason) = &built.status {
            mode.failure = Some(format!("build failed: {reason}"));
        }
        mode.built = Some(built);
    }

    // Warm-up: one run of each build; the baselines' output is the reference.
    for baseline in &mut result.baselines {
        let bin = &baseline.built.as_ref().expect("built above").bin;
        let (sample, output) = runner.run(program.run, bin, &inputs).map_err(|e| format!("{} {e}", baseline.variant.name))?;
        eprintln!("    warm-up {:<11} {:7.2} s cpu {:7.2} s wall", baseline.variant.name, sample.cpu, sample.wall);
        baseline.warmup = Some(sample);
        baseline.output = output;
    }
    for mode in &mut result.modes {
        let Some(built) = mode.built.as_ref().filter(|_| mode.failure.is_none()) else { continue };
        match runner.run(program.run, &built.bin, &inputs) {
            Ok((sample, output)) => {
                eprintln!("    warm-up {:<11} {:7.2} s cpu {:7.2} s wall", mode.variant.name, sample.cpu, sample.wall);
                if output == result.baselines[mode.baseline].output {
                    mode.output_ok = true;
                } else {
                    mode.failure = Some(output_difference(&result.baselines[mode.baseline].output, &output));
                }
            }
            Err(e) => mode.failure = Some(e),
        }
    }

    // Measured rounds: baseline, protected, baseline, next protected, … rotating the order.
    let measured: Vec<usize> = (0..result.modes.len()).filter(|&i| result.modes[i].failure.is_none()).collect();
    for round in 0..options.pairs {
        let mut line = format!("    pair {:>2}/{}:", round + 1, options.pairs);
        for k in 0..measured.len() {
            let i = measured[(k + round) % measured.len()];
            if result.modes[i].failure.is_some() {
                continue;
            }
            let b = result.modes[i].baseline;
            let base_bin = result.baselines[b].built.as_ref().expect("built").bin.clone();
            let (a, a_out) = runner.run(program.run, &base_bin, &inputs).map_err(|e| format!("{} {e}", result.baselines[b].variant.name))?;
            if a_out != result.baselines[b].output {
                return Err(format!("{} is not deterministic: {}", result.baselines[b].variant.name, output_difference(&result.baselines[b].output, &a_out)));
            }
            let mode = &mut result.modes[i];
            let bin = mode.built.as_ref().expect("built").bin.clone();
            match runner.run(program.run, &bin, &inputs) {
                Ok((p, out)) if out == result.baselines[b].output => {
                    line += &format!(" {} {:+.1}%", mode.variant.name, (p.cpu / a.cpu - 1.0) * 100.0);
                    mode.pairs.push((a, p));
                }
                Ok((_, out)) => {
                    mode.output_ok = false;
                    mode.failure = Some(output_difference(&result.baselines[b].output, &out));
                }
                Err(e) => mode.failure = Some(e),
            }
        }
        eprintln!("{line}");
    }
    Ok(())
}

fn build_line(built: &Built) -> String {
    match &built.status {
        Ok(()) => format!(
            "compile {:6.1} s cpu {:6.1} s wall {:7.1} MiB, .text {} bytes{}",
            built.compile_cpu,
            built.compile_wall,
            built.compile_max_rss_kib as f64 / 1024.0,
            built.text_bytes,
            if built.findings.is_empty() { String::new() } else { format!(", {} confpass finding(s)", built.findings.len()) }
        ),
        Err(reason) => format!("FAILED: {reason}"),
    }
}

/// Says where two outputs first differ.
fn output_difference(expected: &[u8], got: &[u8]) -> String {
    let expected = String::from_utf8_lossy(expected);
    let got = String::from_utf8_lossy(got);
    let mut lines = expected.lines().zip(got.lines()).enumerate();
    match lines.find(|(_, (e, g))| e != g) {
        Some((n, (e, g))) => format!("output differs from the baseline's at line {}: expected {:?}, got {:?}", n + 1, e, g),
        None => format!(
            "output differs from the baseline's: {} lines expected, {} printed",
            expected.lines().count(),
            got.lines().count()
        ),
    }
}
