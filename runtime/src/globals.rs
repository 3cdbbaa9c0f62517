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
