//! The one home for `unsafe` in the plugin.
//!
//! `shim` binds the C++ shim (options, diagnostics, pass registration) and the plugin ABI;
//! this file is a small, safe, read-mostly view of LLVM IR over llvm-sys for the analyses:
//! [`Value`], [`Type`], and iteration over a module's functions, globals and instructions.
//! Handles carry the lifetime of the module they came from, so none outlives a pass run.
//! Rewriting IR goes through inkwell's builder in `instrument` (the one module that mutates IR).

pub mod edit;
pub mod shim;

use std::ffi::{c_char, CStr};
use std::fmt;
use std::marker::PhantomData;

use llvm_sys::core as llc;
use llvm_sys::prelude::{LLVMBasicBlockRef, LLVMModuleRef, LLVMTypeRef, LLVMValueRef};
pub use llvm_sys::LLVMOpcode as Opcode;
use llvm_sys::{LLVMLinkage, LLVMTypeKind};

pub use shim::{BorrowedModule, FlagMerge, Severity};

/// An LLVM value (instruction, constant, global, function, argument) of a module that lives
/// for `'m`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Value<'m> {
    raw: LLVMValueRef,
    _module: PhantomData<&'m ()>,
}

/// A basic block of a function of a module that lives for `'m`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Block<'m> {
    raw: LLVMBasicBlockRef,
    _module: PhantomData<&'m ()>,
}

impl fmt::Debug for Block<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "block@{:p}", self.raw)
    }
}

impl<'m> Block<'m> {
    fn wrap(raw: LLVMBasicBlockRef) -> Option<Self> {
        (!raw.is_null()).then_some(Block { raw, _module: PhantomData })
    }

