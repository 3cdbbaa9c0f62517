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

use super::guards::{self, BASE, K};
use crate::analysis::annotations::Signatures;
use crate::analysis::taint::{address_taken, DECLASSIFY_BYTES, DECLASSIFY_SCALAR};
use crate::analysis::PRIVATE_AS;
use crate::diag::{Code, Diagnostic};
use crate::llvm::edit::{Editor, Linkage};
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
    // The x86 backend moves an id whose bytes (or whose negation's, in the check) would spell
    // ENDBR64/ENDBR32 by one; doing it here keeps the id the runtime compares equal to the one
    // in the code.
    let id = hash(&text);
    if [0xFA1E_0FF3u32, 0xFB1E_0FF3].iter().any(|&n| id == n || id == n.wrapping_neg()) {
        id.wrapping_add(1)
    } else {
        id
    }
}

/// Library functions that call a function pointer they are given: (name, argument). The
/// library calls it with no KCFI check, so the call into the library checks it instead: the
/// target's id (the 4 bytes before its entry) must be the public signature's, which every
/// address-taken function of public parameters and result has and a declassifier with an id of
/// its own does not. Constants (a function, `SIG_IGN`) need no check.
const CALLBACKS: &[(&str, usize)] = &[
    ("qsort", 3), ("qsort_r", 3), ("bsearch", 4), ("lfind", 4), ("lsearch", 4),
    ("tsearch", 2), ("tfind", 2), ("tdelete", 2), ("twalk", 1), ("twalk_r", 1), ("tdestroy", 1),
    ("signal", 1), ("sigset", 1), ("bsd_signal", 1), ("sysv_signal", 1), ("__sysv_signal", 1),
    ("atexit", 0), ("at_quick_exit", 0), ("on_exit", 0), ("__cxa_atexit", 0),
    ("pthread_create", 2), ("pthread_once", 1), ("pthread_key_create", 1),
    ("pthread_atfork", 0), ("pthread_atfork", 1), ("pthread_atfork", 2),
    ("call_once", 1), ("thrd_create", 1), ("tss_create", 1),
    ("ftw", 1), ("ftw64", 1), ("nftw", 1), ("nftw64", 1), ("glob", 2), ("glob64", 2),
    ("scandir", 2), ("scandir", 3), ("scandir64", 2), ("scandir64", 3), ("scandirat", 3), ("scandirat", 4),
    ("dl_iterate_phdr", 0), ("clone", 0), ("makecontext", 1), ("fts_open", 2), ("fts64_open", 2),
    ("register_printf_specifier", 1), ("register_printf_specifier", 2),
    ("register_printf_function", 1), ("register_printf_function", 2),
    ("_obstack_begin", 3), ("_obstack_begin", 4), ("_obstack_begin_1", 3), ("_obstack_begin_1", 4),
];
pub const CHECK_CALLBACK: &str = "__confpass_check_callback";

/// Uses of a [`CALLBACKS`] function other than direct calls (its address in a table, a call
/// through a pointer): the check is made at direct calls only, so each is an error. (Handlers
/// inside structures go through the runtime's wrappers instead: `guards::WRAPPED`.)
pub fn callback_takers_address_taken<'m>(view: &ModuleView<'m>) -> Vec<Diagnostic<Value<'m>>> {
    let mut out = Vec::new();
    for f in view.functions().filter(|f| f.is_declaration() && CALLBACKS.iter().any(|(n, _)| *n == f.name())) {
        for u in f.users() {
            let direct = u.is_instruction() && u.called_value() == Some(f) && !u.call_args().contains(&f);
            if !direct {
                let at = u.is_instruction().then_some(u);
                let message = format!(
                    "the address of '{}' is taken: confpass checks the function pointer it is given only at direct calls; call it directly",
                    f.name()
                );
                out.push(Diagnostic::error(Code::Unsupported, at, message));
            }
        }
    }
    out
}

