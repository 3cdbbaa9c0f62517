//! The plugin in every place it must run, its options, its panic boundary, and confcc.

use std::process::Command;

use crate::support::{confcc, include_dir, plugin, root, run, tempdir, write};

const HELLO: &str = r#"
#include <confpass.h>
#include <stdio.h>
private int secret_counter = 7;
int twice(int x) { return 2 * x; }
int main(void) { printf("hello %d\n", twice(21)); return 0; }
"#;

/// A plain clang-22 command with the plugin (no confcc).
fn clang_with_plugin() -> Command {
    let mut cmd = Command::new("clang-22");
    cmd.arg(format!("-fpass-plugin={}", plugin().display())).arg("-I").arg(include_dir());
    cmd
}

/// The step/phase titles of the statistics blocks in a stderr.
fn stat_blocks(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("=== confpass statistics: "))
        .map(|l| l.split(") ").next().unwrap_or(l).to_string() + ")")
        .collect()
}

#[test]
fn plugin_runs_check_and_instrument_in_clang_at_o0_and_o2() {
    let dir = tempdir();
    let src = write(dir.path(), "hello.c", HELLO);
    for opt in ["-O0", "-O2"] {
        let obj = dir.path().join(format!("hello{opt}.o"));
        let out = run(clang_with_plugin().args([opt, "-c", "-mllvm", "-confpass-stats"]).arg(&src).arg("-o").arg(&obj));
        out.assert_code(0, opt);
        assert_eq!(
            stat_blocks(&out.stderr),
            ["check (compile, mode full)", "instrument (compile, mode full)"],
            "{opt}: {}",
            out.stderr
        );
        assert!(out.stderr.contains("1 globals-private"), "{}", out.stderr);
        assert!(obj.is_file());
    }
}

#[test]
fn plugin_is_silent_without_stats() {
    let dir = tempdir();
    let src = write(dir.path(), "hello.c", HELLO);
    let out = run(clang_with_plugin().args(["-O2", "-c"]).arg(&src).arg("-o").arg(dir.path().join("h.o")));
    out.assert_code(0, "plain compile");
    assert_eq!(out.stderr, "");
}

#[test]
fn plugin_runs_under_opt() {
    let dir = tempdir();
    let src = write(dir.path(), "hello.c", HELLO);
    let ll = dir.path().join("hello.ll");
    run(Command::new("clang-22").args(["-O1", "-S", "-emit-llvm", "-I"]).arg(include_dir()).arg(&src).arg("-o").arg(&ll))
        .assert_code(0, "clang -emit-llvm");
    for (passes, blocks) in [
        ("confpass", vec!["check (opt, mode full)", "instrument (opt, mode full)"]),
        ("confpass-check", vec!["check (opt, mode full)"]),
    ] {
        let out = run(Command::new("opt-22")
            .arg(format!("-load-pass-plugin={}", plugin().display()))
            .arg(format!("-passes={passes}"))
            .args(["-confpass-stats", "-disable-output"])
            .arg(&ll));
        out.assert_code(0, passes);
        assert_eq!(stat_blocks(&out.stderr), blocks, "{}", out.stderr);
    }
}

#[test]
fn lto_checks_at_compile_and_instruments_in_lld() {
    let dir = tempdir();
    let src = write(dir.path(), "hello.c", HELLO);
    for (lto, phase) in [("-flto", "full-lto"), ("-flto=thin", "thin-lto-backend")] {
        let exe = dir.path().join(format!("hello{lto}"));
        let out = run(confcc().args(["-O2", lto, "-mllvm", "-confpass-stats", "-mllvm", "-confpass-mode=cfi"]).arg(&src).arg("-o").arg(&exe));
        out.assert_code(0, lto);
        // The options reach the link step through module flags (lld cannot take them).
        assert_eq!(
            stat_blocks(&out.stderr),
            ["check (compile, mode cfi)".to_string(), format!("instrument ({phase}, mode cfi)")],
            "{lto}: {}",
            out.stderr
        );
        let ran = run(&mut Command::new(&exe));
        ran.assert_code(0, "LTO binary");
        assert_eq!(ran.stdout, "hello 42\n");
    }
}

