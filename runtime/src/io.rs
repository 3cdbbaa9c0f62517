//! Input straight into private memory: the kernel writes into the private buffer, no copy
//! of the data ever exists in public memory. Declared in `confpass.h`; keep in sync.

use core::ffi::{c_int, c_void};

use crate::layout::is_private_data;
use crate::report;

fn check(buf: *mut c_void, n: usize, what: &[u8]) {
    // Private data only: the upper half of the region holds the native stacks.
    if n != 0 && !is_private_data(buf as usize, n) {
        report::violation(what, None, 0);
    }
}

/// `read(2)` into a private buffer.
///
/// # Safety
/// `buf` is valid for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn conf_read_private(fd: c_int, buf: *mut c_void, n: usize) -> isize {
    check(buf, n, b"conf_read_private into memory outside the private region");
    // SAFETY: the caller's contract.
    unsafe { libc::read(fd, buf, n) }
}

/// `recv(2)` into a private buffer.
///
/// # Safety
/// `buf` is valid for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn conf_recv_private(fd: c_int, buf: *mut c_void, n: usize, flags: c_int) -> isize {
    check(buf, n, b"conf_recv_private into memory outside the private region");
    // SAFETY: the caller's contract.
    unsafe { libc::recv(fd, buf, n, flags) }
}
