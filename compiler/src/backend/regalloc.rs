//! Register allocation over IR slots, for any ISA.
//!
//! Each slot is a virtual register whose home is its frame cell. Liveness is
//! computed exactly (backward dataflow over basic blocks); each slot's live
//! range is then closed into one interval (first to last point where it is
//! live), and a linear scan gives intervals registers of the slot's class,
//! spilling the interval that ends last when a class runs out. A slot keeps
//! one location for its whole interval, so branches need no moves: every
//! path agrees on where each value is.
//!
//! Registers do not survive calls. At a call (or any instruction that goes
//! through memory), the backend stores the allocated slots live into it and
//! reloads those live out of it; [`Allocation::barrier`] lists them.

use super::ModuleInfo;
use zwasm_abi::ir::{Fmt, Instr, Op};

/// The register file a slot wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    Int,
    Float,
}

/// Where a slot lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Loc {
    /// Its frame cell.
    Mem,
    /// Register `n` of the pool of its class.
    Reg(Class, u8),
}

/// Slots to store before and reload after an instruction that reads or
/// writes the frame in memory, as ranges of [`Allocation::barrier_slots`].
pub(crate) struct Barrier {
    pub store: std::ops::Range<usize>,
    pub reload: std::ops::Range<usize>,
}

/// The allocation of one function.
pub(crate) struct Allocation {
    pub loc: Vec<Loc>,
    /// The slots of every barrier's store and reload lists, one after the other.
    pub barrier_slots: Vec<u16>,
    /// Per barrier, in order: its position, where its store list (then its
    /// reload list) starts in `barrier_slots`, and the store list's length.
    barriers: Vec<(u32, u32, u32)>,
    /// Allocated parameter slots live at entry (to load in the prologue).
    pub entry_loads: Vec<u16>,
    /// The slots live at entry, as a bit set (`None`: every slot, for a
    /// function too large to analyse).
    entry_live: Option<Vec<u64>>,
    /// The preserved integer registers (pool indices) the function uses: it
    /// saves them on entry and restores them on return.
    pub preserved_used: Vec<u8>,
    /// Positions of loads and stores whose address is the constant of the
    /// `const` just before them (which then emits nothing).
    const_addr: Vec<u32>,
    /// Positions of `i32.add`s that absorb the `i32.shl_imm` just before them
    /// (which then emits nothing) as a scaled index.
    scaled_add: Vec<u32>,
    /// Positions of `br_if_eqz`/`br_if_nez` whose condition slot is dead
    /// after the branch (so a compare feeding it need not write it).
    cond_dies: Vec<u32>,
}

impl Allocation {
    /// Every slot in memory: what a function too large to analyse gets.
    pub fn all_memory(num_slots: usize) -> Allocation {
        Allocation {
            loc: vec![Loc::Mem; num_slots],
            barrier_slots: Vec::new(),
            barriers: Vec::new(),
            entry_loads: Vec::new(),
            entry_live: None,
            cond_dies: Vec::new(),
            preserved_used: Vec::new(),
            const_addr: Vec::new(),
            scaled_add: Vec::new(),
        }
    }

    /// Whether the load or store at `pc` takes its address from the `const`
    /// at `pc - 1`.
    pub fn const_address(&self, pc: usize) -> bool {
        self.const_addr.binary_search(&(pc as u32)).is_ok()
    }

    /// Whether the `i32.add` at `pc` absorbs the shift at `pc - 1`.
    pub fn scaled_add(&self, pc: usize) -> bool {
        self.scaled_add.binary_search(&(pc as u32)).is_ok()
    }

    /// Whether some path from the entry reads `slot` before writing it.
    pub fn live_at_entry(&self, slot: u16) -> bool {
        self.entry_live
            .as_ref()
            .is_none_or(|w| w[slot as usize / 64] >> (slot % 64) & 1 != 0)
    }

    /// Whether the branch at `pc` is the last reader of its condition slot.
    pub fn cond_dies(&self, pc: usize) -> bool {
        self.cond_dies.binary_search(&(pc as u32)).is_ok()
    }

