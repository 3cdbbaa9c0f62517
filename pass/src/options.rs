//! confpass's options: what `-mllvm -confpass-*` asked for, as Rust types.
//!
//! clang parses the options (cl::opt in the shim rejects unknown values). Under LTO, lld
//! parses `-mllvm` before it loads plugins, so the compile step also records the options that
//! matter after it in module flags, and the link-time steps read them back from there.

/// What confpass enforces (`-confpass-mode`). Mirrors the shim's `Mode`; keep in sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Full,
    Loads,
    Stores,
    Cfi,
    CheckOnly,
    Off,
    /// The partition alone: what the layout costs, measured apart from guards and CFI.
    Partition,
}

impl Mode {
    /// Order of the shim's enum.
    const ALL: [Mode; 7] = [Mode::Full, Mode::Loads, Mode::Stores, Mode::Cfi, Mode::CheckOnly, Mode::Off, Mode::Partition];

    pub fn from_raw(raw: u32) -> Option<Mode> {
        Self::ALL.get(raw as usize).copied()
    }

    pub fn to_raw(self) -> u32 {
        Self::ALL.iter().position(|m| *m == self).expect("every mode is listed") as u32
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::Loads => "loads",
            Mode::Stores => "stores",
            Mode::Cfi => "cfi",
            Mode::CheckOnly => "check-only",
            Mode::Off => "off",
            Mode::Partition => "partition",
        }
    }

    /// Static checks run in every mode but `off`.
    pub fn checks(self) -> bool {
        self != Mode::Off
    }

    /// Whether the module gets rewritten at all.
    pub fn instruments(self) -> bool {
        !matches!(self, Mode::CheckOnly | Mode::Off)
    }

    pub fn guards_loads(self) -> bool {
        matches!(self, Mode::Full | Mode::Loads)
    }

    pub fn guards_stores(self) -> bool {
        matches!(self, Mode::Full | Mode::Stores)
    }

    pub fn cfi(self) -> bool {
        matches!(self, Mode::Full | Mode::Cfi)
    }
}

/// What to do with an implicit flow (`-confpass-implicit-flows`). Mirrors the shim; keep in sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowPolicy {
    Deny,
    Warn,
    Allow,
}

impl FlowPolicy {
    pub fn from_raw(raw: u32) -> Option<FlowPolicy> {
        [FlowPolicy::Deny, FlowPolicy::Warn, FlowPolicy::Allow].get(raw as usize).copied()
    }
}

/// How guards enforce the regions (`-confpass-guard`). Mirrors the shim; keep in sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Private addresses are forced into the private region; public ones compared.
    Mask,
    /// Every address is compared; a violation is reported.
    Trap,
}

impl Guard {
    pub fn from_raw(raw: u32) -> Option<Guard> {
        [Guard::Mask, Guard::Trap].get(raw as usize).copied()
    }

    pub fn to_raw(self) -> u32 {
        match self {
            Guard::Mask => 0,
            Guard::Trap => 1,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Guard::Mask => "mask",
            Guard::Trap => "trap",
        }
    }
}

/// All options of one run of the pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub mode: Mode,
    pub implicit_flows: FlowPolicy,
    pub guard: Guard,
    /// Prove after instrumentation that every access is guarded or safe (`-confpass-verify`).
    pub verify: bool,
    pub stats: bool,
    pub audit: bool,
    /// Keep the zeroing of locals that move to a public frame (`-confpass-keep-auto-init`).
    pub keep_auto_init: bool,
    /// Hidden: panic inside the pass, to test that clang survives it.
    pub debug_panic: bool,
    /// Hidden: leave out the N-th placed guard, to test that the verifier sees the hole.
    pub debug_skip_guard: Option<u64>,
    /// Extra policy files (`-confpass-policy`), after the built-in one.
    pub policy_files: Vec<String>,
    /// Where to write SARIF (`-confpass-sarif`): a file, or a directory for `<source>.sarif`.
    pub sarif: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mode: Mode::Full,
            implicit_flows: FlowPolicy::Deny,
            guard: Guard::Mask,
            verify: false,
            stats: false,
            audit: false,
            keep_auto_init: false,
            debug_panic: false,
            debug_skip_guard: None,
            policy_files: Vec::new(),
            sarif: None,
        }
    }
}

/// Module-flag keys under which the compile step records the options for link-time steps.
pub mod flag {
    pub const MODE: &str = "confpass.mode";
    pub const STATS: &str = "confpass.stats";
    pub const GUARD: &str = "confpass.guard";
    pub const VERIFY: &str = "confpass.verify";
    /// Set once a module has been instrumented, so no pipeline instruments it twice.
    pub const INSTRUMENTED: &str = "confpass.instrumented";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_raw_round_trips() {
        for m in Mode::ALL {
            assert_eq!(Mode::from_raw(m.to_raw()), Some(m));
        }
        assert_eq!(Mode::from_raw(7), None);
    }

    #[test]
    fn modes_say_what_they_do() {
        assert!(Mode::Full.guards_loads() && Mode::Full.guards_stores() && Mode::Full.cfi());
        assert!(!Mode::Stores.guards_loads() && Mode::Stores.guards_stores());
        assert!(Mode::CheckOnly.checks() && !Mode::CheckOnly.instruments());
        assert!(!Mode::Off.checks() && !Mode::Off.instruments());
        assert!(Mode::Partition.instruments() && !Mode::Partition.guards_loads() && !Mode::Partition.guards_stores() && !Mode::Partition.cfi());
    }
}
