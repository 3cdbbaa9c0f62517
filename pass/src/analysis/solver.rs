//! The taint constraint solver.
//!
//! The lattice has two points, `public < private`. Every constraint the analysis generates is
//! an implication `a ⇒ b` ("if a is private, b is private"), a fact `private(a)`, or a
//! requirement `public(a)`. The least solution is plain forward reachability from the private
//! facts, computed by breadth-first search: linear in nodes plus edges. A violated
//! requirement is explained by the search's parent links: the path from a private fact to the
//! node that had to stay public, each step labelled by the constraint that made it.
//!
//! ```text
//!   private(load @key) ──▶ %x ──store──▶ mem(local) ──load──▶ %y ──arg──▶ public(param 0)  ✗
//! ```
//!
//! Each edge has a [`Kind`], and every search says which kinds it follows, so that one graph
//! answers several questions: explicit flows only or also implicit ones (control dependence),
//! into callees (`Call`) or out of them (`Return`). See `taint` for how summaries use this.
//! Knows nothing about LLVM: labels are a type parameter.

use std::collections::VecDeque;

/// A taint variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(u32);

/// What an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Data moves (operands to result, value to memory, …).
    Data,
    /// A branch decides it (control dependence).
    Implicit,
    /// An argument into a callee's parameter.
    Call,
    /// A callee's return into one call's result.
    Return,
}

/// Which edge kinds a search follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Follow {
    pub implicit: bool,
    pub call: bool,
    pub ret: bool,
}

impl Follow {
    fn allows(self, k: Kind) -> bool {
        match k {
            Kind::Data => true,
            Kind::Implicit => self.implicit,
            Kind::Call => self.call,
            Kind::Return => self.ret,
        }
    }
}

/// Why a node is private: a fact, or an edge from another private node.
#[derive(Debug, Clone)]
enum Reason<L> {
    Fact(L),
    Edge(NodeId, Option<L>),
}

#[derive(Debug, Clone)]
struct Edge<L> {
    to: NodeId,
    label: Option<L>,
    kind: Kind,
}

#[derive(Debug, Clone)]
pub struct Graph<L> {
    edges: Vec<Vec<Edge<L>>>,
    facts: Vec<(NodeId, L)>,
}

impl<L> Default for Graph<L> {
    fn default() -> Self {
        Graph { edges: Vec::new(), facts: Vec::new() }
    }
}

/// Reusable visit marks for many small searches ([`Graph::reaches`]).
#[derive(Debug, Default)]
pub struct Scratch {
    mark: Vec<u32>,
    round: u32,
    stack: Vec<NodeId>,
}

impl<L: Clone> Graph<L> {
    pub fn node(&mut self) -> NodeId {
        self.edges.push(Vec::new());
        NodeId(u32::try_from(self.edges.len() - 1).expect("fewer than 2^32 taint nodes"))
    }

    pub fn len(&self) -> usize {
        self.edges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// `from ⇒ to` of the given kind, with an optional label explaining the step.
    pub fn edge(&mut self, kind: Kind, from: NodeId, to: NodeId, label: Option<L>) {
        if from != to {
            self.edges[from.0 as usize].push(Edge { to, label, kind });
        }
    }

    /// `from ⇒ to`: data moves.
    pub fn flow(&mut self, from: NodeId, to: NodeId, label: Option<L>) {
        self.edge(Kind::Data, from, to, label);
    }

    /// `from ⇒ to` through control dependence (a branch decides it).
    pub fn implicit_flow(&mut self, from: NodeId, to: NodeId, label: Option<L>) {
        self.edge(Kind::Implicit, from, to, label);
    }

    /// `private(node)`, labelled with where the private data comes from.
    pub fn private(&mut self, node: NodeId, label: L) {
        self.facts.push((node, label));
    }

    pub fn facts(&self) -> &[(NodeId, L)] {
        &self.facts
    }

    pub fn edge_count(&self) -> usize {
        self.edges.iter().map(Vec::len).sum()
    }

    /// Whether `to` is reachable from `from` along edges `follow` allows.
    pub fn reaches(&self, from: NodeId, to: NodeId, follow: Follow, s: &mut Scratch) -> bool {
        if s.mark.len() < self.edges.len() {
            s.mark.resize(self.edges.len(), 0);
        }
        s.round = s.round.wrapping_add(1);
        if s.round == 0 {
            s.mark.iter_mut().for_each(|m| *m = 0);
            s.round = 1;
        }
        s.stack.clear();
        s.stack.push(from);
        s.mark[from.0 as usize] = s.round;
        while let Some(n) = s.stack.pop() {
            if n == to {
                return true;
            }
            for e in &self.edges[n.0 as usize] {
                if follow.allows(e.kind) && s.mark[e.to.0 as usize] != s.round {
                    s.mark[e.to.0 as usize] = s.round;
                    s.stack.push(e.to);
                }
            }
        }
        false
    }

    /// The least solution for `facts` along edges `follow` allows.
    pub fn solve(&self, facts: &[(NodeId, L)], follow: Follow) -> Solution<L> {
        let mut reason: Vec<Option<Reason<L>>> = vec![None; self.edges.len()];
        let mut queue = VecDeque::new();
        for (n, label) in facts {
            if reason[n.0 as usize].is_none() {
                reason[n.0 as usize] = Some(Reason::Fact(label.clone()));
                queue.push_back(*n);
            }
        }
        while let Some(n) = queue.pop_front() {
            for e in &self.edges[n.0 as usize] {
                if follow.allows(e.kind) && reason[e.to.0 as usize].is_none() {
                    reason[e.to.0 as usize] = Some(Reason::Edge(n, e.label.clone()));
                    queue.push_back(e.to);
                }
            }
        }
        Solution { reason }
    }
}

/// The least solution of a [`Graph`].
#[derive(Debug)]
pub struct Solution<L> {
    reason: Vec<Option<Reason<L>>>,
}

impl<L: Clone> Solution<L> {
    pub fn is_private(&self, n: NodeId) -> bool {
        self.reason[n.0 as usize].is_some()
    }

