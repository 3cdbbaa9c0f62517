//! The address-space layout of a protected program (x86-64 Linux).
//!
//! ```text
//!  BASE = 0x1000_0000_0000, one 2^(K+1)-aligned block of 2^(K+1) bytes, reserved PROT_NONE
//!  ┌──────────────────────────── R_priv: 2^K bytes (private region) ─────────────────────────┐
//!  │ [0, 64 KiB)         guard zone (never mapped; so are the 64 KiB below BASE)        │
//!  │ [64 KiB, 1 GiB)     private globals: each module's image, copied in at start-up      │
//!  │ [1 GiB, 16 GiB)     private heap: an exclusive mimalloc arena (conf_malloc …), of    │
//!  │                     CONFPASS_HEAP_SIZE bytes (default 4 GiB, at most 15 GiB)          │
//!  │ [16 GiB, 32 GiB)    the native stacks' mirrors: address-taken private locals         │
//!  │ ---------------- private data ends at 32 GiB (2^(K-1)): all a private pointer reaches │
//!  │ [48 GiB, 2^K-64KiB) native stacks: main, every thread, alternate signal stacks       │
//!  │ [2^K-64 KiB, 2^K)   guard zone                                                        │
//!  ├──────────────────────────── R_rt: 2^K bytes (runtime region) ──────────────────────────┤
//!  │ [0, 64 KiB) guard zone; then the shadow stack: the mirror of R_priv's native stacks,  │
//!  │ holding each return address's copy (skewed by 2112 bytes); guard zone at the end      │
//!  └────────────────────────────────────────────────────────────────────────────────────────┘
//!  everything else: public memory (public globals, libc's heap, libc, and the public
//!  mirrors of the native stacks at `native + PUBLIC_MIRROR`: the public frames)
//! ```
//!
//! A private data address is one with `addr >> (K - 1) == BASE >> (K - 1)`; a public access
//! may touch nothing with `addr >> (K + 1) == BASE >> (K + 1)`: the guards (and the plugin)
//! rely on K and BASE being constants. Keep in sync with `pass/src/layout.rs` (when it exists) and
//! README.md. Pages are backed lazily (`MAP_NORESERVE`): reserving costs no memory.

#![no_std]

/// log2 of the size of each region.
pub const K: u32 = 36;
/// Start of the private region.
pub const BASE: usize = 0x1000_0000_0000;
/// Size of the private region and of the runtime region.
pub const REGION: usize = 1 << K;

/// Guard zone: the 64 KiB below BASE, at the start and the end of R_priv, at the start of
/// R_rt and above the block are never mapped. A guard that checked or masked a pointer `p`
/// therefore also covers any access `[p + off, p + off + size)` with `|off| + size <= WINDOW`:
/// such an access lands in the region the guard allowed or faults in a guard zone. The plugin
/// merges guards on this rule (`pass/src/instrument/guards.rs`).
pub const GUARD: usize = 64 << 10;
/// How far from a guarded pointer an access may reach and stay covered by its guard.
pub const WINDOW: usize = GUARD / 2;

pub const GLOBALS_OFFSET: usize = GUARD;
pub const GLOBALS_SIZE: usize = (1 << 30) - GUARD;
pub const HEAP_OFFSET: usize = 1 << 30;
/// Room for the heap; the arena uses `CONFPASS_HEAP_SIZE` of it (mimalloc's largest arena is
/// a little under 16 GiB).
pub const HEAP_ROOM: usize = 15 << 30;
pub const HEAP_DEFAULT: usize = 4 << 30;
/// Private data (what a private pointer may address) is the lower half of R_priv:
/// [BASE, BASE + 2^K_DATA). The guards force or check private addresses into it; the native
/// stacks lie in the upper half, where no guarded access can reach their return addresses.
pub const K_DATA: u32 = K - 1;
pub const DATA_SIZE: usize = 1 << K_DATA;
/// Native stacks (main, threads, alternate signal stacks): [48 GiB, 64 GiB - GUARD) of R_priv.
pub const STACKS_OFFSET: usize = 48 << 30;
pub const STACKS_SIZE: usize = REGION - STACKS_OFFSET - GUARD;
/// Each native stack has a mirror in the private data half, `DATA_SIZE` below it
/// ([16 GiB, 32 GiB - GUARD)): the private locals whose address is taken live there (the
/// plugin addresses them at `native & (DATA_SIZE - 1) + BASE`, the private mask of the native
/// address), so that private pointers reach them and nothing reaches the native stack.
pub const MIRROR_DISTANCE: usize = DATA_SIZE;

