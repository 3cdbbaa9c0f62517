//! Taint-aware control-flow integrity.
//!
//! **Forward edges** use LLVM's KCFI machinery: the module gets the `kcfi` flag, every function
//! that an indirect call may legitimately reach gets `!kcfi_type` (an id the backend places
//! right before its entry), and every indirect call gets a `"kcfi"` operand bundle with the id
//! it expects; the backend compares the two before the call and executes `ud2` on a mismatch,
//! which the runtime reports as `confpass: violation: cfi-indirect-call`.
//!
//! The id hashes the **taint signature** — which parameters are private (a `private` pointer,
//! or a scalar named by `CONF_PRIVATE_ARGS`) and whether the result is — not the C type: real C
//! calls through cast function-pointer types (stock `-fsanitize=kcfi` stops sqlite at once).
//! A function that declassifies gets an id of its own (its name is part of the hash) while its
//! address stays where the compiler sees every use (a constant table, a choice between
//! functions that is only called): a hijacked pointer cannot reach it, only calls whose
//! possible targets are known and all share that id. Once its address goes into writable memory
//! or to another function (a callback given to the C library), calls the compiler cannot see
//! must reach it, and it gets its signature's id (counted in the statistics: a known limit).
//! A function whose address is never
//! taken gets no id at all and is no target. An externally visible function is reached through
//! a shared stub (`__confpass_cfi.<name>`, see the shim), so that library functions whose
//! address is taken (`&strlen` in a table) are targets too and pointers still compare equal
//! across files.
//!
//! **Backward edges**: a parallel shadow stack in the runtime region (runtime/src/shadow.rs):
//! the copy of the return address in native stack slot `s` lives at the same offset in the
//! runtime region as `s` in the private region, where no guarded store can reach. Each
//! function that can corrupt its own frame (it calls something or stores through a pointer not
//! proven in bounds) copies its return address there at entry and, before each return,
//! compares the slot with the copy. No shadow stack pointer: threads, signal handlers,
//! `longjmp` and `fork` need nothing.

use std::collections::HashSet;

use llvm_sys::LLVMIntPredicate;

use super::guards::{self, BASE, K, PRIVATE_MASK};
use crate::analysis::annotations::Signatures;
use crate::analysis::taint::{address_taken, DECLASSIFY_BYTES, DECLASSIFY_SCALAR};
use crate::analysis::PRIVATE_AS;
use crate::llvm::edit::Editor;
use crate::llvm::{BorrowedModule, FlagMerge, ModuleView, Opcode, Type, Value};
use crate::stats::Stats;

/// Calls whose possible targets are known but carry different ids compare the callee with each
/// target, up to this many; beyond, they expect their signature's id.
const MAX_COMPARED_TARGETS: usize = 16;
/// Start of the runtime region, which mirrors the private region (the shadow stack).
const RT_BASE: u64 = BASE + (1 << K);
/// The copies sit this far past the mirror image of their slot: an exact mirror (a multiple of
/// 4 KiB away) makes every copy alias its slot in the low 12 address bits, which the CPU's
/// memory disambiguation treats as a possible dependence ("4K aliasing"). Keep in sync with
/// runtime/src/shadow.rs.
const SKEW: u64 = 2112;

