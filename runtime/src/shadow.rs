//! Shadow stacks (taint-aware CFI, backward edges): one per thread in the runtime region R_rt,
//! which no guarded access of compiled code can reach (public accesses trap there, private
//! ones are forced into R_priv).
//!
//! Compiled code pushes each return address at function entry through the thread's shadow
//! stack pointer (`__confpass_shadow_sp`, initial-exec TLS) and, before returning, compares the
//! return address in its frame with the copy and resets the pointer to its own entry, which
//! also drops the entries of frames a `longjmp` skipped. The pointer itself lives in public
//! TLS: compiled code masks it into R_rt at every use, so a corrupted value can only point at
//! another shadow entry. Keep in sync with pass/src/instrument/cfi.rs.

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::layout::{BASE, GUARD, PAGE, REGION};
use crate::{region, report, sys};

core::arch::global_asm!(
    ".section .tbss,\"awT\",@nobits",
    ".globl __confpass_shadow_sp",
    ".type __confpass_shadow_sp, @object",
    ".size __confpass_shadow_sp, 8",
    ".p2align 3",
    "__confpass_shadow_sp:",
    ".zero 8",
    ".text",
);

/// Shadow stacks start after R_rt's guard zone and end before its last one.
const START: usize = BASE + REGION + GUARD;
const END: usize = BASE + 2 * REGION - GUARD;

static NEXT: AtomicUsize = AtomicUsize::new(START);
static LOCK: AtomicBool = AtomicBool::new(false);
const MAX_FREE: usize = 256;
static mut FREE: [(usize, usize); MAX_FREE] = [(0, 0); MAX_FREE];
static mut FREE_LEN: usize = 0;

/// The shadow stack a native stack of `native` bytes needs: a frame takes at least 16 bytes
/// of native stack (its return address, aligned) and 8 of shadow stack.
pub fn size_for(native: usize) -> usize {
    sys::round_up((native / 2).max(1 << 20), PAGE)
}

/// Sets this thread's shadow stack pointer.
pub fn set(sp: usize) {
    // SAFETY: writes this thread's slot of the TLS variable defined above.
    unsafe { core::arch::asm!("mov qword ptr fs:[__confpass_shadow_sp@tpoff], {}", in(reg) sp, options(nostack)) }
}

/// A fresh shadow stack of `size` bytes (from `size_for`) with an unmapped page above it:
/// its lowest usable address (the stack grows up from there).
pub fn alloc(size: usize) -> usize {
    region::init();
    while LOCK.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        core::hint::spin_loop();
    }
    // SAFETY: the free list is only touched under the lock.
    let reused = unsafe {
        let free = &mut *core::ptr::addr_of_mut!(FREE);
        let len = &mut *core::ptr::addr_of_mut!(FREE_LEN);
        free[..*len].iter().position(|&(_, s)| s == size).map(|i| {
            let lo = free[i].0;
            free[i] = free[*len - 1];
            *len -= 1;
            lo
        })
    };
    LOCK.store(false, Ordering::Release);
    if let Some(lo) = reused {
        return lo;
    }
    let lo = NEXT.fetch_add(size + PAGE, Ordering::AcqRel);
    if lo + size > END {
        report::die2(b"confpass: out of room for shadow stacks in the runtime region", b"");
    }
    sys::protect(lo, size, libc::PROT_READ | libc::PROT_WRITE, "a shadow stack");
    lo
}

/// Gives a finished thread's shadow stack back (zeroed lazily).
pub fn free(lo: usize, size: usize) {
    // SAFETY: the stack belongs to a finished thread.
    unsafe { libc::madvise(lo as *mut _, size, libc::MADV_DONTNEED) };
    while LOCK.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        core::hint::spin_loop();
    }
    // SAFETY: under the lock.
    unsafe {
        let len = &mut *core::ptr::addr_of_mut!(FREE_LEN);
        if *len < MAX_FREE {
            (*core::ptr::addr_of_mut!(FREE))[*len] = (lo, size);
            *len += 1;
        }
    }
    LOCK.store(false, Ordering::Release);
}

/// KCFI's check failed (`ud2` after the id compare of an indirect call): report it as a
/// violation. Other `SIGILL`s keep their default meaning.
extern "C" fn on_sigill(_sig: libc::c_int, _info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes the interrupted context; the bytes before the trapping
    // instruction are code of this process.
    unsafe {
        let uc = ctx as *const libc::ucontext_t;
        let pc = (*uc).uc_mcontext.gregs[libc::REG_RIP as usize] as usize;
        let code = core::slice::from_raw_parts((pc - 2) as *const u8, 4);
        // `je +2; ud2`: the check sequence LLVM emits for a "kcfi" operand bundle on x86-64.
        if code == [0x74, 0x02, 0x0f, 0x0b] {
            report::write_all(b"confpass: violation: cfi-indirect-call (the target is not a function entry of the call's taint signature) at pc ");
            report::write_hex(pc);
            report::write_all(b"\n");
            libc::_exit(report::VIOLATION_EXIT);
        }
        let mut dfl: libc::sigaction = core::mem::zeroed();
        dfl.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(libc::SIGILL, &dfl, core::ptr::null_mut());
    }
}

/// The main thread's shadow stack (for a native stack of `native` bytes) and the KCFI
/// report: before any constructor runs.
pub fn init_main(native: usize) {
    set(alloc(size_for(native)));
    // SAFETY: installing a handler with a zeroed, then filled, sigaction.
    unsafe {
        let mut sa: libc::sigaction = core::mem::zeroed();
        sa.sa_sigaction = on_sigill as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
        libc::sigaction(libc::SIGILL, &sa, core::ptr::null_mut());
    }
}
