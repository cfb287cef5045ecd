//! Registers for memory-resident values inside innermost loops.
//!
//! The linear scan gives a value one location for its whole interval, so a
//! value that is hot in one loop but loses its register elsewhere in the
//! function lives in its frame cell everywhere: a loop-carried value then
//! goes through memory on every iteration. Here each innermost loop without
//! calls gets a second chance: a register that holds no value live in the
//! loop is lent, for the loop only, to a value that lives in memory. The value
//! is loaded when control enters the loop (falling into its head or by a
//! branch from outside) and, if the loop writes it, stored on every edge
//! that leaves the loop towards code where it is live.

use super::{Bits, Class, Effects, Loc, OpTable, Rows, SlotInfo};
use zwasm_abi::ir::Instr;

/// A loop whose memory-resident values get registers inside it.
pub(crate) struct Promotion {
    /// The loop's first instruction (its head) and its last (the last
    /// backward branch to the head).
    pub head: usize,
    pub end: usize,
    /// The values given a register in the loop, and the register.
    pub regs: Vec<(u16, Loc)>,
    /// Of those, the values loaded on entry (the ones live there).
    pub load: Vec<u16>,
    /// The stores on the way out: per exit, the pc of the branch that leaves
    /// (or `end + 1` for falling out of the last instruction) and the
    /// values to store (written in the loop and live where the exit goes).
    pub exits: Vec<(usize, Vec<u16>)>,
}

/// What the allocator knows that [`promote`] needs.
pub(super) struct Facts<'a> {
    pub code: &'a [Instr],
    pub effects: &'a Effects<'a>,
    pub ops: &'a OpTable,
    pub info: &'a [SlotInfo],
    pub live_in: &'a Rows,
    pub block_of: &'a [u32],
    /// Positions of the instructions that go through memory, in order.
    pub barrier_at: &'a [usize],
    /// The loads and stores that take a constant address, and the adds
    /// that absorb a shift, from the instruction before them: the slot
    /// passed between the two is never materialised.
    pub const_addr: &'a [u32],
    pub fused_shift: &'a [u32],
    /// The readers of a `v128.const` that may take it from elsewhere
    /// (`Allocation::const_vector`).
    pub const_vector: &'a [u32],
    pub frame_slots: usize,
    /// The registers of each class (integer, float), and the first integer
    /// register that survives calls.
    pub pools: (u8, u8),
    pub first_preserved: u8,
}

/// Finds the innermost loops, and in each lends the free registers to the
/// memory-resident values used most in it. `loc` is the linear scan's
/// result; a preserved register lent here is added to `preserved_used`.
pub(super) fn promote(f: &Facts, loc: &[Loc], preserved_used: &mut Vec<u8>) -> Vec<Promotion> {
    let code = f.code;
    let n = code.len();
    let target = |pc: usize| (pc as i64 + 1 + code[pc].offset() as i64) as usize;
    // Every branch, and the loops: a head and the last backward branch to it.
    let branches: Vec<(usize, usize)> = (0..n)
        .filter(|&pc| code[pc].op.fmt().is_branch())
        .map(|pc| (pc, target(pc)))
        .collect();
    let mut back: Vec<(usize, usize)> = branches
        .iter()
        .filter(|b| b.1 <= b.0)
        .map(|b| (b.1, b.0))
        .collect();
    back.sort_unstable();
    let mut loops: Vec<(usize, usize)> = Vec::new();
    for (head, pc) in back {
        match loops.last_mut() {
            Some(l) if l.0 == head => l.1 = pc,
            _ => loops.push((head, pc)),
        }
    }
    // Innermost (no other loop starts inside) and without calls.
    let innermost: Vec<(usize, usize)> = loops
        .iter()
        .enumerate()
        .filter(|&(k, &(_, end))| loops.get(k + 1).is_none_or(|l| l.0 > end))
        .map(|(_, &l)| l)
        .filter(|&(head, end)| {
            let calls = f.barrier_at.partition_point(|&p| p < head);
            f.barrier_at.get(calls).is_none_or(|&p| p > end)
        })
        .collect();
    // Innermost loops are disjoint: the one holding `pc`, if any.
    let holding = |pc: usize| {
        let k = innermost.partition_point(|l| l.0 <= pc);
        k.checked_sub(1).filter(|&k| pc <= innermost[k].1)
    };
    // Control enters only at the head: no branch from outside lands inside
    // past it, and no branch from inside leaves for the end of the code.
    let mut entered = vec![false; innermost.len()];
    for &(pc, t) in &branches {
        if t >= n {
            if let Some(k) = holding(pc) {
                entered[k] = true;
            }
        } else if let Some(k) = holding(t) {
            if t != innermost[k].0 && holding(pc) != Some(k) {
                entered[k] = true;
            }
        }
    }
    let mut scratch = Scratch {
        uses: vec![0; f.info.len()],
        written: Bits::new(f.info.len()),
        touched: Vec::new(),
    };
    let mut out = Vec::new();
    for (k, &(head, end)) in innermost.iter().enumerate() {
        if entered[k] {
            continue;
        }
        if let Some(p) = promote_loop(f, loc, head, end, n, &target, &mut scratch, preserved_used) {
            out.push(p);
        } else if f
            .const_vector
            .iter()
            .any(|&p| (head..=end).contains(&(p as usize)))
        {
            // Nothing to lend a register to, but an entry of its own, run
            // once, where a backend may load the loop's constants.
            out.push(Promotion {
                head,
                end,
                regs: Vec::new(),
                load: Vec::new(),
                exits: Vec::new(),
            });
        }
        for &s in &scratch.touched {
            scratch.uses[s as usize] = 0;
            scratch.written.clear(s);
        }
        scratch.touched.clear();
    }
    out
}

