//! `cargo xtask analysis-cost`: what confpass's static analysis costs at compile time, measured
//! on a large real C file, the sqlite3 amalgamation, against plain clang-22.
//!
//! The two compilers alternate (clang, confcc, clang, confcc, …) after one warm-up each, so
//! that drifting machine load touches both alike. Each compile runs under `/usr/bin/time`,
//! whose wait4 rusage gives the wall time and the peak RSS of the compiler process; with
//! `-fintegrated-cc1` clang's driver runs cc1 in its own process (confcc execs clang), so that
//! process is the whole compiler.

use std::fmt::Display;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{release_dir, root, setup, sources, step, Result};

/// The crate whose package bundles the amalgamation (`sqlite3/sqlite3.c`, `sqlite3/sqlite3.h`).
/// Measured pairs when `--runs` is not given.
const DEFAULT_RUNS: usize = 5;
/// GNU time (Debian package `time`, installed by `setup`).
pub(crate) const TIME: &str = "/usr/bin/time";
/// What every confpass diagnostic carries.
const FINDING_MARK: &str = "[confpass:";

/// One of the two compilers compared.
struct Compiler {
    name: &'static str,
    program: PathBuf,
    flags: &'static [&'static str],
}

/// One measured compile.
struct Sample {
    seconds: f64,
    max_rss_kib: u64,
}

/// Median, minimum and maximum of a series.
pub(crate) struct Stats {
    pub(crate) median: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
}

impl Stats {
    /// The statistics of `values`, which must not be empty.
    pub(crate) fn of(values: &[f64]) -> Stats {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let mid = sorted.len() / 2;
        let median =
            if sorted.len() % 2 == 1 { sorted[mid] } else { (sorted[mid - 1] + sorted[mid]) / 2.0 };
        Stats { median, min: sorted[0], max: sorted[sorted.len() - 1] }
    }
}

/// One line of the summary table.
struct Row {
    label: &'static str,
    stats: Stats,
    decimals: usize,
}

/// The command: fetch the amalgamation, compile it alternately, report, write the results.
pub fn analysis_cost(args: &[String]) -> Result {
    let runs = parse_runs(args)?;
    setup()?;
    let confcc = release_dir().join("confcc");
    crate::build()?;
    let sqlite = sources::sqlite()?;
    let source = sqlite.join("sqlite3.c");
    let version = sqlite_version(&sqlite.join("sqlite3.h"))?;

    let work = std::env::temp_dir().join(format!("confpass-analysis-cost-{}", std::process::id()));
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let object = work.join("sqlite3.o");
    let compilers = [
        Compiler { name: "clang-22", program: "clang-22".into(), flags: &["-O2"] },
        Compiler {
            name: "confcc",
            program: confcc,
            flags: &["-O2", "-mllvm", "-confpass-mode=check-only"],
        },
    ];
    let commands = compilers.each_ref().map(|c| command_line(c, &source, &object));

    step(&format!(
        "compiling sqlite {version} (sqlite3.c): one warm-up each, then {runs} pairs, alternating"
    ));
    let measured = measure_pairs(&compilers, &commands, runs, &work);
    let _ = fs::remove_dir_all(&work);
    let (samples, findings) = measured?;

    let report = Report {
        date: utc_now()?,
        sqlite: format!("{version} (sqlite3.c from the crate {} {})", sources::SQLITE_CRATE.0, sources::SQLITE_CRATE.1),
        commands: commands.map(|c| portable(&c, &work)),
        samples,
        findings: findings.len(),
    };
    println!(
        "\nanalysis cost on sqlite {version} (sqlite3.c), {runs} pairs after one warm-up each"
    );
    println!("{:<27} {:>9} {:>9} {:>9}", "", "median", "min", "max");
    for Row { label, stats, decimals: d } in report.rows() {
        println!("{label:<27} {:>9.d$} {:>9.d$} {:>9.d$}", stats.median, stats.min, stats.max);
    }
    println!("confpass findings on sqlite3.c: {}", findings.len());

    let results = root().join("spec-bench/results");
    write_file(&results.join("analysis-cost.json"), &report.json())?;
    write_file(&results.join("analysis-cost.md"), &report.markdown())?;
    eprintln!("\nwrote {}/analysis-cost.{{json,md}}", crate::shown(&results));

    if findings.is_empty() {
        Ok(())
    } else {
        for line in findings.iter().take(20) {
            eprintln!("    {line}");
        }
        Err(format!(
            "confpass reported {} finding(s) on sqlite3.c; unannotated C must produce none",
            findings.len()
        ))
    }
}

