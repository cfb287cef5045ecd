//! Registers for values by priority, over live ranges with holes.
//!
//! A value's live range is the set of code positions where it is live:
//! per block, from the block's start (if live into it) or its first use, to
//! the block's end (if live out of it) or its last use, consecutive pieces
//! joined. Values are taken in order of spill-cost density (uses weighted by
//! loop depth, over the range's length), and each gets the first register
//! of its class free over its whole range, or stays in memory. Short,
//! busy values (an operand-stack temporary in a loop) come first and pack
//! into few registers; the long ones then take what is free around them.

use super::{Class, Effects, Loc, OpTable, Rows, SlotInfo};
use std::collections::BTreeMap;
use zwasm_abi::ir::Instr;

/// Every value's live range, as sorted, disjoint, inclusive position pairs:
/// instruction `p` reads at `2p + 1` and writes at `2p + 1`, but for the
/// first operand of an op that reads it first (`OpTable::reads_b_first`),
/// read at `2p`, so that the result can take its register if it dies there.
pub(super) struct Ranges {
    /// Value `v`'s pieces are `pieces[at[v]..at[v + 1]]`.
    at: Vec<u32>,
    pieces: Vec<(u32, u32)>,
    /// Pairs (`a`, `b`) and (`b`, `a`) of an op that may write `a` into
    /// `b`'s register: giving them one saves a move.
    hints: Vec<(u16, u16)>,
}

impl Ranges {
    pub fn of(&self, v: u16) -> &[(u32, u32)] {
        &self.pieces[self.at[v as usize] as usize..self.at[v as usize + 1] as usize]
    }

    /// The live ranges of the `num_values` values of `code`, whose blocks
    /// start at `starts`, from their liveness.
    pub fn new(
        code: &[Instr],
        starts: &[usize],
        live_in: &Rows,
        live_out: &Rows,
        effects: &Effects,
        ops: &OpTable,
        num_values: usize,
    ) -> Ranges {
        let (n, nb) = (code.len(), starts.len());
        let mut raw: Vec<(u16, u32, u32)> = Vec::new();
        let mut stamp = vec![u32::MAX; num_values];
        let mut first = vec![0u32; num_values];
        let mut last = vec![0u32; num_values];
        let mut touched: Vec<u16> = Vec::new();
        let mut hints: Vec<(u16, u16)> = Vec::new();
        for b in 0..nb {
            let (start, end) = (starts[b], if b + 1 < nb { starts[b + 1] } else { n });
            touched.clear();
            for (p, i) in code.iter().enumerate().take(end).skip(start) {
                // Position `2p` is where `b` of an op that reads it first is
                // read; `2p + 1` where everything else is read and written.
                let early = ops.reads_b_first(i.op).then_some(i.b);
                let mut touch = |s: u16, at: u32| {
                    if stamp[s as usize] != b as u32 {
                        stamp[s as usize] = b as u32;
                        first[s as usize] = at;
                        touched.push(s);
                    }
                    last[s as usize] = last[s as usize].max(at);
                };
                if let Some(x) = early {
                    touch(x, 2 * p as u32);
                    if x != i.a {
                        hints.push((i.a, x));
                    }
                }
                ops.uses(effects, i, |s, _, write| {
                    if write || early != Some(s) {
                        touch(s, 2 * p as u32 + 1);
                    }
                });
            }
            let hi = |s: u16| {
                if live_out.get(b, s) {
                    2 * end as u32 - 1
                } else {
                    last[s as usize]
                }
            };
            for s in live_in.ones(b) {
                // Live in and neither used nor live out: cannot be, but a
                // range of one position is harmless.
                let h = if stamp[s as usize] == b as u32 || live_out.get(b, s) {
                    hi(s)
                } else {
                    2 * start as u32
                };
                raw.push((s, 2 * start as u32, h));
            }
            for &s in &touched {
                if !live_in.get(b, s) {
                    raw.push((s, first[s as usize], hi(s)));
                }
            }
        }
        // Group by value, keeping block order, and join touching pieces.
        raw.sort_by_key(|r| r.0);
        let mut at = vec![0u32; num_values + 1];
        let mut pieces: Vec<(u32, u32)> = Vec::with_capacity(raw.len());
        let mut k = 0;
        for (v, start) in at.iter_mut().enumerate().take(num_values) {
            *start = pieces.len() as u32;
            let from = pieces.len();
            while k < raw.len() && raw[k].0 as usize == v {
                let (_, lo, hi) = raw[k];
                let joins = pieces.len() > from && pieces[pieces.len() - 1].1 + 1 >= lo;
                match pieces.last_mut() {
                    Some(last) if joins => last.1 = last.1.max(hi),
                    _ => pieces.push((lo, hi)),
                }
                k += 1;
            }
        }
        at[num_values] = pieces.len() as u32;
        // Each pair both ways, sorted by its first.
        let swapped: Vec<(u16, u16)> = hints.iter().map(|&(a, b)| (b, a)).collect();
        hints.extend(swapped);
        hints.sort_unstable();
        hints.dedup();
        Ranges { at, pieces, hints }
    }
}

