//! The regions: reserved before any user code runs, then carved into the private globals
//! area (a bump allocator), the private heap (see `heap`) and native stacks (a pool).

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::layout::*;
use crate::report;
use crate::sys;

static READY: AtomicBool = AtomicBool::new(false);

/// The part of the runtime's state at `addr` (a `layout::STATE_*` slice of the runtime region,
/// mapped by [`init`]): all-zero bytes are its initial value.
///
/// # Safety
/// `T` is valid as all-zero bytes, fits its slice, and is the only type that slice is used as.
pub unsafe fn state<T>(addr: usize) -> &'static T {
    init();
    // SAFETY: the caller's contract; the slice is mapped, zeroed and never unmapped.
    unsafe { &*(addr as *const T) }
}

/// This module's state: the private globals area's top and the pool of native stacks.
#[repr(C)]
struct Pool {
    globals_top: AtomicUsize,
    lock: AtomicBool,
    /// Under the lock: the next unused offset in the stacks area, and the free stacks.
    next: core::cell::UnsafeCell<usize>,
    free_len: core::cell::UnsafeCell<usize>,
    free: core::cell::UnsafeCell<[(usize, usize); stacks::MAX_FREE]>,
}
const _: () = assert!(core::mem::size_of::<Pool>() <= STATE_THREADS - STATE_REGION);

fn pool() -> &'static Pool {
    // SAFETY: a Pool is valid as zero bytes and fits its slice, used as nothing else.
    unsafe { state(STATE_REGION) }
}

/// Reserves the block (idempotent). Called from `.preinit_array`, before any constructor.
pub fn init() {
    if READY.swap(true, Ordering::AcqRel) {
        return;
    }
    if !reserve(RESERVED_LO, RESERVED_SIZE) {
        report::die_errno("cannot reserve the private region at 0x100000000000 (128 GiB and guard zones, needs a free address range)", "");
    }
    if !reserve(PUBLIC_MIRRORS_LO, PUBLIC_MIRRORS_SIZE) {
        report::die_errno("cannot reserve the public mirrors of the native stacks at 0x700c01000000 (16 GiB, needs a free address range)", "");
    }
    sys::protect(RT_STATE, RT_STATE_SIZE, libc::PROT_READ | libc::PROT_WRITE, "the runtime's state");
    if sys::env(c"CONFPASS_REPORT").is_some_and(|v| v == b"regions") {
        for (name, lo) in [(&b"private"[..], BASE), (&b"runtime"[..], BASE + REGION)] {
            report::write_all(b"confpass: region ");
            report::write_all(name);
            report::write_all(b" ");
            report::write_hex(lo);
            report::write_all(b"-");
            report::write_hex(lo + REGION);
            report::write_all(b"\n");
        }
    }
}

/// Reserves `[lo, lo + size)` inaccessible and unbacked; false if any of it is taken.
fn reserve(lo: usize, size: usize) -> bool {
    // SAFETY: a fixed mapping that must not replace anything (MAP_FIXED_NOREPLACE).
    let p = unsafe {
        libc::mmap(
            lo as *mut _,
            size,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_FIXED_NOREPLACE,
            -1,
            0,
        )
    };
    p != libc::MAP_FAILED && p as usize == lo
}

static MASK_READY: AtomicBool = AtomicBool::new(false);

/// Called (as a constructor) by every module whose public accesses the plugin masks: public
/// memory must lie above PUBLIC_BIT there, and the places the mask sends null and the block to
/// must stay unmapped. Programs built with the trap flavour only never call it (and run, for
/// example, under valgrind, which loads programs low).
#[no_mangle]
pub extern "C" fn __confpass_require_public_mask() {
    if MASK_READY.swap(true, Ordering::AcqRel) {
        return;
    }
    check_public_memory();
    // Where the public mask sends null and the block: keep them unmapped.
    for (lo, size) in [(PUBLIC_BIT, NULL_IMAGE), (PUBLIC_BIT | RESERVED_LO, RESERVED_SIZE)] {
        if !reserve(lo, size) {
            report::die_errno("cannot reserve the images of null and of the block under the public mask (0x400000000000)", "");
        }
    }
}

