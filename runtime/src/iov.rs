//! Library calls whose buffers are described in memory (`writev`'s `iovec`s, `sendmsg`'s
//! `msghdr`): compiled code calls these wrappers instead (the plugin redirects every use of the
//! library function, its address included). Checking the description and then handing it to
//! the kernel left a window: the kernel reads it again, and another thread could aim an
//! `iovec` at private data in between. Each wrapper copies the description onto its own frame
//! (a native stack, out of reach of every compiled access), checks the copy (every buffer must
//! be public, as for any library call) and gives the kernel the copy.
//!
//! Counts above the kernel's limit (`UIO_MAXIOV`, 1024) fail with `EINVAL`/`EMSGSIZE` as the
//! kernel would; `sendmmsg`/`recvmmsg` handle at most [`MMSG_BATCH`] messages and
//! [`IOV_MAX`] iovecs in all per call (they may always do fewer than asked: the result says how
//! many).

use core::ffi::{c_int, c_uint, c_ulong};

use libc::{iovec, mmsghdr, msghdr, off_t, pid_t, ssize_t, timespec};

use crate::layout::{RESERVED_LO, RESERVED_SIZE};
use crate::report;

const IOV_MAX: usize = 1024;
const MMSG_BATCH: usize = 64;
const EMPTY: iovec = iovec { iov_base: core::ptr::null_mut(), iov_len: 0 };

extern "C" {
    fn writev(fd: c_int, iov: *const iovec, cnt: c_int) -> ssize_t;
    fn readv(fd: c_int, iov: *const iovec, cnt: c_int) -> ssize_t;
    fn pwritev(fd: c_int, iov: *const iovec, cnt: c_int, off: off_t) -> ssize_t;
    fn preadv(fd: c_int, iov: *const iovec, cnt: c_int, off: off_t) -> ssize_t;
    fn pwritev2(fd: c_int, iov: *const iovec, cnt: c_int, off: off_t, flags: c_int) -> ssize_t;
    fn preadv2(fd: c_int, iov: *const iovec, cnt: c_int, off: off_t, flags: c_int) -> ssize_t;
    fn vmsplice(fd: c_int, iov: *const iovec, n: usize, flags: c_uint) -> ssize_t;
    fn process_vm_readv(pid: pid_t, local: *const iovec, ln: c_ulong, remote: *const iovec, rn: c_ulong, flags: c_ulong) -> ssize_t;
    fn process_vm_writev(pid: pid_t, local: *const iovec, ln: c_ulong, remote: *const iovec, rn: c_ulong, flags: c_ulong) -> ssize_t;
    fn sendmsg(fd: c_int, msg: *const msghdr, flags: c_int) -> ssize_t;
    fn recvmsg(fd: c_int, msg: *mut msghdr, flags: c_int) -> ssize_t;
    fn sendmmsg(fd: c_int, vec: *mut mmsghdr, n: c_uint, flags: c_int) -> c_int;
    fn recvmmsg(fd: c_int, vec: *mut mmsghdr, n: c_uint, flags: c_int, timeout: *mut timespec) -> c_int;
}

/// `[p, p + n)` must be public memory: clear of the protected block.
fn public(p: usize, n: usize, what: &[u8]) {
    if n != 0 && !(p.saturating_add(n) <= RESERVED_LO || p >= RESERVED_LO + RESERVED_SIZE) {
        report::violation(b"public-access inside the protected region (a buffer passed through memory)", Some(what), 0);
    }
}

fn fail<T: From<i8>>(errno: c_int) -> T {
    // SAFETY: this thread's errno.
    unsafe { *libc::__errno_location() = errno };
    T::from(-1)
}

/// Copies `cnt` iovecs from `iov` into `out` and checks the copy; the count, or `None` if
/// the kernel would refuse it.
///
/// # Safety
/// `iov` points to `cnt` readable iovecs when `cnt` is in range (what the call needs).
unsafe fn snapshot(iov: *const iovec, cnt: i64, out: &mut [iovec], what: &[u8]) -> Option<usize> {
    let n = usize::try_from(cnt).ok().filter(|&n| n <= out.len())?;
    if n == 0 {
        return Some(0);
    }
    public(iov as usize, n * core::mem::size_of::<iovec>(), what);
    // SAFETY: the caller's contract; the source is public memory (checked).
    unsafe { core::ptr::copy_nonoverlapping(iov, out.as_mut_ptr(), n) };
    for v in &out[..n] {
        public(v.iov_base as usize, v.iov_len, what);
    }
    Some(n)
}

