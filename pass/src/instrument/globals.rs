//! Private globals move into the private region.
//!
//! The module's private globals become one image: a constant struct of their initial values,
//! each at an offset that keeps its alignment. A constructor that runs before any user
//! constructor (priority 0) hands the image to the runtime (`__confpass_register_globals`),
//! which copies it into the private region and returns where it lives; the constructor keeps
//! that address in the module's base (`__confpass.base`). Code then addresses a private global
//! as base + constant offset: one load of the base at each function's entry.
//!
//! - A private global that other files may use also gets `<name>.confpass_addr`, a public
//!   pointer set by the constructor; a file that only declares it loads that pointer.
//! - A public global initialised with the address of a private global (`private char *p =
//!   key;`) is initialised with null and patched by the constructor.
//! - The base and each published address are alone in a page of their own, which the
//!   runtime makes read-only once the constructors have run (`__confpass_seal`): an
//!   overwritten base had redirected every private global of the module to other private data.
//! - The original globals are deleted: no symbol of the binary refers to private data any more.
//!   The image is writable data that the runtime wipes once it has copied it (a public
//!   over-read of the loaded binary found the initial values while it was a constant; they
//!   stay in the file on disk).

use std::collections::HashMap;

use crate::analysis::PRIVATE_AS;
use crate::diag::{Code, Diagnostic};
use crate::llvm::edit::{Editor, Linkage};
use crate::llvm::{ModuleView, Value};
use crate::stats::Stats;

/// The size (and alignment) of the padded globals that hold a module's addresses of private
/// globals: one page each (keep in sync with runtime/src/globals.rs).
const SEALED_PAGE: u64 = 4096;

/// Offsets of items of the given (size, alignment) laid out in order, the total size and the
/// largest alignment.
pub fn image_layout(items: &[(u64, u64)]) -> (Vec<u64>, u64, u64) {
    let mut offsets = Vec::with_capacity(items.len());
    let (mut end, mut max_align) = (0u64, 1u64);
    for &(size, align) in items {
        let align = align.max(1);
        let at = end.div_ceil(align) * align;
        offsets.push(at);
        end = at + size;
        max_align = max_align.max(align);
    }
    (offsets, end, max_align)
}

/// Where a patched initialiser's pointer goes: the element path inside the global.
struct Patch<'m> {
    global: Value<'m>,
    path: Vec<(u64, bool)>,
    target: Value<'m>,
    offset: i64,
}

fn is_private_global(v: Value<'_>) -> bool {
    v.is_global_variable() && v.ty().pointer_address_space() == Some(PRIVATE_AS) && !v.is_thread_local()
}

fn is_metadata_global(v: Value<'_>) -> bool {
    v.name().starts_with("llvm.")
}

/// Finds the pointers to private globals inside an initialiser and replaces them with null.
/// A pointer found in an initialiser: its element path, the private global, the offset.
type Found<'m> = (Vec<(u64, bool)>, Value<'m>, i64);

fn strip_initializer<'m>(
    ed: &Editor<'m>,
    c: Value<'m>,
    path: &mut Vec<(u64, bool)>,
    patches: &mut Vec<Found<'m>>,
    bad: &mut bool,
) -> Value<'m> {
    if ed.is_aggregate_constant(c) {
        let in_struct = ed.is_struct_constant(c);
        let old: Vec<Value<'m>> = c.operands().collect();
        let mut changed = false;
        let mut new = Vec::with_capacity(old.len());
        for (i, e) in old.iter().enumerate() {
            path.push((i as u64, in_struct));
            let n = strip_initializer(ed, *e, path, patches, bad);
            path.pop();
            changed |= n != *e;
            new.push(n);
        }
        return if changed { ed.const_aggregate_like(c, &new) } else { c };
    }
    if !refers_to_private(c, 0) {
        return c;
    }
    match (c.ty().pointer_address_space(), ed.base_and_offset(c)) {
        (Some(_), Some((g, off))) if is_private_global(g) => {
            patches.push((path.clone(), g, off));
            ed.const_null(c.ty())
        }
        _ => {
            *bad = true;
            c
        }
    }
}

