//! Real, unannotated C compiles without a single confpass finding: the sqlite3 amalgamation
//! (about 270,000 lines; `cargo xtask test` fetches it through cargo into a cache outside the
//! repository and passes its path in `CONFPASS_SQLITE_C`).

use crate::support::{confcc, run, tempdir};

#[test]
fn sqlite3_amalgamation_has_no_findings() {
    let Some(source) = std::env::var_os("CONFPASS_SQLITE_C") else {
        panic!("CONFPASS_SQLITE_C is not set: run the tests with `cargo xtask test`, which fetches sqlite3.c");
    };
    let dir = tempdir();
    let out = run(confcc()
        .args(["-O2", "-c", "-mllvm", "-confpass-mode=check-only", "-mllvm", "-confpass-stats"])
        .arg(&source)
        .arg("-o")
        .arg(dir.path().join("sqlite3.o")));
    out.assert_code(0, "sqlite3.c");
    assert!(!out.stderr.contains("[confpass:"), "findings on unannotated sqlite3.c:\n{}", out.stderr);
    // The analysis really ran over the whole file.
    let defined = out
        .stderr
        .lines()
        .find_map(|l| l.trim().strip_suffix(" functions-defined").and_then(|n| n.trim().parse::<u64>().ok()))
        .expect("statistics name the defined functions");
    assert!(defined > 2000, "only {defined} functions analysed");
}
