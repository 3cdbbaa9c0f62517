//! `tests/run/*.c`: programs compiled with confcc and executed. Directives in the file:
//!
//! ```c
//! // run-args: one two            arguments for the program (optional)
//! // expect-exit: 0               the exit status (default 0)
//! // expect-stdout: a line        each directive is one line of the expected stdout
//! // expect-stderr-contains: text (optional)
//! // confcc-flags: -DX            extra compile flags (optional)
//! // run-env: NAME=value          an environment variable for the program (one per directive)
//! // attack-secret: TEXT          an attack program (see below)
//! // control-flags: -O0           flags of the attack's negative control (default -O2)
//! // trap-exit: 0                 the trap build's exit status (default 86, with a report)
//! ```
//!
//! An attack program exploits a memory bug driven by its (public) input to try to print a
//! secret. Its confcc builds (default `mask` guards) must never show `TEXT` on stdout or
//! stderr; a build with `-confpass-guard=trap` must also stop with a `confpass: violation:`
//! report and CONFPASS_VIOLATION_EXIT (86) and without the secret (an attack that the
//! partition alone defeats, with no access to report, says `trap-exit: 0`); and the **negative
//! control**, the same source built by plain clang-22 with the unprotected stand-ins of
//! `plain/plainrt.c` for the confpass API, must show the secret: an attack that does not
//! leak without confpass proves nothing, so a control that does not leak fails the test.
//!
//! The program runs without the `CONFPASS_*` variables of the test's own environment, so that
//! only its `run-env` directives configure the runtime.
//!
//! Each program is built at -O0, at -O2 and with -O2 -flto (instrumentation inside lld), and
//! every build must behave the same. Every program is checked even when an earlier one fails;
//! the test then names all the programs that failed.

use std::path::Path;
use std::process::Command;

use crate::support::{confcc, include_dir, run, tempdir, Outcome};

/// The programs' directory.
fn run_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("run")
}

#[derive(Debug, Default)]
struct Spec {
    args: Vec<String>,
    exit: i32,
    stdout: String,
    stderr_contains: Vec<String>,
    flags: Vec<String>,
    env: Vec<(String, String)>,
    attack_secret: Option<String>,
    control_flags: Vec<String>,
    trap_exit: Option<i32>,
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
        } else if let Some(v) = d.strip_prefix("attack-secret:") {
            s.attack_secret = Some(v.trim().to_string());
        } else if let Some(v) = d.strip_prefix("trap-exit:") {
            s.trap_exit = Some(v.trim().parse().expect("trap-exit is a number"));
        } else if let Some(v) = d.strip_prefix("control-flags:") {
            s.control_flags.extend(v.split_whitespace().map(String::from));
        } else if let Some(v) = d.strip_prefix("run-env:") {
            let (name, value) = v.trim().split_once('=').expect("run-env is NAME=value");
            s.env.push((name.to_string(), value.to_string()));
        }
    }
    s
}

/// Runs a built program with the spec's arguments and environment (and no other `CONFPASS_*`).
fn run_program(exe: &Path, spec: &Spec) -> Outcome {
    let mut cmd = Command::new(exe);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CONFPASS_") {
            cmd.env_remove(name);
        }
    }
    run(cmd.args(&spec.args).envs(spec.env.iter().map(|(k, v)| (k, v))))
}

fn assert_no_secret(out: &Outcome, secret: &str, what: &str) {
    assert!(
        !out.stdout.contains(secret) && !out.stderr.contains(secret),
        "{what}: the secret leaked\n--- stdout\n{}\n--- stderr\n{}",
        out.stdout,
        out.stderr
    );
}

