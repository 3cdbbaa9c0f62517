//! The one home for `unsafe` in the plugin.
//!
//! `shim` binds the C++ shim (options, diagnostics, pass registration) and the plugin ABI;
//! this file is a small, safe, read-mostly view of LLVM IR over llvm-sys for the analyses:
//! [`Value`], [`Type`], and iteration over a module's functions, globals and instructions.
//! Handles carry the lifetime of the module they came from, so none outlives a pass run.
//! Rewriting IR goes through inkwell's builder in `instrument` (the one module that mutates IR).

pub mod shim;

use std::ffi::{c_char, CStr};
use std::fmt;
use std::marker::PhantomData;

use llvm_sys::core as llc;
use llvm_sys::prelude::{LLVMModuleRef, LLVMTypeRef, LLVMValueRef};
pub use llvm_sys::LLVMOpcode as Opcode;
use llvm_sys::LLVMTypeKind;

pub use shim::{BorrowedModule, FlagMerge, Severity};

/// An LLVM value (instruction, constant, global, function, argument) of a module that lives
/// for `'m`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Value<'m> {
    raw: LLVMValueRef,
    _module: PhantomData<&'m ()>,
}

/// An LLVM type of a module's context.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Type<'m> {
    raw: LLVMTypeRef,
    _module: PhantomData<&'m ()>,
}

fn to_string(ptr: *const c_char, len: usize) -> String {
    if ptr.is_null() {
        return String::new();
    }
    // SAFETY: LLVM returned a pointer to `len` bytes that live while the value does.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    String::from_utf8_lossy(bytes).into_owned()
}

impl<'m> Value<'m> {
    /// # Safety
    /// `raw` must be a non-null value of a module that lives for `'m`.
    unsafe fn new(raw: LLVMValueRef) -> Self {
        debug_assert!(!raw.is_null());
        Value { raw, _module: PhantomData }
    }

    fn wrap(raw: LLVMValueRef) -> Option<Self> {
        // SAFETY: every raw handle reaching here came from LLVM for a value of the same module.
        (!raw.is_null()).then(|| unsafe { Value::new(raw) })
    }

    pub fn raw(self) -> LLVMValueRef {
        self.raw
    }

