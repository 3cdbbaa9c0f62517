//! confrt: the runtime linked into every program that confcc builds (`libconfrt.a`).
//!
//! `no_std`: it runs inside every protected program, before and beside its code, and must not
//! bring Rust's allocator, panic machinery or thread-locals along. It talks to the kernel
//! through libc. Symbols called by compiled code carry the reserved prefix `__confpass_`;
//! the user API (declared in `annotations/include/confpass.h`) the prefix `conf_`.
//!
//! - `layout`: the address-space layout (drawn there); `region`: reservation, private globals
//!   area, native stacks; `start`: `.preinit_array`, `main` and threads on private stacks.
//! - `heap`: the private heap (mimalloc arena); `globals`: registration of private globals.
//! - `io`, `seal`: input into private memory, sealed output; `declassify`; `report`.

#![no_std]

mod declassify;
mod globals;
mod heap;
mod io;
mod layout;
mod region;
mod report;
mod seal;
mod start;
mod sys;

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    report::fatal(b"confpass: runtime panic", info.location().map(|l| (l.file(), l.line())))
}

/// The precompiled `core` refers to Rust's unwinding personality even though this library
/// never unwinds (panic = "abort"); a C link line has none, so the runtime defines an inert one.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}
