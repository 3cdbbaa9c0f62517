//! Scalar signatures stated in source: `CONF_RETURNS_PRIVATE` and `CONF_PRIVATE_ARGS(i, …)`.
//!
//! The macros in `confpass.h` expand to `__attribute__((annotate("confpass.returns_private")))`
//! and `__attribute__((annotate("confpass.private_args", i, …)))`. clang records them in
//! `@llvm.global.annotations` for every annotated function the module defines *or uses*, so a
//! prototype in a header gives each caller's module the callee's signature, whether files are
//! compiled separately or with `-flto` (the check step runs at compile time in both cases).
//! Each entry is `{ ptr @fn, ptr @"name", ptr @"file", i32 line, ptr @args }`, with the extra
//! macro arguments as a constant struct of integers in `@args`.

use std::collections::{BTreeSet, HashMap};

use crate::diag::{Code, Diagnostic};
use crate::llvm::{ModuleView, Value};

pub const RETURNS_PRIVATE: &str = "confpass.returns_private";
pub const PRIVATE_ARGS: &str = "confpass.private_args";

/// The stated signature of one function.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signature {
    pub returns_private: bool,
    /// 0-based indices of private scalar parameters.
    pub private_args: BTreeSet<usize>,
}

/// Signatures by function.
pub type Signatures<'m> = HashMap<Value<'m>, Signature>;

/// Strips constant casts around a global reference.
fn base(v: Value<'_>) -> Value<'_> {
    let mut v = v;
    while v.const_expr_opcode().is_some() {
        match v.operands().next() {
            Some(op) => v = op,
            None => break,
        }
    }
    v
}

/// Reads the annotations; malformed ones (a position that is not a parameter) are errors.
pub fn read<'m>(module: &ModuleView<'m>, diags: &mut Vec<Diagnostic<Value<'m>>>) -> Signatures<'m> {
    let mut sigs = Signatures::new();
    let Some(table) = module.global("llvm.global.annotations").and_then(|g| g.initializer()) else {
        return sigs;
    };
    for entry in table.operands() {
        let fields: Vec<_> = entry.operands().collect();
        let (Some(f), Some(name)) = (fields.first().map(|v| base(*v)), fields.get(1).map(|v| base(*v))) else { continue };
        if !f.is_function() {
            continue;
        }
        let Some(name) = name.const_string() else { continue };
        match name.as_str() {
            RETURNS_PRIVATE => sigs.entry(f).or_default().returns_private = true,
            PRIVATE_ARGS => {
                let args: Vec<i64> = fields
                    .get(4)
                    .map(|a| base(*a))
                    .and_then(|a| a.initializer())
                    .map(|s| s.operands().filter_map(Value::const_int).collect())
                    .unwrap_or_default();
                let n = f.params().len() as i64;
                if args.is_empty() {
                    diags.push(Diagnostic::error(
                        Code::BadAnnotation,
                        Some(f),
                        format!("CONF_PRIVATE_ARGS on '{}' names no parameter", f.name()),
                    ));
                }
                for a in args {
                    if a < 1 || a > n {
                        diags.push(Diagnostic::error(
                            Code::BadAnnotation,
                            Some(f),
                            format!("CONF_PRIVATE_ARGS({a}) on '{}': it has {n} parameter(s), counted from 1", f.name()),
                        ));
                    } else {
                        sigs.entry(f).or_default().private_args.insert((a - 1) as usize);
                    }
                }
            }
            _ => {}
        }
    }
    sigs
}