    pub fn barrier(&self, pc: usize) -> Option<Barrier> {
        let i = self
            .barriers
            .binary_search_by_key(&(pc as u32), |b| b.0)
            .ok()?;
        // A barrier's lists run from its start to the next barrier's start.
        let start = |k: usize| {
            self.barriers
                .get(k)
                .map_or(self.barrier_slots.len(), |b| b.1 as usize)
        };
        let (store_at, next) = (start(i), start(i + 1));
        let reload_at = store_at + self.barriers[i].2 as usize;
        Some(Barrier {
            store: store_at..reload_at,
            reload: reload_at..next,
        })
    }
}

/// The registers an ISA hands the allocator.
pub(crate) struct Pools {
    /// Integer registers.
    pub int: u8,
    /// Float registers.
    pub float: u8,
    /// How many of the integer registers (the last ones) survive calls.
    pub preserved: u8,
}

/// Reads and writes of an instruction, as slots.
pub(crate) struct Effects<'a> {
    m: &'a ModuleInfo<'a>,
    /// Number of results of the function being compiled.
    results: u16,
}

impl<'a> Effects<'a> {
    pub fn new(m: &'a ModuleInfo<'a>, def: usize) -> Effects<'a> {
        let ty = m.meta.funcs[def].ty;
        Effects {
            m,
            results: m.meta.types[ty as usize].results.len() as u16,
        }
    }

    /// (params, results) of a call's callee.
    fn call_shape(&self, i: &Instr) -> (u16, u16) {
        let ty = match i.op.fmt() {
            Fmt::CallIndirect => Some(i.imm as u32),
            _ => self.m.func_types.get(i.imm as usize).copied(),
        };
        ty.and_then(|t| self.m.meta.types.get(t as usize))
            .map_or((0, 0), |t| (t.params.len() as u16, t.results.len() as u16))
    }

    /// Calls `f` with every slot `i` reads.
    pub fn reads(&self, i: &Instr, mut f: impl FnMut(u16)) {
        match i.op.fmt() {
            Fmt::Call | Fmt::CallIndirect => {
                if i.op.fmt() == Fmt::CallIndirect {
                    f(i.b);
                }
                let (params, _) = self.call_shape(i);
                (0..params).for_each(|k| f(i.a + k));
            }
            Fmt::Return => (0..self.results).for_each(f),
            Fmt::Select => {
                f(i.b);
                f(i.c);
                f(i.imm as u16);
            }
            Fmt::StructNew if i.op == Op::StructNew => {
                let n = self
                    .m
                    .meta
                    .struct_type(i.imm as u32)
                    .map_or(0, |s| s.fields.len() as u16);
                (0..n).for_each(|k| f(i.b + k));
            }
            fmt => {
                let mask = fmt.read_mask();
                if mask & 1 != 0 {
                    f(i.a);
                }
                if mask & 2 != 0 {
                    f(i.b);
                }
                if mask & 4 != 0 {
                    f(i.c);
                }
            }
        }
    }

    /// Calls `f` with every slot `i` writes.
    pub fn writes(&self, i: &Instr, mut f: impl FnMut(u16)) {
        match i.op.fmt() {
            Fmt::Call | Fmt::CallIndirect => {
                if matches!(i.op, Op::Call | Op::CallImport | Op::CallIndirect) {
                    let (_, results) = self.call_shape(i);
                    (0..results).for_each(|k| f(i.a + k));
                }
            }
            fmt if fmt.writes_a() => f(i.a),
            _ => {}
        }
    }
}

/// Whether control never falls through `op`.
fn ends_flow(op: Op) -> bool {
    matches!(
        op,
        Op::Br
            | Op::BrTable
            | Op::Return
            | Op::ReturnSlot
            | Op::Trap
            | Op::ReturnCall
            | Op::ReturnCallImport
            | Op::ReturnCallIndirect
    )
}

