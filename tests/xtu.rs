//! Scalar signatures across translation units: `CONF_RETURNS_PRIVATE` and
//! `CONF_PRIVATE_ARGS` on prototypes in a header, checked in every caller's file, whether the
//! files are compiled separately or with `-flto`.

use std::path::Path;
use std::process::Command;

use crate::support::{confcc, run, tempdir, write};

const HEADER: &str = r#"
#include <confpass.h>
CONF_RETURNS_PRIVATE int secret_digit(int i);
CONF_PRIVATE_ARGS(2) void remember(private char *out, int secret);
int public_sum(int a, int b);
"#;

const LIB: &str = r#"
#include "sig.h"
static private char pin[4] = {1, 2, 3, 4};
int secret_digit(int i) { return pin[i & 3]; }
void remember(private char *out, int secret) { out[0] = (char)secret; }
int public_sum(int a, int b) { return a + b; }
"#;

const MAIN_OK: &str = r#"
#include <stdio.h>
#include "sig.h"
static private char kept[4];
int main(void) {
    int d = secret_digit(1);
    remember(kept, d);
    printf("%d\n", conf_declassify_int(d) + public_sum(1, 2));
    return 0;
}
"#;

const MAIN_LEAK: &str = r#"
#include <stdio.h>
#include "sig.h"
int main(void) {
    int d = secret_digit(0);
    printf("%d\n", public_sum(d, 1));
    return 0;
}
"#;

/// The same library without the annotation: returning the digit is now a leak in the library.
const LIB_UNANNOTATED: &str = r#"
#include <confpass.h>
static private char pin[4] = {1, 2, 3, 4};
int secret_digit(int i) { return pin[i & 3]; }
"#;

fn build(dir: &Path, lto: bool, files: &[&str], exe: &str) -> crate::support::Outcome {
    let flags: &[&str] = if lto { &["-O2", "-flto"] } else { &["-O2"] };
    let mut objects = Vec::new();
    for f in files {
        let obj = dir.join(format!("{f}.o"));
        let out = run(confcc().args(flags).arg("-c").arg(dir.join(f)).arg("-o").arg(&obj).current_dir(dir));
        if out.code != 0 {
            return out;
        }
        objects.push(obj);
    }
    run(confcc().args(flags).args(&objects).arg("-o").arg(dir.join(exe)))
}

#[test]
fn annotated_signatures_hold_across_files_separately_and_with_lto() {
    for lto in [false, true] {
        let dir = tempdir();
        let d = dir.path();
        write(d, "sig.h", HEADER);
        write(d, "lib.c", LIB);
        write(d, "main_ok.c", MAIN_OK);
        write(d, "main_leak.c", MAIN_LEAK);
        build(d, lto, &["lib.c", "main_ok.c"], "ok").assert_code(0, &format!("ok program, lto={lto}"));
        let ran = run(&mut Command::new(d.join("ok")));
        ran.assert_code(0, "ok program runs");
        assert_eq!(ran.stdout, "5\n");

        let leak = build(d, lto, &["lib.c", "main_leak.c"], "leak");
        leak.assert_code(1, &format!("leaking caller, lto={lto}"));
        assert!(leak.stderr.contains("main_leak.c:6:20: error: private data passed as argument 1 of external function 'public_sum'"), "{}", leak.stderr);
        assert!(leak.stderr.contains("[confpass:private-argument]"), "{}", leak.stderr);
        assert!(leak.stderr.contains("remark: the call returns private data here"), "{}", leak.stderr);
    }
}

#[test]
fn an_unannotated_definition_cannot_return_private_data() {
    let dir = tempdir();
    write(dir.path(), "lib.c", LIB_UNANNOTATED);
    let out = run(confcc().args(["-O2", "-c", "lib.c", "-o", "lib.o"]).current_dir(dir.path()));
    out.assert_code(1, "unannotated library");
    assert!(out.stderr.contains("lib.c:4:27: error: private data returned from 'secret_digit', whose return value is public [confpass:private-return]"), "{}", out.stderr);
}