#[test]
fn modes_select_the_steps() {
    let dir = tempdir();
    let src = write(dir.path(), "hello.c", HELLO);
    for (mode, blocks) in [
        ("check-only", vec!["check (compile, mode check-only)", "instrument (compile, mode check-only)"]),
        ("off", vec!["check (compile, mode off)", "instrument (compile, mode off)"]),
    ] {
        let out = run(confcc().args(["-O2", "-c", "-mllvm", "-confpass-stats"]).arg("-mllvm").arg(format!("-confpass-mode={mode}")).arg(&src).arg("-o").arg(dir.path().join("m.o")));
        out.assert_code(0, mode);
        assert_eq!(stat_blocks(&out.stderr), blocks, "{}", out.stderr);
        assert!(!out.stderr.contains("modules-instrumented"), "{mode} instrumented: {}", out.stderr);
        if mode == "off" {
            assert!(!out.stderr.contains("functions-defined"), "off still analysed: {}", out.stderr);
        }
    }
}

/// `partition` lays memory out (a private global relocated, an escaping public local moved to
/// public frames) and inserts neither guards nor CFI; the program still runs.
#[test]
fn partition_mode_applies_the_layout_alone() {
    let dir = tempdir();
    let src = write(
        dir.path(),
        "layout.c",
        r#"
#include <confpass.h>
#include <stdio.h>
private int secret = 7;
__attribute__((noinline)) void fill(int *p, int n) { for (int i = 0; i < n; i++) p[i] = i; }
int main(int argc, char **argv) {
    (void)argv;
    int local[8];
    fill(local, 8);
    secret += argc;
    printf("sum %d\n", local[3] + local[7]);
    return 0;
}
"#,
    );
    let exe = dir.path().join("layout");
    let out = run(confcc().args(["-O2", "-mllvm", "-confpass-stats", "-mllvm", "-confpass-mode=partition"]).arg(&src).arg("-o").arg(&exe));
    out.assert_code(0, "partition build");
    for wanted in ["modules-instrumented", "public-locals-moved", "private-globals-relocated"] {
        assert!(out.stderr.contains(wanted), "partition lacks {wanted}: {}", out.stderr);
    }
    for unwanted in ["guards-", "verified-accesses", "cfi-"] {
        assert!(!out.stderr.contains(unwanted), "partition has {unwanted}: {}", out.stderr);
    }
    let ran = run(&mut Command::new(&exe));
    ran.assert_code(0, "partition binary");
    assert_eq!(ran.stdout, "sum 10\n");
}

#[test]
fn unknown_option_values_are_errors() {
    let dir = tempdir();
    let src = write(dir.path(), "hello.c", HELLO);
    for opt in ["-confpass-mode=bogus", "-confpass-implicit-flows=sometimes"] {
        let out = run(confcc().args(["-c", "-mllvm", opt]).arg(&src).arg("-o").arg(dir.path().join("x.o")));
        out.assert_code(1, opt);
        assert!(out.stderr.contains("Cannot find option named"), "{opt}: {}", out.stderr);
        assert!(!dir.path().join("x.o").exists());
    }
}

#[test]
fn a_panic_in_the_pass_is_a_clang_error_not_a_crash() {
    let dir = tempdir();
    let src = write(dir.path(), "hello.c", HELLO);
    let obj = dir.path().join("p.o");
    let out = run(clang_with_plugin().args(["-O2", "-c", "-mllvm", "-confpass-debug-panic"]).arg(&src).arg("-o").arg(&obj));
    out.assert_code(1, "debug panic");
    assert!(out.stderr.contains("error: confpass internal error: -confpass-debug-panic was given"), "{}", out.stderr);
    assert!(out.stderr.contains("please report"), "{}", out.stderr);
    assert!(out.stderr.contains("[confpass:internal-error]"), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "the default panic output leaked: {}", out.stderr);
    assert!(!obj.exists(), "an object file was written after an internal error");
}

