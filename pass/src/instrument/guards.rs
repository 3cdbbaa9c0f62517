//! Run-time guards: every memory access of compiled code stays on its side of the partition.
//!
//! Each access (load, store, atomic, masked vector access, `memcpy`/`memmove`/`memset`, and the
//! pointer arguments of calls to library functions, whose code is not guarded) gets the guard
//! its static taint asks for:
//!
//! - a **private** access (through a `private` pointer, or into a local that holds private
//!   data) must stay inside private data, the lower half of R_priv (the native stacks are in
//!   the upper half, so no guarded access reaches a return address). The `mask` flavour forces
//!   the address there branch-free: `(p & (2^K_DATA - 1)) + BASE`; the `trap` flavour compares
//!   `p >> K_DATA` with `BASE >> K_DATA` and reports (null is let through: the first 64 KiB of
//!   R_priv are a guard zone, so null + a small offset faults in either place);
//! - a **public** access must not touch the block of R_priv and R_rt. The `mask` flavour sets
//!   bit 46, `p | 2^46`: public memory lies above 2^46 (the runtime checks it), so this is the
//!   identity on public addresses and sends the block (and null) to addresses the runtime
//!   keeps unmapped. The `trap` flavour compares `p >> (K + 1)` with `BASE >> (K + 1)`. A
//!   library function's pointer argument is compared in both flavours: the library may only
//!   keep or compare it (null, a thread's result), so it is never rewritten.
//!
//! Guards are placed per *root*: the pointer an access address is computed from by constant
//! offsets (a compare also covers offsets of known range). One guard covers every access
//! `root + off` with `|off| + size <= WINDOW`: the guard zones around the block make such
//! accesses fault rather than cross into the other side; a public mask covers more, every
//! access at offsets of bounded width (`PUBLIC_REACH`). A guard goes at the nearest block
//! that dominates all its accesses, then out of every loop the root is invariant in, but never
//! into a dispatch block (a computed goto or jump table) that none of its accesses is in: that
//! would keep codegen from duplicating an interpreter's dispatch into its handlers. An access
//! that walks with a loop (a pointer or index induction with a constant step, see `walk`) is
//! covered by a compare of the walk's start where the loop is entered. Lengths known only at
//! run time go to the runtime's `__confpass_check_range`.
//!
//! No guard is needed for accesses proven in bounds of the function's own allocas or of
//! globals at constant offsets, for the public frame and (under the mask flavour, whose
//! modules check the layout at start-up) public globals at offsets of bounded width, nor for
//! `va_list` reads (see `valist`). `verify` checks all of this independently after the fact.
//! Before any of it, the `inttoptr`s of one integer are made one cast, so that they are one
//! root.

use std::collections::HashMap;

use llvm_sys::LLVMIntPredicate;

use super::{valist, walk};
use crate::analysis::cfg;
use crate::analysis::policy::Policy;
use crate::analysis::taint::Findings;
use crate::diag::{Code, Diagnostic};
use crate::llvm::edit::Editor;
use crate::llvm::{Block, ModuleView, Opcode, Value};
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
/// The runtime's start-up check for programs with public masks; keep in sync with
/// runtime/src/region.rs.
pub const REQUIRE_PUBLIC_MASK: &str = "__confpass_require_public_mask";
/// log2 of the size of private data, the lower half of R_priv (the native stacks are in the
/// upper half, out of every private pointer's reach); runtime/layout.
pub const K_DATA: u64 = K - 1;
/// The low-bits mask of the private guard.
pub const PRIVATE_MASK: u64 = (1 << K_DATA) - 1;
/// The bit the public mask sets: public memory lies in [2^46, 2^47) (a position-independent
/// executable, its heap, shared libraries, mappings and stacks; the runtime checks this at
/// start-up), the block far below it; `p | PUBLIC_BIT` is `p` for every public address and
/// far from the block for any other. Keep in sync with runtime/layout.
pub const PUBLIC_BIT: u64 = 1 << 46;

/// How far from a public-masked pointer an access may reach. The masked pointer has bit 46
/// set, so it lies in [2^46, 2^64): an offset of at most 2^43 either way ends at or above
/// 2^46 - 2^43, far above the block's end (BASE + 2^(K+1)), or, wrapped past 2^64, below 2^43,
/// under BASE (2^44). One public mask of a root therefore covers its accesses at offsets of
/// bounded width this wide (`a[k]` with a 32-bit `k`, whose byte offset stays within ±2^34),
/// not only those within a guard zone's WINDOW.
pub const PUBLIC_REACH: u64 = 1 << 43;

/// The band compare of a public pointer: it reports `p` in [2^43, 2^46), that is
/// `(p >> BAND_SHIFT) - 1 < BAND_WIDTH` unsigned. Any other value is as far from the block as
/// a masked pointer: an offset within `PUBLIC_REACH` takes a value below 2^43 at most to
/// 2^44 (BASE) exclusive, or wraps it to the top of the address space, and keeps a value above
/// 2^46 above the block, as for `PUBLIC_REACH`. Null and small integers pass, so that a value
/// the program never dereferences can be compared where it is made; public memory itself lies
/// above 2^46 under the layout check.
pub const BAND_SHIFT: u64 = PUBLIC_REACH.trailing_zeros() as u64;
pub const BAND_WIDTH: u64 = (PUBLIC_BIT >> BAND_SHIFT) - 1;

/// How far a public local's address lies from its native slot: the local lives in the slot's
/// public mirror (see `stack`; runtime/layout), in public memory above 2^46 + 2^45. The 16 MiB
/// part keeps a mirror's cache lines from sharing linear-address bits 12-27 with their slots:
/// AMD's L1 way predictor tags lines by a hash of those bits, and lines that agree on them and
/// on the set evict each other (lua's partition build ran 3.28 s with the plain 2^46 + 2^45,
/// 2.77 s with this, 2.75 s for `clang-22 -O2`; minimum of 3 alternating runs). A pointer
/// this far from any user-space address lies in [2^46 + 2^45, 2^47 + 2^46 + 2^45), so an
/// offset of at most `PUBLIC_REACH` either way cannot reach the block: an access of the public
/// frame at offsets of bounded width needs no guard in either flavour. Keep in sync with
/// runtime/layout.
pub const PUBLIC_MIRROR: u64 = (1 << 46) | (1 << 45) | (1 << 24);

/// If `v` is `inttoptr(op(ptrtoint(x), c))` with the integer opcode `op` and the constant `c`
/// (the shape `Editor::set_pointer_bits` and `Editor::translate_pointer` build): `x`.
fn int_pointer_op<'m>(v: Value<'m>, op: Opcode, c: u64) -> Option<Value<'m>> {
    if v.opcode() != Some(Opcode::LLVMIntToPtr) {
        return None;
    }
    let int = v.operands().next()?;
    let ops: Vec<Value<'m>> = int.operands().collect();
    let pi = *ops.first()?;
    (int.opcode() == Some(op) && ops.get(1)?.const_int() == Some(c as i64) && pi.opcode().or(pi.const_expr_opcode()) == Some(Opcode::LLVMPtrToInt))
        .then(|| pi.operands().next())
        .flatten()
}

