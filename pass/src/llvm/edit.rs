//! Safe wrappers for changing IR: the primitives `instrument` composes. Every function here
//! keeps the module valid on its own (types checked by LLVM's builder); `instrument` decides
//! what to change.

use std::ffi::{c_char, CString};
use std::marker::PhantomData;

use llvm_sys::core as llc;
use llvm_sys::prelude::{LLVMBuilderRef, LLVMContextRef, LLVMModuleRef, LLVMTypeRef, LLVMValueRef};
use llvm_sys::target::{LLVMABIAlignmentOfType, LLVMABISizeOfType, LLVMGetModuleDataLayout, LLVMTargetDataRef};
pub use llvm_sys::LLVMLinkage as Linkage;

use super::{Block, BorrowedModule, Type, Value};

extern "C" {
    fn confpass_shim_expand_constant_users(vals: *mut LLVMValueRef, n: usize);
    fn confpass_shim_delete_if_unused(global: LLVMValueRef) -> bool;
    fn confpass_shim_append_ctor(module: LLVMModuleRef, f: LLVMValueRef, priority: i32);
    fn confpass_shim_ctors_through(module: LLVMModuleRef, runner: *const c_char) -> u32;
    fn confpass_shim_base_offset(module: LLVMModuleRef, ptr: LLVMValueRef, offset: *mut i64) -> LLVMValueRef;
    fn confpass_shim_root_offset(module: LLVMModuleRef, ptr: LLVMValueRef, offset: *mut i64) -> LLVMValueRef;
    fn confpass_shim_root_range(module: LLVMModuleRef, ptr: LLVMValueRef, limit: i64, lo: *mut i64, hi: *mut i64) -> LLVMValueRef;
    fn confpass_shim_root_width_range(module: LLVMModuleRef, ptr: LLVMValueRef, lo: *mut i64, hi: *mut i64) -> LLVMValueRef;
    fn confpass_shim_linear(
        module: LLVMModuleRef,
        ptr: LLVMValueRef,
        base: *mut LLVMValueRef,
        var: *mut LLVMValueRef,
        scale: *mut i64,
        offset: *mut i64,
    ) -> bool;
    fn confpass_shim_set_kcfi_type(f: LLVMValueRef, id: u32);
    fn confpass_shim_add_kcfi_bundle(call: LLVMValueRef, id: u32) -> LLVMValueRef;
    fn confpass_shim_cfi_stub(f: LLVMValueRef, id: u32) -> LLVMValueRef;
    fn confpass_shim_may_access_memory(inst: LLVMValueRef) -> bool;
    fn confpass_shim_split_check(fail: LLVMValueRef, before: LLVMValueRef) -> LLVMValueRef;
    fn confpass_shim_pin(module: LLVMModuleRef, vals: *mut LLVMValueRef, n: usize);
    fn confpass_shim_unpin(module: LLVMModuleRef, vals: *mut LLVMValueRef, n: usize);
}

/// An IR editor for one module: a builder plus the module's data layout.
pub struct Editor<'m> {
    module: LLVMModuleRef,
    ctx: LLVMContextRef,
    builder: LLVMBuilderRef,
    layout: LLVMTargetDataRef,
    _module: PhantomData<&'m ()>,
}

fn cname(s: &str) -> CString {
    CString::new(s).expect("IR names have no NUL")
}

fn ty<'m>(raw: LLVMTypeRef) -> Type<'m> {
    Type { raw, _module: PhantomData }
}

fn val<'m>(raw: LLVMValueRef) -> Value<'m> {
    Value::wrap(raw).expect("LLVM returned a value")
}

impl Drop for Editor<'_> {
    fn drop(&mut self) {
        // SAFETY: the builder was created by this editor and is not used after.
        unsafe { llc::LLVMDisposeBuilder(self.builder) }
    }
}

impl<'m> Editor<'m> {
    pub fn new(module: &'m BorrowedModule<'_>) -> Self {
        let m = module.raw();
        // SAFETY: a live module; the builder belongs to its context.
        unsafe {
            let ctx = llc::LLVMGetModuleContext(m);
            Editor { module: m, ctx, builder: llc::LLVMCreateBuilderInContext(ctx), layout: LLVMGetModuleDataLayout(m), _module: PhantomData }
        }
    }