    /// The labels on the way from a private fact to `n`, fact first; empty if `n` is public.
    /// The search found a shortest path, so this terminates and stays short.
    pub fn path(&self, n: NodeId) -> Vec<L> {
        let mut out = Vec::new();
        let mut cur = n;
        loop {
            match &self.reason[cur.0 as usize] {
                None => return Vec::new(),
                Some(Reason::Fact(l)) => {
                    out.push(l.clone());
                    break;
                }
                Some(Reason::Edge(from, label)) => {
                    out.extend(label.clone());
                    cur = *from;
                }
            }
        }
        out.reverse();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Follow = Follow { implicit: true, call: true, ret: true };
    const EXPLICIT: Follow = Follow { implicit: false, call: true, ret: true };

    #[test]
    fn implicit_edges_count_only_when_asked() {
        let mut g: Graph<&str> = Graph::default();
        let (c, pc, m) = (g.node(), g.node(), g.node());
        g.implicit_flow(c, pc, Some("branch"));
        g.flow(pc, m, Some("store"));
        g.private(c, "secret");
        assert!(!g.solve(g.facts(), EXPLICIT).is_private(m));
        assert_eq!(g.solve(g.facts(), ALL).path(m), ["secret", "branch", "store"]);
    }

    #[test]
    fn reachability_is_the_least_solution() {
        let mut g: Graph<&str> = Graph::default();
        let (a, b, c, d) = (g.node(), g.node(), g.node(), g.node());
        g.flow(a, b, Some("a→b"));
        g.flow(b, c, None);
        g.flow(d, a, Some("d→a"));
        g.private(a, "key");
        let s = g.solve(g.facts(), ALL);
        assert!(s.is_private(a) && s.is_private(b) && s.is_private(c));
        assert!(!s.is_private(d), "flows are one-way");
        assert_eq!(s.path(c), ["key", "a→b"]);
        assert!(s.path(d).is_empty());
    }

    #[test]
    fn cycles_terminate_and_paths_are_shortest() {
        let mut g: Graph<u32> = Graph::default();
        let n: Vec<_> = (0..5).map(|_| g.node()).collect();
        for i in 0..5 {
            g.flow(n[i], n[(i + 1) % 5], Some(i as u32));
        }
        g.flow(n[0], n[3], Some(99));
        g.private(n[0], 100);
        let s = g.solve(g.facts(), ALL);
        assert!(n.iter().all(|x| s.is_private(*x)));
        assert_eq!(s.path(n[4]), [100, 99, 3]);
    }

    #[test]
    fn searches_follow_only_the_kinds_asked_for() {
        let mut g: Graph<()> = Graph::default();
        let (arg, param, ret, result) = (g.node(), g.node(), g.node(), g.node());
        g.edge(Kind::Call, arg, param, None);
        g.flow(param, ret, None);
        g.edge(Kind::Return, ret, result, None);
        let mut s = Scratch::default();
        let local = Follow { implicit: true, call: false, ret: false };
        assert!(g.reaches(param, ret, local, &mut s));
        assert!(!g.reaches(arg, ret, local, &mut s));
        assert!(!g.reaches(param, result, local, &mut s));
        assert!(g.reaches(arg, result, ALL, &mut s));
    }
}
