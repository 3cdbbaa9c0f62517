//! `-confpass-verify`: after instrumentation, an independent walk over the final IR proves that
//! every memory access is guarded by the guard its side needs, or on the proven-safe list.
//!
//! It does not trust the guard placement: it asks LLVM which instructions may touch memory,
//! requires each to be a shape it knows, and for each pointer operand finds the proof in the
//! IR itself — a private mask (`ptrmask(x, 2^K_DATA-1)` + BASE), a public mask (`x | 2^46`), a
//! compare-and-report branch
//! (`p >> K_DATA` / `p >> (K+1)` against BASE, failing into `__confpass_violation`) on the
//! pointer's root that every path to the access passes, within the guard window; or a
//! `__confpass_check_range` call on the same pointer and length just before the access. A
//! failure is an internal error: the guards would have a hole. This is the seed of a binary
//! verifier (it checks IR, not machine code).

use std::collections::HashSet;

use llvm_sys::LLVMIntPredicate;

use super::valist;
use super::walk::{self, Start};
use super::guards::{self, reports, Access, Cfg, Side, Size, BAND_SHIFT, BAND_WIDTH, BASE, CHECK_RANGE, K, K_DATA, PUBLIC_REACH, WINDOW};
use crate::analysis::policy::Policy;
use crate::analysis::taint::Findings;
use crate::diag::{Code, Diagnostic};
use crate::llvm::edit::Editor;
use crate::llvm::{Block, ModuleView, Opcode, Value};
use crate::options::Options;
use crate::stats::Stats;

/// Whether an instruction that `is_it` accepts runs on every path to `inst` shortly before it:
/// in its block or, through other guards' checks (which split blocks), in the blocks before.
fn called_before<'m>(inst: Value<'m>, is_it: impl Fn(Value<'m>) -> bool) -> bool {
    let mut b = inst.parent_block().expect("an instruction");
    let mut upto = Some(inst);
    for _ in 0..8 {
        let before: Vec<Value<'m>> = b.instructions().take_while(|i| Some(*i) != upto).collect();
        if before.iter().rev().take(64).any(|c| is_it(*c)) {
            return true;
        }
        // Up to the block that branched here through a guard's check (its other way reports).
        let Some(pred) = b.single_predecessor() else { return false };
        let succ = pred.successors();
        if !(succ.len() == 2 && succ[1] == b && reports(succ[0])) {
            return false;
        }
        b = pred;
        upto = None;
    }
    false
}


/// What a compare-and-report guard proves of its root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proof {
    /// Private data, within a guard zone.
    Private,
    /// Not the block, within a guard zone.
    Public,
    /// Outside [2^43, 2^46): not the block within `PUBLIC_REACH` (`guards::BAND_SHIFT`); it
    /// also proves `Public`.
    Band,
}

/// Every compare-and-report guard of `root`: what it proves and the block execution
/// continues in when it passes (its single predecessor ends in the guard's branch, whose other
/// successor reports). An access is covered by a guard whose continuation dominates it.
fn checks<'m>(root: Value<'m>) -> Vec<(Proof, Block<'m>)> {
    let mut found = Vec::new();
    for pi in root.users().filter(|u| u.opcode() == Some(Opcode::LLVMPtrToInt)) {
        let Some(def_block) = pi.parent_block() else { continue };
        for sh in pi.users().filter(|u| u.opcode() == Some(Opcode::LLVMLShr)) {
            let Some(shift) = sh.operands().nth(1).and_then(|c| c.const_int()) else { continue };
            for cmp in sh.users() {
                let ops: Vec<Value<'m>> = cmp.operands().collect();
                let against = ops.get(1).and_then(|c| c.const_int());
                let (side, cond) = match (shift as u64, cmp.icmp_predicate()) {
                    (s, Some(LLVMIntPredicate::LLVMIntEQ)) if s == K + 1 && against == Some((BASE >> (K + 1)) as i64) => (Proof::Public, cmp),
                    // fail = (p >> BAND_SHIFT) + (-1) <u BAND_WIDTH
                    (s, _) if s == BAND_SHIFT && cmp.opcode() == Some(Opcode::LLVMAdd) && against == Some(-1) => {
                        let Some(band) = cmp.users().find(|c| {
                            c.icmp_predicate() == Some(LLVMIntPredicate::LLVMIntULT)
                                && c.operands().next() == Some(cmp)
                                && c.operands().nth(1).and_then(|w| w.const_int()) == Some(BAND_WIDTH as i64)
                        }) else {
                            continue;
                        };
                        (Proof::Band, band)
                    }
                    (s, Some(LLVMIntPredicate::LLVMIntNE)) if s == K_DATA && against == Some((BASE >> K_DATA) as i64) => {
                        // fail = outside && p != 0
                        let Some(and) = cmp.users().find(|a| {
                            a.opcode() == Some(Opcode::LLVMAnd)
                                && a.operands().any(|o| {
                                    o.icmp_predicate() == Some(LLVMIntPredicate::LLVMIntNE)
                                        && o.operands().next() == Some(pi)
                                        && o.operands().nth(1).and_then(|z| z.const_int()) == Some(0)
                                })
                        }) else {
                            continue;
                        };
                        (Proof::Private, and)
                    }
                    _ => continue,
                };
                let Some(t) = def_block.terminator() else { continue };
                let succ = def_block.successors();
                if t.opcode() == Some(Opcode::LLVMBr) && t.branch_condition() == Some(cond) && succ.len() == 2 && reports(succ[0]) {
                    found.push((side, succ[1]));
                }
            }
        }
    }
    found
}