/// Compiles with each compiler in turn, `runs + 1` times (the first round is the warm-up,
/// not kept); returns the samples of each compiler and every confpass diagnostic line seen.
fn measure_pairs(
    compilers: &[Compiler; 2],
    commands: &[Vec<String>; 2],
    runs: usize,
    work: &Path,
) -> Result<([Vec<Sample>; 2], Vec<String>)> {
    let mut samples: [Vec<Sample>; 2] = Default::default();
    let mut findings = Vec::new();
    for round in 0..=runs {
        let round_name = if round == 0 { "warm-up".to_string() } else { format!("run {round}") };
        for ((compiler, command), series) in compilers.iter().zip(commands).zip(&mut samples) {
            let (sample, found) = measure(command, &work.join("time.txt"))?;
            eprintln!(
                "    {round_name:<8} {:<9} {:7.2} s {:8.1} MiB",
                compiler.name,
                sample.seconds,
                mebibytes(&sample)
            );
            findings.extend(found);
            if round > 0 {
                series.push(sample);
            }
        }
    }
    Ok((samples, findings))
}

/// `--runs N` (N ≥ 1), or the default.
fn parse_runs(args: &[String]) -> Result<usize> {
    match args {
        [] => Ok(DEFAULT_RUNS),
        [flag, n] if flag == "--runs" => match n.parse() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(format!("--runs wants a whole number of at least 1, not {n:?}")),
        },
        _ => Err(format!("usage: cargo xtask analysis-cost [--runs N] (got {args:?})")),
    }
}

/// `SQLITE_VERSION` as defined in `sqlite3.h`.
fn sqlite_version(header: &Path) -> Result<String> {
    let text =
        fs::read_to_string(header).map_err(|e| format!("cannot read {}: {e}", header.display()))?;
    text.lines()
        .find_map(|line| line.strip_prefix("#define SQLITE_VERSION "))
        .map(|value| value.trim().trim_matches('"').to_string())
        .ok_or_else(|| format!("no SQLITE_VERSION in {}", header.display()))
}

/// The compile command of `compiler`: `-fintegrated-cc1` keeps cc1 in the measured process.
fn command_line(compiler: &Compiler, source: &Path, object: &Path) -> Vec<String> {
    let mut line = vec![compiler.program.display().to_string()];
    line.extend(compiler.flags.iter().map(|f| f.to_string()));
    line.extend(["-fintegrated-cc1", "-c"].map(String::from));
    line.push(source.display().to_string());
    line.push("-o".into());
    line.push(object.display().to_string());
    line
}

/// The command as anyone can rerun it: the repository as `.`, the cache as
/// `~/.cache/confpass`, the scratch directory as `$TMP` (no path of this machine in a report).
fn portable(command: &[String], work: &Path) -> Vec<String> {
    let root = crate::root().display().to_string();
    let cache = sources::cache_dir().map(|c| c.display().to_string()).unwrap_or_default();
    let work = work.display().to_string();
    command
        .iter()
        .map(|arg| {
            let mut a = arg.replace(&work, "$TMP");
            if !cache.is_empty() {
                a = a.replace(&cache, "~/.cache/confpass");
            }
            match a.strip_prefix(&format!("{root}/")) {
                Some(rest) => rest.to_string(),
                None => a,
            }
        })
        .collect()
}

