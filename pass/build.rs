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

/// The functions the C library exports (glibc's libc and libm on the build machine), for the
/// guards: pointers passed to them are checked at the call, because their code is not guarded.
/// Without `nm` or the libraries the list is empty and every external call counts as one.
fn library_symbols() -> String {
    let mut names = Vec::new();
    for lib in ["libc.so.6", "libm.so.6"] {
        let path = Command::new("cc").arg(format!("-print-file-name={lib}")).output().ok().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
        let Some(path) = path.filter(|p| std::path::Path::new(p).is_absolute()) else { continue };
        println!("cargo:rerun-if-changed={path}");
        let Ok(out) = Command::new("nm").args(["-D", "--defined-only", "--format=posix"]).arg(&path).output() else { continue };
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let mut f = line.split_whitespace();
            if let (Some(name), Some(kind)) = (f.next(), f.next()) {
                if matches!(kind, "T" | "W" | "i") {
                    names.push(name.split('@').next().unwrap_or(name).to_string());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names.join("\n")
}

fn main() {
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("library_symbols.txt"), library_symbols()).expect("write the library symbol list");
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
