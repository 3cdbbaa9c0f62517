//! confpass's integration tests: the real clang-22 loading the real plugin, real programs.
//! Run them with `cargo xtask test`, which builds the plugin, confcc and the runtime first.
//!
//! Table of contents:
//! - [`cli`]: the plugin in clang (-O0, -O2), opt and lld (LTO); options; the panic boundary;
//!   confcc as a drop-in compiler (`--version`, `CC=confcc make`).
//! - [`ui`]: `tests/ui/*.c`, each with its expected diagnostics written next to the offending
//!   lines (`//~ ERROR code`), plus a snapshot of clang's stderr.
//! - [`run`]: `tests/run/*.c`, compiled with confcc and executed; output and exit status are
//!   checked against directives in the file.
//! - [`real_c`]: unannotated real C (sqlite3) produces no finding.
//! - [`scan`]: a stopped program's memory holds its secret only inside the private region
//!   (and the same program built by plain clang leaks it: the negative control).
//! - [`sarif`]: the SARIF log, validated against the SARIF 2.1.0 schema.
//! - [`xtu`]: scalar signatures across translation units, compiled separately and with LTO.

mod support;

mod cli;
mod real_c;
mod run;
mod sarif;
mod scan;
mod ui;
mod xtu;
