//! The public frames: public locals that could be reached out of bounds leave the native
//! stack (which lives in the private region) for its public mirror, `PUBLIC_MIRROR` bytes
//! above it in public memory.
//!
//! A local moves when it holds no private data (the taint analysis, rerun on the optimised
//! module) and its address escapes or it is accessed at an offset that is not a constant
//! inside its bounds. Private locals stay on the native stack, whatever their accesses; so do
//! `va_list`s, and `jmp_buf`s and `ucontext_t`s that no other function sees (their corruption
//! redirects reads or control).
//!
//! Each function with moved locals gets one native slot (an `alloca` of the frame's size and
//! alignment) that nothing accesses; its locals live in the slot's public mirror,
//! `inttoptr(ptrtoint(slot) + PUBLIC_MIRROR)`, made once at entry, each local's address at
//! its user. Dynamically sized public locals (VLAs, `alloca(n)`, locals of inlined callees
//! outside the entry block) keep their native `alloca` and live in its mirror. The frame needs
//! no stack pointer of its own: it follows the native stack (VLAs and `stackrestore`,
//! `longjmp`, threads, signal handlers), and the runtime maps the mirror with each native
//! stack. Its address comes from the native stack pointer, which no corrupted value steers,
//! and lies far above the block (`guards::PUBLIC_MIRROR`), so its accesses at offsets of
//! bounded width need no guard. A TLS public stack pointer (SafeStack's design, which confpass
//! used first) cost a load, a store and a restore per call, plus a mask of the frame.
//!
//! Private locals whose address escapes, or that are accessed at offsets not proven inside
//! them, move to their native slot's mirror in private data (`slot & (2^K_DATA - 1) + BASE`,
//! runtime/layout): a private pointer can reach them there, and no guarded access can reach
//! the native stack, where the return addresses are.
//!
//! Both mirrors exist only for the native stacks the runtime makes (main's, every thread's,
//! alternate signal stacks), so compiled code must run there: constructors run through the
//! runtime's `__confpass_on_native_stack` (`ON_NATIVE_STACK`), and `exit` after `main` runs on
//! main's stack. Code on another stack (a `makecontext` coroutine, a thread a library starts
//! and that calls back into compiled code) would address its public frame above 2^47, where it
//! faults, and put private locals in some other place of private data.
//!
//! confcc zero-initialises every local (`-ftrivial-auto-var-init=zero`) so that none exposes
//! old native-stack contents, which may be private. The public frame only ever holds public
//! data, so a moved local's zeroing hides nothing: it is dropped. It cannot be dropped after
//! LLVM optimised with it in sight (DSE deletes the program's own stores of the zeros it knows
//! are there), so the check step hides the zero from LLVM first ([`defer_auto_init`]: the
//! memset writes a byte read, volatile, from `__confpass_auto_init_fill`) and the instrument
//! step gives it back ([`restore_auto_init`]) before it drops the moved locals' memsets.

use std::collections::HashSet;

use super::globals::image_layout;
use super::guards::{BASE, PRIVATE_MASK, PUBLIC_MIRROR};
use crate::analysis::annotations::Signatures;
use crate::analysis::taint::Findings;
use crate::llvm::edit::Editor;
use crate::llvm::{ModuleView, Opcode, Value};
use crate::stats::Stats;

/// The runtime's `__confpass_on_native_stack(fn)`: calls `fn` on a native stack (constructors
/// run through it). Keep in sync with runtime/src/start.rs.
pub const ON_NATIVE_STACK: &str = "__confpass_on_native_stack";

/// Functions whose pointer argument is an object that must stay on the native stack.
const NATIVE_OBJECT_USERS: &[&str] = &[
    "setjmp", "_setjmp", "sigsetjmp", "__sigsetjmp", "getcontext", "makecontext", "swapcontext", "setcontext",
];

/// Functions that may see a native object without making it escape.
const NATIVE_OBJECT_PEERS: &[&str] = &["longjmp", "_longjmp", "siglongjmp", "__longjmp_chk", "llvm.lifetime", "llvm.va_end"];