    pub fn int(&self, bits: u32) -> Type<'m> {
        // SAFETY: live context.
        ty(unsafe { llc::LLVMIntTypeInContext(self.ctx, bits) })
    }

    pub fn ptr(&self, address_space: u32) -> Type<'m> {
        // SAFETY: live context.
        ty(unsafe { llc::LLVMPointerTypeInContext(self.ctx, address_space) })
    }

    pub fn void(&self) -> Type<'m> {
        // SAFETY: live context.
        ty(unsafe { llc::LLVMVoidTypeInContext(self.ctx) })
    }

    pub fn function_type(&self, ret: Type<'m>, params: &[Type<'m>]) -> Type<'m> {
        let mut p: Vec<LLVMTypeRef> = params.iter().map(|t| t.raw).collect();
        // SAFETY: valid types of this context.
        ty(unsafe { llc::LLVMFunctionType(ret.raw, p.as_mut_ptr(), p.len() as u32, 0) })
    }

    pub fn byte_array(&self, n: u64) -> Type<'m> {
        // SAFETY: live context.
        ty(unsafe { llc::LLVMArrayType2(llc::LLVMInt8TypeInContext(self.ctx), n) })
    }

    /// Allocation size of a type (what a global of it occupies).
    pub fn size_of(&self, t: Type<'m>) -> u64 {
        // SAFETY: the module's data layout and a sized type.
        unsafe { LLVMABISizeOfType(self.layout, t.raw) }
    }

    pub fn abi_align(&self, t: Type<'m>) -> u64 {
        // SAFETY: the module's data layout.
        u64::from(unsafe { LLVMABIAlignmentOfType(self.layout, t.raw) })
    }

    /// The type of the value a global holds.
    pub fn value_type(&self, g: Value<'m>) -> Type<'m> {
        // SAFETY: a global value.
        ty(unsafe { llc::LLVMGlobalGetValueType(g.raw) })
    }

    pub fn alignment(&self, g: Value<'m>) -> u64 {
        // SAFETY: a global value.
        u64::from(unsafe { llc::LLVMGetAlignment(g.raw) })
    }

    pub fn linkage(&self, g: Value<'m>) -> Linkage {
        // SAFETY: a global value.
        unsafe { llc::LLVMGetLinkage(g.raw) }
    }

    pub fn const_int(&self, t: Type<'m>, v: u64) -> Value<'m> {
        // SAFETY: an integer type.
        val(unsafe { llc::LLVMConstInt(t.raw, v, 0) })
    }

    pub fn const_null(&self, t: Type<'m>) -> Value<'m> {
        // SAFETY: a valid type.
        val(unsafe { llc::LLVMConstNull(t.raw) })
    }

    /// A packed constant struct of `fields` (no implicit padding).
    pub fn const_packed_struct(&self, fields: &[Value<'m>]) -> Value<'m> {
        let mut f: Vec<LLVMValueRef> = fields.iter().map(|v| v.raw).collect();
        // SAFETY: constants of this context.
        val(unsafe { llc::LLVMConstStructInContext(self.ctx, f.as_mut_ptr(), f.len() as u32, 1) })
    }

    /// The same aggregate constant with new elements (same type).
    pub fn const_aggregate_like(&self, like: Value<'m>, elements: &[Value<'m>]) -> Value<'m> {
        let mut e: Vec<LLVMValueRef> = elements.iter().map(|v| v.raw).collect();
        // SAFETY: `like` is a ConstantStruct or ConstantArray and `elements` match its element types.
        unsafe {
            let t = llc::LLVMTypeOf(like.raw);
            match llc::LLVMGetTypeKind(t) {
                llvm_sys::LLVMTypeKind::LLVMStructTypeKind => val(llc::LLVMConstNamedStruct(t, e.as_mut_ptr(), e.len() as u32)),
                _ => val(llc::LLVMConstArray2(llc::LLVMGetElementType(t), e.as_mut_ptr(), e.len() as u64)),
            }
        }
    }

    /// Whether a constant is a struct (else an array) aggregate.
    pub fn is_struct_constant(&self, c: Value<'m>) -> bool {
        // SAFETY: a valid value.
        unsafe { llc::LLVMGetTypeKind(llc::LLVMTypeOf(c.raw)) == llvm_sys::LLVMTypeKind::LLVMStructTypeKind }
    }

    /// Whether a constant is an aggregate whose elements are its operands.
    pub fn is_aggregate_constant(&self, c: Value<'m>) -> bool {
        // SAFETY: a valid value.
        unsafe { !llc::LLVMIsAConstantStruct(c.raw).is_null() || !llc::LLVMIsAConstantArray(c.raw).is_null() }
    }

    pub fn add_global(&self, t: Type<'m>, name: &str, address_space: u32) -> Value<'m> {
        let n = cname(name);
        // SAFETY: live module, valid type.
        val(unsafe { llc::LLVMAddGlobalInAddressSpace(self.module, t.raw, n.as_ptr(), address_space) })
    }

    pub fn set_initializer(&self, g: Value<'m>, init: Value<'m>) {
        // SAFETY: a global variable and a constant of its value type.
        unsafe { llc::LLVMSetInitializer(g.raw, init.raw) }
    }

    pub fn set_linkage(&self, g: Value<'m>, l: Linkage) {
        // SAFETY: a global value.
        unsafe { llc::LLVMSetLinkage(g.raw, l) }
    }

    pub fn set_alignment(&self, g: Value<'m>, align: u64) {
        // SAFETY: a global value.
        unsafe { llc::LLVMSetAlignment(g.raw, align as u32) }
    }

    pub fn set_constant(&self, g: Value<'m>, constant: bool) {
        // SAFETY: a global variable.
        unsafe { llc::LLVMSetGlobalConstant(g.raw, i32::from(constant)) }
    }

    /// Deletes a global variable that nothing (but dead constants) uses; false if still used.
    pub fn delete_if_unused(&self, g: Value<'m>) -> bool {
        // SAFETY: a global variable of this module; not used afterwards when deleted.
        unsafe { confpass_shim_delete_if_unused(g.raw) }
    }

    /// Turns constant expressions over `consts` used by instructions into instructions.
    pub fn expand_constant_users(&self, consts: &[Value<'m>]) {
        let mut raw: Vec<LLVMValueRef> = consts.iter().map(|v| v.raw).collect();
        // SAFETY: constants of this module.
        unsafe { confpass_shim_expand_constant_users(raw.as_mut_ptr(), raw.len()) }
    }

    /// The global or alloca a pointer is based on, and its constant byte offset from it.
    pub fn base_and_offset(&self, c: Value<'m>) -> Option<(Value<'m>, i64)> {
        let mut off = 0i64;
        // SAFETY: a constant of this module.
        let base = unsafe { confpass_shim_base_offset(self.module, c.raw, &mut off) };
        Value::wrap(base).map(|b| (b, off))
    }

    /// The pointer `p` is computed from by constant offsets (whatever it is) and that offset.
    pub fn root_and_offset(&self, p: Value<'m>) -> (Value<'m>, i64) {
        let mut off = 0i64;
        // SAFETY: a pointer value of this module.
        let root = unsafe { confpass_shim_root_offset(self.module, p.raw, &mut off) };
        (val(root), off)
    }

    /// The pointer `p` is computed from by offsets of known range (facts about bits, as for
    /// `root_and_width_range`), and that range [lo, hi], within ±2^40 (for proofs of bounds).
    pub fn root_and_range(&self, p: Value<'m>) -> (Value<'m>, i64, i64) {
        self.root_and_range_within(p, 1 << 40)
    }

    /// Like `root_and_range`, the range within ±`limit` bytes: the root stops before a GEP that
    /// would take it further (for compares, whose accesses must stay within a guard zone's
    /// window of the root, the root nearest to them).
    pub fn root_and_range_within(&self, p: Value<'m>, limit: u64) -> (Value<'m>, i64, i64) {
        let (mut lo, mut hi) = (0i64, 0i64);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        // SAFETY: a pointer value of this module.
        let root = unsafe { confpass_shim_root_range(self.module, p.raw, limit, &mut lo, &mut hi) };
        (val(root), lo, hi)
    }

    /// Like `root_and_range`, with only bounds that hold at run time whatever the program did
    /// (facts about bits: index widths, masks, shifts; not LLVM's assumptions); the root stops before a GEP
    /// whose offset would leave the range it was accumulating (a wrong range here would break a
    /// public mask's proof, see `guards::PUBLIC_REACH`).
    pub fn root_and_width_range(&self, p: Value<'m>) -> (Value<'m>, i64, i64) {
        let (mut lo, mut hi) = (0i64, 0i64);
        // SAFETY: a pointer value of this module.
        let root = unsafe { confpass_shim_root_width_range(self.module, p.raw, &mut lo, &mut hi) };
        (val(root), lo, hi)
    }

    /// `p` as one GEP `base + var * scale + offset` with a single 64-bit variable index:
    /// (base, var, scale, offset).
    pub fn linear(&self, p: Value<'m>) -> Option<(Value<'m>, Value<'m>, i64, i64)> {
        let (mut base, mut var) = (std::ptr::null_mut(), std::ptr::null_mut());
        let (mut scale, mut offset) = (0i64, 0i64);
        // SAFETY: a pointer value of this module; outputs written only on success.
        let ok = unsafe { confpass_shim_linear(self.module, p.raw, &mut base, &mut var, &mut scale, &mut offset) };
        ok.then(|| (val(base), val(var), scale, offset))
    }

    /// A copy of GEP `gep` with operand `index` replaced by `new` and without its no-wrap
    /// flags (the copy may compute an address the program never uses: it must not be
    /// poison), inserted at the builder's position.
    pub fn clone_gep_with_operand(&self, gep: Value<'m>, index: usize, new: Value<'m>) -> Value<'m> {
        assert_eq!(gep.opcode(), Some(super::Opcode::LLVMGetElementPtr));
        // SAFETY: a GEP instruction of this module; the clone has no parent until inserted,
        // and the builder is positioned in a block of this module.
        unsafe {
            let c = llc::LLVMInstructionClone(gep.raw);
            llc::LLVMGEPSetNoWrapFlags(c, 0);
            llc::LLVMSetOperand(c, index as u32, new.raw);
            llc::LLVMInsertIntoBuilder(self.builder, c);
            val(c)
        }
    }

    /// Splits the block before `before` on `fail` (an `i1`): a new cold block that ends in
    /// `unreachable` (returned) runs when it is true; the builder is placed before that end.
    pub fn split_check(&self, fail: Value<'m>, before: Value<'m>) -> Value<'m> {
        // SAFETY: an i1 computed before `before`, an instruction of this module.
        let end = val(unsafe { confpass_shim_split_check(fail.raw, before.raw) });
        self.position_before(end);
        end
    }

    /// A private constant global holding `text` and a NUL, for messages.
    pub fn const_c_string(&self, name: &str, text: &str) -> Value<'m> {
        // SAFETY: live module; the initialiser is an i8 array of the global's type.
        unsafe {
            let init = llc::LLVMConstStringInContext2(self.ctx, text.as_ptr() as *const c_char, text.len(), 0);
            let n = cname(name);
            let g = llc::LLVMAddGlobal(self.module, llc::LLVMTypeOf(init), n.as_ptr());
            llc::LLVMSetInitializer(g, init);
            llc::LLVMSetGlobalConstant(g, 1);
            llc::LLVMSetLinkage(g, Linkage::LLVMPrivateLinkage);
            llc::LLVMSetUnnamedAddress(g, llvm_sys::LLVMUnnamedAddr::LLVMGlobalUnnamedAddr);
            llc::LLVMSetAlignment(g, 1);
            val(g)
        }
    }

    /// Adds enum attributes (`noreturn`, `cold`, …) to a function.
    pub fn add_function_attributes(&self, f: Value<'m>, names: &[&str]) {
        for name in names {
            // SAFETY: a function of this module; attribute kinds are looked up by name.
            unsafe {
                let kind = llc::LLVMGetEnumAttributeKindForName(name.as_ptr() as *const c_char, name.len());
                let a = llc::LLVMCreateEnumAttribute(self.ctx, kind, 0);
                llc::LLVMAddAttributeAtIndex(f.raw, u32::MAX, a);
            }
        }
    }

    /// Marks parameter `index` (0-based) of `f` with the string attribute `key`.
    pub fn mark_param(&self, f: Value<'m>, index: usize, key: &str) {
        // SAFETY: a function of this module with that many parameters.
        unsafe {
            let a = llc::LLVMCreateStringAttribute(self.ctx, key.as_ptr() as *const c_char, key.len() as u32, c"".as_ptr(), 0);
            llc::LLVMAddAttributeAtIndex(f.raw, index as u32 + 1, a);
        }
    }

    /// Marks a function as a KCFI target with `id` (`!kcfi_type`).
    pub fn set_kcfi_type(&self, f: Value<'m>, id: u32) {
        // SAFETY: a function of this module.
        unsafe { confpass_shim_set_kcfi_type(f.raw, id) }
    }

    /// Rebuilds an indirect call so that the backend checks its target's id; returns the call.
    pub fn add_kcfi_bundle(&self, call: Value<'m>, id: u32) -> Value<'m> {
        // SAFETY: a call instruction of this module; the old one is erased, not used again.
        val(unsafe { confpass_shim_add_kcfi_bundle(call.raw, id) })
    }

    /// Routes every non-call use of `f` through a shared stub that carries `id`.
    pub fn cfi_stub(&self, f: Value<'m>, id: u32) -> Value<'m> {
        // SAFETY: a non-variadic function of this module.
        val(unsafe { confpass_shim_cfi_stub(f.raw, id) })
    }

    /// Whether a call is `musttail`.
    pub fn is_musttail(&self, call: Value<'m>) -> bool {
        // SAFETY: asked of call instructions only.
        call.opcode() == Some(super::Opcode::LLVMCall)
            && unsafe { llc::LLVMGetTailCallKind(call.raw) } == llvm_sys::LLVMTailCallKind::LLVMTailCallKindMustTail
    }

    /// `blockaddress(f, block)`, for a block given as a value (an `indirectbr` operand).
    pub fn block_address(&self, f: Value<'m>, block: Value<'m>) -> Value<'m> {
        // SAFETY: a function of this module and one of its blocks.
        val(unsafe { llc::LLVMBlockAddress(f.raw, llc::LLVMValueAsBasicBlock(block.raw)) })
    }

    /// A new empty block at the end of function `f`, as a value (like an `indirectbr`
    /// operand); the builder is placed in it.
    pub fn append_block(&self, f: Value<'m>) -> Value<'m> {
        // SAFETY: a function defined in this module.
        unsafe {
            let b = llc::LLVMAppendBasicBlockInContext(self.ctx, f.raw, c"".as_ptr());
            llc::LLVMPositionBuilderAtEnd(self.builder, b);
            val(llc::LLVMBasicBlockAsValue(b))
        }
    }

    /// Adds `block` (a block of the same function, as a value) to an `indirectbr`'s
    /// destinations.
    pub fn add_destination(&self, indirectbr: Value<'m>, block: Value<'m>) {
        // SAFETY: an indirectbr and a block of its function.
        unsafe { llc::LLVMAddDestination(indirectbr.raw, llc::LLVMValueAsBasicBlock(block.raw)) }
    }

    /// `unreachable` at the builder's position.
    pub fn unreachable(&self) {
        // SAFETY: the builder is positioned at the end of a block.
        unsafe { llc::LLVMBuildUnreachable(self.builder) };
    }

    /// A constant array of pointers.
    pub fn const_pointer_array(&self, elements: &[Value<'m>]) -> Value<'m> {
        let mut e: Vec<LLVMValueRef> = elements.iter().map(|v| v.raw).collect();
        // SAFETY: constants of one pointer type.
        val(unsafe { llc::LLVMConstArray2(self.ptr(0).raw, e.as_mut_ptr(), e.len() as u64) })
    }

    /// LLVM's answer to whether an instruction may read or write memory.
    pub fn may_access_memory(&self, inst: Value<'m>) -> bool {
        // SAFETY: an instruction of this module.
        unsafe { confpass_shim_may_access_memory(inst.raw) }
    }

    /// The instruction before `inst` in its block.
    pub fn previous_instruction(&self, inst: Value<'m>) -> Option<Value<'m>> {
        // SAFETY: an instruction of this module.
        Value::wrap(unsafe { llc::LLVMGetPreviousInstruction(inst.raw) })
    }

    /// The instruction after `inst` in its block.
    pub fn next_instruction(&self, inst: Value<'m>) -> Option<Value<'m>> {
        // SAFETY: an instruction of this module.
        Value::wrap(unsafe { llc::LLVMGetNextInstruction(inst.raw) })
    }

    /// `v` widened to `t` (zero-extended) unless it already has that type.
    pub fn zext_or_self(&self, v: Value<'m>, t: Type<'m>) -> Value<'m> {
        if v.ty() == t {
            return v;
        }
        // SAFETY: the builder is positioned; an integer widened to a wider integer type.
        val(unsafe { llc::LLVMBuildZExt(self.builder, v.raw, t.raw, c"".as_ptr()) })
    }

    pub fn sub(&self, a: Value<'m>, b: Value<'m>) -> Value<'m> {
        // SAFETY: the builder is positioned; operands of one integer type.
        val(unsafe { llc::LLVMBuildSub(self.builder, a.raw, b.raw, c"".as_ptr()) })
    }

    pub fn add(&self, a: Value<'m>, b: Value<'m>) -> Value<'m> {
        // SAFETY: the builder is positioned; operands of one integer type.
        val(unsafe { llc::LLVMBuildAdd(self.builder, a.raw, b.raw, c"".as_ptr()) })
    }

    pub fn mul(&self, a: Value<'m>, b: Value<'m>) -> Value<'m> {
        // SAFETY: the builder is positioned; operands of one integer type.
        val(unsafe { llc::LLVMBuildMul(self.builder, a.raw, b.raw, c"".as_ptr()) })
    }

    /// `v` widened to `t` (sign-extended) unless it already has that type.
    pub fn sext_or_self(&self, v: Value<'m>, t: Type<'m>) -> Value<'m> {
        if v.ty() == t {
            return v;
        }
        // SAFETY: the builder is positioned; an integer widened to a wider integer type.
        val(unsafe { llc::LLVMBuildSExt(self.builder, v.raw, t.raw, c"".as_ptr()) })
    }

    pub fn ptrtoint(&self, p: Value<'m>) -> Value<'m> {
        // SAFETY: the builder is positioned; a pointer to i64.
        val(unsafe { llc::LLVMBuildPtrToInt(self.builder, p.raw, self.int(64).raw, c"".as_ptr()) })
    }

    pub fn lshr(&self, v: Value<'m>, bits: u64) -> Value<'m> {
        // SAFETY: the builder is positioned; an i64 shifted by a constant.
        val(unsafe { llc::LLVMBuildLShr(self.builder, v.raw, self.const_int(self.int(64), bits).raw, c"".as_ptr()) })
    }

    pub fn icmp(&self, pred: llvm_sys::LLVMIntPredicate, a: Value<'m>, b: Value<'m>) -> Value<'m> {
        // SAFETY: the builder is positioned; operands of one type.
        val(unsafe { llc::LLVMBuildICmp(self.builder, pred, a.raw, b.raw, c"".as_ptr()) })
    }

    pub fn and(&self, a: Value<'m>, b: Value<'m>) -> Value<'m> {
        // SAFETY: the builder is positioned; operands of one type.
        val(unsafe { llc::LLVMBuildAnd(self.builder, a.raw, b.raw, c"".as_ptr()) })
    }

    pub fn or(&self, a: Value<'m>, b: Value<'m>) -> Value<'m> {
        // SAFETY: the builder is positioned; operands of one type.
        val(unsafe { llc::LLVMBuildOr(self.builder, a.raw, b.raw, c"".as_ptr()) })
    }

    /// `llvm.ptrmask(p, mask)` for a pointer of any address space.
    pub fn ptrmask(&self, p: Value<'m>, mask: u64) -> Value<'m> {
        let i64t = self.int(64);
        let t = self.function_type(p.ty(), &[p.ty(), i64t]);
        let space = p.ty().pointer_address_space().unwrap_or(0);
        let f = self.function(&format!("llvm.ptrmask.p{space}.i64"), t);
        self.call(t, f, &[p, self.const_int(i64t, mask)])
    }

    /// `inttoptr(ptrtoint(p) | bits)`: sets address bits of a pointer.
    pub fn set_pointer_bits(&self, p: Value<'m>, bits: u64) -> Value<'m> {
        self.int_pointer_op(p, llc::LLVMBuildOr, bits)
    }

    /// `inttoptr(ptrtoint(p) + d)`: the address `d` bytes away, with no provenance from `p`
    /// (no LLVM analysis may reason that it stays inside `p`'s object).
    pub fn translate_pointer(&self, p: Value<'m>, d: u64) -> Value<'m> {
        self.int_pointer_op(p, llc::LLVMBuildAdd, d)
    }

    /// `inttoptr v to t` at the builder's position.
    pub fn int_to_ptr(&self, v: Value<'m>, t: Type<'m>) -> Value<'m> {
        // SAFETY: the builder is positioned; an integer cast to a pointer type.
        val(unsafe { llc::LLVMBuildIntToPtr(self.builder, v.raw, t.raw, c"".as_ptr()) })
    }

    /// `inttoptr(op(ptrtoint(p), c))` for a binary integer builder `op`.
    fn int_pointer_op(
        &self,
        p: Value<'m>,
        op: unsafe extern "C" fn(LLVMBuilderRef, LLVMValueRef, LLVMValueRef, *const c_char) -> LLVMValueRef,
        c: u64,
    ) -> Value<'m> {
        let pi = self.ptrtoint(p);
        // SAFETY: the builder is positioned; an i64 combined with an i64 constant, cast back
        // to the pointer's own type.
        unsafe {
            let int = op(self.builder, pi.raw, self.const_int(self.int(64), c).raw, c"".as_ptr());
            val(llc::LLVMBuildIntToPtr(self.builder, int, p.ty().raw, c"".as_ptr()))
        }
    }

    /// `getelementptr i8, ptr, offset` without `inbounds` (any offset, wrapping).
    pub fn byte_offset_any(&self, ptr: Value<'m>, offset: i64) -> Value<'m> {
        if offset == 0 {
            return ptr;
        }
        let mut idx = [self.const_int(self.int(64), offset as u64).raw];
        // SAFETY: the builder is positioned; an i8 GEP on a pointer.
        val(unsafe { llc::LLVMBuildGEP2(self.builder, llc::LLVMInt8TypeInContext(self.ctx), ptr.raw, idx.as_mut_ptr(), 1, c"".as_ptr()) })
    }

    /// Places the builder at the first point of a block where code may go (after its phis).
    pub fn position_at_block_start(&self, b: Block<'m>) {
        let first = b.instructions().find(|i| !matches!(i.opcode(), Some(super::Opcode::LLVMPHI | super::Opcode::LLVMLandingPad)));
        // SAFETY: a block of this module.
        unsafe {
            match first {
                Some(i) => llc::LLVMPositionBuilderBefore(self.builder, i.raw),
                None => llc::LLVMPositionBuilderAtEnd(self.builder, entry_raw(b)),
            }
        }
    }

    /// Sets operand `index` of `user` to `new`.
    pub fn set_operand(&self, user: Value<'m>, index: usize, new: Value<'m>) {
        // SAFETY: an operand index of `user`; LLVM's verifier checks the type afterwards.
        unsafe { llc::LLVMSetOperand(user.raw, index as u32, new.raw) }
    }

    /// A function declared or defined in the module by name, or a new declaration.
    pub fn function(&self, name: &str, t: Type<'m>) -> Value<'m> {
        let n = cname(name);
        // SAFETY: live module.
        unsafe {
            let f = llc::LLVMGetNamedFunction(self.module, n.as_ptr());
            if f.is_null() {
                val(llc::LLVMAddFunction(self.module, n.as_ptr(), t.raw))
            } else {
                val(f)
            }
        }
    }

    /// A new internal function with one empty entry block; the builder is placed in it.
    pub fn new_internal_function(&self, name: &str, t: Type<'m>) -> Value<'m> {
        let f = self.function(name, t);
        self.set_linkage(f, Linkage::LLVMInternalLinkage);
        // SAFETY: a function of this module.
        unsafe {
            let bb = llc::LLVMAppendBasicBlockInContext(self.ctx, f.raw, c"entry".as_ptr());
            llc::LLVMPositionBuilderAtEnd(self.builder, bb);
        }
        f
    }

    /// Makes every constructor of the module run through `runner(fn)`; returns how many.
    pub fn ctors_through(&self, runner: &str) -> u32 {
        let n = cname(runner);
        // SAFETY: live module; a NUL-terminated name.
        unsafe { confpass_shim_ctors_through(self.module, n.as_ptr()) }
    }

    /// Adds `f` to the module's constructors with `priority` (lower runs first).
    pub fn append_ctor(&self, f: Value<'m>, priority: i32) {
        // SAFETY: a function of this module.
        unsafe { confpass_shim_append_ctor(self.module, f.raw, priority) }
    }

    /// Places the builder at the first point of a function's entry block after its allocas.
    pub fn position_at_entry(&self, f: Value<'m>) {
        let entry = f.blocks()[0];
        let first = entry.instructions().find(|i| i.opcode() != Some(super::Opcode::LLVMAlloca));
        // SAFETY: a block or instruction of this module.
        unsafe {
            match first {
                Some(i) => llc::LLVMPositionBuilderBefore(self.builder, i.raw),
                None => llc::LLVMPositionBuilderAtEnd(self.builder, entry_raw(entry)),
            }
        }
    }

    /// `alloca t, align align` at the builder's position.
    pub fn alloca(&self, t: Type<'m>, align: u64) -> Value<'m> {
        // SAFETY: the builder is positioned; a sized type of this context.
        unsafe {
            let a = llc::LLVMBuildAlloca(self.builder, t.raw, c"".as_ptr());
            llc::LLVMSetAlignment(a, align as u32);
            val(a)
        }
    }

    /// Keeps the optimiser from folding the initial values of `globals` into code: they become
    /// non-constant and members of `llvm.compiler.used` (an escape). Undone by [`Self::unpin`].
    pub fn pin(&self, globals: &[Value<'m>]) {
        let mut raw: Vec<LLVMValueRef> = globals.iter().map(|g| g.raw).collect();
        // SAFETY: global variables of this module.
        unsafe { confpass_shim_pin(self.module, raw.as_mut_ptr(), raw.len()) }
    }

    /// Takes `globals` out of `llvm.used` and `llvm.compiler.used`.
    pub fn unpin(&self, globals: &[Value<'m>]) {
        let mut raw: Vec<LLVMValueRef> = globals.iter().map(|g| g.raw).collect();
        // SAFETY: global variables of this module.
        unsafe { confpass_shim_unpin(self.module, raw.as_mut_ptr(), raw.len()) }
    }

    /// Replaces every use of `old` by `new`.
    pub fn replace_all_uses(&self, old: Value<'m>, new: Value<'m>) {
        // SAFETY: values of the same type in this module.
        unsafe { llc::LLVMReplaceAllUsesWith(old.raw, new.raw) }
    }

    /// `memcpy(dst, src, size)` with both sides aligned to `align`; the call.
    pub fn memcpy(&self, dst: Value<'m>, src: Value<'m>, size: u64, align: u32) -> Value<'m> {
        let n = self.const_int(self.int(64), size);
        // SAFETY: the builder is positioned; pointers of this module.
        val(unsafe { llc::LLVMBuildMemCpy(self.builder, dst.raw, align, src.raw, align, n.raw) })
    }

    /// Removes an instruction that nothing uses any more.
    pub fn erase(&self, inst: Value<'m>) {
        // SAFETY: an instruction without uses.
        unsafe { llc::LLVMInstructionEraseFromParent(inst.raw) }
    }

    /// Places the builder right before an instruction.
    pub fn position_before(&self, inst: Value<'m>) {
        // SAFETY: an instruction of this module.
        unsafe { llc::LLVMPositionBuilderBefore(self.builder, inst.raw) }
    }

    /// Places the builder right after an instruction (not a terminator).
    pub fn position_after(&self, inst: Value<'m>) {
        // SAFETY: an instruction of this module with a successor in its block.
        unsafe { llc::LLVMPositionBuilderBefore(self.builder, llc::LLVMGetNextInstruction(inst.raw)) }
    }

    pub fn load(&self, t: Type<'m>, ptr: Value<'m>) -> Value<'m> {
        // SAFETY: the builder is positioned; LLVM checks the types.
        val(unsafe { llc::LLVMBuildLoad2(self.builder, t.raw, ptr.raw, c"".as_ptr() as *const c_char) })
    }

    /// A volatile load: LLVM neither folds nor moves it.
    pub fn load_volatile(&self, t: Type<'m>, ptr: Value<'m>) -> Value<'m> {
        let l = self.load(t, ptr);
        // SAFETY: a load instruction just built.
        unsafe { llc::LLVMSetVolatile(l.raw, 1) };
        l
    }

    pub fn store(&self, v: Value<'m>, ptr: Value<'m>) {
        // SAFETY: the builder is positioned.
        unsafe { llc::LLVMBuildStore(self.builder, v.raw, ptr.raw) };
    }

    /// `getelementptr inbounds i8, ptr, offset`.
    pub fn byte_offset(&self, ptr: Value<'m>, offset: u64) -> Value<'m> {
        if offset == 0 {
            return ptr;
        }
        let mut idx = [self.const_int(self.int(64), offset).raw];
        // SAFETY: the builder is positioned; an i8 GEP on a pointer.
        val(unsafe {
            llc::LLVMBuildInBoundsGEP2(self.builder, llc::LLVMInt8TypeInContext(self.ctx), ptr.raw, idx.as_mut_ptr(), 1, c"".as_ptr())
        })
    }

    /// `getelementptr inbounds T, ptr, 0, i, j, …` (struct indices as i32, array indices as i64).
    pub fn element(&self, t: Type<'m>, ptr: Value<'m>, path: &[(u64, bool)]) -> Value<'m> {
        let mut idx = vec![self.const_int(self.int(64), 0).raw];
        for &(i, in_struct) in path {
            idx.push(self.const_int(self.int(if in_struct { 32 } else { 64 }), i).raw);
        }
        // SAFETY: the builder is positioned; the path follows `t`'s structure.
        val(unsafe { llc::LLVMBuildInBoundsGEP2(self.builder, t.raw, ptr.raw, idx.as_mut_ptr(), idx.len() as u32, c"".as_ptr()) })
    }

    pub fn addrspacecast(&self, v: Value<'m>, to: Type<'m>) -> Value<'m> {
        // SAFETY: the builder is positioned; a pointer to a pointer type.
        val(unsafe { llc::LLVMBuildAddrSpaceCast(self.builder, v.raw, to.raw, c"".as_ptr()) })
    }

    pub fn call(&self, fn_type: Type<'m>, f: Value<'m>, args: &[Value<'m>]) -> Value<'m> {
        let mut a: Vec<LLVMValueRef> = args.iter().map(|v| v.raw).collect();
        // SAFETY: the builder is positioned; LLVM checks the signature.
        val(unsafe { llc::LLVMBuildCall2(self.builder, fn_type.raw, f.raw, a.as_mut_ptr(), a.len() as u32, c"".as_ptr()) })
    }

    pub fn ret_void(&self) {
        // SAFETY: the builder is positioned at the end of a block.
        unsafe { llc::LLVMBuildRetVoid(self.builder) };
    }

    /// Replaces every operand of `user` that is `old` by `new`.
    pub fn replace_operand(&self, user: Value<'m>, old: Value<'m>, new: Value<'m>) {
        let ops: Vec<Value<'m>> = user.operands().collect();
        for (i, op) in ops.into_iter().enumerate() {
            if op == old {
                // SAFETY: an operand index of `user`; the new value has the old one's type.
                unsafe { llc::LLVMSetOperand(user.raw, i as u32, new.raw) }
            }
        }
    }

    /// The function an instruction belongs to.
    pub fn function_of(&self, inst: Value<'m>) -> Option<Value<'m>> {
        let b = inst.parent_block()?;
        // SAFETY: a live block.
        Value::wrap(unsafe { llc::LLVMGetBasicBlockParent(entry_raw(b)) })
    }
}

fn entry_raw(b: Block<'_>) -> llvm_sys::prelude::LLVMBasicBlockRef {
    b.raw
}