/// If `v` is a public local's mirror address, `inttoptr(ptrtoint(a) + PUBLIC_MIRROR)` of an
/// `alloca` `a` (`stack` makes them): the alloca.
pub fn public_mirror_of<'m>(v: Value<'m>) -> Option<Value<'m>> {
    let a = int_pointer_op(v, Opcode::LLVMAdd, PUBLIC_MIRROR)?;
    (a.opcode() == Some(Opcode::LLVMAlloca) && v.ty().pointer_address_space() == Some(0)).then_some(a)
}

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

/// The size of a `va_list` object on x86-64 (`struct __va_list_tag`).
pub const VA_LIST_SIZE: u64 = 24;

/// Library functions whose pointer arguments are accessed over a length given by another
/// argument: (name, pointer argument, length argument). Besides the copies, the ones that act
/// on a whole range at once or not forward from the pointer (the kernel's page calls, a
/// backward search), where a check of the first byte alone would not do: a forward access
/// stops at the first guard zone on its way.
const LENGTHS: &[(&str, usize, usize)] = &[
    ("memcpy", 0, 2), ("memcpy", 1, 2), ("memmove", 0, 2), ("memmove", 1, 2), ("mempcpy", 0, 2), ("mempcpy", 1, 2),
    ("memset", 0, 2), ("memcmp", 0, 2), ("memcmp", 1, 2), ("bcmp", 0, 2), ("bcmp", 1, 2), ("memchr", 0, 2),
    ("strncpy", 0, 2), ("stpncpy", 0, 2), ("read", 1, 2), ("pread", 1, 2), ("write", 1, 2), ("pwrite", 1, 2),
    ("recv", 1, 2), ("send", 1, 2), ("recvfrom", 1, 2), ("sendto", 1, 2), ("fgets", 0, 1), ("snprintf", 0, 1),
    ("vsnprintf", 0, 1), ("getcwd", 0, 1), ("readlink", 1, 2),
    ("madvise", 0, 1), ("posix_madvise", 0, 1), ("munmap", 0, 1), ("mprotect", 0, 1), ("pkey_mprotect", 0, 1),
    ("msync", 0, 1), ("mlock", 0, 1), ("mlock2", 0, 1), ("munlock", 0, 1), ("mincore", 0, 1), ("mmap", 0, 1),
    ("mmap64", 0, 1), ("mremap", 0, 1), ("memrchr", 0, 2), ("memmem", 0, 1), ("memmem", 2, 3),
    // The runtime's own entry points check their buffers themselves (conf_read_private,
    // conf_seal, …: a capacity is not a length); the declassifying copy does not.
    ("conf_declassify_bytes", 0, 2), ("conf_declassify_bytes", 1, 2),
];

/// Library functions that access an array anywhere in its `count * size` bytes (sorting,
/// searching: they step over guard zones): (name, pointer argument, count argument, size
/// argument). Each call is checked by the runtime's `__confpass_check_array` first.
pub const ARRAYS: &[(&str, usize, usize, usize)] = &[("qsort", 0, 1, 2), ("qsort_r", 0, 1, 2), ("bsearch", 1, 2, 3)];
pub const CHECK_ARRAY: &str = "__confpass_check_array";

/// Library functions that read a description from memory that the runtime must check: buffers
/// (`iovec`s, message headers: the kernel follows the pointers) and handlers (a `struct
/// sigaction`, a `struct sigevent`: the function pointer inside must carry the public KCFI id).
/// Each has a runtime wrapper that copies the description onto its own native frame, checks the
/// copy and hands the copy on (runtime/src/iov.rs, runtime/src/report.rs). Every use of such a
/// function, its address included, becomes a use of its wrapper ([`redirect_to_wrappers`]): a
/// check of the description before the call left a window in which another thread could change
/// it before the library read it again.
pub const WRAPPED: &[(&str, &str)] = &[
    ("writev", "__confpass_writev"), ("readv", "__confpass_readv"),
    ("pwritev", "__confpass_pwritev"), ("preadv", "__confpass_preadv"),
    ("pwritev2", "__confpass_pwritev2"), ("preadv2", "__confpass_preadv2"),
    // (glibc's names under -D_FILE_OFFSET_BITS=64: the same functions on x86-64)
    ("pwritev64", "__confpass_pwritev"), ("preadv64", "__confpass_preadv"),
    ("pwritev64v2", "__confpass_pwritev2"), ("preadv64v2", "__confpass_preadv2"),
    ("vmsplice", "__confpass_vmsplice"),
    ("process_vm_readv", "__confpass_process_vm_readv"), ("process_vm_writev", "__confpass_process_vm_writev"),
    ("sendmsg", "__confpass_sendmsg"), ("recvmsg", "__confpass_recvmsg"),
    ("sendmmsg", "__confpass_sendmmsg"), ("recvmmsg", "__confpass_recvmmsg"),
    ("sigaction", "__confpass_sigaction"), ("__sigaction", "__confpass_sigaction"),
    ("timer_create", "__confpass_timer_create"), ("mq_notify", "__confpass_mq_notify"),
];

/// The functions of [`WRAPPED`] whose wrappers check a handler's KCFI id (not buffers): they are
/// redirected when CFI is on (without it, functions carry no id).
pub const HANDLER_TAKERS: &[&str] = &["sigaction", "__sigaction", "timer_create", "mq_notify"];

/// System call numbers (x86-64) that `syscall()` may make: none touches memory, but for a futex
/// word (four bytes at a checked pointer): getpid, gettid, getppid, getpgrp, setsid, sched_yield,
/// getuid, getgid, geteuid, getegid, kill, tkill, tgkill, futex, close, dup, dup2, membarrier,
/// exit, exit_group.
const SAFE_SYSCALLS: &[i64] = &[39, 186, 110, 111, 112, 24, 102, 104, 107, 108, 62, 200, 234, 202, 3, 32, 33, 324, 60, 231];

/// Whether `name` is one of the runtime's wrappers of [`WRAPPED`] (functions that compiled code
/// may call and take the address of).
pub fn is_runtime_wrapper(name: &str) -> bool {
    WRAPPED.iter().any(|(_, w)| *w == name)
}

/// Makes every use of a library function of [`WRAPPED`] a use of its wrapper: those that take
/// buffers when `buffers`, those that take handlers ([`HANDLER_TAKERS`]) when `handlers`.
pub fn redirect_to_wrappers<'m>(ed: &Editor<'m>, view: &ModuleView<'m>, buffers: bool, handlers: bool, stats: &mut Stats) {
    for f in view.functions().filter(|f| f.is_declaration()).collect::<Vec<_>>() {
        let name = f.name();
        let Some(&(_, wrapper)) = WRAPPED.iter().find(|(n, _)| *n == name) else { continue };
        let wanted = if HANDLER_TAKERS.contains(&name.as_str()) { handlers } else { buffers };
        if !wanted {
            continue;
        }
        let uses = f.users().count() as u64;
        if uses == 0 {
            continue;
        }
        let w = ed.function(wrapper, ed.value_type(f));
        ed.replace_all_uses(f, w);
        stats.add("library-uses-through-runtime-wrappers", uses);
    }
}

