//! `conf_seal` / `conf_open`: the way private data may leave — encrypted and authenticated
//! with ChaCha20-Poly1305 (RustCrypto), a fresh random 96-bit nonce per message.
//!
//! Sealed format: `nonce (12) || ciphertext (n) || tag (16)`, so `n + 28` bytes. Encryption
//! and decryption happen in private scratch memory; only ciphertext is written to public
//! memory, and plaintext only to private memory. Declared in `confpass.h`; keep in sync.

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce, Tag};
use core::ffi::{c_long, c_void};

use confrt_layout::is_private;

use crate::heap::{conf_free, conf_malloc};
use crate::rt;

/// Bytes a sealed message adds to its plaintext.
pub const OVERHEAD: usize = 12 + 16;

fn random(buf: &mut [u8]) {
    let mut filled = 0;
    while filled < buf.len() {
        // SAFETY: writes into the rest of `buf`.
        let r = unsafe { libc::getrandom(buf[filled..].as_mut_ptr().cast(), buf.len() - filled, 0) };
        if r <= 0 {
            rt::fail("cannot get random bytes for a nonce");
        }
        filled += r as usize;
    }
}

fn cipher(key: *const u8) -> ChaCha20Poly1305 {
    if !is_private(key as usize, 32) {
        rt::violation(c"conf_seal/conf_open key outside the private region");
    }
    // SAFETY: 32 readable bytes (checked to be in the private region).
    let key = unsafe { core::slice::from_raw_parts(key, 32) };
    ChaCha20Poly1305::new(Key::from_slice(key))
}

/// Seals `n` private bytes at `input` into `out` (public); returns the sealed size, or 0 when
/// `cap` is too small or memory is short.
///
/// # Safety
/// `out` is valid for `cap` bytes, `input` for `n` bytes, `key` for 32 bytes.
#[no_mangle]
pub unsafe extern "C" fn conf_seal(out: *mut c_void, cap: usize, input: *const c_void, n: usize, key: *const u8) -> usize {
    let Some(total) = n.checked_add(OVERHEAD).filter(|t| *t <= cap) else { return 0 };
    let aead = cipher(key);
    let scratch = conf_malloc(n.max(1)) as *mut u8;
    if scratch.is_null() {
        return 0;
    }
    // SAFETY: scratch has n bytes; the caller's contract for input and out.
    unsafe {
        core::ptr::copy_nonoverlapping(input as *const u8, scratch, n);
        let text = core::slice::from_raw_parts_mut(scratch, n);
        let mut nonce = [0u8; 12];
        random(&mut nonce);
        let tag = aead.encrypt_in_place_detached(Nonce::from_slice(&nonce), b"", text);
        let out = out as *mut u8;
        let result = match tag {
            Ok(tag) => {
                core::ptr::copy_nonoverlapping(nonce.as_ptr(), out, 12);
                core::ptr::copy_nonoverlapping(scratch, out.add(12), n);
                core::ptr::copy_nonoverlapping(tag.as_ptr(), out.add(12 + n), 16);
                total
            }
            Err(_) => 0,
        };
        conf_free(scratch.cast());
        result
    }
}

/// Opens a sealed message of `n` bytes at `input` (public) into `out` (private); returns the
/// plaintext size, or -1 when the message is malformed, tampered with, or `cap` is too small.
///
/// # Safety
/// `out` is valid for `cap` bytes, `input` for `n` bytes, `key` for 32 bytes.
#[no_mangle]
pub unsafe extern "C" fn conf_open(out: *mut c_void, cap: usize, input: *const c_void, n: usize, key: *const u8) -> c_long {
    if n < OVERHEAD || n - OVERHEAD > cap {
        return -1;
    }
    let len = n - OVERHEAD;
    if len != 0 && !is_private(out as usize, len) {
        rt::violation(c"conf_open into memory outside the private region");
    }
    let aead = cipher(key);
    // SAFETY: the caller's contract; `out` is private and has room for `len` bytes.
    unsafe {
        let input = input as *const u8;
        let nonce = *Nonce::from_slice(core::slice::from_raw_parts(input, 12));
        let tag = *Tag::from_slice(core::slice::from_raw_parts(input.add(12 + len), 16));
        core::ptr::copy_nonoverlapping(input.add(12), out as *mut u8, len);
        let text = core::slice::from_raw_parts_mut(out as *mut u8, len);
        match aead.decrypt_in_place_detached(&nonce, b"", text, &tag) {
            Ok(()) => len as c_long,
            Err(_) => {
                text.fill(0);
                -1
            }
        }
    }
}
