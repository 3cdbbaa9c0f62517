//! The pass pipeline: named steps, run in order.
//!
//! ```text
//!   compile (PipelineStart, before inlining)      link / after optimisation (OptimizerLast,
//!                                                  FullLTO-last, ThinLTO backend)
//!   options → annotations → taint → diagnostics    plan → instrument → verify
//! ```
//!
//! The check step sees source-shaped IR, so each finding is reported once, at its source
//! location. The instrument step sees optimised IR. Under LTO the two run in different
//! processes (clang, then lld): the check step records the options in module flags and the
//! instrument step reads them back (lld cannot take `-mllvm -confpass-*`).
//!
//! Today the steps are: census (statistics) and the cast check; the taint inference, the
//! partition, guards and CFI slot in where the diagram says.

use std::fmt;

use crate::analysis::policy::Policy;
use crate::analysis::{annotations, casts, census::census, taint};
use crate::diag::{Code, Diagnostic, Level};
use crate::sarif;
use crate::instrument;
use crate::llvm::edit::Editor;
use crate::llvm::{BorrowedModule, FlagMerge, ModuleView, Severity, Value};
use crate::llvm::shim::{policy_files, raw_options, sarif_file};
use crate::options::{flag, FlowPolicy, Guard, Mode, Options};
use crate::stats::Stats;

/// Which half of the pipeline a pass runs. Mirrors the shim's `Step`; keep in sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Check,
    Instrument,
}

/// Where in clang/lld/opt the pass runs. Mirrors the shim's `Phase`; keep in sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Compile,
    FullLto,
    ThinLtoBackend,
    Opt,
}

impl Step {
    fn from_raw(raw: u32) -> Step {
        match raw {
            0 => Step::Check,
            1 => Step::Instrument,
            _ => panic!("the shim passed an unknown step {raw}"),
        }
    }
}

impl Phase {
    fn from_raw(raw: u32) -> Phase {
        match raw {
            0 => Phase::Compile,
            1 => Phase::FullLto,
            2 => Phase::ThinLtoBackend,
            3 => Phase::Opt,
            _ => panic!("the shim passed an unknown phase {raw}"),
        }
    }

    /// Link-time phases run inside lld, where `-mllvm` cannot reach the plugin.
    fn is_link_time(self) -> bool {
        matches!(self, Phase::FullLto | Phase::ThinLtoBackend)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::Check => "check",
            Step::Instrument => "instrument",
        })
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Compile => "compile",
            Phase::FullLto => "full-lto",
            Phase::ThinLtoBackend => "thin-lto-backend",
            Phase::Opt => "opt",
        })
    }
}

/// The options of this run: `-mllvm` values, or at link time what the compile step recorded.
fn options(module: &BorrowedModule<'_>, phase: Phase) -> Options {
    let raw = raw_options();
    let mut opts = Options {
        mode: Mode::from_raw(raw.mode).expect("the shim only passes known modes"),
        implicit_flows: FlowPolicy::from_raw(raw.implicit_flows).expect("known policy"),
        guard: Guard::from_raw(raw.guard).expect("known guard flavour"),
        verify: raw.verify != 0,
        stats: raw.stats != 0,
        audit: raw.audit != 0,
        keep_auto_init: raw.keep_auto_init != 0,
        debug_panic: raw.debug_panic != 0,
        debug_skip_guard: u64::try_from(raw.debug_skip_guard).ok(),
        policy_files: policy_files(),
        sarif: sarif_file(),
    };
    if phase.is_link_time() {
        if let Some(mode) = module.flag_u64(flag::MODE) {
            opts.mode = Mode::from_raw(mode as u32).unwrap_or_else(|| {
                panic!("module flag {} has unknown value {mode}", flag::MODE)
            });
        }
        opts.stats |= module.flag_u64(flag::STATS).is_some_and(|v| v != 0);
        opts.verify |= module.flag_u64(flag::VERIFY).is_some_and(|v| v != 0);
        if let Some(g) = module.flag_u64(flag::GUARD) {
            opts.guard = Guard::from_raw(g as u32).unwrap_or_else(|| panic!("module flag {} has unknown value {g}", flag::GUARD));
        }
    }
    opts
}

/// Runs one step on a module; returns whether the module changed.
pub fn run(module: &BorrowedModule<'_>, step: u32, phase: u32) -> bool {
    let (step, phase) = (Step::from_raw(step), Phase::from_raw(phase));
    let opts = options(module, phase);
    if opts.debug_panic {
        panic!("-confpass-debug-panic was given ({step} step)");
    }
    let view = ModuleView::new(module);
    let mut stats = Stats::default();
    let changed = match step {
        Step::Check => check(module, &view, &opts, &mut stats),
        Step::Instrument => instrument_step(module, &view, &opts, &mut stats),
    };
    if opts.stats {
        let title = format!("{step} ({phase}, mode {}) {}", opts.mode.name(), view.source_file_name());
        eprint!("{}", stats.render(&title));
    }
    changed
}