/// Intrinsics that never touch memory the program can name (or only through operands that are
/// not addresses); anything else that is not handled below is an error.
pub const NO_MEMORY_INTRINSICS: &[&str] = &[
    "llvm.lifetime.", "llvm.dbg.", "llvm.assume", "llvm.va_end", "llvm.stacksave",
    "llvm.stackrestore", "llvm.experimental.noalias.scope.decl", "llvm.invariant.", "llvm.prefetch", "llvm.donothing",
    "llvm.sideeffect", "llvm.var.annotation", "llvm.ptr.annotation", "llvm.annotation.", "llvm.pseudoprobe",
    "llvm.instrprof.", "llvm.trap", "llvm.debugtrap", "llvm.ubsantrap", "llvm.threadlocal.address", "llvm.ptrmask",
    "llvm.returnaddress", "llvm.frameaddress", "llvm.objectsize.", "llvm.launder.invariant.group",
    "llvm.strip.invariant.group", "llvm.eh.typeid.for", "llvm.expect", "llvm.is.constant.", "llvm.codeview.",
];

/// The C library's functions (built from the build machine's glibc by `pass/build.rs`).
static LIBRARY_SYMBOLS: &str = include_str!(concat!(env!("OUT_DIR"), "/library_symbols.txt"));

/// Whether `name` is a library function: its code is not guarded, so the pointers passed to it
/// are checked at the call. C library functions (the list above), the runtime's API (`conf_*`)
/// and functions a policy file lists count; any other declared function is taken to be compiled
/// by confcc elsewhere, where it guards its own accesses. With an empty list (no `nm` at build
/// time) every external function counts as a library function.
pub fn is_library_function(name: &str, policy: &Policy) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> = std::sync::OnceLock::new();
    let set = SET.get_or_init(|| LIBRARY_SYMBOLS.lines().collect());
    set.is_empty() || name.starts_with("conf_") || set.contains(name) || policy.get(name).is_some()
}

/// The runtime's report, `__confpass_violation(kind, file, line)`, declared `noreturn` and
/// `cold` so that LLVM lays the failure paths out of line; with its type.
pub fn violation_fn<'m>(ed: &Editor<'m>) -> (crate::llvm::Type<'m>, Value<'m>) {
    let ptr = ed.ptr(0);
    let t = ed.function_type(ed.void(), &[ptr, ptr, ed.int(32)]);
    let f = ed.function(VIOLATION, t);
    ed.add_function_attributes(f, &["noreturn", "cold", "nounwind"]);
    (t, f)
}

/// Whether block `b` calls the violation report (a guard's failure block).
pub fn reports(b: Block<'_>) -> bool {
    b.instructions().any(|i| i.called_value().is_some_and(|c| c.name() == VIOLATION))
}

/// If `root` is a public mask, `inttoptr(ptrtoint(x) | PUBLIC_BIT)`, the pointer `x` it masks.
pub fn public_masked<'m>(root: Value<'m>) -> Option<Value<'m>> {
    int_pointer_op(root, Opcode::LLVMOr, PUBLIC_BIT)
}

/// Whether `v` is `ptrmask(x, PRIVATE_MASK)` (the private mask before its BASE step).
pub fn is_private_mask(v: Value<'_>) -> bool {
    v.called_value().is_some_and(|c| c.name().starts_with("llvm.ptrmask")) && v.call_args().get(1).and_then(|c| c.const_int()) == Some(PRIVATE_MASK as i64)
}

/// The largest length a masked `memcpy`/`memset` of a side keeps: a private range starting in
/// private data (32 GiB) and shorter than 16 GiB ends in the unmapped gap below the native
/// stacks at worst; a public range starting above 2^46 and shorter than 2^40 never wraps
/// around to the block. Lengths that large would fault anyway.
pub fn length_cap(side: Side) -> u64 {
    match side {
        Side::Private => (1 << (K_DATA - 1)) - 1,
        Side::Public => (1 << 40) - 1,
    }
}

/// Whether a function is confpass's own (the runtime's entry points, generated constructors).
pub fn is_confpass_function(name: &str) -> bool {
    name.starts_with("__confpass")
}

/// Every memory access of a function's instruction, or an error for one confpass cannot guard.
/// Shared by the guards and the statistics; `verify` walks the IR on its own.
pub fn sites<'m>(ed: &Editor<'m>, inst: Value<'m>, policy: &Policy) -> Result<Vec<Site<'m>>, String> {
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
                // A `va_list` (24 bytes on x86-64): written by va_start, copied by va_copy.
                Some(n) if n.starts_with("llvm.va_start") => vec![site(0, Access::Store, Size::Fixed(VA_LIST_SIZE))],
                Some(n) if n.starts_with("llvm.va_copy") => {
                    vec![site(0, Access::Store, Size::Fixed(VA_LIST_SIZE)), site(1, Access::Load, Size::Fixed(VA_LIST_SIZE))]
                }
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
                // A raw system call reaches the kernel without the library function whose memory
                // the guards know (`syscall(SYS_writev, …)` had the kernel follow an iovec into
                // private data): only numbers that take no memory beyond their pointers' first
                // bytes pass.
                Some("syscall") if !args.first().and_then(|a| a.const_int()).is_some_and(|n| SAFE_SYSCALLS.contains(&n)) => {
                    return Err("a raw 'syscall' whose memory confpass cannot check (a number that is not a constant, or one that reads or writes memory through its arguments): call the C library's function instead".to_string());
                }
                Some(n) if is_confpass_function(n) => Vec::new(),
                // A function compiled in this module, or elsewhere by confcc, guards its own accesses.
                Some(_) if !callee.is_declaration() => Vec::new(),
                Some(n) if !is_library_function(n, policy) => Vec::new(),
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

/// Whether the module requires the public-mask layout at start-up (public memory above
/// 2^46, checked by the runtime): the constructor `insert` adds when it masks or relies on it.
pub fn layout_checked(view: &ModuleView<'_>) -> bool {
    view.function(REQUIRE_PUBLIC_MASK).is_some()
}

/// Whether an access needs no guard, and why: in bounds of a local or global, near an address
/// fixed at link time, the public frame or a public global at offsets of bounded width (the
/// latter only where the module checks the public-mask `layout`), or a va_list read.
pub fn proven_safe<'m>(ed: &Editor<'m>, f: Value<'m>, ptr: Value<'m>, size: Size<'m>, layout: bool) -> Option<&'static str> {
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
    if let Size::Fixed(n) = size {
        // The public frame (see `PUBLIC_MIRROR`): its address comes from the native stack
        // pointer, which no corrupted value steers.
        let (root, lo, hi) = ed.root_and_width_range(ptr);
        let near = ptr.ty().pointer_address_space() == Some(0)
            && lo.unsigned_abs().max(hi.unsigned_abs()).checked_add(n).is_some_and(|r| r <= PUBLIC_REACH);
        if near && public_mirror_of(root).is_some() {
            return Some("public-frame");
        }
        // A public global (private ones live in the region, reached through its base): its
        // address is fixed at link time in public memory, which the layout check keeps in
        // [2^46, 2^47), as far from the block as a masked pointer (`PUBLIC_REACH`).
        if near && layout && root.is_global_variable() && !root.is_thread_local() {
            return Some("public-global");
        }
    }
    valist::is_va_access(ed, ptr).then_some("va-list")
}

/// The side of an access through `ptr` (the verifier asks the same: its point is the proof,
/// not a second opinion on taint).
pub fn side<'m>(ptr: Value<'m>, taint: &Findings<'m>) -> Side {
    if ptr.ty().pointer_address_space() == Some(crate::analysis::PRIVATE_AS) {
        return Side::Private;
    }
    // A private local moved to its mirror (see `stack`): the mirror is a private mask.
    let mut root = ptr;
    while root.opcode() == Some(Opcode::LLVMGetElementPtr) {
        root = root.operands().next().expect("a GEP has a pointer");
    }
    if is_private_mask(root) {
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

/// How far an access through `ptr` of `size` bytes may reach from the root of its range.
pub fn reach<'m>(ed: &Editor<'m>, ptr: Value<'m>, size: u64) -> (Value<'m>, u64) {
    let (root, lo, hi) = ed.root_and_range_within(ptr, WINDOW);
    (root, lo.unsigned_abs().max(hi.unsigned_abs()).saturating_add(size))
}

/// The values a phi (or select) chooses between, each with the block it arrives from.
pub fn arrivals<'m>(v: Value<'m>) -> Option<Vec<(Value<'m>, Block<'m>)>> {
    match v.opcode()? {
        Opcode::LLVMPHI => Some(v.incoming()),
        Opcode::LLVMSelect => Some(v.operands().skip(1).map(|x| (x, v.parent_block().expect("an instruction"))).collect()),
        _ => None,
    }
}

