//! Counts what a module contains, for `-confpass-stats`.

use super::PRIVATE_AS;
use crate::llvm::{ModuleView, Opcode, Value};
use crate::stats::Stats;

fn pointer_operand_is_private(v: Value<'_>, index: usize) -> bool {
    v.operands().nth(index).and_then(|p| p.ty().pointer_address_space()) == Some(PRIVATE_AS)
}

pub fn census(module: &ModuleView<'_>, stats: &mut Stats) {
    for g in module.globals() {
        if g.ty().pointer_address_space() == Some(PRIVATE_AS) {
            stats.inc("globals-private");
        } else {
            stats.inc("globals-public");
        }
    }
    for f in module.functions() {
        if f.is_declaration() {
            stats.inc("functions-declared");
            continue;
        }
        stats.inc("functions-defined");
        for inst in f.instructions() {
            stats.inc("instructions");
            match inst.opcode() {
                Some(Opcode::LLVMLoad) => {
                    stats.inc("loads");
                    if pointer_operand_is_private(inst, 0) {
                        stats.inc("loads-private");
                    }
                }
                Some(Opcode::LLVMStore) => {
                    stats.inc("stores");
                    if pointer_operand_is_private(inst, 1) {
                        stats.inc("stores-private");
                    }
                }
                Some(Opcode::LLVMCall | Opcode::LLVMInvoke | Opcode::LLVMCallBr) => {
                    match inst.called_value() {
                        Some(callee) if callee.is_function() => stats.inc("calls-direct"),
                        Some(callee) if callee.is_inline_asm() => stats.inc("calls-inline-asm"),
                        _ => stats.inc("calls-indirect"),
                    }
                }
                _ => {}
            }
        }
    }
}
