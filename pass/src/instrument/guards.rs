//! Run-time guards: every memory access of compiled code stays on its side of the partition.
//!
//! Each access (load, store, atomic, masked vector access, `memcpy`/`memmove`/`memset`, and the
//! pointer arguments of calls to functions not compiled in this module) gets the guard its
//! static taint asks for:
//!
//! - a **private** access (through a `private` pointer, or into a local that holds private
//!   data) must stay inside R_priv. The `mask` flavour forces the address there branch-free:
//!   `(p & (2^K - 1)) + BASE`; the `trap` flavour compares `p >> K` with `BASE >> K` and reports
//!   (null is let through: the first 64 KiB of R_priv are a guard zone, so null + a small
//!   offset faults in either place);
//! - a **public** access must not touch the block of R_priv and R_rt: `p >> (K + 1)` is compared
//!   with `BASE >> (K + 1)` in both flavours (no mask maps every address outside the block to
//!   itself).
//!
//! Guards are placed per *root*: the pointer an access address is computed from by constant
//! offsets. One guard sits right after the root's definition (at function entry for an
//! argument) and covers every access `root + off` with `|off| + size <= WINDOW`: the guard
//! zones around the block make such accesses fault rather than cross into the other side.
//! Placing the guard at the definition hoists it out of every loop the root is invariant in
//! and merges all accesses through the same pointer. Lengths known only at run time go to the
//! runtime's `__confpass_check_range`.
//!
//! No guard is needed for accesses proven in bounds of the function's own allocas or of
//! globals at constant offsets, nor for `va_list` reads (see `valist`). `verify` checks all of
//! this independently after the fact.

use std::collections::HashMap;

use llvm_sys::LLVMIntPredicate;

use super::valist;
use crate::analysis::taint::Findings;
use crate::diag::{Code, Diagnostic};
use crate::llvm::edit::Editor;
use crate::llvm::{ModuleView, Opcode, Value};
use crate::options::{Guard, Options};
use crate::stats::Stats;

/// log2 of the size of R_priv; keep in sync with runtime/layout.
pub const K: u64 = 36;
/// Start of R_priv; keep in sync with runtime/layout.
pub const BASE: u64 = 0x1000_0000_0000;
/// How far from a guarded root an access may reach (half the guard zone); runtime/layout.
pub const WINDOW: u64 = 32 << 10;
/// The runtime's reporting entry points.
pub const VIOLATION: &str = "__confpass_violation";
pub const CHECK_RANGE: &str = "__confpass_check_range";
/// The low-bits mask of the private guard.
pub const PRIVATE_MASK: u64 = (1 << K) - 1;

/// Which side of the partition an access belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Private,
    Public,
}

/// What an access does with memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Load,
    Store,
    /// Both (atomics) or unknown (a library call's argument).
    Any,
}

/// How many bytes an access touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size<'m> {
    Fixed(u64),
    /// A length computed at run time (or a constant too large for one window).
    Dynamic(Value<'m>),
}

/// One pointer operand of one instruction that touches memory.
#[derive(Debug, Clone, Copy)]
pub struct Site<'m> {
    pub inst: Value<'m>,
    /// Operand index of the pointer in `inst`.
    pub operand: usize,
    pub ptr: Value<'m>,
    pub access: Access,
    pub size: Size<'m>,
}

/// Library functions whose pointer arguments are accessed over a length given by another
/// argument: (name, pointer argument, length argument).
const LENGTHS: &[(&str, usize, usize)] = &[
    ("memcpy", 0, 2), ("memcpy", 1, 2), ("memmove", 0, 2), ("memmove", 1, 2), ("mempcpy", 0, 2), ("mempcpy", 1, 2),
    ("memset", 0, 2), ("memcmp", 0, 2), ("memcmp", 1, 2), ("bcmp", 0, 2), ("bcmp", 1, 2), ("memchr", 0, 2),
    ("strncpy", 0, 2), ("stpncpy", 0, 2), ("read", 1, 2), ("pread", 1, 2), ("write", 1, 2), ("pwrite", 1, 2),
    ("recv", 1, 2), ("send", 1, 2), ("recvfrom", 1, 2), ("sendto", 1, 2), ("fgets", 0, 1), ("snprintf", 0, 1),
    ("vsnprintf", 0, 1), ("getcwd", 0, 1), ("readlink", 1, 2),
    // The runtime's own entry points check their buffers themselves (conf_read_private,
    // conf_seal, …: a capacity is not a length); the declassifying copy does not.
    ("conf_declassify_bytes", 0, 2), ("conf_declassify_bytes", 1, 2),
];