/// How far a value reaches from its root: `Window` by constant offsets and known ranges
/// (`reach`), for compares that cover a guard zone; `Wide` by offsets of bounded width
/// (`Editor::root_and_width_range`), for the band compare that covers `PUBLIC_REACH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Steps {
    Window,
    /// `layout`: the module checks the public-mask layout at start-up, which keeps globals
    /// and functions above 2^46.
    Wide { layout: bool },
}

impl Steps {
    /// (root, distance) of `x`.
    pub fn of<'m>(self, ed: &Editor<'m>, x: Value<'m>) -> (Value<'m>, u64) {
        match self {
            Steps::Window => reach(ed, x, 0),
            Steps::Wide { .. } => {
                let (root, lo, hi) = ed.root_and_width_range(x);
                (root, lo.unsigned_abs().max(hi.unsigned_abs()))
            }
        }
    }

    /// Whether a constant root (not an instruction or argument) `d` bytes away needs no
    /// compare: within a guard zone of an address fixed at link time; for the band compare,
    /// null, or a public global or function under the layout check (which keeps them above
    /// 2^46), no other constant.
    pub fn constant_ok(self, root: Value<'_>, d: u64, budget: u64) -> bool {
        d <= budget
            && match self {
                Steps::Window => true,
                Steps::Wide { layout } => {
                    root.is_null_constant() || (layout && (root.is_function() || (root.is_global_variable() && !root.is_thread_local())))
                }
            }
    }
}

/// How deep `phi_leaves` (and the verifier) follow nested phis, and how many phis one search
/// visits at most: a dispatch loop's register pointer (lua's `ra`) is a phi of phis six deep;
/// the visit budget keeps a search through a web of phis linear.
pub const PHI_DEPTH: usize = 8;
pub const PHI_VISITS: usize = 4096;

/// The roots whose compares, at their definitions, cover every value phi (or select) `v` can
/// take within `budget` bytes (measured by `steps`): through nested phis, where a value that
/// comes back around a loop unchanged is covered by the compares of the values that entered
/// it. Unchanged means no step anywhere on the cycle: each phi on the search path keeps the
/// budget it was entered with, and a value whose root is on the path must arrive with that
/// budget and no offset of its own (`q = c ? p : o; p = q + 1` grows `p` through the select,
/// a pointer induction). `None` when some value is not near such a root.
pub fn phi_leaves<'m>(ed: &Editor<'m>, f: Value<'m>, v: Value<'m>, budget: u64, steps: Steps) -> Option<Vec<Value<'m>>> {
    struct Search<'m> {
        path: Vec<(Value<'m>, u64)>,
        leaves: Vec<Value<'m>>,
        visits: usize,
    }
    fn walk<'m>(ed: &Editor<'m>, f: Value<'m>, v: Value<'m>, budget: u64, steps: Steps, s: &mut Search<'m>) -> Option<()> {
        s.visits += 1;
        if s.path.len() >= PHI_DEPTH || s.visits > PHI_VISITS {
            return None;
        }
        s.path.push((v, budget));
        for (x, _) in arrivals(v)? {
            let (root, d) = steps.of(ed, x);
            if !root.is_instruction() && !root.is_argument() {
                if !steps.constant_ok(root, d, budget) {
                    return None;
                }
            } else if let Some(&(_, entered)) = s.path.iter().find(|(p, _)| *p == root) {
                if d != 0 || entered != budget {
                    return None; // grows around the loop (a pointer induction)
                }
            } else if matches!(root.opcode(), Some(Opcode::LLVMPHI | Opcode::LLVMSelect)) {
                walk(ed, f, root, budget.checked_sub(d)?, steps, s)?;
            } else if d <= budget && after_definition(ed, f, root).is_some() {
                if !s.leaves.contains(&root) {
                    s.leaves.push(root);
                }
            } else {
                return None;
            }
        }
        s.path.pop();
        Some(())
    }
    let mut s = Search { path: Vec::new(), leaves: Vec::new(), visits: 0 };
    walk(ed, f, v, budget, steps, &mut s)?;
    Some(s.leaves)
}

/// An access in a group: its site, its offset from the group's root (masks rewrite the
/// address as the masked root plus it), and the instruction the guard must dominate (the
/// access; for the start of a loop walk, the terminator of the block the loop is entered from).
#[derive(Debug, Clone, Copy)]
struct Member<'m> {
    site: Site<'m>,
    off: i64,
    at: Value<'m>,
    /// The address is recomputed from the masked root through the GEPs that made it from the
    /// root (`public_range_root`), instead of the masked root plus `off`.
    rebase: bool,
}

/// For a public access of `n` bytes under the mask flavour: the root that `ptr` is computed
/// from through GEP instructions whose offsets have bounded width (`Editor::root_and_width_range`)
/// within `PUBLIC_REACH`, when that is not `ptr` itself. One mask of the root covers the access.
fn public_range_root<'m>(ed: &Editor<'m>, ptr: Value<'m>, n: u64) -> Option<Value<'m>> {
    let (root, lo, hi) = ed.root_and_width_range(ptr);
    if root == ptr || root.ty() != ptr.ty() || lo.unsigned_abs().max(hi.unsigned_abs()).checked_add(n)? > PUBLIC_REACH {
        return None;
    }
    let mut p = ptr;
    while p != root {
        if p.opcode() != Some(Opcode::LLVMGetElementPtr) {
            return None; // a constant expression on the way: nothing to clone
        }
        p = p.operands().next()?;
    }
    Some(root)
}

