//! Violation reports: one line on stderr, then the process ends with a documented status.
//! No private byte is ever part of a report: it names the kind and the location only.
//!
//! Exit status: [`VIOLATION_EXIT`] (keep in sync with confpass.h and the README).

use core::ffi::{c_char, CStr};

/// Exit status of a process stopped by a confpass violation.
pub const VIOLATION_EXIT: i32 = 86;

fn write_all(bytes: &[u8]) {
    let mut rest = bytes;
    while !rest.is_empty() {
        // SAFETY: writing a live byte slice to fd 2.
        let n = unsafe { libc::write(2, rest.as_ptr().cast(), rest.len()) };
        if n <= 0 {
            return;
        }
        rest = &rest[n as usize..];
    }
}

fn write_u32(mut v: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    write_all(&buf[i..]);
}

/// Prints `msg` (and a Rust source location) and ends the process with [`VIOLATION_EXIT`].
pub fn fatal(msg: &[u8], at: Option<(&str, u32)>) -> ! {
    write_all(msg);
    if let Some((file, line)) = at {
        write_all(b" at ");
        write_all(file.as_bytes());
        write_all(b":");
        write_u32(line);
    }
    write_all(b"\n");
    // SAFETY: ends the process without running user code (no atexit handlers).
    unsafe { libc::_exit(VIOLATION_EXIT) }
}

fn c_str<'a>(p: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: compiled code passes NUL-terminated constant strings or null.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes())
}

/// Called by compiled code when a guard fires: `confpass: violation: KIND at FILE:LINE`.
///
/// # Safety
/// `kind` and `file` are null or NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn __confpass_violation(kind: *const c_char, file: *const c_char, line: u32) -> ! {
    write_all(b"confpass: violation: ");
    write_all(c_str(kind).unwrap_or(b"unknown"));
    if let Some(f) = c_str(file) {
        write_all(b" at ");
        write_all(f);
        write_all(b":");
        write_u32(line);
    }
    write_all(b"\n");
    // SAFETY: ends the process at once: nothing of the compromised program runs after this.
    unsafe { libc::_exit(VIOLATION_EXIT) }
}