/// Checks, before each of `f`'s direct `calls` into the C library, the function pointers it
/// hands over ([`CALLBACKS`]), unless they are constants; `kind` names the violation.
fn check_callbacks<'m>(ed: &Editor<'m>, f: Value<'m>, calls: &[Value<'m>], kind: Value<'m>, stats: &mut Stats) {
    let ptr = ed.ptr(0);
    let i32t = ed.int(32);
    let t = ed.function_type(ed.void(), &[ptr, i32t, ptr, ptr, i32t]);
    let public = signature_id(&[], false, None);
    for &call in calls {
        let name = call.called_value().map(|c| c.name()).unwrap_or_default();
        let args = call.call_args();
        for &(_, at) in CALLBACKS.iter().filter(|(n, _)| *n == name) {
            let Some(&fp) = args.get(at) else { continue };
            // A constant (a function, SIG_IGN, a table the compiler sees) is the program's own
            // choice.
            if !fp.is_instruction() && !fp.is_argument() || known_targets(fp, 0).is_some() {
                stats.inc("cfi-library-callbacks-constant");
                continue;
            }
            let (file, line) = match (call.debug_file(), call.debug_loc()) {
                (Some(file), Some((line, _))) => (file, line),
                _ => (format!("function {}", f.name()), 0),
            };
            ed.position_before(call);
            let file = ed.const_c_string(&format!("__confpass.cb.{}.{}", f.name(), line), &file);
            let c = ed.function(CHECK_CALLBACK, t);
            ed.call(t, c, &[fp, ed.const_int(i32t, u64::from(public)), kind, file, ed.const_int(i32t, u64::from(line))]);
            stats.inc("cfi-library-callbacks-checked");
        }
    }
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
            p = guards::public_masked(p).unwrap_or(p);
            while p.opcode() == Some(Opcode::LLVMGetElementPtr) {
                p = p.operands().next()?;
            }
            // (An index's GEP may have been rebuilt on the table's public mask.)
            p = guards::public_masked(p).unwrap_or(p);
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
pub fn apply<'m>(module: &BorrowedModule<'_>, ed: &Editor<'m>, view: &ModuleView<'m>, sigs: &Signatures<'m>, shadow: bool, stats: &mut Stats) {
    module.set_flag_u32("kcfi", 1, FlagMerge::Override);
    let declassifying = declassifiers(view);
    // Targets: every function whose address is taken.
    let mut stubbed = HashSet::new();
    for f in view.functions().collect::<Vec<_>>() {
        let name = f.name();
        if f.is_intrinsic() || (guards::is_confpass_function(&name) && !guards::is_runtime_wrapper(&name)) || !address_taken(f) {
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
    let callback_kind = ed.const_c_string("__confpass.msg.cfi_callback", "cfi-library-callback (a function pointer handed to the C library is none of the functions it may call)");
    for f in view.functions().filter(|f| !f.is_declaration() && !guards::is_confpass_function(&f.name())).collect::<Vec<_>>() {
        // One walk: direct calls for the callbacks they hand the library, indirect ones for KCFI.
        let (direct, calls): (Vec<Value<'m>>, Vec<Value<'m>>) = f
            .instructions()
            .filter(|i| matches!(i.opcode(), Some(Opcode::LLVMCall | Opcode::LLVMInvoke)))
            .filter(|i| i.called_value().is_some_and(|c| !c.is_inline_asm()))
            .partition(|i| i.called_value().is_some_and(|c| c.is_function()));
        check_callbacks(ed, f, &direct, callback_kind, stats);
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
    if shadow {
        shadow_stack(ed, view, &stubbed, (violation_t, violation), stats);
    } else {
        stats.inc("cfi-returns-protected-by-layout");
    }
}

/// Computed gotos (`goto *p`, `indirectbr`) may only reach their own destinations. The common
/// shape is a destination loaded from a constant table of the function's own block addresses
/// (an interpreter's dispatch table; at -O0 every computed goto of a function meets in one
/// `indirectbr` through a phi, so each value the phi takes is handled on its own):
/// - an index of known range (`op & 7`, facts about bits) gets the table padded to that range with a
///   report block: no check at run time, and the dispatch stays small enough for codegen to
///   duplicate it into every handler;
/// - any other index gets a bounds check before the load;
/// - a block address needs nothing.
///
/// Anything else makes the whole `indirectbr` compare its target with its destinations one by
/// one, however many there are.
fn indirect_branches<'m>(ed: &Editor<'m>, view: &ModuleView<'m>, violation_t: Type<'m>, violation: Value<'m>, stats: &mut Stats) {
    let kind = ed.const_c_string("__confpass.msg.cfi_goto", "cfi-indirect-branch (a computed goto to a place that is not one of its destinations)");
    let i64t = ed.int(64);
    for f in view.functions().filter(|f| !f.is_declaration() && !guards::is_confpass_function(&f.name())).collect::<Vec<_>>() {
        let branches: Vec<Value<'m>> = f.instructions().filter(|i| i.opcode() == Some(Opcode::LLVMIndirectBr)).collect();
        if branches.is_empty() {
            continue;
        }
        let file = ed.const_c_string(&format!("__confpass.fn.{}.goto", f.name()), &format!("function {}", f.name()));
        let mut fail_block = None;
        let mut padded_tables: std::collections::HashMap<(Value<'m>, u64), Value<'m>> = std::collections::HashMap::new();
        for br in branches {
            let addr = br.operands().next().expect("indirectbr address");
            let dests: Vec<Value<'m>> = br.operands().skip(1).collect();
            let sources: Vec<Value<'m>> = if addr.opcode() == Some(Opcode::LLVMPHI) { addr.incoming().into_iter().map(|(v, _)| v).collect() } else { vec![addr] };
            // Every table entry the target can be loaded from, with where its check would go.
            let entries: Option<Vec<(Value<'m>, TableEntry<'m>)>> = sources
                .iter()
                .filter(|v| !v.is_block_address())
                .map(|v| {
                    if v.opcode() != Some(Opcode::LLVMLoad) || ed.size_of(v.ty()) != 8 {
                        return None;
                    }
                    // Through the public mask the guards put on the load (the identity on the
                    // table's own addresses).
                    let p = v.operands().next()?;
                    let p = guards::public_masked(p).unwrap_or(p);
                    let mut found = Vec::new();
                    table_entries(ed, f, p, *v, &mut Vec::new(), &mut found)?;
                    Some(found)
                })
                .collect::<Option<Vec<_>>>()
                .map(|v| v.into_iter().flatten().collect());
            if let Some(entries) = entries {
                for (before, t) in entries {
                    match (t.needed, t.gep) {
                        (Some(n), _) if n <= t.entries => stats.inc("cfi-indirect-branches-index-in-bounds"),
                        (Some(n), Some(gep)) if n <= MAX_PADDED_ENTRIES => {
                            let fail = *fail_block.get_or_insert_with(|| {
                                let b = ed.append_block(f);
                                ed.call(violation_t, violation, &[kind, file, ed.const_int(ed.int(32), 0)]);
                                ed.unreachable();
                                b
                            });
                            if !br.operands().skip(1).any(|d| d == fail) {
                                ed.add_destination(br, fail);
                            }
                            let g = *padded_tables.entry((t.table, n)).or_insert_with(|| {
                                let mut elements: Vec<Value<'m>> = t.init.operands().collect();
                                elements.resize(n as usize, ed.block_address(f, fail));
                                let padded = ed.const_pointer_array(&elements);
                                let g = ed.add_global(padded.ty(), &format!("{}.confpass_padded", t.table.name()), 0);
                                ed.set_initializer(g, padded);
                                ed.set_linkage(g, Linkage::LLVMPrivateLinkage);
                                ed.set_constant(g, true);
                                ed.set_alignment(g, 8);
                                g
                            });
                            ed.set_operand(gep, 0, g);
                            stats.inc("cfi-indirect-branches-table-padded");
                        }
                        _ => {
                            // The byte offset into the table, checked against its size.
                            ed.position_before(before);
                            let off = ed.sub(ed.ptrtoint(t.ptr), ed.ptrtoint(t.table));
                            let bad = ed.icmp(LLVMIntPredicate::LLVMIntUGE, off, ed.const_int(i64t, t.entries * 8));
                            ed.split_check(bad, before);
                            ed.call(violation_t, violation, &[kind, file, ed.const_int(ed.int(32), 0)]);
                            stats.inc("cfi-indirect-branches-table-checked");
                        }
                    }
                }
                continue;
            }
            // Any other target is compared with every destination, however many: a computed
            // goto through a table in writable memory (a local array of labels) could otherwise
            // go anywhere. (It costs a compare per destination; a constant table costs none.)
            if dests.len() > MAX_COMPARED_TARGETS {
                stats.inc("cfi-indirect-branches-compared-with-many");
            }
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
            if let Some(c) = fail {
                ed.split_check(c, br);
                ed.call(violation_t, violation, &[kind, file, ed.const_int(ed.int(32), 0)]);
            }
        }
    }
}

/// The most entries a dispatch table is padded to.
const MAX_PADDED_ENTRIES: u64 = 4096;

/// The table entries pointer `p` can be, through phis and selects (each with the instruction
/// its check would go before: the end of the block a phi's value arrives from); `None` if
/// some value is not a table entry.
fn table_entries<'m>(ed: &Editor<'m>, f: Value<'m>, p: Value<'m>, before: Value<'m>, seen: &mut Vec<Value<'m>>, found: &mut Vec<(Value<'m>, TableEntry<'m>)>) -> Option<()> {
    if seen.contains(&p) {
        return Some(()); // around a loop: the value is one of the others
    }
    if seen.len() > 16 {
        return None;
    }
    seen.push(p);
    match guards::arrivals(p) {
        Some(choices) => {
            for (x, from) in choices {
                table_entries(ed, f, x, from.terminator()?, seen, found)?;
            }
        }
        None => found.push((before, table_entry(ed, f, p)?)),
    }
    Some(())
}

/// A pointer to an entry of a local constant table of a function's block addresses.
struct TableEntry<'m> {
    ptr: Value<'m>,
    table: Value<'m>,
    init: Value<'m>,
    entries: u64,
    /// The GEP with the variable index (its pointer operand is the table), if any.
    gep: Option<Value<'m>>,
    /// How many entries the pointer can reach, when LLVM knows the index's range.
    needed: Option<u64>,
}

