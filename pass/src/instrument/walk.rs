//! Loop walks: one guard per loop entry for an access that steps through memory.
//!
//! An access `p_k + o` in a loop, where `p_k` (the pointer at the k-th visit of the loop
//! header) is `p_{k-1} + step` for a constant step, needs no compare per iteration. The
//! argument is the guard zones': the start `p_0` is compared where the loop is entered, and
//! if the access runs on every iteration that goes round again (its block dominates every
//! latch), consecutive accessed addresses are at most `|step| + 2 * reach` bytes apart, which
//! is no more than one guard zone (64 KiB). An access that walks towards the block from
//! outside it therefore faults in a guard zone before it can touch the other side; an access
//! that walks out of R_priv faults in R_priv's closing guard zone the same way.
//!
//! Two shapes of `p_k`: a pointer induction (a header phi whose in-loop values are the phi
//! plus a constant), and an array index (`base + (i * m + c') * scale + offset`, `base`
//! defined outside the loop, `i` a 64-bit header phi whose in-loop values are `i + c`; the
//! index is built from `i` by `add`, `mul` and `shl` by constants, and `or` with a constant:
//! below the multiplier's lowest set bit that is the same as adding it (`src[2*x+1]`); any
//! other `or x, c` lies in [x, x + c], a slack the walk adds to every access's reach (an
//! unrolled loop's `a[i | 1]`, which LLVM proved `i` even for). The
//! index must be 64 bits wide: a narrower index that wraps would jump; in 64 bits the address
//! arithmetic wraps with it, so consecutive addresses stay `c * m * scale` bytes apart. The
//! step is the pointer's, so it holds whatever the program does with its bounds; nothing here
//! trusts the loop's exit condition.
//!
//! `guards` uses `walk` to replace per-iteration compares by compares of the start pointers;
//! `verify` uses it to recognise the same shape in the final IR and then finds those compares
//! itself.

use super::guards::{Cfg, WINDOW};
use crate::llvm::edit::Editor;
use crate::llvm::{Block, Opcode, Value};

/// Where the walk of a pointer starts when the loop is entered from one block.
#[derive(Debug, Clone, Copy)]
pub enum Start<'m> {
    /// A pointer induction starts at this pointer.
    Pointer(Value<'m>),
    /// An index walk starts at `base + (init * mult + add) * scale + offset`: `index` is the
    /// GEP walked (its operand `var` is `phi * mult + add`, see `affine`).
    Index { index: Value<'m>, var: Value<'m>, base: Value<'m>, init: Value<'m>, mult: i64, add: i64, scale: i64, offset: i64 },
}

/// A pointer that walks with a loop.
#[derive(Debug, Clone)]
pub struct Walk<'m> {
    header: Block<'m>,
    /// The largest step per iteration, in bytes.
    step: u64,
    /// How far an access may lie from where the walk's shape puts it, in bytes (an index's
    /// `or`s, see `affine`): added to every reach.
    slack: u64,
    /// Each way into the loop: the start and the block it enters from.
    pub starts: Vec<(Start<'m>, Block<'m>)>,
}

impl<'m> Walk<'m> {
    /// Whether an access in `at` reaching `reach` bytes from the walked pointer (its offset
    /// range plus its size) is covered by checks of the starts: it runs on every iteration
    /// that goes round again, and its steps cannot jump a guard zone.
    pub fn covers(&self, cfg: &Cfg<'m>, at: Block<'m>, reach: u64) -> bool {
        let reach = self.reach(reach);
        reach <= WINDOW
            && self.step.saturating_add(reach.saturating_mul(2)) <= 2 * WINDOW
            && cfg.in_loop(self.header, at)
            && cfg.latches(self.header).iter().all(|l| cfg.dominates(at, *l))
    }

    /// How far from a start an access reaching `reach` bytes from the walked pointer lies.
    pub fn reach(&self, reach: u64) -> u64 {
        reach.saturating_add(self.slack)
    }
}

/// A loop header, the largest step per iteration, and the values entering the loop with the
/// blocks they come from.
type Induction<'m> = (Block<'m>, u64, Vec<(Value<'m>, Block<'m>)>);

