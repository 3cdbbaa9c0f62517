//! confrt: the runtime linked into every program that confcc builds (`libconfrt.a`).
//!
//! `no_std`: it runs inside every protected program, before and beside its code, and must not
//! bring Rust's allocator, panic machinery or thread-locals along. It talks to the kernel
//! through libc. Symbols called by compiled code carry the reserved prefix `__confpass_`;
//! the user API (declared in `annotations/include/confpass.h`) the prefix `conf_`.
//!
//! - `confrt-layout` (crate): the address-space layout, drawn there; `region`: reservation,
//!   private globals area, native stacks; `start`: `.preinit_array`, `main` and threads on
//!   native stacks and their mirrors.
//! - `confrt-heap` (crate): the private heap (mimalloc arena) and `conf_seal`/`conf_open`;
//!   `globals`: registration of private globals; `io`: input into private memory;
//!   `declassify`; `report`.

#![no_std]

mod declassify;
mod globals;
mod io;
mod iov;
mod region;
mod report;
mod shadow;
mod start;
mod sys;

// The heap and sealing live in their own crate (linked only when used); re-exported so that
// the static library carries them.
pub use confrt_heap::*;
use confrt_layout as layout;

/// Services for `confrt-heap` (keep in sync with runtime/heap/src/lib.rs).
mod services {
    use core::ffi::{c_char, CStr};

    #[no_mangle]
    pub extern "C" fn __confpass_rt_init() {
        crate::region::init();
    }

    /// # Safety
    /// `what` is a NUL-terminated string; the range lies in the runtime's reservation.
    #[no_mangle]
    pub unsafe extern "C" fn __confpass_rt_protect(addr: usize, len: usize, what: *const c_char) {
        // SAFETY: the caller's contract.
        let what = unsafe { CStr::from_ptr(what) }.to_str().unwrap_or("memory");
        crate::sys::protect(addr, len, libc::PROT_READ | libc::PROT_WRITE, what);
    }

    /// # Safety
    /// `name` is a NUL-terminated string.
    #[no_mangle]
    pub unsafe extern "C" fn __confpass_rt_env_size(name: *const c_char, default: usize) -> usize {
        // SAFETY: the caller's contract.
        crate::sys::env_size(unsafe { CStr::from_ptr(name) }, default)
    }

    /// # Safety
    /// `msg` is a NUL-terminated string.
    #[no_mangle]
    pub unsafe extern "C" fn __confpass_rt_fail(msg: *const c_char) -> ! {
        // SAFETY: the caller's contract.
        crate::report::die2(b"confpass: ", unsafe { CStr::from_ptr(msg) }.to_bytes())
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    report::fatal(b"confpass: runtime panic", info.location().map(|l| (l.file(), l.line())))
}

/// The precompiled `core` refers to Rust's unwinding personality even though this library
/// never unwinds (panic = "abort"); a C link line has none, so the runtime defines an inert one.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}