/// `ptr` recomputed from `new_root` instead of `root` (which `ptr` is made from by a chain of
/// GEP instructions, see `public_range_root`), at the builder's position.
fn rebase<'m>(ed: &Editor<'m>, ptr: Value<'m>, root: Value<'m>, new_root: Value<'m>) -> Value<'m> {
    if ptr == root {
        return new_root;
    }
    let inner = rebase(ed, ptr.operands().next().expect("a GEP has a pointer operand"), root, new_root);
    ed.clone_gep_with_operand(ptr, 0, inner)
}

/// How a group is guarded: a mask rewrites its addresses, a compare branches to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum How {
    Mask,
    Compare,
    /// The band compare (`BAND_SHIFT`) of a value a public phi chooses, at its definition.
    Band,
}

/// Accesses grouped by (root, side, how), with whether the guard must sit at the root's
/// definition (a value a phi chooses: it must be compared on every path into the phi).
type Groups<'m> = Vec<((Value<'m>, Side, How), Vec<Member<'m>>, bool)>;

/// Compares the values a phi (or select) chooses between at their definitions instead of the
/// phi at each arrival: a loop header's phi of pointers reloaded outside the loop costs no
/// compare per iteration. Only for compares (a mask must rewrite the address it covers).
fn redirect_phis<'m>(ed: &Editor<'m>, f: Value<'m>, groups: Groups<'m>, stats: &mut Stats) -> Groups<'m> {
    let mut out: Groups<'m> = Vec::new();
    let mut index: HashMap<(Value<'m>, Side, How), usize> = HashMap::new();
    let mut push = |out: &mut Groups<'m>, key: (Value<'m>, Side, How), members: Vec<Member<'m>>, at_def: bool| {
        let i = *index.entry(key).or_insert_with(|| {
            out.push((key, Vec::new(), false));
            out.len() - 1
        });
        out[i].1.extend(members);
        out[i].2 |= at_def;
    };
    for ((root, sd, how), members, at_def) in groups {
        let compares = how == How::Compare;
        let widest = members.iter().map(|m| reach(ed, m.site.ptr, fixed_size(m.site.size)).1).max().unwrap_or(0);
        // Not when that takes more compares than it saves: the register pointer of an
        // interpreter's dispatch (lua's `ra`) chooses between some eighty values, one per handler.
        let targets = if compares && widest <= WINDOW { phi_leaves(ed, f, root, WINDOW - widest, Steps::Window) } else { None };
        let targets = targets.filter(|t| t.len() <= members.len().max(2));
        match targets {
            Some(targets) => {
                stats.inc("guards-phi-redirected");
                for x in targets {
                    push(&mut out, (x, sd, how), members.clone(), true);
                }
            }
            None => push(&mut out, (root, sd, how), members, at_def),
        }
    }
    out
}

/// Groups placed, each with where its guard goes.
type Placed<'m> = Vec<((Value<'m>, Side, How), Vec<Member<'m>>, Place<'m>)>;

/// Under the mask flavour, a phi (or select) of public pointers masked in more places than it
/// has values to choose from (QuickJS's and sqlite's interpreters mask a phi in each handler
/// of their dispatch: `aMem` in `sqlite3VdbeExec`) is covered instead by band compares of
/// those values where they are made (`BAND_SHIFT`). Every value the phi takes then lies
/// outside [2^43, 2^46), so its accesses at offsets of bounded width within `PUBLIC_REACH`
/// cannot reach the block and keep their addresses: no mask in the handlers, and no masked
/// copy of the pointer live next to the original.
fn band_phis<'m>(ed: &Editor<'m>, f: Value<'m>, placed: Placed<'m>, stats: &mut Stats) -> Placed<'m> {
    // Per phi: how many masks it gets and the widest reach of its accesses from it (None when
    // one of them is not made from it by offsets of bounded width).
    let mut order: Vec<(Value<'m>, usize, Option<u64>)> = Vec::new();
    for ((root, sd, how), members, _) in &placed {
        if *how != How::Mask || *sd != Side::Public || arrivals(*root).is_none() {
            continue;
        }
        let i = match order.iter().position(|(r, _, _)| r == root) {
            Some(i) => i,
            None => {
                order.push((*root, 0, Some(0)));
                order.len() - 1
            }
        };
        order[i].1 += 1;
        for m in members {
            let (r, lo, hi) = ed.root_and_width_range(m.site.ptr);
            let w = (r == *root).then(|| lo.unsigned_abs().max(hi.unsigned_abs()).saturating_add(fixed_size(m.site.size)));
            order[i].2 = order[i].2.zip(w).map(|(a, b)| a.max(b));
        }
    }
    let mut band: HashMap<Value<'m>, Vec<Value<'m>>> = HashMap::new();
    for (root, masks, widest) in order {
        let Some(widest) = widest.filter(|w| *w <= PUBLIC_REACH) else { continue };
        let Some(leaves) = phi_leaves(ed, f, root, PUBLIC_REACH - widest, Steps::Wide { layout: true }) else { continue };
        if leaves.len() < masks {
            stats.inc("guards-phi-band");
            band.insert(root, leaves);
        }
    }
    let mut out: Placed<'m> = Vec::new();
    let mut index: HashMap<Value<'m>, usize> = HashMap::new();
    for ((root, sd, how), members, place) in placed {
        let Some(leaves) = band.get(&root).filter(|_| how == How::Mask && sd == Side::Public) else {
            out.push(((root, sd, how), members, place));
            continue;
        };
        for &leaf in leaves {
            let i = *index.entry(leaf).or_insert_with(|| {
                let at = after_definition(ed, f, leaf).expect("phi_leaves returns values with a place after their definition");
                out.push(((leaf, Side::Public, How::Band), Vec::new(), Place::AfterDefinition(at)));
                out.len() - 1
            });
            out[i].1.extend(members.iter().copied());
        }
    }
    out
}

/// Whether `-confpass-debug-skip-guard` leaves out the guard about to be placed (masks and
/// compares of accesses, masked and checked ranges, in module order); counts it.
fn skip_guard(opts: &Options, placed: &mut u64, stats: &mut Stats) -> bool {
    let skip = opts.debug_skip_guard == Some(*placed);
    *placed += 1;
    if skip {
        stats.inc("guards-debug-skipped");
    }
    skip
}

fn fixed_size(size: Size<'_>) -> u64 {
    match size {
        Size::Fixed(n) => n,
        Size::Dynamic(_) => u64::MAX,
    }
}

/// A function's CFG with its dominator tree and natural loops.
pub struct Cfg<'m> {
    blocks: Vec<Block<'m>>,
    index: HashMap<Block<'m>, usize>,
    idom: Vec<usize>,
    loops: Vec<(usize, Vec<bool>)>,
    /// Per loop header: the index of its loop and the blocks that branch back to it.
    latches: HashMap<usize, (usize, Vec<Block<'m>>)>,
}

impl<'m> Cfg<'m> {
    pub fn new(f: Value<'m>) -> Self {
        let blocks = f.blocks();
        let index: HashMap<Block<'m>, usize> = blocks.iter().enumerate().map(|(i, b)| (*b, i)).collect();
        let succs: Vec<Vec<usize>> = blocks.iter().map(|b| b.successors().iter().filter_map(|s| index.get(s).copied()).collect()).collect();
        let idom = cfg::dominators(&succs);
        let loops = cfg::natural_loops(&succs, &idom);
        let latches = loops
            .iter()
            .enumerate()
            .map(|(l, (h, body))| (*h, (l, (0..blocks.len()).filter(|&b| body[b] && succs[b].contains(h)).map(|b| blocks[b]).collect())))
            .collect();
        Cfg { blocks, index, idom, loops, latches }
    }