/// A stable 32-bit id (FNV-1a) of a taint signature.
fn hash(text: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

fn signature_id(private_params: &[usize], returns_private: bool, declassifier: Option<&str>) -> u32 {
    let params: Vec<String> = private_params.iter().map(|i| i.to_string()).collect();
    let mut text = format!("confpass-cfi:params[{}]:ret[{}]", params.join(","), if returns_private { "private" } else { "public" });
    if let Some(name) = declassifier {
        text += &format!(":declassifies:{name}");
    }
    hash(&text)
}

fn is_private_ptr(v: Value<'_>) -> bool {
    v.ty().pointer_address_space() == Some(PRIVATE_AS)
}

/// The functions of the module that declassify: they call a declassification function, or a
/// function of the module that does (a helper), transitively.
fn declassifiers<'m>(view: &ModuleView<'m>) -> HashSet<Value<'m>> {
    let mut set: HashSet<Value<'m>> = HashSet::new();
    let defined: Vec<Value<'m>> = view.functions().filter(|f| !f.is_declaration()).collect();
    loop {
        let before = set.len();
        for &f in &defined {
            if set.contains(&f) {
                continue;
            }
            let declassifies = f.instructions().any(|i| {
                i.called_value().filter(|c| c.is_function()).is_some_and(|c| {
                    let n = c.name();
                    n == DECLASSIFY_BYTES || DECLASSIFY_SCALAR.contains(&n.as_str()) || set.contains(&c)
                })
            });
            if declassifies {
                set.insert(f);
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

/// The function a CFI stub stands for (the stub itself for anything else).
fn behind_stub(f: Value<'_>) -> Value<'_> {
    if !f.name().starts_with("__confpass_cfi.") {
        return f;
    }
    f.instructions().find_map(|i| i.called_value().filter(|c| c.is_function())).unwrap_or(f)
}

/// Whether every use of `f`'s address keeps the set of its callers known: a constant table, or
/// a choice between functions that is only called. Then a declassifying function can get an id
/// of its own. Once its address goes into writable memory or to another function (a callback
/// handed to the C library), calls the compiler cannot see must reach it.
fn address_stays_known(f: Value<'_>) -> bool {
    fn constant_ok(c: Value<'_>, depth: u32) -> bool {
        depth < 8
            && c.users().all(|u| {
                if u.is_global_variable() {
                    u.is_constant_global() || matches!(u.name().as_str(), "llvm.used" | "llvm.compiler.used" | "llvm.global.annotations")
                } else if u.is_instruction() {
                    false
                } else {
                    constant_ok(u, depth + 1)
                }
            })
    }
    f.users().all(|u| {
        if u.is_instruction() {
            match u.opcode() {
                Some(Opcode::LLVMCall | Opcode::LLVMInvoke) => u.called_value() == Some(f) && !u.call_args().contains(&f),
                Some(Opcode::LLVMSelect | Opcode::LLVMPHI) => u.users().all(|c| c.called_value() == Some(u) && !c.call_args().contains(&u)),
                _ => false,
            }
        } else if u.is_global_variable() {
            u.is_constant_global() || matches!(u.name().as_str(), "llvm.used" | "llvm.compiler.used" | "llvm.global.annotations")
        } else {
            constant_ok(u, 0)
        }
    })
}

/// The id of function `f` (or of the function behind a stub) as a target.
fn target_id<'m>(f: Value<'m>, sigs: &Signatures<'m>, declassifying: &HashSet<Value<'m>>) -> u32 {
    let f = behind_stub(f);
    let sig = sigs.get(&f).cloned().unwrap_or_default();
    let mut private: Vec<usize> = f.params().iter().enumerate().filter(|(_, p)| is_private_ptr(**p)).map(|(i, _)| i).collect();
    private.extend(sig.private_args.iter().copied());
    private.sort_unstable();
    private.dedup();
    let returns_private = sig.returns_private || f.return_type().is_some_and(|t| t.pointer_address_space() == Some(PRIVATE_AS));
    let name = f.name();
    let own = declassifying.contains(&f) && address_stays_known(f);
    signature_id(&private, returns_private, own.then_some(name.as_str()))
}

/// The functions an indirect callee can be, when the program fixes them: a choice between
/// functions, or an entry of a constant table.
fn known_targets<'m>(callee: Value<'m>, depth: u32) -> Option<Vec<Value<'m>>> {
    if depth > 4 {
        return None;
    }
    if callee.is_function() {
        return Some(vec![callee]);
    }
    match callee.opcode() {
        Some(Opcode::LLVMSelect) => {
            let mut all = Vec::new();
            for v in callee.operands().skip(1) {
                all.extend(known_targets(v, depth + 1)?);
            }
            Some(all)
        }
        Some(Opcode::LLVMPHI) => {
            let mut all = Vec::new();
            for (v, _) in callee.incoming() {
                all.extend(known_targets(v, depth + 1)?);
            }
            Some(all)
        }
        Some(Opcode::LLVMLoad) => {
            let mut p = callee.operands().next()?;
            while p.opcode() == Some(Opcode::LLVMGetElementPtr) {
                p = p.operands().next()?;
            }
            if !p.is_global_variable() || !p.is_constant_global() {
                return None;
            }
            let mut all = Vec::new();
            let mut work = vec![p.initializer()?];
            while let Some(c) = work.pop() {
                if c.is_function() {
                    all.push(c);
                } else {
                    work.extend(c.operands());
                }
            }
            (!all.is_empty()).then_some(all)
        }
        _ => None,
    }
}

/// Applies CFI to the module.
pub fn apply<'m>(module: &BorrowedModule<'_>, ed: &Editor<'m>, view: &ModuleView<'m>, sigs: &Signatures<'m>, stats: &mut Stats) {
    module.set_flag_u32("kcfi", 1, FlagMerge::Override);
    let declassifying = declassifiers(view);
    // Targets: every function whose address is taken.
    let mut stubbed = HashSet::new();
    for f in view.functions().collect::<Vec<_>>() {
        let name = f.name();
        if f.is_intrinsic() || guards::is_confpass_function(&name) || !address_taken(f) {
            continue;
        }
        let id = target_id(f, sigs, &declassifying);
        if declassifying.contains(&f) && !address_stays_known(f) {
            stats.inc("cfi-declassifiers-reachable-by-signature");
        }
        if f.is_internal() {
            ed.set_kcfi_type(f, id);
            stats.inc("cfi-targets-internal");
        } else if !f.is_var_arg_function() {
            let stub = ed.cfi_stub(f, id);
            stubbed.insert(stub);
            stats.inc("cfi-targets-through-stubs");
        } else if !f.is_declaration() {
            ed.set_kcfi_type(f, id);
            stats.inc("cfi-targets-variadic");
        } else {
            stats.inc("cfi-variadic-library-functions-not-targets");
        }
    }
    // Indirect calls.
    let (violation_t, violation) = guards::violation_fn(ed);
    let violation_kind = ed.const_c_string("__confpass.msg.cfi_call", "cfi-indirect-call (the target is none of the functions this call can reach)");
    for f in view.functions().filter(|f| !f.is_declaration() && !guards::is_confpass_function(&f.name())).collect::<Vec<_>>() {
        let calls: Vec<Value<'m>> = f
            .instructions()
            .filter(|i| matches!(i.opcode(), Some(Opcode::LLVMCall | Opcode::LLVMInvoke)))
            .filter(|i| i.called_value().is_some_and(|c| !c.is_function() && !c.is_inline_asm()))
            .collect();
        for call in calls {
            let callee = call.called_value().expect("a call");
            let known = known_targets(callee, 0);
            let ids: Option<HashSet<u32>> = known.as_ref().map(|ts| ts.iter().map(|t| target_id(*t, sigs, &declassifying)).collect());
            match (known, ids) {
                (Some(_), Some(ids)) if ids.len() == 1 => {
                    ed.add_kcfi_bundle(call, ids.into_iter().next().expect("one id"));
                    stats.inc("cfi-calls-known-targets");
                }
                (Some(mut targets), Some(_)) if targets.len() <= MAX_COMPARED_TARGETS => {
                    // Targets of different ids (a table of commands, one of them declassifies):
                    // the callee must be one of them, compared one by one.
                    targets.sort_by_key(|t| t.name());
                    targets.dedup();
                    ed.position_before(call);
                    let ci = ed.ptrtoint(callee);
                    let mut fail = None;
                    for t in &targets {
                        let ne = ed.icmp(LLVMIntPredicate::LLVMIntNE, ci, ed.ptrtoint(*t));
                        fail = Some(match fail {
                            None => ne,
                            Some(f) => ed.and(f, ne),
                        });
                    }
                    ed.split_check(fail.expect("at least one target"), call);
                    let [kind, file] = [violation_kind, ed.const_c_string(&format!("__confpass.fn.{}.call", f.name()), &format!("function {}", f.name()))];
                    ed.call(violation_t, violation, &[kind, file, ed.const_int(ed.int(32), 0)]);
                    stats.inc("cfi-calls-compared-with-their-targets");
                }
                _ => {
                    let private: Vec<usize> = call.call_args().iter().enumerate().filter(|(_, a)| is_private_ptr(**a)).map(|(i, _)| i).collect();
                    ed.add_kcfi_bundle(call, signature_id(&private, is_private_ptr(call), None));
                    stats.inc("cfi-calls-by-signature");
                }
            }
        }
    }
    indirect_branches(ed, view, violation_t, violation, stats);
    shadow_stack(ed, view, &stubbed, (violation_t, violation), stats);
}

