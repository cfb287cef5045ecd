//! Webs: a slot's values split into the groups that must share a location.
//!
//! The lowering reuses a slot for unrelated values (a local assigned anew,
//! an operand-stack cell holding an address, then a float, then a flag), and
//! the linear scan gives each number one interval and one register class.
//! A web is a set of definitions and uses of one slot joined by reaching:
//! a use and every definition that reaches it belong together. Each web but
//! one per slot gets a number of its own (from the frame's slot count on),
//! so that it gets an interval, a class and a location of its own.
//!
//! A web's home in memory stays its slot's frame cell: webs of one slot are
//! never live at once (the original code keeps them all in that cell), so
//! spilling and reloading any of them there is what the code did before.
//! Webs that the runtime or a callee sees by number keep it: those read or
//! written by calls, returns, `select`'s condition, `struct.new` and any
//! instruction that goes through memory, and those live at the entry
//! (parameters and zeroed locals).

use super::{Effects, OpTable, Rows};
use zwasm_abi::ir::Instr;

/// What the split needs of the allocator's first analysis (over slots).
pub(super) struct Facts<'a> {
    pub code: &'a [Instr],
    pub num_slots: usize,
    pub effects: &'a Effects<'a>,
    pub ops: &'a OpTable,
    /// The first instruction of each block.
    pub starts: &'a [usize],
    /// Each block's successors: `succ_list[succ_at[b]..succ_at[b + 1]]`.
    pub succ_list: &'a [u32],
    pub succ_at: &'a [u32],
    pub live_in: &'a Rows,
    pub live_out: &'a Rows,
    /// The largest `blocks * values` the allocator analyses.
    pub max_work: usize,
}

