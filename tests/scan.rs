//! The memory-scan test: private data lives only in the private region.
//!
//! `tests/scan/secret_mover.c` reads a random 32-byte secret from a file with
//! `conf_read_private` and moves it through a private global, the private heap, a
//! `CONF_PRIVATE_BUFFER`, function arguments (private pointers, private scalars, arguments
//! passed on the stack), a thread, and a function whose 25 live private words force spills;
//! inside that function it stops itself with `raise(SIGSTOP)`. The test waits until every
//! thread of the process is stopped, reads every readable mapping of `/proc/PID/maps` through
//! `/proc/PID/mem` (all but `[vvar]`, `[vvar_vclock]` and `[vsyscall]`; of anonymous memory
//! only the pages `/proc/PID/pagemap` shows present or swapped out, the others read as zeros;
//! ranges that fail to read are skipped) and looks for the secret: every 8-aligned 8-byte word
//! that equals one of the secret's 25 windows of 8 bytes. That finds any copy of 15 or more
//! consecutive bytes of the secret at any alignment (so every 16-byte window), and also every
//! spilled 8-byte register holding 8 consecutive bytes of it. A random 8-byte window turning
//! up by chance in a few hundred MiB has a probability around 10^-10, and the secret (from
//! /dev/urandom) is drawn again if any window of it appears in one of the binaries.
//!
//! - Built by confcc (-O2, and also -O0 and -O2 -flto), every occurrence must lie in the
//!   private region `0x100000000000..0x101000000000`, and there must be at least one there.
//! - Negative control: built by plain clang-22 -O2 with `tests/scan/plain_confpass.h`
//!   (`private` defined away, `conf_*` implemented with libc), the secret must be found outside
//!   the private region; a control that does not leak would make the test meaningless, so it
//!   fails the test.
//!
//! Afterwards the test continues the process (SIGCONT), which checks all its copies against
//! the original and must exit with status 0.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{confcc, include_dir, root, run, tempdir};

/// The private region (keep in sync with `runtime/src/layout.rs`).
const PRIVATE: Range<u64> = 0x1000_0000_0000..0x1010_0000_0000;
const SECRET_LEN: usize = 32;
const PAGE: u64 = 4096;
/// How much of a mapping is read at once.
const CHUNK: u64 = 4 << 20;

fn scan_dir() -> PathBuf {
    root().join("tests/scan")
}

/// The secret and its 8-byte windows (as little-endian words, each with its offset).
struct Secret {
    bytes: [u8; SECRET_LEN],
    windows: HashMap<u64, usize>,
}

impl Secret {
    fn new(bytes: [u8; SECRET_LEN]) -> Secret {
        let windows = bytes.windows(8).enumerate().map(|(k, w)| (u64::from_le_bytes(w.try_into().unwrap()), k)).collect();
        Secret { bytes, windows }
    }

    /// Whether 8 consecutive bytes of the secret occur anywhere in `data`.
    fn occurs_in(&self, data: &[u8]) -> bool {
        data.windows(8).any(|w| self.windows.contains_key(&u64::from_le_bytes(w.try_into().unwrap())))
    }

    /// A random secret from /dev/urandom whose windows are all distinct, nonzero and absent
    /// from every file in `avoid`.
    fn random(avoid: &[&Path]) -> Secret {
        let files: Vec<Vec<u8>> = avoid.iter().map(|p| std::fs::read(p).expect("read binary")).collect();
        for _ in 0..100 {
            let mut bytes = [0u8; SECRET_LEN];
            File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).expect("read /dev/urandom");
            let s = Secret::new(bytes);
            if s.windows.len() == SECRET_LEN - 7 && !s.windows.contains_key(&0) && !files.iter().any(|f| s.occurs_in(f)) {
                return s;
            }
        }
        panic!("no random secret avoids the binaries (100 tries)");
    }
}

/// One line of /proc/PID/maps.
#[derive(Debug)]
struct Mapping {
    range: Range<u64>,
    perms: String,
    name: String,
}

fn maps(pid: u32) -> Vec<Mapping> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/maps")).expect("read /proc/PID/maps");
    text.lines()
        .map(|line| {
            let mut fields = line.splitn(6, ' ');
            let range = fields.next().unwrap();
            let perms = fields.next().unwrap().to_string();
            let name = fields.nth(3).unwrap_or("").trim().to_string();
            let (lo, hi) = range.split_once('-').unwrap();
            let lo = u64::from_str_radix(lo, 16).unwrap();
            let hi = u64::from_str_radix(hi, 16).unwrap();
            Mapping { range: lo..hi, perms, name }
        })
        .collect()
}