fn refers_to_private(c: Value<'_>, depth: u32) -> bool {
    if is_private_global(c) {
        return true;
    }
    if depth > 16 || c.is_global_variable() || c.is_function() || c.is_instruction() {
        return false;
    }
    c.operands().any(|o| refers_to_private(o, depth + 1))
}

/// Keeps the optimiser from folding the initial values of the module's private globals into
/// code or public constants (a private table read at constant indices became immediates and
/// a `.rodata` constant, public memory): called by the check step, before any optimisation;
/// [`relocate`] takes the pins out. Returns how many were pinned.
pub fn pin_private_globals<'m>(ed: &Editor<'m>, view: &ModuleView<'m>) -> u64 {
    let defined: Vec<Value<'m>> = view.globals().filter(|g| is_private_global(*g) && !g.is_declaration()).collect();
    if !defined.is_empty() {
        ed.pin(&defined);
    }
    defined.len() as u64
}

/// Private globals that are `const` scalars or structures: clang's front end folds the value
/// of a const scalar, or of a member of a const structure, into the code that reads it (at -O0
/// too), before confpass sees the module, so the value ends up in public instructions. Each is
/// an error (one that is only read by value is not even emitted, and confpass cannot see it:
/// see the README's known limits). Const arrays of scalars are read from memory: allowed.
pub fn const_scalars<'m>(ed: &Editor<'m>, view: &ModuleView<'m>) -> Vec<Diagnostic<Value<'m>>> {
    view.globals()
        .filter(|g| is_private_global(*g) && g.is_constant_global() && ed.value_type(*g).folded_when_const())
        .map(|g| {
            let message = format!(
                "private global '{}' is a const scalar or structure: clang folds its values into the code that reads them, where they are public; declare it without const",
                g.name()
            );
            Diagnostic::error(Code::BadAnnotation, None, message)
        })
        .collect()
}