#[test]
fn confcc_version_names_itself_and_clang() {
    let out = run(confcc().arg("--version"));
    out.assert_code(0, "--version");
    assert!(out.stdout.starts_with("confcc "), "{}", out.stdout);
    assert!(out.stdout.contains("clang version 22."), "{}", out.stdout);
}

#[test]
fn confcc_queries_pass_through_untouched() {
    let out = run(confcc().arg("-dumpversion"));
    out.assert_code(0, "-dumpversion");
    assert!(out.stdout.trim().starts_with("22"), "{}", out.stdout);
}

#[test]
fn confcc_builds_a_make_project_from_another_directory() {
    let dir = tempdir();
    let example = root().join("examples/password");
    for f in ["Makefile", "password.c"] {
        std::fs::copy(example.join(f), dir.path().join(f)).expect("copy example");
    }
    let cc = crate::support::release_dir().join("confcc");
    run(Command::new("make").arg(format!("CC={}", cc.display())).current_dir(dir.path())).assert_code(0, "make");
    let bin = dir.path().join("password");
    let denied = run(Command::new(&bin).arg("hunter2"));
    denied.assert_code(1, "wrong password");
    assert_eq!(denied.stdout, "access denied\n");
    let granted = run(Command::new(&bin).arg("correct horse battery staple"));
    granted.assert_code(0, "right password");
    assert_eq!(granted.stdout, "access granted\n");
}

#[test]
fn confcc_rejects_the_example_leak() {
    let dir = tempdir();
    let out = run(confcc()
        .args(["-O2", "-DDEMO_LEAK", "-o"])
        .arg(dir.path().join("leak"))
        .arg(root().join("examples/password/password.c")));
    out.assert_code(1, "leaking example");
    assert!(out.stderr.contains("error: private data passed to variadic function 'printf' [confpass:private-to-variadic]"), "{}", out.stderr);
    assert!(out.stderr.contains("remark: private data is read here"), "the flow is shown: {}", out.stderr);
    assert!(!dir.path().join("leak").exists());
}

/// Regression: the first (location-free) compile used to swallow clang's stdout, so `confcc -E`
/// printed nothing and autoconf's header checks failed.
#[test]
fn confcc_preprocessor_output_reaches_stdout() {
    let dir = tempdir();
    let src = write(dir.path(), "pp.c", "#define WORD hello_from_cpp\nWORD\n");
    let out = run(confcc().arg("-E").arg(&src));
    out.assert_code(0, "confcc -E");
    assert!(out.stdout.contains("hello_from_cpp"), "{}", out.stdout);
}

/// Compiles `src` to an object with `-confpass-stats -confpass-verify` in mode `loads` and the
/// extra arguments; the statistics (stderr).
fn guard_stats(src: &std::path::Path, extra: &[&str]) -> String {
    let out = run(confcc()
        .args(["-O2", "-c", "-mllvm", "-confpass-stats", "-mllvm", "-confpass-verify", "-mllvm", "-confpass-mode=loads"])
        .args(extra)
        .arg(src)
        .arg("-o")
        .arg(src.with_extension("o")));
    out.assert_code(0, &format!("{} {extra:?}", src.display()));
    out.stderr
}

/// The value of one counter in `-confpass-stats` output.
fn stat(stderr: &str, name: &str) -> Option<u64> {
    stderr.lines().find_map(|l| {
        let mut words = l.split_whitespace();
        let value = words.next()?.parse().ok()?;
        (words.next() == Some(name) && words.next().is_none()).then_some(value)
    })
}