/// A copy of (part of) the secret in the process's memory.
#[derive(Debug)]
struct Occurrence {
    /// The bytes found: consecutive matching words that belong to the same copy.
    range: Range<u64>,
    /// Where that copy's secret byte 0 would be.
    base: u64,
    mapping: String,
}

impl Occurrence {
    fn private(&self) -> bool {
        PRIVATE.contains(&self.range.start) && self.range.end <= PRIVATE.end
    }
}

impl std::fmt::Display for Occurrence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secret_bytes = (self.range.start - self.base)..(self.range.end - self.base);
        write!(f, "{:#x}..{:#x} (secret bytes {secret_bytes:?}) in {}", self.range.start, self.range.end, self.mapping)
    }
}

/// The mapping's name, or its range for anonymous memory.
fn label(m: &Mapping) -> String {
    let name = if m.name.is_empty() { "anonymous" } else { &m.name };
    format!("{name} {:#x}-{:#x}", m.range.start, m.range.end)
}

/// The pages of `range` worth reading: for anonymous memory, those that are present or
/// swapped out (the others read as zero); for file mappings, all of them.
fn pages_to_read(pagemap: Option<&File>, m: &Mapping) -> Vec<Range<u64>> {
    let anonymous = m.name.is_empty() || m.name.starts_with('[');
    let Some(pagemap) = pagemap.filter(|_| anonymous) else { return vec![m.range.clone()] };
    let mut runs: Vec<Range<u64>> = Vec::new();
    let mut page = m.range.start;
    while page < m.range.end {
        let count = ((m.range.end - page) / PAGE).min(1 << 16);
        let mut entries = vec![0u8; count as usize * 8];
        if pagemap.read_exact_at(&mut entries, page / PAGE * 8).is_err() {
            return vec![m.range.clone()]; // no pagemap: read everything
        }
        for (i, e) in entries.chunks_exact(8).enumerate() {
            let e = u64::from_le_bytes(e.try_into().unwrap());
            if e & (0b11 << 62) != 0 {
                let at = page + i as u64 * PAGE;
                match runs.last_mut() {
                    Some(r) if r.end == at => r.end = at + PAGE,
                    _ => runs.push(at..at + PAGE),
                }
            }
        }
        page += count * PAGE;
    }
    runs
}

/// Every occurrence of the secret in the memory of the stopped process `pid`, and the number
/// of bytes read.
fn scan(pid: u32, secret: &Secret) -> (Vec<Occurrence>, u64) {
    let mem = File::open(format!("/proc/{pid}/mem")).expect("open /proc/PID/mem");
    let pagemap = File::open(format!("/proc/{pid}/pagemap")).ok();
    let mut found: Vec<Occurrence> = Vec::new();
    let mut read = 0;
    let mut buf = vec![0u8; CHUNK as usize];
    for m in maps(pid) {
        if !m.perms.starts_with('r') || ["[vvar]", "[vvar_vclock]", "[vsyscall]"].contains(&m.name.as_str()) {
            continue;
        }
        for run in pages_to_read(pagemap.as_ref(), &m) {
            let mut at = run.start;
            while at < run.end {
                let len = (run.end - at).min(CHUNK);
                let chunk = &mut buf[..len as usize];
                if mem.read_exact_at(chunk, at).is_err() {
                    break; // an unreadable range: skip the rest of it
                }
                read += len;
                for (i, word) in chunk.chunks_exact(8).enumerate() {
                    let w = u64::from_le_bytes(word.try_into().unwrap());
                    if w == 0 {
                        continue;
                    }
                    if let Some(&k) = secret.windows.get(&w) {
                        let addr = at + 8 * i as u64;
                        let base = addr.wrapping_sub(k as u64);
                        match found.last_mut() {
                            Some(o) if o.base == base && o.range.end + 8 > addr => o.range.end = addr + 8,
                            _ => found.push(Occurrence { range: addr..addr + 8, base, mapping: label(&m) }),
                        }
                    }
                }
                at += len;
            }
        }
    }
    (found, read)
}

/// The state letters of every thread of `pid` (from /proc/PID/task/*/stat).
fn thread_states(pid: u32) -> Vec<char> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return Vec::new() };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("stat")).ok())
        .filter_map(|stat| stat.rsplit_once(')')?.1.trim_start().chars().next())
        .collect()
}

/// The program under scan; killed if the test ends early.
struct Guard(Option<Child>);