/// Intrinsics that never touch memory the program can name (or only through operands that are
/// not addresses); anything else that is not handled below is an error.
pub const NO_MEMORY_INTRINSICS: &[&str] = &[
    "llvm.lifetime.", "llvm.dbg.", "llvm.assume", "llvm.va_start", "llvm.va_end", "llvm.va_copy", "llvm.stacksave",
    "llvm.stackrestore", "llvm.experimental.noalias.scope.decl", "llvm.invariant.", "llvm.prefetch", "llvm.donothing",
    "llvm.sideeffect", "llvm.var.annotation", "llvm.ptr.annotation", "llvm.annotation.", "llvm.pseudoprobe",
    "llvm.instrprof.", "llvm.trap", "llvm.debugtrap", "llvm.ubsantrap", "llvm.threadlocal.address", "llvm.ptrmask",
    "llvm.returnaddress", "llvm.frameaddress", "llvm.objectsize.", "llvm.launder.invariant.group",
    "llvm.strip.invariant.group", "llvm.eh.", "llvm.expect", "llvm.is.constant.", "llvm.codeview.",
];

/// Whether a function is confpass's own (the runtime's entry points, generated constructors).
pub fn is_confpass_function(name: &str) -> bool {
    name.starts_with("__confpass")
}

/// Every memory access of a function's instruction, or an error for one confpass cannot guard.
/// Shared by the guards and the statistics; `verify` walks the IR on its own.
pub fn sites<'m>(ed: &Editor<'m>, inst: Value<'m>) -> Result<Vec<Site<'m>>, String> {
    let ops: Vec<Value<'m>> = inst.operands().collect();
    let fixed = |v: Value<'m>| Size::Fixed(ed.size_of(v.ty()));
    let site = |operand: usize, access: Access, size: Size<'m>| Site { inst, operand, ptr: ops[operand], access, size };
    let length = |v: Value<'m>| match v.const_int() {
        Some(n) if n >= 0 && (n as u64) <= WINDOW => Size::Fixed(n as u64),
        _ => Size::Dynamic(v),
    };
    Ok(match inst.opcode() {
        Some(Opcode::LLVMLoad) => vec![site(0, Access::Load, fixed(inst))],
        Some(Opcode::LLVMStore) => vec![site(1, Access::Store, fixed(ops[0]))],
        Some(Opcode::LLVMAtomicRMW) => vec![site(0, Access::Any, fixed(ops[1]))],
        Some(Opcode::LLVMAtomicCmpXchg) => vec![site(0, Access::Any, fixed(ops[1]))],
        Some(Opcode::LLVMVAArg) => Vec::new(), // reads a va_list: see `valist`
        Some(Opcode::LLVMCall | Opcode::LLVMInvoke | Opcode::LLVMCallBr) => {
            let callee = inst.called_value().expect("a call has a callee");
            if callee.is_inline_asm() {
                return Ok(Vec::new()); // the checks reject private data in asm; asm is trusted code
            }
            let direct = callee.is_function().then(|| callee.name());
            let args = inst.call_args();
            match direct.as_deref() {
                Some(n) if n.starts_with("llvm.memcpy") || n.starts_with("llvm.memmove") => {
                    vec![site(0, Access::Store, length(args[2])), site(1, Access::Load, length(args[2]))]
                }
                Some(n) if n.starts_with("llvm.memset") => vec![site(0, Access::Store, length(args[2]))],
                Some(n) if n.starts_with("llvm.masked.load") || n.starts_with("llvm.masked.expandload") => {
                    vec![site(0, Access::Load, fixed(inst))]
                }
                Some(n) if n.starts_with("llvm.masked.store") || n.starts_with("llvm.masked.compressstore") => {
                    vec![site(1, Access::Store, fixed(args[0]))]
                }
                Some(n) if n.starts_with("llvm.") => {
                    if NO_MEMORY_INTRINSICS.iter().any(|p| n.starts_with(p)) || !callee.may_access_memory() {
                        Vec::new()
                    } else {
                        return Err(format!("memory access through intrinsic '{n}' cannot be guarded"));
                    }
                }
                Some(n) if is_confpass_function(n) => Vec::new(),
                // A function compiled in this module guards its own accesses.
                Some(_) if !callee.is_declaration() => Vec::new(),
                name => args
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| a.ty().pointer_address_space().is_some())
                    .map(|(i, _)| {
                        let len = name.and_then(|n| LENGTHS.iter().find(|(f, p, _)| *f == n && *p == i)).map(|(_, _, l)| *l);
                        let size = match len.and_then(|l| args.get(l)) {
                            Some(l) => length(*l),
                            None => Size::Fixed(1),
                        };
                        site(i, Access::Any, size)
                    })
                    .collect(),
            }
        }
        _ => Vec::new(),
    })
}

