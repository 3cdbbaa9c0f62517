//! Private globals: each module registers its image of private globals from a constructor
//! (before any user constructor); the runtime copies it into the private region and returns
//! where it now lives. The binary's copy of the image is not used afterwards.

use crate::region;

/// Copies `size` bytes of `image` into the private globals area (aligned to `align`) and
/// returns the new address.
///
/// # Safety
/// `image` is valid for `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn __confpass_register_globals(image: *const u8, size: usize, align: usize) -> *mut u8 {
    let at = region::alloc_globals(size, align);
    // SAFETY: `at` is a fresh, writable range of `size` bytes; the caller's contract for image.
    unsafe { core::ptr::copy_nonoverlapping(image, at as *mut u8, size) };
    at as *mut u8
}
