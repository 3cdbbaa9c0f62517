//! Builds the C++ shim (pass registration, `-mllvm` options, diagnostics) against the same
//! LLVM 22 that clang-22 loads, found through `llvm-config-22` (or `$LLVM_CONFIG`).

use std::process::Command;

fn llvm_config(arg: &str) -> String {
    let exe = std::env::var("LLVM_CONFIG").unwrap_or_else(|_| "llvm-config-22".to_string());
    let out = Command::new(&exe)
        .arg(arg)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {exe} (install llvm-22-dev: `cargo xtask setup`): {e}"));
    assert!(out.status.success(), "{exe} {arg} failed");
    String::from_utf8(out.stdout).expect("llvm-config output is UTF-8").trim().to_string()
}

fn main() {
    println!("cargo:rerun-if-changed=shim/shim.cpp");
    println!("cargo:rerun-if-env-changed=LLVM_CONFIG");
    let mut build = cc::Build::new();
    build.cpp(true).file("shim/shim.cpp").warnings(true).extra_warnings(false);
    for flag in llvm_config("--cxxflags").split_whitespace() {
        // -fno-exceptions and friends come from LLVM's own build; keep them all.
        build.flag(flag);
    }
    build.flag("-Wno-unused-parameter");
    build.compile("confpass_shim");
    println!("cargo:rustc-link-search=native={}", llvm_config("--libdir"));
    println!("cargo:rustc-link-lib=dylib=LLVM-22");
    println!("cargo:rustc-link-lib=dylib=stdc++");
}