/// Runs `command` under `/usr/bin/time` (its figures go to `time_file`), failing if the compile
/// fails; returns the measurement and the stderr lines that carry a confpass diagnostic.
fn measure(command: &[String], time_file: &Path) -> Result<(Sample, Vec<String>)> {
    let output = Command::new(TIME)
        .args(["-f", "%e %M", "-o"])
        .arg(time_file)
        .args(command)
        .output()
        .map_err(|e| format!("cannot run {TIME}: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("compile failed ({}): {}\n{stderr}", output.status, command.join(" ")));
    }
    // GNU time may put a line of its own before the figures; they are on the last line.
    let figures = fs::read_to_string(time_file)
        .map_err(|e| format!("cannot read {}: {e}", time_file.display()))?;
    let parsed = figures.lines().last().and_then(|line| {
        let (seconds, kib) = line.split_once(' ')?;
        Some(Sample { seconds: seconds.parse().ok()?, max_rss_kib: kib.trim().parse().ok()? })
    });
    let sample = parsed.ok_or_else(|| format!("unexpected output of {TIME}: {figures:?}"))?;
    let found = stderr.lines().filter(|l| l.contains(FINDING_MARK)).map(String::from).collect();
    Ok((sample, found))
}

/// The current UTC time, ISO 8601 (std has no calendar, `date` has).
pub(crate) fn utc_now() -> Result<String> {
    let output = Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .map_err(|e| format!("cannot run date: {e}"))?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Writes `path`, creating its directory.
pub(crate) fn write_file(path: &Path, contents: &str) -> Result {
    path.parent()
        .map_or(Ok(()), fs::create_dir_all)
        .and_then(|()| fs::write(path, contents))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The wall time of a compile, in seconds.
fn seconds(sample: &Sample) -> f64 {
    sample.seconds
}

/// The peak RSS of a compile, in MiB.
fn mebibytes(sample: &Sample) -> f64 {
    sample.max_rss_kib as f64 / 1024.0
}

/// Everything measured, and where it comes from.
struct Report {
    date: String,
    sqlite: String,
    /// clang-22's, then confcc's.
    commands: [Vec<String>; 2],
    /// clang-22's, then confcc's; pair `i` is `samples[0][i]` and `samples[1][i]`.
    samples: [Vec<Sample>; 2],
    findings: usize,
}

impl Report {
    /// One figure of every measured compile of compiler `which` (0 clang-22, 1 confcc).
    fn series(&self, which: usize, figure: fn(&Sample) -> f64) -> Vec<f64> {
        self.samples[which].iter().map(figure).collect()
    }

    /// One figure, confcc over clang-22, pair by pair.
    fn ratios(&self, figure: fn(&Sample) -> f64) -> Vec<f64> {
        self.series(0, figure).iter().zip(self.series(1, figure)).map(|(b, c)| c / b).collect()
    }

    /// The summary table.
    fn rows(&self) -> [Row; 6] {
        let stats = |which, figure| Stats::of(&self.series(which, figure));
        [
            Row { label: "clang-22 time (s)", stats: stats(0, seconds), decimals: 2 },
            Row { label: "confcc time (s)", stats: stats(1, seconds), decimals: 2 },
            Row {
                label: "time ratio confcc/clang",
                stats: Stats::of(&self.ratios(seconds)),
                decimals: 3,
            },
            Row { label: "clang-22 peak RSS (MiB)", stats: stats(0, mebibytes), decimals: 1 },
            Row { label: "confcc peak RSS (MiB)", stats: stats(1, mebibytes), decimals: 1 },
            Row {
                label: "memory ratio confcc/clang",
                stats: Stats::of(&self.ratios(mebibytes)),
                decimals: 3,
            },
        ]
    }

    /// `analysis-cost.json`: raw numbers, medians and ratios, provenance.
    fn json(&self) -> String {
        let compiler = |which: usize| {
            let kib: Vec<u64> = self.samples[which].iter().map(|s| s.max_rss_kib).collect();
            format!(
                "{{\"command\": {}, \"seconds\": {}, \"max_rss_kib\": {}, \
                 \"median_seconds\": {:.2}, \"median_max_rss_mib\": {:.1}}}",
                json_string(&self.commands[which].join(" ")),
                json_list(&self.series(which, seconds)),
                json_list(&kib),
                Stats::of(&self.series(which, seconds)).median,
                Stats::of(&self.series(which, mebibytes)).median
            )
        };
        let ratio = |figure| {
            let values = self.ratios(figure);
            let Stats { median, min, max } = Stats::of(&values);
            let rounded: Vec<String> = values.iter().map(|v| format!("{v:.4}")).collect();
            format!(
                "{{\"per_pair\": {}, \"median\": {median:.4}, \"min\": {min:.4}, \"max\": {max:.4}}}",
                json_list(&rounded)
            )
        };
        format!(
            "{{\n  \"date\": {},\n  \"sqlite\": {},\n  \"pairs\": {},\n  \"warmups_each\": 1,\n  \
             \"clang\": {},\n  \"confcc\": {},\n  \"time_ratio\": {},\n  \"memory_ratio\": {},\n  \
             \"confpass_findings\": {}\n}}\n",
            json_string(&self.date),
            json_string(&self.sqlite),
            self.samples[0].len(),
            compiler(0),
            compiler(1),
            ratio(seconds),
            ratio(mebibytes),
            self.findings
        )
    }

    /// `analysis-cost.md`: the same for people.
    fn markdown(&self) -> String {
        let mut md = format!(
            "# Analysis cost: `confcc -confpass-mode=check-only` against clang-22\n\n\
             Measured {} by `cargo xtask analysis-cost` on sqlite {}: {} pairs, alternating, \
             after one warm-up each. confpass findings: {}.\n\n```sh\n{}\n{}\n```\n\n\
             | | median | min | max |\n|---|---:|---:|---:|\n",
            self.date,
            self.sqlite,
            self.samples[0].len(),
            self.findings,
            self.commands[0].join(" "),
            self.commands[1].join(" ")
        );
        for Row { label, stats, decimals: d } in self.rows() {
            md += &format!(
                "| {label} | {:.d$} | {:.d$} | {:.d$} |\n",
                stats.median, stats.min, stats.max
            );
        }
        md += "\n| pair | clang-22 s | confcc s | clang-22 KiB | confcc KiB |\n|---:|---:|---:|---:|---:|\n";
        for (i, (b, c)) in self.samples[0].iter().zip(&self.samples[1]).enumerate() {
            md += &format!(
                "| {} | {:.2} | {:.2} | {} | {} |\n",
                i + 1,
                b.seconds,
                c.seconds,
                b.max_rss_kib,
                c.max_rss_kib
            );
        }
        md
    }
}

/// A JSON array of already valid JSON values.
pub(crate) fn json_list<T: Display>(values: &[T]) -> String {
    format!("[{}]", values.iter().map(T::to_string).collect::<Vec<_>>().join(", "))
}

/// A JSON string literal.
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out += &format!("\\u{:04x}", c as u32),
            c => out.push(c),
        }
    }
    out + "\""
}