/// Whether an access needs no guard, and why: in bounds of a local or global, near an address
/// fixed at link time, or a va_list read.
pub fn proven_safe<'m>(ed: &Editor<'m>, f: Value<'m>, ptr: Value<'m>, size: Size<'m>) -> Option<&'static str> {
    if let Size::Fixed(n) = size {
        if let Some((base, off)) = ed.base_and_offset(ptr) {
            let object = if base.opcode() == Some(Opcode::LLVMAlloca) {
                let own = ed.function_of(base) == Some(f);
                base.alloca_shape().and_then(|(t, c)| c.map(|c| c * ed.size_of(t))).filter(|_| own)
            } else if base.is_global_variable() {
                Some(ed.size_of(ed.value_type(base)))
            } else {
                None
            };
            if object.is_some_and(|size| off >= 0 && (off as u64).checked_add(n).is_some_and(|end| end <= size)) {
                return Some("in-bounds");
            }
        }
    }
    if let Size::Fixed(n) = size {
        let (root, lo, hi) = ed.root_and_range(ptr);
        // In bounds over the whole range of a variable index (`table[i & 7]`), of a local, a
        // global, or the callee's own copy of a by-value argument (in its caller's frame).
        let object = if root.opcode() == Some(Opcode::LLVMAlloca) && ed.function_of(root) == Some(f) {
            root.alloca_shape().and_then(|(t, c)| c.map(|c| c * ed.size_of(t)))
        } else if root.is_global_variable() {
            Some(ed.size_of(ed.value_type(root)))
        } else {
            root.byval_type().map(|t| ed.size_of(t))
        };
        if object.is_some_and(|size| lo >= 0 && (hi as u64).checked_add(n).is_some_and(|end| end <= size)) {
            return Some("in-bounds");
        }
        // Near an address fixed at link time (a global, a function, null): the program's own
        // code chose it, no corrupted value can steer it, and the guard zones stop it from
        // reaching the block within a window.
        if !root.is_instruction() && !root.is_argument() && lo.unsigned_abs().max(hi.unsigned_abs()) + n <= WINDOW {
            return Some("constant");
        }
    }
    valist::is_va_access(ed, ptr).then_some("va-list")
}

/// The side of an access through `ptr`.
fn side<'m>(ptr: Value<'m>, taint: &Findings<'m>) -> Side {
    if ptr.ty().pointer_address_space() == Some(crate::analysis::PRIVATE_AS) {
        return Side::Private;
    }
    match taint.local_of(ptr) {
        Some(l) if taint.private_locals.contains(&l) => Side::Private,
        _ => Side::Public,
    }
}

fn report_kind(side: Side, access: Access) -> &'static str {
    match (side, access) {
        (Side::Private, Access::Load) => "private-load outside the private region",
        (Side::Private, Access::Store) => "private-store outside the private region",
        (Side::Private, Access::Any) => "private-access outside the private region",
        (Side::Public, Access::Load) => "public-load inside the protected region",
        (Side::Public, Access::Store) => "public-store inside the protected region",
        (Side::Public, Access::Any) => "public-access inside the protected region",
    }
}