/// Whether a guard of `side` on `root` dominates block `at`.
fn checked_at<'m>(cfg: &Cfg<'m>, root: Value<'m>, side: Side, at: Block<'m>) -> bool {
    let proves = |p: Proof| match side {
        Side::Private => p == Proof::Private,
        Side::Public => p == Proof::Public || p == Proof::Band,
    };
    checks(root).iter().any(|(p, cont)| proves(*p) && cfg.dominates(*cont, at))
}

/// Whether a band compare of `root` dominates block `at`.
fn band_checked_at<'m>(cfg: &Cfg<'m>, root: Value<'m>, at: Block<'m>) -> bool {
    checks(root).iter().any(|(p, cont)| *p == Proof::Band && cfg.dominates(*cont, at))
}

/// A public phi (or select) whose every value lies outside [2^43, 2^46) (`guards::BAND_SHIFT`)
/// with `reach` bytes to spare within `PUBLIC_REACH`: each value is made by offsets of bounded
/// width from a root with a band compare that dominates the edge it arrives by, or from null
/// (or, under the layout check, a global or function), through nested phis; a value that
/// comes back around a loop unchanged is covered by the ones that entered it.
fn phi_band_covered<'m>(ed: &Editor<'m>, cfg: &Cfg<'m>, v: Value<'m>, reach: u64, layout: bool) -> bool {
    fn walk<'m>(ed: &Editor<'m>, cfg: &Cfg<'m>, v: Value<'m>, reach: u64, layout: bool, path: &mut Vec<(Value<'m>, u64)>, visits: &mut usize) -> bool {
        *visits += 1;
        let Some(arrivals) = guards::arrivals(v).filter(|_| path.len() < guards::PHI_DEPTH && *visits <= guards::PHI_VISITS) else { return false };
        path.push((v, reach));
        let steps = guards::Steps::Wide { layout };
        let ok = arrivals.into_iter().all(|(x, from)| {
            let (root, d) = steps.of(ed, x);
            let grown = reach.saturating_add(d);
            if grown > PUBLIC_REACH {
                false
            } else if !root.is_instruction() && !root.is_argument() {
                steps.constant_ok(root, 0, 0)
            } else if let Some(&(_, entered)) = path.iter().find(|(p, _)| *p == root) {
                d == 0 && entered == reach // no step anywhere around the cycle
            } else {
                band_checked_at(cfg, root, from) || walk(ed, cfg, root, grown, layout, path, visits)
            }
        });
        path.pop();
        ok
    }
    walk(ed, cfg, v, reach, layout, &mut Vec::new(), &mut 0)
}

/// If `root` is a private mask, the offset the mask adds (BASE) is folded into `off` by the
/// root search: the masked pointer and the offset relative to the masked base.
fn masked<'m>(ed: &Editor<'m>, root: Value<'m>, off: i64) -> Option<(Value<'m>, i64)> {
    let is_mask = guards::is_private_mask;
    if is_mask(root) {
        return Some((root.call_args()[0], off.wrapping_sub(BASE as i64)));
    }
    // The BASE step was not folded: `gep i8 (ptrmask …), BASE` is the root.
    if root.opcode() == Some(Opcode::LLVMGetElementPtr) {
        let m = root.operands().next()?;
        let (inner, step) = ed.root_and_offset(root);
        if inner == m && is_mask(m) && step == BASE as i64 {
            return Some((m.call_args()[0], off));
        }
    }
    None
}

