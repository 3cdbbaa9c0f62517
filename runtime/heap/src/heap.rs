//! The private heap: `conf_malloc` and friends, an exclusive mimalloc arena that covers the
//! heap area of the private region. mimalloc v3 heaps allocate from any thread and free from
//! any thread, so one heap serves the whole program. Declared in `confpass.h`; keep in sync.
//!
//! Limitation: mimalloc keeps its bookkeeping partly in its own (public) data; a corrupted
//! bookkeeping can misplace allocations, which the run-time guards then catch.

use core::ffi::c_void;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

use libmimalloc_sys as mi;

use confrt_layout::*;

use crate::rt;

/// The heap's handle and end, in the runtime's state (see `layout::RT_STATE`): in public
/// `.bss`, an out-of-bounds write could hand mimalloc a forged heap.
#[repr(C)]
struct State {
    heap: AtomicPtr<mi::mi_heap_t>,
    end: AtomicUsize,
    once: AtomicBool,
}
const _: () = assert!(core::mem::size_of::<State>() <= STATE_SEALED - STATE_HEAP);

fn state() -> &'static State {
    // Whether this object has seen the runtime's state mapped (a hint: a stale value only
    // costs another call of the idempotent set-up).
    static MAPPED: AtomicBool = AtomicBool::new(false);
    if !MAPPED.load(Ordering::Relaxed) {
        rt::init();
        MAPPED.store(true, Ordering::Relaxed);
    }
    // SAFETY: the slice is mapped (just above), zero-initialised, and used as nothing else.
    unsafe { &*(STATE_HEAP as *const State) }
}

/// Gives the heap area to mimalloc: once, on first use (mimalloc initialises itself lazily;
/// the start-up code runs before libc's constructors).
fn init() {
    let st = state();
    if st.once.swap(true, Ordering::AcqRel) {
        while st.heap.load(Ordering::Acquire).is_null() {
            core::hint::spin_loop();
        }
        return;
    }
    let lo = BASE + HEAP_OFFSET;
    let size = rt::env_size(c"CONFPASS_HEAP_SIZE", HEAP_DEFAULT);
    if !(64 << 20..=HEAP_ROOM).contains(&size) {
        rt::fail("CONFPASS_HEAP_SIZE must be between 64M and 15G");
    }
    let size = size.div_ceil(64 << 10) * (64 << 10);
    st.end.store(lo + size, Ordering::Release);
    rt::protect(lo, size, "the private heap");
    let mut arena: mi::mi_arena_id_t = Default::default();
    // SAFETY: the range is mapped, zero and ours; the arena is exclusive, so only heaps made
    // for it (ours) allocate there, and nothing of the program's public heap ever does.
    let ok = unsafe { mi::mi_manage_os_memory_ex(lo as *const c_void, size, true, false, true, -1, true, &mut arena) };
    // SAFETY: an arena id mimalloc just returned.
    let heap = if ok { unsafe { mi::mi_heap_new_in_arena(arena) } } else { core::ptr::null_mut() };
    if heap.is_null() {
        rt::fail("cannot set up the private heap");
    }
    st.heap.store(heap, Ordering::Release);
}

fn heap() -> *mut mi::mi_heap_t {
    let h = state().heap.load(Ordering::Acquire);
    if !h.is_null() {
        return h;
    }
    init();
    state().heap.load(Ordering::Acquire)
}

/// Checks that a pointer handed back to the private heap came from it.
fn owned(p: *mut c_void) -> bool {
    let a = p as usize;
    a >= BASE + HEAP_OFFSET && a < state().end.load(Ordering::Acquire)
}

#[no_mangle]
pub extern "C" fn conf_malloc(n: usize) -> *mut c_void {
    // SAFETY: our heap.
    unsafe { mi::mi_heap_malloc(heap(), n) }
}

#[no_mangle]
pub extern "C" fn conf_calloc(n: usize, size: usize) -> *mut c_void {
    // SAFETY: our heap; mimalloc checks the multiplication.
    unsafe { mi::mi_heap_calloc(heap(), n, size) }
}

/// # Safety
/// `p` is null or a live block of the private heap.
#[no_mangle]
pub unsafe extern "C" fn conf_realloc(p: *mut c_void, n: usize) -> *mut c_void {
    if !p.is_null() && !owned(p) {
        rt::violation(c"conf_realloc of memory not from the private heap");
    }
    // SAFETY: a block of our heap (checked) or null.
    unsafe { mi::mi_heap_realloc(heap(), p, n) }
}

/// # Safety
/// `p` is null or a live block of the private heap.
#[no_mangle]
pub unsafe extern "C" fn conf_free(p: *mut c_void) {
    if p.is_null() {
        return;
    }
    if !owned(p) {
        rt::violation(c"conf_free of memory not from the private heap");
    }
    // SAFETY: a block of our heap (checked).
    unsafe { mi::mi_free(p) }
}
