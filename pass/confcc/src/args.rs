//! What confcc adds to a clang command line, decided from the user's arguments alone.
//!
//! - Always (unless the command only queries clang): the plugin, the annotations include
//!   directory, the safe defaults `-ftrivial-auto-var-init=zero` and
//!   `-Werror=format-nonliteral`, `-falign-loops=64` and `-fstack-clash-protection` — placed
//!   before the user's flags so that a build can still override them.
//! - Source locations: `-Rpass=confpass` (exact line and column without `-g`) and
//!   `-Rpass-analysis=confpass` (the notes that walk a flow from its private source to the
//!   public sink). Location tracking costs clang about 11% time and 20% memory (sqlite3, see
//!   `cargo xtask analysis-cost`), so a compile first runs without it; only when confpass has
//!   something to say is it run again with locations ([`Plan::located`]).
//! - `-mllvm -confpass-*` options are rewritten to `-Xclang -mllvm -Xclang -confpass-*`: they
//!   reach the compiler (where the plugin records them for LTO) and never the linker, since
//!   lld rejects `-mllvm` options that belong to a plugin it has not loaded yet.
//! - On link lines (inputs, and none of `-c -S -E -M -MM -fsyntax-only -shared -r`): the runtime
//!   library and what it needs, its `--wrap`s, and `--gc-sections` (the runtime is one object
//!   with a section per function; without it every program would carry the private heap and
//!   the cipher).
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

/// Symbols the runtime interposes (keep in sync with runtime/src/start.rs).
const WRAPS: &str = "-Wl,--wrap=main,--wrap=pthread_create,--wrap=pthread_join,--wrap=sigaltstack";

/// Loop headers start a 64-byte line (see `clang_args`); the user's own `-falign-loops`,
/// which comes later on the command line, wins.
const LOOP_ALIGNMENT: &str = "-falign-loops=64";
const LTO_LOOP_ALIGNMENT: &str = "-Wl,-mllvm,-align-loops=64";

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

/// The clang commands for one confcc invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The command to run first.
    pub first: Vec<OsString>,
    /// When `first` runs without source locations: the same command with them, to run instead
    /// when the first run reports a confpass diagnostic.
    pub located: Option<Vec<OsString>>,
}

const LOCATIONS: [&str; 2] = ["-Rpass=confpass", "-Rpass-analysis=confpass"];

/// The clang commands for the user's `args`.
pub fn plan(args: &[OsString], paths: &Paths) -> Plan {
    let s = shape(args);
    if s.query || s.inputs == 0 {
        return Plan { first: args.to_vec(), located: None };
    }
    let located = clang_args(args, paths, &s, true);
    // A second run needs the inputs again (not stdin) and is pointless without compiling; the
    // audit's remarks need locations on the first run.
    let audit = args.iter().any(|a| a.to_string_lossy().starts_with("-confpass-audit"));
    if s.sources == 0 || args.iter().any(|a| a == "-") || audit {
        return Plan { first: located, located: None };
    }
    Plan { first: clang_args(args, paths, &s, false), located: Some(located) }
}

