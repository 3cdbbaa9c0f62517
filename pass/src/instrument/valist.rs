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
//!
//! All of this holds only for a `va_list` on a native stack, out of reach of public stores: one
//! kept in a public struct (`va_copy(log->ap, ap)`) or reached through a corrupted pointer can
//! aim `reg_save_area` anywhere, and `va_arg` writes back through it. So a `va_list` parameter
//! counts only once the function checks, first thing, that it points into a native stack (the
//! upper half of R_priv), and a `va_list` handed to a `v*printf`-like function of the C library
//! that is not a local or such a parameter is checked right before the call (`guard_va_lists`).
//! A program that keeps a `va_list` elsewhere stops with a report there.

use std::collections::HashSet;

use llvm_sys::LLVMIntPredicate;

use super::guards::{self, reports, BASE, K_DATA};
use crate::llvm::edit::Editor;
use crate::llvm::{Block, ModuleView, Opcode, Value};
use crate::stats::Stats;

/// `p >> K_DATA` of every address in a native stack (the upper half of R_priv).
const NATIVE_STACKS: u64 = (BASE >> K_DATA) + 1;

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

/// The native-stack checks of `v`: `(p >> K_DATA) != NATIVE_STACKS`, alone or in an `or` of
/// such compares, branching to a report; each as the block the check ends and the block it
/// continues in.
fn native_checks<'m>(v: Value<'m>) -> Vec<(Block<'m>, Block<'m>)> {
    let mut found = Vec::new();
    for pi in v.users().filter(|u| u.opcode() == Some(Opcode::LLVMPtrToInt)) {
        for sh in pi.users().filter(|u| u.opcode() == Some(Opcode::LLVMLShr) && u.operands().nth(1).and_then(|c| c.const_int()) == Some(K_DATA as i64)) {
            for cmp in sh.users() {
                let against = cmp.operands().nth(1).and_then(|c| c.const_int());
                if cmp.icmp_predicate() != Some(LLVMIntPredicate::LLVMIntNE) || against != Some(NATIVE_STACKS as i64) {
                    continue;
                }
                // Up through the `or`s that join it with the checks of other values.
                let mut cond = cmp;
                for _ in 0..8 {
                    let Some(b) = cond.parent_block() else { break };
                    let (t, succ) = (b.terminator(), b.successors());
                    if t.is_some_and(|t| t.opcode() == Some(Opcode::LLVMBr) && t.branch_condition() == Some(cond)) {
                        if succ.len() == 2 && reports(succ[0]) {
                            found.push((b, succ[1]));
                        }
                        break;
                    }
                    match cond.users().find(|u| u.opcode() == Some(Opcode::LLVMOr)) {
                        Some(or) => cond = or,
                        None => break,
                    }
                }
            }
        }
    }
    found
}

/// The blocks that native-stack checks of `v` continue in (an access is covered by one that
/// dominates it).
pub fn native_check_continuations<'m>(v: Value<'m>) -> Vec<Block<'m>> {
    native_checks(v).into_iter().map(|(_, cont)| cont).collect()
}

/// Whether parameter `p` is checked to point into a native stack before anything else its
/// function does: the check ends a block that every path from the entry reaches, through
/// nothing but other guards' checks (which later guards may put before it).
fn checked_at_entry(p: Value<'_>) -> bool {
    let Some(mut b) = p.param_function().and_then(|f| f.blocks().first().copied()) else { return false };
    let ends: Vec<Block<'_>> = native_checks(p).into_iter().map(|(end, _)| end).collect();
    for _ in 0..64 {
        if ends.contains(&b) {
            return true;
        }
        let succ = b.successors();
        let is_check = b.terminator().is_some_and(|t| t.opcode() == Some(Opcode::LLVMBr)) && succ.len() == 2 && reports(succ[0]);
        if !is_check {
            return false;
        }
        b = succ[1];
    }
    false
}

/// Builds one check that every value of `vs` points into a native stack, before `before`.
fn check_native<'m>(ed: &Editor<'m>, vs: &[Value<'m>], before: Value<'m>, report: [Value<'m>; 3]) {
    ed.position_before(before);
    let mut fail = None;
    for v in vs {
        let pi = ed.ptrtoint(*v);
        let hi = ed.lshr(pi, K_DATA);
        let ne = ed.icmp(LLVMIntPredicate::LLVMIntNE, hi, ed.const_int(ed.int(64), NATIVE_STACKS));
        fail = Some(match fail {
            None => ne,
            Some(f) => ed.or(f, ne),
        });
    }
    let Some(fail) = fail else { return };
    ed.split_check(fail, before);
    let (t, viol) = guards::violation_fn(ed);
    ed.call(t, viol, &report);
}

/// The `va_list` argument of a call to a C library function that takes one, if `call` is one.
pub fn consumed_va_list<'m>(call: Value<'m>) -> Option<Value<'m>> {
    let name = call.called_value().filter(|c| c.is_function())?.name();
    let (_, i) = VA_LIST_CONSUMERS.iter().find(|(n, _)| *n == name)?;
    call.call_args().get(*i).copied()
}

/// Checks, in `f`, that its `va_list` parameters point into a native stack (one check that
/// ends the entry block) and that each `va_list` handed to the C library that is not known to
/// live there does (right before the call). Run before the accesses are collected: the
/// parameters' check is what makes reads through them `va_list` reads. `report(at)` gives the
/// report's operands for a check at `at`.
pub fn guard_va_lists<'m>(ed: &Editor<'m>, f: Value<'m>, report: &mut dyn FnMut(&Editor<'m>, Value<'m>) -> [Value<'m>; 3], stats: &mut Stats) {
    let params: Vec<Value<'m>> = f.params().into_iter().filter(|p| p.param_has_attribute(VA_LIST_PARAM)).collect();
    if !params.is_empty() {
        let entry = f.blocks()[0];
        let first = entry.instructions().find(|i| i.opcode() != Some(Opcode::LLVMAlloca)).expect("a block ends in a terminator");
        check_native(ed, &params, first, report(ed, first));
        stats.add("guards-va-list-params-checked", params.len() as u64);
    }
    let calls: Vec<(Value<'m>, Value<'m>)> = f.instructions().filter_map(|i| consumed_va_list(i).map(|a| (i, a))).collect();
    for (call, ap) in calls {
        if !is_va_list(ed, ap) {
            check_native(ed, &[ap], call, report(ed, call));
            stats.inc("guards-va-list-arguments-checked");
        }
    }
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
        return checked_at_entry(root);
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