/// Whether the object stays on the native stack: a `va_list` (passed, itself or through GEPs
/// and casts as `-O0` code does, to `llvm.va_start`/`llvm.va_copy`), or a `jmp_buf`/`ucontext_t`
/// given to one of `NATIVE_OBJECT_USERS` that no other function sees. An object that holds a
/// `jmp_buf` and is handed to other functions (an error context) is ordinary memory: public code
/// elsewhere must be able to use the rest of it.
fn keeps_native(a: Value<'_>) -> bool {
    let mut work = vec![(a, 0)];
    let (mut native, mut escapes) = (false, false);
    while let Some((p, depth)) = work.pop() {
        for u in p.users() {
            if let Some(c) = u.called_value().filter(|c| c.is_function()) {
                let n = c.name();
                if n.starts_with("llvm.va_start") || n.starts_with("llvm.va_copy") {
                    return true;
                }
                if NATIVE_OBJECT_USERS.contains(&n.as_str()) {
                    native = true;
                } else if !NATIVE_OBJECT_PEERS.iter().any(|peer| n.starts_with(peer)) {
                    escapes = true;
                }
            } else if u.called_value().is_some() {
                escapes = true;
            }
            if depth < 4 && matches!(u.opcode(), Some(Opcode::LLVMGetElementPtr | Opcode::LLVMBitCast)) && u.operands().next() == Some(p) {
                work.push((u, depth + 1));
            }
        }
    }
    native && !escapes
}

/// Whether every access to `a` is at a constant offset inside its `size` bytes.
fn accessed_in_bounds<'m>(ed: &Editor<'m>, a: Value<'m>, size: u64) -> bool {
    let mut work = vec![a];
    let mut seen = HashSet::new();
    while let Some(p) = work.pop() {
        if !seen.insert(p) {
            continue;
        }
        let offset = if p == a {
            0
        } else {
            match ed.base_and_offset(p) {
                Some((b, off)) if b == a && off >= 0 => off as u64,
                _ => return false,
            }
        };
        for u in p.users() {
            let fits = |n: u64| offset.checked_add(n).is_some_and(|end| end <= size);
            let ok = match u.opcode() {
                Some(Opcode::LLVMGetElementPtr | Opcode::LLVMBitCast) if u.operands().next() == Some(p) => {
                    work.push(u);
                    true
                }
                Some(Opcode::LLVMLoad) => fits(ed.size_of(u.ty())),
                Some(Opcode::LLVMStore) => {
                    let mut ops = u.operands();
                    let v = ops.next().expect("store value");
                    ops.next() == Some(p) && v != p && fits(ed.size_of(v.ty()))
                }
                Some(Opcode::LLVMCall) => {
                    let name = u.called_value().map(|c| c.name()).unwrap_or_default();
                    if name.starts_with("llvm.lifetime") {
                        true
                    } else if name.starts_with("llvm.memset") || name.starts_with("llvm.memcpy") || name.starts_with("llvm.memmove") {
                        u.call_args().get(2).and_then(|n| n.const_int()).is_some_and(|n| n >= 0 && fits(n as u64))
                    } else {
                        false
                    }
                }
                _ => false,
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// A global byte, always 0, that clang's auto-init memsets of locals write between the check
/// and the instrument steps (a volatile load of it, which LLVM cannot fold).
pub const AUTO_INIT_FILL: &str = "__confpass_auto_init_fill";

/// Check step, before LLVM optimises: each of clang's `-ftrivial-auto-var-init` memsets of a
/// local (`!annotation "auto-init"`, zero bytes, on an `alloca`) writes the fill byte instead;
/// returns how many. LLVM then cannot lean on the zeros (delete a later store of zeros, forward
/// a zero to a load), so the instrument step may drop the memset of a local that moves to the
/// public frame, and gives every other one its zero back. In a module that is never
/// instrumented (mode `off` at an LTO link) the memsets still write zeros, read from memory.
pub fn defer_auto_init<'m>(ed: &Editor<'m>, view: &ModuleView<'m>) -> u64 {
    let i8t = ed.int(8);
    let mut fill = None;
    let mut n = 0;
    for f in view.functions().filter(|f| !f.is_declaration()) {
        for inst in f.instructions().collect::<Vec<_>>() {
            if !inst.called_value().is_some_and(|c| c.name().starts_with("llvm.memset")) || !inst.has_annotation("auto-init") {
                continue;
            }
            let args = inst.call_args();
            if args.first().and_then(|d| d.opcode()) != Some(Opcode::LLVMAlloca) || args.get(1).and_then(|v| v.const_int()) != Some(0) {
                continue;
            }
            let g = *fill.get_or_insert_with(|| {
                let g = ed.add_global(i8t, AUTO_INIT_FILL, 0);
                ed.set_initializer(g, ed.const_int(i8t, 0));
                ed.set_linkage(g, crate::llvm::edit::Linkage::LLVMLinkOnceODRLinkage);
                g
            });
            ed.position_before(inst);
            let byte = ed.load_volatile(i8t, g);
            ed.set_operand(inst, 1, byte);
            n += 1;
        }
    }
    n
}

/// Instrument step: every read of the fill byte becomes the constant 0 again; returns the
/// memsets that wrote it (clang's zeroing of locals, as `defer_auto_init` found them).
pub fn restore_auto_init<'m>(ed: &Editor<'m>, view: &ModuleView<'m>) -> HashSet<Value<'m>> {
    let mut memsets = HashSet::new();
    let Some(g) = view.global(AUTO_INIT_FILL) else { return memsets };
    let zero = ed.const_int(ed.int(8), 0);
    for load in g.users().filter(|u| u.opcode() == Some(Opcode::LLVMLoad)).collect::<Vec<_>>() {
        for u in load.users() {
            if u.called_value().is_some_and(|c| c.name().starts_with("llvm.memset")) && u.call_args().get(1) == Some(&load) {
                memsets.insert(u);
            }
        }
        ed.replace_all_uses(load, zero);
        ed.erase(load);
    }
    ed.delete_if_unused(g);
    memsets
}

/// Erases the zeroing memsets (from [`restore_auto_init`]) of a local that moves to the public
/// stack, found through its address and GEPs of it; returns how many.
fn drop_auto_init<'m>(ed: &Editor<'m>, a: Value<'m>, zeroing: &HashSet<Value<'m>>) -> u64 {
    let mut work = vec![a];
    let mut seen = HashSet::new();
    let mut dead = Vec::new();
    while let Some(p) = work.pop() {
        if !seen.insert(p) {
            continue;
        }
        for u in p.users() {
            if matches!(u.opcode(), Some(Opcode::LLVMGetElementPtr | Opcode::LLVMBitCast)) && u.operands().next() == Some(p) {
                work.push(u);
            } else if zeroing.contains(&u) && u.call_args().first() == Some(&p) && !dead.contains(&u) {
                dead.push(u);
            }
        }
    }
    for &u in &dead {
        ed.erase(u);
    }
    dead.len() as u64
}

/// Moves the public locals that need it to the public frame: the mirror of a native slot.
/// By-value arguments (the callee's copy, in its caller's native frame) that the function
/// indexes with a variable or whose address it passes on: a public access to them would be a
/// guarded public access to the native stack, which stops the program. Each such argument is
/// copied at entry into a local of its own, which then moves to the public frame like any other
/// (the copy reads the argument at constant offsets within it). Arguments the function's
/// annotation makes private stay where they are. Returns how many were copied.
pub fn copy_indexed_byvals<'m>(ed: &Editor<'m>, view: &ModuleView<'m>, sigs: &Signatures<'m>) -> u64 {
    let mut copied = 0;
    for f in view.functions().filter(|f| !f.is_declaration()).collect::<Vec<_>>() {
        let private = sigs.get(&f).map(|s| s.private_args.clone()).unwrap_or_default();
        for (i, p) in f.params().into_iter().enumerate() {
            let Some(t) = p.byval_type() else { continue };
            let size = ed.size_of(t);
            if private.contains(&i) || p.ty().pointer_address_space() != Some(0) || accessed_in_bounds(ed, p, size) {
                continue;
            }
            ed.position_at_entry(f);
            let align = ed.abi_align(t).max(8);
            let local = ed.alloca(t, align);
            let copy = ed.memcpy(local, p, size, align as u32);
            ed.replace_all_uses(p, local);
            ed.set_operand(copy, 1, p);
            copied += 1;
        }
    }
    copied
}