/// A fixed-size bit set over slots.
#[derive(Clone)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: u16) {
        self.0[i as usize / 64] |= 1 << (i % 64);
    }
    fn get(&self, i: u16) -> bool {
        self.0[i as usize / 64] >> (i % 64) & 1 != 0
    }
    fn clear(&mut self, i: u16) {
        self.0[i as usize / 64] &= !(1 << (i % 64));
    }
    fn ones(&self) -> impl Iterator<Item = u16> + '_ {
        ones(&self.0)
    }
}

/// One bit set over slots per basic block, in one allocation.
struct Rows {
    words: usize,
    data: Vec<u64>,
}

impl Rows {
    fn new(rows: usize, n: usize) -> Rows {
        let words = n.div_ceil(64);
        Rows {
            words,
            data: vec![0; rows * words],
        }
    }
    fn row(&self, r: usize) -> &[u64] {
        &self.data[r * self.words..][..self.words]
    }
    fn row_mut(&mut self, r: usize) -> &mut [u64] {
        &mut self.data[r * self.words..][..self.words]
    }
    fn get(&self, r: usize, i: u16) -> bool {
        self.row(r)[i as usize / 64] >> (i % 64) & 1 != 0
    }
    fn ones(&self, r: usize) -> impl Iterator<Item = u16> + '_ {
        ones(self.row(r))
    }
}

/// The set bits of a bit set, in order.
fn ones(words: &[u64]) -> impl Iterator<Item = u16> + '_ {
    words.iter().enumerate().flat_map(|(w, &bits)| {
        let mut bits = bits;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let t = bits.trailing_zeros();
            bits &= bits - 1;
            Some((w * 64 + t as usize) as u16)
        })
    })
}

/// The positions of the instructions in `start..end`, stepping over the
/// entries that follow a `br_table` (they are its targets, not code).
fn instrs(code: &[Instr], start: usize, end: usize) -> impl Iterator<Item = usize> + '_ {
    let mut p = start;
    std::iter::from_fn(move || {
        if p >= end {
            return None;
        }
        let at = p;
        p += if code[p].op == Op::BrTable {
            code[p].imm as usize + 2
        } else {
            1
        };
        Some(at)
    })
}

/// Largest `blocks * slots` the allocator analyses; beyond it every slot
/// stays in memory (compile time over code quality for giant functions).
const MAX_WORK: usize = 1 << 26;

/// Every instruction's slot reads and writes, computed once per function:
/// the reads of position `p` are `reads[read_at[p]..read_at[p + 1]]`
/// (empty for the entries after a `br_table`).
struct Uses {
    read_at: Vec<u32>,
    reads: Vec<u16>,
    write_at: Vec<u32>,
    writes: Vec<u16>,
}

impl Uses {
    fn new(code: &[Instr], effects: &Effects) -> Uses {
        let n = code.len();
        let mut u = Uses {
            read_at: Vec::with_capacity(n + 1),
            reads: Vec::with_capacity(n * 2),
            write_at: Vec::with_capacity(n + 1),
            writes: Vec::with_capacity(n),
        };
        let mut next = 0;
        for (p, i) in code.iter().enumerate() {
            u.read_at.push(u.reads.len() as u32);
            u.write_at.push(u.writes.len() as u32);
            if p < next {
                continue;
            }
            next = p + if i.op == Op::BrTable {
                i.imm as usize + 2
            } else {
                1
            };
            effects.reads(i, |s| u.reads.push(s));
            effects.writes(i, |s| u.writes.push(s));
        }
        u.read_at.push(u.reads.len() as u32);
        u.write_at.push(u.writes.len() as u32);
        u
    }
    fn reads(&self, p: usize) -> &[u16] {
        &self.reads[self.read_at[p] as usize..self.read_at[p + 1] as usize]
    }
    fn writes(&self, p: usize) -> &[u16] {
        &self.writes[self.write_at[p] as usize..self.write_at[p + 1] as usize]
    }
}