    pub fn ty(self) -> Type<'m> {
        // SAFETY: valid value (type invariant).
        Type { raw: unsafe { llc::LLVMTypeOf(self.raw) }, _module: PhantomData }
    }

    pub fn name(self) -> String {
        let mut len = 0usize;
        // SAFETY: valid value; LLVM writes the length.
        let ptr = unsafe { llc::LLVMGetValueName2(self.raw, &mut len) };
        to_string(ptr, len)
    }

    pub fn is_instruction(self) -> bool {
        // SAFETY: valid value.
        !unsafe { llc::LLVMIsAInstruction(self.raw) }.is_null()
    }

    pub fn is_global_variable(self) -> bool {
        // SAFETY: valid value.
        !unsafe { llc::LLVMIsAGlobalVariable(self.raw) }.is_null()
    }

    pub fn is_function(self) -> bool {
        // SAFETY: valid value.
        !unsafe { llc::LLVMIsAFunction(self.raw) }.is_null()
    }

    /// The opcode of an instruction.
    pub fn opcode(self) -> Option<Opcode> {
        // SAFETY: valid value; opcode only asked of instructions.
        self.is_instruction().then(|| unsafe { llc::LLVMGetInstructionOpcode(self.raw) })
    }

    /// The opcode of a constant expression (`addrspacecast (ptr addrspace(1) @k to ptr)`).
    pub fn const_expr_opcode(self) -> Option<Opcode> {
        // SAFETY: valid value; opcode only asked of constant expressions.
        unsafe {
            (!llc::LLVMIsAConstantExpr(self.raw).is_null()).then(|| llc::LLVMGetConstOpcode(self.raw))
        }
    }

    /// Operands of an instruction or a constant (users only; empty for others).
    pub fn operands(self) -> impl Iterator<Item = Value<'m>> {
        // SAFETY: valid value; operand counts of non-users are 0 or -1.
        let n = unsafe {
            if llc::LLVMIsAUser(self.raw).is_null() {
                0
            } else {
                llc::LLVMGetNumOperands(self.raw).max(0) as u32
            }
        };
        // SAFETY: index < number of operands.
        (0..n).filter_map(move |i| Value::wrap(unsafe { llc::LLVMGetOperand(self.raw, i) }))
    }

    /// The initialiser of a global variable that has one.
    pub fn initializer(self) -> Option<Value<'m>> {
        if !self.is_global_variable() {
            return None;
        }
        // SAFETY: a global variable; null when it has none.
        Value::wrap(unsafe { llc::LLVMGetInitializer(self.raw) })
    }

    /// For a function or global variable: only declared here, defined elsewhere.
    pub fn is_declaration(self) -> bool {
        // SAFETY: only asked of global values.
        (self.is_function() || self.is_global_variable())
            && unsafe { llc::LLVMIsDeclaration(self.raw) } != 0
    }

    /// Basic blocks' instructions of a function, in layout order.
    pub fn instructions(self) -> impl Iterator<Item = Value<'m>> {
        let mut block =
            // SAFETY: only functions have blocks; others yield nothing.
            if self.is_function() { unsafe { llc::LLVMGetFirstBasicBlock(self.raw) } } else { std::ptr::null_mut() };
        let mut inst: LLVMValueRef = std::ptr::null_mut();
        std::iter::from_fn(move || loop {
            if !inst.is_null() {
                // SAFETY: inst is an instruction of a live block.
                inst = unsafe { llc::LLVMGetNextInstruction(inst) };
            } else if !block.is_null() {
                // SAFETY: block is a live basic block of the function.
                inst = unsafe { llc::LLVMGetFirstInstruction(block) };
                block = unsafe { llc::LLVMGetNextBasicBlock(block) };
                if inst.is_null() {
                    continue;
                }
            } else {
                return None;
            }
            if let Some(v) = Value::wrap(inst) {
                return Some(v);
            }
        })
    }

    /// The callee operand of a call or invoke (a function, or any pointer for indirect calls).
    pub fn called_value(self) -> Option<Value<'m>> {
        match self.opcode()? {
            Opcode::LLVMCall | Opcode::LLVMInvoke | Opcode::LLVMCallBr => {
                // SAFETY: a call-like instruction.
                Value::wrap(unsafe { llc::LLVMGetCalledValue(self.raw) })
            }
            _ => None,
        }
    }

    /// The instructions and constants that use this value.
    pub fn users(self) -> impl Iterator<Item = Value<'m>> {
        // SAFETY: valid value; iteration follows LLVM's use list, which is not mutated meanwhile.
        let mut u = unsafe { llc::LLVMGetFirstUse(self.raw) };
        std::iter::from_fn(move || {
            if u.is_null() {
                return None;
            }
            // SAFETY: `u` is a live use.
            let user = unsafe { llc::LLVMGetUser(u) };
            u = unsafe { llc::LLVMGetNextUse(u) };
            Value::wrap(user)
        })
    }

    /// Whether a call is inline assembly.
    pub fn is_inline_asm(self) -> bool {
        // SAFETY: valid value.
        !unsafe { llc::LLVMIsAInlineAsm(self.raw) }.is_null()
    }
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SAFETY: valid value; the message is disposed of after copying.
        let text = unsafe {
            let s = llc::LLVMPrintValueToString(self.raw);
            let t = CStr::from_ptr(s).to_string_lossy().into_owned();
            llc::LLVMDisposeMessage(s);
            t
        };
        f.write_str(text.trim())
    }
}

impl<'m> Type<'m> {
    /// The address space of a pointer type (0 public, 1 private), `None` for other types.
    pub fn pointer_address_space(self) -> Option<u32> {
        // SAFETY: valid type; address space only asked of pointer types.
        unsafe {
            (llc::LLVMGetTypeKind(self.raw) == LLVMTypeKind::LLVMPointerTypeKind)
                .then(|| llc::LLVMGetPointerAddressSpace(self.raw))
        }
    }
}

/// Read-only walks over a module.
pub struct ModuleView<'m> {
    raw: LLVMModuleRef,
    _module: PhantomData<&'m ()>,
}

impl<'m> ModuleView<'m> {
    pub fn new(module: &'m BorrowedModule<'_>) -> Self {
        ModuleView { raw: module.raw(), _module: PhantomData }
    }

    pub fn functions(&self) -> impl Iterator<Item = Value<'m>> {
        // SAFETY: live module; iteration follows LLVM's list.
        let mut f = unsafe { llc::LLVMGetFirstFunction(self.raw) };
        std::iter::from_fn(move || {
            let cur = Value::wrap(f)?;
            // SAFETY: `f` is a function of the live module.
            f = unsafe { llc::LLVMGetNextFunction(f) };
            Some(cur)
        })
    }

    pub fn globals(&self) -> impl Iterator<Item = Value<'m>> {
        // SAFETY: live module; iteration follows LLVM's list.
        let mut g = unsafe { llc::LLVMGetFirstGlobal(self.raw) };
        std::iter::from_fn(move || {
            let cur = Value::wrap(g)?;
            // SAFETY: `g` is a global of the live module.
            g = unsafe { llc::LLVMGetNextGlobal(g) };
            Some(cur)
        })
    }

    /// The source file name the module was compiled from (`hello.c`).
    pub fn source_file_name(&self) -> String {
        let mut len = 0usize;
        // SAFETY: live module; LLVM writes the length.
        let ptr = unsafe { llc::LLVMGetSourceFileName(self.raw, &mut len) };
        to_string(ptr, len)
    }
}
