//! What confcc adds to a clang command line, decided from the user's arguments alone.
//!
//! - Always (unless the command only queries clang): the plugin, `-Rpass=confpass` (source
//!   locations in diagnostics without `-g`), `-Rpass-analysis=confpass` (the notes that walk a
//!   flow from its private source to the public sink), the annotations include directory, and the safe
//!   defaults `-ftrivial-auto-var-init=zero` and `-Werror=format-nonliteral` — placed before
//!   the user's flags so that a build can still override them.
//! - `-mllvm -confpass-*` options are rewritten to `-Xclang -mllvm -Xclang -confpass-*`: they
//!   reach the compiler (where the plugin records them for LTO) and never the linker, since
//!   lld rejects `-mllvm` options that belong to a plugin it has not loaded yet.
//! - On link lines (inputs, and none of `-c -S -E -M -MM -fsyntax-only -shared -r`): the runtime
//!   library and what it needs.
//! - With `-flto`: `-fuse-ld=lld -Wl,--load-pass-plugin=…`, so that instrumentation runs at link.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// Where the pieces confcc adds live.
#[derive(Debug, Clone)]
pub struct Paths {
    pub plugin: PathBuf,
    pub runtime: PathBuf,
    pub include: PathBuf,
}

/// Options that take their value as the next argument (so that value is not an input file).
const WITH_SEPARATE_VALUE: &[&str] = &[
    "-o", "-x", "-I", "-D", "-U", "-include", "-imacros", "-isystem", "-idirafter", "-iquote",
    "-iprefix", "-iwithprefix", "-isysroot", "--sysroot", "-MF", "-MT", "-MQ", "-L", "-l",
    "-Xlinker", "-Xclang", "-Xassembler", "-Xpreprocessor", "-mllvm", "-target", "--target",
    "-arch", "-T", "-u", "-z", "-e", "-aux-info", "--param", "-Xanalyzer", "-Xopenmp-target",
    "-dependency-file", "-working-directory", "-ivfsoverlay", "-B",
];

/// Options after which clang compiles or preprocesses only, never links.
const NO_LINK: &[&str] = &["-c", "-S", "-E", "-M", "-MM", "-fsyntax-only", "-shared", "-r"];

/// Queries that must stay exactly as the user wrote them (configure scripts parse the output).
fn is_query(arg: &str) -> bool {
    arg.starts_with("-print-")
        || arg.starts_with("--print-")
        || arg.starts_with("-dump")
        || arg == "-###"
        || arg == "--help"
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    inputs: usize,
    sources: usize,
    links: bool,
    lto: bool,
    query: bool,
}

fn is_source(path: &OsStr) -> bool {
    let p = std::path::Path::new(path);
    matches!(
        p.extension().and_then(OsStr::to_str),
        Some("c" | "i" | "h" | "cc" | "cpp" | "cxx" | "C" | "bc" | "ll")
    ) || path == "-"
}

fn shape(args: &[OsString]) -> Shape {
    let mut s = Shape::default();
    let mut no_link = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let a = arg.to_string_lossy();
        if WITH_SEPARATE_VALUE.contains(&a.as_ref()) {
            iter.next();
        } else if NO_LINK.contains(&a.as_ref()) {
            no_link = true;
        } else if is_query(&a) {
            s.query = true;
        } else if a == "-flto" || a.starts_with("-flto=") {
            s.lto = true;
        } else if a == "-fno-lto" {
            s.lto = false;
        } else if a == "-" || !a.starts_with('-') {
            s.inputs += 1;
            if is_source(arg) {
                s.sources += 1;
            }
        }
    }
    s.links = s.inputs > 0 && !no_link && !s.query;
    s
}

fn joined(prefix: &str, path: &std::path::Path) -> OsString {
    let mut s = OsString::from(prefix);
    s.push(path.as_os_str());
    s
}

