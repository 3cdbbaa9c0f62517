//! `conf_declassify_*`: the only ways from private to public. The functions themselves are
//! plain copies; what makes them special is that the compiler treats their results as public
//! and lists every call site in its audit (`-mllvm -confpass-audit`).
//! Declared in `confpass.h`; keep in sync.

use core::ffi::{c_double, c_int, c_long, c_ulong, c_void};

#[no_mangle]
pub extern "C" fn conf_declassify_int(v: c_int) -> c_int {
    v
}

#[no_mangle]
pub extern "C" fn conf_declassify_long(v: c_long) -> c_long {
    v
}

#[no_mangle]
pub extern "C" fn conf_declassify_ulong(v: c_ulong) -> c_ulong {
    v
}

#[no_mangle]
pub extern "C" fn conf_declassify_double(v: c_double) -> c_double {
    v
}

/// Copies `n` bytes of private memory at `src` to public memory at `dst`.
///
/// # Safety
/// `src` and `dst` must be valid for `n` bytes and must not overlap (as for `memcpy`).
#[no_mangle]
pub unsafe extern "C" fn conf_declassify_bytes(dst: *mut c_void, src: *const c_void, n: usize) {
    if n == 0 {
        return;
    }
    // SAFETY: the caller's contract, as for memcpy.
    unsafe { core::ptr::copy_nonoverlapping(src.cast::<u8>(), dst.cast::<u8>(), n) }
}
