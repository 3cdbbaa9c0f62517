//! The results: `spec-bench/results/latest.json` (for tools), `latest.md` (for people) and
//! `latest.svg` (the plot), plus the console summary.

use super::build::Toolchain;
use super::svg;
use super::{Options, ProgramResult};
use crate::analysis_cost::{json_list, json_string, write_file, Stats};
use crate::{root, shown, Result};

pub struct Report<'a> {
    pub date: String,
    pub options: &'a Options,
    pub tools: &'a Toolchain,
    pub pinned: Option<String>,
    pub minutes: f64,
    pub programs: Vec<ProgramResult>,
}

/// The figures of one protected variant of one program, when it was measured.
pub struct Figures {
    pub ratio: Stats,
    pub size_ratio: f64,
    pub compile_ratio: f64,
    pub compile_mem_ratio: f64,
    pub mem_ratio: f64,
    pub per_pair: Vec<f64>,
}

/// The variant names in report order (modes, then LTO modes when measured).
pub fn mode_names(programs: &[ProgramResult]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for p in programs {
        for m in &p.modes {
            if !names.contains(&m.variant.name) {
                names.push(m.variant.name.clone());
            }
        }
    }
    names
}

impl ProgramResult {
    /// The figures of variant `name`, if it was measured.
    pub fn figures(&self, name: &str) -> Option<Figures> {
        let mode = self.modes.iter().find(|m| m.variant.name == name)?;
        if mode.failure.is_some() || mode.pairs.is_empty() {
            return None;
        }
        let base = self.baselines[mode.baseline].built.as_ref()?;
        let built = mode.built.as_ref()?;
        let per_pair: Vec<f64> = mode.pairs.iter().map(|(a, p)| p.cpu / a.cpu).collect();
        let mems: Vec<f64> = mode.pairs.iter().map(|(a, p)| p.max_rss_kib as f64 / a.max_rss_kib.max(1) as f64).collect();
        Some(Figures {
            ratio: Stats::of(&per_pair),
            size_ratio: built.text_bytes as f64 / base.text_bytes.max(1) as f64,
            compile_ratio: built.compile_cpu / base.compile_cpu.max(1e-3),
            compile_mem_ratio: built.compile_max_rss_kib as f64 / base.compile_max_rss_kib.max(1) as f64,
            mem_ratio: Stats::of(&mems).median,
            per_pair,
        })
    }

    /// Why variant `name` has no figures (None when it has).
    pub fn why_not(&self, name: &str) -> Option<String> {
        let mode = self.modes.iter().find(|m| m.variant.name == name)?;
        mode.failure.clone().or_else(|| self.failure.clone()).or_else(|| mode.pairs.is_empty().then(|| "no pair measured".into()))
    }

    /// Median CPU seconds of the (first) baseline over the measured pairs, else its warm-up.
    pub fn baseline_seconds(&self) -> Option<f64> {
        let runs: Vec<f64> = self.modes.iter().filter(|m| m.baseline == 0).flat_map(|m| m.pairs.iter().map(|(a, _)| a.cpu)).collect();
        if runs.is_empty() {
            self.baselines.first()?.warmup.map(|s| s.cpu)
        } else {
            Some(Stats::of(&runs).median)
        }
    }

    /// Every confpass diagnostic seen in any build of the program.
    pub fn findings(&self) -> Vec<(String, String)> {
        let mut all = Vec::new();
        let builds = self.baselines.iter().map(|b| (&b.variant, &b.built)).chain(self.modes.iter().map(|m| (&m.variant, &m.built)));
        for (variant, built) in builds {
            if let Some(built) = built {
                all.extend(built.findings.iter().map(|f| (variant.name.clone(), f.clone())));
            }
        }
        all
    }
}

/// Geometric mean (of positive numbers).
fn geomean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| (values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp())
}

/// Per mode: geomeans of (run time median, size, compile, memory) ratios and how many programs.
pub fn geomeans(programs: &[ProgramResult], name: &str) -> Option<(f64, f64, f64, f64, usize)> {
    let figures: Vec<Figures> = programs.iter().filter_map(|p| p.figures(name)).collect();
    let g = |f: fn(&Figures) -> f64| geomean(&figures.iter().map(f).collect::<Vec<_>>());
    Some((g(|f| f.ratio.median)?, g(|f| f.size_ratio)?, g(|f| f.compile_ratio)?, g(|f| f.mem_ratio)?, figures.len()))
}