/// Whether two sorted lists of disjoint pieces overlap.
fn overlap(x: &[(u32, u32)], y: &[(u32, u32)]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        if x[i].1 < y[j].0 {
            i += 1;
        } else if y[j].1 < x[i].0 {
            j += 1;
        } else {
            return true;
        }
    }
    false
}

/// The union of two sorted lists of disjoint pieces that do not overlap,
/// touching pieces joined.
fn union(x: &[(u32, u32)], y: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(x.len() + y.len());
    let (mut i, mut j) = (0, 0);
    while i < x.len() || j < y.len() {
        let next = if j >= y.len() || (i < x.len() && x[i].0 < y[j].0) {
            i += 1;
            x[i - 1]
        } else {
            j += 1;
            y[j - 1]
        };
        match out.last_mut() {
            Some(last) if last.1 + 1 >= next.0 => last.1 = last.1.max(next.1),
            _ => out.push(next),
        }
    }
    out
}

/// A bundle may grow to this many pieces (joining costs a copy of both).
const MAX_PIECES: usize = 512;

/// Gives the values in `order` registers. First, values an op could write
/// into one another's register (`Ranges::hints`) join one bundle when
/// their ranges do not overlap: one register for all, and no move between
/// them. Then each bundle, by priority, takes the first register of its
/// class (`class_of`) free over its whole range; failing that, it takes
/// one from bundles that weigh less in all, which try again for a free
/// one. Integer registers from `first_preserved` on survive barriers: a
/// bundle that crosses some (`cross`: their weights) takes one of them
/// first, and one of the others only if it is used more than it would be
/// stored and reloaded; any other bundle takes one of the others first.
#[allow(clippy::too_many_arguments)]
pub(super) fn color(
    ranges: &Ranges,
    info: &[SlotInfo],
    cross: &[u64],
    order: Vec<u16>,
    class_of: impl Fn(u16) -> Class,
    pools: (u8, u8),
    first_preserved: u8,
    loc: &mut [Loc],
) {
    let nv = info.len();
    // Bundles: a union-find over values, with each root's pieces, weight,
    // barrier weight and class.
    let mut parent: Vec<u16> = (0..nv as u16).collect();
    let mut eligible = vec![false; nv];
    let mut pieces: Vec<Vec<(u32, u32)>> = vec![Vec::new(); nv];
    let mut weight = vec![0u64; nv];
    let mut crossing = vec![0u64; nv];
    let mut class = vec![Class::Int; nv];
    for &v in &order {
        let k = v as usize;
        eligible[k] = true;
        pieces[k] = ranges.of(v).to_vec();
        weight[k] = info[k].weight;
        crossing[k] = cross[k];
        class[k] = class_of(v);
    }
    fn find(parent: &mut [u16], mut v: u16) -> u16 {
        while parent[v as usize] != v {
            let up = parent[parent[v as usize] as usize];
            parent[v as usize] = up;
            v = up;
        }
        v
    }
    let mut pairs: Vec<(u16, u16)> = ranges
        .hints
        .iter()
        .copied()
        .filter(|&(a, b)| a < b && eligible[a as usize] && eligible[b as usize])
        .filter(|&(a, b)| class[a as usize] == class[b as usize])
        .collect();
    // The heaviest pairs first: they save the most moves.
    pairs.sort_by_key(|&(a, b)| {
        std::cmp::Reverse(info[a as usize].weight.min(info[b as usize].weight))
    });
    for (a, b) in pairs {
        let (ra, rb) = (find(&mut parent, a) as usize, find(&mut parent, b) as usize);
        if ra == rb
            || pieces[ra].len() + pieces[rb].len() > MAX_PIECES
            || overlap(&pieces[ra], &pieces[rb])
        {
            continue;
        }
        let (keep, gone) = (ra.min(rb), ra.max(rb));
        pieces[keep] = union(&pieces[keep], &pieces[gone]);
        pieces[gone] = Vec::new();
        parent[gone] = keep as u16;
        weight[keep] += weight[gone];
        crossing[keep] += crossing[gone];
    }
    let mut roots: Vec<u16> = order
        .iter()
        .copied()
        .filter(|&v| parent[v as usize] == v)
        .collect();
    // Priority: weight over the square root of the range's length (short,
    // busy bundles first), then the weight itself.
    let priority = |v: u16| {
        let len: u64 = pieces[v as usize]
            .iter()
            .map(|&(lo, hi)| (hi - lo + 1) as u64)
            .sum();
        (weight[v as usize] << 16) / ((len.max(1) as f64).sqrt() as u64).max(1)
    };
    roots.sort_by_cached_key(|&v| {
        (
            std::cmp::Reverse(priority(v)),
            std::cmp::Reverse(weight[v as usize]),
            v,
        )
    });
    // Per class and register, the pieces it holds: start -> (end, bundle).
    let mut busy: [Vec<BTreeMap<u32, (u32, u16)>>; 2] = [
        (0..pools.0).map(|_| BTreeMap::new()).collect(),
        (0..pools.1).map(|_| BTreeMap::new()).collect(),
    ];
    // The bundles holding a piece of `m` that overlaps `pieces`.
    let conflicts = |m: &BTreeMap<u32, (u32, u16)>, pieces: &[(u32, u32)], out: &mut Vec<u16>| {
        out.clear();
        for &(lo, hi) in pieces {
            for (_, &(end, w)) in m.range(..=hi).rev() {
                if end < lo {
                    break;
                }
                if !out.contains(&w) {
                    out.push(w);
                }
            }
        }
    };
    let free = |m: &BTreeMap<u32, (u32, u16)>, pieces: &[(u32, u32)]| {
        pieces.iter().all(|&(lo, hi)| {
            m.range(..=hi)
                .next_back()
                .is_none_or(|(_, &(end, _))| end < lo)
        })
    };
    let mut reg: Vec<Option<u8>> = vec![None; nv];
    let (mut found, mut best) = (Vec::new(), Vec::new());
    // Bundles evicted by a heavier one try again, for a free register only.
    let mut again: Vec<u16> = Vec::new();
    let mut queue = roots.iter().copied();
    loop {
        let (v, retry) = match again.pop() {
            Some(v) => (v, true),
            None => match queue.next() {
                Some(v) => (v, false),
                None => break,
            },
        };
        let k = v as usize;
        let class = class[k];
        let size = if class == Class::Int {
            pools.0
        } else {
            pools.1
        };
        // (Every float register is lost across a barrier.)
        let crosses = crossing[k] > 0;
        let others_pay = !crosses || weight[k] > 2 * crossing[k];
        let kept = |r: u8| class == Class::Int && r >= first_preserved;
        let regs = (0..size)
            .filter(|&r| kept(r) && crosses)
            .chain((0..size).filter(|&r| !kept(r) && others_pay))
            .chain((0..size).filter(|&r| kept(r) && !crosses));
        let mine = &pieces[k];
        let maps = &mut busy[class as usize];
        let mut pick = regs.clone().find(|&r| free(&maps[r as usize], mine));
        if pick.is_none() && !retry {
            // The register whose conflicting bundles weigh least, if they
            // weigh less than this one: they go.
            let mut least = weight[k];
            for r in regs {
                conflicts(&maps[r as usize], mine, &mut found);
                let cost: u64 = found.iter().map(|&w| weight[w as usize]).sum();
                if cost < least {
                    least = cost;
                    pick = Some(r);
                    std::mem::swap(&mut best, &mut found);
                }
            }
            if let Some(r) = pick {
                let m = &mut maps[r as usize];
                for &w in &best {
                    for &(lo, _) in &pieces[w as usize] {
                        m.remove(&lo);
                    }
                    reg[w as usize] = None;
                    again.push(w);
                }
            }
        }
        if let Some(r) = pick {
            let m = &mut maps[r as usize];
            for &(lo, hi) in mine {
                m.insert(lo, (hi, v));
            }
            reg[k] = Some(r);
        }
    }
    for v in order {
        let root = find(&mut parent, v) as usize;
        if let Some(r) = reg[root] {
            loc[v as usize] = Loc::Reg(class[root], r);
        }
    }
}