/// A loop's accesses through an index built from its counter by constants (`src[2*x + k]`:
/// a shift, then an `add` or a disjoint `or`) walk with the loop: one compare where the loop
/// is entered covers them (pass/src/instrument/walk.rs), in both flavours, and the verifier
/// proves it. Before, the mask flavour masked `src + 2*x` on every iteration. The same for a
/// loop unrolled by two, whose second copy reads `a[x | 1]` (LLVM knows `x` is even; confpass
/// takes the `or` as a slack of one byte): before, both its loads were masked per iteration.
#[test]
fn loop_walks_cover_indices_built_by_constants() {
    let dir = tempdir();
    let src = write(
        dir.path(),
        "pairs.c",
        r#"
#include <stdint.h>
void average_pairs(uint8_t *dst, const uint8_t *src, int width) {
    for (int x = 0; x < width; x++)
        dst[x] = (src[2 * x] + src[2 * x + 1] + src[2 * x + 2] + src[2 * x + 3] + 2) >> 2;
}
"#,
    );
    for guard in ["mask", "trap"] {
        let flavour = format!("-confpass-guard={guard}");
        let out = guard_stats(&src, &["-fno-vectorize", "-fno-slp-vectorize", "-fno-unroll-loops", "-mllvm", &flavour]);
        assert_eq!(stat(&out, "guards-loop-walks"), Some(4), "{guard}: {out}");
        assert_eq!(stat(&out, "guards-public-mask"), None, "{guard}: {out}");
        assert_eq!(stat(&out, "guards-public-check"), Some(1), "{guard}: one compare of src at the loop's entry: {out}");
    }
    let src = write(
        dir.path(),
        "unrolled.c",
        r#"
#include <stdint.h>
void average(uint8_t *dst, const uint8_t *a, const uint8_t *b, long n) {
#pragma clang loop unroll_count(2)
    for (long x = 0; x < n; x++) dst[x] = (a[x] + b[x] + 1) >> 1;
}
"#,
    );
    let out = guard_stats(&src, &["-fno-vectorize", "-fno-slp-vectorize"]);
    // Both copies' loads of a and b walk; the two masks left are the odd iteration's, after
    // the loop.
    assert_eq!(stat(&out, "guards-loop-walks"), Some(4), "{out}");
    assert_eq!(stat(&out, "guards-public-mask"), Some(2), "{out}");
}

/// One public mask of a pointer covers its accesses at offsets of bounded width
/// (`PUBLIC_REACH`), also when the offset is a constant shifted right by a bounded amount, as
/// QuickJS's property hash is (`C >> clz(h + 1)`, h 32 bits: the shift is 31 or more). Before,
/// the hashed access had a mask of its own.
#[test]
fn a_public_mask_covers_a_hash_shifted_out_of_a_constant() {
    let dir = tempdir();
    let src = write(
        dir.path(),
        "hashed.c",
        r#"
int hashed(const int *p, unsigned h) {
    int s = __builtin_clzl((unsigned long)h + 1);
    return p[0] + p[-0x3D4D51C2D82B14B1L >> s];
}
"#,
    );
    let out = guard_stats(&src, &[]);
    assert_eq!(stat(&out, "guards-public-mask"), Some(1), "{out}");
    assert_eq!(stat(&out, "guards-public-mask-ranged-accesses"), Some(1), "{out}");
}

/// A public global at offsets of bounded width (`board[pos]`, `pos` an `int`) needs no guard
/// under the mask flavour: its address is fixed at link time in public memory, which the
/// runtime's layout check keeps above 2^46, farther from the block than any such offset
/// reaches. The module then requires that layout at start-up. The trap flavour, which does not
/// require it, keeps its compares; a 64-bit index keeps its mask. Before, GNU Go's board.c had
/// 1004 masks of globals out of 1057.
#[test]
fn public_globals_at_bounded_offsets_need_no_mask() {
    let dir = tempdir();
    let src = write(
        dir.path(),
        "board.c",
        r#"
signed char board[421];
int liberties[421];
int count_neighbours(int pos, int colour) {
    return (board[pos - 1] == colour) + (board[pos + 1] == colour) + (board[pos - 20] == colour) + liberties[pos];
}
int far(long k) { return liberties[k]; }
"#,
    );
    let mask = guard_stats(&src, &["-mllvm", "-confpass-guard=mask"]);
    assert_eq!(stat(&mask, "guards-elided-public-global"), Some(4), "{mask}");
    assert_eq!(stat(&mask, "guards-public-mask"), Some(1), "only far's 64-bit index: {mask}");
    let symbols = run(Command::new("llvm-nm-22").arg(dir.path().join("board.o")));
    assert!(symbols.stdout.contains("U __confpass_require_public_mask"), "{}", symbols.stdout);
    let trap = guard_stats(&src, &["-mllvm", "-confpass-guard=trap"]);
    assert_eq!(stat(&trap, "guards-elided-public-global"), None, "{trap}");
    assert!(stat(&trap, "guards-public-check").is_some_and(|n| n >= 2), "{trap}");
}

