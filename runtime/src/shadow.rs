//! Taint-aware CFI in the runtime: the shadow stack's memory and the report of KCFI failures.
//!
//! The shadow stack is a *parallel* one: the copy of the return address stored at native stack
//! address `s` lives at `(s & (2^K - 1)) + BASE + 2^K + SKEW`, in the runtime region, which
//! mirrors the private region (SKEW, 2112 bytes, keeps copies from aliasing their slots in the
//! low 12 address bits, which costs the CPU dearly: +170% on lua without it). Native stacks (main's, every thread's, alternate signal
//! stacks) are all in the private region, so each frame's copy sits at a fixed place that no
//! guarded store can reach (public stores trap in R_rt, private ones are forced into R_priv)
//! and that needs no shadow stack pointer: nothing to set up per thread, nothing to unwind
//! after a `longjmp`. Code that runs on another stack (constructors on the initial stack, a
//! `makecontext` stack) masks into the same window. Compiled code writes the copy at function
//! entry and compares it before returning (pass/src/instrument/cfi.rs).

use crate::layout::{BASE, GUARD, NULL_IMAGE, PUBLIC_BIT, PUBLIC_MIRRORS_LO, PUBLIC_MIRRORS_SIZE, REGION, RESERVED_LO, RESERVED_SIZE};
use crate::{report, sys};

/// Makes the runtime region (between its guard zones) usable: pages are backed only when a
/// frame first writes there (the reservation is `MAP_NORESERVE`).
pub fn init() {
    sys::protect(BASE + REGION + GUARD, REGION - 2 * GUARD, libc::PROT_READ | libc::PROT_WRITE, "the shadow stacks");
    // SAFETY: installing a handler with a zeroed, then filled, sigaction.
    unsafe {
        let mut sa: libc::sigaction = core::mem::zeroed();
        sa.sa_sigaction = on_sigill as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
        libc::sigaction(libc::SIGILL, &sa, core::ptr::null_mut());
        sa.sa_sigaction = on_sigsegv as *const () as usize;
        libc::sigaction(libc::SIGSEGV, &sa, core::ptr::null_mut());
    }
}

/// Whether `addr` lies in one of the guard zones of the block (below it, between and around
/// its regions, above it).
fn in_guard_zone(addr: usize) -> bool {
    [BASE, BASE + REGION, BASE + 2 * REGION].iter().any(|&edge| addr >= edge - GUARD && addr < edge + GUARD)
}

/// Reports a violation found by a signal at the interrupted instruction and ends the process.
///
/// # Safety
/// `ctx` is the `ucontext_t` the kernel passed to the handler.
unsafe fn report_at_pc(ctx: *mut libc::c_void, what: &[u8]) -> ! {
    // SAFETY: the caller passes the handler's context.
    let pc = unsafe { (*(ctx as *const libc::ucontext_t)).uc_mcontext.gregs[libc::REG_RIP as usize] as usize };
    report::write_all(b"confpass: violation: ");
    report::write_all(what);
    report::write_all(b" at pc ");
    report::write_hex(pc);
    report::write_all(b"\n");
    // SAFETY: ends the process at once.
    unsafe { libc::_exit(report::VIOLATION_EXIT) }
}

/// Gives signal `sig` its default action back (the handler returns and the instruction faults
/// again, as if confpass had not been there).
fn restore_default(sig: libc::c_int) {
    // SAFETY: installing the default action with a zeroed sigaction.
    unsafe {
        let mut dfl: libc::sigaction = core::mem::zeroed();
        dfl.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(sig, &dfl, core::ptr::null_mut());
    }
}

/// A fault in memory no access of a protected program may reach: a guard zone (an access a
/// guard let through because it was within its window of a checked pointer, or a loop walk
/// whose start was checked, went on towards the other side), the image of the block under the
/// public mask, the unmapped area below public memory, or the public mirrors' reservation
/// outside the mapped stacks. Reported as a violation; any other
/// fault keeps its default meaning.
extern "C" fn on_sigsegv(_sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes the fault's siginfo and the interrupted context.
    let addr = unsafe { (*info).si_addr() } as usize;
    let image = PUBLIC_BIT | RESERVED_LO;
    let what: &[u8] = if (image..image + RESERVED_SIZE).contains(&addr) {
        b"public-access inside the protected region (sent away by the public mask)"
    } else if (PUBLIC_BIT..PUBLIC_BIT + NULL_IMAGE).contains(&addr) {
        b"public-access below public memory (a null pointer, or a pointer that walked off public memory)"
    } else if (PUBLIC_MIRRORS_LO..PUBLIC_MIRRORS_LO + PUBLIC_MIRRORS_SIZE).contains(&addr) {
        b"public-access off a public frame (a pointer walked off its stack's public mirror)"
    } else if crate::globals::in_sealed_page(addr) {
        b"public-access to the addresses of private globals (read-only once set)"
    } else if in_guard_zone(addr) {
        b"access to a guard zone of the protected block (a pointer walked towards the other side)"
    } else {
        return restore_default(libc::SIGSEGV);
    };
    // SAFETY: the handler's own context.
    unsafe { report_at_pc(ctx, what) }
}

/// KCFI's check failed (`ud2` after the id compare of an indirect call): report it as a
/// violation. Other `SIGILL`s keep their default meaning.
extern "C" fn on_sigill(_sig: libc::c_int, _info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes the interrupted context; the bytes before the trapping
    // instruction are code of this process.
    let code = unsafe {
        let pc = (*(ctx as *const libc::ucontext_t)).uc_mcontext.gregs[libc::REG_RIP as usize] as usize;
        core::slice::from_raw_parts((pc - 2) as *const u8, 4)
    };
    // `je +2; ud2`: the check sequence LLVM emits for a "kcfi" operand bundle on x86-64.
    if code == [0x74, 0x02, 0x0f, 0x0b] {
        // SAFETY: the handler's own context.
        unsafe { report_at_pc(ctx, b"cfi-indirect-call (the target is not a function entry of the call's taint signature)") }
    }
    restore_default(libc::SIGILL);
}
