//! Reports: a violation, or a fatal set-up failure. One line on stderr, then the process ends
//! with a documented status. No private byte is ever part of a report: only the kind and the
//! location. Exit statuses are kept in sync with confpass.h and the README.

use core::ffi::{c_char, c_int, CStr};

/// Exit status of a process stopped by a confpass violation.
pub const VIOLATION_EXIT: i32 = 86;
/// Exit status when the runtime cannot set the program up (e.g. the region's address is taken).
pub const SETUP_EXIT: i32 = 87;

pub fn write_all(bytes: &[u8]) {
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

pub fn write_u64(mut v: u64) {
    let mut buf = [0u8; 20];
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

pub fn write_hex(v: usize) {
    let mut buf = [0u8; 18];
    buf[0] = b'0';
    buf[1] = b'x';
    for i in 0..16 {
        let nibble = (v >> ((15 - i) * 4)) & 0xf;
        buf[2 + i] = b"0123456789abcdef"[nibble];
    }
    write_all(&buf);
}

fn exit(status: i32) -> ! {
    // SAFETY: ends the process at once: nothing of a possibly compromised program runs after.
    unsafe { libc::_exit(status) }
}

/// Prints `msg` (and a Rust source location) and ends the process with [`SETUP_EXIT`].
pub fn fatal(msg: &[u8], at: Option<(&str, u32)>) -> ! {
    write_all(msg);
    if let Some((file, line)) = at {
        write_all(b" at ");
        write_all(file.as_bytes());
        write_all(b":");
        write_u64(line.into());
    }
    write_all(b"\n");
    exit(SETUP_EXIT)
}

/// `confpass: <a><b>` and [`SETUP_EXIT`].
pub fn die2(a: &[u8], b: &[u8]) -> ! {
    write_all(a);
    write_all(b);
    write_all(b"\n");
    exit(SETUP_EXIT)
}

/// `confpass: <what> <object>: <strerror(errno)>` and [`SETUP_EXIT`].
pub fn die_errno(what: &str, object: &str) -> ! {
    // SAFETY: errno and strerror of this thread, read at once.
    let err = unsafe { CStr::from_ptr(libc::strerror(*libc::__errno_location())) };
    write_all(b"confpass: ");
    write_all(what.as_bytes());
    if !object.is_empty() {
        write_all(b" ");
        write_all(object.as_bytes());
    }
    write_all(b": ");
    write_all(err.to_bytes());
    write_all(b"\n");
    exit(SETUP_EXIT)
}

/// A violation: `confpass: violation: KIND[ at WHERE]` and [`VIOLATION_EXIT`].
pub fn violation(kind: &[u8], at: Option<&[u8]>, line: u32) -> ! {
    write_all(b"confpass: violation: ");
    write_all(kind);
    if let Some(f) = at {
        write_all(b" at ");
        write_all(f);
        if line != 0 {
            write_all(b":");
            write_u64(line.into());
        }
    }
    write_all(b"\n");
    exit(VIOLATION_EXIT)
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
    violation(c_str(kind).unwrap_or(b"unknown"), c_str(file), line)
}

/// Called by compiled code before an access of `n` bytes at `p` whose length is only known at
/// run time (a `memcpy`, a library call with a length): a private access (`private != 0`) must
/// lie inside the private region, a public one must not touch the block or its guard zones.
/// Fires a violation named `kind` otherwise.
///
/// # Safety
/// `kind` and `file` are null or NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn __confpass_check_range(p: usize, n: usize, private: u32, kind: *const c_char, file: *const c_char, line: u32) {
    use crate::layout::{is_private_data, RESERVED_LO, RESERVED_SIZE};
    if n == 0 {
        return;
    }
    let ok = if private != 0 {
        is_private_data(p, n)
    } else {
        // A length past the end of the address space (a capacity such as SIZE_MAX) reaches
        // to its end: what matters is whether the range meets the block.
        p.saturating_add(n) <= RESERVED_LO || p >= RESERVED_LO + RESERVED_SIZE
    };
    if !ok {
        violation(c_str(kind).unwrap_or(b"unknown"), c_str(file), line)
    }
}

/// Called by compiled code before a library function that accesses an array of `count`
/// elements of `size` bytes anywhere in it (`qsort`, `bsearch`: they step over guard zones):
/// element `i` lies at `p + i * size`, wrapping like the library's own arithmetic, so an array
/// whose bytes do not fit in the address space above `p` (the product or the end wraps) meets
/// the block; otherwise it is checked as the range it is.
///
/// # Safety
/// `kind` and `file` are null or NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn __confpass_check_array(p: usize, count: usize, size: usize, private: u32, kind: *const c_char, file: *const c_char, line: u32) {
    if count == 0 || size == 0 {
        return;
    }
    match count.checked_mul(size).filter(|n| p.checked_add(*n).is_some()) {
        // SAFETY: the caller's contract.
        Some(n) => unsafe { __confpass_check_range(p, n, private, kind, file, line) },
        None => violation(c_str(kind).unwrap_or(b"unknown"), c_str(file), line),
    }
}

