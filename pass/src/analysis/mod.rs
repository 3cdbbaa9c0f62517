//! Static analyses. They read the IR, never change it, and return findings
//! ([`crate::diag::Diagnostic`]) and counts ([`crate::stats::Stats`]) instead of failing.
//!
//! - [`census`]: what the module contains (the statistics every step starts from).
//! - [`casts`]: pointer conversions across the private/public boundary.
//! - [`annotations`]: the scalar signatures stated with `CONF_RETURNS_PRIVATE`/`CONF_PRIVATE_ARGS`.
//! - [`policy`]: the taint rules of external functions (libc's string and memory functions).
//! - [`taint`]: the inference itself; it builds constraints for [`solver`], using [`cfg`] for
//!   implicit flows.

pub mod annotations;
pub mod casts;
pub mod census;
pub mod cfg;
pub mod policy;
pub mod solver;
pub mod taint;

/// Address space of private memory: `private` in `confpass.h` is
/// `__attribute__((address_space(1)))`.
pub const PRIVATE_AS: u32 = 1;
