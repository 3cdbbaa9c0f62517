//! Start-up and threads: the regions exist before any constructor runs (`.preinit_array`),
//! `main` and every thread run on a native stack inside the private region, and alternate
//! signal stacks are placed there too, so that spilled registers, callee-saved registers and
//! return addresses holding private values land in private memory. Each native stack has a
//! public mirror (`region`), where the public locals the plugin moves off it live.
//!
//! confcc links with `--wrap=main --wrap=pthread_create --wrap=pthread_join
//! --wrap=sigaltstack` (keep in sync with pass/confcc/src/args.rs).

use core::ffi::{c_char, c_int, c_void};

use crate::layout::PAGE;
use crate::{region, report, sys};

#[used]
#[link_section = ".preinit_array"]
static PREINIT: extern "C" fn(c_int, *mut *mut c_char, *mut *mut c_char) = preinit;

/// Runs before every constructor. The dynamic loader passes main's arguments; libc's
/// `environ` is not set yet, so the environment is read from `envp`.
extern "C" fn preinit(_argc: c_int, _argv: *mut *mut c_char, envp: *mut *mut c_char) {
    sys::set_envp(envp);
    region::init();
    crate::shadow::init();
}

extern "C" {
    fn __real_main(argc: c_int, argv: *mut *mut c_char, envp: *mut *mut c_char) -> c_int;
    fn __real_pthread_create(
        thread: *mut libc::pthread_t,
        attr: *const libc::pthread_attr_t,
        start: extern "C" fn(*mut c_void) -> *mut c_void,
        arg: *mut c_void,
    ) -> c_int;
    fn __real_pthread_join(thread: libc::pthread_t, ret: *mut *mut c_void) -> c_int;
    fn __real_sigaltstack(ss: *const libc::stack_t, old: *mut libc::stack_t) -> c_int;
    // Not bound by the libc crate.
    fn pthread_attr_getdetachstate(attr: *const libc::pthread_attr_t, state: *mut c_int) -> c_int;
    fn pthread_attr_getscope(attr: *const libc::pthread_attr_t, scope: *mut c_int) -> c_int;
    fn pthread_attr_setscope(attr: *mut libc::pthread_attr_t, scope: c_int) -> c_int;
}

/// The stack size of `main`: `CONFPASS_STACK_SIZE`, else the soft `RLIMIT_STACK` (at least 8 MiB).
fn main_stack_size() -> usize {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: writes the struct.
    let soft = if unsafe { libc::getrlimit(libc::RLIMIT_STACK, &mut lim) } == 0 && lim.rlim_cur != libc::RLIM_INFINITY {
        lim.rlim_cur as usize
    } else {
        64 << 20
    };
    sys::env_size(c"CONFPASS_STACK_SIZE", soft.max(8 << 20))
}

// Calls `f(a, b, c)` on another stack and comes back. The first frame on the new stack marks
// the end of the stack for unwinders (`.cfi_undefined rip`, as `_start` does), so a forced
// unwind (pthread_exit, cancellation) stops there instead of walking into the old stack.
//   confpass_on_stack(a: rdi, b: rsi, c: rdx, f: rcx, top: r8) -> rax
core::arch::global_asm!(
    ".text",
    ".p2align 4",
    ".type confpass_on_stack, @function",
    "confpass_on_stack:",
    ".cfi_startproc",
    "push rbx",
    ".cfi_def_cfa_offset 16",
    ".cfi_offset rbx, -16",
    "mov rbx, rsp",
    "mov rsp, r8",
    "call confpass_stack_base",
    "mov rsp, rbx",
    "pop rbx",
    ".cfi_def_cfa_offset 8",
    "ret",
    ".cfi_endproc",
    ".size confpass_on_stack, . - confpass_on_stack",
    ".p2align 4",
    ".type confpass_stack_base, @function",
    "confpass_stack_base:",
    ".cfi_startproc",
    ".cfi_undefined rip",
    "sub rsp, 8",
    "call rcx",
    "add rsp, 8",
    "ret",
    ".cfi_endproc",
    ".size confpass_stack_base, . - confpass_stack_base",
);

