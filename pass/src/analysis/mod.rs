//! Static analyses. They read the IR, never change it, and return findings
//! ([`crate::diag::Diagnostic`]) and counts ([`crate::stats::Stats`]) instead of failing.
//!
//! - [`census`]: what the module contains (the statistics every step starts from).
//! - [`casts`]: pointer conversions across the private/public boundary.
//!
//! The taint inference (issue: static confidentiality analysis) joins them here.

pub mod casts;
pub mod census;

/// Address space of private memory: `private` in `confpass.h` is
/// `__attribute__((address_space(1)))`.
pub const PRIVATE_AS: u32 = 1;
