//! Helpers shared by the integration tests live in main.rs; this crate has no library.