extern "C" {
    fn confpass_on_stack(a: usize, b: usize, c: usize, f: usize, top: usize) -> usize;
}

/// `main`, moved onto a native stack in the private region.
///
/// # Safety
/// Called by libc's start-up code with main's arguments.
#[no_mangle]
pub unsafe extern "C" fn __wrap_main(argc: c_int, argv: *mut *mut c_char, envp: *mut *mut c_char) -> c_int {
    region::init();
    // Every constructor has run: the modules' addresses of their private globals are set.
    crate::globals::seal_all();
    let (lo, size) = region::alloc_stack(main_stack_size());
    // A page above main's first frame, as the kernel leaves the environment there: an
    // overflow of a buffer in main's frame stays in the stack (and in its public mirror)
    // instead of running off its end.
    let top = lo + size - PAGE;
    // SAFETY: a fresh stack of `size` bytes; main_then_exit runs the program's main.
    unsafe { confpass_on_stack(argc as usize, argv as usize, envp as usize, main_then_exit as *const () as usize, top & !15) as c_int }
}

/// The program's `main`, then `exit` on the same native stack: `atexit` handlers and
/// destructors run there too, where their public frames have a mirror.
extern "C" fn main_then_exit(argc: c_int, argv: *mut *mut c_char, envp: *mut *mut c_char) -> c_int {
    // SAFETY: libc's start-up code passed these arguments to __wrap_main.
    let r = unsafe { __real_main(argc, argv, envp) };
    // SAFETY: what libc's start-up code does with main's result.
    unsafe { libc::exit(r) }
}

/// Calls `f` on a native stack: the plugin makes every constructor of a compiled module run
/// through this (the loader runs them on the initial stack, which has no public mirror for
/// their public frames). On a native stack already (a library loaded later by `dlopen`),
/// `f` runs where it is.
#[no_mangle]
pub extern "C" fn __confpass_on_native_stack(f: extern "C" fn()) {
    let here = 0u8;
    let sp = core::ptr::addr_of!(here) as usize;
    if region::on_native_stack(sp) {
        return f();
    }
    // main's size: the pool gives this stack to main afterwards.
    let (lo, size) = region::alloc_stack(main_stack_size());
    // SAFETY: a fresh stack of `size` bytes; `f` takes no arguments (the three are ignored).
    unsafe { confpass_on_stack(0, 0, 0, f as usize, (lo + size - 64) & !15) };
    region::free_stack(lo, size);
}

/// What a new thread needs: the user's start routine, its argument and its native stack.
#[derive(Clone, Copy)]
struct Start {
    start: usize,
    arg: usize,
    stack: (usize, usize),
}

/// Threads being created: each one's [`Start`], in the runtime's state (see
/// `layout::RT_STATE`). In libc's heap, a public out-of-bounds write had changed a new thread's
/// routine (to a declassifier) or its stack (to public memory) before it read them. The thread
/// gets only the index of its entry (through glibc's descriptor, public memory): a changed index
/// can only name another thread's pending entry, which that thread then misses (a violation).
mod starts {
    use core::cell::UnsafeCell;
    use core::sync::atomic::{AtomicBool, Ordering};

    use super::Start;
    use crate::layout::{RT_STATE, RT_STATE_SIZE, STATE_STARTS};

    const MAX: usize = 1024;

    /// An entry is free while its routine is 0 (all-zero bytes: every entry free).
    #[repr(C)]
    struct Starts {
        lock: AtomicBool,
        entries: UnsafeCell<[Start; MAX]>,
    }
    const _: () = assert!(core::mem::size_of::<Starts>() <= RT_STATE + RT_STATE_SIZE - STATE_STARTS);

