//! Statistics (`-mllvm -confpass-stats`): named counters of what each step saw, did, and
//! refused, printed on stderr in the shape of LLVM's own `-stats`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    counters: BTreeMap<&'static str, u64>,
}

impl Stats {
    pub fn add(&mut self, name: &'static str, n: u64) {
        *self.counters.entry(name).or_default() += n;
    }

    pub fn inc(&mut self, name: &'static str) {
        self.add(name, 1);
    }

    pub fn get(&self, name: &str) -> u64 {
        self.counters.get(name).copied().unwrap_or(0)
    }

    /// `=== confpass statistics: <title> ===` then one `<value> <name>` line per counter.
    pub fn render(&self, title: &str) -> String {
        let mut out = format!("=== confpass statistics: {title} ===\n");
        for (name, value) in &self.counters {
            let _ = writeln!(out, "{value:>10} {name}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_sorted_counters() {
        let mut s = Stats::default();
        s.inc("loads");
        s.add("functions", 3);
        s.inc("loads");
        assert_eq!(s.get("loads"), 2);
        assert_eq!(s.get("nothing"), 0);
        assert_eq!(
            s.render("check x.c"),
            "=== confpass statistics: check x.c ===\n         3 functions\n         2 loads\n"
        );
    }
}