pub fn move_public_locals<'m>(ed: &Editor<'m>, view: &ModuleView<'m>, taint: &Findings<'m>, zeroing: &HashSet<Value<'m>>, stats: &mut Stats) {
    for f in view.functions().filter(|f| !f.is_declaration()).collect::<Vec<_>>() {
        let blocks = f.blocks();
        let mut moved: Vec<(Value<'m>, u64, u64)> = Vec::new();
        let mut dynamic: Vec<Value<'m>> = Vec::new();
        for (bi, b) in blocks.iter().enumerate() {
            for a in b.instructions().filter(|i| i.opcode() == Some(Opcode::LLVMAlloca)) {
                if taint.private_locals.contains(&a) || keeps_native(a) {
                    continue;
                }
                let Some((t, count)) = a.alloca_shape() else { continue };
                let static_size = count.filter(|_| bi == 0).map(|c| c * ed.size_of(t));
                let Some(size) = static_size else {
                    // A VLA, an `alloca(n)`, or a local of an inlined callee: mirrored where it
                    // is created (a guarded public access to the native stack would trap).
                    dynamic.push(a);
                    continue;
                };
                if !taint.escaped_locals.contains(&a) && accessed_in_bounds(ed, a, size) {
                    continue;
                }
                moved.push((a, size, ed.abi_align(t).max(ed.alignment(a))));
            }
        }
        if moved.is_empty() && dynamic.is_empty() {
            continue;
        }
        let mut dropped = 0;
        if !moved.is_empty() {
            // One native slot holds the whole frame, whose mirror is the public frame: one
            // address, made at entry, for every moved local.
            let items: Vec<(u64, u64)> = moved.iter().map(|(_, s, al)| (*s, *al)).collect();
            let (offsets, total, align) = image_layout(&items);
            ed.position_at_entry(f);
            let slot = ed.alloca(ed.byte_array(total.max(1)), align.max(16));
            let frame = ed.translate_pointer(slot, PUBLIC_MIRROR);
            for ((a, _, _), off) in moved.iter().zip(offsets) {
                dropped += drop_auto_init(ed, *a, zeroing);
                for u in a.users().collect::<Vec<_>>() {
                    if u.called_value().is_some_and(|c| c.name().starts_with("llvm.lifetime")) {
                        ed.erase(u);
                    }
                }
                // Each user computes its address right before it (SafeStack does the same): one
                // address per local made at entry would stay live through the whole function, and
                // a large one (an interpreter's) spills them all at every call. A phi's value must
                // exist at the end of its incoming block: those take the one made after the frame.
                let mut at_entry = None;
                let mut seen = HashSet::new();
                // A user with two operands on the local (`memcpy(a, a)`) is listed twice.
                for u in a.users().filter(|u| seen.insert(*u)).collect::<Vec<_>>() {
                    let addr = if u.opcode() == Some(Opcode::LLVMPHI) {
                        *at_entry.get_or_insert_with(|| {
                            ed.position_after(frame);
                            ed.byte_offset(frame, off)
                        })
                    } else {
                        ed.position_before(u);
                        ed.byte_offset(frame, off)
                    };
                    ed.replace_operand(u, *a, addr);
                }
                ed.erase(*a);
            }
        }
        for &a in &dynamic {
            // The native stack makes room (and `llvm.stackrestore` frees it); the local lives in
            // the mirror of that room.
            dropped += drop_auto_init(ed, a, zeroing);
            let users: Vec<Value<'m>> =
                a.users().filter(|u| !u.called_value().is_some_and(|c| c.name().starts_with("llvm.lifetime"))).collect();
            ed.position_after(a);
            let mirror = ed.translate_pointer(a, PUBLIC_MIRROR);
            for u in users {
                ed.replace_operand(u, a, mirror);
            }
        }
        if !dynamic.is_empty() {
            stats.add("public-locals-dynamic-moved", dynamic.len() as u64);
        }
        stats.add("public-locals-moved", moved.len() as u64);
        if dropped > 0 {
            stats.add("public-locals-zeroing-dropped", dropped);
        }
        stats.inc("functions-with-public-frames");
    }
}

