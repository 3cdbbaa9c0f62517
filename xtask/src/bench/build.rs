//! Building a program in one variant (baseline or a confpass mode, with or without LTO), with
//! its compile cost measured, cached in `~/.cache/confpass/bench/builds/`.
//!
//! A build is cached under a key that hashes everything it depends on: the recipe script, the
//! compiler command and flags, `clang-22 --version`, and for protected builds the bytes of
//! `confcc`, `libconfpass.so` and `libconfrt.a`, so a rebuilt plugin rebuilds every protected
//! program while the baselines stay. Failed builds are cached too (with their reason).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::programs::{Program, Source};
use crate::analysis_cost::TIME;
use crate::{release_dir, root, sources, Result};

/// What every confpass diagnostic carries.
pub const FINDING_MARK: &str = "[confpass:";

/// The environment every recipe gets besides CC, CFLAGS, LDFLAGS, OUT, JOBS, RECIPES, SRC*.
/// LLVM's archiver, because LTO objects are bitcode. `CPP`: preprocessing runs no plugin,
/// and configure scripts preprocess to stdout, which confcc drops today (it captures the
/// compiler's output to look for findings): with `CPP=confcc -E` autoconf concludes that the C
/// library lacks standard headers and builds differently (lame then fails).
const FIXED_ENV: &[(&str, &str)] =
    &[("CPP", "clang-22 -E"), ("AR", "llvm-ar-22"), ("RANLIB", "llvm-ranlib-22"), ("NM", "llvm-nm-22")];

/// The confpass modes measured, in report order.
/// `-trap` variants use `-confpass-guard=trap` (the default flavour is `mask`).
pub const MODES: &[&str] = &["off", "partition", "cfi", "stores", "loads", "full", "stores-trap", "loads-trap", "full-trap"];

/// One way of building a program.
#[derive(Clone)]
pub struct Variant {
    /// `baseline`, a mode, or either with `-lto`.
    pub name: String,
    /// `None` for the baseline.
    pub mode: Option<&'static str>,
    pub lto: bool,
}

impl Variant {
    pub fn baseline(lto: bool) -> Variant {
        Variant { name: if lto { "baseline-lto".into() } else { "baseline".into() }, mode: None, lto }
    }

    pub fn protected(mode: &'static str, lto: bool) -> Variant {
        Variant { name: if lto { format!("{mode}-lto") } else { mode.to_string() }, mode: Some(mode), lto }
    }

    /// The compiler and the flags this variant gives every compile and link.
    pub fn compiler(&self, tools: &Toolchain) -> (String, String, String) {
        let cc = match self.mode {
            None => "clang-22".to_string(),
            Some(_) => tools.confcc.display().to_string(),
        };
        let mut cflags = "-O2".to_string();
        if let Some(mode) = self.mode {
            match mode.strip_suffix("-trap") {
                Some(m) => cflags += &format!(" -mllvm -confpass-mode={m} -mllvm -confpass-guard=trap"),
                None => cflags += &format!(" -mllvm -confpass-mode={mode}"),
            }
        }
        let mut ldflags = String::new();
        if self.lto {
            cflags += " -flto";
            ldflags += "-flto -fuse-ld=lld";
        }
        (cc, cflags, ldflags)
    }

    /// How the variant's compiler is invoked, for the report.
    pub fn command(&self, tools: &Toolchain) -> String {
        let (cc, cflags, ldflags) = self.compiler(tools);
        let cc = if self.mode.is_some() { "target/release/confcc".to_string() } else { cc };
        format!("{cc} {cflags}{}", if ldflags.is_empty() { String::new() } else { format!(" (link: {ldflags})") })
    }
}

/// A finished build (cached or fresh).
pub struct Built {
    /// The directory holding the program's binaries (`$BIN` of its run).
    pub bin: PathBuf,
    /// `Err(reason)` when the build failed.
    pub status: std::result::Result<(), String>,
    /// CPU time (user+sys) of the recipe's build phase, all processes, in seconds.
    pub compile_cpu: f64,
    pub compile_wall: f64,
    /// Peak RSS of the largest process of the build phase.
    pub compile_max_rss_kib: u64,
    /// Size of `.text` summed over the program's binaries.
    pub text_bytes: u64,
    /// confpass diagnostics in the build's output.
    pub findings: Vec<String>,
}

/// FNV-1a, 64 bits: a stable hash (std's hasher may change between Rust releases).
pub struct Fnv(u64);

