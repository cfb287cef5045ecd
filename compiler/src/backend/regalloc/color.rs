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
use zwasm_abi::ir::Instr;

/// Every value's live range, as sorted, disjoint, inclusive position pairs:
/// instruction `p` reads at `2p + 1` and writes at `2p + 1`, but for the
/// first operand of an op that reads it first (`OpTable::reads_b_first`),
/// read at `2p`, so that the result can take its register if it dies there.
pub(super) struct Ranges {
    /// Value `v`'s pieces are `pieces[at[v]..at[v + 1]]`.
    at: Vec<u32>,
    pieces: Vec<(u32, u32)>,
    /// Pairs of values (the lower number first) of an op that may write
    /// one into the other's register: giving them one saves a move.
    hints: Vec<(u16, u16)>,
    /// The number of positions: two per instruction.
    positions: u32,
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
        let mut build = Builder::new(live_in, num_values, n);
        for b in 0..nb {
            let (start, end) = (starts[b], if b + 1 < nb { starts[b + 1] } else { n });
            for (p, i) in code.iter().enumerate().take(end).skip(start) {
                build.instr(b, p, i, effects, ops);
            }
            build.end_block(b, start, end, live_in, live_out);
        }
        build.finish()
    }
}

/// Gathers [`Ranges`] block by block, instruction by instruction (the
/// allocator's walk over the code drives it when liveness is known then).
pub(super) struct Builder {
    /// Values from here on live inside one block ([`super::webs`]): one
    /// piece each, from their first to their last use. The others get a
    /// piece per block where they are live, joined.
    wide: usize,
    num_values: usize,
    positions: u32,
    raw: Vec<(u16, u32, u32)>,
    stamp: Vec<u32>,
    first: Vec<u32>,
    last: Vec<u32>,
    touched: Vec<u16>,
    hints: Vec<(u16, u16)>,
}

impl Builder {
    pub fn new(live_in: &Rows, num_values: usize, n: usize) -> Builder {
        let wide = (live_in.words * 64).min(num_values);
        Builder {
            wide,
            num_values,
            positions: 2 * n as u32,
            raw: Vec::new(),
            stamp: vec![u32::MAX; wide],
            first: vec![u32::MAX; num_values],
            last: vec![0u32; num_values],
            touched: Vec::new(),
            hints: Vec::new(),
        }
    }

    fn touch(&mut self, b: usize, s: u16, at: u32) {
        let k = s as usize;
        if k >= self.wide {
            self.first[k] = self.first[k].min(at);
        } else if self.stamp[k] != b as u32 {
            self.stamp[k] = b as u32;
            self.first[k] = at;
            self.touched.push(s);
        }
        self.last[k] = self.last[k].max(at);
    }

    /// Instruction `p` (`i`) of block `b`. Position `2p` is where `b` of an
    /// op that reads it first is read; `2p + 1` where everything else is
    /// read and written.
    #[inline(always)]
    pub fn instr(&mut self, b: usize, p: usize, i: &Instr, effects: &Effects, ops: &OpTable) {
        let early = ops.reads_b_first(i.op).then_some(i.b);
        if let Some(x) = early {
            self.touch(b, x, 2 * p as u32);
            if x != i.a {
                self.hints.push((i.a.min(x), i.a.max(x)));
            }
        }
        ops.uses(effects, i, |s, _, write| {
            if write || early != Some(s) {
                self.touch(b, s, 2 * p as u32 + 1);
            }
        });
    }

    /// Closes block `b`, instructions `start..end`.
    pub fn end_block(
        &mut self,
        b: usize,
        start: usize,
        end: usize,
        live_in: &Rows,
        live_out: &Rows,
    ) {
        let hi = |s: u16, last: &[u32]| {
            if live_out.get(b, s) {
                2 * end as u32 - 1
            } else {
                last[s as usize]
            }
        };
        for s in live_in.ones(b) {
            // Live in and neither used nor live out: cannot be, but a range
            // of one position is harmless.
            let h = if self.stamp[s as usize] == b as u32 || live_out.get(b, s) {
                hi(s, &self.last)
            } else {
                2 * start as u32
            };
            self.raw.push((s, 2 * start as u32, h));
        }
        for &s in &self.touched {
            if !live_in.get(b, s) {
                self.raw
                    .push((s, self.first[s as usize], hi(s, &self.last)));
            }
        }
        self.touched.clear();
    }

