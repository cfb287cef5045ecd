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
            build.begin_block(b, start, live_in);
            for (p, i) in code.iter().enumerate().take(end).skip(start) {
                build.instr(b, p, i, effects, ops, |_, _, _| {});
            }
            build.end_block(b, live_out);
        }
        build.finish()
    }
}

/// Gathers [`Ranges`] block by block, instruction by instruction (the
/// allocator's walk over the code drives it when liveness is known then).
///
/// A value's pieces are built in code order, and the work at a block's
/// boundaries is what changes there: a value live through a block it does
/// not touch costs nothing. Each value has one open piece; the values live
/// out of the previous block (`reach`) have it running to that block's
/// end, which is written down only when they stop being live.
pub(super) struct Builder {
    /// Values from here on live inside one block ([`super::webs`]): one
    /// piece each, from their first to their last use. The others may have
    /// several.
    wide: usize,
    num_values: usize,
    positions: u32,
    /// Closed pieces: (value, first, last position), each value's in order.
    raw: Vec<(u16, u32, u32)>,
    /// Each value's open piece (`lo == NONE`: none yet).
    lo: Vec<u32>,
    hi: Vec<u32>,
    /// The block where a wide value was last touched.
    stamp: Vec<u32>,
    /// Wide values whose open piece runs to the previous block's end.
    reach: Vec<u64>,
    /// The current block's live-in set, and its first position.
    live: Vec<u64>,
    start: u32,
    hints: Vec<(u16, u16)>,
}

const NONE: u32 = u32::MAX;

impl Builder {
    pub fn new(live_in: &Rows, num_values: usize, n: usize) -> Builder {
        let words = live_in.words;
        let wide = (words * 64).min(num_values);
        Builder {
            wide,
            num_values,
            positions: 2 * n as u32,
            raw: Vec::new(),
            lo: vec![NONE; num_values],
            hi: vec![0; num_values],
            stamp: vec![u32::MAX; wide],
            reach: vec![0; words],
            live: vec![0; words],
            start: 0,
            hints: Vec::new(),
        }
    }

    /// Starts a piece of wide value `s` at `at`, or goes on with its open
    /// one if that touches it.
    fn open(&mut self, s: u16, at: u32) {
        let k = s as usize;
        if self.lo[k] == NONE || self.hi[k] + 1 < at {
            if self.lo[k] != NONE {
                self.raw.push((s, self.lo[k], self.hi[k]));
            }
            self.lo[k] = at;
            self.hi[k] = at;
        }
    }

    fn touch(&mut self, b: usize, s: u16, at: u32) {
        let k = s as usize;
        if k >= self.wide {
            self.lo[k] = self.lo[k].min(at);
        } else if self.stamp[k] != b as u32 {
            self.stamp[k] = b as u32;
            if self.live[k / 64] >> (k % 64) & 1 == 0 {
                self.open(s, at);
            }
        }
        self.hi[k] = self.hi[k].max(at);
    }

    /// Opens block `b`, whose first instruction is `start`.
    pub fn begin_block(&mut self, b: usize, start: usize, live_in: &Rows) {
        let at = 2 * start as u32;
        self.live.copy_from_slice(live_in.row(b));
        for w in 0..self.live.len() {
            let (live, reach) = (self.live[w], self.reach[w]);
            // Live from here on, and not through the previous block's end.
            for s in super::ones(&[live & !reach]) {
                self.open(s + 64 * w as u16, at);
            }
            // Live to the previous block's end and no further.
            for s in super::ones(&[reach & !live]) {
                self.hi[s as usize + 64 * w] = at - 1;
            }
            self.reach[w] = 0;
        }
        self.start = at;
    }

    /// Instruction `p` (`i`) of block `b`, whose every use (value, vote,
    /// whether a write: see `OpTable::uses`) also goes to `also`. Position
    /// `2p` is where `b` of an op that reads it first is read; `2p + 1`
    /// where everything else is read and written.
    #[inline(always)]
    pub fn instr(
        &mut self,
        b: usize,
        p: usize,
        i: &Instr,
        effects: &Effects,
        ops: &OpTable,
        mut also: impl FnMut(u16, usize, bool),
    ) {
        let early = ops.reads_b_first(i.op).then_some(i.b);
        if let Some(x) = early {
            self.touch(b, x, 2 * p as u32);
            if x != i.a {
                self.hints.push((i.a.min(x), i.a.max(x)));
            }
        }
        ops.uses(effects, i, |s, vote, write| {
            if write || early != Some(s) {
                self.touch(b, s, 2 * p as u32 + 1);
            }
            also(s, vote, write);
        });
    }

