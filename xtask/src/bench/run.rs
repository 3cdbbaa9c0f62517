//! Running the builds of a program: one checked warm-up run each, then rounds in which the
//! baseline and each protected build alternate (A B A C A D …), pinned to one core.
//!
//! The measure is the CPU time (user + sys) of the run, all its processes, from GNU time's
//! wait4 rusage; the wall time and the peak RSS are kept beside it. See spec-bench/README.md
//! for why CPU time.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::analysis_cost::TIME;
use crate::Result;

/// Seconds after which a run counts as hung (the workloads take 2–20 s).
const TIMEOUT_SECONDS: u32 = 300;

/// One measured run.
#[derive(Clone, Copy)]
pub struct Sample {
    /// user + sys
    pub cpu: f64,
    pub wall: f64,
    pub max_rss_kib: u64,
}

/// Where and how runs happen.
pub struct Runner {
    /// Scratch space (tmpfs when there is one, so that file output costs no disk I/O).
    pub scratch: PathBuf,
    /// `taskset -c 1` when it works here.
    pub pin: Option<Vec<String>>,
}

impl Runner {
    pub fn new(scratch: PathBuf) -> Runner {
        let pin = ["taskset", "-c", "1"].map(String::from).to_vec();
        let works = Command::new(&pin[0]).args(&pin[1..]).arg("true").status().is_ok_and(|s| s.success());
        Runner { scratch, pin: works.then_some(pin) }
    }

    /// Runs `snippet` with `$BIN = bin`, `$IN = inputs` in a fresh directory; returns the
    /// measurement and the stdout, or why the run failed.
    pub fn run(&self, snippet: &str, bin: &Path, inputs: &Path) -> Result<(Sample, Vec<u8>)> {
        let dir = self.scratch.join("run");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let time_file = self.scratch.join("time.txt");
        let mut cmd = match &self.pin {
            Some(pin) => {
                let mut c = Command::new(&pin[0]);
                c.args(&pin[1..]).arg(TIME);
                c
            }
            None => Command::new(TIME),
        };
        cmd.args(["-f", "%e %U %S %M", "-o"]).arg(&time_file);
        cmd.args(["timeout", &TIMEOUT_SECONDS.to_string(), "sh", "-c"]);
        // `set -e` and pipefail-like care is the snippet's; a failing last command fails the run.
        cmd.arg(format!("set -e; {snippet}"));
        cmd.current_dir(&dir).env("BIN", bin).env("IN", inputs).stdin(Stdio::null());
        let output = cmd.output().map_err(|e| format!("cannot run {TIME}: {e}"))?;
        let _ = fs::remove_dir_all(&dir);
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr.lines().rfind(|l| !l.trim().is_empty() && !l.starts_with("Command exited")).unwrap_or("");
            let why = if output.status.code() == Some(124) || stderr.contains("status 124") {
                format!("timed out after {TIMEOUT_SECONDS} s")
            } else {
                format!("exited with {}", output.status)
            };
            return Err(format!("run {why}: {}", last.trim()));
        }
        let figures = fs::read_to_string(&time_file).map_err(|e| e.to_string())?;
        let sample = figures
            .lines()
            .last()
            .and_then(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                let num = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok());
                Some(Sample { wall: num(0)?, cpu: num(1)? + num(2)?, max_rss_kib: f.get(3)?.parse().ok()? })
            })
            .ok_or_else(|| format!("unexpected output of {TIME}: {figures:?}"))?;
        Ok((sample, output.stdout))
    }
}