/// `p` as a pointer to an entry of a local constant table of `f`'s block addresses: the table
/// plus constant offsets plus at most one variable index that steps whole entries (so no
/// misaligned read can forge an address).
fn table_entry<'m>(ed: &Editor<'m>, f: Value<'m>, p: Value<'m>) -> Option<TableEntry<'m>> {
    // The guards may have rebuilt the index's GEP on the table's public mask (the identity on
    // the table, a constant in public memory: see `guards::PUBLIC_REACH`).
    let unmask = |v: Value<'m>| guards::public_masked(v).unwrap_or(v);
    let (root, off) = ed.root_and_offset(p);
    let (table, gep) = if root.is_global_variable() {
        (root, None)
    } else {
        let (table, _, scale, offset) = ed.linear(root)?;
        if scale % 8 != 0 || offset % 8 != 0 || root.operands().next() != Some(table) {
            return None;
        }
        (unmask(table), Some(root))
    };
    if off % 8 != 0 || !table.is_constant_global() || !matches!(ed.linkage(table), Linkage::LLVMInternalLinkage | Linkage::LLVMPrivateLinkage) {
        return None;
    }
    let init = table.initializer()?;
    let entries = ed.size_of(ed.value_type(table)) / 8;
    if init.operands().count() as u64 != entries || !init.operands().all(|e| e.block_address_function() == Some(f)) {
        return None;
    }
    let (base, lo, hi) = ed.root_and_range(p);
    let needed = (unmask(base) == table && lo >= 0).then(|| u64::try_from(hi / 8 + 1).ok()).flatten();
    Some(TableEntry { ptr: p, table, init, entries, gep, needed })
}