    /// Whether block `b` is in the natural loop headed by `header`.
    pub fn in_loop(&self, header: Block<'m>, b: Block<'m>) -> bool {
        match (self.index.get(&header).and_then(|h| self.latches.get(h)), self.index.get(&b)) {
            (Some((l, _)), Some(&b)) => self.loops[*l].1[b],
            _ => false,
        }
    }

    /// The blocks of the loop headed by `header` that branch back to it (none if it heads no
    /// loop).
    pub fn latches(&self, header: Block<'m>) -> &[Block<'m>] {
        self.index.get(&header).and_then(|h| self.latches.get(h)).map_or(&[], |(_, v)| v.as_slice())
    }

    /// Whether block `a` dominates block `b` (false for blocks not in this CFG).
    pub fn dominates(&self, a: Block<'m>, b: Block<'m>) -> bool {
        match (self.index.get(&a), self.index.get(&b)) {
            (Some(&a), Some(&b)) => cfg::dominates(&self.idom, a, b),
            _ => false,
        }
    }
}

/// Where a guard goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place<'m> {
    /// Right after the root's definition (before this instruction).
    AfterDefinition(Value<'m>),
    /// At the start of the nearest block that dominates every access.
    BlockStart(Block<'m>),
    /// At the start of the block before the outermost loop the root is invariant in.
    Hoisted(Block<'m>),
    /// Before each access (the root has no place of its own: a constant, an invoke's result).
    PerAccess,
}

/// Whether block `b` dispatches to many places (a computed goto, a jump table): codegen
/// duplicates small such blocks into their predecessors, which interpreters depend on.
fn is_dispatch(b: Block<'_>) -> bool {
    b.terminator().is_some_and(|t| match t.opcode() {
        Some(Opcode::LLVMIndirectBr) => true,
        Some(Opcode::LLVMSwitch) => b.successors().len() >= 8,
        _ => false,
    })
}

/// The first instruction of a block where code may go (after phis).
fn first_insertion<'m>(b: Block<'m>) -> Value<'m> {
    b.instructions()
        .find(|i| !matches!(i.opcode(), Some(Opcode::LLVMPHI | Opcode::LLVMLandingPad)))
        .expect("a block ends in a terminator")
}

/// A guard goes where every access of the root is dominated by it and no earlier (a guard
/// computed on paths that do not need it costs for nothing), then out of every loop the root
/// is invariant in. Without `sink` (the compares of a phi's values), right after the root's
/// definition.
fn placement<'m>(ed: &Editor<'m>, f: Value<'m>, cfg: &Cfg<'m>, root: Value<'m>, members: &[Member<'m>], sink: bool) -> Place<'m> {
    let Some(after) = after_definition(ed, f, root) else { return Place::PerAccess };
    if !sink {
        return Place::AfterDefinition(after);
    }
    let def = if root.is_argument() { 0 } else { cfg.index[&root.parent_block().expect("an instruction")] };
    let mut at = None;
    for m in members {
        let Some(&b) = m.at.parent_block().and_then(|b| cfg.index.get(&b)) else { return Place::AfterDefinition(after) };
        at = Some(match at {
            None => b,
            Some(a) => cfg::common_dominator(&cfg.idom, a, b),
        });
    }
    let Some(mut at) = at else { return Place::AfterDefinition(after) };
    let mut hoisted = false;
    while let Some((h, _)) = cfg.loops.iter().filter(|(_, body)| body[at] && !body[def]).max_by_key(|(_, body)| body.iter().filter(|x| **x).count()) {
        at = cfg.idom[*h];
        hoisted = true;
    }
    if at == def {
        Place::AfterDefinition(after)
    } else if hoisted {
        Place::Hoisted(cfg.blocks[at])
    } else {
        Place::BlockStart(cfg.blocks[at])
    }
}

fn is_call(inst: Value<'_>) -> bool {
    matches!(inst.opcode(), Some(Opcode::LLVMCall | Opcode::LLVMInvoke | Opcode::LLVMCallBr))
}

/// `llvm.memcpy`/`memmove`/`memset` and the masked vector accesses: calls that are accesses.
fn is_memory_intrinsic(inst: Value<'_>) -> bool {
    inst.called_value().filter(|c| c.is_function()).is_some_and(|c| c.name().starts_with("llvm."))
}

/// Replaces each access that walks with a loop (see `walk`) by compares of the pointers its
/// walk starts from, anchored at the end of the blocks the loop is entered from: one compare
/// per loop entry instead of one guard per iteration. Not for private masks (a private access
/// must be rewritten into the region). Every other access keeps its own anchor and the
/// flavour's guard.
fn loop_walks<'m>(ed: &Editor<'m>, cfg: &Cfg<'m>, wanted: Vec<(Site<'m>, Side)>, opts: &Options, stats: &mut Stats) -> Vec<(Site<'m>, Side, Value<'m>, How)> {
    let flavour = if opts.guard == Guard::Trap { How::Compare } else { How::Mask };
    let mut walks: HashMap<Value<'m>, Option<walk::Walk<'m>>> = HashMap::new();
    let mut built: HashMap<(Value<'m>, Block<'m>), Value<'m>> = HashMap::new();
    let mut out = Vec::new();
    for (s, sd) in wanted {
        let compares = sd == Side::Public || opts.guard == Guard::Trap;
        let (root, r) = match s.size {
            Size::Fixed(n) if compares => reach(ed, s.ptr, n),
            _ => (s.ptr, u64::MAX),
        };
        let w = if r <= WINDOW { walks.entry(root).or_insert_with(|| walk::walk(ed, cfg, root)).as_ref() } else { None };
        let covered = w.filter(|w| s.inst.parent_block().is_some_and(|b| w.covers(cfg, b, r)));
        // Each start: the pointer compared and how far the access may reach from it.
        let starts = covered.and_then(|w| {
            w.starts
                .iter()
                .map(|(start, from)| {
                    let (ptr, reach) = match (walk::constant_start(start), start) {
                        (Some(e), walk::Start::Index { base, .. }) => (*base, w.reach(r) + e.unsigned_abs()),
                        _ => (*built.entry((root, *from)).or_insert_with(|| walk::materialize(ed, start, *from)), w.reach(r)),
                    };
                    (reach <= WINDOW).then(|| (ptr, reach, from.terminator().expect("a block ends in a terminator")))
                })
                .collect::<Option<Vec<_>>>()
        });
        // A start near an address fixed at link time needs no compare (as in `proven_safe`).
        let starts = starts.map(|v| {
            v.into_iter().filter(|(p, n, _)| {
                let (root, d) = reach(ed, *p, *n);
                root.is_instruction() || root.is_argument() || d > WINDOW
            }).collect::<Vec<_>>()
        });
        match starts {
            Some(starts) => {
                stats.inc("guards-loop-walks");
                for (ptr, reach, at) in starts {
                    out.push((Site { ptr, size: Size::Fixed(reach), ..s }, sd, at, How::Compare));
                }
            }
            // A library call's pointer argument is a value the library may only compare or
            // keep (null, a thread's result): it is compared, never rewritten.
            None if is_call(s.inst) && !is_memory_intrinsic(s.inst) => out.push((s, sd, s.inst, How::Compare)),
            None => out.push((s, sd, s.inst, flavour)),
        }
    }
    out
}

