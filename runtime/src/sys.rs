//! Small wrappers over libc: memory mappings, environment, output.

use core::ffi::{c_char, CStr};
use core::sync::atomic::{AtomicPtr, Ordering};

use crate::report;

/// Maps `[addr, addr + len)` with `prot`, failing loudly.
pub fn protect(addr: usize, len: usize, prot: i32, what: &str) {
    // SAFETY: the range lies inside the block the runtime reserved for itself.
    let r = unsafe { libc::mprotect(addr as *mut _, len, prot) };
    if r != 0 {
        report::die_errno("cannot make memory usable for", what);
    }
}

static ENVP: AtomicPtr<*mut c_char> = AtomicPtr::new(core::ptr::null_mut());

/// Remembers the initial environment (for lookups before libc sets `environ`).
pub fn set_envp(envp: *mut *mut c_char) {
    ENVP.store(envp, Ordering::Release);
}

/// The value of an environment variable: from the initial environment when the runtime has
/// it, else from `getenv`.
pub fn env(name: &CStr) -> Option<&'static [u8]> {
    let envp = ENVP.load(Ordering::Acquire);
    if envp.is_null() {
        // SAFETY: getenv returns null or a NUL-terminated string that lives as long as the
        // environment is not changed; the runtime reads it at start-up.
        let p = unsafe { libc::getenv(name.as_ptr()) };
        return (!p.is_null()).then(|| unsafe { CStr::from_ptr(p as *const c_char) }.to_bytes());
    }
    let key = name.to_bytes();
    let mut i = 0;
    loop {
        // SAFETY: envp is the null-terminated array the loader passed to the program.
        let entry = unsafe { *envp.add(i) };
        if entry.is_null() {
            return None;
        }
        // SAFETY: each entry is a NUL-terminated "NAME=value" string that lives forever.
        let bytes = unsafe { CStr::from_ptr(entry) }.to_bytes();
        if bytes.len() > key.len() && bytes.starts_with(key) && bytes[key.len()] == b'=' {
            return Some(&bytes[key.len() + 1..]);
        }
        i += 1;
    }
}

/// Parses a size such as `4096`, `64K`, `8M`, `2G`.
pub fn parse_size(s: &[u8]) -> Option<usize> {
    let (digits, mult) = match s.last()? {
        b'k' | b'K' => (&s[..s.len() - 1], 1usize << 10),
        b'm' | b'M' => (&s[..s.len() - 1], 1 << 20),
        b'g' | b'G' => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: usize = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add((d - b'0') as usize)?;
    }
    n.checked_mul(mult)
}

/// A size from the environment, or `default`; a malformed value is fatal.
pub fn env_size(name: &CStr, default: usize) -> usize {
    match env(name) {
        None => default,
        Some(v) => parse_size(v).unwrap_or_else(|| report::die2(b"confpass: malformed size in ", name.to_bytes())),
    }
}

pub fn round_up(n: usize, to: usize) -> usize {
    n.div_ceil(to) * to
}