    /// The instructions of the block, in order.
    pub fn instructions(self) -> impl Iterator<Item = Value<'m>> {
        // SAFETY: live block; iteration follows LLVM's list, which is not mutated meanwhile.
        let mut inst = unsafe { llc::LLVMGetFirstInstruction(self.raw) };
        std::iter::from_fn(move || {
            let cur = Value::wrap(inst)?;
            // SAFETY: `inst` is an instruction of the live block.
            inst = unsafe { llc::LLVMGetNextInstruction(inst) };
            Some(cur)
        })
    }

    pub fn terminator(self) -> Option<Value<'m>> {
        // SAFETY: live block; null when the block has no terminator.
        Value::wrap(unsafe { llc::LLVMGetBasicBlockTerminator(self.raw) })
    }

    /// The one block that branches here, if only one does (the terminators that use the block).
    pub fn single_predecessor(self) -> Option<Block<'m>> {
        // SAFETY: live block; its value's uses are the instructions that name it.
        let users: Vec<Value<'m>> = Value::wrap(unsafe { llc::LLVMBasicBlockAsValue(self.raw) })?.users().collect();
        // SAFETY: valid values.
        let preds: Vec<Block<'m>> = users.iter().filter(|u| !unsafe { llc::LLVMIsATerminatorInst(u.raw) }.is_null()).filter_map(|u| u.parent_block()).collect();
        (preds.len() == 1 && users.len() == 1).then(|| preds[0])
    }

    /// The blocks the terminator can branch to.
    pub fn successors(self) -> Vec<Block<'m>> {
        let Some(t) = self.terminator() else { return Vec::new() };
        // SAFETY: a terminator instruction; indices below its successor count.
        unsafe {
            let n = llc::LLVMGetNumSuccessors(t.raw);
            (0..n).filter_map(|i| Block::wrap(llc::LLVMGetSuccessor(t.raw, i))).collect()
        }
    }
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

    pub fn is_block_address(self) -> bool {
        // SAFETY: valid value.
        !unsafe { llc::LLVMIsABlockAddress(self.raw) }.is_null()
    }

    /// The function of a `blockaddress` constant.
    pub fn block_address_function(self) -> Option<Value<'m>> {
        // SAFETY: asked of block addresses only.
        self.is_block_address().then(|| Value::wrap(unsafe { llc::LLVMGetBlockAddressFunction(self.raw) })).flatten()
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

    /// The blocks of a function, entry first (empty for declarations and non-functions).
    pub fn blocks(self) -> Vec<Block<'m>> {
        let mut out = Vec::new();
        if !self.is_function() {
            return out;
        }
        // SAFETY: a live function; iteration follows LLVM's block list.
        let mut b = unsafe { llc::LLVMGetFirstBasicBlock(self.raw) };
        while let Some(block) = Block::wrap(b) {
            out.push(block);
            // SAFETY: `b` is a live block of the function.
            b = unsafe { llc::LLVMGetNextBasicBlock(b) };
        }
        out
    }

    /// The block an instruction belongs to.
    pub fn parent_block(self) -> Option<Block<'m>> {
        // SAFETY: asked of instructions only.
        self.is_instruction().then(|| Block::wrap(unsafe { llc::LLVMGetInstructionParent(self.raw) })).flatten()
    }

    /// The formal parameters of a function.
    pub fn params(self) -> Vec<Value<'m>> {
        if !self.is_function() {
            return Vec::new();
        }
        // SAFETY: a function; indices below its parameter count.
        unsafe {
            let n = llc::LLVMCountParams(self.raw);
            (0..n).filter_map(|i| Value::wrap(llc::LLVMGetParam(self.raw, i))).collect()
        }
    }

    /// For a function: whether it takes variable arguments (`...`).
    pub fn is_var_arg_function(self) -> bool {
        // SAFETY: a function's value type is its function type.
        self.is_function() && unsafe { llc::LLVMIsFunctionVarArg(llc::LLVMGlobalGetValueType(self.raw)) } != 0
    }

    /// For a function: visible only in this module (`static`).
    pub fn is_internal(self) -> bool {
        // SAFETY: asked of functions only.
        self.is_function()
            && matches!(
                unsafe { llc::LLVMGetLinkage(self.raw) },
                LLVMLinkage::LLVMInternalLinkage | LLVMLinkage::LLVMPrivateLinkage
            )
    }

    /// For a function: whether it is an LLVM intrinsic (`llvm.memcpy.…`).
    pub fn is_intrinsic(self) -> bool {
        // SAFETY: asked of functions only.
        self.is_function() && unsafe { llc::LLVMGetIntrinsicID(self.raw) } != 0
    }

    /// The arguments of a call or invoke (without the callee).
    pub fn call_args(self) -> Vec<Value<'m>> {
        if self.called_value().is_none() {
            return Vec::new();
        }
        // SAFETY: a call-like instruction; indices below its argument count.
        unsafe {
            let n = llc::LLVMGetNumArgOperands(self.raw);
            (0..n).filter_map(|i| Value::wrap(llc::LLVMGetOperand(self.raw, i))).collect()
        }
    }

    /// The number of fixed (non-variadic) parameters of the function type a call uses, and
    /// whether that type is variadic.
    pub fn call_signature(self) -> Option<(usize, bool)> {
        self.called_value()?;
        // SAFETY: a call-like instruction has a function type.
        unsafe {
            let fty = llc::LLVMGetCalledFunctionType(self.raw);
            Some((llc::LLVMCountParamTypes(fty) as usize, llc::LLVMIsFunctionVarArg(fty) != 0))
        }
    }

    /// Incoming values and blocks of a phi.
    pub fn incoming(self) -> Vec<(Value<'m>, Block<'m>)> {
        if self.opcode() != Some(Opcode::LLVMPHI) {
            return Vec::new();
        }
        // SAFETY: a phi; indices below its incoming count.
        unsafe {
            let n = llc::LLVMCountIncoming(self.raw);
            (0..n)
                .filter_map(|i| {
                    Some((Value::wrap(llc::LLVMGetIncomingValue(self.raw, i))?, Block::wrap(llc::LLVMGetIncomingBlock(self.raw, i))?))
                })
                .collect()
        }
    }

    /// The value a terminator branches on: `br i1 %c`, `switch %v`, `indirectbr %addr`.
    pub fn branch_condition(self) -> Option<Value<'m>> {
        match self.opcode()? {
            // SAFETY: a branch; the condition is asked only of conditional ones.
            Opcode::LLVMBr => unsafe {
                (llc::LLVMIsConditional(self.raw) != 0).then(|| Value::wrap(llc::LLVMGetCondition(self.raw))).flatten()
            },
            Opcode::LLVMSwitch | Opcode::LLVMIndirectBr => self.operands().next(),
            _ => None,
        }
    }

    /// For a parameter: its function and its attribute index (its 1-based position).
    fn param_slot(self) -> Option<(LLVMValueRef, u32)> {
        // SAFETY: valid value; the parent is asked of arguments only.
        unsafe {
            if llc::LLVMIsAArgument(self.raw).is_null() {
                return None;
            }
            let f = llc::LLVMGetParamParent(self.raw);
            let index = Value::wrap(f).and_then(|f| f.params().iter().position(|p| *p == self))?;
            Some((f, index as u32 + 1))
        }
    }

    /// For a parameter: its enum attribute `name` (`sret`, `byval`, …), if it has it.
    fn param_enum_attribute(self, name: &str) -> Option<llvm_sys::prelude::LLVMAttributeRef> {
        let (f, index) = self.param_slot()?;
        // SAFETY: a function and one of its attribute indices; kinds are looked up by name.
        unsafe {
            let kind = llc::LLVMGetEnumAttributeKindForName(name.as_ptr() as *const c_char, name.len());
            let a = llc::LLVMGetEnumAttributeAtIndex(f, index, kind);
            (!a.is_null()).then_some(a)
        }
    }

    /// Whether this is a function's parameter marked `sret` (the memory a struct is returned in).
    pub fn is_sret_param(self) -> bool {
        self.param_enum_attribute("sret").is_some()
    }

    /// For an alloca: the allocated type and the element count when it is a constant.
    pub fn alloca_shape(self) -> Option<(Type<'m>, Option<u64>)> {
        if self.opcode() != Some(Opcode::LLVMAlloca) {
            return None;
        }
        // SAFETY: an alloca instruction; its operand 0 is the element count.
        unsafe {
            let t = Type { raw: llc::LLVMGetAllocatedType(self.raw), _module: PhantomData };
            let count = self.operands().next().and_then(|c| c.const_int()).map(|c| c as u64);
            Some((t, count))
        }
    }

    /// For a call: whether the callee returns twice (`setjmp`).
    pub fn calls_returns_twice(self) -> bool {
        let Some(callee) = self.called_value().filter(|c| c.is_function()) else { return false };
        // SAFETY: a function; attribute kinds are looked up by name.
        unsafe {
            let kind = llc::LLVMGetEnumAttributeKindForName(c"returns_twice".as_ptr(), 13);
            !llc::LLVMGetEnumAttributeAtIndex(callee.raw, u32::MAX, kind).is_null()
                || matches!(callee.name().as_str(), "setjmp" | "_setjmp" | "sigsetjmp" | "__sigsetjmp" | "savectx" | "vfork" | "getcontext")
        }
    }

    /// Whether this is the null constant (of any type).
    pub fn is_null_constant(self) -> bool {
        // SAFETY: valid value.
        unsafe { llc::LLVMIsConstant(self.raw) != 0 && llc::LLVMIsNull(self.raw) != 0 }
    }

    /// For a global variable: `thread_local`.
    pub fn is_thread_local(self) -> bool {
        // SAFETY: asked of global variables only.
        self.is_global_variable() && unsafe { llc::LLVMIsThreadLocal(self.raw) } != 0
    }

    /// The value of an integer constant.
    pub fn const_int(self) -> Option<i64> {
        // SAFETY: valid value; the value is asked of integer constants only.
        unsafe { (!llc::LLVMIsAConstantInt(self.raw).is_null()).then(|| llc::LLVMConstIntGetSExtValue(self.raw)) }
    }

    /// The text of a constant C string, or of the initialiser of a global holding one.
    pub fn const_string(self) -> Option<String> {
        let c = if self.is_global_variable() { self.initializer()? } else { self };
        // SAFETY: valid value; the text is asked of constant strings only.
        unsafe {
            if llc::LLVMIsAConstantDataSequential(c.raw).is_null() || llc::LLVMIsConstantString(c.raw) == 0 {
                return None;
            }
            let mut len = 0usize;
            let ptr = llc::LLVMGetAsString(c.raw, &mut len);
            Some(to_string(ptr, len).trim_end_matches('\0').to_string())
        }
    }

    /// The source line and column of an instruction (or a function's or global's declaration
    /// line), when the module has locations.
    pub fn debug_loc(self) -> Option<(u32, u32)> {
        if !(self.is_instruction() || self.is_function() || self.is_global_variable()) {
            return None; // LLVM answers only for these three
        }
        // SAFETY: an instruction, function or global; LLVM returns 0 when there is no location.
        let (line, col) = unsafe { (llc::LLVMGetDebugLocLine(self.raw), llc::LLVMGetDebugLocColumn(self.raw)) };
        (line != 0).then_some((line, col))
    }

    /// The source file of an instruction's location (as the compiler was given it).
    pub fn debug_file(self) -> Option<String> {
        if !(self.is_instruction() || self.is_function() || self.is_global_variable()) {
            return None;
        }
        let mut len = 0u32;
        // SAFETY: an instruction, function or global; LLVM writes the length (null when none).
        let ptr = unsafe { llc::LLVMGetDebugLocFilename(self.raw, &mut len) };
        let name = to_string(ptr, len as usize);
        (!name.is_empty()).then_some(name)
    }

    /// For an instruction: whether its `!annotation` metadata lists `text` (clang marks the
    /// stores of `-ftrivial-auto-var-init` with `"auto-init"`).
    pub fn has_annotation(self, text: &str) -> bool {
        if !self.is_instruction() {
            return false;
        }
        // SAFETY: an instruction; the kind id is looked up in its own context, and the node
        // LLVM returns (null when absent) is read only through the metadata API.
        unsafe {
            let kind = llc::LLVMGetMDKindIDInContext(llc::LLVMGetValueContext(self.raw), c"annotation".as_ptr(), 10);
            let node = llc::LLVMGetMetadata(self.raw, kind);
            if node.is_null() {
                return false;
            }
            let n = llc::LLVMGetMDNodeNumOperands(node) as usize;
            let mut ops = vec![std::ptr::null_mut(); n];
            llc::LLVMGetMDNodeOperands(node, ops.as_mut_ptr());
            ops.into_iter().filter(|op| !op.is_null()).any(|op| {
                let mut len = 0u32;
                let s = llc::LLVMGetMDString(op, &mut len);
                to_string(s, len as usize) == text
            })
        }
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

    /// For a function parameter: whether it carries the string attribute `key`.
    /// For a parameter: the function it belongs to.
    pub fn param_function(self) -> Option<Value<'m>> {
        self.param_slot().and_then(|(f, _)| Value::wrap(f))
    }

    pub fn param_has_attribute(self, key: &str) -> bool {
        let Some((f, index)) = self.param_slot() else { return false };
        // SAFETY: a function and one of its attribute indices.
        !unsafe { llc::LLVMGetStringAttributeAtIndex(f, index, key.as_ptr() as *const c_char, key.len() as u32) }.is_null()
    }

    /// For a function: false when it is declared `memory(none)` (touches no memory).
    pub fn may_access_memory(self) -> bool {
        // SAFETY: a function; the attribute kind is looked up by name.
        unsafe {
            let kind = llc::LLVMGetEnumAttributeKindForName(c"memory".as_ptr(), 6);
            let a = llc::LLVMGetEnumAttributeAtIndex(self.raw, u32::MAX, kind);
            a.is_null() || llc::LLVMGetEnumAttributeValue(a) != 0
        }
    }

    /// For a `byval` parameter: the type of the copy the callee gets (in its caller's frame).
    pub fn byval_type(self) -> Option<Type<'m>> {
        let a = self.param_enum_attribute("byval")?;
        // SAFETY: `byval` is a type attribute.
        Some(Type { raw: unsafe { llc::LLVMGetTypeAttributeValue(a) }, _module: PhantomData })
    }

    /// For a GEP: the size in bytes of its source element type.
    pub fn gep_source_element_size(self, ed: &edit::Editor<'m>) -> Option<u64> {
        if self.opcode() != Some(Opcode::LLVMGetElementPtr) {
            return None;
        }
        // SAFETY: a GEP instruction.
        let t = Type { raw: unsafe { llc::LLVMGetGEPSourceElementType(self.raw) }, _module: PhantomData };
        Some(ed.size_of(t))
    }

    /// For an `icmp`: its predicate.
    pub fn icmp_predicate(self) -> Option<llvm_sys::LLVMIntPredicate> {
        // SAFETY: asked of icmp instructions only.
        (self.opcode() == Some(Opcode::LLVMICmp)).then(|| unsafe { llc::LLVMGetICmpPredicate(self.raw) })
    }

    /// For a function: its return type (`None` for other values).
    pub fn return_type(self) -> Option<Type<'m>> {
        // SAFETY: a function; its value type is a function type.
        self.is_function().then(|| Type { raw: unsafe { llc::LLVMGetReturnType(llc::LLVMGlobalGetValueType(self.raw)) }, _module: PhantomData })
    }

    /// For a global variable: declared `constant` (read-only memory).
    pub fn is_constant_global(self) -> bool {
        // SAFETY: asked of global variables only.
        self.is_global_variable() && unsafe { llc::LLVMIsGlobalConstant(self.raw) } != 0
    }

    /// For a function: whether it has the enum attribute `name` (`naked`, …).
    pub fn has_function_attribute(self, name: &str) -> bool {
        if !self.is_function() {
            return false;
        }
        // SAFETY: a function; attribute kinds are looked up by name.
        unsafe {
            let kind = llc::LLVMGetEnumAttributeKindForName(name.as_ptr() as *const c_char, name.len());
            !llc::LLVMGetEnumAttributeAtIndex(self.raw, u32::MAX, kind).is_null()
        }
    }

    pub fn is_argument(self) -> bool {
        // SAFETY: valid value.
        !unsafe { llc::LLVMIsAArgument(self.raw) }.is_null()
    }

    /// For a GEP instruction: the name of its source element type when that is a named struct
    /// (or an array of one), e.g. `struct.__va_list_tag`.
    pub fn gep_source_struct(self) -> Option<String> {
        if self.opcode() != Some(Opcode::LLVMGetElementPtr) {
            return None;
        }
        // SAFETY: a GEP instruction; type queries on its source element type.
        unsafe {
            let mut t = llvm_sys::core::LLVMGetGEPSourceElementType(self.raw);
            if llc::LLVMGetTypeKind(t) == LLVMTypeKind::LLVMArrayTypeKind {
                t = llc::LLVMGetElementType(t);
            }
            if llc::LLVMGetTypeKind(t) != LLVMTypeKind::LLVMStructTypeKind {
                return None;
            }
            let n = llc::LLVMGetStructName(t);
            (!n.is_null()).then(|| CStr::from_ptr(n).to_string_lossy().into_owned())
        }
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
    pub fn is_vector(self) -> bool {
        // SAFETY: valid type.
        matches!(unsafe { llc::LLVMGetTypeKind(self.raw) }, LLVMTypeKind::LLVMVectorTypeKind | LLVMTypeKind::LLVMScalableVectorTypeKind)
    }

    /// Whether clang's front end may fold a `const` global of this type into the code that
    /// reads it: a scalar, or anything with a structure in it (a member of a const structure,
    /// of an array of them, is evaluated as a constant). Arrays of scalars are read from memory.
    pub fn folded_when_const(self) -> bool {
        fn has_struct(t: Type<'_>) -> bool {
            // SAFETY: valid type; the element is asked of array types only.
            unsafe {
                match llc::LLVMGetTypeKind(t.raw) {
                    LLVMTypeKind::LLVMStructTypeKind => true,
                    LLVMTypeKind::LLVMArrayTypeKind => has_struct(Type { raw: llc::LLVMGetElementType(t.raw), _module: PhantomData }),
                    _ => false,
                }
            }
        }
        // SAFETY: valid type.
        let array = unsafe { llc::LLVMGetTypeKind(self.raw) } == LLVMTypeKind::LLVMArrayTypeKind;
        !array || has_struct(self)
    }

    /// The element type of a vector type.
    pub fn vector_element(self) -> Option<Type<'m>> {
        // SAFETY: valid type; the element is asked of vector types only.
        self.is_vector().then(|| Type { raw: unsafe { llc::LLVMGetElementType(self.raw) }, _module: PhantomData })
    }

    /// The width of an integer type, `None` for other types.
    pub fn int_width(self) -> Option<u32> {
        // SAFETY: valid type; the width only asked of integer types.
        unsafe { (llc::LLVMGetTypeKind(self.raw) == LLVMTypeKind::LLVMIntegerTypeKind).then(|| llc::LLVMGetIntTypeWidth(self.raw)) }
    }

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

    /// The global variable with this name.
    pub fn global(&self, name: &str) -> Option<Value<'m>> {
        let name = std::ffi::CString::new(name).ok()?;
        // SAFETY: live module; null when absent.
        Value::wrap(unsafe { llvm_sys::core::LLVMGetNamedGlobal(self.raw, name.as_ptr()) })
    }

    /// The function with this name (a definition or a declaration).
    pub fn function(&self, name: &str) -> Option<Value<'m>> {
        let name = std::ffi::CString::new(name).ok()?;
        // SAFETY: live module; null when absent.
        Value::wrap(unsafe { llvm_sys::core::LLVMGetNamedFunction(self.raw, name.as_ptr()) })
    }

    /// The source file name the module was compiled from (`hello.c`).
    pub fn source_file_name(&self) -> String {
        let mut len = 0usize;
        // SAFETY: live module; LLVM writes the length.
        let ptr = unsafe { llc::LLVMGetSourceFileName(self.raw, &mut len) };
        to_string(ptr, len)
    }
}