/// The code with webs renumbered, and the home slot of each number from
/// the frame's slot count on; `None` when no slot has two webs to split.
pub(super) fn split(f: &Facts) -> Option<(Vec<Instr>, Vec<u16>)> {
    let (code, nb) = (f.code, f.starts.len());
    let n = code.len();
    let end_of = |b: usize| if b + 1 < nb { f.starts[b + 1] } else { n };
    // Nodes: one per slot live into each block (its entry), then one per
    // definition. `entry_at[b]`: block `b`'s first entry node.
    let mut entry_at = Vec::with_capacity(nb + 1);
    let mut total = 0u32;
    for b in 0..nb {
        entry_at.push(total);
        total += f.live_in.row(b).iter().map(|w| w.count_ones()).sum::<u32>();
    }
    entry_at.push(total);
    let entry = |b: usize, s: u16| -> Option<u32> {
        let row = f.live_in.row(b);
        let (w, bit) = (s as usize / 64, s % 64);
        if row[w] >> bit & 1 == 0 {
            return None;
        }
        let below: u32 = row[..w].iter().map(|x| x.count_ones()).sum::<u32>()
            + (row[w] & ((1u64 << bit) - 1)).count_ones();
        Some(entry_at[b] + below)
    };
    let mut uf = UnionFind::default();
    for b in 0..nb {
        for s in f.live_in.ones(b) {
            // Live at the function's entry: a parameter or a zeroed local.
            uf.push(s, b == 0);
        }
    }
    // The node of each field an instruction reads (`a`, `b`, `c`) or
    // writes (`a`); `NONE` where it has none or keeps its numbers.
    const NONE: u32 = u32::MAX;
    let mut fields = vec![[NONE; 4]; n];
    let mut cur = vec![NONE; f.num_slots];
    let mut stamp = vec![u32::MAX; f.num_slots];
    for b in 0..nb {
        let b32 = b as u32;
        for p in f.starts[b]..end_of(b) {
            let i = &code[p];
            let get = |s: u16, stamp: &[u32], cur: &[u32]| -> Option<u32> {
                if stamp[s as usize] == b32 {
                    Some(cur[s as usize])
                } else {
                    entry(b, s)
                }
            };
            if f.ops.keeps_numbers(i.op) {
                let mut ok = true;
                f.effects.reads(i, |s| match get(s, &stamp, &cur) {
                    Some(v) => uf.pin(v),
                    None => ok = false,
                });
                if !ok {
                    return None;
                }
                f.effects.writes(i, |s| {
                    let v = uf.push(s, true);
                    cur[s as usize] = v;
                    stamp[s as usize] = b32;
                });
                continue;
            }
            let (reads, writes) = f.ops.fields(i.op);
            let slot = [i.a, i.b, i.c];
            for k in 0..3 {
                if reads & 1 << k != 0 {
                    fields[p][k] = get(slot[k], &stamp, &cur)?;
                }
            }
            if writes {
                let v = uf.push(i.a, false);
                if reads & 1 != 0 {
                    // One field for both: read and written, one web.
                    uf.union(v, fields[p][0]);
                }
                fields[p][3] = v;
                cur[i.a as usize] = v;
                stamp[i.a as usize] = b32;
            }
        }
        // What leaves the block joins what enters each successor.
        let succs = &f.succ_list[f.succ_at[b] as usize..f.succ_at[b + 1] as usize];
        for s in f.live_out.ones(b) {
            let v = if stamp[s as usize] == b32 {
                cur[s as usize]
            } else {
                entry(b, s)?
            };
            for &t in succs {
                if let Some(e) = entry(t as usize, s) {
                    uf.union(v, e);
                }
            }
        }
    }
    // Numbers: a pinned web keeps its slot's; of the others, the first of a
    // slot whose number is free takes it, the rest take new ones.
    let nodes = uf.slot.len();
    let mut number = vec![NONE; nodes];
    let mut taken = vec![false; f.num_slots];
    for v in 0..nodes as u32 {
        let r = uf.find(v);
        if uf.pinned[r as usize] {
            taken[uf.slot[r as usize] as usize] = true;
            number[r as usize] = uf.slot[r as usize] as u32;
        }
    }
    let mut homes: Vec<u16> = (0..f.num_slots as u16).collect();
    for v in 0..nodes as u32 {
        let r = uf.find(v) as usize;
        if number[r] != NONE {
            continue;
        }
        let s = uf.slot[r];
        if !taken[s as usize] {
            taken[s as usize] = true;
            number[r] = s as u32;
        } else {
            number[r] = homes.len() as u32;
            homes.push(s);
        }
    }
    if homes.len() == f.num_slots
        || homes.len() > u16::MAX as usize
        || nb.saturating_mul(homes.len()) > f.max_work
    {
        return None;
    }
    let mut out = code.to_vec();
    for (i, nodes) in out.iter_mut().zip(&fields) {
        let mut at =
            |k: usize| (nodes[k] != NONE).then(|| number[uf.find(nodes[k]) as usize] as u16);
        if let Some(x) = at(3).or(at(0)) {
            i.a = x;
        }
        if let Some(x) = at(1) {
            i.b = x;
        }
        if let Some(x) = at(2) {
            i.c = x;
        }
    }
    Some((out, homes))
}

/// Union-find over web nodes, each with its slot and whether its web keeps
/// the slot's number.
#[derive(Default)]
struct UnionFind {
    parent: Vec<u32>,
    slot: Vec<u16>,
    pinned: Vec<bool>,
}

impl UnionFind {
    fn push(&mut self, slot: u16, pinned: bool) -> u32 {
        let v = self.parent.len() as u32;
        self.parent.push(v);
        self.slot.push(slot);
        self.pinned.push(pinned);
        v
    }

    fn find(&mut self, mut v: u32) -> u32 {
        while self.parent[v as usize] != v {
            let up = self.parent[self.parent[v as usize] as usize];
            self.parent[v as usize] = up;
            v = up;
        }
        v
    }

    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            let (lo, hi) = (a.min(b), a.max(b));
            self.parent[hi as usize] = lo;
            self.pinned[lo as usize] |= self.pinned[hi as usize];
        }
    }

    fn pin(&mut self, v: u32) {
        let r = self.find(v);
        self.pinned[r as usize] = true;
    }
}