macro_rules! iov_wrapper {
    ($wrapper:ident, $real:ident, ($($arg:ident: $t:ty),*)) => {
        /// The library function of the same name, on a checked copy of its iovecs.
        ///
        /// # Safety
        /// As the library function.
        #[no_mangle]
        pub unsafe extern "C" fn $wrapper(fd: c_int, iov: *const iovec, cnt: c_int $(, $arg: $t)*) -> ssize_t {
            let mut copy = [EMPTY; IOV_MAX];
            // SAFETY: the caller's contract.
            match unsafe { snapshot(iov, cnt.into(), &mut copy, stringify!($real).as_bytes()) } {
                // SAFETY: a checked copy of the caller's iovecs.
                Some(n) => unsafe { $real(fd, copy.as_ptr(), n as c_int $(, $arg)*) },
                None => fail(libc::EINVAL),
            }
        }
    };
}

iov_wrapper!(__confpass_writev, writev, ());
iov_wrapper!(__confpass_readv, readv, ());
iov_wrapper!(__confpass_pwritev, pwritev, (off: off_t));
iov_wrapper!(__confpass_preadv, preadv, (off: off_t));
iov_wrapper!(__confpass_pwritev2, pwritev2, (off: off_t, flags: c_int));
iov_wrapper!(__confpass_preadv2, preadv2, (off: off_t, flags: c_int));

/// `vmsplice` on a checked copy of its iovecs.
///
/// # Safety
/// As `vmsplice`.
#[no_mangle]
pub unsafe extern "C" fn __confpass_vmsplice(fd: c_int, iov: *const iovec, n: usize, flags: c_uint) -> ssize_t {
    let mut copy = [EMPTY; IOV_MAX];
    // SAFETY: the caller's contract.
    match unsafe { snapshot(iov, i64::try_from(n).unwrap_or(-1), &mut copy, b"vmsplice") } {
        // SAFETY: a checked copy.
        Some(n) => unsafe { vmsplice(fd, copy.as_ptr(), n, flags) },
        None => fail(libc::EINVAL),
    }
}

macro_rules! process_vm_wrapper {
    ($wrapper:ident, $real:ident) => {
        /// The library function of the same name on checked copies of both sides' iovecs (the
        /// remote process may be this very one).
        ///
        /// # Safety
        /// As the library function.
        #[no_mangle]
        pub unsafe extern "C" fn $wrapper(pid: pid_t, local: *const iovec, ln: c_ulong, remote: *const iovec, rn: c_ulong, flags: c_ulong) -> ssize_t {
            let (mut l, mut r) = ([EMPTY; IOV_MAX], [EMPTY; IOV_MAX]);
            let what = stringify!($real).as_bytes();
            // SAFETY: the caller's contract.
            let (ln, rn) = unsafe { (snapshot(local, ln as i64, &mut l, what), snapshot(remote, rn as i64, &mut r, what)) };
            match (ln, rn) {
                // SAFETY: checked copies.
                (Some(ln), Some(rn)) => unsafe { $real(pid, l.as_ptr(), ln as c_ulong, r.as_ptr(), rn as c_ulong, flags) },
                _ => fail(libc::EINVAL),
            }
        }
    };
}

process_vm_wrapper!(__confpass_process_vm_readv, process_vm_readv);
process_vm_wrapper!(__confpass_process_vm_writev, process_vm_writev);

/// Copies `*msg` and its iovecs (into `iovs`) and checks them: the name, the control data and
/// every buffer must be public. `None` if the kernel would refuse the iovec count.
///
/// # Safety
/// `msg` points to a readable `msghdr` whose `msg_iov` holds `msg_iovlen` iovecs.
unsafe fn snapshot_msg(msg: *const msghdr, iovs: &mut [iovec], what: &[u8]) -> Option<msghdr> {
    public(msg as usize, core::mem::size_of::<msghdr>(), what);
    // SAFETY: the caller's contract; public memory (checked).
    let mut m = unsafe { core::ptr::read(msg) };
    public(m.msg_name as usize, m.msg_namelen as usize, what);
    public(m.msg_control as usize, m.msg_controllen, what);
    // SAFETY: the caller's contract.
    let n = unsafe { snapshot(m.msg_iov, i64::try_from(m.msg_iovlen).unwrap_or(-1), iovs, what)? };
    m.msg_iov = iovs.as_mut_ptr();
    m.msg_iovlen = n;
    Some(m)
}

/// `sendmsg` on a checked copy of its header and iovecs.
///
/// # Safety
/// As `sendmsg`.
#[no_mangle]
pub unsafe extern "C" fn __confpass_sendmsg(fd: c_int, msg: *const msghdr, flags: c_int) -> ssize_t {
    let mut iovs = [EMPTY; IOV_MAX];
    // SAFETY: the caller's contract.
    match unsafe { snapshot_msg(msg, &mut iovs, b"sendmsg") } {
        // SAFETY: a checked copy.
        Some(m) => unsafe { sendmsg(fd, &m, flags) },
        None => fail(libc::EMSGSIZE),
    }
}