/// The header phi's arrivals: every in-loop value must be `step_of`'s shape (the phi plus a
/// constant number of bytes); the others are the starts.
fn induction<'m>(cfg: &Cfg<'m>, phi: Value<'m>, step_of: impl Fn(Value<'m>) -> Option<i64>) -> Option<Induction<'m>> {
    if phi.opcode() != Some(Opcode::LLVMPHI) {
        return None;
    }
    let header = phi.parent_block()?;
    if cfg.latches(header).is_empty() {
        return None;
    }
    let mut step = 0u64;
    let mut starts = Vec::new();
    for (x, from) in phi.incoming() {
        if cfg.in_loop(header, from) {
            step = step.max(step_of(x)?.unsigned_abs());
        } else {
            // The start is compared before `from`'s terminator: not after an invoke.
            let t = from.terminator()?;
            if !matches!(t.opcode(), Some(Opcode::LLVMBr | Opcode::LLVMSwitch)) {
                return None;
            }
            starts.push((x, from));
        }
    }
    (!starts.is_empty()).then_some((header, step, starts))
}

/// `x` as `v + c` for a constant `c` (an `add` with a constant operand), or `v` itself.
fn plus_constant<'m>(x: Value<'m>) -> (Value<'m>, i64) {
    if x.opcode() == Some(Opcode::LLVMAdd) {
        let ops: Vec<Value<'m>> = x.operands().collect();
        if let Some(c) = ops[1].const_int() {
            return (ops[0], c);
        }
    }
    (x, 0)
}

/// An index `leaf * mult + add`, give or take `slack`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Affine<'m> {
    pub leaf: Value<'m>,
    pub mult: i64,
    pub add: i64,
    pub slack: u64,
}