/// Computed gotos (`goto *p`, `indirectbr`) may only reach their own destinations. The common
/// shape, a destination loaded from a constant table by index (an interpreter's dispatch
/// table), gets a bounds check of the index (the table holds only destinations); a small set of
/// destinations is compared one by one; anything else is counted as unchecked.
fn indirect_branches<'m>(ed: &Editor<'m>, view: &ModuleView<'m>, violation_t: Type<'m>, violation: Value<'m>, stats: &mut Stats) {
    let kind = ed.const_c_string("__confpass.msg.cfi_goto", "cfi-indirect-branch (a computed goto to a place that is not one of its destinations)");
    let i64t = ed.int(64);
    for f in view.functions().filter(|f| !f.is_declaration() && !guards::is_confpass_function(&f.name())).collect::<Vec<_>>() {
        let branches: Vec<Value<'m>> = f.instructions().filter(|i| i.opcode() == Some(Opcode::LLVMIndirectBr)).collect();
        for br in branches {
            let addr = br.operands().next().expect("indirectbr address");
            let dests: Vec<Value<'m>> = br.operands().skip(1).collect();
            // load (gep ptr, @table, i) from a constant table of pointers
            let table_index = (addr.opcode() == Some(Opcode::LLVMLoad))
                .then(|| addr.operands().next())
                .flatten()
                .filter(|g| g.opcode() == Some(Opcode::LLVMGetElementPtr) && g.operands().count() == 2)
                .and_then(|g| {
                    let mut ops = g.operands();
                    let table = ops.next()?;
                    let index = ops.next()?;
                    let entries = table.is_constant_global().then(|| ed.size_of(ed.value_type(table)) / 8)?;
                    (ed.size_of(addr.ty()) == 8 && g.gep_source_element_size(ed) == Some(8)).then_some((index, entries))
                });
            let file = ed.const_c_string(&format!("__confpass.fn.{}.goto", f.name()), &format!("function {}", f.name()));
            let fail = if let Some((index, entries)) = table_index {
                let load = addr;
                ed.position_before(load);
                let i = ed.sext_or_self(index, i64t);
                let bad = ed.icmp(LLVMIntPredicate::LLVMIntUGE, i, ed.const_int(i64t, entries));
                ed.split_check(bad, load);
                stats.inc("cfi-indirect-branches-table-checked");
                None
            } else if dests.len() <= MAX_COMPARED_TARGETS {
                ed.position_before(br);
                let ai = ed.ptrtoint(addr);
                let mut fail = None;
                for d in &dests {
                    let ne = ed.icmp(LLVMIntPredicate::LLVMIntNE, ai, ed.ptrtoint(ed.block_address(f, *d)));
                    fail = Some(match fail {
                        None => ne,
                        Some(x) => ed.and(x, ne),
                    });
                }
                stats.inc("cfi-indirect-branches-compared");
                fail.map(|c| (c, br))
            } else {
                stats.inc("cfi-indirect-branches-unchecked");
                continue;
            };
            if let Some((c, at)) = fail {
                ed.split_check(c, at);
            }
            ed.call(violation_t, violation, &[kind, file, ed.const_int(ed.int(32), 0)]);
        }
    }
}