/// Each native stack also has a public mirror, `PUBLIC_MIRROR` bytes above it: the public
/// locals the plugin moves off the native stack live there, addressed from their native slot,
/// so no stack pointer of their own exists that a corrupted store could aim. The mirrors of
/// the stacks area, [0x700C_0100_0000, 0x7010_0100_0000), are reserved at start-up and mapped
/// with each stack: public memory above PUBLIC_BIT, clear of the block's image under the
/// public mask and far below the kernel's mmap base (within 1 TiB under the stack). The
/// 16 MiB part keeps a mirror's cache lines from agreeing with their slots' on linear-address
/// bits 12-27, which AMD's L1 way predictor hashes (such lines evict each other). Code running
/// on a stack the runtime did not make (a library's own thread, a `makecontext` coroutine)
/// would address its public frame above 2^47, where it faults; constructors and `exit` run on
/// native stacks for this (runtime/src/start.rs). Keep in sync with
/// pass/src/instrument/guards.rs.
pub const PUBLIC_MIRROR: usize = (1 << 46) | (1 << 45) | (1 << 24);
/// The public mirrors' reservation: the stacks area's mirror with a guard zone on each side.
pub const PUBLIC_MIRRORS_LO: usize = BASE + STACKS_OFFSET - GUARD + PUBLIC_MIRROR;
pub const PUBLIC_MIRRORS_SIZE: usize = STACKS_SIZE + 2 * GUARD;

pub const PAGE: usize = 4096;

/// The runtime's own state (the pool of native stacks, the live threads' stacks, the private
/// heap's handle, the list of sealed pages) lives at the start of the runtime region, past its
/// guard zone: no guarded access reaches it (public ones stay out of the block, private ones in
/// private data), nor does a return address's copy (those land in the mirror of the stacks
/// area, `[STACKS_OFFSET, REGION)` of R_rt, whatever stack the slot is on; see
/// pass/src/instrument/cfi.rs). In public `.bss`, one out-of-bounds write handed a thread a
/// native stack in public memory. Mapped by the runtime before anything uses it; each part
/// has its own slice.
pub const RT_STATE: usize = BASE + REGION + GUARD;
pub const RT_STATE_SIZE: usize = 1 << 20;
/// The private globals area's top and the pool of free native stacks (runtime/src/region.rs).
pub const STATE_REGION: usize = RT_STATE;
/// The native stacks of running threads (runtime/src/start.rs).
pub const STATE_THREADS: usize = RT_STATE + (64 << 10);
/// The private heap's handle and end (runtime/heap).
pub const STATE_HEAP: usize = RT_STATE + (256 << 10);
/// The pages made read-only once written (runtime/src/globals.rs).
pub const STATE_SEALED: usize = RT_STATE + (320 << 10);
/// What each thread being created will run, and on which native stack (runtime/src/start.rs).
pub const STATE_STARTS: usize = RT_STATE + (512 << 10);
const _: () = assert!(RT_STATE + RT_STATE_SIZE <= BASE + REGION + STACKS_OFFSET);
/// Return addresses' copies sit at `(slot & (2^34 - 1)) + 3 * 2^34` in R_rt: the stacks area
/// must be that last quarter of R_priv for native slots to keep their place.
const _: () = assert!(STACKS_OFFSET == 3 << 34 && K == 36);

/// Public memory lies in [PUBLIC_BIT, 2^47): a position-independent executable (loaded near
/// 0x5555_5555_0000), its `brk` heap, shared libraries and anonymous mappings (top-down from
/// below the stack) and the stacks. The `mask` guards force a public address there with
/// `p | PUBLIC_BIT`, which changes no public address and moves the block (and null) to
/// [PUBLIC_BIT, PUBLIC_BIT + RESERVED_LO + RESERVED_SIZE), which the runtime keeps reserved
/// (PROT_NONE) so that such an access faults. The runtime checks at start-up that the
/// program's memory is above PUBLIC_BIT (a non-PIE executable or the legacy mmap layout of
/// `ulimit -s unlimited` is not). Keep in sync with pass/src/instrument/guards.rs.
pub const PUBLIC_BIT: usize = 1 << 46;
/// The reservation that catches masked null pointers: [PUBLIC_BIT, PUBLIC_BIT + NULL_IMAGE).
pub const NULL_IMAGE: usize = 1 << 32;

/// Whether `[p, p + n)` lies inside the private region (the runtime API's test of a buffer:
/// private memory, wherever it is).
#[inline]
pub fn is_private(p: usize, n: usize) -> bool {
    p >= BASE && n <= REGION && p - BASE <= REGION - n
}

/// Whether `[p, p + n)` lies inside private data, the lower half of the private region: where
/// a guarded private access may go (the run-time range check).
#[inline]
pub fn is_private_data(p: usize, n: usize) -> bool {
    p >= BASE && n <= DATA_SIZE && p - BASE <= DATA_SIZE - n
}

const _: () = assert!(BASE % (2 * REGION) == 0, "the block must be aligned to its size");
/// The reservation: the block and the guard zones on both sides of it.
pub const RESERVED_LO: usize = BASE - GUARD;
pub const RESERVED_SIZE: usize = 2 * REGION + 2 * GUARD;

const _: () = assert!(HEAP_OFFSET + HEAP_ROOM <= STACKS_OFFSET - MIRROR_DISTANCE);
const _: () = assert!(STACKS_OFFSET - MIRROR_DISTANCE + STACKS_SIZE + GUARD <= DATA_SIZE);
const _: () = assert!(BASE + STACKS_OFFSET + PUBLIC_MIRROR >= PUBLIC_BIT + RESERVED_LO + RESERVED_SIZE);
const _: () = assert!(BASE + STACKS_OFFSET + STACKS_SIZE + GUARD + PUBLIC_MIRROR <= 0x7100_0000_0000);