fn num(v: f64) -> String {
    format!("{v:.4}")
}

fn opt_str(v: &Option<String>) -> String {
    v.as_ref().map_or("null".into(), |s| json_string(s))
}

pub fn print_program(p: &ProgramResult) {
    if let Some(why) = &p.failure {
        eprintln!("    {}: FAILED: {why}", p.program.name);
    }
    let mut line = format!("    {}:", p.program.name);
    for m in &p.modes {
        match p.figures(&m.variant.name) {
            Some(f) => line += &format!(" {} {:+.1}%", m.variant.name, (f.ratio.median - 1.0) * 100.0),
            None => line += &format!(" {} failed", m.variant.name),
        }
    }
    eprintln!("{line}  ({:.0} s)", p.seconds);
}

impl Report<'_> {
    pub fn write(&self) -> Result {
        let dir = root().join("spec-bench/results");
        write_file(&dir.join("latest.json"), &self.json())?;
        write_file(&dir.join("latest.md"), &self.markdown())?;
        let subtitle = format!(
            "confcc -O2 -mllvm -confpass-mode=MODE against clang-22 -O2; median of {} pairs, whisker min–max; user+sys CPU time; {}",
            self.options.pairs, self.date
        );
        write_file(&dir.join("latest.svg"), &svg::plot(&self.programs, "confpass spec-bench: run-time overhead", Some(&subtitle)))?;
        eprintln!("\nwrote {}/latest.{{json,md,svg}}", shown(&dir));
        Ok(())
    }

    pub fn print_summary(&self) {
        println!("\n{}", self.run_time_table());
        let failed: Vec<String> = self.failures();
        if !failed.is_empty() {
            println!("not measured:\n{}", failed.join("\n"));
        }
    }

    fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        for p in &self.programs {
            if let Some(why) = &p.failure {
                out.push(format!("- {}: {why}", p.program.name));
                continue;
            }
            for m in &p.modes {
                if let Some(why) = &m.failure {
                    out.push(format!("- {} ({}): {why}", p.program.name, m.variant.name));
                }
            }
        }
        out
    }

    fn json(&self) -> String {
        let names = mode_names(&self.programs);
        let mut programs = Vec::new();
        for p in &self.programs {
            let mut modes = Vec::new();
            for m in &p.modes {
                let name = &m.variant.name;
                let body = match p.figures(name) {
                    Some(f) => format!(
                        "\"ratio_median\": {}, \"ratio_min\": {}, \"ratio_max\": {}, \"size_ratio\": {}, \
                         \"compile_ratio\": {}, \"compile_mem_ratio\": {}, \"mem_ratio\": {}, \"output_ok\": {}, \
                         \"reason\": null, \"ratios\": {}",
                        num(f.ratio.median),
                        num(f.ratio.min),
                        num(f.ratio.max),
                        num(f.size_ratio),
                        num(f.compile_ratio),
                        num(f.compile_mem_ratio),
                        num(f.mem_ratio),
                        m.output_ok,
                        json_list(&f.per_pair.iter().map(|&r| num(r)).collect::<Vec<_>>())
                    ),
                    None => format!(
                        "\"ratio_median\": null, \"ratio_min\": null, \"ratio_max\": null, \"size_ratio\": null, \
                         \"compile_ratio\": null, \"compile_mem_ratio\": null, \"mem_ratio\": null, \"output_ok\": {}, \
                         \"reason\": {}",
                        m.output_ok,
                        opt_str(&p.why_not(name))
                    ),
                };
                let seconds: Vec<String> = m.pairs.iter().map(|(_, s)| format!("{:.2}", s.cpu)).collect();
                let base_seconds: Vec<String> = m.pairs.iter().map(|(a, _)| format!("{:.2}", a.cpu)).collect();
                let build = m.built.as_ref().map_or("null".into(), |b| {
                    format!(
                        "{{\"compile_cpu_seconds\": {:.2}, \"compile_wall_seconds\": {:.2}, \"compile_max_rss_kib\": {}, \"text_bytes\": {}, \"findings\": {}}}",
                        b.compile_cpu, b.compile_wall, b.compile_max_rss_kib, b.text_bytes,
                        json_list(&b.findings.iter().map(|f| json_string(f)).collect::<Vec<_>>())
                    )
                });
                modes.push(format!(
                    "        {}: {{{body}, \"command\": {}, \"cpu_seconds\": {}, \"baseline_cpu_seconds\": {}, \"build\": {build}}}",
                    json_string(name),
                    json_string(&m.variant.command(self.tools)),
                    json_list(&seconds),
                    json_list(&base_seconds)
                ));
            }
            let baselines: Vec<String> = p
                .baselines
                .iter()
                .map(|b| {
                    let built = b.built.as_ref();
                    format!(
                        "{{\"variant\": {}, \"command\": {}, \"built\": {}, \"compile_cpu_seconds\": {}, \"compile_max_rss_kib\": {}, \"text_bytes\": {}, \"warmup_cpu_seconds\": {}, \"warmup_wall_seconds\": {}, \"max_rss_kib\": {}}}",
                        json_string(&b.variant.name),
                        json_string(&b.variant.command(self.tools)),
                        built.is_some_and(|b| b.status.is_ok()),
                        built.map_or("null".into(), |b| format!("{:.2}", b.compile_cpu)),
                        built.map_or("null".into(), |b| b.compile_max_rss_kib.to_string()),
                        built.map_or("null".into(), |b| b.text_bytes.to_string()),
                        b.warmup.map_or("null".into(), |s| format!("{:.2}", s.cpu)),
                        b.warmup.map_or("null".into(), |s| format!("{:.2}", s.wall)),
                        b.warmup.map_or("null".into(), |s| s.max_rss_kib.to_string()),
                    )
                })
                .collect();
            let sources: Vec<String> = p.program.sources.iter().map(|s| json_string(&s.describe())).collect();
            programs.push(format!(
                "    {{\n      \"name\": {},\n      \"stands_in\": {},\n      \"sources\": {},\n      \"recipe\": {},\n      \
                 \"workload\": {},\n      \"run\": {},\n      \"status\": {},\n      \"reason\": {},\n      \
                 \"baseline_cpu_seconds\": {},\n      \"baselines\": {},\n      \"modes\": {{\n{}\n      }}\n    }}",
                json_string(p.program.name),
                json_string(p.program.stands_in),
                json_list(&sources),
                json_string(&format!("spec-bench/recipes/{}", p.program.recipe)),
                json_string(p.program.workload),
                json_string(p.program.run),
                json_string(if p.failure.is_some() { "failed" } else { "measured" }),
                opt_str(&p.failure),
                p.baseline_seconds().map_or("null".into(), |s| format!("{s:.2}")),
                json_list(&baselines),
                modes.join(",\n")
            ));
        }
        let geo: Vec<String> = names
            .iter()
            .map(|name| match geomeans(&self.programs, name) {
                Some((r, s, c, m, n)) => format!(
                    "    {}: {{\"ratio_median\": {}, \"size_ratio\": {}, \"compile_ratio\": {}, \"mem_ratio\": {}, \"programs\": {n}}}",
                    json_string(name), num(r), num(s), num(c), num(m)
                ),
                None => format!("    {}: {{\"ratio_median\": null, \"size_ratio\": null, \"compile_ratio\": null, \"mem_ratio\": null, \"programs\": 0}}", json_string(name)),
            })
            .collect();
        format!(
            "{{\n  \"date\": {},\n  \"command\": {},\n  \"quick\": {},\n  \"pairs\": {},\n  \"warmups_each\": 1,\n  \
             \"metric\": \"user+sys CPU seconds of the workload (GNU time), ratio protected/baseline pair by pair\",\n  \
             \"pinned\": {},\n  \"clang\": {},\n  \"confpass_hash\": {},\n  \"minutes\": {:.1},\n  \
             \"programs\": [\n{}\n  ],\n  \"geomean\": {{\n{}\n  }}\n}}\n",
            json_string(&self.date),
            json_string(&self.command_line()),
            self.options.quick,
            self.options.pairs,
            opt_str(&self.pinned),
            json_string(&self.tools.clang),
            json_string(&self.tools.confpass),
            self.minutes,
            programs.join(",\n"),
            geo.join(",\n")
        )
    }

    fn command_line(&self) -> String {
        let mut line = "cargo xtask bench".to_string();
        if self.options.quick {
            line += " --quick";
        }
        if self.options.lto {
            line += " --lto";
        }
        line
    }

    /// Markdown table: one row per program, one column per mode, `cell(program, mode)`.
    fn table(&self, title: &str, cell: impl Fn(&ProgramResult, &str) -> String, geo: impl Fn(&str) -> String) -> String {
        let names = mode_names(&self.programs);
        let mut md = format!("| {title} | {} |\n|---|{}\n", names.join(" | "), "---:|".repeat(names.len()));
        for p in &self.programs {
            let cells: Vec<String> = names.iter().map(|n| cell(p, n)).collect();
            md += &format!("| {} | {} |\n", p.program.name, cells.join(" | "));
        }
        let cells: Vec<String> = names.iter().map(|n| geo(n)).collect();
        md += &format!("| **geomean** | {} |\n", cells.join(" | "));
        md
    }

    fn run_time_table(&self) -> String {
        self.table(
            "run time ratio: median [min, max]",
            |p, n| match p.figures(n) {
                Some(f) => format!("{:.3} [{:.3}, {:.3}]", f.ratio.median, f.ratio.min, f.ratio.max),
                None => "**failed**".into(),
            },
            |n| geomeans(&self.programs, n).map_or("–".into(), |g| format!("**{:.3}** ({} programs)", g.0, g.4)),
        )
    }

    fn markdown(&self) -> String {
        let pin = self.pinned.as_deref().unwrap_or("not pinned (taskset unavailable)");
        let mut md = format!(
            "# spec-bench: latest results\n\n\
             `{}` on {} ({:.0} min). Baseline `clang-22 -O2`; protected `target/release/confcc -O2 -mllvm \
             -confpass-mode=MODE`. Per program and mode: one warm-up run of each build (its output must equal \
             the baseline's), then {} pairs baseline/protected run alternately, {pin}. Ratios are protected / \
             baseline, user+sys CPU time, pair by pair; >1 is slower. Method and programs: \
             [../README.md](../README.md). clang: {}; confpass binaries hash {}.\n\n\
             ![per-program overhead](latest.svg)\n\n",
            self.command_line(),
            self.date,
            self.minutes,
            self.options.pairs,
            self.tools.clang,
            self.tools.confpass
        );
        md += "## Run time\n\n";
        md += &self.run_time_table();
        md += "\n## Code size (`.text`), compile time (CPU of the build phase), peak memory of the run\n\n";
        md += &self.table(
            ".text ratio",
            |p, n| p.figures(n).map_or("–".into(), |f| format!("{:.3}", f.size_ratio)),
            |n| geomeans(&self.programs, n).map_or("–".into(), |g| format!("**{:.3}**", g.1)),
        );
        md += "\n";
        md += &self.table(
            "compile time ratio",
            |p, n| p.figures(n).map_or("–".into(), |f| format!("{:.3}", f.compile_ratio)),
            |n| geomeans(&self.programs, n).map_or("–".into(), |g| format!("**{:.3}**", g.2)),
        );
        md += "\n";
        md += &self.table(
            "peak memory ratio (run)",
            |p, n| p.figures(n).map_or("–".into(), |f| format!("{:.3}", f.mem_ratio)),
            |n| geomeans(&self.programs, n).map_or("–".into(), |g| format!("**{:.3}**", g.3)),
        );
        md += "\n## Programs\n\n| program | stands in for | sources | baseline run (CPU s) | workload |\n|---|---|---|---:|---|\n";
        for p in &self.programs {
            let sources: Vec<String> = p.program.sources.iter().map(|s| s.describe()).collect();
            md += &format!(
                "| {} | {} | {} | {} | {} |\n",
                p.program.name,
                p.program.stands_in,
                sources.join(" + "),
                p.baseline_seconds().map_or("–".into(), |s| format!("{s:.2}")),
                p.program.workload
            );
        }
        let failures = self.failures();
        md += "\n## Not measured\n\n";
        if failures.is_empty() {
            md += "Every program built in every mode and computed the baseline's result.\n";
        } else {
            md += &failures.join("\n");
            md += "\n";
        }
        let findings: Vec<String> = self
            .programs
            .iter()
            .flat_map(|p| p.findings().into_iter().map(move |(v, f)| format!("- {} ({v}): `{f}`", p.program.name)))
            .collect();
        md += "\n## confpass findings on these unannotated programs\n\n";
        if findings.is_empty() {
            md += "None.\n";
        } else {
            // Each finding appears once per mode that analyses: the first 40 lines say enough.
            md += &findings.iter().take(40).cloned().collect::<Vec<_>>().join("\n");
            if findings.len() > 40 {
                md += &format!("\n- … {} more in latest.json", findings.len() - 40);
            }
            md += "\n";
        }
        md
    }
}