/// Makes the `inttoptr`s of one integer value in `f` one cast, right after the value's
/// definition: a cast costs nothing in codegen, and one root per pointer lets one guard cover
/// the accesses that casts in separate branches (QuickJS's `JS_VALUE_GET_PTR(v)` in each
/// branch) would each have needed. The old casts are left unused, not erased: the taint
/// findings still name them.
fn share_int_to_ptr<'m>(ed: &Editor<'m>, f: Value<'m>, stats: &mut Stats) {
    let mut casts: HashMap<(Value<'m>, u32), Vec<Value<'m>>> = HashMap::new();
    let mut order = Vec::new();
    for i in f.instructions().filter(|i| i.opcode() == Some(Opcode::LLVMIntToPtr)) {
        let (Some(v), Some(space)) = (i.operands().next(), i.ty().pointer_address_space()) else { continue };
        let list = casts.entry((v, space)).or_default();
        if list.is_empty() {
            order.push((v, space));
        }
        list.push(i);
    }
    for key in order {
        let list = &casts[&key];
        let v = key.0;
        if list.len() < 2 {
            continue;
        }
        if v.is_argument() {
            ed.position_at_entry(f);
        } else if v.opcode() == Some(Opcode::LLVMPHI) {
            ed.position_at_block_start(v.parent_block().expect("an instruction"));
        } else if v.is_instruction() && !matches!(v.opcode(), Some(Opcode::LLVMInvoke | Opcode::LLVMCallBr | Opcode::LLVMLandingPad)) {
            ed.position_after(v);
        } else {
            continue; // a constant, or a value defined by a terminator
        }
        let shared = ed.int_to_ptr(v, list[0].ty());
        for old in list {
            ed.replace_all_uses(*old, shared);
        }
        stats.add("guards-casts-shared", list.len() as u64 - 1);
    }
}