    /// Closes block `b`: what is live out of it runs to its end.
    pub fn end_block(&mut self, b: usize, live_out: &Rows) {
        let out = live_out.row(b);
        for (w, &o) in out.iter().enumerate() {
            // Live in, untouched and dead here: cannot be, but a piece of
            // one position is harmless.
            for s in super::ones(&[self.live[w] & !o]) {
                let k = s as usize + 64 * w;
                if self.stamp[k] != b as u32 {
                    self.hi[k] = self.start;
                }
            }
            self.reach[w] = o;
        }
    }

    pub fn finish(mut self) -> Ranges {
        let (wide, num_values) = (self.wide, self.num_values);
        for k in 0..wide {
            if self.reach[k / 64] >> (k % 64) & 1 != 0 {
                self.hi[k] = self.positions - 1;
            }
            if self.lo[k] != NONE {
                self.raw.push((k as u16, self.lo[k], self.hi[k]));
            }
        }
        let raw = &self.raw;
        // Group by value (a counting sort: pieces of one value stay in order).
        let mut at = vec![0u32; num_values + 1];
        for r in raw {
            at[r.0 as usize + 1] += 1;
        }
        for v in wide..num_values {
            at[v + 1] = (self.lo[v] != NONE) as u32;
        }
        for v in 0..num_values {
            at[v + 1] += at[v];
        }
        let mut pieces = vec![(0u32, 0u32); at[num_values] as usize];
        let mut next = at.clone();
        for &(v, lo, hi) in raw {
            pieces[next[v as usize] as usize] = (lo, hi);
            next[v as usize] += 1;
        }
        for v in wide..num_values {
            if self.lo[v] != NONE {
                pieces[at[v] as usize] = (self.lo[v], self.hi[v]);
            }
        }
        Ranges {
            at,
            pieces,
            hints: self.hints,
            positions: self.positions,
        }
    }
}