/// If an access of `n` bytes at `ptr` lies at offsets of bounded width (facts about bits, see
/// `Editor::root_and_width_range`) within `PUBLIC_REACH` of a public mask: the pointer masked.
fn public_masked_width<'m>(ed: &Editor<'m>, ptr: Value<'m>, n: u64) -> Option<Value<'m>> {
    let (root, lo, hi) = ed.root_and_width_range(ptr);
    (lo.unsigned_abs().max(hi.unsigned_abs()).checked_add(n)? <= PUBLIC_REACH).then(|| guards::public_masked(root)).flatten()
}

/// A `memcpy`/`memset` whose pointer operand `ptr` is masked to its side (no offset after the
/// mask) and whose length is capped for that side (`guards::length_cap`).
fn masked_range<'m>(ed: &Editor<'m>, ptr: Value<'m>, inst: Value<'m>, taint: &Findings<'m>) -> bool {
    let side = if let Some(orig) = guards::public_masked(ptr) {
        Some((orig, Side::Public))
    } else {
        let (root, off) = ed.root_and_offset(ptr);
        masked(ed, root, off).filter(|(_, off)| *off == 0).map(|(orig, _)| (orig, Side::Private))
    };
    let Some((_, side)) = side.filter(|(orig, sd)| guards::side(*orig, taint) == *sd) else { return false };
    let cap = guards::length_cap(side) as i64;
    let Some(len) = inst.call_args().get(2).copied() else { return false };
    // The length's smallest cap, through the `and`s of both operands' guards.
    let mut v = len;
    let mut smallest = i64::MAX;
    for _ in 0..4 {
        if let Some(n) = v.const_int() {
            smallest = smallest.min(if n < 0 { i64::MAX } else { n });
            break;
        }
        let ops: Vec<Value<'m>> = v.operands().collect();
        match (v.opcode(), ops.get(1).and_then(|c| c.const_int())) {
            (Some(Opcode::LLVMAnd), Some(c)) if c >= 0 => {
                smallest = smallest.min(c);
                v = ops[0];
            }
            _ => break,
        }
    }
    let capped = smallest <= cap;
    inst.called_value().is_some_and(|c| c.name().starts_with("llvm.mem")) && capped
}

/// A run-time range check of (`ptr`, `len`) for `side` right before `inst` (among the calls
/// and casts inserted there).
fn range_checked<'m>(inst: Value<'m>, ptr: Value<'m>, len: Value<'m>, side: Side) -> bool {
    let Some(b) = inst.parent_block() else { return false };
    let before: Vec<Value<'m>> = b.instructions().take_while(|i| *i != inst).collect();
    before.iter().rev().take(16).any(|c| {
        if c.called_value().is_none_or(|f| f.name() != CHECK_RANGE) {
            return false;
        }
        let a = c.call_args();
        // The cast the check was given: an instruction, or a constant expression (a global).
        let strip = |v: Value<'m>| {
            if matches!(v.opcode().or(v.const_expr_opcode()), Some(Opcode::LLVMPtrToInt | Opcode::LLVMZExt)) {
                v.operands().next()
            } else {
                Some(v)
            }
        };
        // (A null pointer's cast folds to the constant 0: `mmap(NULL, n, …)`.)
        let same_ptr = strip(a[0]) == Some(ptr) || (ptr.is_null_constant() && a[0].const_int() == Some(0));
        same_ptr && (a[1] == len || strip(a[1]) == Some(len)) && a[2].const_int() == Some(i64::from(side == Side::Private))
    })
}

/// A phi (or select) whose every value is near a root compared on the way in (the guard
/// dominates the edge the value arrives by), through nested phis, all within the window; a
/// value that comes back around a loop unchanged is covered by the ones that entered it.
fn phi_covered<'m>(ed: &Editor<'m>, cfg: &Cfg<'m>, v: Value<'m>, side: Side, reach: u64) -> bool {
    fn walk<'m>(ed: &Editor<'m>, cfg: &Cfg<'m>, v: Value<'m>, side: Side, reach: u64, path: &mut Vec<(Value<'m>, u64)>, visits: &mut usize) -> bool {
        *visits += 1;
        let Some(arrivals) = guards::arrivals(v).filter(|_| path.len() < guards::PHI_DEPTH && *visits <= guards::PHI_VISITS) else { return false };
        path.push((v, reach));
        let ok = arrivals.into_iter().all(|(x, from)| {
            let (root, d) = guards::reach(ed, x, 0);
            let grown = reach.saturating_add(d);
            if grown > WINDOW {
                false
            } else if !root.is_instruction() && !root.is_argument() {
                true
            } else if let Some(&(_, entered)) = path.iter().find(|(p, _)| *p == root) {
                d == 0 && entered == reach // no step anywhere around the cycle
            } else {
                checked_at(cfg, root, side, from) || walk(ed, cfg, root, side, grown, path, visits)
            }
        });
        path.pop();
        ok
    }
    walk(ed, cfg, v, side, reach, &mut Vec::new(), &mut 0)
}