/// Called by compiled code before it hands function pointer `fp` to the C library (a `qsort`
/// comparator, a thread's start routine, an `atexit` handler): the library calls it without
/// the KCFI check compiled calls make, so the check is made here. The four bytes before the
/// target's entry must be `id` (the id KCFI places there: the public signature's); values
/// below 4096 and -1 (`SIG_DFL`, `SIG_IGN`, `SIG_ERR`, a null) are no code and pass.
///
/// # Safety
/// `kind` and `file` are null or NUL-terminated strings; a code pointer at `fp` has its four
/// bytes before it mapped (true of every KCFI target; anything else may fault, which ends the
/// process too).
#[no_mangle]
pub unsafe extern "C" fn __confpass_check_callback(fp: usize, id: u32, kind: *const c_char, file: *const c_char, line: u32) {
    use crate::layout::{RESERVED_LO, RESERVED_SIZE};
    if fp < 4096 || fp == usize::MAX {
        return;
    }
    // Nothing in the protected block is code: no read there (whose outcome would tell
    // something of private bytes).
    let ok = !(RESERVED_LO - 4..RESERVED_LO + RESERVED_SIZE).contains(&fp)
        // SAFETY: the caller's contract.
        && unsafe { core::ptr::read_unaligned((fp - 4) as *const u32) } == id;
    if !ok {
        violation(c_str(kind).unwrap_or(b"unknown"), c_str(file), line)
    }
}

/// The KCFI id of the public taint signature (no private parameter, a public result): what a
/// function pointer handed to the C library must carry. Computed as the plugin does
/// (pass/src/instrument/cfi.rs, `signature_id`); keep in sync.
pub const PUBLIC_ID: u32 = {
    let text = b"confpass-cfi:params[]:ret[public]";
    let mut h: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < text.len() {
        h ^= text[i] as u32;
        h = h.wrapping_mul(0x0100_0193);
        i += 1;
    }
    if h == 0xFA1E_0FF3 || h == 0xFB1E_0FF3 || h == 0xFA1E_0FF3u32.wrapping_neg() || h == 0xFB1E_0FF3u32.wrapping_neg() {
        h.wrapping_add(1)
    } else {
        h
    }
};

/// `sigaction` on a checked copy of `*act`: the structure must be public, its handler must carry
/// the public id (libc calls it without a check), and libc gets the copy, which no other thread
/// can change between the check and the call. `old` must be public: libc writes it.
///
/// # Safety
/// As `sigaction`.
#[no_mangle]
pub unsafe extern "C" fn __confpass_sigaction(sig: c_int, act: *const libc::sigaction, old: *mut libc::sigaction) -> c_int {
    let kind = c"cfi-library-callback (a signal handler that is none of the functions the C library may call)";
    let size = core::mem::size_of::<libc::sigaction>();
    // SAFETY: checks of public ranges; the copy is read once from checked memory.
    unsafe {
        if !old.is_null() {
            __confpass_check_range(old as usize, size, 0, kind.as_ptr(), c"sigaction".as_ptr(), 0);
        }
        if act.is_null() {
            return libc::sigaction(sig, act, old);
        }
        __confpass_check_range(act as usize, size, 0, kind.as_ptr(), c"sigaction".as_ptr(), 0);
        let copy = core::ptr::read(act);
        __confpass_check_callback(copy.sa_sigaction, PUBLIC_ID, kind.as_ptr(), c"sigaction".as_ptr(), 0);
        libc::sigaction(sig, &copy, old)
    }
}

/// A checked copy of a `struct sigevent`: public, and with `SIGEV_THREAD` a notification
/// function that carries the public id (libc starts a thread that calls it).
///
/// # Safety
/// `sev` is null or points to a readable `sigevent`.
unsafe fn checked_sigevent(sev: *const libc::sigevent, what: &core::ffi::CStr) -> Option<libc::sigevent> {
    if sev.is_null() {
        return None;
    }
    let kind = c"cfi-library-callback (a notification function that is none of the functions the C library may call)";
    // SAFETY: a check of a public range, then one read of it.
    unsafe {
        __confpass_check_range(sev as usize, core::mem::size_of::<libc::sigevent>(), 0, kind.as_ptr(), what.as_ptr(), 0);
        let copy = core::ptr::read(sev);
        if copy.sigev_notify == libc::SIGEV_THREAD {
            // The union after the signal number and the kind holds the function (then its
            // attributes), read from the copy.
            const _: () = assert!(core::mem::size_of::<libc::sigevent>() >= 24);
            let function = core::ptr::read_unaligned((&copy as *const libc::sigevent as *const u8).add(16) as *const usize);
            __confpass_check_callback(function, PUBLIC_ID, kind.as_ptr(), what.as_ptr(), 0);
        }
        Some(copy)
    }
}

extern "C" {
    fn timer_create(clock: libc::clockid_t, sev: *mut libc::sigevent, timer: *mut libc::timer_t) -> c_int;
    fn mq_notify(mq: libc::mqd_t, sev: *const libc::sigevent) -> c_int;
}

/// `timer_create` on a checked copy of its `sigevent`.
///
/// # Safety
/// As `timer_create`.
#[no_mangle]
pub unsafe extern "C" fn __confpass_timer_create(clock: libc::clockid_t, sev: *mut libc::sigevent, timer: *mut libc::timer_t) -> c_int {
    // SAFETY: the caller's contract; libc gets the checked copy.
    unsafe {
        match checked_sigevent(sev, c"timer_create") {
            Some(mut copy) => timer_create(clock, &mut copy, timer),
            None => timer_create(clock, sev, timer),
        }
    }
}

/// `mq_notify` on a checked copy of its `sigevent`.
///
/// # Safety
/// As `mq_notify`.
#[no_mangle]
pub unsafe extern "C" fn __confpass_mq_notify(mq: libc::mqd_t, sev: *const libc::sigevent) -> c_int {
    // SAFETY: the caller's contract; libc gets the checked copy.
    unsafe {
        match checked_sigevent(sev, c"mq_notify") {
            Some(copy) => mq_notify(mq, &copy),
            None => mq_notify(mq, sev),
        }
    }
}
