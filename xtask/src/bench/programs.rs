//! The benchmark programs: where each comes from, how it is built (a script in
//! `spec-bench/recipes/`), what input it gets and how it is run. Recipes are the project's own;
//! the programs' code is fetched at run time and never committed.
//!
//! A run is a shell snippet run with `sh -c` in a fresh scratch directory, with `$BIN` the
//! directory of the built binaries and `$IN` the directory of the generated inputs. Its stdout
//! is the program's result, compared byte for byte between the baseline and every protected
//! build: it must hold checksums or results, never timings.

use std::path::Path;

use super::inputs;
use crate::Result;

/// Where a program's sources come from.
pub enum Source {
    /// A Debian 12 source package (its upstream tarball, see `sources::debian_source`).
    Debian(&'static str),
    /// A crate from crates.io that bundles C sources, at an exact version.
    Crate(&'static str, &'static str),
}

impl Source {
    /// The name the recipe sees: `$SRC_<name>`, non-alphanumerics as `_`.
    pub fn var(&self) -> String {
        let name = match self {
            Source::Debian(p) => p,
            Source::Crate(c, _) => c,
        };
        format!("SRC_{}", name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect::<String>())
    }

    pub fn describe(&self) -> String {
        match self {
            Source::Debian(p) => format!("Debian 12 source package {p}"),
            Source::Crate(c, v) => format!("crate {c} {v}"),
        }
    }
}

pub struct Program {
    pub name: &'static str,
    /// The SPEC CPU benchmark (or kind of code) it stands in for.
    pub stands_in: &'static str,
    /// The first one is `$SRC` too.
    pub sources: &'static [Source],
    /// `spec-bench/recipes/<recipe>`: `sh <recipe> configure|build`.
    pub recipe: &'static str,
    /// Writes the workload's inputs into the given directory.
    pub inputs: fn(&Path) -> Result,
    /// The measured command (see the module comment).
    pub run: &'static str,
    /// One line for people.
    pub workload: &'static str,
    /// Part of `--quick`.
    pub quick: bool,
}

pub const PROGRAMS: &[Program] = &[
    Program {
        name: "lua",
        stands_in: "interpreter (indirect calls)",
        sources: &[Source::Debian("lua5.4")],
        recipe: "lua.sh",
        inputs: |dir| inputs::recipe_file(dir, "lua-workload.lua"),
        run: "$BIN/lua $IN/lua-workload.lua 10",
        workload: "recipes/lua-workload.lua, 10 rounds: recursion, tables and sorting, string formatting and patterns, closures, floats",
        quick: true,
    },
    Program {
        name: "sqlite",
        stands_in: "pointer-heavy database",
        sources: &[Source::Debian("sqlite3"), Source::Crate("libsqlite3-sys", "0.40.0")],
        recipe: "sqlite.sh",
        inputs: |_| Ok(()),
        // Timings stripped; the verification hash covers every query result.
        run: "$BIN/speedtest1 --memdb --size 150 --verify | sed -e 's/ *[0-9.]*s$//'",
        workload: "speedtest1 (Debian's sqlite3 3.40.1 test/speedtest1.c on the amalgamation of libsqlite3-sys) --memdb --size 150 --verify",
        quick: true,
    },
    Program {
        name: "bzip2",
        stands_in: "401.bzip2",
        sources: &[Source::Debian("bzip2")],
        recipe: "bzip2.sh",
        inputs: |dir| inputs::text(&dir.join("text"), 32 << 20, 401),
        run: "$BIN/bzip2 -9 -c $IN/text > t.bz2 && $BIN/bzip2 -d -c t.bz2 | cksum && cksum < t.bz2",
        workload: "32 MiB of generated text, bzip2 -9 then -d; checksums of both",
        quick: true,
    },

    Program {
        name: "xz",
        stands_in: "557.xz",
        sources: &[Source::Debian("xz-utils")],
        recipe: "xz.sh",
        inputs: |dir| inputs::text(&dir.join("text"), 6 << 20, 557),
        run: "$BIN/xz -6 -c $IN/text > t.xz && $BIN/xz -d -c t.xz | cksum && cksum < t.xz",
        workload: "6 MiB of generated text, xz -6 then -d; checksums of both",
        quick: false,
    },
    Program {
        name: "libquantum",
        stands_in: "462.libquantum",
        sources: &[Source::Debian("libquantum")],
        recipe: "libquantum.sh",
        inputs: |_| Ok(()),
        run: "$BIN/shor 391 2",
        workload: "shor 391 2 (factorises 391 = 17 × 23 on a simulated quantum register; fixed seed)",
        quick: true,
    },
    Program {
        name: "lame",
        stands_in: "DSP (audio encoder)",
        sources: &[Source::Debian("lame")],
        recipe: "lame.sh",
        inputs: |dir| inputs::wav(&dir.join("in.wav"), 120, 3100),
        run: "$BIN/lame --quiet -q 2 -b 192 $IN/in.wav out.mp3 && cksum < out.mp3",
        workload: "120 s of generated 44.1 kHz stereo audio to MP3, -q 2 -b 192; checksum",
        quick: false,
    },
    Program {
        name: "quickjs",
        stands_in: "interpreter (indirect calls)",
        sources: &[Source::Crate("rquickjs-sys", "0.14.0")],
        recipe: "quickjs.sh",
        inputs: |dir| inputs::recipe_file(dir, "quickjs-workload.js"),
        run: "$BIN/qjs $IN/quickjs-workload.js 6",
        workload: "recipes/quickjs-workload.js, 6 rounds: recursion, objects and Map, sorting, strings, regexps, JSON, closures, typed arrays",
        quick: false,
    },
    Program {
        name: "phalanx",
        stands_in: "458.sjeng",
        sources: &[Source::Debian("phalanx")],
        recipe: "phalanx.sh",
        inputs: |dir| inputs::recipe_file(dir, "phalanx-workload.txt"),
        // No book, no learning file, no input polling; the moves found are the result.
        run: "$BIN/phalanx -b- -l- -o- < $IN/phalanx-workload.txt | grep -E '^move|depth'",
        workload: "recipes/phalanx-workload.txt over the xboard protocol: 10 positions searched to depth 11",
        quick: false,
    },
    Program {
        name: "glpk",
        stands_in: "429.mcf / 505.mcf",
        sources: &[Source::Debian("glpk")],
        recipe: "glpk.sh",
        inputs: |dir| inputs::mincost(&dir.join("net.min"), 2000, 20000, 200, 429),
        // The terminal log has timings; the solution file has none.
        run: "$BIN/glpsol --mincost $IN/net.min -o sol.txt > /dev/null && grep -E '^(Status|Objective)' sol.txt && cksum < sol.txt",
        workload: "min-cost flow on a generated network (2,000 nodes, 24,000 arcs), glpsol --mincost (simplex)",
        quick: false,
    },

    Program {
        name: "gnugo",
        stands_in: "445.gobmk",
        sources: &[Source::Debian("gnugo")],
        recipe: "gnugo.sh",
        inputs: |dir| inputs::recipe_file(dir, "gnugo-workload.gtp"),
        run: "$BIN/gnugo --mode gtp --level 10 --seed 1 < $IN/gnugo-workload.gtp",
        workload: "recipes/gnugo-workload.gtp over GTP: the first 30 moves of a 19×19 game against itself, level 10, fixed seed",
        quick: false,
    },
    Program {
        name: "x264",
        stands_in: "464.h264ref / 525.x264",
        sources: &[Source::Debian("x264")],
        recipe: "x264.sh",
        inputs: |dir| inputs::y4m(&dir.join("in.y4m"), 1280, 720, 30, 525),
        run: "$BIN/x264 --threads 1 --quiet --preset medium -o out.264 $IN/in.y4m 2>/dev/null && cksum < out.264",
        workload: "30 generated 1280×720 frames, --preset medium, one thread; checksum of the stream",
        quick: false,
    },
    Program {
        name: "tcc",
        stands_in: "403.gcc / 502.gcc",
        sources: &[Source::Debian("tcc")],
        recipe: "tcc.sh",
        inputs: |dir| {
            let from = crate::sources::sqlite()?.join("sqlite3.c");
            std::fs::copy(&from, dir.join("sqlite3.c")).map(drop).map_err(|e| format!("cannot copy {}: {e}", from.display()))
        },
        // Never `-o /dev/null`: tcc unlinks its output first (as root that replaces /dev/null).
        run: "for i in $(seq 36); do $BIN/tcc -B$BIN -c $IN/sqlite3.c -o s.o; done && cksum < s.o",
        workload: "compiles the sqlite3 amalgamation (of libsqlite3-sys) to an object file 36 times; checksum of the object",
        quick: false,
    },
];
