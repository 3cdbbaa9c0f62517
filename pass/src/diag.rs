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
    /// Private data stored to public memory, or a store to public memory through an address
    /// computed from private data (also by `memcpy`/`memset` and policy functions).
    PrivateToPublicStore,
    /// Private data passed where a public argument is expected.
    PrivateArgument,
    /// Private data passed to a variadic function.
    PrivateToVariadic,
    /// Private data returned from a function whose return value is public.
    PrivateReturn,
    /// A pointer into private memory converted to a public pointer (`addrspacecast`, also in a
    /// constant expression of a global initialiser, also through `ptrtoint`/`inttoptr`).
    PrivateToPublicCast,
    /// A public pointer converted to a pointer into private memory: private data written
    /// through it would land in public memory.
    PublicToPrivateCast,
    /// Private data passed to an indirect call, whose callee cannot be shown to accept it.
    IndirectCall,
    /// A branch, switch or select on private data decides a public effect.
    ImplicitFlow,
    /// Private data used by inline assembly.
    PrivateToAsm,
    /// A construct confpass cannot analyse soundly.
    Unsupported,
    /// A malformed `CONF_PRIVATE_ARGS`/`CONF_RETURNS_PRIVATE` annotation.
    BadAnnotation,
    /// A malformed policy file.
    BadPolicy,
    /// A Rust panic inside the pass, caught at the plugin boundary.
    InternalError,
}

impl Code {
    pub const ALL: [Code; 13] = [
        Code::PrivateToPublicStore,
        Code::PrivateArgument,
        Code::PrivateToVariadic,
        Code::PrivateReturn,
        Code::PrivateToPublicCast,
        Code::PublicToPrivateCast,
        Code::IndirectCall,
        Code::ImplicitFlow,
        Code::PrivateToAsm,
        Code::Unsupported,
        Code::BadAnnotation,
        Code::BadPolicy,
        Code::InternalError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::PrivateToPublicStore => "private-to-public-store",
            Code::PrivateArgument => "private-argument",
            Code::PrivateToVariadic => "private-to-variadic",
            Code::PrivateReturn => "private-return",
            Code::PrivateToPublicCast => "private-to-public-cast",
            Code::PublicToPrivateCast => "public-to-private-cast",
            Code::IndirectCall => "indirect-call",
            Code::ImplicitFlow => "implicit-flow",
            Code::PrivateToAsm => "private-to-asm",
            Code::Unsupported => "unsupported",
            Code::BadAnnotation => "bad-annotation",
            Code::BadPolicy => "bad-policy",
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

    pub fn warning(code: Code, at: Option<L>, message: impl Into<String>) -> Self {
        Diagnostic { code, level: Level::Warning, message: message.into(), at, notes: Vec::new() }
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
