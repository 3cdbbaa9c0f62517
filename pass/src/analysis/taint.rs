//! Taint inference: which values are private, and where private data would reach a public
//! place.
//!
//! One taint variable per SSA value, per local memory object (an `alloca` whose address does
//! not escape), per block's control context (`pc`), and per return of a function whose
//! signature is inferred. Constraints are implications solved by [`super::solver`]:
//!
//! | IR | constraint |
//! |---|---|
//! | `r = load p` | `p ⇒ r`; memory(p) ⇒ r (memory of a `private` pointer is private) |
//! | `store v, p` | `v, p, pc ⇒ memory(p)`; into public memory all three must be public |
//! | arithmetic, casts, compares, `select`, `gep` | operands ⇒ result |
//! | `phi` in block B | incoming values, `pc` of the incoming blocks and their branch conditions ⇒ result |
//! | block B control dependent on X | condition(X), pc(X) ⇒ pc(B) |
//! | call of an inferred (static, not address-taken) function | argument ⇒ parameter, return ⇒ result |
//! | call of any other function | private arguments only where its signature says so; private result where it says so |
//! | call under a private `pc` | the callee must have no public effect |
//!
//! Memory is where pointer-level taint comes from: a pointer in address space 1 points to
//! private memory, a pointer derived from a non-escaping local points to that local's inferred
//! memory, anything else points to public memory. A local whose address escapes (passed to a
//! function, stored, converted) is public memory. Linear in module size: one walk to build the
//! graph, one breadth-first search to solve it.

use std::collections::{HashMap, HashSet};

use super::annotations::{Signature, Signatures};
use super::casts::constant_address_origin;
use super::cfg::control_dependence;
use super::policy::{Policy, Rule, Term};
use super::solver::{Follow, Graph, Kind, NodeId, Scratch, Solution};
use super::PRIVATE_AS;
use crate::diag::{Code, Diagnostic};
use crate::llvm::{Block, ModuleView, Opcode, Value};
use crate::options::FlowPolicy;
use crate::stats::Stats;

/// The scalar declassification functions of `confpass.h`.
pub const DECLASSIFY_SCALAR: [&str; 4] =
    ["conf_declassify_int", "conf_declassify_long", "conf_declassify_ulong", "conf_declassify_double"];
/// The byte-copying declassification function of `confpass.h`.
pub const DECLASSIFY_BYTES: &str = "conf_declassify_bytes";

/// Why a step of a flow happens; the text of its note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    ReadPrivate,
    PrivateParam(usize),
    PrivateResult,
    Stored,
    Argument(usize),
    Returned,
    Branch,
    Policy,
    PrivateAddress,
}

impl Why {
    pub fn text(self) -> String {
        match self {
            Why::ReadPrivate => "private data is read here".into(),
            Why::PrivateParam(i) => format!("parameter {} is private (CONF_PRIVATE_ARGS)", i + 1),
            Why::PrivateResult => "the call returns private data here".into(),
            Why::Stored => "it is stored into a local variable here".into(),
            Why::Argument(i) => format!("it is passed as argument {} here", i + 1),
            Why::Returned => "it is returned here".into(),
            Why::Branch => "a branch on private data here decides what runs next".into(),
            Why::Policy => "it flows through a library function here".into(),
            Why::PrivateAddress => "the address of private memory becomes an integer here".into(),
        }
    }
}

/// A labelled step of a flow.
#[derive(Debug, Clone, Copy)]
pub struct Step<'m> {
    pub at: Value<'m>,
    pub why: Why,
}

/// Where a pointer points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Private,
    Public,
    Local(NodeId),
}

/// A requirement: `node` must stay public, else `code` at `at`.
struct Check<'m> {
    node: NodeId,
    code: Code,
    at: Value<'m>,
    message: String,
    extra_note: Option<(Value<'m>, String)>,
}

/// A solution, and how to explain private call results: the flow inside the callee.
struct Explained<'m> {
    solution: Solution<Step<'m>>,
    /// The solution with every inferred parameter public (what callees return of their own).
    own: Solution<Step<'m>>,
    /// Calls whose result is private of the callee's own: call → the callee's return node.
    returns: HashMap<Value<'m>, NodeId>,
}

impl<'m> Explained<'m> {
    fn is_private(&self, n: NodeId) -> bool {
        self.solution.is_private(n)
    }

    /// The flow to `n`; when it starts at a call whose callee returns private data of its
    /// own, the flow inside the callee comes first (`own` follows returns, so it is complete).
    fn path(&self, n: NodeId) -> Vec<Step<'m>> {
        let path = self.solution.path(n);
        match path.first() {
            Some(first) if first.why == Why::PrivateResult => match self.returns.get(&first.at) {
                Some(&r) => self.own.path(r).into_iter().chain(path).collect(),
                None => path,
            },
            _ => path,
        }
    }
}

/// A call of a function whose signature is inferred.
struct CallSite<'m> {
    callee: Value<'m>,
    args: Vec<NodeId>,
    result: NodeId,
    at: Value<'m>,
}

/// What the analysis found.
pub struct Findings<'m> {
    pub diags: Vec<Diagnostic<Value<'m>>>,
    /// Every declassification call site.
    pub declassifications: Vec<Value<'m>>,
    /// Locals (allocas) that may hold private data: they stay on the private native stack.
    pub private_locals: HashSet<Value<'m>>,
    /// Locals whose address escapes: public memory.
    pub escaped_locals: HashSet<Value<'m>>,
    /// Pointer slots (locals that only hold pointers into one other local) and that local.
    pub slots: HashMap<Value<'m>, Value<'m>>,
}

