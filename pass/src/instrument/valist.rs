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

/// C library functions that take a `va_list`, and its (0-based) argument position.
const VA_LIST_CONSUMERS: &[(&str, usize)] = &[
    ("vprintf", 1), ("vfprintf", 2), ("vsprintf", 2), ("vsnprintf", 3), ("vasprintf", 2), ("vdprintf", 2),
    ("vscanf", 1), ("vfscanf", 2), ("vsscanf", 2), ("vsyslog", 2), ("vwarn", 1), ("vwarnx", 1), ("verr", 2),
    ("verrx", 2), ("__vsnprintf_chk", 5), ("__vsprintf_chk", 4), ("__vfprintf_chk", 3), ("__vprintf_chk", 2),
];

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

/// Check step: marks every parameter used as a `va_list` (read with `va_arg`, copied, or
/// handed on to a `v*printf`-like function or to another marked parameter). Returns how many
/// were marked. One walk over the module collects the parameters used directly and the
/// hand-offs between parameters; the marks then spread along the hand-offs.
pub fn mark_params<'m>(ed: &Editor<'m>, view: &ModuleView<'m>) -> u64 {
    let mut marked: HashSet<(Value<'m>, usize)> = HashSet::new();
    let mut work: Vec<(Value<'m>, usize)> = Vec::new();
    // (callee, its parameter) → (caller, the caller's parameter it is given)
    let mut handed_on: Vec<((Value<'m>, usize), (Value<'m>, usize))> = Vec::new();
    for f in view.functions().filter(|f| !f.is_declaration()) {
        let params = f.params();
        let param_of = |v: Value<'m>| param_behind(v).and_then(|p| params.iter().position(|q| *q == p));
        for inst in f.instructions() {
            if inst.gep_source_struct().as_deref() == Some(VA_LIST_TAG) {
                work.extend(inst.operands().next().and_then(param_of).map(|i| (f, i)));
                continue;
            }
            let Some(callee) = inst.called_value().filter(|c| c.is_function()) else { continue };
            let name = callee.name();
            for (i, a) in inst.call_args().into_iter().enumerate() {
                let Some(j) = param_of(a) else { continue };
                let consumed = (name.starts_with("llvm.va_copy") && i == 1) || VA_LIST_CONSUMERS.contains(&(name.as_str(), i));
                if consumed {
                    work.push((f, j));
                } else if !callee.is_declaration() {
                    handed_on.push(((callee, i), (f, j)));
                }
            }
        }
    }
    while let Some(p) = work.pop() {
        if marked.insert(p) {
            ed.mark_param(p.0, p.1, VA_LIST_PARAM);
            work.extend(handed_on.iter().filter(|(to, _)| *to == p).map(|(_, from)| *from));
        }
    }
    marked.len() as u64
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
        Some(Opcode::LLVMAlloca) => {
            // Initialised by va_start/va_copy, directly or through a GEP (`-O0`).
            let mut objects = vec![root];
            objects.extend(root.users().filter(|u| u.opcode() == Some(Opcode::LLVMGetElementPtr) && u.operands().next() == Some(root)));
            objects.iter().any(|&o| {
                o.users().any(|u| {
                    u.called_value().is_some_and(|c| {
                        let n = c.name();
                        n.starts_with("llvm.va_start") || (n.starts_with("llvm.va_copy") && u.call_args().first() == Some(&o))
                    })
                })
            })
        }
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
