//! Pointer conversions across the private/public boundary.
//!
//! clang rejects implicit conversions between `private T *` and `T *`, but accepts explicit
//! casts, also as constant expressions in global initialisers. Either direction breaks the
//! partition: a private pointer made public lets public code read private memory; a public
//! pointer made private lets private data be written into public memory. Each becomes an
//! error at the instruction that contains the cast (or names the global whose initialiser
//! contains it).
//!
//! One exception: a cast whose only users are pointer comparisons (`p == q` between a private
//! and a public pointer makes clang insert one) moves no data and is allowed.
//! Casts through integers in constant expressions are found here too; through instructions
//! and locals they are the taint analysis's business (an address property that moves like data).

use std::collections::HashSet;

use super::PRIVATE_AS;
use crate::diag::{Code, Diagnostic};
use crate::llvm::{ModuleView, Opcode, Value};

/// Which way a cast crosses the boundary, if it does.
fn crossing(from: Option<u32>, to: Option<u32>) -> Option<Code> {
    match (from, to) {
        (Some(PRIVATE_AS), Some(t)) if t != PRIVATE_AS => Some(Code::PrivateToPublicCast),
        (Some(f), Some(PRIVATE_AS)) if f != PRIVATE_AS => Some(Code::PublicToPrivateCast),
        _ => None,
    }
}

fn cast_crossing(v: Value<'_>) -> Option<Code> {
    let from = v.operands().next()?.ty().pointer_address_space();
    crossing(from, v.ty().pointer_address_space())
}

fn only_compared(v: Value<'_>) -> bool {
    let mut users = v.users().peekable();
    users.peek().is_some() && users.all(|u| u.opcode() == Some(Opcode::LLVMICmp))
}

/// The address space of the pointer a constant integer expression was computed from
/// (`ptrtoint (ptr addrspace(1) @key to i64)` and arithmetic on it).
pub fn constant_address_origin(c: Value<'_>) -> Option<u32> {
    match c.const_expr_opcode()? {
        Opcode::LLVMPtrToInt | Opcode::LLVMPtrToAddr => c.operands().next()?.ty().pointer_address_space(),
        _ => c.operands().find_map(constant_address_origin),
    }
}

/// Finds boundary-crossing `addrspacecast` constant expressions reachable from `c`, and
/// round trips through integers (`inttoptr (ptrtoint …)`).
fn constant_crossings<'m>(c: Value<'m>, seen: &mut HashSet<Value<'m>>, out: &mut Vec<Code>) {
    if !seen.insert(c) || c.is_function() || c.is_global_variable() || c.is_instruction() {
        return;
    }
    match c.const_expr_opcode() {
        Some(Opcode::LLVMAddrSpaceCast) => out.extend(cast_crossing(c)),
        Some(Opcode::LLVMIntToPtr) => {
            let from = c.operands().next().and_then(constant_address_origin);
            let to = c.ty().pointer_address_space();
            out.extend(crossing(from.or(Some(0)), to));
        }
        _ => {}
    }
    for op in c.operands() {
        constant_crossings(op, seen, out);
    }
}

fn describe(code: Code) -> &'static str {
    match code {
        Code::PrivateToPublicCast => "pointer to private memory converted to a public pointer",
        _ => "public pointer converted to a pointer to private memory",
    }
}

pub fn check<'m>(module: &ModuleView<'m>) -> Vec<Diagnostic<Value<'m>>> {
    let mut out = Vec::new();
    for f in module.functions().filter(|f| !f.is_declaration()) {
        for inst in f.instructions() {
            let mut codes = Vec::new();
            if inst.opcode() == Some(Opcode::LLVMAddrSpaceCast) && !only_compared(inst) {
                codes.extend(cast_crossing(inst));
            }
            let mut seen = HashSet::new();
            for op in inst.operands() {
                constant_crossings(op, &mut seen, &mut codes);
            }
            // One report per instruction and kind.
            codes.sort();
            codes.dedup();
            for code in codes {
                out.push(Diagnostic::error(code, Some(inst), describe(code)));
            }
        }
    }
    // The lists of the `used` attribute and of annotations name globals without giving their
    // address to code; the instrument step takes private globals out of them.
    let metadata = |g: &Value<'m>| matches!(g.name().as_str(), "llvm.used" | "llvm.compiler.used" | "llvm.global.annotations");
    for g in module.globals().filter(|g| !metadata(g)) {
        let Some(init) = g.initializer() else { continue };
        let mut codes = Vec::new();
        constant_crossings(init, &mut HashSet::new(), &mut codes);
        codes.sort();
        codes.dedup();
        for code in codes {
            let msg = format!("{} in the initialiser of global '{}'", describe(code), g.name());
            out.push(Diagnostic::error(code, None, msg));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_directions() {
        assert_eq!(crossing(Some(1), Some(0)), Some(Code::PrivateToPublicCast));
        assert_eq!(crossing(Some(0), Some(1)), Some(Code::PublicToPrivateCast));
        assert_eq!(crossing(Some(1), Some(1)), None);
        assert_eq!(crossing(Some(0), Some(0)), None);
        assert_eq!(crossing(Some(256), Some(0)), None);
        assert_eq!(crossing(None, Some(1)), None);
    }
}