    pub fn finish(self) -> Ranges {
        let (wide, num_values, raw) = (self.wide, self.num_values, &self.raw);
        // Group by value, keeping block order, and join touching pieces.
        // (A counting sort: pieces of one value stay in block order.)
        let mut count = vec![0u32; wide + 1];
        for r in raw {
            count[r.0 as usize + 1] += 1;
        }
        for v in 0..wide {
            count[v + 1] += count[v];
        }
        let mut sorted = vec![(0u32, 0u32); raw.len()];
        let mut next = count.clone();
        for &(v, lo, hi) in raw {
            sorted[next[v as usize] as usize] = (lo, hi);
            next[v as usize] += 1;
        }
        let mut at = vec![0u32; num_values + 1];
        let mut pieces: Vec<(u32, u32)> = Vec::with_capacity(raw.len() + num_values - wide);
        for v in 0..wide {
            at[v] = pieces.len() as u32;
            for &(lo, hi) in &sorted[count[v] as usize..count[v + 1] as usize] {
                let joins = pieces.len() > at[v] as usize && pieces[pieces.len() - 1].1 + 1 >= lo;
                match pieces.last_mut() {
                    Some(last) if joins => last.1 = last.1.max(hi),
                    _ => pieces.push((lo, hi)),
                }
            }
        }
        for (v, start) in at.iter_mut().enumerate().take(num_values).skip(wide) {
            *start = pieces.len() as u32;
            if self.first[v] != u32::MAX {
                pieces.push((self.first[v], self.last[v]));
            }
        }
        at[num_values] = pieces.len() as u32;
        Ranges {
            at,
            pieces,
            hints: self.hints,
            positions: self.positions,
        }
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
    // Bundles: a union-find over values, with each root's weight, barrier
    // weight and class, and its pieces when it joined others (a lone
    // value's are its range's).
    let mut parent: Vec<u16> = (0..nv as u16).collect();
    let mut eligible = vec![false; nv];
    let mut joined: Vec<Option<Vec<(u32, u32)>>> = vec![None; nv];
    let mut weight = vec![0u64; nv];
    let mut crossing = vec![0u64; nv];
    let mut class = vec![Class::Int; nv];
    for &v in &order {
        let k = v as usize;
        eligible[k] = true;
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
        .filter(|&(a, b)| eligible[a as usize] && eligible[b as usize])
        .filter(|&(a, b)| class[a as usize] == class[b as usize])
        .collect();
    // The heaviest pairs first: they save the most moves.
    pairs.sort_by_key(|&(a, b)| {
        std::cmp::Reverse(info[a as usize].weight.min(info[b as usize].weight))
    });
    for (a, b) in pairs {
        let (ra, rb) = (find(&mut parent, a) as usize, find(&mut parent, b) as usize);
        if ra == rb {
            continue;
        }
        let x = joined[ra].as_deref().unwrap_or(ranges.of(ra as u16));
        let y = joined[rb].as_deref().unwrap_or(ranges.of(rb as u16));
        if x.len() + y.len() > MAX_PIECES || overlap(x, y) {
            continue;
        }
        // (A chain's next value usually starts after the bundle ends: it is
        // appended in place.)
        let after = x.last().zip(y.first()).is_some_and(|(l, f)| l.1 < f.0);
        let both = if after {
            let mut v = joined[ra]
                .take()
                .unwrap_or_else(|| ranges.of(ra as u16).to_vec());
            let y = joined[rb].as_deref().unwrap_or(ranges.of(rb as u16));
            match (v.last_mut(), y.first()) {
                (Some(l), Some(&f)) if l.1 + 1 >= f.0 => {
                    l.1 = f.1;
                    v.extend_from_slice(&y[1..]);
                }
                _ => v.extend_from_slice(y),
            }
            v
        } else {
            union(x, y)
        };
        let (keep, gone) = (ra.min(rb), ra.max(rb));
        joined[keep] = Some(both);
        joined[gone] = None;
        parent[gone] = keep as u16;
        weight[keep] += weight[gone];
        crossing[keep] += crossing[gone];
    }
    let pieces_of = |k: usize| joined[k].as_deref().unwrap_or(ranges.of(k as u16));
    let mut roots: Vec<u16> = order
        .iter()
        .copied()
        .filter(|&v| parent[v as usize] == v)
        .collect();
    // Priority: weight over the square root of the range's length (short,
    // busy bundles first), then the weight itself.
    let priority = |v: u16| {
        let len: u64 = pieces_of(v as usize)
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
    // Per class and register: a bit per position it is taken at, and the
    // pieces it holds.
    let positions = ranges.positions as usize;
    let words = positions.div_ceil(64);
    let pool = |n: u8| (0..n).map(|_| Register::new(words)).collect::<Vec<_>>();
    let mut busy: [Vec<Register>; 2] = [pool(pools.0), pool(pools.1)];
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
        let mine = pieces_of(k);
        let held = &mut busy[class as usize];
        let mut pick = regs.clone().find(|&r| held[r as usize].free(mine));
        if pick.is_none() && !retry {
            // The register whose conflicting bundles weigh least, if they
            // weigh less than this one: they go.
            let mut least = weight[k];
            for r in regs {
                held[r as usize].conflicts(mine, &mut found);
                let cost: u64 = found.iter().map(|&w| weight[w as usize]).sum();
                if cost < least {
                    least = cost;
                    pick = Some(r);
                    std::mem::swap(&mut best, &mut found);
                }
            }
            if let Some(r) = pick {
                held[r as usize].give_back(&best);
                for &w in &best {
                    reg[w as usize] = None;
                    again.push(w);
                }
            }
        }
        if let Some(r) = pick {
            held[r as usize].take(v, mine);
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

/// What a register holds during [`color`].
struct Register {
    /// A bit per position where it holds a bundle.
    taken: Vec<u64>,
    /// The pieces it holds: (start, end, bundle); sorted once `sorted`
    /// (from the first time the bundles holding it are asked for: most
    /// functions never evict, and never pay for the order).
    held: Vec<(u32, u32, u16)>,
    sorted: bool,
}

impl Register {
    fn new(words: usize) -> Register {
        Register {
            taken: vec![0; words],
            held: Vec::new(),
            sorted: false,
        }
    }

    /// The bits of positions `lo..=hi` in word `w`.
    fn mask(w: usize, lo: u32, hi: u32) -> u64 {
        let (first, last) = (w as u32 * 64, w as u32 * 64 + 63);
        let from = lo.max(first) - first;
        let to = hi.min(last) - first;
        (u64::MAX >> (63 - to)) & (u64::MAX << from)
    }

    fn free(&self, pieces: &[(u32, u32)]) -> bool {
        pieces.iter().all(|&(lo, hi)| {
            (lo as usize / 64..=hi as usize / 64)
                .all(|w| self.taken[w] & Self::mask(w, lo, hi) == 0)
        })
    }

    /// Where in `held` (sorted) the first piece ending at or after `lo` is.
    fn from(&self, lo: u32) -> usize {
        self.held.partition_point(|h| h.1 < lo)
    }

    /// Gives the register to bundle `v` over `pieces`.
    fn take(&mut self, v: u16, pieces: &[(u32, u32)]) {
        for &(lo, hi) in pieces {
            let words = lo as usize / 64..=hi as usize / 64;
            for (w, bits) in self.taken[words.clone()].iter_mut().zip(words) {
                *w |= Self::mask(bits, lo, hi);
            }
            if self.sorted {
                let at = self.from(lo);
                self.held.insert(at, (lo, hi, v));
            } else {
                self.held.push((lo, hi, v));
            }
        }
    }

    /// Takes the register back from the bundles `gone`.
    fn give_back(&mut self, gone: &[u16]) {
        let taken = &mut self.taken;
        self.held.retain(|&(lo, hi, w)| {
            if !gone.contains(&w) {
                return true;
            }
            let words = lo as usize / 64..=hi as usize / 64;
            for (w, k) in taken[words.clone()].iter_mut().zip(words) {
                *w &= !Self::mask(k, lo, hi);
            }
            false
        });
    }

    /// The bundles holding the register somewhere in `pieces`.
    fn conflicts(&mut self, pieces: &[(u32, u32)], out: &mut Vec<u16>) {
        if !self.sorted {
            self.held.sort_unstable_by_key(|h| h.0);
            self.sorted = true;
        }
        out.clear();
        for &(lo, hi) in pieces {
            for h in self.held[self.from(lo)..].iter().take_while(|h| h.0 <= hi) {
                if !out.contains(&h.2) {
                    out.push(h.2);
                }
            }
        }
    }
}
