//! confpass: a confidentiality-enforcing LLVM pass plugin for C.
//!
//! This file is the plugin's entry and nothing else: the symbol clang looks up
//! (`llvmGetPassPluginInfo`) and the function the C++ shim's pass calls
//! (`confpass_rust_run`), which runs [`pipeline`] behind a panic boundary: a Rust panic becomes
//! a clang error (`confpass internal error: …`), never an abort of clang.
//! See ARCHITECTURE.md for the map of the modules.

pub mod analysis;
pub mod diag;
pub mod instrument;
pub mod llvm;
pub mod options;
pub mod pipeline;
pub mod sarif;
pub mod stats;

use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use llvm::shim::{self, PassPluginLibraryInfo};
use llvm::Severity;
use llvm_sys::prelude::LLVMModuleRef;

/// `LLVM_PLUGIN_API_VERSION` of the LLVM this plugin is written for (22).
pub const PLUGIN_API_VERSION: u32 = 2;

const PLUGIN_NAME: &[u8] = b"confpass\0";
const PLUGIN_VERSION: &[u8] = concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes();

/// The entry point clang's `-fpass-plugin`, opt's `-load-pass-plugin` and lld's
/// `--load-pass-plugin` look up.
#[no_mangle]
pub extern "C" fn llvmGetPassPluginInfo() -> PassPluginLibraryInfo {
    let abi_ok = shim::plugin_abi_matches();
    if !abi_ok {
        eprintln!(
            "confpass: this plugin was built against a different LLVM plugin ABI than the \
             program loading it; rebuild it with `cargo xtask build` for LLVM 22"
        );
    }
    PassPluginLibraryInfo {
        // A wrong version makes LLVM refuse the plugin with its own clear error.
        api_version: if abi_ok { PLUGIN_API_VERSION } else { 0 },
        plugin_name: PLUGIN_NAME.as_ptr().cast::<c_char>(),
        plugin_version: PLUGIN_VERSION.as_ptr().cast::<c_char>(),
        register_pass_builder_callbacks: Some(shim::confpass_shim_register),
        pre_codegen_callback: None,
    }
}

thread_local! {
    /// The message and location of the last panic on this thread, for the internal error.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the default panic output (which would print in the middle of clang's) by a record
/// that the boundary turns into a diagnostic.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        panic::set_hook(Box::new(|info| {
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
        }));
    });
}

/// Called by the shim's module pass. Returns non-zero when the module was changed.
#[no_mangle]
pub extern "C" fn confpass_rust_run(module: LLVMModuleRef, step: u32, phase: u32) -> u32 {
    install_panic_hook();
    shim::with_module(module, |m| {
        let result = panic::catch_unwind(AssertUnwindSafe(|| pipeline::run(m, step, phase)));
        match result {
            Ok(changed) => u32::from(changed),
            Err(_) => {
                let what = LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| "panic".into());
                m.diagnose(None, Severity::Error, &diag::internal_error_text(&what));
                // The module may be half-changed; the compile fails anyway.
                1
            }
        }
    })
}