/// Whether two sorted lists of disjoint pieces overlap.
#[inline(never)]
fn overlap(x: &[(u32, u32)], y: &[(u32, u32)]) -> bool {
    // (Cheap rejections first: most pairs are two short values, one
    // after the other.)
    match (x.first(), x.last(), y.first(), y.last()) {
        (Some(xf), Some(xl), Some(yf), Some(yl)) if xl.1 >= yf.0 && yl.1 >= xf.0 => {}
        _ => return false,
    }
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

/// Appends to `out` the union of two sorted lists of disjoint pieces that
/// do not overlap, touching pieces joined.
#[inline(never)]
fn union_into(x: &[(u32, u32)], y: &[(u32, u32)], out: &mut Vec<(u32, u32)>) {
    let first = out.len();
    let (mut i, mut j) = (0, 0);
    while i < x.len() || j < y.len() {
        let next = if j >= y.len() || (i < x.len() && x[i].0 < y[j].0) {
            i += 1;
            x[i - 1]
        } else {
            j += 1;
            y[j - 1]
        };
        let joins = out.len() > first;
        match out.last_mut() {
            Some(last) if joins && last.1 + 1 >= next.0 => last.1 = last.1.max(next.1),
            _ => out.push(next),
        }
    }
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
    // Bundles: a union-find over values (`parent`), each root with what
    // it weighs, what crossing barriers costs it, its class, its length,
    // where its pieces are (its range's, or `arena[at..at + len]` once it
    // has joined others) and its register.
    #[derive(Clone, Copy)]
    struct Node {
        parent: u16,
        eligible: bool,
        class: Class,
        reg: Option<u8>,
        weight: u64,
        crossing: u64,
        length: u64,
        joined: (u32, u32),
    }
    let mut nodes: Vec<Node> = (0..nv as u16)
        .map(|v| Node {
            parent: v,
            eligible: false,
            class: Class::Int,
            reg: None,
            weight: 0,
            crossing: 0,
            length: 0,
            joined: (u32::MAX, 0),
        })
        .collect();
    for &v in &order {
        let n = &mut nodes[v as usize];
        n.eligible = true;
        n.weight = info[v as usize].weight;
        n.crossing = cross[v as usize];
        n.class = class_of(v);
        n.length = ranges
            .of(v)
            .iter()
            .map(|&(lo, hi)| (hi - lo + 1) as u64)
            .sum();
    }
    let mut arena: Vec<(u32, u32)> = Vec::new();
    let mut tmp: Vec<(u32, u32)> = Vec::new();
    fn find(nodes: &mut [Node], mut v: u16) -> u16 {
        while nodes[v as usize].parent != v {
            let up = nodes[nodes[v as usize].parent as usize].parent;
            nodes[v as usize].parent = up;
            v = up;
        }
        v
    }
    fn pieces<'a>(
        ranges: &'a Ranges,
        nodes: &[Node],
        arena: &'a [(u32, u32)],
        k: usize,
    ) -> &'a [(u32, u32)] {
        match nodes[k].joined {
            (u32::MAX, _) => ranges.of(k as u16),
            (at, len) => &arena[at as usize..(at + len) as usize],
        }
    }
    // The heaviest pairs first: they save the most moves.
    let mut pairs: Vec<(std::cmp::Reverse<u64>, u16, u16)> = ranges
        .hints
        .iter()
        .filter(|&&(a, b)| {
            let (a, b) = (&nodes[a as usize], &nodes[b as usize]);
            a.eligible && b.eligible && a.class == b.class
        })
        .map(|&(a, b)| {
            let w = info[a as usize].weight.min(info[b as usize].weight);
            (std::cmp::Reverse(w), a, b)
        })
        .collect();
    // (Stable: pairs of equal weight keep the code's order.)
    pairs.sort_by_key(|p| p.0);
    for (_, a, b) in pairs {
        let (ra, rb) = (find(&mut nodes, a) as usize, find(&mut nodes, b) as usize);
        if ra == rb {
            continue;
        }
        let x = pieces(ranges, &nodes, &arena, ra);
        let y = pieces(ranges, &nodes, &arena, rb);
        if x.len() + y.len() > MAX_PIECES || overlap(x, y) {
            continue;
        }
        let (keep, gone) = (ra.min(rb), ra.max(rb));
        // A chain's next value usually starts after the bundle ends: when
        // the bundle's pieces are the arena's last, it grows in place.
        let after = x.last().zip(y.first()).is_some_and(|(l, f)| l.1 < f.0);
        let (xa, xl) = nodes[ra].joined;
        tmp.clear();
        let at = if after && xa != u32::MAX && (xa + xl) as usize == arena.len() {
            tmp.extend_from_slice(y);
            let last = arena.len() - 1;
            match tmp.first() {
                Some(&f) if arena[last].1 + 1 >= f.0 => {
                    arena[last].1 = f.1;
                    arena.extend_from_slice(&tmp[1..]);
                }
                _ => arena.extend_from_slice(&tmp),
            }
            xa
        } else {
            union_into(x, y, &mut tmp);
            arena.extend_from_slice(&tmp);
            (arena.len() - tmp.len()) as u32
        };
        let g = nodes[gone];
        let k = &mut nodes[keep];
        k.joined = (at, arena.len() as u32 - at);
        k.weight += g.weight;
        k.crossing += g.crossing;
        k.length += g.length;
        nodes[gone].joined = (u32::MAX, 0);
        nodes[gone].parent = keep as u16;
    }
    // Priority: weight over the square root of the range's length (short,
    // busy bundles first), then the weight itself.
    let mut roots: Vec<(std::cmp::Reverse<u64>, std::cmp::Reverse<u64>, u16)> = order
        .iter()
        .filter(|&&v| nodes[v as usize].parent == v)
        .map(|&v| {
            let n = &nodes[v as usize];
            let priority = (n.weight << 16) / ((n.length.max(1) as f64).sqrt() as u64).max(1);
            (std::cmp::Reverse(priority), std::cmp::Reverse(n.weight), v)
        })
        .collect();
    roots.sort_unstable();
    // Per class: a bit per position and register where it is taken, and
    // the pieces each register holds.
    let words = (ranges.positions as usize).div_ceil(64);
    let mut busy = [
        Registers::new(pools.0, words),
        Registers::new(pools.1, words),
    ];
    // The order registers are tried in, per class and kind of bundle: one
    // that crosses barriers and is used enough to pay for stores and
    // reloads around them, one that crosses and is not, one that crosses
    // none.
    let prefs = |class: Class, crosses: bool, others_pay: bool| {
        let size = if class == Class::Int {
            pools.0
        } else {
            pools.1
        };
        let kept = |r: u8| class == Class::Int && r >= first_preserved;
        let mut list = [0u8; 32];
        let mut len = 0;
        let regs = (0..size)
            .filter(|&r| kept(r) && crosses)
            .chain((0..size).filter(|&r| !kept(r) && others_pay))
            .chain((0..size).filter(|&r| kept(r) && !crosses));
        for r in regs {
            list[len] = r;
            len += 1;
        }
        (list, len)
    };
    let orders = [Class::Int, Class::Float].map(|c| {
        [
            prefs(c, true, true),
            prefs(c, true, false),
            prefs(c, false, true),
        ]
    });
    let (mut found, mut best) = (Vec::new(), Vec::new());
    // Bundles evicted by a heavier one try again, for a free register only.
    let mut again: Vec<u16> = Vec::new();
    let mut queue = roots.iter().map(|r| r.2);
    loop {
        let (v, retry) = match again.pop() {
            Some(v) => (v, true),
            None => match queue.next() {
                Some(v) => (v, false),
                None => break,
            },
        };
        let k = v as usize;
        let Node {
            class,
            weight,
            crossing,
            ..
        } = nodes[k];
        // (Every float register is lost across a barrier.)
        let crosses = crossing > 0;
        let others_pay = !crosses || weight > 2 * crossing;
        let (list, len) = &orders[class as usize][match (crosses, others_pay) {
            (true, true) => 0,
            (true, false) => 1,
            (false, _) => 2,
        }];
        let regs = &list[..*len];
        let mine = pieces(ranges, &nodes, &arena, k);
        let held = &mut busy[class as usize];
        let mut pick = regs.iter().copied().find(|&r| held.free(r, mine));
        if pick.is_none() && !retry {
            // The register whose conflicting bundles weigh least, if they
            // weigh less than this one: they go.
            let mut least = weight;
            for &r in regs {
                held.conflicts(r, mine, &mut found);
                let cost: u64 = found.iter().map(|&w| nodes[w as usize].weight).sum();
                if cost < least {
                    least = cost;
                    pick = Some(r);
                    std::mem::swap(&mut best, &mut found);
                }
            }
            if let Some(r) = pick {
                held.give_back(r, &best);
                for &w in &best {
                    nodes[w as usize].reg = None;
                    again.push(w);
                }
            }
        }
        if let Some(r) = pick {
            held.take(r, v, mine);
            nodes[k].reg = Some(r);
        }
    }
    for v in order {
        let root = find(&mut nodes, v) as usize;
        if let Some(r) = nodes[root].reg {
            loc[v as usize] = Loc::Reg(nodes[root].class, r);
        }
    }
}

