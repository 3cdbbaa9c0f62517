//! Diagnostics: stable codes, severities, and the text clang prints.
//!
//! Analyses return diagnostics instead of failing; the pipeline hands them to clang through the
//! shim (`LLVMContext::diagnose`), so they print as `file:line:col: error: … [confpass:CODE]`
//! with the source line and a caret. Tests and tools match on the code, never on wording.
//! This module knows nothing about LLVM: a diagnostic's location is a type parameter.

use std::fmt;

/// Stable diagnostic codes. A code, once published, keeps its meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// A pointer into private memory converted to a public pointer (`addrspacecast`, also in a
    /// constant expression of a global initialiser).
    PrivateToPublicCast,
    /// A public pointer converted to a pointer into private memory: private data written
    /// through it would land in public memory.
    PublicToPrivateCast,
    /// A Rust panic inside the pass, caught at the plugin boundary.
    InternalError,
}

impl Code {
    pub const ALL: [Code; 3] = [Code::PrivateToPublicCast, Code::PublicToPrivateCast, Code::InternalError];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::PrivateToPublicCast => "private-to-public-cast",
            Code::PublicToPrivateCast => "public-to-private-cast",
            Code::InternalError => "internal-error",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

/// A secondary location that explains a diagnostic ("private value read here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note<L> {
    pub message: String,
    pub at: Option<L>,
}

/// One finding. `L` is the location handle (an LLVM value in the plugin, anything in tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic<L> {
    pub code: Code,
    pub level: Level,
    pub message: String,
    pub at: Option<L>,
    pub notes: Vec<Note<L>>,
}

impl<L> Diagnostic<L> {
    pub fn error(code: Code, at: Option<L>, message: impl Into<String>) -> Self {
        Diagnostic { code, level: Level::Error, message: message.into(), at, notes: Vec::new() }
    }

    pub fn with_note(mut self, at: Option<L>, message: impl Into<String>) -> Self {
        self.notes.push(Note { message: message.into(), at });
        self
    }

    /// The text of the main line: the message followed by the stable code.
    pub fn text(&self) -> String {
        format!("{} [confpass:{}]", self.message, self.code)
    }
}

/// The text of an internal error (a caught panic): what happened, where, and what to do.
pub fn internal_error_text(what: &str) -> String {
    format!(
        "confpass internal error: {what}; please report it with the input file \
         [confpass:{}]",
        Code::InternalError
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(s.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'), "{s}");
        }
    }

    #[test]
    fn text_ends_with_the_code() {
        let d: Diagnostic<()> = Diagnostic::error(Code::PrivateToPublicCast, None, "bad cast");
        assert_eq!(d.text(), "bad cast [confpass:private-to-public-cast]");
    }

    #[test]
    fn internal_error_names_itself() {
        let t = internal_error_text("boom at x.rs:1:2");
        assert!(t.starts_with("confpass internal error: boom at x.rs:1:2"));
        assert!(t.contains("please report"));
        assert!(t.ends_with("[confpass:internal-error]"));
    }
}
