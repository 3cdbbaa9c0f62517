//! The private heap (`conf_malloc` …) and sealed output (`conf_seal`, `conf_open`), in a crate
//! of their own: its object, and mimalloc's (which carries a constructor), are linked only into
//! programs that call them. Everything else it needs comes from the main runtime through the
//! `__confpass_rt_*` functions below (keep in sync with runtime/src/lib.rs).

#![no_std]

mod heap;
mod seal;

pub use heap::*;
pub use seal::*;

/// The main runtime's services.
mod rt {
    use core::ffi::{c_char, CStr};

    extern "C" {
        fn __confpass_rt_init();
        fn __confpass_rt_protect(addr: usize, len: usize, what: *const c_char);
        fn __confpass_rt_env_size(name: *const c_char, default: usize) -> usize;
        fn __confpass_rt_fail(msg: *const c_char) -> !;
        fn __confpass_violation(kind: *const c_char, file: *const c_char, line: u32) -> !;
    }

    /// Reserves the regions if start-up has not yet.
    pub fn init() {
        // SAFETY: idempotent, callable at any time.
        unsafe { __confpass_rt_init() }
    }

    /// Makes `[addr, addr + len)` of the private region readable and writable, or dies.
    pub fn protect(addr: usize, len: usize, what: &'static str) {
        let mut buf = [0u8; 64];
        let n = what.len().min(63);
        buf[..n].copy_from_slice(&what.as_bytes()[..n]);
        // SAFETY: a NUL-terminated copy; the range lies in the runtime's own reservation.
        unsafe { __confpass_rt_protect(addr, len, buf.as_ptr().cast()) }
    }

    pub fn env_size(name: &CStr, default: usize) -> usize {
        // SAFETY: a NUL-terminated name.
        unsafe { __confpass_rt_env_size(name.as_ptr(), default) }
    }

    /// `confpass: <msg>` and the set-up exit status.
    pub fn fail(msg: &'static str) -> ! {
        let mut buf = [0u8; 128];
        let n = msg.len().min(127);
        buf[..n].copy_from_slice(&msg.as_bytes()[..n]);
        // SAFETY: a NUL-terminated copy.
        unsafe { __confpass_rt_fail(buf.as_ptr().cast()) }
    }

    pub fn violation(kind: &CStr) -> ! {
        // SAFETY: a NUL-terminated kind, no location.
        unsafe { __confpass_violation(kind.as_ptr(), core::ptr::null(), 0) }
    }
}
