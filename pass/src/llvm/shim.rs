//! The C++ shim's functions, the plugin-info struct that clang reads, the module clang lends
//! us, and module flags.
//!
//! Keep in sync with `shim/shim.cpp`: every `extern "C"` item here has a twin there.

use std::ffi::{c_char, c_void, CString};
use std::mem::ManuallyDrop;

use inkwell::module::Module;
use llvm_sys::core as llc;
use llvm_sys::prelude::{LLVMModuleRef, LLVMValueRef};
use llvm_sys::LLVMModuleFlagBehavior;

/// Mirror of the shim's `ConfpassRawOptions`. Keep in sync.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct RawOptions {
    pub mode: u32,
    pub implicit_flows: u32,
    pub stats: u8,
    pub audit: u8,
    pub debug_panic: u8,
    pub verify: u8,
    pub guard: u32,
    pub keep_auto_init: u8,
    /// Negative: none.
    pub debug_skip_guard: i32,
}

/// Severity codes understood by `confpass_shim_diagnose`. Keep in sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Severity {
    Error = 0,
    Warning = 1,
    Remark = 2,
    Note = 3,
}

extern "C" {
    fn confpass_shim_options(out: *mut RawOptions);
    fn confpass_shim_plugin_info_size() -> usize;
    fn confpass_shim_policy_count() -> usize;
    fn confpass_shim_policy_file(i: usize, len: *mut usize) -> *const c_char;
    fn confpass_shim_sarif(len: *mut usize) -> *const c_char;
    fn confpass_shim_plugin_api_version() -> u32;
    fn confpass_shim_diagnose(
        module: LLVMModuleRef,
        at: LLVMValueRef,
        severity: u32,
        msg: *const c_char,
        len: usize,
    );
    fn confpass_shim_module_flag(module: LLVMModuleRef, key: *const c_char, len: usize, out: *mut u64) -> bool;
    fn confpass_shim_remark(inst: LLVMValueRef, name: *const c_char, msg: *const c_char, len: usize);
    /// `void confpass_shim_register(llvm::PassBuilder &)`.
    pub fn confpass_shim_register(pass_builder: *mut c_void);
}

/// Mirror of LLVM 22's `llvm::PassPluginLibraryInfo` (`llvm/Plugins/PassPlugin.h`).
#[repr(C)]
pub struct PassPluginLibraryInfo {
    pub api_version: u32,
    pub plugin_name: *const c_char,
    pub plugin_version: *const c_char,
    pub register_pass_builder_callbacks: Option<unsafe extern "C" fn(*mut c_void)>,
    pub pre_codegen_callback: Option<unsafe extern "C" fn()>,
}

/// The option values clang parsed from `-mllvm` (or their defaults).
pub fn raw_options() -> RawOptions {
    let mut raw = RawOptions::default();
    // SAFETY: the shim writes every field of the struct it is given.
    unsafe { confpass_shim_options(&mut raw) };
    raw
}

fn shim_string(ptr: *const c_char, len: usize) -> String {
    // SAFETY: the shim returns a pointer to `len` bytes of a live std::string.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    String::from_utf8_lossy(bytes).into_owned()
}

/// The files given with `-confpass-policy`, in order.
pub fn policy_files() -> Vec<String> {
    // SAFETY: indices below the count the shim reports.
    (0..unsafe { confpass_shim_policy_count() })
        .map(|i| {
            let mut len = 0;
            let ptr = unsafe { confpass_shim_policy_file(i, &mut len) };
            shim_string(ptr, len)
        })
        .collect()
}

/// The file given with `-confpass-sarif`, if any.
pub fn sarif_file() -> Option<String> {
    let mut len = 0;
    // SAFETY: the shim writes the length of a live std::string.
    let ptr = unsafe { confpass_shim_sarif(&mut len) };
    Some(shim_string(ptr, len)).filter(|s| !s.is_empty())
}

/// Checks the Rust mirror of the plugin ABI against the shim's (the headers it was built with).
pub fn plugin_abi_matches() -> bool {
    // SAFETY: plain functions without arguments.
    unsafe {
        confpass_shim_plugin_info_size() == std::mem::size_of::<PassPluginLibraryInfo>()
            && confpass_shim_plugin_api_version() == crate::PLUGIN_API_VERSION
    }
}

/// A borrowed view of a module that clang owns. Never drops it.
pub struct BorrowedModule<'ctx> {
    module: ManuallyDrop<Module<'ctx>>,
}

