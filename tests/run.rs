//! `tests/run/*.c`: programs compiled with confcc and executed. Directives in the file:
//!
//! ```c
//! // run-args: one two            arguments for the program (optional)
//! // expect-exit: 0               the exit status (default 0)
//! // expect-stdout: a line        each directive is one line of the expected stdout
//! // expect-stderr-contains: text (optional)
//! // confcc-flags: -DX            extra compile flags (optional)
//! ```
//!
//! Each program is built at -O0, at -O2 and with -O2 -flto (instrumentation inside lld), and
//! every build must behave the same.

use std::path::Path;
use std::process::Command;

use crate::support::{confcc, run, tempdir};

#[derive(Debug, Default)]
struct Spec {
    args: Vec<String>,
    exit: i32,
    stdout: String,
    stderr_contains: Vec<String>,
    flags: Vec<String>,
}

fn spec(source: &str) -> Spec {
    let mut s = Spec::default();
    for line in source.lines().map(str::trim) {
        let Some(d) = line.strip_prefix("// ") else { continue };
        if let Some(v) = d.strip_prefix("run-args:") {
            s.args.extend(v.split_whitespace().map(String::from));
        } else if let Some(v) = d.strip_prefix("expect-exit:") {
            s.exit = v.trim().parse().expect("expect-exit is a number");
        } else if let Some(v) = d.strip_prefix("expect-stdout:") {
            s.stdout.push_str(v.strip_prefix(' ').unwrap_or(v));
            s.stdout.push('\n');
        } else if let Some(v) = d.strip_prefix("expect-stderr-contains:") {
            s.stderr_contains.push(v.trim().to_string());
        } else if let Some(v) = d.strip_prefix("confcc-flags:") {
            s.flags.extend(v.split_whitespace().map(String::from));
        }
    }
    s
}

fn check_program(path: &Path) {
    let source = std::fs::read_to_string(path).expect("read run test");
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let spec = spec(&source);
    let dir = tempdir();
    for variant in [&["-O0"][..], &["-O2"], &["-O2", "-flto"]] {
        let exe = dir.path().join(format!("{name}{}", variant.join("")));
        let what = format!("{name} {}", variant.join(" "));
        run(confcc().args(variant).args(&spec.flags).arg(path).arg("-o").arg(&exe)).assert_code(0, &format!("compile {what}"));
        let out = run(Command::new(&exe).args(&spec.args));
        out.assert_code(spec.exit, &what);
        assert_eq!(out.stdout, spec.stdout, "{what}: stdout");
        for s in &spec.stderr_contains {
            assert!(out.stderr.contains(s), "{what}: stderr lacks {s:?}\n{}", out.stderr);
        }
    }
}

#[test]
fn programs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("run");
    let mut programs: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/run")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .collect();
    programs.sort();
    assert!(!programs.is_empty(), "no programs in {}", dir.display());
    for p in programs {
        check_program(&p);
    }
}
