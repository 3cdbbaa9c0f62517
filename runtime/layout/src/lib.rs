//! The address-space layout of a protected program (x86-64 Linux).
//!
//! ```text
//!  BASE = 0x1000_0000_0000, one 2^(K+1)-aligned block of 2^(K+1) bytes, reserved PROT_NONE
//!  ┌──────────────────────────── R_priv: 2^K bytes (private region) ─────────────────────────┐
//!  │ [0, 1 GiB)          private globals: each module's image, copied in at start-up      │
//!  │ [1 GiB, 16 GiB)     private heap: an exclusive mimalloc arena (conf_malloc …), of    │
//!  │                     CONFPASS_HEAP_SIZE bytes (default 4 GiB, at most 15 GiB)          │
//!  │ [32 GiB, 2^K)       native stacks: main, every thread, alternate signal stacks       │
//!  ├──────────────────────────── R_rt: 2^K bytes (runtime region) ──────────────────────────┤
//!  │ shadow stacks, per-thread control blocks (with CFI)                                   │
//!  └────────────────────────────────────────────────────────────────────────────────────────┘
//!  everything else: public memory (public globals, libc's heap, public stacks, libc)
//! ```
//!
//! A private address is one with `addr >> K == BASE >> K`: the guards (and the plugin) rely on
//! K and BASE being constants. Keep in sync with `pass/src/layout.rs` (when it exists) and
//! README.md. Pages are backed lazily (`MAP_NORESERVE`): reserving costs no memory.

#![no_std]

/// log2 of the size of each region.
pub const K: u32 = 36;
/// Start of the private region.
pub const BASE: usize = 0x1000_0000_0000;
/// Size of the private region and of the runtime region.
pub const REGION: usize = 1 << K;

pub const GLOBALS_OFFSET: usize = 0;
pub const GLOBALS_SIZE: usize = 1 << 30;
pub const HEAP_OFFSET: usize = 1 << 30;
/// Room for the heap; the arena uses `CONFPASS_HEAP_SIZE` of it (mimalloc's largest arena is
/// a little under 16 GiB).
pub const HEAP_ROOM: usize = 15 << 30;
pub const HEAP_DEFAULT: usize = 4 << 30;
pub const STACKS_OFFSET: usize = 32 << 30;
pub const STACKS_SIZE: usize = REGION - STACKS_OFFSET;

pub const PAGE: usize = 4096;

/// Whether `[p, p + n)` lies inside the private region.
#[inline]
pub fn is_private(p: usize, n: usize) -> bool {
    p >= BASE && n <= REGION && p - BASE <= REGION - n
}

const _: () = assert!(BASE % (2 * REGION) == 0, "the block must be aligned to its size");
const _: () = assert!(HEAP_OFFSET + HEAP_ROOM <= STACKS_OFFSET);
