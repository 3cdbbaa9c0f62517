//! The one module that mutates IR.
//!
//! It applies the partition: private globals move into the private region (`globals`). The
//! guards and CFI join here. The pipeline marks each module so that none is instrumented twice.

mod globals;

use crate::diag::Diagnostic;
use crate::llvm::edit::Editor;
use crate::llvm::{BorrowedModule, ModuleView, Value};
use crate::options::Options;
use crate::stats::Stats;

/// Rewrites the module for the mode in `opts`; returns what could not be done.
pub fn run<'m>(module: &'m BorrowedModule<'_>, view: &ModuleView<'m>, _opts: &Options, stats: &mut Stats) -> Vec<Diagnostic<Value<'m>>> {
    stats.inc("modules-instrumented");
    let ed = Editor::new(module);
    globals::relocate(&ed, view, stats)
}