impl<'ctx> BorrowedModule<'ctx> {
    /// # Safety
    /// `raw` must be a valid module that outlives the returned value.
    pub unsafe fn new(raw: LLVMModuleRef) -> Self {
        // SAFETY: guaranteed by the caller; ManuallyDrop keeps inkwell from disposing of it.
        Self { module: ManuallyDrop::new(unsafe { Module::new(raw) }) }
    }

    pub fn module(&self) -> &Module<'ctx> {
        &self.module
    }

    pub(super) fn raw(&self) -> LLVMModuleRef {
        self.module.as_mut_ptr()
    }

    /// Reports a diagnostic through `LLVMContext::diagnose`: clang prints it with the source
    /// location of `at` (an instruction or a function) and, for errors, fails the compile.
    pub fn diagnose(&self, at: Option<super::Value<'_>>, severity: Severity, msg: &str) {
        // SAFETY: the module is valid; `at` comes from this module; msg is passed with its length.
        unsafe {
            confpass_shim_diagnose(
                self.raw(),
                at.map_or(std::ptr::null_mut(), |v| v.raw()),
                severity as u32,
                msg.as_ptr().cast(),
                msg.len(),
            )
        }
    }

    /// An optimisation remark of pass `confpass` (`-Rpass=confpass`) at an instruction.
    pub fn remark(&self, at: super::Value<'_>, name: &str, msg: &str) {
        let name = CString::new(name).expect("remark names have no NUL");
        // SAFETY: `at` is an instruction of this module; strings live across the call.
        unsafe { confpass_shim_remark(at.raw(), name.as_ptr(), msg.as_ptr().cast(), msg.len()) }
    }

    /// LLVM's verifier over the whole module: `Err` with its report when the IR is broken.
    pub fn verify(&self) -> Result<(), String> {
        let mut msg: *mut c_char = std::ptr::null_mut();
        // SAFETY: a live module; the message is disposed of after copying.
        unsafe {
            let broken = llvm_sys::analysis::LLVMVerifyModule(
                self.raw(),
                llvm_sys::analysis::LLVMVerifierFailureAction::LLVMReturnStatusAction,
                &mut msg,
            ) != 0;
            let text = if msg.is_null() { String::new() } else { std::ffi::CStr::from_ptr(msg).to_string_lossy().into_owned() };
            if !msg.is_null() {
                llc::LLVMDisposeMessage(msg);
            }
            if broken {
                Err(text)
            } else {
                Ok(())
            }
        }
    }

    /// Reads an integer module flag (`!llvm.module.flags`), if present.
    pub fn flag_u64(&self, key: &str) -> Option<u64> {
        let mut value = 0u64;
        // SAFETY: the module is valid; the key is passed with its length; out is writable.
        unsafe { confpass_shim_module_flag(self.raw(), key.as_ptr().cast(), key.len(), &mut value) }
            .then_some(value)
    }

    /// Sets an i32 module flag; `on_conflict` says what the LTO linker does with two modules
    /// that disagree.
    pub fn set_flag_u32(&self, key: &str, value: u32, on_conflict: FlagMerge) {
        let behavior = match on_conflict {
            FlagMerge::Error => LLVMModuleFlagBehavior::LLVMModuleFlagBehaviorError,
            FlagMerge::Warning => LLVMModuleFlagBehavior::LLVMModuleFlagBehaviorWarning,
            FlagMerge::Override => LLVMModuleFlagBehavior::LLVMModuleFlagBehaviorOverride,
        };
        // SAFETY: the module is valid; the value is a constant i32 of the module's context.
        unsafe {
            let ctx = llc::LLVMGetModuleContext(self.raw());
            let ty = llc::LLVMInt32TypeInContext(ctx);
            let c = llc::LLVMConstInt(ty, u64::from(value), 0);
            let md = llc::LLVMValueAsMetadata(c);
            llc::LLVMAddModuleFlag(self.raw(), behavior, key.as_ptr().cast(), key.len(), md);
        }
    }
}

/// How two modules' values of one flag combine under LTO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagMerge {
    /// Different values are a link error.
    Error,
    /// A warning; the first module's value wins.
    Warning,
    /// This module's value wins (as clang sets `kcfi`).
    Override,
}

/// Lends clang's module to `f` for the duration of one pass run. `raw` is the module the
/// shim's pass was given; `confpass_rust_run` is its only caller.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn with_module<R>(raw: LLVMModuleRef, f: impl FnOnce(&BorrowedModule<'_>) -> R) -> R {
    // SAFETY: clang passes a live module that outlives this pass run; BorrowedModule never
    // disposes of it.
    let module = unsafe { BorrowedModule::new(raw) };
    f(&module)
}