/// Guards every access of the module; returns what could not be guarded.
pub fn insert<'m>(ed: &Editor<'m>, view: &ModuleView<'m>, taint: &Findings<'m>, policy: &Policy, opts: &Options, stats: &mut Stats) -> Vec<Diagnostic<Value<'m>>> {
    let mut diags = Vec::new();
    let mut rep = Reporter { strings: HashMap::new() };
    let ptr0 = ed.ptr(0);
    let i32t = ed.int(32);
    let i64t = ed.int(64);
    let range_t = ed.function_type(ed.void(), &[i64t, i64t, i32t, ptr0, ptr0, i32t]);
    let mut violation = None;
    let mut range = None;
    let mut public_masks = false;
    // Placed guards so far, for `-confpass-debug-skip-guard`.
    let mut placed_guards = 0u64;
    let guards_loads = opts.mode.guards_loads();
    let guards_stores = opts.mode.guards_stores();
    // Under the mask flavour the module checks the public-mask layout at start-up (the trap
    // flavour does not, so that its programs run wherever they are loaded, under valgrind).
    let layout = opts.guard == Guard::Mask;
    for f in view.functions().filter(|f| !f.is_declaration() && !is_confpass_function(&f.name())).collect::<Vec<_>>() {
        if guards_loads || guards_stores {
            share_int_to_ptr(ed, f, stats);
            let kind = "public-access inside the protected region (a va_list outside the native stacks)";
            valist::guard_va_lists(ed, f, &mut |ed, at| rep.operands(ed, f, at, kind), stats);
        }
        // Collect first: guards split blocks.
        let mut wanted: Vec<(Site<'m>, Side)> = Vec::new();
        for inst in f.instructions() {
            match sites(ed, inst, policy) {
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
                        if let Some(why) = proven_safe(ed, f, s.ptr, s.size, layout) {
                            stats.inc(match why {
                                "in-bounds" => "guards-elided-in-bounds",
                                "constant" => "guards-elided-constant-address",
                                "public-frame" => "guards-elided-public-frame",
                                "public-global" => "guards-elided-public-global",
                                _ => "guards-elided-va-list",
                            });
                            // (The layout this relies on is checked at start-up.)
                            public_masks |= why == "public-global";
                            continue;
                        }
                        wanted.push((s, side(s.ptr, taint)));
                    }
                }
                Err(msg) => diags.push(Diagnostic::error(Code::Unsupported, Some(inst), msg)),
            }
        }
        // Library calls whose memory a run-time check covers: arrays the function accesses
        // anywhere (`qsort`), each checked right before the call. (Buffers the kernel finds
        // through memory go through the runtime's wrappers: `redirect_to_wrappers`.)
        for inst in f.instructions() {
            let Some(name) = inst.called_value().filter(|c| c.is_function()).map(|c| c.name()) else { continue };
            let args = inst.call_args();
            if let Some(&(_, at, n, z)) = ARRAYS.iter().find(|(a, _, _, _)| *a == name) {
                let (Some(&p), Some(&count), Some(&size)) = (args.get(at), args.get(n), args.get(z)) else { continue };
                if skip_guard(opts, &mut placed_guards, stats) {
                    continue;
                }
                ed.position_before(inst);
                let sd = side(p, taint);
                let [kind, file, line] = rep.operands(ed, f, inst, report_kind(sd, Access::Any));
                let t = ed.function_type(ed.void(), &[i64t, i64t, i64t, i32t, ptr0, ptr0, i32t]);
                let c = ed.function(CHECK_ARRAY, t);
                let (pi, count, size) = (ed.ptrtoint(p), ed.zext_or_self(count, i64t), ed.zext_or_self(size, i64t));
                ed.call(t, c, &[pi, count, size, ed.const_int(i32t, u64::from(sd == Side::Private)), kind, file, line]);
                stats.inc("guards-arrays-checked");
            }
        }
        // Decide on the CFG as it is before any guard splits a block.
        let cfg = Cfg::new(f);
        let wanted = loop_walks(ed, &cfg, wanted, opts, stats);
        // Group fixed-size accesses by (root, side). A mask rewrites the address as the masked
        // root plus a constant; a compare covers any offset range within the window.
        let mut groups: Groups<'m> = Vec::new();
        let mut index: HashMap<(Value<'m>, Side, How), usize> = HashMap::new();
        for (s, sd, at, how) in wanted {
            match s.size {
                Size::Fixed(n) if n <= WINDOW => {
                    let (root, off, rebased) = if how == How::Mask {
                        // The masked root replaces the address: same type (no `addrspacecast`
                        // between), near enough.
                        // A public one is made again from the masked root when the GEPs from
                        // it have offsets of bounded width (`PUBLIC_REACH`).
                        let (root, off) = ed.root_and_offset(s.ptr);
                        if let Some(root) = public_range_root(ed, s.ptr, n).filter(|_| sd == Side::Public) {
                            (root, 0, true)
                        } else if off.unsigned_abs() + n <= WINDOW && root.ty() == s.ptr.ty() {
                            (root, off, false)
                        } else {
                            (s.ptr, 0, false)
                        }
                    } else {
                        let (root, lo, hi) = ed.root_and_range_within(s.ptr, WINDOW);
                        if lo.unsigned_abs().max(hi.unsigned_abs()) + n <= WINDOW { (root, 0, false) } else { (s.ptr, 0, false) }
                    };
                    let key = (root, sd, how);
                    let i = *index.entry(key).or_insert_with(|| {
                        groups.push((key, Vec::new(), false));
                        groups.len() - 1
                    });
                    groups[i].1.push(Member { site: s, off, at, rebase: rebased });
                }
                _ if skip_guard(opts, &mut placed_guards, stats) => {}
                size if how == How::Mask && is_memory_intrinsic(s.inst) => {
                    // Branch-free: the address forced to its side and the length capped so that
                    // the range cannot leave it (`mask_range`).
                    ed.position_before(s.inst);
                    let guarded = match sd {
                        Side::Private => ed.byte_offset_any(ed.ptrmask(s.ptr, PRIVATE_MASK), BASE as i64),
                        Side::Public => ed.set_pointer_bits(s.ptr, PUBLIC_BIT),
                    };
                    ed.set_operand(s.inst, s.operand, guarded);
                    let len = s.inst.call_args()[2];
                    ed.set_operand(s.inst, 2, ed.and(len, ed.const_int(len.ty(), length_cap(sd))));
                    public_masks |= sd == Side::Public;
                    stats.inc(match size {
                        Size::Dynamic(_) => "guards-range-masked",
                        Size::Fixed(_) => "guards-long-constant-masked",
                    });
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
        let groups = redirect_phis(ed, f, groups, stats);
        let placed: Placed<'m> = groups
            .into_iter()
            .flat_map(|((root, sd, how), members, at_def)| {
                let place = placement(ed, f, &cfg, root, &members, !at_def);
                // A guard in a dispatch block (an interpreter's computed goto or jump table)
                // that none of its accesses is in would keep codegen from duplicating the
                // dispatch into every handler: one guard per block of the accesses instead.
                let block = match place {
                    Place::AfterDefinition(i) => i.parent_block(),
                    Place::BlockStart(b) | Place::Hoisted(b) => Some(b),
                    Place::PerAccess => None,
                };
                // (Not the compares of a phi's values: they must stay at their definitions.)
                let split = !at_def && block.is_some_and(|b| is_dispatch(b) && members.iter().all(|m| m.at.parent_block() != Some(b)));
                if !split {
                    return vec![((root, sd, how), members, place)];
                }
                stats.inc("guards-split-off-dispatch-blocks");
                let mut by_block: Vec<(Block<'m>, Vec<Member<'m>>)> = Vec::new();
                for m in members {
                    let b = m.at.parent_block().expect("an instruction");
                    match by_block.iter_mut().find(|(x, _)| *x == b) {
                        Some((_, v)) => v.push(m),
                        None => by_block.push((b, vec![m])),
                    }
                }
                by_block
                    .into_iter()
                    .map(|(_, sub)| {
                        let place = placement(ed, f, &cfg, root, &sub, true);
                        ((root, sd, how), sub, place)
                    })
                    .collect()
            })
            .collect();
        let placed = if opts.guard == Guard::Mask { band_phis(ed, f, placed, stats) } else { placed };
        for ((root, sd, how), members, place) in placed {
            if members.len() > 1 {
                stats.add("guards-merged-accesses", members.len() as u64 - 1);
            }
            match place {
                Place::AfterDefinition(_) => stats.inc("guards-at-definition"),
                Place::BlockStart(_) => stats.inc("guards-at-common-dominator"),
                Place::Hoisted(_) => stats.inc("guards-hoisted-out-of-loops"),
                Place::PerAccess => stats.add("guards-per-access", members.len() as u64),
            }
            let per_access: Vec<Vec<Member<'m>>> =
                if place == Place::PerAccess { members.into_iter().map(|m| vec![m]).collect() } else { vec![members] };
            for members in per_access {
                if skip_guard(opts, &mut placed_guards, stats) {
                    continue;
                }
                let first = members[0].site;
                let before = match place {
                    Place::AfterDefinition(i) => i,
                    Place::BlockStart(b) | Place::Hoisted(b) => first_insertion(b),
                    Place::PerAccess => members[0].at,
                };
                if how == How::Mask {
                    ed.position_before(before);
                    let guarded = match sd {
                        Side::Private => {
                            let masked = ed.ptrmask(root, PRIVATE_MASK);
                            ed.byte_offset_any(masked, BASE as i64)
                        }
                        Side::Public => ed.set_pointer_bits(root, PUBLIC_BIT),
                    };
                    for m in &members {
                        ed.position_before(m.site.inst);
                        let p = if m.rebase { rebase(ed, m.site.ptr, root, guarded) } else { ed.byte_offset_any(guarded, m.off) };
                        ed.set_operand(m.site.inst, m.site.operand, p);
                    }
                    let rebased = members.iter().filter(|m| m.rebase).count() as u64;
                    if rebased > 0 {
                        stats.add("guards-public-mask-ranged-accesses", rebased);
                    }
                    stats.inc(if sd == Side::Private { "guards-private-mask" } else { "guards-public-mask" });
                    public_masks |= sd == Side::Public;
                } else {
                    ed.position_before(before);
                    let pi = ed.ptrtoint(root);
                    let fail = match (how, sd) {
                        (How::Band, _) => {
                            let hi = ed.lshr(pi, BAND_SHIFT);
                            let step = ed.add(hi, ed.const_int(i64t, u64::MAX));
                            ed.icmp(LLVMIntPredicate::LLVMIntULT, step, ed.const_int(i64t, BAND_WIDTH))
                        }
                        (_, Side::Private) => {
                            let hi = ed.lshr(pi, K_DATA);
                            let outside = ed.icmp(LLVMIntPredicate::LLVMIntNE, hi, ed.const_int(i64t, BASE >> K_DATA));
                            let non_null = ed.icmp(LLVMIntPredicate::LLVMIntNE, pi, ed.const_int(i64t, 0));
                            ed.and(outside, non_null)
                        }
                        (_, Side::Public) => {
                            let hi = ed.lshr(pi, K + 1);
                            ed.icmp(LLVMIntPredicate::LLVMIntEQ, hi, ed.const_int(i64t, BASE >> (K + 1)))
                        }
                    };
                    let (violation_t, v) = *violation.get_or_insert_with(|| violation_fn(ed));
                    ed.split_check(fail, before);
                    let access = if members.iter().all(|m| m.site.access == first.access) { first.access } else { Access::Any };
                    let ops = rep.operands(ed, f, first.inst, report_kind(sd, access));
                    ed.call(violation_t, v, &ops);
                    stats.inc(match (how, sd) {
                        (How::Band, _) => "guards-public-band-check",
                        (_, Side::Private) => "guards-private-check",
                        (_, Side::Public) => "guards-public-check",
                    });
                }
            }
        }
    }
    if public_masks {
        // The runtime checks that public memory is where the mask keeps it (runtime/layout).
        let f = ed.function(REQUIRE_PUBLIC_MASK, ed.function_type(ed.void(), &[]));
        ed.append_ctor(f, 0);
    }
    diags
}