/// Emits the report call operands (kind, file, line) and caches message strings.
struct Reporter<'m> {
    strings: HashMap<String, Value<'m>>,
}

impl<'m> Reporter<'m> {
    fn string(&mut self, ed: &Editor<'m>, text: &str) -> Value<'m> {
        let n = self.strings.len();
        *self.strings.entry(text.to_string()).or_insert_with(|| ed.const_c_string(&format!("__confpass.msg.{n}"), text))
    }

    /// (kind, file, line) of a report for an access at `at` in `f`.
    fn operands(&mut self, ed: &Editor<'m>, f: Value<'m>, at: Value<'m>, kind: &str) -> [Value<'m>; 3] {
        let (file, line) = match (at.debug_file(), at.debug_loc()) {
            (Some(file), Some((line, _))) => (file, line),
            _ => (format!("function {}", f.name()), 0),
        };
        [self.string(ed, kind), self.string(ed, &file), ed.const_int(ed.int(32), u64::from(line))]
    }
}

/// Where a guard of `root` goes (the instruction it is inserted before), when it can go at
/// the root's definition.
fn after_definition<'m>(ed: &Editor<'m>, f: Value<'m>, root: Value<'m>) -> Option<Value<'m>> {
    if root.is_argument() {
        let entry = f.blocks()[0];
        return entry.instructions().find(|i| i.opcode() != Some(Opcode::LLVMAlloca));
    }
    if !root.is_instruction() || ed.function_of(root) != Some(f) {
        return None;
    }
    match root.opcode()? {
        Opcode::LLVMPHI => root.parent_block()?.instructions().find(|i| i.opcode() != Some(Opcode::LLVMPHI)),
        Opcode::LLVMInvoke | Opcode::LLVMCallBr | Opcode::LLVMLandingPad => None,
        _ => ed.next_instruction(root),
    }
}