fn check(module: &BorrowedModule<'_>, view: &ModuleView<'_>, opts: &Options, stats: &mut Stats) -> bool {
    // Recorded in every mode, `off` included, so that the LTO link does what the compile asked.
    module.set_flag_u32(flag::MODE, opts.mode.to_raw(), FlagMerge::Error);
    module.set_flag_u32(flag::GUARD, opts.guard.to_raw(), FlagMerge::Error);
    if opts.stats {
        module.set_flag_u32(flag::STATS, 1, FlagMerge::Warning);
    }
    if opts.verify {
        module.set_flag_u32(flag::VERIFY, 1, FlagMerge::Warning);
    }
    if !opts.mode.checks() {
        return true;
    }
    census(view, stats);
    // While clang's types are still on the GEPs: which parameters are va_lists (for the guards).
    stats.add("va-list-params", instrument::valist::mark_params(&Editor::new(module), view));
    let mut diags = Vec::new();
    let policy = load_policy(opts, &mut diags);
    let sigs = annotations::read(view, &mut diags);
    diags.extend(casts::check(view));
    diags.extend(instrument::globals::const_scalars(&Editor::new(module), view));
    let findings = taint::analyze(view, &sigs, &policy, opts.implicit_flows, stats);
    diags.extend(findings.diags);
    report(module, &diags, stats);
    for &call in &findings.declassifications {
        if opts.audit {
            let callee = call.called_value().map(|c| c.name()).unwrap_or_default();
            module.remark(call, "declassify", &format!("declassification: '{callee}' releases private data here"));
        }
    }
    if let Some(target) = &opts.sarif {
        write_sarif(module, view, target, &diags, &findings.declassifications);
    }
    if opts.mode.instruments() {
        // Before any optimisation folds their initial values into public code or constants.
        stats.add("private-globals-pinned", instrument::globals::pin_private_globals(&Editor::new(module), view));
    }
    if opts.mode.instruments() && !opts.keep_auto_init {
        // After the checks, which see clang's code as it came.
        let deferred = instrument::stack::defer_auto_init(&Editor::new(module), view);
        if deferred > 0 {
            stats.add("auto-init-deferred", deferred);
        }
    }
    true
}

/// The built-in policy plus the user's files; unreadable or malformed files are errors.
fn load_policy<'m>(opts: &Options, diags: &mut Vec<Diagnostic<Value<'m>>>) -> Policy {
    let mut policy = Policy::builtin();
    for file in &opts.policy_files {
        let result = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read policy file {file}: {e}"))
            .and_then(|text| policy.extend(file, &text).map_err(|e| format!("malformed policy: {e}")));
        if let Err(message) = result {
            diags.push(Diagnostic::error(Code::BadPolicy, None, message));
        }
    }
    policy
}

fn position(v: Value<'_>) -> Option<sarif::Position> {
    let (line, column) = v.debug_loc()?;
    Some(sarif::Position { file: v.debug_file()?, line, column })
}

/// Writes the SARIF log; a directory target gets `<source stem>.sarif` inside it.
fn write_sarif(module: &BorrowedModule<'_>, view: &ModuleView<'_>, target: &str, diags: &[Diagnostic<Value<'_>>], declassified: &[Value<'_>]) {
    let mut records: Vec<sarif::Record> = diags
        .iter()
        .map(|d| {
            let mut r = sarif::Record::finding(d.code, d.level, d.message.clone(), d.at.and_then(position));
            r.related = d.notes.iter().map(|n| (n.at.and_then(position), n.message.clone())).collect();
            r
        })
        .collect();
    records.extend(declassified.iter().map(|&call| sarif::Record {
        rule: "declassification".into(),
        level: "note",
        message: format!("'{}' releases private data", call.called_value().map(|c| c.name()).unwrap_or_default()),
        at: position(call),
        related: Vec::new(),
    }));
    let mut path = std::path::PathBuf::from(target);
    if path.is_dir() {
        let source = view.source_file_name();
        let stem = std::path::Path::new(&source).file_stem().map_or("module".into(), |s| s.to_string_lossy().into_owned());
        path = path.join(format!("{stem}.sarif"));
    }
    if let Err(e) = std::fs::write(&path, sarif::render(&records, env!("CARGO_PKG_VERSION"))) {
        let message = format!("cannot write SARIF to {}: {e} [confpass:{}]", path.display(), Code::InternalError);
        module.diagnose(None, Severity::Error, &message);
    }
}

fn instrument_step(module: &BorrowedModule<'_>, view: &ModuleView<'_>, opts: &Options, stats: &mut Stats) -> bool {
    if module.flag_u64(flag::INSTRUMENTED).is_some() {
        stats.inc("modules-already-instrumented");
        return false;
    }
    if !opts.mode.instruments() {
        return false;
    }
    census(view, stats);
    // LLVM itself sometimes leaves IR its verifier rejects with non-zero address spaces (its
    // memcmp→bcmp rewrite passes a private pointer to a generic-pointer declaration); only
    // breakage confpass introduces is confpass's bug.
    let valid_before = module.verify().is_ok();
    if !valid_before {
        stats.inc("input-ir-already-invalid");
    }
    let diags = instrument::run(module, view, opts, stats);
    report(module, &diags, stats);
    // Every rewrite must leave valid IR: a broken module is confpass's bug, never clang's.
    if let Err(e) = module.verify().or_else(|e| if valid_before { Err(e) } else { Ok(()) }) {
        let first: String = e.lines().take(4).collect::<Vec<_>>().join(" / ");
        panic!("instrumentation produced invalid IR: {first}");
    }
    module.set_flag_u32(flag::INSTRUMENTED, 1, FlagMerge::Warning);
    true
}

/// Hands findings to clang, main line first, then its notes.
fn report(module: &BorrowedModule<'_>, diags: &[Diagnostic<Value<'_>>], stats: &mut Stats) {
    for d in diags {
        let severity = match d.level {
            Level::Error => {
                stats.inc("diagnostics-errors");
                Severity::Error
            }
            Level::Warning => {
                stats.inc("diagnostics-warnings");
                Severity::Warning
            }
        };
        module.diagnose(d.at, severity, &d.text());
        for note in &d.notes {
            module.diagnose(note.at, Severity::Note, &note.message);
        }
    }
}