impl Fnv {
    pub fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    pub fn add(&mut self, bytes: &[u8]) -> &mut Fnv {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        self.0 = (self.0 ^ 0xff).wrapping_mul(0x0100_0000_01b3);
        self
    }
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// What the builds depend on besides the recipe: identified once per bench run.
pub struct Toolchain {
    /// `clang-22 --version`.
    pub clang: String,
    /// Hash of confcc, libconfpass.so and libconfrt.a.
    pub confpass: String,
    /// The confcc that protected builds use: a snapshot of `target/release/` taken at the start
    /// (`~/.cache/confpass/bench/toolchain/<hash>/`, with its plugin, runtime and header beside
    /// it, where confcc looks first), so that rebuilding the plugin during a bench run changes
    /// nothing in that run.
    pub confcc: PathBuf,
}

impl Toolchain {
    pub fn identify() -> Result<Toolchain> {
        let out = Command::new("clang-22").arg("--version").output().map_err(|e| format!("cannot run clang-22: {e}"))?;
        let clang = String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").to_string();
        let files = ["confcc", "libconfpass.so", "libconfrt.a"];
        let mut hash = Fnv::new();
        let mut contents = Vec::new();
        for file in files {
            let path = release_dir().join(file);
            let bytes = fs::read(&path).map_err(|e| format!("cannot read {}: {e} (build the project first)", path.display()))?;
            hash.add(&bytes);
            contents.push(bytes);
        }
        let confpass = hash.hex();
        let snapshot = bench_cache()?.join("toolchain").join(&confpass);
        if !snapshot.join("confcc").is_file() {
            let partial = snapshot.with_extension("partial");
            let _ = fs::remove_dir_all(&partial);
            let include = root().join("annotations/include");
            fs::create_dir_all(partial.join("include"))
                .and_then(|()| {
                    for (file, bytes) in files.iter().zip(&contents) {
                        fs::write(partial.join(file), bytes)?;
                    }
                    for entry in fs::read_dir(&include)? {
                        let entry = entry?;
                        fs::copy(entry.path(), partial.join("include").join(entry.file_name()))?;
                    }
                    use std::os::unix::fs::PermissionsExt;
                    fs::set_permissions(partial.join("confcc"), fs::Permissions::from_mode(0o755))?;
                    let _ = fs::remove_dir_all(&snapshot);
                    fs::rename(&partial, &snapshot)
                })
                .map_err(|e| format!("cannot snapshot the confpass binaries into {}: {e}", snapshot.display()))?;
        }
        Ok(Toolchain { clang, confpass, confcc: snapshot.join("confcc") })
    }
}

/// `~/.cache/confpass/bench`.
pub fn bench_cache() -> Result<PathBuf> {
    Ok(sources::cache_dir()?.join("bench"))
}

/// The source directories of `program`, fetched when missing.
pub fn fetch(program: &Program) -> Result<Vec<(String, PathBuf)>> {
    program
        .sources
        .iter()
        .map(|source| {
            let dir = match source {
                Source::Debian(package) => sources::debian_source(package)?,
                Source::Crate(name, version) => sources::crate_sources(name, version)?,
            };
            Ok((source.var(), dir))
        })
        .collect()
}

/// Builds `program` as `variant` unless a build with the same key is cached.
pub fn build(program: &Program, variant: &Variant, tools: &Toolchain, srcs: &[(String, PathBuf)]) -> Result<Built> {
    let recipe_path = root().join("spec-bench/recipes").join(program.recipe);
    let recipe = fs::read(&recipe_path).map_err(|e| format!("cannot read {}: {e}", recipe_path.display()))?;
    let (cc, cflags, ldflags) = variant.compiler(tools);
    let mut key = Fnv::new();
    key.add(&recipe).add(variant.name.as_bytes()).add(cc.as_bytes()).add(cflags.as_bytes());
    key.add(ldflags.as_bytes()).add(tools.clang.as_bytes());
    for (name, value) in FIXED_ENV {
        key.add(name.as_bytes()).add(value.as_bytes());
    }
    for (var, dir) in srcs {
        key.add(var.as_bytes()).add(dir.display().to_string().as_bytes());
    }
    if variant.mode.is_some() {
        key.add(tools.confpass.as_bytes());
    }
    let dir = bench_cache()?.join("builds").join(program.name).join(format!("{}-{}", variant.name, key.hex()));
    let record = dir.join("result.txt");
    if let Some(built) = load(&dir, &record) {
        return Ok(built);
    }

    let _ = fs::remove_dir_all(&dir);
    let bin = dir.join("bin");
    let work = bench_cache()?.join("work").join(format!("{}-{}", program.name, variant.name));
    let _ = fs::remove_dir_all(&work);
    for d in [&bin, &work] {
        fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let log_path = dir.join("build.log");
    let time_file = dir.join("time.txt");
    let jobs = std::thread::available_parallelism().map_or(2, |n| n.get()).to_string();
    let phase = |name: &str, timed: bool| -> Result<(bool, String)> {
        let log = fs::OpenOptions::new().create(true).append(true).open(&log_path).map_err(|e| e.to_string())?;
        let mut cmd = if timed {
            let mut c = Command::new(TIME);
            c.args(["-f", "%e %U %S %M", "-o"]).arg(&time_file).arg("sh");
            c
        } else {
            Command::new("sh")
        };
        cmd.arg(&recipe_path).arg(name).current_dir(&work).env("CC", &cc).env("CFLAGS", &cflags);
        cmd.env("LDFLAGS", &ldflags).env("OUT", &bin).env("JOBS", &jobs);
        cmd.envs(FIXED_ENV.iter().copied());
        cmd.env("RECIPES", root().join("spec-bench/recipes"));
        cmd.env("SRC", &srcs[0].1);
        for (var, path) in srcs {
            cmd.env(var, path);
        }
        cmd.stdin(Stdio::null()).stdout(log.try_clone().map_err(|e| e.to_string())?).stderr(log);
        let status = cmd.status().map_err(|e| format!("cannot run {}: {e}", recipe_path.display()))?;
        Ok((status.success(), status.to_string()))
    };
    let mut status = Ok(());
    for (name, timed) in [("configure", false), ("build", true)] {
        let (ok, how) = phase(name, timed)?;
        if !ok {
            status = Err(format!("{name} phase failed ({how})"));
            break;
        }
    }
    let log = fs::read_to_string(&log_path).unwrap_or_default();
    let findings: Vec<String> = log.lines().filter(|l| l.contains(FINDING_MARK)).map(String::from).collect();
    if let Err(reason) = &status {
        // The most telling line: a confpass finding, else the first error, else the log's end.
        let detail = findings
            .first()
            .map(String::as_str)
            .or_else(|| log.lines().find(|l| l.contains("error:") || l.contains("Error ")))
            .or_else(|| log.lines().last())
            .unwrap_or_default()
            .to_string();
        status = Err(format!("{reason}: {}", detail.trim()));
    }
    let (mut compile_wall, mut compile_cpu, mut compile_max_rss_kib) = (0.0, 0.0, 0);
    if status.is_ok() {
        let figures = fs::read_to_string(&time_file).unwrap_or_default();
        let parsed: Option<(f64, f64, f64, u64)> = figures.lines().last().and_then(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Some((f.first()?.parse().ok()?, f.get(1)?.parse().ok()?, f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?))
        });
        match parsed {
            Some((wall, user, sys, rss)) => {
                (compile_wall, compile_cpu, compile_max_rss_kib) = (wall, user + sys, rss);
            }
            None => status = Err(format!("unexpected output of {TIME}: {figures:?}")),
        }
    }
    let text_bytes = if status.is_ok() { text_size(&bin) } else { Ok(0) };
    let text_bytes = match text_bytes {
        Ok(n) => n,
        Err(e) => {
            status = Err(e);
            0
        }
    };
    let built = Built { bin, status, compile_cpu, compile_wall, compile_max_rss_kib, text_bytes, findings };
    save(&built, &record)?;
    if built.status.is_ok() {
        let _ = fs::remove_dir_all(&work);
    }
    Ok(built)
}

/// The `.text` size of every file in `bin` (`llvm-size-22 -A`), summed.
fn text_size(bin: &Path) -> Result<u64> {
    let mut total = 0;
    let mut files: Vec<PathBuf> =
        fs::read_dir(bin).map_err(|e| e.to_string())?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    if files.is_empty() {
        return Err("the recipe put no binary into $OUT".into());
    }
    for file in files {
        let out = Command::new("llvm-size-22").arg("-A").arg(&file).output().map_err(|e| format!("cannot run llvm-size-22: {e}"))?;
        if !out.status.success() {
            continue; // not an object file (a data file the program needs)
        }
        total += String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                let mut f = l.split_whitespace();
                (f.next() == Some(".text")).then(|| f.next()?.parse::<u64>().ok()).flatten()
            })
            .sum::<u64>();
    }
    Ok(total)
}