/// Relocates the module's private globals; returns what could not be relocated.
pub fn relocate<'m>(ed: &Editor<'m>, view: &ModuleView<'m>, stats: &mut Stats) -> Vec<Diagnostic<Value<'m>>> {
    let mut diags = Vec::new();
    let privates: Vec<Value<'m>> = view.globals().filter(|g| is_private_global(*g)).collect();
    if privates.is_empty() {
        return diags;
    }
    // Out of the used lists: the check step's pins, and a program's own `used` attribute,
    // which kept the original (initial values and all) in the binary's public data.
    ed.unpin(&privates);
    ed.expand_constant_users(&privates);
    let defined: Vec<Value<'m>> = privates.iter().copied().filter(|g| !g.is_declaration()).collect();

    // The image.
    let items: Vec<(u64, u64)> = defined
        .iter()
        .map(|g| {
            let t = ed.value_type(*g);
            (ed.size_of(t), ed.alignment(*g).max(ed.abi_align(t)))
        })
        .collect();
    let (offsets, total, align) = image_layout(&items);
    let mut fields = Vec::new();
    let mut field_of: HashMap<Value<'m>, usize> = HashMap::new();
    let mut end = 0;
    for (g, (&at, &(size, _))) in defined.iter().zip(offsets.iter().zip(&items)) {
        if at > end {
            fields.push(ed.const_null(ed.byte_array(at - end)));
        }
        field_of.insert(*g, fields.len());
        fields.push(g.initializer().unwrap_or_else(|| ed.const_null(ed.value_type(*g))));
        end = at + size;
    }
    let offset_of: HashMap<Value<'m>, u64> = defined.iter().copied().zip(offsets.iter().copied()).collect();

    let ptr0 = ed.ptr(0);
    let ptr1 = ed.ptr(PRIVATE_AS);
    // The module's pointers to private globals sit each alone in a page, which the runtime
    // makes read-only once the constructor has set them (`__confpass_seal`): overwritten, they
    // would redirect private globals to other private data.
    let sealed_t = ed.byte_array(SEALED_PAGE);
    let base = ed.add_global(sealed_t, "__confpass.base", 0);
    ed.set_initializer(base, ed.const_null(sealed_t));
    ed.set_linkage(base, Linkage::LLVMInternalLinkage);
    ed.set_alignment(base, SEALED_PAGE);

    // Published addresses of the globals other files may use; declarations of the others'.
    let mut addr_of: HashMap<Value<'m>, Value<'m>> = HashMap::new();
    for &g in &privates {
        let linkage = ed.linkage(g);
        let internal = matches!(linkage, Linkage::LLVMInternalLinkage | Linkage::LLVMPrivateLinkage);
        if internal {
            continue;
        }
        let a = ed.add_global(if g.is_declaration() { ptr1 } else { sealed_t }, &format!("{}.confpass_addr", g.name()), 0);
        if !g.is_declaration() {
            ed.set_initializer(a, ed.const_null(sealed_t));
            ed.set_alignment(a, SEALED_PAGE);
            let l = match linkage {
                Linkage::LLVMCommonLinkage | Linkage::LLVMWeakAnyLinkage | Linkage::LLVMWeakODRLinkage => Linkage::LLVMWeakAnyLinkage,
                Linkage::LLVMLinkOnceAnyLinkage | Linkage::LLVMLinkOnceODRLinkage => Linkage::LLVMLinkOnceAnyLinkage,
                _ => Linkage::LLVMExternalLinkage,
            };
            ed.set_linkage(a, l);
        }
        addr_of.insert(g, a);
    }

    // Initialisers of other globals that point into private ones.
    let mut patches: Vec<Patch<'m>> = Vec::new();
    let mut keep = Vec::new();
    for h in view.globals().collect::<Vec<_>>() {
        let Some(init) = h.initializer() else { continue };
        if !refers_to_private(init, 0) {
            continue;
        }
        let mut found = Vec::new();
        let mut bad = false;
        let stripped = strip_initializer(ed, init, &mut Vec::new(), &mut found, &mut bad);
        if is_metadata_global(h) {
            // llvm.global.annotations and friends (the used lists are unpinned above): the
            // original must not stay in the binary for them, with its initial values in public
            // data; the entry loses its pointer.
            if bad {
                keep.extend(privates.iter().copied());
                diags.push(Diagnostic::error(Code::Unsupported, None, format!("'{}' refers to a private global in a way confpass cannot remove", h.name())));
            } else {
                ed.set_initializer(h, stripped);
            }
            continue;
        }
        if bad {
            diags.push(Diagnostic::error(
                Code::Unsupported,
                None,
                format!("the initialiser of global '{}' uses the address of a private global in a way confpass cannot relocate", h.name()),
            ));
            continue;
        }
        if found.is_empty() {
            continue;
        }
        if let Some(&field) = field_of.get(&h) {
            // A private global pointing to a private global: patch its copy in the region.
            fields[field] = stripped;
        } else {
            ed.set_initializer(h, stripped);
            ed.set_constant(h, false);
        }
        patches.extend(found.into_iter().map(|(path, target, offset)| Patch { global: h, path, target, offset }));
    }

    let image_init = ed.const_packed_struct(&fields);
    let image = ed.add_global(image_init.ty(), "__confpass.image", 0);
    ed.set_initializer(image, image_init);
    ed.set_linkage(image, Linkage::LLVMPrivateLinkage);
    // Writable: the runtime wipes it once copied, so that no public over-read finds the
    // initial values in the loaded binary (they stay in the file on disk).
    ed.set_constant(image, false);
    ed.set_alignment(image, align);

    // The constructor.
    let i64t = ed.int(64);
    let register_t = ed.function_type(ptr0, &[ptr0, i64t, i64t]);
    let register = ed.function("__confpass_register_globals", register_t);
    let ctor = ed.new_internal_function("__confpass.register_globals", ed.function_type(ed.void(), &[]));
    let at = ed.call(register_t, register, &[image, ed.const_int(i64t, total), ed.const_int(i64t, align)]);
    let at = ed.addrspacecast(at, ptr1);
    ed.store(at, base);
    let address = |ed: &Editor<'m>, g: Value<'m>, extra: i64| -> Option<Value<'m>> {
        let off = *offset_of.get(&g)? as i64 + extra;
        Some(ed.byte_offset(at, off as u64))
    };
    for &g in &defined {
        if let Some(&a) = addr_of.get(&g) {
            let p = address(ed, g, 0).expect("defined");
            ed.store(p, a);
        }
    }
    for p in &patches {
        let value = match address(ed, p.target, p.offset) {
            Some(v) => v,
            None => {
                let a = addr_of[&p.target];
                let v = ed.load(ptr1, a);
                ed.byte_offset(v, p.offset as u64)
            }
        };
        let dst = if is_private_global(p.global) {
            let off = offset_of[&p.global];
            let holder = ed.byte_offset(at, off);
            ed.element(ed.value_type(p.global), holder, &p.path)
        } else {
            ed.element(ed.value_type(p.global), p.global, &p.path)
        };
        ed.store(value, dst);
    }
    let seal_t = ed.function_type(ed.void(), &[ptr0, i64t]);
    let seal = ed.function("__confpass_seal", seal_t);
    let own_addrs = defined.iter().filter_map(|g| addr_of.get(g).copied());
    for page in std::iter::once(base).chain(own_addrs) {
        ed.call(seal_t, seal, &[page, ed.const_int(i64t, SEALED_PAGE)]);
    }
    ed.ret_void();
    ed.append_ctor(ctor, 0);

    // Code: base + offset (or the published address), computed once per function.
    let mut rewritten = 0u64;
    let mut per_function: HashMap<(Value<'m>, Value<'m>), Value<'m>> = HashMap::new();
    let mut base_of: HashMap<Value<'m>, Value<'m>> = HashMap::new();
    for &g in &privates {
        for user in g.users().collect::<Vec<_>>() {
            if !user.is_instruction() {
                continue;
            }
            let Some(f) = ed.function_of(user) else { continue };
            if f == ctor {
                continue;
            }
            let replacement = *per_function.entry((f, g)).or_insert_with(|| match offset_of.get(&g) {
                Some(&off) => {
                    let b = *base_of.entry(f).or_insert_with(|| {
                        ed.position_at_entry(f);
                        ed.load(ptr1, base)
                    });
                    ed.position_after(b);
                    ed.byte_offset(b, off)
                }
                None => {
                    ed.position_at_entry(f);
                    ed.load(ptr1, addr_of[&g])
                }
            });
            ed.replace_operand(user, g, replacement);
            rewritten += 1;
        }
    }
    let mut kept = 0u64;
    for g in privates {
        if keep.contains(&g) || !ed.delete_if_unused(g) {
            kept += 1;
        }
    }
    stats.add("private-globals-kept-in-binary", kept);
    stats.add("private-globals-relocated", defined.len() as u64);
    stats.add("private-global-uses-rewritten", rewritten);
    stats.add("private-global-initialisers-patched", patches.len() as u64);
    diags
}

#[cfg(test)]
mod tests {
    use super::image_layout;

    #[test]
    fn layout_keeps_alignment() {
        let (offsets, total, align) = image_layout(&[(3, 1), (8, 8), (1, 1), (32, 16)]);
        assert_eq!(offsets, [0, 8, 16, 32]);
        assert_eq!((total, align), (64, 16));
        assert_eq!(image_layout(&[]), (vec![], 0, 1));
    }
}