/// Whether a function can corrupt its own return address: it calls something (whose frames
/// sit below its own) or stores through a pointer not proven in bounds.
fn needs_shadow<'m>(ed: &Editor<'m>, f: Value<'m>, layout: bool) -> bool {
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
            guards::proven_safe(ed, f, p, guards::Size::Fixed(ed.size_of(i.operands().next().expect("value").ty())), layout).is_none()
        }
        Some(Opcode::LLVMAtomicRMW | Opcode::LLVMAtomicCmpXchg) => true,
        _ => false,
    })
}

/// The copy of the return address whose slot is `slot`: the runtime region mirrors the private
/// region, so a native stack slot's copy is at `(slot & (2^K - 1)) + RT_BASE`. The native stacks
/// fill the last quarter of the private region, so the mask keeps only the bits within a
/// quarter and the offset adds the quarter back: the same place for a native slot, and for a
/// slot on any other stack (a constructor on the initial stack, a `makecontext` stack) a place
/// in the same quarter, never in the rest of the runtime region, where the runtime keeps its
/// state (runtime/layout: RT_STATE).
fn shadow_of<'m>(ed: &Editor<'m>, slot: Value<'m>) -> Value<'m> {
    const QUARTER: u64 = 1 << (K - 2);
    let low = ed.ptrmask(slot, QUARTER - 1);
    ed.byte_offset_any(low, (RT_BASE + 3 * QUARTER + SKEW) as i64)
}

fn shadow_stack<'m>(ed: &Editor<'m>, view: &ModuleView<'m>, stubs: &HashSet<Value<'m>>, report: (Type<'m>, Value<'m>), stats: &mut Stats) {
    let (violation_t, violation) = report;
    let ptr = ed.ptr(0);
    let i64t = ed.int(64);
    let i32t = ed.int(32);
    let ra_t = ed.function_type(ptr, &[]);
    let ra_fn = ed.function("llvm.addressofreturnaddress.p0", ra_t);
    let layout = guards::layout_checked(view);
    let kind = ed.const_c_string("__confpass.msg.cfi_return", "cfi-return (the return address in the frame differs from the shadow stack's copy)");
    for f in view.functions().filter(|f| !f.is_declaration() && !guards::is_confpass_function(&f.name()) && !stubs.contains(f)).collect::<Vec<_>>() {
        if f.has_function_attribute("naked") || !needs_shadow(ed, f, layout) {
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
