//! `tests/ui/*.c`: diagnostics. Each file states what confpass must report, next to the line:
//!
//! ```c
//! char *p = (char *)key;   //~ ERROR private-to-public-cast
//! //~^ ERROR code          (the line above; one ^ per line)
//! //~? ERROR code          (a diagnostic without a source location)
//! //~ NOTE text            (a flow note — clang prints it as a `remark:` — containing `text`)
//!                          (a file with any NOTE expectation must list all of its flow notes;
//!                          a file without one does not check notes)
//! // confpass-flags: -mllvm -confpass-implicit-flows=warn   (extra flags, optional)
//! ```
//!
//! Every file is compiled at -O0 and at -O2 (the checks run before inlining, so both must
//! report exactly the same), the reports must equal the expectations exactly, a file with an
//! expected error must fail without an object file, and clang's stderr at -O2 is kept as an
//! insta snapshot (paths normalised) to show what a user sees.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::{confcc, run, tempdir};

/// One reported or expected diagnostic: line (0 = no location), kind, and code or note text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    line: usize,
    kind: String,
    what: String,
}

fn expectations(source: &str) -> (BTreeSet<Finding>, Vec<String>) {
    let mut expected = BTreeSet::new();
    let mut flags = Vec::new();
    for (i, text) in source.lines().enumerate() {
        if let Some(f) = text.trim().strip_prefix("// confpass-flags:") {
            flags.extend(f.split_whitespace().map(String::from));
        }
        let Some(pos) = text.find("//~") else { continue };
        let rest = &text[pos + 3..];
        let (line, rest) = if let Some(r) = rest.strip_prefix('?') {
            (0, r)
        } else {
            let carets = rest.chars().take_while(|c| *c == '^').count();
            (i + 1 - carets, &rest[carets..])
        };
        let mut parts = rest.trim().splitn(2, ' ');
        let kind = parts.next().unwrap_or("").to_lowercase();
        let what = parts.next().unwrap_or("").trim().to_string();
        assert!(["error", "warning", "note"].contains(&kind.as_str()), "bad expectation at line {}: {text}", i + 1);
        expected.insert(Finding { line, kind, what });
    }
    (expected, flags)
}

/// The confpass diagnostics in clang's stderr for `file_name`.
fn findings(stderr: &str, file_name: &str) -> BTreeSet<Finding> {
    let mut found = BTreeSet::new();
    for l in stderr.lines() {
        let (line, rest) = match l.split_once(&format!("{file_name}:")) {
            Some((_, rest)) => {
                let mut it = rest.splitn(3, ':');
                let line = it.next().and_then(|n| n.parse().ok()).unwrap_or(0);
                (line, it.nth(1).unwrap_or("").trim_start().to_string())
            }
            None => (0, l.to_string()),
        };
        let Some((kind, msg)) = rest.split_once(": ") else { continue };
        // confpass's flow notes reach clang as analysis remarks.
        let (kind, msg) = match kind {
            "remark" => ("note", msg.trim_end_matches(" [-Rpass-analysis=confpass]")),
            _ => (kind, msg),
        };
        if !["error", "warning", "note"].contains(&kind) {
            continue;
        }
        let what = match kind {
            "note" => msg.to_string(),
            _ => match msg.rsplit_once("[confpass:") {
                Some((_, code)) => code.trim_end_matches(']').to_string(),
                None => continue, // clang's own diagnostics are not the subject here
            },
        };
        found.insert(Finding { line, kind: kind.to_string(), what });
    }
    found
}

fn notes_match(expected: &BTreeSet<Finding>, found: &BTreeSet<Finding>) -> bool {
    let (en, fn_): (Vec<_>, Vec<_>) =
        (expected.iter().filter(|f| f.kind == "note").collect(), found.iter().filter(|f| f.kind == "note").collect());
    en.len() == fn_.len()
        && en.iter().all(|e| fn_.iter().any(|f| f.line == e.line && f.what.contains(&e.what)))
}

fn without_notes(set: &BTreeSet<Finding>) -> BTreeSet<Finding> {
    set.iter().filter(|f| f.kind != "note").cloned().collect()
}

fn check_file(path: &Path) {
    let source = std::fs::read_to_string(path).expect("read ui test");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let (expected, flags) = expectations(&source);
    let expect_error = expected.iter().any(|f| f.kind == "error");
    let dir = tempdir();
    let mut shown = String::new();
    for opt in ["-O0", "-O2"] {
        let obj = dir.path().join("out.o");
        let _ = std::fs::remove_file(&obj);
        let out = run(confcc().arg(opt).arg("-c").args(&flags).arg(path).arg("-o").arg(&obj));
        let found = findings(&out.stderr, &name);
        assert_eq!(
            without_notes(&found),
            without_notes(&expected),
            "{name} at {opt}: reported (left) differs from expected (right)\n{}",
            out.stderr
        );
        if expected.iter().any(|f| f.kind == "note") {
            assert!(notes_match(&expected, &found), "{name} at {opt}: notes differ\n{:?}\n{}", expected, out.stderr);
        }
        if expect_error {
            assert_eq!(out.code, 1, "{name} at {opt}: expected a failed compile\n{}", out.stderr);
            assert!(!obj.exists(), "{name} at {opt}: object file written despite errors");
        } else {
            assert_eq!(out.code, 0, "{name} at {opt}: expected a successful compile\n{}", out.stderr);
        }
        shown = out.stderr.replace(&path.parent().unwrap().display().to_string(), "$DIR");
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn diagnostics() {
    insta::glob!("ui/*.c", check_file);
}
