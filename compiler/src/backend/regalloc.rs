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
/// writes the frame in memory.
#[derive(Default, Clone)]
pub(crate) struct Barrier {
    pub store: Vec<u16>,
    pub reload: Vec<u16>,
}

/// The allocation of one function.
pub(crate) struct Allocation {
    pub loc: Vec<Loc>,
    /// Per instruction index, for the instructions that are barriers.
    barriers: Vec<(u32, Barrier)>,
    /// Allocated parameter slots live at entry (to load in the prologue).
    pub entry_loads: Vec<u16>,
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
            barriers: Vec::new(),
            entry_loads: Vec::new(),
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

    /// Whether the branch at `pc` is the last reader of its condition slot.
    pub fn cond_dies(&self, pc: usize) -> bool {
        self.cond_dies.binary_search(&(pc as u32)).is_ok()
    }

    pub fn barrier(&self, pc: usize) -> Option<&Barrier> {
        self.barriers
            .binary_search_by_key(&(pc as u32), |(p, _)| *p)
            .ok()
            .map(|i| &self.barriers[i].1)
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

/// Whether instruction `i` makes the frame in memory authoritative: calls,
/// libcalls and returns read or write slots in memory.
pub(crate) type IsBarrier<'a> = &'a dyn Fn(&Instr) -> bool;

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
            _ => self.m.meta.func_type_index(i.imm as u32),
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
                for field in fmt.reads() {
                    f(match field {
                        'a' => i.a,
                        'b' => i.b,
                        _ => i.c,
                    });
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
    fn set(&mut self, r: usize, i: u16) {
        self.row_mut(r)[i as usize / 64] |= 1 << (i % 64);
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

/// Allocates registers for one function. `pools` gives the number of
/// registers of each class (Int, Float); `class` says which class each op
/// wants for a slot it reads or writes.
pub(crate) fn allocate(
    code: &[Instr],
    num_slots: usize,
    num_params: usize,
    effects: &Effects,
    is_barrier: IsBarrier,
    class_of: &dyn Fn(&Instr, u16, bool) -> Option<Class>,
    pools: Pools,
) -> Allocation {
    let preserved = pools.preserved;
    let pools = (pools.int, pools.float);
    let n = code.len();
    // Branch targets of each instruction, and basic block leaders.
    let target = |pc: usize| (pc as i64 + 1 + code[pc].offset() as i64) as usize;
    let mut leader = vec![false; n + 1];
    leader[0] = true;
    for pc in instrs(code, 0, n) {
        let i = &code[pc];
        if i.op == Op::BrTable {
            let k = i.imm as usize;
            for e in pc + 1..=pc + 1 + k {
                leader[target(e)] = true;
            }
            leader[(pc + k + 2).min(n)] = true;
        } else if i.op.fmt().is_branch() {
            leader[target(pc)] = true;
            leader[pc + 1] = true;
        } else if ends_flow(i.op) || is_barrier(i) {
            leader[pc + 1] = true;
        }
    }
    let starts: Vec<usize> = (0..n).filter(|&p| leader[p]).collect();
    let nb = starts.len();
    if nb.saturating_mul(num_slots) > MAX_WORK {
        return Allocation::all_memory(num_slots);
    }
    let block_of = {
        let mut b = vec![0u32; n + 1];
        let mut cur = 0;
        for (p, slot) in b.iter_mut().enumerate().take(n) {
            if cur + 1 < nb && starts[cur + 1] == p {
                cur += 1;
            }
            *slot = cur as u32;
        }
        b
    };
    let end_of = |b: usize| if b + 1 < nb { starts[b + 1] } else { n };
    // Successors of block b: succ_list[succ_at[b]..succ_at[b + 1]].
    let mut succ_at: Vec<u32> = Vec::with_capacity(nb + 1);
    let mut succ_list: Vec<u32> = Vec::with_capacity(nb * 2);
    for (b, &s) in starts.iter().enumerate() {
        succ_at.push(succ_list.len() as u32);
        let e = end_of(b);
        // The last real instruction of the block (a br_table's entries follow it).
        let last = instrs(code, s, e).last().unwrap_or(s);
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
    let succs = |b: usize| &succ_list[succ_at[b] as usize..succ_at[b + 1] as usize];
    // Per block: slots used before being defined (gen) and defined (kill).
    let mut gen = Rows::new(nb, num_slots);
    let mut kill = Rows::new(nb, num_slots);
    for (b, &start) in starts.iter().enumerate() {
        for p in instrs(code, start, end_of(b)) {
            let i = &code[p];
            effects.reads(i, |s| {
                if !kill.get(b, s) {
                    gen.set(b, s)
                }
            });
            effects.writes(i, |s| kill.set(b, s));
        }
    }
    // live_in(b) = gen(b) | (live_out(b) & !kill(b)); iterate to a fixed point.
    let mut live_in = Rows {
        words: gen.words,
        data: gen.data.clone(),
    };
    let mut live_out = Rows::new(nb, num_slots);
    let mut changed = true;
    let mut out = Bits::new(num_slots);
    while changed {
        changed = false;
        for b in (0..nb).rev() {
            out.0.fill(0);
            for &s in succs(b) {
                for (o, x) in out.0.iter_mut().zip(live_in.row(s as usize)) {
                    *o |= x;
                }
            }
            let (k, g) = (kill.row(b), gen.row(b));
            let words = live_in.words;
            let inn = &mut live_in.data[b * words..][..words];
            for (w, ((o, k), g)) in inn.iter_mut().zip(out.0.iter().zip(k).zip(g)) {
                let v = *w | (*o & !k) | g;
                changed |= v != *w;
                *w = v;
            }
            live_out.row_mut(b).copy_from_slice(&out.0);
        }
    }

    // Constant addresses: `const x = k` right before a load or store whose
    // address is `x`, with `x` dead after it. The backend puts `k` in the
    // address itself; the slot then needs no register and takes no part in
    // choosing its class (it is often reused for a float just after).
    // Scaled adds: `i32.shl_imm x = y, 1..3` right before an `i32.add` with
    // `x` as one operand, `x` dead after it: the backend emits one `lea`.
    let mut const_addr: Vec<u32> = Vec::new();
    let mut scaled_add: Vec<u32> = Vec::new();
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
        if !(start..end).any(|p| is_candidate(p) || is_scaled(p)) {
            continue;
        }
        // Liveness after each position, walking back from the block's end.
        let mut live = Bits(live_out.row(b).to_vec());
        let mut found = Vec::new();
        let mut scaled = Vec::new();
        let positions: Vec<usize> = instrs(code, start, end).collect();
        for &p in positions.iter().rev() {
            let i = &code[p];
            // A load into its own address slot ends the constant's life too.
            let redefined = i.op.fmt() == Fmt::Load && i.a == i.b;
            if is_candidate(p) && (redefined || !live.get(i.b)) {
                found.push(p as u32);
            }
            let x = code[p.saturating_sub(1).max(start)].a;
            if is_scaled(p) && (i.a == x || !live.get(x)) {
                scaled.push(p as u32);
            }
            effects.writes(i, |s| live.clear(s));
            effects.reads(i, |s| live.set(s));
        }
        const_addr.extend(found.into_iter().rev());
        scaled_add.extend(scaled.into_iter().rev());
    }
    let folded = |p: usize| const_addr.binary_search(&(p as u32)).is_ok();

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
    for (b, &start) in starts.iter().enumerate() {
        for s in live_in.ones(b) {
            touch(&mut iv, s, start);
        }
        for s in live_out.ones(b) {
            touch(&mut iv, s, end_of(b) - 1);
        }
        for p in instrs(code, start, end_of(b)) {
            let i = &code[p];
            let w = 8u64.pow(depth[p]);
            // A folded constant address is neither written nor read as a slot.
            let (skip_write, skip_read) = (folded(p + 1), folded(p));
            effects.reads(i, |s| {
                touch(&mut iv, s, p);
                if !(skip_read && s == i.b) {
                    vote(&mut votes, class_of(i, s, false), s);
                    weight[s as usize] += w;
                }
            });
            effects.writes(i, |s| {
                touch(&mut iv, s, p);
                if !skip_write {
                    vote(&mut votes, class_of(i, s, true), s);
                    weight[s as usize] += w;
                }
            });
        }
    }
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
    let barrier_at: Vec<usize> = (0..n).filter(|&p| is_barrier(&code[p])).collect();
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

    // Barriers: allocated slots live into and out of each memory-bound instruction.
    let mut barriers = Vec::new();
    for (b, &start) in starts.iter().enumerate() {
        let has_barrier = (start..end_of(b)).any(|p| is_barrier(&code[p]));
        if !has_barrier {
            continue;
        }
        // Walk the block backwards from its live-out set.
        let mut live = Bits(live_out.row(b).to_vec());
        let positions: Vec<usize> = instrs(code, start, end_of(b)).collect();
        // A slot in a preserved register needs no store or reload unless the
        // instruction itself reads or writes it in memory.
        let kept =
            |s: u16| matches!(loc[s as usize], Loc::Reg(Class::Int, r) if r >= first_preserved);
        for &p in positions.iter().rev() {
            let i = &code[p];
            let mut operands = Vec::new();
            let after: Vec<u16> = if is_barrier(i) {
                effects.writes(i, |s| operands.push(s));
                live.ones()
                    .filter(|&s| loc[s as usize] != Loc::Mem)
                    .filter(|&s| !kept(s) || operands.contains(&s))
                    .collect()
            } else {
                Vec::new()
            };
            effects.writes(i, |s| live.clear(s));
            effects.reads(i, |s| live.set(s));
            if is_barrier(i) {
                operands.clear();
                effects.reads(i, |s| operands.push(s));
                let before: Vec<u16> = live
                    .ones()
                    .filter(|&s| loc[s as usize] != Loc::Mem)
                    .filter(|&s| !kept(s) || operands.contains(&s))
                    .collect();
                barriers.push((
                    p as u32,
                    Barrier {
                        store: before,
                        reload: after,
                    },
                ));
            }
        }
    }
    barriers.sort_by_key(|(p, _)| *p);
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
        barriers,
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
