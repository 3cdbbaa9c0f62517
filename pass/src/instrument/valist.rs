//! `va_list`s: the one kind of public read of the native (private) stack that is allowed.
//!
//! On x86-64 `va_arg` reads the register save area and the caller's stack arguments through
//! pointers stored in the `va_list`, all on the native stack. The checks already forbid private
//! data in variadic arguments, and public stores cannot reach the native stack, so those reads
//! are safe and get no guard (a public guard would stop every `printf`-like function).
//!
//! A `va_list` is recognised as: an alloca that `llvm.va_start`/`llvm.va_copy` initialises (it
//! stays on the native stack, see `stack`), a parameter that the check step marked (before
//! optimisation, while clang's `%struct.__va_list_tag` is still on the GEPs that read it), or a
//! pointer loaded from a slot that only ever holds one of those (`-O0`'s `ap.addr`). Reads
//! through pointers loaded from a `va_list` (its `reg_save_area`, `overflow_arg_area`) are
//! `va_list` reads too.

use std::collections::HashSet;

use crate::llvm::edit::Editor;
use crate::llvm::{ModuleView, Opcode, Value};

/// Parameter attribute marking a `va_list` parameter.
pub const VA_LIST_PARAM: &str = "confpass.va_list";

const VA_LIST_TAG: &str = "struct.__va_list_tag";

/// The parameter a pointer comes from, directly or through a local slot it was stored in.
fn param_behind<'m>(p: Value<'m>) -> Option<Value<'m>> {
    if p.is_argument() {
        return Some(p);
    }
    let slot = (p.opcode() == Some(Opcode::LLVMLoad)).then(|| p.operands().next()).flatten()?;
    (slot.opcode() == Some(Opcode::LLVMAlloca)).then_some(())?;
    slot.users()
        .filter(|u| u.opcode() == Some(Opcode::LLVMStore) && u.operands().nth(1) == Some(slot))
        .find_map(|st| st.operands().next().filter(|v| v.is_argument()))
}

/// Check step: marks every parameter used as a `va_list`. Returns how many were marked.
pub fn mark_params<'m>(ed: &Editor<'m>, view: &ModuleView<'m>) -> u64 {
    let mut marked = 0;
    for f in view.functions().filter(|f| !f.is_declaration()) {
        let params = f.params();
        let mut seen = HashSet::new();
        for inst in f.instructions() {
            let ptr = if inst.gep_source_struct().as_deref() == Some(VA_LIST_TAG) {
                inst.operands().next()
            } else if inst.called_value().is_some_and(|c| c.name().starts_with("llvm.va_copy")) {
                inst.call_args().get(1).copied()
            } else {
                None
            };
            let Some(param) = ptr.and_then(param_behind) else { continue };
            if let Some(i) = params.iter().position(|p| *p == param) {
                if seen.insert(i) {
                    ed.mark_param(f, i, VA_LIST_PARAM);
                    marked += 1;
                }
            }
        }
    }
    marked
}

/// Whether `v` (at any constant offset) is a `va_list` object.
pub fn is_va_list<'m>(ed: &Editor<'m>, v: Value<'m>) -> bool {
    is_va_list_within(ed, v, 4)
}

fn is_va_list_within<'m>(ed: &Editor<'m>, v: Value<'m>, depth: u32) -> bool {
    if depth == 0 {
        return false;
    }
    let (root, _) = ed.root_and_offset(v);
    if root.param_has_attribute(VA_LIST_PARAM) {
        return true;
    }
    match root.opcode() {
        Some(Opcode::LLVMAlloca) => root.users().any(|u| {
            u.called_value().is_some_and(|c| {
                let n = c.name();
                n.starts_with("llvm.va_start") || (n.starts_with("llvm.va_copy") && u.call_args().first() == Some(&root))
            })
        }),
        Some(Opcode::LLVMLoad) => {
            let Some(slot) = root.operands().next().filter(|s| s.opcode() == Some(Opcode::LLVMAlloca)) else { return false };
            let mut stores = slot
                .users()
                .filter(|u| u.opcode() == Some(Opcode::LLVMStore) && u.operands().nth(1) == Some(slot))
                .peekable();
            stores.peek().is_some() && stores.all(|st| st.operands().next().is_some_and(|x| x != slot && is_va_list_within(ed, x, depth - 1)))
        }
        _ => false,
    }
}

/// Whether an access through `p` reads or writes a `va_list` or what it points to.
pub fn is_va_access<'m>(ed: &Editor<'m>, p: Value<'m>) -> bool {
    let mut work = vec![p];
    let mut seen = HashSet::new();
    let mut any = false;
    while let Some(v) = work.pop() {
        if !seen.insert(v) {
            continue;
        }
        if seen.len() > 64 {
            return false;
        }
        if is_va_list(ed, v) {
            any = true;
            continue;
        }
        match v.opcode() {
            Some(Opcode::LLVMGetElementPtr | Opcode::LLVMBitCast) => work.extend(v.operands().next()),
            Some(Opcode::LLVMPHI) => work.extend(v.incoming().into_iter().map(|(x, _)| x)),
            Some(Opcode::LLVMSelect) => work.extend(v.operands().skip(1)),
            Some(Opcode::LLVMLoad) if v.operands().next().is_some_and(|q| is_va_list(ed, q)) => any = true,
            _ => return false,
        }
    }
    any
}