/// Whether a function can corrupt its own return address: it calls something (whose frames
/// sit below its own) or stores through a pointer not proven in bounds.
fn needs_shadow<'m>(ed: &Editor<'m>, f: Value<'m>) -> bool {
    f.instructions().any(|i| match i.opcode() {
        Some(Opcode::LLVMCall | Opcode::LLVMInvoke | Opcode::LLVMCallBr) => {
            let c = i.called_value().expect("a call");
            let name = if c.is_function() { c.name() } else { String::new() };
            // Intrinsics (but memcpy and co.) and the runtime's checks and reports are no calls
            // whose frames could reach this one.
            !((name.starts_with("llvm.") && !name.starts_with("llvm.mem")) || guards::is_confpass_function(&name))
        }
        Some(Opcode::LLVMStore) => {
            let p = i.operands().nth(1).expect("store address");
            guards::proven_safe(ed, f, p, guards::Size::Fixed(ed.size_of(i.operands().next().expect("value").ty()))).is_none()
        }
        Some(Opcode::LLVMAtomicRMW | Opcode::LLVMAtomicCmpXchg) => true,
        _ => false,
    })
}

/// The copy of the return address whose slot is `slot`: the runtime region mirrors the private
/// region, so a native stack slot's copy is at `(slot & (2^K - 1)) + RT_BASE`.
fn shadow_of<'m>(ed: &Editor<'m>, slot: Value<'m>) -> Value<'m> {
    let low = ed.ptrmask(slot, PRIVATE_MASK);
    ed.byte_offset_any(low, (RT_BASE + SKEW) as i64)
}