    fn with<R>(f: impl FnOnce(&mut [Start; MAX]) -> R) -> R {
        // SAFETY: a Starts is valid as zero bytes (every entry free) and fits its slice.
        let s: &Starts = unsafe { crate::region::state(STATE_STARTS) };
        while s.lock.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            core::hint::spin_loop();
        }
        // SAFETY: under the lock.
        let r = f(unsafe { &mut *s.entries.get() });
        s.lock.store(false, Ordering::Release);
        r
    }

    /// Records `start` (a non-null routine); its index, or `None` if too many threads are
    /// being created at once.
    pub fn put(start: Start) -> Option<usize> {
        with(|e| {
            let i = e.iter().position(|x| x.start == 0)?;
            e[i] = start;
            Some(i)
        })
    }

    /// Takes the entry at `index` (once).
    pub fn take(index: usize) -> Option<Start> {
        with(|e| {
            let x = e.get_mut(index).filter(|x| x.start != 0)?;
            Some(core::mem::replace(x, Start { start: 0, arg: 0, stack: (0, 0) }))
        })
    }
}

/// A new thread's first function, on the stack glibc made for it: glibc keeps the thread's
/// descriptor and its thread-local variables (`errno`) there, public memory that compiled code
/// may touch. The program's start routine then runs on the thread's native stack, as `main`
/// does; a forced unwind (`pthread_exit`, cancellation) stops at that stack's first frame and
/// glibc takes the thread back on its own stack.
extern "C" fn thread_start(p: *mut c_void) -> *mut c_void {
    let Some(s) = starts::take(p as usize) else {
        report::violation(b"thread-start (a new thread's start record was taken or forged)", None, 0)
    };
    let (lo, size) = s.stack;
    // SAFETY: a fresh native stack of `size` bytes; run_routine calls the routine with its argument.
    let r = unsafe { confpass_on_stack(s.start, s.arg, 0, run_routine as *const () as usize, (lo + size - 64) & !15) };
    r as *mut c_void
}

/// The program's start routine `start(arg)`, on the native stack.
extern "C" fn run_routine(start: usize, arg: usize, _: usize) -> usize {
    // SAFETY: `start` is the routine the program gave pthread_create.
    let f: extern "C" fn(*mut c_void) -> *mut c_void = unsafe { core::mem::transmute(start) };
    f(arg as *mut c_void) as usize
}

/// Stacks of running threads, returned to the pool when the thread is joined.
mod live {
    use core::cell::UnsafeCell;
    use core::sync::atomic::{AtomicBool, Ordering};

    use crate::layout::{STATE_HEAP, STATE_THREADS};

    const MAX: usize = 4096;
    /// (thread, native stack, its size)
    type Slot = (libc::pthread_t, usize, usize);
    /// In the runtime's state (see `layout::RT_STATE`), out of reach of compiled code.
    #[repr(C)]
    struct Live {
        lock: AtomicBool,
        slots: UnsafeCell<[Slot; MAX]>,
    }
    const _: () = assert!(core::mem::size_of::<Live>() <= STATE_HEAP - STATE_THREADS);

    fn with<R>(f: impl FnOnce(&mut [Slot; MAX]) -> R) -> R {
        // SAFETY: a Live is valid as zero bytes and fits its slice, used as nothing else.
        let live: &Live = unsafe { crate::region::state(STATE_THREADS) };
        while live.lock.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            core::hint::spin_loop();
        }
        // SAFETY: under the lock.
        let r = f(unsafe { &mut *live.slots.get() });
        live.lock.store(false, Ordering::Release);
        r
    }

    pub fn add(slot: Slot) {
        with(|s| {
            if let Some(free) = s.iter_mut().find(|x| x.2 == 0) {
                *free = slot;
            }
        });
    }

    pub fn take(t: libc::pthread_t) -> Option<Slot> {
        with(|s| {
            let slot = s.iter_mut().find(|x| x.2 != 0 && x.0 == t)?;
            let r = *slot;
            *slot = (0, 0, 0);
            Some(r)
        })
    }
}