/// Allocates registers for one function. `pools` gives the number of
/// registers of each class (Int, Float); `class_of` says which class each op
/// wants for a slot it reads or writes.
pub(crate) fn allocate(
    code: &[Instr],
    num_slots: usize,
    num_params: usize,
    effects: &Effects,
    is_barrier: impl Fn(&Instr) -> bool,
    class_of: impl Fn(&Instr, u16, bool) -> Option<Class>,
    pools: Pools,
) -> Allocation {
    let preserved = pools.preserved;
    let pools = (pools.int, pools.float);
    let n = code.len();
    let uses = Uses::new(code, effects);
    // Branch targets of each instruction, and basic block leaders. An
    // instruction that goes through memory ends its block, so a barrier is
    // always the last instruction of its block.
    let target = |pc: usize| (pc as i64 + 1 + code[pc].offset() as i64) as usize;
    let mut leader = vec![false; n + 1];
    // The entries after each `br_table` (its targets, not code).
    let mut is_entry = vec![false; n];
    let mut barrier_at: Vec<usize> = Vec::new();
    leader[0] = true;
    for pc in instrs(code, 0, n) {
        let i = &code[pc];
        let fmt = i.op.fmt();
        if i.op == Op::BrTable {
            let k = i.imm as usize;
            for e in pc + 1..=pc + 1 + k {
                is_entry[e] = true;
                leader[target(e)] = true;
            }
            leader[(pc + k + 2).min(n)] = true;
        } else if fmt.is_branch() {
            leader[target(pc)] = true;
            leader[pc + 1] = true;
        } else if is_barrier(i) {
            barrier_at.push(pc);
            leader[pc + 1] = true;
        } else if ends_flow(i.op) {
            leader[pc + 1] = true;
        }
    }
    let mut starts: Vec<usize> = Vec::new();
    let mut block_of = vec![0u32; n + 1];
    for p in 0..n {
        if leader[p] {
            starts.push(p);
        }
        block_of[p] = starts.len() as u32 - 1;
    }
    drop(leader);
    let nb = starts.len();
    if nb.saturating_mul(num_slots) > MAX_WORK {
        return Allocation::all_memory(num_slots);
    }
    let end_of = |b: usize| if b + 1 < nb { starts[b + 1] } else { n };
    // Successors of block b: succ_list[succ_at[b]..succ_at[b + 1]].
    let mut succ_at: Vec<u32> = Vec::with_capacity(nb + 1);
    let mut succ_list: Vec<u32> = Vec::with_capacity(nb * 2);
    for (b, &s) in starts.iter().enumerate() {
        succ_at.push(succ_list.len() as u32);
        let e = end_of(b);
        // The last real instruction of the block (a br_table's entries follow it).
        let mut last = e - 1;
        while last > s && is_entry[last] {
            last -= 1;
        }
        let i = &code[last];
        if i.op == Op::BrTable {
            for entry in last + 1..=last + 1 + i.imm as usize {
                succ_list.push(block_of[target(entry)]);
            }
        } else {
            if i.op.fmt().is_branch() {
                succ_list.push(block_of[target(last)]);
            }
            if !ends_flow(i.op) && e < n {
                succ_list.push(block_of[e]);
            }
        }
    }
    succ_at.push(succ_list.len() as u32);
    drop(is_entry);
    let succs = |b: usize| &succ_list[succ_at[b] as usize..succ_at[b + 1] as usize];
    // Per block: slots used before being defined (gen) and defined (kill).
    let mut gen = Rows::new(nb, num_slots);
    let mut kill = Rows::new(nb, num_slots);
    for (b, &start) in starts.iter().enumerate() {
        let (g, k) = (gen.row_mut(b), kill.row_mut(b));
        for p in start..end_of(b) {
            for &s in uses.reads(p) {
                let (w, bit) = (s as usize / 64, 1u64 << (s % 64));
                if k[w] & bit == 0 {
                    g[w] |= bit;
                }
            }
            for &s in uses.writes(p) {
                k[s as usize / 64] |= 1 << (s % 64);
            }
        }
    }
    // live_in(b) = gen(b) | (live_out(b) & !kill(b)); iterate to a fixed point.
    let mut live_in = Rows {
        words: gen.words,
        data: gen.data.clone(),
    };
    let mut live_out = Rows::new(nb, num_slots);
    // live_out(b): the union of its successors' live-in sets.
    let union_of_succs = |live_in: &Rows, b: usize, out: &mut [u64]| {
        out.fill(0);
        for &s in succs(b) {
            for (o, x) in out.iter_mut().zip(live_in.row(s as usize)) {
                *o |= x;
            }
        }
    };
    let mut changed = true;
    let mut out = Bits::new(num_slots);
    while changed {
        changed = false;
        for b in (0..nb).rev() {
            union_of_succs(&live_in, b, &mut out.0);
            let (k, g) = (kill.row(b), gen.row(b));
            let words = live_in.words;
            let inn = &mut live_in.data[b * words..][..words];
            for (w, ((o, k), g)) in inn.iter_mut().zip(out.0.iter().zip(k).zip(g)) {
                let v = *w | (*o & !k) | g;
                changed |= v != *w;
                *w = v;
            }
        }
    }
    for b in 0..nb {
        union_of_succs(&live_in, b, live_out.row_mut(b));
    }
    drop((gen, kill));

    // Constant addresses: `const x = k` right before a load or store whose
    // address is `x`, with `x` dead after it. The backend puts `k` in the
    // address itself; the slot then needs no register and takes no part in
    // choosing its class (it is often reused for a float just after).
    // Scaled adds: `i32.shl_imm x = y, 1..3` right before an `i32.add` with
    // `x` as one operand, `x` dead after it: the backend emits one `lea`.
    let mut const_addr: Vec<u32> = Vec::new();
    let mut scaled_add: Vec<u32> = Vec::new();
    // Whether the load or store at `p` takes its address from the constant at `p - 1`.
    let mut folded = vec![false; n + 1];
    for (b, &start) in starts.iter().enumerate() {
        let is_candidate = |p: usize| {
            p > start
                && code[p - 1].op == Op::Const
                && matches!(code[p].op.fmt(), Fmt::Load | Fmt::Store)
                && code[p].b == code[p - 1].a
                && (code[p].op.fmt() == Fmt::Load || code[p].c != code[p].b)
        };
        let is_scaled = |p: usize| {
            let (shl, add) = (&code[p.saturating_sub(1).max(start)], &code[p]);
            p > start
                && shl.op == Op::I32ShlImm
                && (1..=3).contains(&(shl.imm & 31))
                && add.op == Op::I32Add
                && (add.b == shl.a) != (add.c == shl.a)
        };
        let end = end_of(b);
        if !(start + 1..end).any(|p| is_candidate(p) || is_scaled(p)) {
            continue;
        }
        // Liveness after each position, walking back from the block's end.
        let mut live = Bits(live_out.row(b).to_vec());
        let first = const_addr.len();
        let first_scaled = scaled_add.len();
        for p in (start..end).rev() {
            let i = &code[p];
            // A load into its own address slot ends the constant's life too.
            let redefined = i.op.fmt() == Fmt::Load && i.a == i.b;
            if is_candidate(p) && (redefined || !live.get(i.b)) {
                const_addr.push(p as u32);
                folded[p] = true;
            }
            let x = code[p.saturating_sub(1).max(start)].a;
            if is_scaled(p) && (i.a == x || !live.get(x)) {
                scaled_add.push(p as u32);
            }
            uses.writes(p).iter().for_each(|&s| live.clear(s));
            uses.reads(p).iter().for_each(|&s| live.set(s));
        }
        const_addr[first..].reverse();
        scaled_add[first_scaled..].reverse();
    }

    // Intervals: first and last position where each slot is live or touched.
    const NONE: (u32, u32) = (u32::MAX, 0);
    let mut iv = vec![NONE; num_slots];
    let touch = |iv: &mut Vec<(u32, u32)>, s: u16, p: usize| {
        let e = &mut iv[s as usize];
        e.0 = e.0.min(p as u32);
        e.1 = e.1.max(p as u32);
    };
    let mut votes = vec![(0u32, 0u32); num_slots];
    // Loop depth of each position (a backward branch closes a loop), and each
    // slot's spill weight: its reads and writes, weighted 8^depth.
    let depth = {
        let mut diff = vec![0i32; n + 1];
        for (pc, i) in code.iter().enumerate() {
            if i.op.fmt().is_branch() {
                let t = target(pc);
                if t <= pc {
                    diff[t] += 1;
                    diff[pc + 1] -= 1;
                }
            }
        }
        let mut d = 0;
        diff.iter()
            .map(|x| {
                d += x;
                d.clamp(0, 5) as u32
            })
            .collect::<Vec<u32>>()
    };
    let mut weight = vec![0u64; num_slots];
    // A slot live into a block is live from the block's start, and one live
    // out of a block up to its end: only the first such block (and the last)
    // matters, so each slot is taken once, when it first shows up.
    let mut seen = Bits::new(num_slots);
    for (b, &start) in starts.iter().enumerate() {
        for (w, (seen, &live)) in seen.0.iter_mut().zip(live_in.row(b)).enumerate() {
            ones(&[live & !*seen]).for_each(|s| touch(&mut iv, s + 64 * w as u16, start));
            *seen |= live;
        }
    }
    seen.0.fill(0);
    for b in (0..nb).rev() {
        for (w, (seen, &live)) in seen.0.iter_mut().zip(live_out.row(b)).enumerate() {
            ones(&[live & !*seen]).for_each(|s| touch(&mut iv, s + 64 * w as u16, end_of(b) - 1));
            *seen |= live;
        }
    }
    for (b, &start) in starts.iter().enumerate() {
        let end = end_of(b);
        for p in start..end {
            let i = &code[p];
            let w = 1u64 << (3 * depth[p]);
            // A folded constant address is neither written nor read as a slot.
            let (skip_write, skip_read) = (folded[p + 1], folded[p]);
            for &s in uses.reads(p) {
                touch(&mut iv, s, p);
                if !(skip_read && s == i.b) {
                    vote(&mut votes, class_of(i, s, false), s);
                    weight[s as usize] += w;
                }
            }
            for &s in uses.writes(p) {
                touch(&mut iv, s, p);
                if !skip_write {
                    vote(&mut votes, class_of(i, s, true), s);
                    weight[s as usize] += w;
                }
            }
        }
    }
    drop((depth, folded));
    // Parameters are live from the entry (they arrive in memory).
    for e in iv.iter_mut().take(num_params) {
        if *e != NONE {
            e.0 = 0;
        }
    }

    // Linear scan.
    let mut order: Vec<u16> = (0..num_slots as u16)
        .filter(|&s| iv[s as usize] != NONE)
        .collect();
    order.sort_by_key(|&s| iv[s as usize].0);
    let mut loc = vec![Loc::Mem; num_slots];
    let mut free: [Vec<u8>; 2] = [(0..pools.0).rev().collect(), (0..pools.1).rev().collect()];
    let mut active: Vec<u16> = Vec::new();
    // The last `preserved` integer registers survive calls: an interval that
    // spans a call takes one of them first, any other interval one of the rest.
    let first_preserved = pools.0 - preserved;
    let spans_call = |(start, end): (u32, u32)| {
        let i = barrier_at.partition_point(|&p| p <= start as usize);
        barrier_at.get(i).is_some_and(|&p| p < end as usize)
    };
    for &s in &order {
        let (start, _) = iv[s as usize];
        active.retain(|&t| {
            if iv[t as usize].1 < start {
                if let Loc::Reg(c, r) = loc[t as usize] {
                    free[c as usize].push(r);
                }
                false
            } else {
                true
            }
        });
        let (ints, floats) = votes[s as usize];
        let class = if floats > ints {
            Class::Float
        } else {
            Class::Int
        };
        let pool = &mut free[class as usize];
        let want_preserved = class == Class::Int && spans_call(iv[s as usize]);
        let pick = pool
            .iter()
            .rposition(|&r| (r >= first_preserved) == want_preserved)
            .or_else(|| pool.len().checked_sub(1));
        if let Some(at) = pick {
            let r = pool.remove(at);
            loc[s as usize] = Loc::Reg(class, r);
            active.push(s);
            continue;
        }
        // Spill the lightest of the class's intervals (uses weighted by loop
        // depth), preferring the one that ends last among equals.
        let victim = active
            .iter()
            .copied()
            .filter(|&t| matches!(loc[t as usize], Loc::Reg(c, _) if c == class))
            .min_by_key(|&t| (weight[t as usize], std::cmp::Reverse(iv[t as usize].1)));
        // Among equals, the interval that ends later gives way (straight-line
        // code, where every weight is the same, keeps short values in registers).
        let ends = |t: u16| iv[t as usize].1;
        if let Some(v) = victim.filter(|&v| {
            let (wv, ws) = (weight[v as usize], weight[s as usize]);
            wv < ws || (wv == ws && ends(v) > ends(s))
        }) {
            loc[s as usize] = loc[v as usize];
            loc[v as usize] = Loc::Mem;
            active.retain(|&t| t != v);
            active.push(s);
        }
    }

    // Barriers: allocated slots live into and out of each memory-bound
    // instruction. Each is the last of its block, so what is live after it
    // is its block's live-out set.
    // A slot in a preserved register needs no store or reload unless the
    // instruction itself reads or writes it in memory.
    let kept = |s: u16| matches!(loc[s as usize], Loc::Reg(Class::Int, r) if r >= first_preserved);
    let mut live = Bits::new(num_slots);
    let mut barrier_slots: Vec<u16> = Vec::new();
    let mut barriers = Vec::with_capacity(barrier_at.len());
    for &p in &barrier_at {
        let b = block_of[p] as usize;
        let (reads, writes) = (uses.reads(p), uses.writes(p));
        let start = barrier_slots.len() as u32;
        live.0.copy_from_slice(live_out.row(b));
        writes.iter().for_each(|&s| live.clear(s));
        reads.iter().for_each(|&s| live.set(s));
        barrier_slots.extend(
            live.ones()
                .filter(|&s| loc[s as usize] != Loc::Mem)
                .filter(|&s| !kept(s) || reads.contains(&s)),
        );
        barriers.push((p as u32, start, barrier_slots.len() as u32 - start));
        barrier_slots.extend(
            live_out
                .ones(b)
                .filter(|&s| loc[s as usize] != Loc::Mem)
                .filter(|&s| !kept(s) || writes.contains(&s)),
        );
    }
    let cond_dies = (0..n)
        .filter(|&p| {
            matches!(code[p].op, Op::BrIfEqz | Op::BrIfNez)
                && !live_out.get(block_of[p] as usize, code[p].b)
        })
        .map(|p| p as u32)
        .collect();
    let entry_loads = (0..num_params.min(num_slots) as u16)
        .filter(|&s| loc[s as usize] != Loc::Mem && live_in.get(0, s))
        .collect();
    let mut preserved_used: Vec<u8> = loc
        .iter()
        .filter_map(|l| match *l {
            Loc::Reg(Class::Int, r) if r >= first_preserved => Some(r),
            _ => None,
        })
        .collect();
    preserved_used.sort_unstable();
    preserved_used.dedup();
    Allocation {
        loc,
        barrier_slots,
        barriers,
        entry_live: Some(live_in.row(0).to_vec()),
        entry_loads,
        cond_dies,
        preserved_used,
        const_addr,
        scaled_add,
    }
}

fn vote(votes: &mut [(u32, u32)], class: Option<Class>, s: u16) {
    match class {
        Some(Class::Int) => votes[s as usize].0 += 1,
        Some(Class::Float) => votes[s as usize].1 += 1,
        None => {}
    }
}