/// Moves the private locals that need it to their native slots' mirrors in private data.
pub fn mirror_private_locals<'m>(ed: &Editor<'m>, view: &ModuleView<'m>, taint: &Findings<'m>, stats: &mut Stats) {
    for f in view.functions().filter(|f| !f.is_declaration()).collect::<Vec<_>>() {
        for (bi, b) in f.blocks().iter().enumerate() {
            for a in b.instructions().filter(|i| i.opcode() == Some(Opcode::LLVMAlloca)).collect::<Vec<_>>() {
                if !taint.private_locals.contains(&a) || keeps_native(a) {
                    continue;
                }
                let Some((t, count)) = a.alloca_shape() else { continue };
                let static_size = count.filter(|_| bi == 0).map(|c| c * ed.size_of(t));
                if static_size.is_some_and(|size| !taint.escaped_locals.contains(&a) && accessed_in_bounds(ed, a, size)) {
                    continue;
                }
                let users: Vec<Value<'m>> =
                    a.users().filter(|u| !u.called_value().is_some_and(|c| c.name().starts_with("llvm.lifetime"))).collect();
                ed.position_after(a);
                let masked = ed.ptrmask(a, PRIVATE_MASK);
                let mirror = ed.byte_offset_any(masked, BASE as i64);
                for u in users {
                    ed.replace_operand(u, a, mirror);
                }
                stats.inc(if static_size.is_some() { "private-locals-mirrored" } else { "private-locals-dynamic-mirrored" });
            }
        }
    }
}