fn clang_args(args: &[OsString], paths: &Paths, s: &Shape, locations: bool) -> Vec<OsString> {
    let mut out: Vec<OsString> = vec![joined("-fpass-plugin=", &paths.plugin)];
    if locations {
        out.extend(LOCATIONS.map(OsString::from));
    }
    out.extend([
        "-isystem".into(),
        paths.include.clone().into_os_string(),
        "-ftrivial-auto-var-init=zero".into(),
        "-Werror=format-nonliteral".into(),
        // LLVM 22's memcmp→bcmp rewrite declares bcmp with generic pointers and passes private
        // ones: invalid IR that lld rejects under -flto ("Invalid record").
        "-fno-builtin-bcmp".into(),
        // The guards and the public frames move code: a hot loop that used to fit one 64-byte
        // line can end up straddling two, which cost libquantum 24% on this Zen 4. Aligning
        // every loop header to a line makes that a property of the loop, not of luck.
        LOOP_ALIGNMENT.into(),
        // Native stacks lie one guard page apart: a frame (or an `alloca`) larger than a page
        // must touch each page it skips, so that it faults in the guard page instead of landing
        // in the neighbouring thread's stack.
        "-fstack-clash-protection".into(),
    ]);

    // A build that asks for -ftrivial-auto-var-init itself (a program that reads uninitialised
    // locals) keeps it on every local, the public frames' too.
    if s.sources > 0 && args.iter().any(|a| a.to_string_lossy().starts_with("-ftrivial-auto-var-init=")) {
        out.extend(["-Xclang", "-mllvm", "-Xclang", "-confpass-keep-auto-init"].map(OsString::from));
    }
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
            // Code is generated in lld, which does not see -falign-loops.
            if !args.iter().any(|a| a.to_string_lossy().starts_with("-falign-loops")) {
                out.push(LTO_LOOP_ALIGNMENT.into());
            }
        }
        // The runtime runs main and every thread on native stacks in the private region (in
        // every mode: the runtime's API needs its start-up code, and the switch costs nothing).
        out.push(WRAPS.into());
        // Only the parts of the runtime the program uses (its object has one section per
        // function); `-Wl,--no-gc-sections` after it turns this off.
        out.push("-Wl,--gc-sections".into());
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

    fn join(v: &[OsString]) -> String {
        v.iter().map(|a| a.to_string_lossy().into_owned()).collect::<Vec<_>>().join(" ")
    }

    /// The located command (what the user sees diagnostics from).
    fn run(args: &str) -> String {
        let v: Vec<OsString> = args.split_whitespace().map(OsString::from).collect();
        let p = plan(&v, &paths());
        join(p.located.as_ref().unwrap_or(&p.first))
    }

    const PRE: &str = "-fpass-plugin=/p/libconfpass.so -Rpass=confpass -Rpass-analysis=confpass -isystem /inc \
                       -ftrivial-auto-var-init=zero -Werror=format-nonliteral -fno-builtin-bcmp -falign-loops=64 -fstack-clash-protection";

    #[test]
    fn compiles_run_first_without_locations() {
        let v: Vec<OsString> = "-c a.c".split_whitespace().map(OsString::from).collect();
        let p = plan(&v, &paths());
        assert_eq!(
            join(&p.first),
            "-fpass-plugin=/p/libconfpass.so -isystem /inc -ftrivial-auto-var-init=zero -Werror=format-nonliteral -fno-builtin-bcmp -falign-loops=64 -fstack-clash-protection -c a.c"
        );
        assert_eq!(join(p.located.as_ref().unwrap()), format!("{PRE} -c a.c"));
        // Link-only lines, stdin and the audit: one run, with locations.
        for single in ["a.o -o app", "-c -x c -", "-c a.c -mllvm -confpass-audit"] {
            let v: Vec<OsString> = single.split_whitespace().map(OsString::from).collect();
            assert_eq!(plan(&v, &paths()).located, None, "{single}");
        }
    }

    #[test]
    fn compile_only_gets_plugin_but_no_runtime() {
        assert_eq!(run("-O2 -c a.c -o a.o"), format!("{PRE} -O2 -c a.c -o a.o"));
    }

    #[test]
    fn link_line_gets_runtime() {
        assert_eq!(run("a.o b.o -o app"), format!("{PRE} a.o b.o -o app {WRAPS} -Wl,--gc-sections /p/libconfrt.a -lpthread -ldl"));
    }

    #[test]
    fn lto_link_loads_plugin_in_lld_and_keeps_options_from_linker() {
        assert_eq!(
            run("-flto -O2 a.c -mllvm -confpass-stats -o app"),
            format!(
                "{PRE} -flto -O2 a.c -Xclang -mllvm -Xclang -confpass-stats -o app -fuse-ld=lld \
                 -Wl,--load-pass-plugin=/p/libconfpass.so {LTO_LOOP_ALIGNMENT} {WRAPS} -Wl,--gc-sections /p/libconfrt.a -lpthread -ldl"
            )
        );
        // A pure link line compiles nothing: the option has no one to go to.
        assert!(!run("-flto a.o -mllvm -confpass-stats -o app").contains("confpass-stats"));
        assert!(!run("-flto -fno-lto a.o -o app").contains("lld"));
        // The user's own loop alignment wins at link too.
        assert!(!run("-flto -falign-loops=16 a.o -o app").contains(LTO_LOOP_ALIGNMENT));
    }

    #[test]
    fn an_explicit_auto_var_init_keeps_the_zeroing_of_public_frame_locals() {
        assert_eq!(
            run("-ftrivial-auto-var-init=zero -c a.c"),
            format!("{PRE} -Xclang -mllvm -Xclang -confpass-keep-auto-init -ftrivial-auto-var-init=zero -c a.c")
        );
        assert!(!run("-c a.c").contains("keep-auto-init"));
        assert!(!run("-ftrivial-auto-var-init=zero a.o -o app").contains("keep-auto-init"));
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