/// What the registers of one class hold during [`color`].
struct Registers {
    /// The number of registers.
    n: usize,
    /// A bit per position and register where it holds a bundle: word `w`
    /// of register `r` is `taken[w * n + r]` (the registers' words for one
    /// stretch of code are side by side: first-fit reads them in turn).
    taken: Vec<u64>,
    /// The pieces each register holds: (start, end, bundle); sorted once
    /// `sorted` (from the first time the bundles holding it are asked for:
    /// most functions never evict, and never pay for the order).
    held: Vec<Vec<(u32, u32, u16)>>,
    sorted: Vec<bool>,
}

impl Registers {
    fn new(n: u8, words: usize) -> Registers {
        Registers {
            n: n as usize,
            taken: vec![0; n as usize * words],
            held: vec![Vec::new(); n as usize],
            sorted: vec![false; n as usize],
        }
    }

    /// The bits of positions `lo..=hi` in word `w`.
    fn mask(w: usize, lo: u32, hi: u32) -> u64 {
        let (first, last) = (w as u32 * 64, w as u32 * 64 + 63);
        let from = lo.max(first) - first;
        let to = hi.min(last) - first;
        (u64::MAX >> (63 - to)) & (u64::MAX << from)
    }

    fn free(&self, r: u8, pieces: &[(u32, u32)]) -> bool {
        let (taken, n, r) = (&self.taken, self.n, r as usize);
        pieces.iter().all(|&(lo, hi)| {
            let (first, last) = (lo as usize / 64, hi as usize / 64);
            (first..=last).all(|w| taken[w * n + r] & Self::mask(w, lo, hi) == 0)
        })
    }

    /// Gives register `r` to bundle `v` over `pieces`.
    fn take(&mut self, r: u8, v: u16, pieces: &[(u32, u32)]) {
        let held = &mut self.held[r as usize];
        for &(lo, hi) in pieces {
            for w in lo as usize / 64..=hi as usize / 64 {
                self.taken[w * self.n + r as usize] |= Self::mask(w, lo, hi);
            }
            if self.sorted[r as usize] {
                let at = held.partition_point(|h| h.1 < lo);
                held.insert(at, (lo, hi, v));
            } else {
                held.push((lo, hi, v));
            }
        }
    }

    /// Takes register `r` back from the bundles `gone`.
    fn give_back(&mut self, r: u8, gone: &[u16]) {
        let (taken, n) = (&mut self.taken, self.n);
        self.held[r as usize].retain(|&(lo, hi, v)| {
            if !gone.contains(&v) {
                return true;
            }
            for w in lo as usize / 64..=hi as usize / 64 {
                taken[w * n + r as usize] &= !Self::mask(w, lo, hi);
            }
            false
        });
    }

    /// The bundles holding register `r` somewhere in `pieces`.
    fn conflicts(&mut self, r: u8, pieces: &[(u32, u32)], out: &mut Vec<u16>) {
        let held = &mut self.held[r as usize];
        if !self.sorted[r as usize] {
            held.sort_unstable_by_key(|h| h.0);
            self.sorted[r as usize] = true;
        }
        out.clear();
        for &(lo, hi) in pieces {
            let from = held.partition_point(|h| h.1 < lo);
            for h in held[from..].iter().take_while(|h| h.0 <= hi) {
                if !out.contains(&h.2) {
                    out.push(h.2);
                }
            }
        }
    }
}
