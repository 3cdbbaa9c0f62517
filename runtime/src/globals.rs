//! Private globals: each module registers its image of private globals from a constructor
//! (before any user constructor); the runtime copies it into the private region and returns
//! where it now lives, and wipes the binary's copy: a public over-read of the loaded binary
//! must not find the initial values (they stay in the file on disk).

use crate::region;

/// Copies `size` bytes of `image` into the private globals area (aligned to `align`), wipes
/// `image` and returns the new address.
///
/// # Safety
/// `image` is valid for reads and writes of `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn __confpass_register_globals(image: *mut u8, size: usize, align: usize) -> *mut u8 {
    let at = region::alloc_globals(size, align);
    // SAFETY: `at` is a fresh, writable range of `size` bytes; the caller's contract for image.
    unsafe {
        core::ptr::copy_nonoverlapping(image, at as *mut u8, size);
        for i in 0..size {
            core::ptr::write_volatile(image.add(i), 0);
        }
    }
    at as *mut u8
}

/// Pages of compiled code's own pointers that must not change once set: each module's address
/// of its private globals (`__confpass.base`, `NAME.confpass_addr`, each alone in a page of
/// its own). Their constructors write them and hand the pages here; they turn read-only when
/// `main` starts (a definition that several files share, a weak one, is written by each of
/// their constructors), or at once for a module loaded later. A write to them then faults,
/// reported as a violation. Overwriting the base had redirected every private global of a
/// module to other private data.
mod sealed {
    use core::cell::UnsafeCell;
    use core::sync::atomic::{AtomicBool, Ordering};

    use crate::layout::{PAGE, STATE_SEALED, STATE_STARTS};
    use crate::region;

    const MAX: usize = 4096;

    /// In the runtime's state (see `layout::RT_STATE`), out of reach of compiled code.
    #[repr(C)]
    struct Sealed {
        lock: AtomicBool,
        started: AtomicBool,
        len: UnsafeCell<usize>,
        pages: UnsafeCell<[(usize, usize); MAX]>,
    }
    const _: () = assert!(core::mem::size_of::<Sealed>() <= STATE_STARTS - STATE_SEALED);

    fn with<R>(f: impl FnOnce(&Sealed, &mut usize, &mut [(usize, usize); MAX]) -> R) -> R {
        // SAFETY: a Sealed is valid as zero bytes and fits its slice, used as nothing else.
        let s: &Sealed = unsafe { region::state(STATE_SEALED) };
        while s.lock.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            core::hint::spin_loop();
        }
        // SAFETY: under the lock.
        let r = unsafe { f(s, &mut *s.len.get(), &mut *s.pages.get()) };
        s.lock.store(false, Ordering::Release);
        r
    }

    fn protect(lo: usize, len: usize) {
        // SAFETY: whole pages of the module's own, holding nothing else (the plugin pads them).
        if unsafe { libc::mprotect(lo as *mut _, len, libc::PROT_READ) } != 0 {
            crate::report::die_errno("cannot make read-only", "the addresses of private globals");
        }
    }

    /// Records `[p, p + len)` (whole pages) and seals it at once if `main` has started.
    pub fn add(p: usize, len: usize) {
        if p % PAGE != 0 || len % PAGE != 0 {
            crate::report::die2(b"confpass: a module's addresses of private globals are not whole pages", b"");
        }
        let now = with(|s, n, pages| {
            if *n < MAX {
                pages[*n] = (p, len);
                *n += 1;
            }
            s.started.load(Ordering::Acquire) || *n == MAX
        });
        if now {
            protect(p, len);
        }
    }

    /// Seals every recorded page; later ones are sealed as they come. Called as `main` starts.
    pub fn seal_all() {
        with(|s, n, pages| {
            s.started.store(true, Ordering::Release);
            for &(p, len) in &pages[..*n] {
                protect(p, len);
            }
        });
    }

    /// Whether `addr` lies in a sealed page (for the report of a write there).
    pub fn contains(addr: usize) -> bool {
        with(|s, n, pages| s.started.load(Ordering::Acquire) && pages[..*n].iter().any(|&(p, len)| (p..p + len).contains(&addr)))
    }
}

pub use sealed::{contains as in_sealed_page, seal_all};

/// Called by each module's constructor with a page it has just written that must not change
/// again (see `sealed`).
///
/// # Safety
/// `p` is the start of `len` bytes of whole pages that hold nothing but the module's pointers.
#[no_mangle]
pub unsafe extern "C" fn __confpass_seal(p: *mut u8, len: usize) {
    sealed::add(p as usize, len);
}