/// Per-value counts for one loop, allocated once for all of them (and
/// cleared through `touched`).
struct Scratch {
    uses: Vec<u32>,
    written: Bits,
    /// The values the current loop touches.
    touched: Vec<u16>,
}

#[allow(clippy::too_many_arguments)]
fn promote_loop(
    f: &Facts,
    loc: &[Loc],
    head: usize,
    end: usize,
    n: usize,
    target: &impl Fn(usize) -> usize,
    scratch: &mut Scratch,
    preserved_used: &mut Vec<u8>,
) -> Option<Promotion> {
    // The values the loop touches: how often (folded uses left out), and
    // which it writes.
    let Scratch {
        uses,
        written,
        touched,
    } = scratch;
    // Whether the instruction at each position from `head` to `end + 1`
    // folds the one before it in (both lists are sorted).
    let (mut ca, mut fs) = (
        f.const_addr.partition_point(|&q| (q as usize) < head),
        f.fused_shift.partition_point(|&q| (q as usize) < head),
    );
    let mut folds_into = |q: usize| {
        while ca < f.const_addr.len() && (f.const_addr[ca] as usize) < q {
            ca += 1;
        }
        while fs < f.fused_shift.len() && (f.fused_shift[fs] as usize) < q {
            fs += 1;
        }
        f.const_addr.get(ca) == Some(&(q as u32)) || f.fused_shift.get(fs) == Some(&(q as u32))
    };
    let mut folds_here = folds_into(head);
    for p in head..=end {
        let folds_next = p < end && folds_into(p + 1);
        // The slot a folded pair passes: written by the first, read by the second.
        let skip_write = folds_next.then(|| f.code[p].a);
        let skip_read = (p > head && folds_here).then(|| f.code[p - 1].a);
        folds_here = folds_next;
        f.ops.uses(f.effects, &f.code[p], |s, _, write| {
            if (write && skip_write == Some(s)) || (!write && skip_read == Some(s)) {
                return;
            }
            if uses[s as usize] == 0 {
                touched.push(s);
            }
            uses[s as usize] += 1;
            if write {
                written.set(s);
            }
        });
    }
    let head_block = f.block_of[head] as usize;
    // Registers holding a value the loop needs (live at its head or used in it).
    let mut busy = [0u64; 2];
    let live_at_head = f.live_in.ones(head_block);
    for s in live_at_head.chain(touched.iter().copied()) {
        if let Loc::Reg(c, r) = loc[s as usize] {
            busy[c as usize] |= 1 << r;
        }
    }
    let mut cands: Vec<u16> = touched
        .iter()
        .copied()
        .filter(|&s| loc[s as usize] == Loc::Mem)
        .collect();
    if cands.is_empty() {
        return None;
    }
    cands.sort_by_key(|&s| (std::cmp::Reverse(uses[s as usize]), s));
    let mut regs = Vec::new();
    for s in cands {
        let [ints, floats, _] = f.info[s as usize].votes;
        let class = if floats > ints || s as usize >= f.frame_slots {
            Class::Float
        } else {
            Class::Int
        };
        let size = if class == Class::Int {
            f.pools.0
        } else {
            f.pools.1
        };
        let free = |r: &u8| busy[class as usize] >> r & 1 == 0;
        // Registers that do not survive calls first: they cost no save.
        let r = (0..size)
            .filter(|&r| class == Class::Float || r < f.first_preserved)
            .find(free)
            .or_else(|| {
                (f.first_preserved..size)
                    .find(free)
                    .filter(|_| class == Class::Int)
            });
        let Some(r) = r else { continue };
        busy[class as usize] |= 1 << r;
        if class == Class::Int && r >= f.first_preserved && !preserved_used.contains(&r) {
            preserved_used.push(r);
            preserved_used.sort_unstable();
        }
        regs.push((s, Loc::Reg(class, r)));
    }
    if regs.is_empty() {
        return None;
    }
    let load: Vec<u16> = regs
        .iter()
        .map(|r| r.0)
        .filter(|&s| f.live_in.get(head_block, s))
        .collect();
    // Exits: branches from inside to outside, and falling out of the end.
    let stores = |to: usize| -> Vec<u16> {
        let b = f.block_of[to] as usize;
        regs.iter()
            .map(|r| r.0)
            .filter(|&s| written.get(s) && f.live_in.get(b, s))
            .collect()
    };
    let inside = |p: usize| (head..=end).contains(&p);
    let mut exits = Vec::new();
    for pc in head..=end {
        if f.code[pc].op.fmt().is_branch() && !inside(target(pc)) {
            exits.push((pc, stores(target(pc))));
        }
    }
    if !super::ends_flow(f.code[end].op) && end + 1 < n {
        exits.push((end + 1, stores(end + 1)));
    }
    exits.retain(|e| !e.1.is_empty());
    Some(Promotion {
        head,
        end,
        regs,
        load,
        exits,
    })
}
