//! Control dependence, for implicit flows.
//!
//! Block `B` is control dependent on block `X` when `X`'s branch decides whether `B` runs:
//! one successor of `X` always leads to `B`, another may avoid it. Computed the classic way
//! (Ferrante, Ottenstein, Warren): post-dominators by the Cooper–Harvey–Kennedy iteration
//! on the reversed CFG, then, for each edge `X → Y` where `Y` does not post-dominate `X`, every
//! block from `Y` up the post-dominator tree to `ipdom(X)` (excluded) depends on `X`.
//!
//! A virtual exit follows every block without successors; blocks that cannot reach it
//! (infinite loops) get a virtual edge to it too, so every block has a post-dominator.
//! Knows nothing about LLVM: blocks are indices, the entry is 0.

/// `deps[b]` = the blocks whose branch decides whether block `b` runs.
pub fn control_dependence(succs: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = succs.len();
    let exit = n;
    // Reversed graph: rsuccs[v] = original predecessors of v (the exit's are its feeders).
    let mut to_exit: Vec<bool> = succs.iter().map(Vec::is_empty).collect();
    let mut preds = vec![Vec::new(); n + 1];
    for (x, ys) in succs.iter().enumerate() {
        for &y in ys {
            preds[y].push(x);
        }
    }
    // Blocks that cannot reach the exit get a virtual edge to it.
    let reaches = |to_exit: &[bool]| {
        let mut seen = vec![false; n];
        let mut stack: Vec<usize> = (0..n).filter(|&b| to_exit[b]).collect();
        for &b in &stack {
            seen[b] = true;
        }
        while let Some(b) = stack.pop() {
            for &p in &preds[b] {
                if !seen[p] {
                    seen[p] = true;
                    stack.push(p);
                }
            }
        }
        seen
    };
    let seen = reaches(&to_exit);
    for b in 0..n {
        if !seen[b] {
            to_exit[b] = true;
        }
    }
    preds[exit] = (0..n).filter(|&b| to_exit[b]).collect();
    // In the reversed graph the exit is the root, successors are original predecessors and
    // predecessors are original successors (the exit's feeders included).
    let orig_succ: Vec<Vec<usize>> = (0..=n)
        .map(|v| {
            let mut s = if v < n { succs[v].clone() } else { Vec::new() };
            if v < n && to_exit[v] {
                s.push(exit);
            }
            s
        })
        .collect();
    let ipdom = immediate_dominators(n + 1, exit, &preds, &orig_succ);

    let mut deps = vec![Vec::new(); n];
    for (x, ys) in succs.iter().enumerate() {
        if ys.len() < 2 {
            continue;
        }
        for &y in ys {
            let mut runner = y;
            while runner != ipdom[x] && runner != exit && runner != usize::MAX {
                if !deps[runner].contains(&x) {
                    deps[runner].push(x);
                }
                runner = ipdom[runner];
            }
        }
    }
    deps
}

#[cfg(test)]
mod tests {
    use super::control_dependence;

    #[test]
    fn if_then_else() {
        // 0: if → 1 | 2; 1 → 3; 2 → 3; 3: exit
        let deps = control_dependence(&[vec![1, 2], vec![3], vec![3], vec![]]);
        assert_eq!(deps, vec![vec![], vec![0], vec![0], vec![]]);
    }

    #[test]
    fn loop_body_depends_on_header() {
        // 0 → 1; 1: header → 2 | 3; 2: body → 1; 3: exit
        let deps = control_dependence(&[vec![1], vec![2, 3], vec![1], vec![]]);
        assert_eq!(deps[2], vec![1]);
        assert_eq!(deps[1], vec![1], "the header runs again depending on itself");
        assert!(deps[3].is_empty() && deps[0].is_empty());
    }

    #[test]
    fn early_return_makes_the_rest_dependent() {
        // 0: if → 1 (return) | 2; 2 → 3: return
        let deps = control_dependence(&[vec![1, 2], vec![], vec![3], vec![]]);
        assert_eq!(deps, vec![vec![], vec![0], vec![0], vec![0]]);
    }

    #[test]
    fn infinite_loop_does_not_break_the_analysis() {
        // 0: if → 1 | 2; 1 → 1 (forever); 2: exit
        let deps = control_dependence(&[vec![1, 2], vec![1], vec![]]);
        assert_eq!(deps[1], vec![0]);
        assert_eq!(deps[2], vec![0]);
    }

    #[test]
    fn nested_branches() {
        // 0: if a → 1 | 4; 1: if b → 2 | 3; 2 → 3; 3 → 4; 4 exit
        let deps = control_dependence(&[vec![1, 4], vec![2, 3], vec![3], vec![4], vec![]]);
        assert_eq!(deps[2], vec![1]);
        assert_eq!(deps[1], vec![0]);
        assert_eq!(deps[3], vec![0]);
    }
}

