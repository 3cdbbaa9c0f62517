//! The one module that mutates IR.
//!
//! It applies the partition: public locals that could be reached out of bounds move to the
//! public mirror of the native stack (`stack`), private globals move into the private region
//! (`globals`); then every memory access gets its run-time guard (`guards`, with `valist` for
//! the reads `va_arg` makes), and `verify` proves the result when asked. The pipeline marks
//! each module so that none is instrumented twice.

mod cfi;
pub mod globals;
pub mod guards;
pub mod stack;
pub mod valist;
mod verify;
mod walk;

use crate::analysis::policy::Policy;
use crate::analysis::{annotations, taint};
use crate::diag::Diagnostic;
use crate::llvm::edit::Editor;
use crate::llvm::{BorrowedModule, ModuleView, Value};
use crate::options::{FlowPolicy, Options};
use crate::stats::Stats;

/// Rewrites the module for the mode in `opts`; returns what could not be done.
pub fn run<'m>(module: &'m BorrowedModule<'_>, view: &ModuleView<'m>, opts: &Options, stats: &mut Stats) -> Vec<Diagnostic<Value<'m>>> {
    stats.inc("modules-instrumented");
    let ed = Editor::new(module);
    let zeroing = stack::restore_auto_init(&ed, view);
    // Which locals may hold private data, on the optimised module (the checks ran before);
    // implicit flows count whatever the reporting policy.
    let mut quiet = Stats::default();
    let mut policy = Policy::builtin();
    for file in &opts.policy_files {
        if let Ok(text) = std::fs::read_to_string(file) {
            let _ = policy.extend(file, &text);
        }
    }
    let sigs = annotations::read(view, &mut Vec::new());
    let copied = stack::copy_indexed_byvals(&ed, view, &sigs);
    if copied > 0 {
        stats.add("byval-arguments-copied-to-public-frame", copied);
    }
    let taint = taint::analyze(view, &sigs, &policy, FlowPolicy::Deny, &mut quiet);
    let guarded = opts.mode.guards_loads() || opts.mode.guards_stores();
    stack::move_public_locals(&ed, view, &taint, &zeroing, stats);
    // The loader runs constructors on the initial stack, which has no public mirror.
    let ctors = ed.ctors_through(stack::ON_NATIVE_STACK);
    if ctors > 0 {
        stats.add("constructors-on-native-stack", u64::from(ctors));
    }
    if guarded {
        // Guarded private accesses reach private data only, not the native stacks.
        stack::mirror_private_locals(&ed, view, &taint, stats);
    }
    let mut diags = globals::relocate(&ed, view, stats);
    guards::redirect_to_wrappers(&ed, view, guarded, opts.mode.cfi(), stats);
    if opts.mode.cfi() {
        diags.extend(cfi::callback_takers_address_taken(view));
    }
    if guarded {
        diags.extend(guards::insert(&ed, view, &taint, &policy, opts, stats));
    }
    if opts.verify && diags.is_empty() {
        diags.extend(verify::check(&ed, view, &taint, &policy, opts, stats));
    }
    if opts.mode.cfi() && diags.is_empty() {
        // With every store guarded, nothing compiled reaches a native stack: no shadow stack.
        cfi::apply(module, &ed, view, &sigs, !opts.mode.guards_stores(), stats);
    }
    diags
}