/// Guards every access of the module; returns what could not be guarded.
pub fn insert<'m>(ed: &Editor<'m>, view: &ModuleView<'m>, taint: &Findings<'m>, opts: &Options, stats: &mut Stats) -> Vec<Diagnostic<Value<'m>>> {
    let mut diags = Vec::new();
    let mut rep = Reporter { strings: HashMap::new() };
    let ptr0 = ed.ptr(0);
    let i32t = ed.int(32);
    let i64t = ed.int(64);
    let violation_t = ed.function_type(ed.void(), &[ptr0, ptr0, i32t]);
    let range_t = ed.function_type(ed.void(), &[i64t, i64t, i32t, ptr0, ptr0, i32t]);
    let mut violation = None;
    let mut range = None;
    let guards_loads = opts.mode.guards_loads();
    let guards_stores = opts.mode.guards_stores();
    for f in view.functions().filter(|f| !f.is_declaration() && !is_confpass_function(&f.name())).collect::<Vec<_>>() {
        // Collect first: guards split blocks.
        let mut wanted: Vec<(Site<'m>, Side)> = Vec::new();
        for inst in f.instructions() {
            match sites(ed, inst) {
                Ok(list) => {
                    for s in list {
                        let on = match s.access {
                            Access::Load => guards_loads,
                            Access::Store => guards_stores,
                            Access::Any => guards_loads || guards_stores,
                        };
                        if !on {
                            continue;
                        }
                        if let Some(why) = proven_safe(ed, f, s.ptr, s.size) {
                            stats.inc(match why {
                                "in-bounds" => "guards-elided-in-bounds",
                                "constant" => "guards-elided-constant-address",
                                _ => "guards-elided-va-list",
                            });
                            continue;
                        }
                        wanted.push((s, side(s.ptr, taint)));
                    }
                }
                Err(msg) => diags.push(Diagnostic::error(Code::Unsupported, Some(inst), msg)),
            }
        }
        // Group fixed-size accesses by (root, side). A mask rewrites the address as the masked
        // root plus a constant; a compare covers any offset range within the window.
        let mut groups: Vec<((Value<'m>, Side), Vec<(Site<'m>, i64)>)> = Vec::new();
        let mut index: HashMap<(Value<'m>, Side), usize> = HashMap::new();
        for (s, sd) in wanted {
            match s.size {
                Size::Fixed(n) if n <= WINDOW => {
                    let (root, off) = if sd == Side::Private && opts.guard == Guard::Mask {
                        let (root, off) = ed.root_and_offset(s.ptr);
                        if off.unsigned_abs() + n <= WINDOW { (root, off) } else { (s.ptr, 0) }
                    } else {
                        let (root, lo, hi) = ed.root_and_range(s.ptr);
                        if lo.unsigned_abs().max(hi.unsigned_abs()) + n <= WINDOW { (root, 0) } else { (s.ptr, 0) }
                    };
                    let key = (root, sd);
                    let i = *index.entry(key).or_insert_with(|| {
                        groups.push((key, Vec::new()));
                        groups.len() - 1
                    });
                    groups[i].1.push((s, off));
                }
                size => {
                    // A run-time range check before the access.
                    let len = match size {
                        Size::Dynamic(v) => v,
                        Size::Fixed(n) => ed.const_int(i64t, n),
                    };
                    let r = *range.get_or_insert_with(|| ed.function(CHECK_RANGE, range_t));
                    ed.position_before(s.inst);
                    let p = ed.ptrtoint(s.ptr);
                    let len = ed.zext_or_self(len, i64t);
                    let [kind, file, line] = rep.operands(ed, f, s.inst, report_kind(sd, s.access));
                    ed.call(range_t, r, &[p, len, ed.const_int(i32t, u64::from(sd == Side::Private)), kind, file, line]);
                    stats.inc("guards-range");
                }
            }
        }
        for ((root, sd), members) in groups {
            let first = members[0].0;
            let at_def = after_definition(ed, f, root);
            let before = at_def.unwrap_or(first.inst);
            if members.len() > 1 {
                stats.add("guards-merged-accesses", members.len() as u64 - 1);
            }
            if at_def.is_some() && members.iter().any(|(s, _)| s.inst.parent_block() != root.parent_block()) {
                stats.inc("guards-placed-at-definition");
            }
            if at_def.is_none() && members.len() > 1 {
                // No single place: one guard per access.
                stats.inc("guards-unmergeable-roots");
            }
            let per_access: Vec<Vec<(Site<'m>, i64)>> =
                if at_def.is_some() { vec![members] } else { members.into_iter().map(|m| vec![m]).collect() };
            for members in per_access {
                let before = if at_def.is_some() { before } else { members[0].0.inst };
                let first = members[0].0;
                if sd == Side::Private && opts.guard == Guard::Mask {
                    ed.position_before(before);
                    let masked = ed.ptrmask(root, PRIVATE_MASK);
                    let guarded = ed.byte_offset_any(masked, BASE as i64);
                    for (s, off) in &members {
                        ed.position_before(s.inst);
                        let p = ed.byte_offset_any(guarded, *off);
                        ed.set_operand(s.inst, s.operand, p);
                    }
                    stats.inc("guards-private-mask");
                } else {
                    ed.position_before(before);
                    let pi = ed.ptrtoint(root);
                    let fail = match sd {
                        Side::Private => {
                            let hi = ed.lshr(pi, K);
                            let outside = ed.icmp(LLVMIntPredicate::LLVMIntNE, hi, ed.const_int(i64t, BASE >> K));
                            let non_null = ed.icmp(LLVMIntPredicate::LLVMIntNE, pi, ed.const_int(i64t, 0));
                            ed.and(outside, non_null)
                        }
                        Side::Public => {
                            let hi = ed.lshr(pi, K + 1);
                            ed.icmp(LLVMIntPredicate::LLVMIntEQ, hi, ed.const_int(i64t, BASE >> (K + 1)))
                        }
                    };
                    let v = *violation.get_or_insert_with(|| {
                        let v = ed.function(VIOLATION, violation_t);
                        ed.add_function_attributes(v, &["noreturn", "cold", "nounwind"]);
                        v
                    });
                    ed.split_check(fail, before);
                    let access = if members.iter().all(|(s, _)| s.access == first.access) { first.access } else { Access::Any };
                    let ops = rep.operands(ed, f, first.inst, report_kind(sd, access));
                    ed.call(violation_t, v, &ops);
                    stats.inc(if sd == Side::Private { "guards-private-check" } else { "guards-public-check" });
                }
            }
        }
    }
    diags
}
