//! The policy: taint rules of external functions, read from a small text format.
//!
//! The default policy is `annotations/policy/libc.policy` (compiled into the plugin); users
//! add their own with `-mllvm -confpass-policy=FILE`. The format is documented at the top of
//! that file. A malformed line is an error naming the file and line.
//!
//! ```
//! use confpass::analysis::policy::{Policy, Term};
//! let p = Policy::parse("x.policy", "memset: arg2 -> *arg1, arg1 -> ret").unwrap();
//! let rule = p.get("memset").unwrap();
//! assert!(rule.flows.contains(&(Term::Arg(1), Term::Mem(0))));
//! ```

use std::collections::HashMap;
use std::fmt;

/// The built-in policy.
pub const LIBC: &str = include_str!("../../../annotations/policy/libc.policy");
pub const LIBC_NAME: &str = "annotations/policy/libc.policy";

/// One end of a flow. Argument indices are 0-based here (1-based in the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Term {
    /// The value of an argument.
    Arg(usize),
    /// The memory an argument points to.
    Mem(usize),
    /// The call's result.
    Ret,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rule {
    /// `(source, target)` pairs.
    pub flows: Vec<(Term, Term)>,
}

impl Rule {
    /// Whether argument `i`'s value is the source of some flow (else it must be public).
    pub fn reads_arg(&self, i: usize) -> bool {
        self.flows.iter().any(|(from, _)| *from == Term::Arg(i))
    }

    /// Whether the memory argument `i` points to is read.
    pub fn reads_mem(&self, i: usize) -> bool {
        self.flows.iter().any(|(from, _)| *from == Term::Mem(i))
    }

    /// The arguments whose memory the function writes, each once, in order.
    pub fn written(&self) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .flows
            .iter()
            .filter_map(|(_, to)| match to {
                Term::Mem(i) => Some(*i),
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[derive(Debug, Clone, Default)]
pub struct Policy {
    rules: HashMap<String, Rule>,
}

/// A malformed policy line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

fn term(text: &str, target: bool) -> Result<Term, String> {
    let t = text.trim();
    if t == "ret" {
        return if target { Ok(Term::Ret) } else { Err("`ret` can only be a target".into()) };
    }
    let (mem, rest) = match t.strip_prefix('*') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let n: usize = rest
        .strip_prefix("arg")
        .and_then(|n| n.parse().ok())
        .filter(|n| *n >= 1)
        .ok_or_else(|| format!("`{t}` is not argN, *argN or ret (N counts from 1)"))?;
    match (mem, target) {
        (true, _) => Ok(Term::Mem(n - 1)),
        (false, false) => Ok(Term::Arg(n - 1)),
        (false, true) => Err(format!("`{t}` cannot be a target: a function cannot change its caller's argument values")),
    }
}

impl Policy {
    /// The built-in libc policy.
    pub fn builtin() -> Policy {
        Policy::parse(LIBC_NAME, LIBC).expect("the built-in policy parses (unit-tested)")
    }

    /// Parses a policy file's text; later lines for a name replace earlier ones.
    pub fn parse(file: &str, text: &str) -> Result<Policy, PolicyError> {
        let mut p = Policy::default();
        p.extend(file, text)?;
        Ok(p)
    }

    /// Adds the rules of another policy file.
    pub fn extend(&mut self, file: &str, text: &str) -> Result<(), PolicyError> {
        for (i, raw) in text.lines().enumerate() {
            let err = |message: String| PolicyError { file: file.to_string(), line: i + 1, message };
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let (name, body) = line.split_once(':').ok_or_else(|| err("expected `NAME: FLOW, …` or `NAME: public`".into()))?;
            let name = name.trim();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
                return Err(err(format!("`{name}` is not a function name")));
            }
            let mut rule = Rule::default();
            if body.trim() != "public" {
                for flow in body.split(',') {
                    let (from, to) = flow.split_once("->").ok_or_else(|| err(format!("`{}` is not SOURCE -> TARGET", flow.trim())))?;
                    rule.flows.push((term(from, false).map_err(&err)?, term(to, true).map_err(&err)?));
                }
            }
            self.rules.insert(name.to_string(), rule);
        }
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&Rule> {
        self.rules.get(name)
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_policy_parses_and_covers_the_string_functions() {
        let p = Policy::builtin();
        for f in ["memcpy", "memmove", "memset", "memcmp", "strlen", "strnlen", "strcmp", "strncmp", "strcpy", "strncpy"] {
            assert!(p.get(f).is_some_and(|r| !r.flows.is_empty()), "{f}");
        }
        assert!(p.get("strchr").is_some_and(|r| r.flows.is_empty()), "strchr is public-only");
        let memcpy = p.get("memcpy").unwrap();
        assert!(memcpy.reads_mem(1) && !memcpy.reads_mem(0));
        assert_eq!(memcpy.written(), [0]);
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = Policy::parse("my.policy", "# ok\nfoo: arg1 -> ret\nbar arg1\n").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("my.policy", 3));
        assert_eq!(e.to_string(), "my.policy:3: expected `NAME: FLOW, …` or `NAME: public`");
        for bad in ["f: arg0 -> ret", "f: ret -> arg1", "f: arg1 -> arg2", "f: arg1 ret", "f g: arg1 -> ret"] {
            assert!(Policy::parse("p", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn later_rules_replace_earlier_ones() {
        let mut p = Policy::builtin();
        p.extend("mine", "strchr: *arg1 -> ret").unwrap();
        assert_eq!(p.get("strchr").unwrap().flows, [(Term::Mem(0), Term::Ret)]);
    }
}