fn shadow_stack<'m>(ed: &Editor<'m>, view: &ModuleView<'m>, stubs: &HashSet<Value<'m>>, report: (Type<'m>, Value<'m>), stats: &mut Stats) {
    let (violation_t, violation) = report;
    let ptr = ed.ptr(0);
    let i64t = ed.int(64);
    let i32t = ed.int(32);
    let ra_t = ed.function_type(ptr, &[]);
    let ra_fn = ed.function("llvm.addressofreturnaddress.p0", ra_t);
    let kind = ed.const_c_string("__confpass.msg.cfi_return", "cfi-return (the return address in the frame differs from the shadow stack's copy)");
    for f in view.functions().filter(|f| !f.is_declaration() && !guards::is_confpass_function(&f.name()) && !stubs.contains(f)).collect::<Vec<_>>() {
        if f.has_function_attribute("naked") || !needs_shadow(ed, f) {
            stats.inc("cfi-functions-without-shadow-frame");
            continue;
        }
        let file = ed.const_c_string(&format!("__confpass.fn.{}", f.name()), &format!("function {}", f.name()));
        let rets: Vec<Value<'m>> = f.instructions().filter(|i| i.opcode() == Some(Opcode::LLVMRet)).collect();
        ed.position_at_entry(f);
        let slot = ed.call(ra_t, ra_fn, &[]);
        let ra = ed.load(i64t, slot);
        let copy = shadow_of(ed, slot);
        ed.store(ra, copy);
        for r in rets {
            // A musttail call must stay right before its return: check before the call.
            let at = match ed.previous_instruction(r) {
                Some(p) if ed.is_musttail(p) => p,
                _ => r,
            };
            ed.position_before(at);
            let here = ed.call(ra_t, ra_fn, &[]);
            let copy = shadow_of(ed, here);
            let saved = ed.load(i64t, copy);
            let now = ed.load(i64t, here);
            let bad = ed.icmp(LLVMIntPredicate::LLVMIntNE, saved, now);
            ed.split_check(bad, at);
            ed.call(violation_t, violation, &[kind, file, ed.const_int(i32t, 0)]);
        }
        stats.inc("cfi-shadow-frames");
    }
}