/// An interpreter whose dispatch loop carries its register file's address (a phi).
const VM: &str = r#"
struct vm { long *regs; int n; };
struct op { unsigned char code; int a, b; };
void grow(struct vm *vm);
long run(struct vm *vm, const struct op *pc) {
    long *r = vm->regs;
    for (;;) {
        const struct op *o = pc++;
        switch (o->code) {
        case 0: r[o->a] = o->b; break;
        case 1: r[o->a] += r[o->b]; break;
        case 2: r[o->a] -= r[o->b]; break;
        case 3: r[o->a] *= r[o->b]; break;
        case 4: r[o->a] ^= r[o->b]; break;
        case 5: r[o->a] &= r[o->b]; break;
        case 6: r[o->a] |= r[o->b]; break;
        case 7: grow(vm); r = vm->regs; break;
        case 8: return r[o->a];
        }
    }
}
"#;

/// A pointer an interpreter's dispatch loop carries (a phi: sqlite's `aMem`, reloaded only
/// by a few handlers) and uses at bounded offsets in many handlers gets, under the mask
/// flavour, a band compare where each of its values is made (guards::BAND_SHIFT) instead
/// of a mask in each handler, when those are fewer; the verifier proves the handlers' accesses
/// from the compares. The trap flavour has no band compare. Before, `sqlite3VdbeExec` masked
/// `aMem` in 95 handlers.
#[test]
fn band_compares_cover_a_dispatch_loop_phi() {
    let dir = tempdir();
    let src = write(dir.path(), "vm.c", VM);
    let mask = guard_stats(&src, &["-mllvm", "-confpass-guard=mask"]);
    assert_eq!(stat(&mask, "guards-phi-band"), Some(1), "{mask}");
    assert_eq!(stat(&mask, "guards-public-band-check"), Some(2), "the load at entry and the reload: {mask}");
    let trap = guard_stats(&src, &["-mllvm", "-confpass-guard=trap"]);
    assert_eq!(stat(&trap, "guards-phi-band"), None, "{trap}");
}

/// The verifier is not a rubber stamp: leaving out any one guard the pass places
/// (`-confpass-debug-skip-guard=N`) is an internal error, in both flavours. The source has the
/// shapes the guards cover by argument rather than one guard per access: band compares of a
/// dispatch-loop phi, loop walks (public and private), a select's compares, masks hoisted out
/// of loops and merged over a base's fields; and ranges of run-time length, masked or checked.
#[test]
fn the_verifier_rejects_each_guard_left_out() {
    let dir = tempdir();
    let src = write(
        dir.path(),
        "shapes.c",
        &format!(
            r#"#include <confpass.h>
#include <string.h>
{VM}
struct pt {{ long x, y, z; }};
void sum(private long *p, long n, private long *out) {{ long s = 0; for (long i = 0; i < n; i++) s += p[i]; *out = s; }}
void copy(long *d, const long *s, long n) {{ for (long i = 0; i < n; i++) d[i] = s[i]; }}
long pick(long *a, long *b, int c) {{ long *p = c ? a : b; return p[3] + p[5]; }}
long norm(struct pt *q, int n) {{ long t = 0; for (int i = 0; i < n; i++) t += q->x * q->y + q->z; return t; }}
void bump(private long *p, struct pt *q) {{ p[1] += q->x; q->y = 0; }}
void fill(char *d, const char *s, unsigned long n, private char *k) {{ memcpy(d, s, n); memset(k, 0, n); }}
"#
        ),
    );
    for guard in ["mask", "trap"] {
        let flavour = format!("-confpass-guard={guard}");
        let all = guard_stats(&src, &["-mllvm", "-confpass-mode=full", "-mllvm", &flavour]);
        assert_eq!(stat(&all, "guards-debug-skipped"), None, "{all}");
        let mut n = 0;
        loop {
            let skip = format!("-confpass-debug-skip-guard={n}");
            let out = run(confcc()
                .args(["-O2", "-c", "-mllvm", "-confpass-stats", "-mllvm", "-confpass-verify", "-mllvm", "-confpass-mode=full"])
                .args(["-mllvm", &flavour, "-mllvm", &skip])
                .arg(&src)
                .arg("-o")
                .arg(dir.path().join("x.o")));
            if stat(&out.stderr, "guards-debug-skipped").is_none() {
                // Past the last guard: nothing left out, and the build passes.
                out.assert_code(0, &skip);
                break;
            }
            out.assert_code(1, &format!("{guard} {skip}: the verifier accepted a missing guard"));
            assert!(out.stderr.contains("confpass verifier:"), "{guard} {skip}: {}", out.stderr);
            n += 1;
        }
        assert!(n >= 8, "{guard}: only {n} guards placed");
    }
}

