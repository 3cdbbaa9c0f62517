//! SARIF 2.1.0 output (`-mllvm -confpass-sarif=FILE`): every finding and every
//! declassification of one compile, for CI tools and code-review front ends.
//! Knows nothing about LLVM: it renders plain records.

use std::fmt::Write as _;

use crate::diag::{Code, Level};

/// A source position (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// One result: a finding (error/warning) or a declassification (note).
#[derive(Debug, Clone)]
pub struct Record {
    /// A diagnostic code, or `declassification`.
    pub rule: String,
    pub level: &'static str,
    pub message: String,
    pub at: Option<Position>,
    /// The flow, as related locations.
    pub related: Vec<(Option<Position>, String)>,
}

impl Record {
    pub fn finding(code: Code, level: Level, message: String, at: Option<Position>) -> Record {
        let level = match level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        Record { rule: code.as_str().to_string(), level, message, at, related: Vec::new() }
    }
}

/// JSON string literal.
fn js(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn location(p: &Position, message: Option<&str>, id: Option<usize>) -> String {
    let mut s = String::from("{");
    if let Some(id) = id {
        let _ = write!(s, "\"id\":{id},");
    }
    let _ = write!(
        s,
        "\"physicalLocation\":{{\"artifactLocation\":{{\"uri\":{}}},\"region\":{{\"startLine\":{},\"startColumn\":{}}}}}",
        js(&p.file),
        p.line.max(1),
        p.column.max(1)
    );
    if let Some(m) = message {
        let _ = write!(s, ",\"message\":{{\"text\":{}}}", js(m));
    }
    s.push('}');
    s
}

/// Renders one SARIF log with one run.
pub fn render(records: &[Record], tool_version: &str) -> String {
    let mut rules: Vec<String> = Code::ALL
        .iter()
        .map(|c| format!("{{\"id\":{},\"shortDescription\":{{\"text\":{}}}}}", js(c.as_str()), js(c.as_str())))
        .collect();
    rules.push(
        "{\"id\":\"declassification\",\"shortDescription\":{\"text\":\"an audited release of private data\"}}".into(),
    );
    let results: Vec<String> = records
        .iter()
        .map(|r| {
            let mut s = format!(
                "{{\"ruleId\":{},\"level\":{},\"message\":{{\"text\":{}}}",
                js(&r.rule),
                js(r.level),
                js(&r.message)
            );
            if let Some(p) = &r.at {
                let _ = write!(s, ",\"locations\":[{}]", location(p, None, None));
            }
            let related: Vec<String> = r
                .related
                .iter()
                .enumerate()
                .filter_map(|(i, (p, m))| p.as_ref().map(|p| location(p, Some(m), Some(i))))
                .collect();
            if !related.is_empty() {
                let _ = write!(s, ",\"relatedLocations\":[{}]", related.join(","));
            }
            s.push('}');
            s
        })
        .collect();
    format!(
        "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":{{\"name\":\"confpass\",\"version\":{},\"rules\":[{}]}}}},\"results\":[{}]}}]}}\n",
        js(tool_version),
        rules.join(","),
        results.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_results_with_locations_and_escapes() {
        let mut r = Record::finding(
            Code::PrivateToPublicStore,
            Level::Error,
            "a \"quoted\"\nline".into(),
            Some(Position { file: "a.c".into(), line: 7, column: 3 }),
        );
        r.related.push((Some(Position { file: "a.c".into(), line: 5, column: 1 }), "read here".into()));
        let out = render(&[r], "0.1.0");
        assert!(out.starts_with("{\"$schema\":"));
        assert!(out.contains("\"version\":\"2.1.0\""));
        assert!(out.contains("\"ruleId\":\"private-to-public-store\",\"level\":\"error\""));
        assert!(out.contains("a \\\"quoted\\\"\\nline"));
        assert!(out.contains("\"region\":{\"startLine\":7,\"startColumn\":3}"));
        assert!(out.contains("\"relatedLocations\":[{\"id\":0,"));
    }
}