/// Writes the cache record (`key=value` lines).
fn save(built: &Built, record: &Path) -> Result {
    let mut text = match &built.status {
        Ok(()) => "status=ok\n".to_string(),
        Err(reason) => format!("status=failed\nreason={}\n", reason.replace('\n', " ")),
    };
    text += &format!(
        "compile_cpu={}\ncompile_wall={}\ncompile_max_rss_kib={}\ntext_bytes={}\n",
        built.compile_cpu, built.compile_wall, built.compile_max_rss_kib, built.text_bytes
    );
    for finding in &built.findings {
        text += &format!("finding={finding}\n");
    }
    fs::write(record, text).map_err(|e| format!("cannot write {}: {e}", record.display()))
}

/// Reads a cache record, if there is a complete one.
fn load(dir: &Path, record: &Path) -> Option<Built> {
    let text = fs::read_to_string(record).ok()?;
    let mut built = Built {
        bin: dir.join("bin"),
        status: Ok(()),
        compile_cpu: 0.0,
        compile_wall: 0.0,
        compile_max_rss_kib: 0,
        text_bytes: 0,
        findings: Vec::new(),
    };
    let mut seen_status = false;
    for line in text.lines() {
        let (key, value) = line.split_once('=')?;
        match key {
            "status" => seen_status = true,
            "reason" => built.status = Err(value.to_string()),
            "compile_cpu" => built.compile_cpu = value.parse().ok()?,
            "compile_wall" => built.compile_wall = value.parse().ok()?,
            "compile_max_rss_kib" => built.compile_max_rss_kib = value.parse().ok()?,
            "text_bytes" => built.text_bytes = value.parse().ok()?,
            "finding" => built.findings.push(value.to_string()),
            _ => {}
        }
    }
    seen_status.then_some(built)
}