/// `x` as `leaf * mult + add ± slack` for constants `mult`, `add` and `slack`, where `leaf` is
/// the first value on the way down that `stop` accepts (or that is not `add`, `mul`, `shl` or
/// `or` with a constant). An `or x, c` is `x + c` where the bits are disjoint by construction
/// (`c` is below the lowest set bit of `x`'s multiplier, so `x`'s low bits are zero whatever
/// its value); otherwise it lies in [x, x + c] and counts as `x` with a slack of `c` (LLVM's
/// `disjoint` flag is a promise, not a fact). 64-bit wrapping arithmetic throughout.
pub fn affine<'m>(x: Value<'m>, stop: &impl Fn(Value<'m>) -> bool) -> Affine<'m> {
    fn go<'m>(x: Value<'m>, stop: &impl Fn(Value<'m>) -> bool, depth: u32) -> Option<Affine<'m>> {
        if stop(x) || depth == 0 {
            return None;
        }
        let op = x.opcode().filter(|o| matches!(o, Opcode::LLVMAdd | Opcode::LLVMOr | Opcode::LLVMMul | Opcode::LLVMShl))?;
        let ops: Vec<Value<'m>> = x.operands().collect();
        let c = ops.get(1).and_then(|c| c.const_int())?;
        let a = go(ops[0], stop, depth - 1).unwrap_or(Affine { leaf: ops[0], mult: 1, add: 0, slack: 0 });
        let small = |v: i64| v.unsigned_abs() <= WINDOW;
        let out = match op {
            Opcode::LLVMAdd => Affine { add: a.add.checked_add(c)?, ..a },
            Opcode::LLVMOr if c >= 0 && a.add == 0 && a.slack == 0 && a.mult != 0 && c < (1i64 << a.mult.trailing_zeros().min(62)) => {
                Affine { add: c, ..a }
            }
            Opcode::LLVMOr if small(c) && c >= 0 => Affine { slack: a.slack + c as u64, ..a },
            Opcode::LLVMMul if small(c) => Affine { mult: a.mult.checked_mul(c)?, add: a.add.checked_mul(c)?, slack: a.slack * c.unsigned_abs(), ..a },
            Opcode::LLVMShl if (0..16).contains(&c) => {
                Affine { mult: a.mult.checked_mul(1 << c)?, add: a.add.checked_mul(1 << c)?, slack: a.slack << c, ..a }
            }
            _ => return None,
        };
        (out.slack <= WINDOW).then_some(out)
    }
    let plain = Affine { leaf: x, mult: 1, add: 0, slack: 0 };
    if x.ty().int_width() != Some(64) {
        return plain;
    }
    go(x, stop, 8).unwrap_or(plain)
}

/// The walk of `root` (the pointer an access reaches within its window), if it walks with a
/// loop.
pub fn walk<'m>(ed: &Editor<'m>, cfg: &Cfg<'m>, root: Value<'m>) -> Option<Walk<'m>> {
    if root.opcode() == Some(Opcode::LLVMPHI) {
        let (header, step, starts) = induction(cfg, root, |x| {
            let (r, off) = ed.root_and_offset(x);
            (r == root).then_some(off)
        })?;
        return Some(Walk { header, step, slack: 0, starts: starts.into_iter().map(|(x, from)| (Start::Pointer(x), from)).collect() });
    }
    let (base, var, scale, offset) = ed.linear(root)?;
    let Affine { leaf: phi, mult, add, slack } = affine(var, &|v| v.opcode() == Some(Opcode::LLVMPHI));
    let slack = slack.checked_mul(scale.unsigned_abs()).filter(|s| *s <= WINDOW)?;
    let (header, step, starts) = induction(cfg, phi, |x| {
        let (v, c) = plus_constant(x);
        (v == phi).then(|| c.checked_mul(mult)?.checked_mul(scale)).flatten()
    })?;
    // The base must be the same on every iteration and available where the loop is entered.
    if base.is_instruction() && base.parent_block().is_none_or(|b| cfg.in_loop(header, b)) {
        return None;
    }
    let starts = starts
        .into_iter()
        .map(|(init, from)| {
            let start = Start::Index { index: root, var, base, init, mult, add, scale, offset };
            let available = !base.is_instruction() || base.parent_block().is_some_and(|b| cfg.dominates(b, from));
            // A constant start is checked as its base plus the offset: it must be near.
            let near = init.const_int().is_none() || constant_start(&start).is_some();
            (available && near).then_some((start, from))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Walk { header, step, slack, starts })
}

/// The constant byte offset of an index start from its base, when its initial index is a
/// constant (and the offset is small enough to matter).
pub fn constant_start(start: &Start<'_>) -> Option<i64> {
    let Start::Index { init, mult, add, scale, offset, .. } = start else { return None };
    let e = (i128::from(init.const_int()?) * i128::from(*mult) + i128::from(*add)) * i128::from(*scale) + i128::from(*offset);
    i64::try_from(e).ok().filter(|e| e.unsigned_abs() <= WINDOW)
}

/// Builds the start pointer of an index walk before `from`'s terminator: a copy of the
/// walked GEP with the initial index in place of the loop's.
pub fn materialize<'m>(ed: &Editor<'m>, start: &Start<'m>, from: Block<'m>) -> Value<'m> {
    match *start {
        Start::Pointer(x) => x,
        Start::Index { index, var, init, mult, add, .. } => {
            ed.position_before(from.terminator().expect("a block ends in a terminator"));
            let scaled = if mult == 1 { init } else { ed.mul(init, ed.const_int(init.ty(), mult as u64)) };
            let first = if add == 0 { scaled } else { ed.add(scaled, ed.const_int(init.ty(), add as u64)) };
            let mut copy = None;
            for (i, op) in index.operands().enumerate() {
                if op == var {
                    copy = Some(match copy {
                        None => ed.clone_gep_with_operand(index, i, first),
                        Some(c) => {
                            ed.set_operand(c, i, first);
                            c
                        }
                    });
                }
            }
            copy.expect("the walked GEP uses its index")
        }
    }
}

/// The verifier's search for an index walk's start pointer in the final IR: the GEPs on the
/// same base with the initial index in place of the loop's (as `materialize` builds it; there
/// may be several, for several loops).
pub fn find_starts<'m>(ed: &Editor<'m>, start: &Start<'m>) -> Vec<Value<'m>> {
    let Start::Index { base, init, mult, add, scale, offset, .. } = *start else { return Vec::new() };
    base.users().filter(|u| u.opcode() == Some(Opcode::LLVMGetElementPtr)).filter(|q| {
        ed.linear(*q).is_some_and(|(b, v, s, o)| {
            // (`materialize` folds a constant start.)
            let folded = v.const_int().is_some_and(|c| Some(c) == init.const_int().map(|i| i.wrapping_mul(mult).wrapping_add(add)));
            b == base && s == scale && o == offset && (folded || affine(v, &|x| x == init) == Affine { leaf: init, mult, add, slack: 0 })
        })
    })
    .collect()
}