/// Casts of one integer to a pointer in separate branches (QuickJS's `JS_VALUE_GET_PTR(v)`)
/// become one cast after the integer's definition, so one guard covers the accesses of both
/// branches. Before, each branch's cast was a root of its own with a mask of its own.
#[test]
fn casts_of_one_integer_share_a_guard() {
    let dir = tempdir();
    let src = write(
        dir.path(),
        "casts.c",
        r#"
#include <stdint.h>
struct value { uint64_t u; int64_t tag; };
int get(struct value v, int c, int *out) {
    if (c > 3) {
        out[0] = c;
        return ((int *)v.u)[1];
    }
    out[1] = 7;
    return ((int *)v.u)[2] + c;
}
"#,
    );
    let out = guard_stats(&src, &[]);
    assert_eq!(stat(&out, "guards-casts-shared"), Some(1), "{out}");
    assert_eq!(stat(&out, "guards-public-mask"), Some(1), "{out}");
}

/// confcc aligns loop headers to a 64-byte line, in clang and, under `-flto`, in lld, where the
/// code is generated; the user's own `-falign-loops` wins. A hot loop that straddles two lines
/// because the guards moved it ran 24% slower (libquantum's `quantum_toffoli`).
#[test]
fn confcc_aligns_loop_headers_to_a_cache_line() {
    let dir = tempdir();
    let src = write(
        dir.path(),
        "sum.c",
        "long sum(long *a, long n) { long s = 0; for (long i = 0; i < n; i++) s += a[i] ^ (s >> 3); return s; }\n\
         int main(int argc, char **argv) { long a[64] = {0}; return (int)sum(a, argc * 40); }\n",
    );
    // `written` is where the assembly ends up: lld's --lto-emit-asm appends `.lto.s`.
    let asm = |extra: &[&str], out: &str, written: &str| -> String {
        let built = run(confcc().args(["-O2"]).args(extra).arg(&src).arg("-o").arg(dir.path().join(out)));
        built.assert_code(0, out);
        std::fs::read_to_string(dir.path().join(written)).unwrap_or_else(|e| panic!("{written}: {e}"))
    };
    let aligned = |asm: &str| asm.contains(".p2align\t6");
    assert!(aligned(&asm(&["-S"], "sum.s", "sum.s")), "no 64-byte loop alignment in clang's output");
    assert!(!aligned(&asm(&["-S", "-falign-loops=16"], "sum16.s", "sum16.s")), "the user's -falign-loops lost");
    let lto = ["-flto", "-fuse-ld=lld", "-Wl,--lto-emit-asm"];
    assert!(aligned(&asm(&lto, "lto", "lto.lto.s")), "no 64-byte loop alignment in lld's output");
    assert!(!aligned(&asm(&[&lto[..], &["-falign-loops=16"]].concat(), "lto16", "lto16.lto.s")));
}