/// Whether the pointer a loop walk starts from is covered where the loop is entered from
/// `from`, for accesses reaching `reach` bytes from it.
fn start_covered<'m>(ed: &Editor<'m>, cfg: &Cfg<'m>, ptr: Value<'m>, side: Side, from: Block<'m>, reach: u64) -> bool {
    let (root, d) = guards::reach(ed, ptr, reach);
    if d <= WINDOW {
        (!root.is_instruction() && !root.is_argument()) || checked_at(cfg, root, side, from) || phi_covered(ed, cfg, root, side, d)
    } else {
        reach <= WINDOW && (checked_at(cfg, ptr, side, from) || phi_covered(ed, cfg, ptr, side, reach))
    }
}

/// An access in block `at` through a pointer that walks with a loop (see `walk`), reaching
/// `reach` bytes from it: every start of the walk is covered where the loop is entered.
fn walk_covered<'m>(ed: &Editor<'m>, cfg: &Cfg<'m>, root: Value<'m>, side: Side, at: Block<'m>, reach: u64) -> bool {
    let Some(w) = walk::walk(ed, cfg, root) else { return false };
    w.covers(cfg, at, reach)
        && w.starts.iter().all(|(start, from)| match (walk::constant_start(start), start) {
            (Some(e), Start::Index { base, .. }) => start_covered(ed, cfg, *base, side, *from, w.reach(reach) + e.unsigned_abs()),
            (_, Start::Pointer(x)) => start_covered(ed, cfg, *x, side, *from, w.reach(reach)),
            _ => walk::find_starts(ed, start).into_iter().any(|q| start_covered(ed, cfg, q, side, *from, w.reach(reach))),
        })
}