/// What `recvmsg` writes back into the caller's header.
///
/// # Safety
/// `to` is a writable `msghdr` (checked public by the snapshot).
unsafe fn write_back(to: *mut msghdr, from: &msghdr) {
    // SAFETY: the caller's contract.
    unsafe {
        (*to).msg_namelen = from.msg_namelen;
        (*to).msg_controllen = from.msg_controllen;
        (*to).msg_flags = from.msg_flags;
    }
}

/// `recvmsg` on a checked copy of its header and iovecs; the lengths and flags the kernel
/// sets are copied back.
///
/// # Safety
/// As `recvmsg`.
#[no_mangle]
pub unsafe extern "C" fn __confpass_recvmsg(fd: c_int, msg: *mut msghdr, flags: c_int) -> ssize_t {
    let mut iovs = [EMPTY; IOV_MAX];
    // SAFETY: the caller's contract.
    let Some(mut m) = (unsafe { snapshot_msg(msg, &mut iovs, b"recvmsg") }) else { return fail(libc::EMSGSIZE) };
    // SAFETY: a checked copy; the caller's header is public and writable.
    unsafe {
        let r = recvmsg(fd, &mut m, flags);
        if r >= 0 {
            write_back(msg, &m);
        }
        r
    }
}

/// Copies up to [`MMSG_BATCH`] headers of `vec` (and their iovecs, [`IOV_MAX`] in all) and
/// checks them; how many were taken, or `None` if the first alone is refused.
///
/// # Safety
/// `vec` points to `n` readable `mmsghdr`s.
unsafe fn snapshot_mmsg(vec: *const mmsghdr, n: c_uint, out: &mut [mmsghdr; MMSG_BATCH], iovs: &mut [iovec; IOV_MAX], what: &[u8]) -> Option<usize> {
    let n = (n as usize).min(MMSG_BATCH);
    public(vec as usize, n * core::mem::size_of::<mmsghdr>(), what);
    let mut used = 0;
    for i in 0..n {
        // SAFETY: the caller's contract; the array is public memory (checked).
        let hdr = unsafe { &(*vec.add(i)).msg_hdr };
        // SAFETY: the caller's contract.
        match unsafe { snapshot_msg(hdr, &mut iovs[used..], what) } {
            Some(m) => {
                used += m.msg_iovlen;
                out[i] = mmsghdr { msg_hdr: m, msg_len: 0 };
            }
            // Beyond the iovecs left: the rest waits for another call (the result counts
            // what was done).
            None if i > 0 => return Some(i),
            None => return None,
        }
    }
    Some(n)
}

/// `sendmmsg` on checked copies of (up to 64 of) its headers and their iovecs.
///
/// # Safety
/// As `sendmmsg`.
#[no_mangle]
pub unsafe extern "C" fn __confpass_sendmmsg(fd: c_int, vec: *mut mmsghdr, n: c_uint, flags: c_int) -> c_int {
    // SAFETY: all-zero mmsghdrs are valid values.
    let mut copy: [mmsghdr; MMSG_BATCH] = unsafe { core::mem::zeroed() };
    let mut iovs = [EMPTY; IOV_MAX];
    // SAFETY: the caller's contract.
    let Some(k) = (unsafe { snapshot_mmsg(vec, n, &mut copy, &mut iovs, b"sendmmsg") }) else { return fail(libc::EMSGSIZE) };
    // SAFETY: checked copies; the caller's headers are public and writable.
    unsafe {
        let r = sendmmsg(fd, copy.as_mut_ptr(), k as c_uint, flags);
        for i in 0..usize::try_from(r).unwrap_or(0) {
            (*vec.add(i)).msg_len = copy[i].msg_len;
        }
        r
    }
}

/// `recvmmsg` on checked copies of (up to 64 of) its headers and their iovecs.
///
/// # Safety
/// As `recvmmsg`.
#[no_mangle]
pub unsafe extern "C" fn __confpass_recvmmsg(fd: c_int, vec: *mut mmsghdr, n: c_uint, flags: c_int, timeout: *mut timespec) -> c_int {
    if !timeout.is_null() {
        public(timeout as usize, core::mem::size_of::<timespec>(), b"recvmmsg");
    }
    // SAFETY: all-zero mmsghdrs are valid values.
    let mut copy: [mmsghdr; MMSG_BATCH] = unsafe { core::mem::zeroed() };
    let mut iovs = [EMPTY; IOV_MAX];
    // SAFETY: the caller's contract.
    let Some(k) = (unsafe { snapshot_mmsg(vec, n, &mut copy, &mut iovs, b"recvmmsg") }) else { return fail(libc::EMSGSIZE) };
    // SAFETY: checked copies; the caller's headers are public and writable.
    unsafe {
        let r = recvmmsg(fd, copy.as_mut_ptr(), k as c_uint, flags, timeout);
        for i in 0..usize::try_from(r).unwrap_or(0) {
            write_back(&mut (*vec.add(i)).msg_hdr, &copy[i].msg_hdr);
            (*vec.add(i)).msg_len = copy[i].msg_len;
        }
        r
    }
}