/// The full clang argument list for the user's `args`.
pub fn clang_args(args: &[OsString], paths: &Paths) -> Vec<OsString> {
    let s = shape(args);
    if s.query || s.inputs == 0 {
        return args.to_vec();
    }
    let mut out: Vec<OsString> = vec![
        joined("-fpass-plugin=", &paths.plugin),
        "-Rpass=confpass".into(),
        "-Rpass-analysis=confpass".into(),
        "-isystem".into(),
        paths.include.clone().into_os_string(),
        "-ftrivial-auto-var-init=zero".into(),
        "-Werror=format-nonliteral".into(),
    ];

    let mut iter = args.iter().peekable();
    while let Some(arg) = iter.next() {
        if arg == "-mllvm" {
            if let Some(value) = iter.next() {
                if value.to_string_lossy().starts_with("-confpass") {
                    // Compiler-only; dropped on pure link lines (nothing compiles there).
                    if s.sources > 0 {
                        out.extend(["-Xclang".into(), "-mllvm".into(), "-Xclang".into(), value.clone()]);
                    }
                } else {
                    out.extend([arg.clone(), value.clone()]);
                }
                continue;
            }
        }
        out.push(arg.clone());
    }

    if s.links {
        if s.lto {
            out.push("-fuse-ld=lld".into());
            out.push(joined("-Wl,--load-pass-plugin=", &paths.plugin));
        }
        out.push(paths.runtime.clone().into_os_string());
        out.push("-lpthread".into());
        out.push("-ldl".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths() -> Paths {
        Paths { plugin: "/p/libconfpass.so".into(), runtime: "/p/libconfrt.a".into(), include: "/inc".into() }
    }

    fn run(args: &str) -> String {
        let v: Vec<OsString> = args.split_whitespace().map(OsString::from).collect();
        let out = clang_args(&v, &paths());
        out.iter().map(|a| a.to_string_lossy().into_owned()).collect::<Vec<_>>().join(" ")
    }

    const PRE: &str = "-fpass-plugin=/p/libconfpass.so -Rpass=confpass -Rpass-analysis=confpass -isystem /inc \
                       -ftrivial-auto-var-init=zero -Werror=format-nonliteral";

    #[test]
    fn compile_only_gets_plugin_but_no_runtime() {
        assert_eq!(run("-O2 -c a.c -o a.o"), format!("{PRE} -O2 -c a.c -o a.o"));
    }

    #[test]
    fn link_line_gets_runtime() {
        assert_eq!(run("a.o b.o -o app"), format!("{PRE} a.o b.o -o app /p/libconfrt.a -lpthread -ldl"));
    }

    #[test]
    fn lto_link_loads_plugin_in_lld_and_keeps_options_from_linker() {
        assert_eq!(
            run("-flto -O2 a.c -mllvm -confpass-stats -o app"),
            format!(
                "{PRE} -flto -O2 a.c -Xclang -mllvm -Xclang -confpass-stats -o app -fuse-ld=lld \
                 -Wl,--load-pass-plugin=/p/libconfpass.so /p/libconfrt.a -lpthread -ldl"
            )
        );
        // A pure link line compiles nothing: the option has no one to go to.
        assert!(!run("-flto a.o -mllvm -confpass-stats -o app").contains("confpass-stats"));
        assert!(!run("-flto -fno-lto a.o -o app").contains("lld"));
    }

    #[test]
    fn other_mllvm_options_are_forwarded() {
        assert_eq!(run("-c a.c -mllvm -inline-threshold=9"), format!("{PRE} -c a.c -mllvm -inline-threshold=9"));
    }

    #[test]
    fn values_of_options_are_not_inputs() {
        assert_eq!(shape(&["-o".into(), "x".into(), "-I".into(), "inc".into()]).inputs, 0);
    }

    #[test]
    fn queries_and_no_inputs_are_left_alone() {
        assert_eq!(run("-print-prog-name=ld"), "-print-prog-name=ld");
        assert_eq!(run("-dumpversion"), "-dumpversion");
        assert_eq!(run("-v"), "-v");
        assert_eq!(run("-shared a.o -o liba.so"), format!("{PRE} -shared a.o -o liba.so"));
    }
}