fn check_program(path: &Path) {
    let source = std::fs::read_to_string(path).expect("read run test");
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let spec = spec(&source);
    let dir = tempdir();
    for variant in [&["-O0"][..], &["-O2"], &["-O2", "-flto"]] {
        let exe = dir.path().join(format!("{name}{}", variant.join("")));
        let what = format!("{name} {}", variant.join(" "));
        run(confcc().args(variant).args(VERIFY).args(&spec.flags).arg(path).arg("-o").arg(&exe)).assert_code(0, &format!("compile {what}"));
        let out = run_program(&exe, &spec);
        if let Some(secret) = &spec.attack_secret {
            assert_no_secret(&out, secret, &what);
        }
        out.assert_code(spec.exit, &what);
        assert_eq!(out.stdout, spec.stdout, "{what}: stdout");
        for s in &spec.stderr_contains {
            assert!(out.stderr.contains(s), "{what}: stderr lacks {s:?}\n{}", out.stderr);
        }
    }
    let Some(secret) = &spec.attack_secret else { return };
    // Trap guards report the attack.
    let exe = dir.path().join(format!("{name}-trap"));
    let what = format!("{name} -O2 -confpass-guard=trap");
    run(confcc().arg("-O2").args(VERIFY).args(["-mllvm", "-confpass-guard=trap"]).args(&spec.flags).arg(path).arg("-o").arg(&exe))
        .assert_code(0, &format!("compile {what}"));
    let out = run_program(&exe, &spec);
    assert_no_secret(&out, secret, &what);
    let trap_exit = spec.trap_exit.unwrap_or(86);
    out.assert_code(trap_exit, &what);
    if trap_exit == 86 {
        assert!(out.stderr.contains("confpass: violation: "), "{what}: no violation report\n{}", out.stderr);
    }
    // The negative control: the same attack without confpass leaks.
    let exe = dir.path().join(format!("{name}-control"));
    let what = format!("{name} negative control (plain clang-22)");
    let flags = if spec.control_flags.is_empty() { vec!["-O2".to_string()] } else { spec.control_flags.clone() };
    run(Command::new("clang-22")
        .args(&flags)
        .arg("-w")
        .arg("-isystem")
        .arg(include_dir())
        .arg(path)
        .arg(run_dir().join("plain/plainrt.c"))
        .arg("-o")
        .arg(&exe))
    .assert_code(0, &format!("compile {what}"));
    let out = run_program(&exe, &spec);
    assert!(
        out.stdout.contains(secret.as_str()) || out.stderr.contains(secret.as_str()),
        "{what}: the attack does not leak without confpass, so it proves nothing (exit {})\n--- stdout\n{}\n--- stderr\n{}",
        out.code,
        out.stdout,
        out.stderr
    );
}

/// Every instrumented build in the tests is checked by the verifier.
const VERIFY: [&str; 2] = ["-mllvm", "-confpass-verify"];

#[test]
fn programs() {
    let dir = run_dir();
    let mut programs: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/run")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .collect();
    programs.sort();
    assert!(!programs.is_empty(), "no programs in {}", dir.display());
    let failed: Vec<String> = programs
        .iter()
        .filter(|p| std::panic::catch_unwind(|| check_program(p)).is_err())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(failed.is_empty(), "{} of {} programs failed: {}", failed.len(), programs.len(), failed.join(", "));
}

#[test]
fn run_env_directive() {
    let s = spec("// run-env: CONFPASS_STACK_SIZE=256M\n// run-env: A=b=c\n");
    assert_eq!(s.env, [("CONFPASS_STACK_SIZE".to_string(), "256M".to_string()), ("A".to_string(), "b=c".to_string())]);
}

/// When the regions cannot be reserved (here RLIMIT_AS forbids the 128 GiB reservation), the
/// program fails loudly at start-up, before main: one "confpass: ..." line and
/// CONFPASS_SETUP_EXIT (87).
#[test]
fn region_reservation_failure_is_loud() {
    let dir = tempdir();
    let exe = dir.path().join("no_private_data");
    run(confcc().arg("-O2").arg(run_dir().join("no_private_data.c")).arg("-o").arg(&exe)).assert_code(0, "compile");
    let out = run(Command::new("sh").arg("-c").arg("ulimit -v 4000000 && exec \"$0\" 1 2").arg(&exe));
    out.assert_code(87, "no_private_data under ulimit -v 4000000");
    assert_eq!(out.stdout, "", "main must not run");
    assert!(out.stderr.starts_with("confpass: cannot reserve the private region at 0x100000000000"), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "one line: {}", out.stderr);
}