/// Copies the attributes a program may set into `to`, except the stack, which is ours.
///
/// # Safety
/// `from` is an initialised attribute object; `to` is uninitialised.
unsafe fn copy_attr(from: *const libc::pthread_attr_t, to: *mut libc::pthread_attr_t) -> usize {
    // SAFETY: the caller's contract; each getter writes its out-parameter.
    unsafe {
        libc::pthread_attr_init(to);
        let mut v: c_int = 0;
        if pthread_attr_getdetachstate(from, &mut v) == 0 {
            libc::pthread_attr_setdetachstate(to, v);
        }
        if libc::pthread_attr_getschedpolicy(from, &mut v) == 0 {
            libc::pthread_attr_setschedpolicy(to, v);
        }
        let mut param: libc::sched_param = core::mem::zeroed();
        if libc::pthread_attr_getschedparam(from, &mut param) == 0 {
            libc::pthread_attr_setschedparam(to, &param);
        }
        if libc::pthread_attr_getinheritsched(from, &mut v) == 0 {
            libc::pthread_attr_setinheritsched(to, v);
        }
        if pthread_attr_getscope(from, &mut v) == 0 {
            pthread_attr_setscope(to, v);
        }
        let mut size = 0usize;
        libc::pthread_attr_getstacksize(from, &mut size);
        size
    }
}

/// `pthread_create`, with the thread's stack in the private region.
///
/// # Safety
/// As `pthread_create`.
#[no_mangle]
pub unsafe extern "C" fn __wrap_pthread_create(
    thread: *mut libc::pthread_t,
    attr: *const libc::pthread_attr_t,
    start: Option<extern "C" fn(*mut c_void) -> *mut c_void>,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: attribute objects are plain memory; see copy_attr.
    unsafe {
        let mut ours: libc::pthread_attr_t = core::mem::zeroed();
        let requested = if attr.is_null() {
            libc::pthread_attr_init(&mut ours);
            0
        } else {
            copy_attr(attr, &mut ours)
        };
        let size = sys::env_size(c"CONFPASS_THREAD_STACK_SIZE", requested.max(8 << 20));
        // The program's code runs on this stack; glibc makes its own (of its default size,
        // mapped lazily) for the thread's descriptor and thread-local variables (see
        // thread_start).
        let (lo, size) = region::alloc_stack(size);
        let entry = Start { start: start.map_or(0, |f| f as usize), arg: arg as usize, stack: (lo, size) };
        let Some(index) = (entry.start != 0).then(|| starts::put(entry)).flatten() else {
            region::free_stack(lo, size);
            libc::pthread_attr_destroy(&mut ours);
            return libc::EAGAIN;
        };
        let r = __real_pthread_create(thread, &ours, thread_start, index as *mut c_void);
        libc::pthread_attr_destroy(&mut ours);
        if r != 0 {
            starts::take(index);
            region::free_stack(lo, size);
        } else {
            live::add((*thread, lo, size));
        }
        r
    }
}

/// `pthread_join`; a joined thread's stack goes back to the pool (detached threads keep
/// theirs: nobody can tell when they are done with it).
///
/// # Safety
/// As `pthread_join`.
#[no_mangle]
pub unsafe extern "C" fn __wrap_pthread_join(thread: libc::pthread_t, ret: *mut *mut c_void) -> c_int {
    // SAFETY: as pthread_join.
    let r = unsafe { __real_pthread_join(thread, ret) };
    if r == 0 {
        if let Some((_, lo, size)) = live::take(thread) {
            region::free_stack(lo, size);
        }
    }
    r
}

/// `sigaltstack`: an alternate signal stack is a native stack too, so it moves into the
/// private region (the program's own buffer is left unused).
///
/// # Safety
/// As `sigaltstack`.
#[no_mangle]
pub unsafe extern "C" fn __wrap_sigaltstack(ss: *const libc::stack_t, old: *mut libc::stack_t) -> c_int {
    // SAFETY: as sigaltstack; `ss` is read only when non-null.
    unsafe {
        if ss.is_null() || (*ss).ss_flags & libc::SS_DISABLE != 0 {
            return __real_sigaltstack(ss, old);
        }
        let (lo, size) = region::alloc_stack(sys::round_up((*ss).ss_size.max(libc::MINSIGSTKSZ), PAGE));
        let ours = libc::stack_t { ss_sp: lo as *mut c_void, ss_flags: (*ss).ss_flags, ss_size: size };
        __real_sigaltstack(&ours, old)
    }
}