impl Guard {
    fn child(&mut self) -> &mut Child {
        self.0.as_mut().expect("the child is running")
    }

    /// Collects the output of the child, which has ended.
    fn output(mut self) -> std::process::Output {
        self.0.take().expect("the child is running").wait_with_output().expect("wait for the program")
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn describe(out: &std::process::Output) -> String {
    format!(
        "{}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `exe` on the secret, scans it once it has stopped itself, lets it finish, and returns
/// what the scan found.
fn run_and_scan(exe: &Path, what: &str, secret: &Secret, dir: &Path) -> Vec<Occurrence> {
    let secret_file = dir.join(format!("secret-{what}"));
    std::fs::write(&secret_file, secret.bytes).expect("write the secret file");
    let child = Command::new(exe)
        .arg(&secret_file)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot run {}: {e}", exe.display()));
    let mut child = Guard(Some(child));
    let pid = child.child().id();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if child.child().try_wait().expect("try_wait").is_some() {
            panic!("{what}: the program ended instead of stopping itself: {}", describe(&child.output()));
        }
        let states = thread_states(pid);
        if states.len() >= 2 && states.iter().all(|&s| s == 'T') {
            break;
        }
        assert!(Instant::now() < deadline, "{what}: the program did not stop itself within 30 s (threads: {states:?})");
        std::thread::sleep(Duration::from_millis(10));
    }
    let (found, read) = scan(pid, secret);
    eprintln!("{what}: read {} MiB of memory, found the secret {} times:", read >> 20, found.len());
    let mut by_mapping: Vec<(&str, usize)> = Vec::new();
    for o in &found {
        match by_mapping.last_mut() {
            Some((m, n)) if *m == o.mapping => *n += 1,
            _ => by_mapping.push((&o.mapping, 1)),
        }
    }
    for (m, n) in by_mapping {
        let private = found.iter().find(|o| o.mapping == m).is_some_and(Occurrence::private);
        eprintln!("  {n:3} in {m}{}", if private { " (private region)" } else { " (PUBLIC)" });
    }
    // Let it finish: it compares every copy with the original.
    run(Command::new("kill").arg("-CONT").arg(pid.to_string())).assert_code(0, "kill -CONT");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.child().try_wait().expect("try_wait").is_none() {
        assert!(Instant::now() < deadline, "{what}: the program did not finish within 30 s after SIGCONT");
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.output();
    assert!(out.status.success() && out.stdout == b"copies agree\n", "{what}: after SIGCONT: {}", describe(&out));
    found
}

#[test]
fn secret_only_in_private_region() {
    let dir = tempdir();
    let src = scan_dir().join("secret_mover.c");
    let control = dir.path().join("secret_mover_plain");
    run(Command::new("clang-22")
        .args(["-O2", "-pthread", "-I"])
        .arg(include_dir())
        .arg("-include")
        .arg(scan_dir().join("plain_confpass.h"))
        .arg(&src)
        .arg("-o")
        .arg(&control))
    .assert_code(0, "clang-22 -O2 secret_mover.c (control)");
    let variants: [&[&str]; 3] = [&["-O2"], &["-O0"], &["-O2", "-flto"]];
    let mut protected = Vec::new();
    for variant in variants {
        let exe = dir.path().join(format!("secret_mover{}", variant.join("")));
        run(confcc().args(variant).arg(&src).arg("-o").arg(&exe))
            .assert_code(0, &format!("confcc {} secret_mover.c", variant.join(" ")));
        protected.push((format!("confcc {}", variant.join(" ")), exe));
    }
    let binaries: Vec<&Path> = protected.iter().map(|(_, exe)| exe.as_path()).chain([control.as_path()]).collect();
    let secret = Secret::random(&binaries);

    let mut failures = Vec::new();
    for (what, exe) in &protected {
        let found = run_and_scan(exe, what, &secret, dir.path());
        let public: Vec<String> = found.iter().filter(|o| !o.private()).map(|o| o.to_string()).collect();
        if !public.is_empty() {
            failures.push(format!("{what}: the secret is in public memory:\n  {}", public.join("\n  ")));
        }
        if !found.iter().any(Occurrence::private) {
            failures.push(format!("{what}: the secret was not found at all, not even in the private region"));
        }
    }
    let control_found = run_and_scan(&control, "control (clang-22 -O2, private defined away)", &secret, dir.path());
    if !control_found.iter().any(|o| !o.private()) {
        failures.push(
            "the negative control does not leak: plain clang's build has no copy of the secret in public memory, \
             so the scan proves nothing"
                .to_string(),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