/// Public memory must lie above PUBLIC_BIT (see runtime/layout): the executable, the C
/// library, the heap's break and the stack are checked here.
fn check_public_memory() {
    let local = 0u8;
    // SAFETY: sbrk(0) only reads the current break.
    let brk = unsafe { libc::sbrk(0) } as usize;
    let places: [(&[u8], usize); 4] = [
        (b"the executable", check_public_memory as *const () as usize),
        (b"the C library", libc::write as *const () as usize),
        (b"the heap", brk),
        (b"the stack", core::ptr::addr_of!(local) as usize),
    ];
    for (name, addr) in places {
        // A constructor of a library loaded later may run on a native stack (in the block).
        if (RESERVED_LO..RESERVED_LO + RESERVED_SIZE).contains(&addr) {
            continue;
        }
        if addr < PUBLIC_BIT || addr >= 1 << 47 {
            report::write_all(b"confpass: public memory must lie above 0x400000000000, but ");
            report::write_all(name);
            report::write_all(b" is at ");
            report::write_hex(addr);
            report::die2(b" (the mask guards need it: link position-independent, -pie, the default; no 'ulimit -s unlimited', which selects the legacy mmap layout; under valgrind, which loads programs low, build with -mllvm -confpass-guard=trap)", b"");
        }
    }
}

/// Bump-allocates `size` bytes aligned to `align` in the private globals area, usable at once.
pub fn alloc_globals(size: usize, align: usize) -> usize {
    init();
    let align = align.max(16);
    let top_of = &pool().globals_top;
    let mut top = top_of.load(Ordering::Acquire);
    loop {
        let start = sys::round_up(top, align);
        let end = start + size;
        if end > GLOBALS_SIZE {
            report::die2(b"confpass: private globals exceed the area of ", b"1 GiB");
        }
        match top_of.compare_exchange(top, end, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => {
                let lo = BASE + GLOBALS_OFFSET + sys::round_up(top, PAGE);
                let hi = BASE + GLOBALS_OFFSET + sys::round_up(end, PAGE);
                if hi > lo {
                    sys::protect(lo, hi - lo, libc::PROT_READ | libc::PROT_WRITE, "private globals");
                }
                return BASE + GLOBALS_OFFSET + start;
            }
            Err(now) => top = now,
        }
    }
}

/// Native stacks: a pool of `(base, size)` slots in the stacks area; each slot has a guard
/// page below its usable part. Freed stacks are reused.
mod stacks {
    use super::*;

    pub const MAX_FREE: usize = 256;

    /// Runs `f` on the pool under its lock: (next unused offset, number of free stacks, free stacks).
    fn with<R>(f: impl FnOnce(&mut usize, &mut usize, &mut [(usize, usize); MAX_FREE]) -> R) -> R {
        let p = pool();
        while p.lock.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            core::hint::spin_loop();
        }
        // SAFETY: the pool's fields are only touched under the lock.
        let r = unsafe { f(&mut *p.next.get(), &mut *p.free_len.get(), &mut *p.free.get()) };
        p.lock.store(false, Ordering::Release);
        r
    }

    /// A stack of at least `size` usable bytes: returns (lowest usable address, size).
    pub fn alloc(size: usize) -> (usize, usize) {
        init();
        let size = sys::round_up(size.max(64 << 10), PAGE);
        let (base, fresh) = with(|next, len, free| match free[..*len].iter().position(|&(_, s)| s == size) {
            Some(i) => {
                let slot = free[i];
                free[i] = free[*len - 1];
                *len -= 1;
                Some((slot.0, false))
            }
            None => {
                let base = *next + PAGE; // guard page below
                (base + size <= STACKS_SIZE).then(|| {
                    *next = base + size;
                    (base, true)
                })
            }
        })
        .unwrap_or_else(|| report::die2(b"confpass: out of room for native stacks in the private region", b""));
        let lo = BASE + STACKS_OFFSET + base;
        if fresh {
            sys::protect(lo, size, libc::PROT_READ | libc::PROT_WRITE, "a native stack");
            sys::protect(lo - MIRROR_DISTANCE, size, libc::PROT_READ | libc::PROT_WRITE, "a native stack's private locals");
            sys::protect(lo + PUBLIC_MIRROR, size, libc::PROT_READ | libc::PROT_WRITE, "a native stack's public locals");
        }
        (lo, size)
    }

    /// Returns a stack to the pool (its memory is given back to the kernel, zeroed).
    pub fn free(lo: usize, size: usize) {
        // SAFETY: the stack belongs to a finished thread; MADV_DONTNEED zeroes it lazily.
        unsafe {
            libc::madvise(lo as *mut _, size, libc::MADV_DONTNEED);
            libc::madvise((lo - MIRROR_DISTANCE) as *mut _, size, libc::MADV_DONTNEED);
            libc::madvise((lo + PUBLIC_MIRROR) as *mut _, size, libc::MADV_DONTNEED);
        }
        with(|_, len, free| {
            if *len < MAX_FREE {
                free[*len] = (lo - BASE - STACKS_OFFSET, size);
                *len += 1;
            }
        });
    }
}

pub use stacks::{alloc as alloc_stack, free as free_stack};

/// Whether `addr` lies in the native stacks' area.
pub fn on_native_stack(addr: usize) -> bool {
    (BASE + STACKS_OFFSET..BASE + STACKS_OFFSET + STACKS_SIZE).contains(&addr)
}