impl<'m> Findings<'m> {
    /// The local (alloca) an address points into, through GEPs, casts and pointer slots.
    pub fn local_of(&self, p: Value<'m>) -> Option<Value<'m>> {
        let b = Analysis::base(p);
        match b.opcode()? {
            Opcode::LLVMAlloca => Some(b),
            Opcode::LLVMLoad => self.slots.get(&b.operands().next()?).copied(),
            _ => None,
        }
    }
}

/// Intrinsics by what they do to taint.
enum Intrinsic {
    /// `llvm.memcpy`, `llvm.memmove`: (dst, src, len).
    Transfer,
    /// `llvm.memset`: (dst, value, len).
    Set,
    /// No data flow and no memory effect (lifetime markers, debug info, hints, varargs setup).
    NoEffect,
    /// A pure computation: operands ⇒ result.
    Pure,
    /// Ends the process (`llvm.trap`): whether it runs is visible.
    Terminates,
    /// Anything else: must only see public data.
    Unknown,
}

fn classify_intrinsic(name: &str) -> Intrinsic {
    const NO_EFFECT: &[&str] = &[
        "llvm.lifetime.", "llvm.dbg.", "llvm.assume", "llvm.va_start", "llvm.va_end", "llvm.va_copy",
        "llvm.stacksave", "llvm.stackrestore", "llvm.experimental.noalias.scope.decl", "llvm.invariant.",
        "llvm.prefetch", "llvm.donothing", "llvm.sideeffect",
        "llvm.var.annotation", "llvm.codeview.", "llvm.pseudoprobe", "llvm.instrprof.",
    ];
    const PURE: &[&str] = &[
        "llvm.abs.", "llvm.smax.", "llvm.smin.", "llvm.umax.", "llvm.umin.", "llvm.scmp.", "llvm.ucmp.",
        "llvm.fabs.", "llvm.fshl.", "llvm.fshr.", "llvm.ctpop.", "llvm.ctlz.", "llvm.cttz.", "llvm.bswap.",
        "llvm.bitreverse.", "llvm.sqrt.", "llvm.pow", "llvm.exp", "llvm.log", "llvm.sin", "llvm.cos", "llvm.tan",
        "llvm.floor.", "llvm.ceil.", "llvm.trunc.", "llvm.round", "llvm.rint.", "llvm.nearbyint.", "llvm.lround",
        "llvm.llround", "llvm.lrint", "llvm.llrint", "llvm.copysign.", "llvm.fma.", "llvm.fmuladd.", "llvm.minnum.",
        "llvm.maxnum.", "llvm.minimum", "llvm.maximum", "llvm.sadd.", "llvm.uadd.", "llvm.ssub.", "llvm.usub.",
        "llvm.smul.", "llvm.umul.", "llvm.sshl.", "llvm.ushl.", "llvm.expect", "llvm.objectsize.", "llvm.is.constant.",
        "llvm.is.fpclass.", "llvm.ptrmask.", "llvm.threadlocal.address.", "llvm.vector.reduce.", "llvm.canonicalize.",
        "llvm.frexp.", "llvm.ldexp.", "llvm.ptr.annotation.", "llvm.launder.invariant.group.",
        "llvm.strip.invariant.group.", "llvm.returnaddress", "llvm.frameaddress", "llvm.fptosi.sat.",
        "llvm.fptoui.sat.", "llvm.annotation.", "llvm.asin", "llvm.acos", "llvm.atan", "llvm.sinh", "llvm.cosh",
        "llvm.tanh", "llvm.roundeven.",
    ];
    if ["llvm.trap", "llvm.debugtrap", "llvm.ubsantrap"].contains(&name) {
        Intrinsic::Terminates
    } else if name.starts_with("llvm.memcpy") || name.starts_with("llvm.memmove") {
        Intrinsic::Transfer
    } else if name.starts_with("llvm.memset") {
        Intrinsic::Set
    } else if NO_EFFECT.iter().any(|p| name.starts_with(p)) {
        Intrinsic::NoEffect
    } else if PURE.iter().any(|p| name.starts_with(p)) {
        Intrinsic::Pure
    } else {
        Intrinsic::Unknown
    }
}

/// Globals that refer to functions without taking their address for the program.
fn is_metadata_global(v: Value<'_>) -> bool {
    matches!(v.name().as_str(), "llvm.global.annotations" | "llvm.used" | "llvm.compiler.used")
}

/// Whether a function's address is used other than as the callee of a direct call.
pub fn address_taken(f: Value<'_>) -> bool {
    fn constant_escapes(c: Value<'_>, depth: u32) -> bool {
        if depth > 16 {
            return true;
        }
        c.users().any(|u| {
            if u.is_global_variable() {
                !is_metadata_global(u)
            } else if u.is_instruction() {
                true
            } else {
                constant_escapes(u, depth + 1)
            }
        })
    }
    f.users().any(|u| {
        if u.is_instruction() {
            u.called_value() != Some(f) || u.call_args().contains(&f)
        } else if u.is_global_variable() {
            !is_metadata_global(u)
        } else {
            constant_escapes(u, 0)
        }
    })
}

struct Analysis<'m, 'a> {
    sigs: &'a Signatures<'m>,
    policy: &'a Policy,
    flows: FlowPolicy,
    g: Graph<Step<'m>>,
    values: HashMap<Value<'m>, NodeId>,
    /// Inferred memory of non-escaping locals.
    locals: HashMap<Value<'m>, NodeId>,
    /// Pointer slots and the local they point into.
    slots: HashMap<Value<'m>, Value<'m>>,
    /// Escaping locals: what private data may reach them (for the partition, not the checks).
    escaped_shadow: HashMap<Value<'m>, NodeId>,
    /// Escaping locals and where their address escapes.
    escaped: HashMap<Value<'m>, Value<'m>>,
    pc: HashMap<Block<'m>, NodeId>,
    returns: HashMap<Value<'m>, NodeId>,
    inferred: HashSet<Value<'m>>,
    public_effect: HashSet<Value<'m>>,
    checks: Vec<Check<'m>>,
    /// Calls of inferred functions, for their summaries.
    calls: Vec<CallSite<'m>>,
    /// Integers that hold the address of private memory (`ptrtoint` of a private pointer).
    address_facts: Vec<(NodeId, Step<'m>)>,
    /// `inttoptr` operands: (operand, whether the result is a private pointer, instruction).
    address_checks: Vec<(NodeId, bool, Value<'m>)>,
    declassifications: Vec<Value<'m>>,
    diags: Vec<Diagnostic<Value<'m>>>,
}

impl<'m> Analysis<'m, '_> {
    fn v(&mut self, x: Value<'m>) -> NodeId {
        if let Some(n) = self.values.get(&x) {
            return *n;
        }
        let n = self.g.node();
        self.values.insert(x, n);
        // A constant computed from a private address (`ptrtoint (ptr addrspace(1) @key …)`).
        if !x.is_instruction() && constant_address_origin(x) == Some(PRIVATE_AS) {
            self.address_facts.push((n, Step { at: x, why: Why::PrivateAddress }));
        }
        n
    }

    fn pc(&mut self, b: Block<'m>) -> NodeId {
        if let Some(n) = self.pc.get(&b) {
            return *n;
        }
        let n = self.g.node();
        self.pc.insert(b, n);
        n
    }

    fn ret(&mut self, f: Value<'m>) -> NodeId {
        if let Some(n) = self.returns.get(&f) {
            return *n;
        }
        let n = self.g.node();
        self.returns.insert(f, n);
        n
    }

    /// A node that is private because of `why` at `at`.
    fn fact(&mut self, at: Value<'m>, why: Why) -> NodeId {
        let n = self.g.node();
        self.g.private(n, Step { at, why });
        n
    }

    fn check(&mut self, node: NodeId, code: Code, at: Value<'m>, message: impl Into<String>) {
        self.checks.push(Check { node, code, at, message: message.into(), extra_note: None });
    }

    fn signature(&self, f: Value<'m>) -> Signature {
        self.sigs.get(&f).cloned().unwrap_or_default()
    }

    /// The pointer an address is computed from, through GEPs and casts.
    fn base(p: Value<'m>) -> Value<'m> {
        let mut cur = p;
        for _ in 0..64 {
            match cur.opcode() {
                Some(Opcode::LLVMGetElementPtr | Opcode::LLVMBitCast) => match cur.operands().next() {
                    Some(op) => cur = op,
                    None => break,
                },
                _ => break,
            }
        }
        cur
    }

    /// The local an address is based on, through GEPs, casts and pointer slots.
    fn base_local(&self, p: Value<'m>) -> Option<Value<'m>> {
        let b = Self::base(p);
        match b.opcode()? {
            Opcode::LLVMAlloca => Some(b),
            Opcode::LLVMLoad => self.slots.get(&b.operands().next()?).copied(),
            _ => None,
        }
    }

    /// Pointer slots: locals that only ever hold pointers into one other local (a cursor
    /// `char *out = buf;` at -O0 lives in memory). Loads from a slot point into that local.
    fn find_slots(&mut self, f: Value<'m>) {
        #[derive(Clone, Copy, PartialEq, Eq)]
        enum Pt<'m> {
            Nothing,
            Local(Value<'m>),
            Unknown,
        }
        let allocas: Vec<Value<'m>> = f.instructions().filter(|i| i.opcode() == Some(Opcode::LLVMAlloca)).collect();
        // A slot is only loaded from and stored into (as the address), besides lifetime marks.
        let is_slot = |a: Value<'m>| {
            a.users().all(|u| match u.opcode() {
                Some(Opcode::LLVMLoad) => true,
                Some(Opcode::LLVMStore) => u.operands().nth(1) == Some(a) && u.operands().next() != Some(a),
                Some(Opcode::LLVMCall) => u
                    .called_value()
                    .is_some_and(|c| c.is_intrinsic() && matches!(classify_intrinsic(&c.name()), Intrinsic::NoEffect)),
                _ => false,
            })
        };
        let slots: Vec<Value<'m>> = allocas.iter().copied().filter(|a| is_slot(*a)).collect();
        let mut pt: HashMap<Value<'m>, Pt<'m>> = slots.iter().map(|s| (*s, Pt::Nothing)).collect();
        for _ in 0..=slots.len() {
            let mut changed = false;
            for &slot in &slots {
                let mut acc = Pt::Nothing;
                for store in slot.users().filter(|u| u.opcode() == Some(Opcode::LLVMStore)) {
                    let v = Self::base(store.operands().next().expect("store has a value"));
                    let from = match v.opcode() {
                        Some(Opcode::LLVMAlloca) if !pt.contains_key(&v) => Pt::Local(v),
                        Some(Opcode::LLVMLoad) => v.operands().next().and_then(|s| pt.get(&s).copied()).unwrap_or(Pt::Unknown),
                        _ if v.ty().pointer_address_space().is_none() || v.is_null_constant() => Pt::Nothing,
                        _ => Pt::Unknown,
                    };
                    acc = match (acc, from) {
                        (Pt::Nothing, x) | (x, Pt::Nothing) => x,
                        (Pt::Local(a), Pt::Local(b)) if a == b => Pt::Local(a),
                        _ => Pt::Unknown,
                    };
                }
                if pt[&slot] != acc {
                    pt.insert(slot, acc);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for (slot, target) in pt {
            if let Pt::Local(l) = target {
                self.slots.insert(slot, l);
            }
        }
    }

    fn target(&mut self, p: Value<'m>) -> Target {
        if p.ty().pointer_address_space() == Some(PRIVATE_AS) {
            return Target::Private;
        }
        match self.base_local(p) {
            Some(a) if !self.escaped.contains_key(&a) => {
                let n = match self.locals.get(&a) {
                    Some(n) => *n,
                    None => {
                        let n = self.g.node();
                        self.locals.insert(a, n);
                        n
                    }
                };
                Target::Local(n)
            }
            _ => Target::Public,
        }
    }

    /// The node of the memory `p` points to, for reading: `None` for public memory.
    fn memory_read(&mut self, p: Value<'m>, at: Value<'m>) -> Option<NodeId> {
        match self.target(p) {
            Target::Private => Some(self.fact(at, Why::ReadPrivate)),
            Target::Local(n) => Some(n),
            Target::Public => None,
        }
    }

    /// Whether calls may pass this local's address without it escaping.
    fn harmless_use(&self, user: Value<'m>, of: Value<'m>) -> Option<bool> {
        match user.opcode()? {
            Opcode::LLVMLoad | Opcode::LLVMICmp => Some(true),
            Opcode::LLVMStore => Some(user.operands().next() != Some(of)),
            Opcode::LLVMAtomicRMW | Opcode::LLVMAtomicCmpXchg => Some(user.operands().next() == Some(of)),
            Opcode::LLVMCall => {
                let callee = user.called_value()?;
                if !callee.is_function() {
                    return Some(false);
                }
                let name = callee.name();
                if callee.is_intrinsic() {
                    return Some(matches!(classify_intrinsic(&name), Intrinsic::Transfer | Intrinsic::Set | Intrinsic::NoEffect));
                }
                Some(self.policy.get(&name).is_some_and(|r| !r.flows.is_empty()))
            }
            _ => Some(false),
        }
    }

    /// Finds the locals whose address escapes, and where.
    fn find_escapes(&mut self, f: Value<'m>) {
        for inst in f.instructions().filter(|i| i.opcode() == Some(Opcode::LLVMAlloca)) {
            let mut work = vec![inst];
            let mut seen = HashSet::new();
            'walk: while let Some(p) = work.pop() {
                if !seen.insert(p) {
                    continue;
                }
                for u in p.users() {
                    match u.opcode() {
                        Some(Opcode::LLVMGetElementPtr | Opcode::LLVMBitCast) if u.operands().next() == Some(p) => work.push(u),
                        // Into a slot that holds only this local's addresses: what is loaded
                        // back is derived from this local.
                        Some(Opcode::LLVMStore)
                            if u.operands().next() == Some(p)
                                && u.operands().nth(1).and_then(|s| self.slots.get(&s)) == Some(&inst) =>
                        {
                            let slot = u.operands().nth(1).expect("store has an address");
                            work.extend(slot.users().filter(|l| l.opcode() == Some(Opcode::LLVMLoad)));
                        }
                        _ if self.harmless_use(u, p) == Some(true) => {}
                        _ => {
                            self.escaped.insert(inst, u);
                            break 'walk;
                        }
                    }
                }
            }
        }
    }

    /// Whether a call of `callee` (directly) has a public effect, ignoring defined callees.
    fn call_effect(&mut self, call: Value<'m>) -> bool {
        let Some(callee) = call.called_value() else { return false };
        if !callee.is_function() {
            return true; // indirect call or inline assembly
        }
        let name = callee.name();
        let args = call.call_args();
        if DECLASSIFY_SCALAR.contains(&name.as_str()) {
            return false;
        }
        if callee.is_intrinsic() {
            return match classify_intrinsic(&name) {
                Intrinsic::Transfer | Intrinsic::Set => args.first().is_some_and(|d| self.target(*d) == Target::Public),
                Intrinsic::NoEffect | Intrinsic::Pure => false,
                Intrinsic::Terminates | Intrinsic::Unknown => true,
            };
        }
        if let Some(rule) = self.policy.get(&name) {
            if rule.flows.is_empty() {
                return true;
            }
            return rule.written().into_iter().any(|i| args.get(i).is_some_and(|a| self.target(*a) == Target::Public));
        }
        callee.is_declaration()
    }

    /// Functions with a public effect: a public store or an effectful call, transitively.
    fn find_public_effects(&mut self, functions: &[Value<'m>]) {
        let mut callers: HashMap<Value<'m>, Vec<Value<'m>>> = HashMap::new();
        let mut work = Vec::new();
        for &f in functions {
            let mut direct = false;
            for inst in f.instructions() {
                match inst.opcode() {
                    Some(Opcode::LLVMStore) => {
                        let p = inst.operands().nth(1).expect("store has a pointer");
                        direct |= self.target(p) == Target::Public;
                    }
                    Some(Opcode::LLVMAtomicRMW | Opcode::LLVMAtomicCmpXchg) => {
                        let p = inst.operands().next().expect("atomic has a pointer");
                        direct |= self.target(p) == Target::Public;
                    }
                    Some(Opcode::LLVMCall | Opcode::LLVMInvoke | Opcode::LLVMCallBr) => {
                        if let Some(callee) = inst.called_value().filter(|c| c.is_function() && !c.is_declaration()) {
                            callers.entry(callee).or_default().push(f);
                        } else {
                            direct |= self.call_effect(inst);
                        }
                    }
                    _ => {}
                }
            }
            if direct {
                work.push(f);
            }
        }
        while let Some(f) = work.pop() {
            if self.public_effect.insert(f) {
                work.extend(callers.get(&f).into_iter().flatten().copied());
            }
        }
    }

    /// Data from `sources` is written into the memory `p` points to, at `at` in block `b`.
    fn write(&mut self, p: Value<'m>, sources: &[NodeId], at: Value<'m>, b: Block<'m>, what: &str) {
        let addr = self.v(p);
        let pc = self.pc(b);
        match self.target(p) {
            Target::Private => {}
            Target::Local(m) => {
                for &s in sources {
                    self.g.flow(s, m, Some(Step { at, why: Why::Stored }));
                }
                self.g.flow(addr, m, Some(Step { at, why: Why::Stored }));
                self.g.implicit_flow(pc, m, Some(Step { at, why: Why::Stored }));
            }
            Target::Public => {
                let escape = self.base_local(p).and_then(|a| self.escaped.get(&a).copied());
                // An escaping local is public memory; its shadow still records whether private
                // data may reach it (the partition keeps such a local on the private stack).
                if let Some(a) = self.base_local(p).filter(|a| self.escaped.contains_key(a)) {
                    let shadow = *self.escaped_shadow.entry(a).or_insert_with(|| self.g.node());
                    for &s in sources {
                        self.g.flow(s, shadow, None);
                    }
                    self.g.flow(addr, shadow, None);
                    self.g.implicit_flow(pc, shadow, None);
                }
                // A struct returned by value through memory (`sret`) is a return.
                let (code, sink) = if Self::base(p).is_sret_param() {
                    (Code::PrivateReturn, "the memory of a struct return value, which is public".to_string())
                } else {
                    (Code::PrivateToPublicStore, "public memory".to_string())
                };
                for &s in sources {
                    self.check(s, code, at, format!("private data {what} {sink}"));
                    if let (Some(site), Some(c)) = (escape, self.checks.last_mut()) {
                        c.extra_note = Some((site, "this local variable is public memory: its address escapes here".into()));
                    }
                }
                self.check(addr, Code::PrivateToPublicStore, at, format!("{what} public memory through an address computed from private data"));
                self.check(pc, Code::ImplicitFlow, at, format!("public effect decided by private data: {what} public memory"));
            }
        }
    }

    fn call_under_pc(&mut self, at: Value<'m>, b: Block<'m>, what: &str) {
        let pc = self.pc(b);
        self.check(pc, Code::ImplicitFlow, at, format!("public effect decided by private data: {what}"));
    }

    /// Private pointers may only go where the callee's prototype says `private`; a variadic
    /// position or a policy-restricted function never says so.
    fn private_pointer_arg(&mut self, a: Value<'m>, at: Value<'m>, code: Code, message: String) {
        if a.ty().pointer_address_space() == Some(PRIVATE_AS) {
            let n = self.fact(a_or(at, a), Why::ReadPrivate);
            self.check(n, code, at, message);
        }
    }

    fn call(&mut self, inst: Value<'m>, b: Block<'m>) {
        let Some(callee) = inst.called_value() else { return };
        let args = inst.call_args();
        let (fixed, _) = inst.call_signature().unwrap_or((args.len(), false));
        if callee.is_inline_asm() {
            for &a in &args {
                let n = self.v(a);
                self.check(n, Code::PrivateToAsm, inst, "private data used by inline assembly");
                self.private_pointer_arg(a, inst, Code::PrivateToAsm, "pointer to private memory used by inline assembly".into());
            }
            self.call_under_pc(inst, b, "inline assembly");
            return;
        }
        if !callee.is_function() {
            for (i, &a) in args.iter().enumerate() {
                let n = self.v(a);
                self.check(n, Code::IndirectCall, inst, format!("private data passed as argument {} of an indirect call, whose callee cannot be shown to accept it", i + 1));
            }
            let n = self.v(callee);
            self.check(n, Code::IndirectCall, inst, "indirect call through a function pointer chosen by private data");
            self.call_under_pc(inst, b, "indirect call");
            return;
        }
        let name = callee.name();
        if DECLASSIFY_SCALAR.contains(&name.as_str()) {
            self.declassifications.push(inst);
            return;
        }
        if name == DECLASSIFY_BYTES {
            self.declassifications.push(inst);
            for i in [0, 2] {
                if let Some(&a) = args.get(i) {
                    let n = self.v(a);
                    self.check(n, Code::PrivateArgument, inst, format!("private data passed as argument {} of '{name}', which takes public data", i + 1));
                }
            }
            self.call_under_pc(inst, b, "declassification into public memory");
            return;
        }
        if callee.is_intrinsic() {
            self.intrinsic(inst, &name, &args, b);
            return;
        }
        if let Some(rule) = self.policy.get(&name).cloned() {
            self.policy_call(inst, &name, &rule, &args, b);
            return;
        }
        let sig = self.signature(callee);
        let inferred = self.inferred.contains(&callee);
        let params = callee.params();
        for (i, &a) in args.iter().enumerate() {
            let n = self.v(a);
            if i >= fixed {
                self.check(n, Code::PrivateToVariadic, inst, format!("private data passed to variadic function '{name}'"));
                self.private_pointer_arg(a, inst, Code::PrivateToVariadic, format!("pointer to private memory passed to variadic function '{name}'"));
            } else if sig.private_args.contains(&i) {
            } else if inferred && i < params.len() {
                let p = self.v(params[i]);
                self.g.edge(Kind::Call, n, p, Some(Step { at: inst, why: Why::Argument(i) }));
            } else {
                let whose = if callee.is_declaration() { "external function" } else { "function" };
                self.check(n, Code::PrivateArgument, inst, format!("private data passed as argument {} of {whose} '{name}', which takes public data", i + 1));
            }
        }
        let result = self.v(inst);
        if sig.returns_private {
            self.g.private(result, Step { at: inst, why: Why::PrivateResult });
        } else if inferred {
            let r = self.ret(callee);
            self.g.edge(Kind::Return, r, result, Some(Step { at: inst, why: Why::PrivateResult }));
            let args = args.iter().map(|a| self.v(*a)).collect();
            self.calls.push(CallSite { callee, args, result, at: inst });
        }
        if callee.is_declaration() || self.public_effect.contains(&callee) {
            self.call_under_pc(inst, b, &format!("call to '{name}', which has public effects"));
        }
    }

    fn intrinsic(&mut self, inst: Value<'m>, name: &str, args: &[Value<'m>], b: Block<'m>) {
        match classify_intrinsic(name) {
            Intrinsic::Transfer => {
                let (dst, src, len) = (args[0], args[1], args[2]);
                let mut sources = vec![self.v(src), self.v(len)];
                sources.extend(self.memory_read(src, inst));
                self.write(dst, &sources, inst, b, "copied to");
            }
            Intrinsic::Set => {
                let sources = [self.v(args[1]), self.v(args[2])];
                self.write(args[0], &sources, inst, b, "written to");
            }
            Intrinsic::NoEffect => {}
            Intrinsic::Terminates => self.call_under_pc(inst, b, "the program stops here"),
            Intrinsic::Pure => {
                let r = self.v(inst);
                for &a in args {
                    let n = self.v(a);
                    self.g.flow(n, r, None);
                }
            }
            Intrinsic::Unknown => {
                for &a in args {
                    let n = self.v(a);
                    self.check(n, Code::Unsupported, inst, format!("private data passed to intrinsic '{name}', which confpass does not model"));
                }
                self.call_under_pc(inst, b, &format!("intrinsic '{name}'"));
            }
        }
    }

    fn policy_call(&mut self, inst: Value<'m>, name: &str, rule: &Rule, args: &[Value<'m>], b: Block<'m>) {
        if rule.flows.is_empty() {
            for (i, &a) in args.iter().enumerate() {
                let n = self.v(a);
                let msg = format!("private data passed as argument {} of '{name}', which the policy allows only public data", i + 1);
                self.check(n, Code::PrivateArgument, inst, msg.clone());
                self.private_pointer_arg(a, inst, Code::PrivateArgument, format!("pointer to private memory passed to '{name}', which the policy allows only public data"));
            }
            self.call_under_pc(inst, b, &format!("call to '{name}', which has public effects"));
            return;
        }
        for (i, &a) in args.iter().enumerate() {
            if !rule.reads_arg(i) {
                let n = self.v(a);
                self.check(n, Code::PrivateArgument, inst, format!("private data passed as argument {} of '{name}', which the policy allows only public data", i + 1));
            }
        }
        let result = self.v(inst);
        let mut written: HashMap<usize, Vec<NodeId>> = HashMap::new();
        for &(from, to) in &rule.flows {
            let source = match from {
                Term::Arg(i) => args.get(i).map(|a| self.v(*a)),
                Term::Mem(i) => args.get(i).and_then(|a| self.memory_read(*a, inst)),
                Term::Ret => None,
            };
            match to {
                Term::Ret => {
                    if let Some(s) = source {
                        self.g.flow(s, result, Some(Step { at: inst, why: Why::Policy }));
                    }
                }
                Term::Mem(j) => written.entry(j).or_default().extend(source),
                Term::Arg(_) => {}
            }
        }
        let mut written: Vec<_> = written.into_iter().collect();
        written.sort_by_key(|(j, _)| *j);
        for (j, sources) in written {
            if let Some(&dst) = args.get(j) {
                self.write(dst, &sources, inst, b, &format!("written by '{name}' to"));
            }
        }
    }

    fn function(&mut self, f: Value<'m>) {
        let blocks = f.blocks();
        let index: HashMap<Block<'m>, usize> = blocks.iter().enumerate().map(|(i, b)| (*b, i)).collect();
        let succs: Vec<Vec<usize>> =
            blocks.iter().map(|b| b.successors().iter().filter_map(|s| index.get(s).copied()).collect()).collect();
        let sig = self.signature(f);
        let inferred = self.inferred.contains(&f);
        for (i, p) in f.params().into_iter().enumerate() {
            if sig.private_args.contains(&i) {
                let n = self.v(p);
                self.g.private(n, Step { at: f, why: Why::PrivateParam(i) });
            }
        }
        for (bi, deps) in control_dependence(&succs).into_iter().enumerate() {
            let pc = self.pc(blocks[bi]);
            for x in deps {
                let term = blocks[x].terminator().expect("a branching block has a terminator");
                if let Some(c) = term.branch_condition() {
                    let cn = self.v(c);
                    self.g.implicit_flow(cn, pc, Some(Step { at: term, why: Why::Branch }));
                }
                let xpc = self.pc(blocks[x]);
                self.g.implicit_flow(xpc, pc, None);
            }
        }
        for &b in &blocks {
            for inst in b.instructions() {
                self.instruction(f, inst, b, inferred, &sig);
            }
        }
    }

    fn instruction(&mut self, f: Value<'m>, inst: Value<'m>, b: Block<'m>, inferred: bool, sig: &Signature) {
        let Some(op) = inst.opcode() else { return };
        let ops: Vec<Value<'m>> = inst.operands().collect();
        match op {
            Opcode::LLVMRet => {
                let Some(&v) = ops.first() else { return };
                let vn = self.v(v);
                let pc = self.pc(b);
                if sig.returns_private {
                } else if inferred {
                    let r = self.ret(f);
                    self.g.flow(vn, r, Some(Step { at: inst, why: Why::Returned }));
                    self.g.implicit_flow(pc, r, Some(Step { at: inst, why: Why::Returned }));
                } else {
                    let name = f.name();
                    self.check(vn, Code::PrivateReturn, inst, format!("private data returned from '{name}', whose return value is public"));
                    self.check(pc, Code::ImplicitFlow, inst, format!("public effect decided by private data: return from '{name}'"));
                }
            }
            Opcode::LLVMBr | Opcode::LLVMSwitch | Opcode::LLVMIndirectBr | Opcode::LLVMUnreachable => {}
            Opcode::LLVMCall | Opcode::LLVMInvoke | Opcode::LLVMCallBr => self.call(inst, b),
            Opcode::LLVMLoad => {
                let r = self.v(inst);
                let p = ops[0];
                let pn = self.v(p);
                self.g.flow(pn, r, None);
                if let Some(m) = self.memory_read(p, inst) {
                    self.g.flow(m, r, None);
                }
            }
            Opcode::LLVMStore => {
                let sources = [self.v(ops[0])];
                self.write(ops[1], &sources, inst, b, "stored to");
            }
            Opcode::LLVMAtomicCmpXchg | Opcode::LLVMAtomicRMW => {
                let r = self.v(inst);
                let p = ops[0];
                if let Some(m) = self.memory_read(p, inst) {
                    self.g.flow(m, r, None);
                }
                let sources: Vec<NodeId> = ops[1..].iter().map(|o| self.v(*o)).collect();
                self.write(p, &sources, inst, b, "stored atomically to");
            }
            Opcode::LLVMPHI => {
                let r = self.v(inst);
                for (v, pred) in inst.incoming() {
                    let n = self.v(v);
                    self.g.flow(n, r, None);
                    let ppc = self.pc(pred);
                    self.g.implicit_flow(ppc, r, None);
                    if let Some(c) = pred.terminator().and_then(|t| t.branch_condition().map(|c| (t, c))) {
                        let cn = self.v(c.1);
                        self.g.implicit_flow(cn, r, Some(Step { at: c.0, why: Why::Branch }));
                    }
                }
            }
            Opcode::LLVMPtrToInt | Opcode::LLVMPtrToAddr => {
                self.operands_flow(inst, &ops);
                if ops[0].ty().pointer_address_space() == Some(PRIVATE_AS) {
                    let n = self.v(inst);
                    self.address_facts.push((n, Step { at: inst, why: Why::PrivateAddress }));
                }
            }
            Opcode::LLVMIntToPtr => {
                self.operands_flow(inst, &ops);
                let n = self.v(ops[0]);
                let to_private = inst.ty().pointer_address_space() == Some(PRIVATE_AS);
                self.address_checks.push((n, to_private, inst));
            }
            Opcode::LLVMSelect => {
                // The chosen value flows explicitly; the condition decides which (implicitly).
                self.operands_flow(inst, &ops[1..]);
                let (r, c) = (self.v(inst), self.v(ops[0]));
                self.g.implicit_flow(c, r, Some(Step { at: inst, why: Why::Branch }));
            }
            Opcode::LLVMAlloca | Opcode::LLVMFence => {}
            Opcode::LLVMResume
            | Opcode::LLVMLandingPad
            | Opcode::LLVMCleanupRet
            | Opcode::LLVMCatchRet
            | Opcode::LLVMCatchPad
            | Opcode::LLVMCleanupPad
            | Opcode::LLVMCatchSwitch
            | Opcode::LLVMUserOp1
            | Opcode::LLVMUserOp2 => {
                let n = self.fact(inst, Why::ReadPrivate);
                self.check(n, Code::Unsupported, inst, "exception handling is not supported by confpass");
            }
            Opcode::LLVMFNeg
            | Opcode::LLVMAdd
            | Opcode::LLVMFAdd
            | Opcode::LLVMSub
            | Opcode::LLVMFSub
            | Opcode::LLVMMul
            | Opcode::LLVMFMul
            | Opcode::LLVMUDiv
            | Opcode::LLVMSDiv
            | Opcode::LLVMFDiv
            | Opcode::LLVMURem
            | Opcode::LLVMSRem
            | Opcode::LLVMFRem
            | Opcode::LLVMShl
            | Opcode::LLVMLShr
            | Opcode::LLVMAShr
            | Opcode::LLVMAnd
            | Opcode::LLVMOr
            | Opcode::LLVMXor
            | Opcode::LLVMGetElementPtr
            | Opcode::LLVMTrunc
            | Opcode::LLVMZExt
            | Opcode::LLVMSExt
            | Opcode::LLVMFPToUI
            | Opcode::LLVMFPToSI
            | Opcode::LLVMUIToFP
            | Opcode::LLVMSIToFP
            | Opcode::LLVMFPTrunc
            | Opcode::LLVMFPExt
            | Opcode::LLVMBitCast
            | Opcode::LLVMAddrSpaceCast
            | Opcode::LLVMICmp
            | Opcode::LLVMFCmp
            | Opcode::LLVMVAArg
            | Opcode::LLVMExtractElement
            | Opcode::LLVMInsertElement
            | Opcode::LLVMShuffleVector
            | Opcode::LLVMExtractValue
            | Opcode::LLVMInsertValue
            | Opcode::LLVMFreeze => self.operands_flow(inst, &ops),
        }
    }

    /// Context-sensitive returns: for each inferred function, which parameters reach its
    /// return (searching its own body, through the summaries of its callees), so that each
    /// call's result depends on that call's arguments only. Iterated to a fixpoint for
    /// recursion; each search stays inside one function.
    fn summarize(&mut self) {
        let local_explicit = Follow { implicit: false, call: false, ret: false };
        let local_full = Follow { implicit: true, call: false, ret: false };
        let mut by_callee: HashMap<Value<'m>, Vec<usize>> = HashMap::new();
        for (i, c) in self.calls.iter().enumerate() {
            by_callee.entry(c.callee).or_default().push(i);
        }
        let mut callees: Vec<Value<'m>> = by_callee.keys().copied().collect();
        callees.sort_by_key(|f| f.raw() as usize);
        let mut added: HashSet<(usize, usize, bool)> = HashSet::new();
        let mut scratch = Scratch::default();
        loop {
            let mut changed = false;
            for &f in &callees {
                let Some(&ret) = self.returns.get(&f) else { continue };
                for (i, p) in f.params().into_iter().enumerate() {
                    let Some(&pn) = self.values.get(&p) else { continue };
                    let explicit = self.g.reaches(pn, ret, local_explicit, &mut scratch);
                    if !explicit && !self.g.reaches(pn, ret, local_full, &mut scratch) {
                        continue;
                    }
                    for &ci in &by_callee[&f] {
                        if !added.insert((ci, i, explicit)) {
                            continue;
                        }
                        let c = &self.calls[ci];
                        let (Some(&arg), result, at) = (c.args.get(i), c.result, c.at) else { continue };
                        let kind = if explicit { Kind::Data } else { Kind::Implicit };
                        self.g.edge(kind, arg, result, Some(Step { at, why: Why::PrivateResult }));
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// The solutions over explicit flows and over all flows (none when implicit flows are
    /// allowed). A call's result is private when its own arguments make it so (summaries) or
    /// when its callee returns private data of its own (found with every parameter public).
    fn solve(&self) -> (Explained<'m>, Option<Explained<'m>>) {
        let with_results = |implicit: bool| {
            let own = self.g.solve(self.g.facts(), Follow { implicit, call: false, ret: true });
            let mut facts = self.g.facts().to_vec();
            let mut returns = HashMap::new();
            for c in &self.calls {
                if let Some(&r) = self.returns.get(&c.callee).filter(|r| own.is_private(**r)) {
                    facts.push((c.result, Step { at: c.at, why: Why::PrivateResult }));
                    returns.insert(c.at, r);
                }
            }
            let solution = self.g.solve(&facts, Follow { implicit, call: true, ret: false });
            Explained { solution, own, returns }
        };
        let explicit = with_results(false);
        let full = (self.flows != FlowPolicy::Allow).then(|| with_results(true));
        (explicit, full)
    }

    fn operands_flow(&mut self, inst: Value<'m>, ops: &[Value<'m>]) {
        let r = self.v(inst);
        for &o in ops {
            if o.is_function() || o.is_global_variable() {
                continue; // addresses are public
            }
            let n = self.v(o);
            self.g.flow(n, r, None);
        }
    }
}

fn a_or<'m>(at: Value<'m>, a: Value<'m>) -> Value<'m> {
    if a.is_instruction() {
        a
    } else {
        at
    }
}

/// At most this many notes explain one flow (the first and the last ones are kept).
const MAX_NOTES: usize = 6;

/// Runs the inference over the module and returns its findings.
pub fn analyze<'m>(
    module: &ModuleView<'m>,
    sigs: &Signatures<'m>,
    policy: &Policy,
    flows: FlowPolicy,
    stats: &mut Stats,
) -> Findings<'m> {
    let mut a = Analysis {
        sigs,
        policy,
        flows,
        g: Graph::default(),
        values: HashMap::new(),
        locals: HashMap::new(),
        escaped: HashMap::new(),
        escaped_shadow: HashMap::new(),
        slots: HashMap::new(),
        pc: HashMap::new(),
        returns: HashMap::new(),
        inferred: HashSet::new(),
        public_effect: HashSet::new(),
        checks: Vec::new(),
        calls: Vec::new(),
        address_facts: Vec::new(),
        address_checks: Vec::new(),
        declassifications: Vec::new(),
        diags: Vec::new(),
    };
    for g in module.globals() {
        if g.is_thread_local() && g.ty().pointer_address_space() == Some(PRIVATE_AS) {
            a.diags.push(Diagnostic::error(
                Code::Unsupported,
                None,
                format!("private thread-local variable '{}' is not supported: thread-local storage lives outside the private region", g.name()),
            ));
        }
    }
    let defined: Vec<Value<'m>> = module.functions().filter(|f| !f.is_declaration()).collect();
    for &f in &defined {
        if f.is_internal() && !address_taken(f) && f.name() != "main" {
            a.inferred.insert(f);
            stats.inc("taint-functions-inferred");
        } else {
            stats.inc("taint-functions-stated");
        }
        a.find_slots(f);
        a.find_escapes(f);
    }
    a.find_public_effects(&defined);
    for &f in &defined {
        a.function(f);
    }
    a.summarize();
    let (explicit, full) = a.solve();
    stats.add("taint-nodes", a.g.len() as u64);
    stats.add("taint-edges", a.g.edge_count() as u64);
    stats.add("taint-checks", a.checks.len() as u64);
    stats.add("taint-locals-escaping", a.escaped.len() as u64);
    stats.add("declassifications", a.declassifications.len() as u64);

    let mut seen = HashSet::new();
    let mut diags = std::mem::take(&mut a.diags);
    for c in &a.checks {
        // A flow that needs a branch to get there is an implicit flow, whatever its sink.
        let (solution, implicit) = if explicit.is_private(c.node) {
            (&explicit, false)
        } else {
            match &full {
                Some(full) if full.is_private(c.node) => (full, true),
                _ => continue,
            }
        };
        let code = if implicit { Code::ImplicitFlow } else { c.code };
        // One report per source location and code (an instruction without location is its own).
        let key = (c.at.debug_loc().map_or(c.at.raw() as usize, |(l, col)| ((l as usize) << 16) | col as usize), code);
        if !seen.insert(key) {
            continue;
        }
        let message = if implicit && c.code != Code::ImplicitFlow {
            format!("public effect decided by private data: {}", c.message)
        } else {
            c.message.clone()
        };
        let mut d = if implicit && a.flows == FlowPolicy::Warn {
            Diagnostic::warning(code, Some(c.at), message)
        } else {
            Diagnostic::error(code, Some(c.at), message)
        };
        let mut steps = solution.path(c.node);
        steps.dedup_by(|x, y| x.at.debug_loc().is_some() && x.at.debug_loc() == y.at.debug_loc());
        if steps.len() > MAX_NOTES {
            let tail = steps.split_off(steps.len() - (MAX_NOTES - 1));
            steps.truncate(1);
            steps.extend(tail);
        }
        for s in steps {
            d = d.with_note(Some(s.at), s.why.text());
        }
        if let Some((site, text)) = &c.extra_note {
            d = d.with_note(Some(*site), text.clone());
        }
        diags.push(d);
    }
    // Integers back to pointers: a public pointer must not come from a private address, and a
    // private pointer must come from one.
    let addresses = a.g.solve(&a.address_facts, Follow { implicit: false, call: true, ret: true });
    for &(n, to_private, at) in &a.address_checks {
        let (code, message) = match (to_private, addresses.is_private(n)) {
            (false, true) => (Code::PrivateToPublicCast, "pointer to private memory converted to a public pointer through an integer"),
            (true, false) => (Code::PublicToPrivateCast, "integer that is not a private address converted to a pointer to private memory"),
            _ => continue,
        };
        let mut d = Diagnostic::error(code, Some(at), message);
        for s in addresses.path(n) {
            d = d.with_note(Some(s.at), s.why.text());
        }
        diags.push(d);
    }
    let private_locals = a
        .locals
        .iter()
        .chain(a.escaped_shadow.iter())
        .filter(|(_, n)| explicit.is_private(**n) || full.as_ref().is_some_and(|f| f.is_private(**n)))
        .map(|(l, _)| *l)
        .collect();
    let escaped_locals = a.escaped.keys().copied().collect();
    Findings { diags, declassifications: a.declassifications, private_locals, escaped_locals, slots: a.slots }
}