/// Dominators of a CFG (entry 0): `idom[b]`, with `idom[0] == 0` and `usize::MAX` for blocks
/// the entry cannot reach. Cooper–Harvey–Kennedy over the reverse postorder.
pub fn dominators(succs: &[Vec<usize>]) -> Vec<usize> {
    let n = succs.len();
    if n == 0 {
        return Vec::new();
    }
    let mut preds = vec![Vec::new(); n];
    for (x, ys) in succs.iter().enumerate() {
        for &y in ys {
            preds[y].push(x);
        }
    }
    immediate_dominators(n, 0, succs, &preds)
}

/// Cooper–Harvey–Kennedy: the immediate dominator of every node reachable from `root` over
/// `succs` (`idom[root] == root`, `usize::MAX` for the others), iterating over `preds` in
/// reverse postorder. Post-dominators are this on the reversed graph.
fn immediate_dominators(n: usize, root: usize, succs: &[Vec<usize>], preds: &[Vec<usize>]) -> Vec<usize> {
    let mut post = Vec::with_capacity(n);
    let mut visited = vec![false; n];
    let mut stack = vec![(root, 0usize)];
    visited[root] = true;
    while let Some((v, i)) = stack.pop() {
        if let Some(&w) = succs[v].get(i) {
            stack.push((v, i + 1));
            if !visited[w] {
                visited[w] = true;
                stack.push((w, 0));
            }
        } else {
            post.push(v);
        }
    }
    let mut order = vec![usize::MAX; n];
    for (i, &v) in post.iter().enumerate() {
        order[v] = i;
    }
    let mut idom = vec![usize::MAX; n];
    idom[root] = root;
    let intersect = |idom: &[usize], mut a: usize, mut b: usize| {
        while a != b {
            while order[a] < order[b] {
                a = idom[a];
            }
            while order[b] < order[a] {
                b = idom[b];
            }
        }
        a
    };
    let mut changed = true;
    while changed {
        changed = false;
        for &v in post.iter().rev().filter(|&&v| v != root) {
            let mut new = usize::MAX;
            for &p in &preds[v] {
                if idom[p] == usize::MAX {
                    continue;
                }
                new = if new == usize::MAX { p } else { intersect(&idom, p, new) };
            }
            if new != usize::MAX && idom[v] != new {
                idom[v] = new;
                changed = true;
            }
        }
    }
    idom
}

/// Whether `a` dominates `b` (every block dominates itself).
pub fn dominates(idom: &[usize], a: usize, mut b: usize) -> bool {
    if idom[b] == usize::MAX {
        return false;
    }
    loop {
        if a == b {
            return true;
        }
        if b == 0 {
            return false;
        }
        b = idom[b];
    }
}

/// The nearest block that dominates both `a` and `b`.
pub fn common_dominator(idom: &[usize], a: usize, b: usize) -> usize {
    let mut up = a;
    loop {
        if dominates(idom, up, b) {
            return up;
        }
        up = idom[up];
    }
}

/// Natural loops: (header, blocks) for each header with back edges, blocks including it.
pub fn natural_loops(succs: &[Vec<usize>], idom: &[usize]) -> Vec<(usize, Vec<bool>)> {
    let n = succs.len();
    let mut preds = vec![Vec::new(); n];
    for (x, ys) in succs.iter().enumerate() {
        for &y in ys {
            preds[y].push(x);
        }
    }
    let mut loops: Vec<(usize, Vec<bool>)> = Vec::new();
    for (u, ys) in succs.iter().enumerate() {
        for &h in ys {
            if !dominates(idom, h, u) {
                continue;
            }
            let i = match loops.iter().position(|(x, _)| *x == h) {
                Some(i) => i,
                None => {
                    let mut body = vec![false; n];
                    body[h] = true;
                    loops.push((h, body));
                    loops.len() - 1
                }
            };
            let body = &mut loops[i].1;
            let mut stack = vec![u];
            while let Some(b) = stack.pop() {
                if !body[b] {
                    body[b] = true;
                    stack.extend(preds[b].iter().copied());
                }
            }
        }
    }
    loops
}

#[cfg(test)]
mod dom_tests {
    use super::*;

    #[test]
    fn diamond_and_loop() {
        // 0 -> 1 -> {2, 3} -> 4 -> 1 (loop), 4 -> 5
        let succs = vec![vec![1], vec![2, 3], vec![4], vec![4], vec![1, 5], vec![]];
        let idom = dominators(&succs);
        assert_eq!(idom, vec![0, 0, 1, 1, 1, 4]);
        assert!(dominates(&idom, 1, 5) && !dominates(&idom, 2, 4));
        assert_eq!(common_dominator(&idom, 2, 3), 1);
        let loops = natural_loops(&succs, &idom);
        assert_eq!(loops.len(), 1);
        assert_eq!(loops[0].0, 1);
        assert_eq!(loops[0].1, vec![false, true, true, true, true, false]);
    }
}