/// Proves every access; returns one internal error per access without a proof.
pub fn check<'m>(ed: &Editor<'m>, view: &ModuleView<'m>, taint: &Findings<'m>, policy: &Policy, opts: &Options, stats: &mut Stats) -> Vec<Diagnostic<Value<'m>>> {
    let mut diags = Vec::new();
    let fail = |inst: Value<'m>, what: String| Diagnostic::error(Code::InternalError, Some(inst), format!("confpass verifier: {what}; please report"));
    // Public globals need no guard only where the module checks the layout at start-up.
    let layout = guards::layout_checked(view);
    for f in view.functions().filter(|f| !f.is_declaration() && !guards::is_confpass_function(&f.name())) {
        let mut proven = 0u64;
        let cfg = Cfg::new(f);
        let mut reported: HashSet<Value<'m>> = HashSet::new();
        for inst in f.instructions() {
            if !ed.may_access_memory(inst) {
                continue;
            }
            let sites = match guards::sites(ed, inst, policy) {
                Ok(s) => s,
                Err(msg) => {
                    diags.push(fail(inst, msg));
                    continue;
                }
            };
            if sites.is_empty() {
                // Only shapes that touch no program memory through an address may have no site.
                let known = match inst.opcode() {
                    Some(Opcode::LLVMFence | Opcode::LLVMVAArg) => true,
                    Some(Opcode::LLVMCall | Opcode::LLVMInvoke | Opcode::LLVMCallBr) => {
                        let c = inst.called_value().expect("callee");
                        c.is_inline_asm()
                            || (c.is_function()
                                && (!c.is_declaration()
                                    || guards::is_confpass_function(&c.name())
                                    || c.name().starts_with("llvm.")
                                    || !guards::is_library_function(&c.name(), policy)))
                            || inst.call_args().iter().all(|a| a.ty().pointer_address_space().is_none())
                    }
                    _ => false,
                };
                if !known {
                    diags.push(fail(inst, format!("instruction touches memory in a way the guards do not know: {inst:?}")));
                }
                continue;
            }
            // A va_list handed to the C library must live on a native stack (see `valist`).
            if let Some(ap) = valist::consumed_va_list(inst) {
                let b = inst.parent_block().expect("an instruction");
                if (opts.mode.guards_loads() || opts.mode.guards_stores()) && !valist::is_va_list(ed, ap) && !valist::native_check_continuations(ap).iter().any(|c| cfg.dominates(*c, b)) {
                    diags.push(fail(inst, format!("a va_list is handed to the C library without a check that it lives on a native stack: {inst:?}")));
                }
            }
            // Arrays a library function accesses anywhere need the runtime's check before the call.
            if let Some(name) = inst.called_value().filter(|c| c.is_function()).map(|c| c.name()) {
                if let Some(&(_, at, _, _)) = guards::ARRAYS.iter().find(|(n, _, _, _)| *n == name) {
                    let p = inst.call_args().get(at).copied();
                    let found = called_before(inst, |c| {
                        c.called_value().is_some_and(|f| f.name() == guards::CHECK_ARRAY) && c.call_args().first().and_then(|a| a.operands().next()) == p
                    });
                    if !found && (opts.mode.guards_loads() || opts.mode.guards_stores()) {
                        diags.push(fail(inst, format!("'{name}' is called without checking the array it is given")));
                    }
                }
            }
            // Buffers described in memory go through the runtime's wrappers (a checked copy).
            if let Some(name) = inst.called_value().filter(|c| c.is_function()).map(|c| c.name()) {
                if (opts.mode.guards_loads() || opts.mode.guards_stores()) && guards::WRAPPED.iter().any(|(n, _)| *n == name) && !guards::HANDLER_TAKERS.contains(&name.as_str()) {
                    diags.push(fail(inst, format!("'{name}' is called directly, not through the runtime's wrapper that checks a copy of what it reads from memory")));
                }
            }
            for s in sites {
                let on = match s.access {
                    Access::Load => opts.mode.guards_loads(),
                    Access::Store => opts.mode.guards_stores(),
                    Access::Any => opts.mode.guards_loads() || opts.mode.guards_stores(),
                };
                if !on || guards::proven_safe(ed, f, s.ptr, s.size, layout).is_some() {
                    proven += 1;
                    continue;
                }
                let ok = match s.size {
                    Size::Fixed(n) if n <= WINDOW => {
                        let (root, off) = ed.root_and_offset(s.ptr);
                        let (checked_root, lo, hi) = ed.root_and_range_within(s.ptr, WINDOW);
                        // A range too wide for one window: the access's own pointer is its root.
                        let (checked_root, lo, hi) =
                            if lo.unsigned_abs().max(hi.unsigned_abs()) + n <= WINDOW { (checked_root, lo, hi) } else { (s.ptr, 0, 0) };
                        if let Some((orig, off)) = masked(ed, root, off) {
                            off.unsigned_abs() + n <= WINDOW && guards::side(orig, taint) == Side::Private
                        } else if let Some(orig) = guards::public_masked(root) {
                            off.unsigned_abs() + n <= WINDOW && guards::side(orig, taint) == Side::Public
                        } else if let Some(orig) = public_masked_width(ed, s.ptr, n) {
                            // Offsets of bounded width from a public mask (guards::PUBLIC_REACH).
                            guards::side(orig, taint) == Side::Public
                        } else {
                            let reach = lo.unsigned_abs().max(hi.unsigned_abs()) + n;
                            let side = guards::side(checked_root, taint);
                            let at = s.inst.parent_block().expect("an instruction");
                            // Offsets of bounded width from a public phi whose values all have
                            // band compares (guards::BAND_SHIFT).
                            let (band_root, blo, bhi) = ed.root_and_width_range(s.ptr);
                            let band_reach = blo.unsigned_abs().max(bhi.unsigned_abs()).saturating_add(n);
                            let banded = || {
                                band_reach <= PUBLIC_REACH
                                    && guards::side(s.ptr, taint) == Side::Public
                                    && guards::side(band_root, taint) == Side::Public
                                    && phi_band_covered(ed, &cfg, band_root, band_reach, layout)
                            };
                            (reach <= WINDOW
                                && (checked_at(&cfg, checked_root, side, at)
                                    || phi_covered(ed, &cfg, checked_root, side, reach)
                                    || walk_covered(ed, &cfg, checked_root, side, at, reach)))
                                || banded()
                        }
                    }
                    Size::Fixed(n) => {
                        range_checked(s.inst, s.ptr, ed.const_int(ed.int(64), n), guards::side(s.ptr, taint)) || masked_range(ed, s.ptr, s.inst, taint)
                    }
                    Size::Dynamic(len) => range_checked(s.inst, s.ptr, len, guards::side(s.ptr, taint)) || masked_range(ed, s.ptr, s.inst, taint),
                };
                if ok {
                    proven += 1;
                } else if reported.insert(s.inst) {
                    diags.push(fail(s.inst, format!("access through operand {} is not guarded: {:?}", s.operand, s.inst)));
                }
            }
        }
        stats.add("verified-accesses", proven);
    }
    diags
}
