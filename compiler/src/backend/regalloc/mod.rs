//! Register allocation over IR slots, for any ISA.
//!
//! Liveness is computed exactly (backward dataflow over basic blocks). Each
//! slot is then split into webs ([`webs`]: definitions and the uses they
//! reach), each a value of its own whose home is still the slot's frame
//! cell, and liveness is computed again over the values. A value's live
//! range keeps its holes (the blocks where it is dead), and values are given
//! registers by priority ([`color`]): values that an op could write into one
//! another's register share one when their ranges allow, short busy values
//! come first, a heavier value may take the register of lighter ones. A
//! value keeps one location for its whole range, so branches need no moves:
//! every path agrees on where each value is.
//!
//! Registers other than the ISA's preserved ones do not survive calls. At a
//! call (or any instruction that goes through memory), the backend stores
//! the allocated values live into it and reloads those live out of it;
//! [`Allocation::barrier`] lists them. Inside innermost loops without calls,
//! values left in memory get a second chance at a free register ([`loops`]).

mod color;
mod loops;
mod webs;

use super::ModuleInfo;
pub(crate) use loops::Promotion;
use zwasm_abi::ir::{Fmt, Instr, Op, Ty};
use zwasm_abi::module::ValType;

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
    /// Positions of instructions that absorb the shift by a constant just
    /// before them (which then emits nothing; see [`ShiftFusion`]).
    fused_shift: Vec<u32>,
    /// Positions of vector instructions (not barriers) that are the only
    /// reader of the `v128.const` just before them (at `pc - 2`), whose
    /// value is dead after them: a backend may give them the constant from
    /// elsewhere (a register loaded before the loop, say) and leave the
    /// `v128.const` out. The allocation itself does not count on it.
    const_vector: Vec<u32>,
    /// Positions of `br_if_eqz`/`br_if_nez` whose condition slot is dead
    /// after the branch (so a compare feeding it need not write it).
    cond_dies: Vec<u32>,
    /// Innermost loops where values that live in memory elsewhere get a
    /// register, in code order (see [`loops`]).
    pub promotions: Vec<Promotion>,
    /// The code with its webs renumbered (see [`webs`]), when they were:
    /// the code to emit.
    pub code: Option<Vec<Instr>>,
    /// The home slot of each value numbered from the frame's slot count on
    /// (a web's frame cell is its slot's).
    homes: Vec<u16>,
    /// The frame's slot count: the first web numbered apart.
    frame_slots: usize,
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
            fused_shift: Vec::new(),
            const_vector: Vec::new(),
            promotions: Vec::new(),
            code: None,
            homes: Vec::new(),
            frame_slots: num_slots,
        }
    }

    /// The frame slot of value `v`: its own, or a web's slot.
    #[inline]
    pub fn home(&self, v: u16) -> u16 {
        (v as usize)
            .checked_sub(self.frame_slots)
            .map_or(v, |k| self.homes[k])
    }

    /// Whether the load or store at `pc` takes its address from the `const`
    /// at `pc - 1`.
    pub fn const_address(&self, pc: usize) -> bool {
        self.const_addr.binary_search(&(pc as u32)).is_ok()
    }

    /// Whether the vector instruction at `pc` is the only reader of the
    /// `v128.const` at `pc - 2`, which is dead after it.
    pub fn const_vector(&self, pc: usize) -> bool {
        self.const_vector.binary_search(&(pc as u32)).is_ok()
    }

    /// Whether the instruction at `pc` absorbs the shift at `pc - 1`.
    pub fn fused_shift(&self, pc: usize) -> bool {
        self.fused_shift.binary_search(&(pc as u32)).is_ok()
    }

    /// Whether some path from the entry reads `slot` before writing it.
    pub fn live_at_entry(&self, slot: u16) -> bool {
        self.entry_live.as_ref().is_none_or(|w| {
            w.get(slot as usize / 64)
                .is_some_and(|w| w >> (slot % 64) & 1 != 0)
        })
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

/// Which shifts by a constant an ISA folds into the instruction after them,
/// when the shifted value dies there (`Allocation::fused_shift`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShiftFusion {
    /// An `i32.add` of an `i32.shl` by 1 to 3: x86's scaled index (`lea`).
    ScaledAdd,
    /// An add, subtract (of the shifted value), and, or or xor of a
    /// shift of the same width: AArch64's shifted-register operands.
    ShiftedOperand,
}

impl ShiftFusion {
    /// Whether `shift`, just before `i`, folds into it.
    fn fuses(self, shift: &Instr, i: &Instr) -> bool {
        use Op::*;
        let x = shift.a;
        if (i.b == x) == (i.c == x) || i.op.fmt() != Fmt::Binary {
            return false;
        }
        match self {
            ShiftFusion::ScaledAdd => {
                shift.op == I32ShlImm && (1..=3).contains(&(shift.imm & 31)) && i.op == I32Add
            }
            ShiftFusion::ShiftedOperand => {
                let narrow = matches!(shift.op, I32ShlImm | I32ShrSImm | I32ShrUImm);
                let wide = matches!(shift.op, I64ShlImm | I64ShrSImm | I64ShrUImm);
                match i.op {
                    I32Add | I32And | I32Or | I32Xor => narrow,
                    I32Sub => narrow && i.c == x,
                    I64Add | I64And | I64Or | I64Xor => wide,
                    I64Sub => wide && i.c == x,
                    _ => false,
                }
            }
        }
    }
}

/// The registers an ISA hands the allocator.
#[derive(Clone, Copy)]
pub(crate) struct Pools {
    /// Integer registers.
    pub int: u8,
    /// Float registers.
    pub float: u8,
    /// How many of the integer registers (the last ones) survive calls.
    pub preserved: u8,
    /// The shifts folded into the instruction after them.
    pub shifts: ShiftFusion,
}

/// What the allocator asks of every instruction, looked up once per op: which
/// fields it reads and writes, the register class each of them wants, and
/// whether it goes through memory.
pub(crate) struct OpTable(Vec<u32>);

impl OpTable {
    // Bits 0 to 2: the fields read (`a`, `b`, `c`).
    const WRITES_A: u32 = 1 << 3;
    /// Reads or writes more than its fields say (calls, returns, `select`,
    /// `struct.new`): ask [`Effects`]; every slot wants the class of `b`
    /// when read and of `a` when written.
    const SPECIAL: u32 = 1 << 4;
    const BARRIER: u32 = 1 << 5;
    /// Class votes (0 integer, 1 float, 2 either), two bits each, of a read
    /// of `a`, `b`, `c` and of the write of `a`.
    const CLASS_SHIFT: [u32; 4] = [6, 8, 10, 12];
    /// Bits 14 to 17: the read of `a`, `b`, `c` and the write of `a` is a
    /// v128, a value of its own (see [`Effects`]).
    const WIDE_SHIFT: u32 = 14;
    /// `a = b op c` (or `op imm`) that every backend emits reading `b`
    /// before writing `a`, and `c` no later than `b`, with `a` in `b`'s
    /// register if they share one (see [`color`]).
    const READS_B_FIRST: u32 = 1 << 18;

    /// The table of an ISA: `is_barrier` says which ops go through memory,
    /// `class_of(op, field)` which class an op wants for field 0 (`a`), 1
    /// (`b`) or 2 (`c`) read, or 3 (`a` written). When a slot is both a
    /// store's address and its value, the address's class wins.
    pub fn new(
        is_barrier: impl Fn(Op) -> bool,
        class_of: impl Fn(Op, usize) -> Option<Class>,
    ) -> OpTable {
        OpTable(
            Op::ALL
                .iter()
                .map(|&op| {
                    let fmt = op.fmt();
                    let special = matches!(
                        fmt,
                        Fmt::Call | Fmt::CallIndirect | Fmt::Return | Fmt::Select
                    ) || op == Op::StructNew;
                    let mut bits = fmt.read_mask() as u32;
                    if fmt.writes_a() {
                        bits |= Self::WRITES_A;
                    }
                    if special {
                        bits |= Self::SPECIAL;
                    }
                    if is_barrier(op) {
                        bits |= Self::BARRIER;
                    }
                    if reads_b_first(op) {
                        bits |= Self::READS_B_FIRST;
                    }
                    for (field, shift) in Self::CLASS_SHIFT.iter().enumerate() {
                        let vote = class_of(op, field).map_or(2, |c| c as u32);
                        bits |= vote << shift;
                        if op.sig().width(field) == 2 {
                            bits |= 1 << (Self::WIDE_SHIFT + field as u32);
                        }
                    }
                    bits
                })
                .collect(),
        )
    }

    #[inline(always)]
    fn get(&self, op: Op) -> u32 {
        self.0[op as usize]
    }

    fn is_barrier(&self, op: Op) -> bool {
        self.get(op) & Self::BARRIER != 0
    }

    /// Whether the slots `op` reads and writes must keep their numbers:
    /// it names them beyond its fields, or goes through memory.
    fn keeps_numbers(&self, op: Op) -> bool {
        self.get(op) & (Self::SPECIAL | Self::BARRIER) != 0
    }

    /// The fields `op` reads (bit 0 `a`, 1 `b`, 2 `c`) and whether it writes `a`.
    fn fields(&self, op: Op) -> (u32, bool) {
        let bits = self.get(op);
        (bits & 7, bits & Self::WRITES_A != 0)
    }

    /// Whether `op` may write `a` into the register of `b` (dying there).
    fn reads_b_first(&self, op: Op) -> bool {
        self.get(op) & Self::READS_B_FIRST != 0
    }

    /// The class vote (0 integer, 1 float, 2 either) for `field` of `op`.
    fn vote(&self, op: Op, field: usize) -> usize {
        (self.get(op) >> Self::CLASS_SHIFT[field] & 3) as usize
    }

    /// Calls `f(slot, vote, write)` with every slot `i` reads, then every
    /// slot it writes, each with the class vote of that use.
    #[inline(always)]
    fn uses(&self, effects: &Effects, i: &Instr, mut f: impl FnMut(u16, usize, bool)) {
        let bits = self.get(i.op);
        let vote = |field: usize| (bits >> Self::CLASS_SHIFT[field] & 3) as usize;
        if bits & Self::SPECIAL != 0 {
            effects.reads(i, |s| f(s, vote(1), false));
            effects.writes(i, |s| f(s, vote(3), true));
            return;
        }
        // The value a field names: a v128 is numbered apart from the slot's
        // scalars.
        let v = |field: u32, slot: u16| {
            if bits >> (Self::WIDE_SHIFT + field) & 1 != 0 {
                effects.vector(slot)
            } else {
                slot
            }
        };
        if bits & 1 != 0 {
            f(v(0, i.a), vote(0), false);
        }
        if bits & 2 != 0 {
            f(v(1, i.b), vote(1), false);
        }
        if bits & 4 != 0 {
            let wide = |field: u32| bits >> (Self::WIDE_SHIFT + field) & 1;
            let same = i.c == i.b && wide(1) == wide(2);
            f(v(2, i.c), if same { vote(1) } else { vote(2) }, false);
        }
        if bits & Self::WRITES_A != 0 {
            f(v(3, i.a), vote(3), true);
        }
    }
}

/// Reads and writes of an instruction, as values: a scalar is named by its
/// slot; a v128 at slot `s` (which takes slots `s` and `s + 1` in memory) is a
/// value of its own, numbered `vector_base + s`, so that it can live in one
/// vector register while the slots' scalars at other times live elsewhere.
pub(crate) struct Effects<'a> {
    m: &'a ModuleInfo<'a>,
    /// The result types of the function being compiled.
    results: &'a [ValType],
    /// The number of the first vector value (the frame's slot count), when
    /// the function has vector values.
    vector_base: Option<u16>,
}

impl<'a> Effects<'a> {
    /// The effects for function `def`, whose frame (with inlined copies) has
    /// `num_slots` slots; `vectors`: whether it has vector values, which
    /// then take numbers from `num_slots` on.
    pub fn new(m: &'a ModuleInfo<'a>, def: usize, num_slots: usize, vectors: bool) -> Effects<'a> {
        let ty = m.meta.funcs[def].ty;
        Effects {
            m,
            results: &m.meta.types[ty as usize].results,
            vector_base: vectors.then_some(num_slots as u16),
        }
    }

    /// How many values there are: slots, and as many vectors with vectors.
    pub fn num_values(&self, num_slots: usize) -> usize {
        num_slots * if self.vector_base.is_some() { 2 } else { 1 }
    }

    /// The value of a v128 at `slot`.
    #[inline(always)]
    pub fn vector(&self, slot: u16) -> u16 {
        self.vector_base.map_or(slot, |base| base + slot)
    }

    /// Calls `f` with the values of a window of `types` laid out from `at`.
    fn window(&self, at: u16, types: &[ValType], f: &mut impl FnMut(u16)) {
        let mut slot = at;
        for t in types {
            f(if *t == ValType::V128 {
                self.vector(slot)
            } else {
                slot
            });
            slot += t.slots() as u16;
        }
    }

    /// The type of a call's callee.
    fn callee(&self, i: &Instr) -> Option<&'a zwasm_abi::module::FuncType> {
        let ty = match i.op.fmt() {
            Fmt::CallIndirect => Some(i.imm as u32),
            _ => self.m.func_types.get(i.imm as usize).copied(),
        };
        ty.and_then(|t| self.m.meta.types.get(t as usize))
    }

    /// Calls `f` with every value `i` reads.
    pub fn reads(&self, i: &Instr, mut f: impl FnMut(u16)) {
        let sig = i.op.sig();
        let v = |k: usize, slot: u16| {
            if sig.reads[k] == Some(Ty::V128) {
                self.vector(slot)
            } else {
                slot
            }
        };
        match i.op.fmt() {
            Fmt::Call | Fmt::CallIndirect => {
                if i.op.fmt() == Fmt::CallIndirect {
                    f(i.b);
                }
                if let Some(callee) = self.callee(i) {
                    self.window(i.a, &callee.params, &mut f);
                }
            }
            Fmt::Return => self.window(0, self.results, &mut f),
            Fmt::Select => {
                f(v(1, i.b));
                f(v(2, i.c));
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
                    f(v(0, i.a));
                }
                if mask & 2 != 0 {
                    f(v(1, i.b));
                }
                if mask & 4 != 0 {
                    f(v(2, i.c));
                }
            }
        }
    }

    /// Calls `f` with every value `i` writes.
    pub fn writes(&self, i: &Instr, mut f: impl FnMut(u16)) {
        match i.op.fmt() {
            Fmt::Call | Fmt::CallIndirect => {
                if matches!(i.op, Op::Call | Op::CallImport | Op::CallIndirect) {
                    if let Some(callee) = self.callee(i) {
                        self.window(i.a, &callee.results, &mut f);
                    }
                }
            }
            fmt if fmt.writes_a() => f(if i.op.sig().write == Some(Ty::V128) {
                self.vector(i.a)
            } else {
                i.a
            }),
            _ => {}
        }
    }
}

/// Copies, and the integer arithmetic, logic, shifts and rotates by a
/// slot or an immediate: `a = b op c` where the backends read `b` (and
/// `c`) before writing `a`.
fn reads_b_first(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        Copy | I32Add
            | I32Sub
            | I32Mul
            | I32And
            | I32Or
            | I32Xor
            | I32Shl
            | I32ShrS
            | I32ShrU
            | I32Rotl
            | I32Rotr
            | I64Add
            | I64Sub
            | I64Mul
            | I64And
            | I64Or
            | I64Xor
            | I64Shl
            | I64ShrS
            | I64ShrU
            | I64Rotl
            | I64Rotr
            | I32AddImm
            | I32SubImm
            | I32MulImm
            | I32AndImm
            | I32OrImm
            | I32XorImm
            | I32ShlImm
            | I32ShrSImm
            | I32ShrUImm
            | I32RotlImm
            | I32RotrImm
            | I64AddImm
            | I64SubImm
            | I64MulImm
            | I64AndImm
            | I64OrImm
            | I64XorImm
            | I64ShlImm
            | I64ShrSImm
            | I64ShrUImm
            | I64RotlImm
            | I64RotrImm
    )
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
    /// Sets the first values to `row` and clears the rest.
    fn load(&mut self, row: &[u64]) {
        self.0[..row.len()].copy_from_slice(row);
        self.0[row.len()..].fill(0);
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
    /// (A value beyond the rows' width, numbered apart as block-local by
    /// [`webs`], is live into and out of no block.)
    fn get(&self, r: usize, i: u16) -> bool {
        self.row(r)
            .get(i as usize / 64)
            .is_some_and(|w| w >> (i % 64) & 1 != 0)
    }
    /// Row `r` as a bit set over `n` values.
    fn bits(&self, r: usize, n: usize) -> Bits {
        let mut b = Bits::new(n);
        b.load(self.row(r));
        b
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

/// Largest `blocks * slots` the allocator analyses; beyond it every slot
/// stays in memory (compile time over code quality for giant functions).
const MAX_WORK: usize = 1 << 26;

/// Allocates registers for one function. `pools` gives the number of
/// registers of each class (Int, Float); `class_of` says which class each op
/// wants for a slot it reads or writes.
pub(crate) fn allocate(
    code: &[Instr],
    num_slots: usize,
    num_params: usize,
    effects: &Effects,
    ops: &OpTable,
    pools: Pools,
) -> Allocation {
    scan(code, num_slots, num_params, effects, ops, pools, None)
}

/// [`allocate`]. Slots are first split into webs (but in a function with
/// vectors, which keeps its numbering), unless `given` is the liveness of
/// code whose webs were just renumbered: the live-in and live-out sets of
/// its blocks (which are the same as before the renumbering).
fn scan(
    code: &[Instr],
    num_slots: usize,
    num_params: usize,
    effects: &Effects,
    ops: &OpTable,
    all_pools: Pools,
    given: Option<(Rows, Rows, Shape)>,
) -> Allocation {
    // Without given liveness, a function without vectors is first analysed
    // lightly (blocks and liveness), for the split into block-local values;
    // the full analysis runs on the code that comes out of it.
    let split = given.is_none();
    let pools = all_pools;
    let (preserved, shifts) = (pools.preserved, pools.shifts);
    let pools = (pools.int, pools.float);
    let n = code.len();
    // From here on a "slot" is a value: a frame slot's scalar, or a vector
    // (see `Effects`), which the parameters have too.
    let frame_slots = num_slots;
    let num_slots = effects.num_values(frame_slots);
    let param_values = |k: usize| {
        let k = k as u16;
        if k < num_params as u16 {
            Some(k)
        } else if num_slots > frame_slots && k - (num_params as u16) < num_params as u16 {
            Some(effects.vector(k - num_params as u16))
        } else {
            None
        }
    };
    let target = |pc: usize| (pc as i64 + 1 + code[pc].offset() as i64) as usize;
    // (The same for code whose webs were just renumbered.)
    let (given, shape) = match given {
        Some((live_in, live_out, shape)) => (Some((live_in, live_out)), shape),
        None => (None, Shape::of(code, ops)),
    };
    let Shape {
        leader,
        is_entry,
        mut barrier_at,
        mut cond_at,
        depth_diff,
        loops,
    } = shape;

    // Second pass: blocks, and per block the slots used before being defined
    // (gen) and defined (kill); per slot its interval so far (first and last
    // position where it is touched), its class votes, and its spill weight
    // (reads and writes, weighted 8^loop depth). Loads and stores that may
    // take their address from the `const` before them, and adds that may
    // absorb the shift before them, are noted to be decided below.
    let nb = leader[..n].iter().filter(|&&l| l).count();
    let light = split && loops && effects.num_values(num_slots) == num_slots;
    if split && nb.saturating_mul(num_slots) > MAX_WORK {
        return Allocation::all_memory(num_slots);
    }
    let mut info = vec![SlotInfo::UNUSED; num_slots];
    let words = num_slots.div_ceil(64);
    // (Not needed when the liveness is given.)
    let rows = if split { nb } else { 0 };
    let mut gen = Rows::new(rows, num_slots);
    let mut kill = Rows::new(rows, num_slots);
    let mut starts: Vec<usize> = Vec::with_capacity(nb);
    let mut block_of = vec![0u32; n + 1];
    // (position, spill weight there) of each candidate constant address.
    let mut addr_cands: Vec<(u32, u64)> = Vec::new();
    let mut shift_cands: Vec<u32> = Vec::new();
    let mut vector_cands: Vec<u32> = Vec::new();
    let mut depth = 0i32;
    // The weight (8^loop depth) of each barrier.
    let mut barrier_w: Vec<u64> = Vec::with_capacity(barrier_at.len());
    // With the liveness given, this walk also gathers the live ranges.
    let mut ranges = given
        .as_ref()
        .map(|(live_in, _)| color::Builder::new(live_in, num_slots, n));
    for p in 0..n {
        if leader[p] {
            if let (Some(r), Some((live_in, live_out))) = (&mut ranges, &given) {
                if !starts.is_empty() {
                    r.end_block(starts.len() - 1, live_out);
                }
                r.begin_block(starts.len(), p, live_in);
            }
            starts.push(p);
        }
        let b = starts.len() - 1;
        block_of[p] = b as u32;
        depth += depth_diff[p];
        let w = 1u64 << (3 * depth.clamp(0, 5));
        if barrier_at.get(barrier_w.len()) == Some(&p) {
            barrier_w.push(w);
        }
        let i = &code[p];
        let row = b * words;
        if light {
            ops.uses(effects, i, |s, _, write| {
                gen_kill(&mut gen, &mut kill, row, s, write)
            });
            continue;
        }
        if !leader[p] {
            let prev = &code[p - 1];
            let fmt = i.op.fmt();
            if prev.op == Op::Const
                && matches!(fmt, Fmt::Load | Fmt::Store)
                && i.b == prev.a
                && (fmt == Fmt::Load || i.c != i.b)
            {
                addr_cands.push((p as u32, w));
            }
            if shifts.fuses(prev, i) {
                shift_cands.push(p as u32);
            }
            if p >= 2
                && code[p - 2].op == Op::V128Const
                && !ops.is_barrier(i.op)
                && super::is_vector(i.op)
            {
                vector_cands.push(p as u32);
            }
        }
        // (The entries after a `br_table` read and write nothing.)
        let barrier = ops.is_barrier(i.op);
        let mut note = |s: u16, vote: usize, write: bool| {
            let e = &mut info[s as usize];
            e.use_at(vote, w);
            e.read_in_register |= !write && !barrier;
        };
        if let Some(r) = &mut ranges {
            r.instr(b, p, i, effects, ops, note);
        } else {
            ops.uses(effects, i, |s, vote, write| {
                if split {
                    gen_kill(&mut gen, &mut kill, row, s, write);
                }
                note(s, vote, write);
            });
        }
    }
    if let (Some(r), Some((_, live_out))) = (&mut ranges, &given) {
        r.end_block(starts.len() - 1, live_out);
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
    let succs = |b: usize| &succ_list[succ_at[b] as usize..succ_at[b + 1] as usize];
    // live_in(b) = gen(b) | (live_out(b) & !kill(b)), live_out(b) the union
    // of its successors' live-in sets; iterate to a fixed point. Without
    // loops every successor comes later, so one backward sweep is exact.
    // (Given for code whose webs were just renumbered: the split maps the
    // slots' liveness onto the new numbers.)
    let (mut live_in, mut live_out, mut changed) = match given {
        Some((live_in, live_out)) => (live_in, live_out, false),
        None => (
            Rows {
                words,
                data: gen.data.clone(),
            },
            Rows::new(nb, num_slots),
            true,
        ),
    };
    while changed && words == 1 {
        // The same, for a function of at most 64 slots: one word per block.
        changed = false;
        let (inn, out) = (&mut live_in.data, &mut live_out.data);
        for b in (0..nb).rev() {
            let o = succs(b).iter().fold(0, |o, &s| o | inn[s as usize]);
            out[b] = o;
            let v = inn[b] | (o & !kill.data[b]) | gen.data[b];
            changed |= v != inn[b];
            inn[b] = v;
        }
        changed &= loops;
    }
    while changed && words != 1 {
        changed = false;
        for b in (0..nb).rev() {
            let out = &mut live_out.data[b * words..][..words];
            out.fill(0);
            for &s in succs(b) {
                for (o, x) in out.iter_mut().zip(live_in.row(s as usize)) {
                    *o |= x;
                }
            }
            let (k, g) = (kill.row(b), gen.row(b));
            let inn = &mut live_in.data[b * words..][..words];
            for (w, ((o, k), g)) in inn.iter_mut().zip(out.iter().zip(k).zip(g)) {
                let v = *w | (*o & !k) | g;
                changed |= v != *w;
                *w = v;
            }
        }
        // The sweep that changes nothing leaves every live-out set final.
        changed &= loops;
    }
    drop((gen, kill));
    if light {
        let webs = webs::split(&webs::Facts {
            code,
            num_slots,
            effects,
            ops,
            starts: &starts,
            live_out: &live_out,
        });
        // Block-local values change no block's live-in or live-out set,
        // nor their code its blocks.
        let shape = Shape {
            leader,
            is_entry,
            barrier_at: std::mem::take(&mut barrier_at),
            cond_at: std::mem::take(&mut cond_at),
            depth_diff,
            loops,
        };
        let given = Some((live_in, live_out, shape));
        let Some((renamed, homes)) = webs else {
            return scan(code, num_slots, num_params, effects, ops, all_pools, given);
        };
        let mut a = scan(
            &renamed,
            homes.len(),
            num_params,
            effects,
            ops,
            all_pools,
            given,
        );
        a.frame_slots = frame_slots;
        a.homes = homes[frame_slots..].to_vec();
        a.code = Some(renamed);
        return a;
    }

    // Constant addresses: `const x = k` right before a load or store whose
    // address is `x`, with `x` dead after it. The backend puts `k` in the
    // address itself; the slot then needs no register and takes no part in
    // choosing its class (it is often reused for a float just after).
    // Scaled adds: `i32.shl_imm x = y, 1..3` right before an `i32.add` with
    // `x` as one operand, `x` dead after it: the backend emits one `lea`.
    // Constant vectors: `v128.const x` right before the vector instruction
    // that is its only reader, `x` dead after it (see `const_vector`).
    let mut const_addr: Vec<u32> = Vec::new();
    let mut fused_shift: Vec<u32> = Vec::new();
    let mut const_vector: Vec<u32> = Vec::new();
    let mut blocks: Vec<u32> = addr_cands
        .iter()
        .map(|c| c.0)
        .chain(shift_cands.iter().copied())
        .chain(vector_cands.iter().copied())
        .map(|p| block_of[p as usize])
        .collect();
    blocks.sort_unstable();
    blocks.dedup();
    let (mut ai, mut si, mut vi) = (0, 0, 0);
    for b in blocks {
        let (start, end) = (starts[b as usize], end_of(b as usize));
        let a_end = ai + addr_cands[ai..].partition_point(|c| (c.0 as usize) < end);
        let s_end = si + shift_cands[si..].partition_point(|&c| (c as usize) < end);
        let v_end = vi + vector_cands[vi..].partition_point(|&c| (c as usize) < end);
        let (mine, scaled) = (&addr_cands[ai..a_end], &shift_cands[si..s_end]);
        let vectors = &vector_cands[vi..v_end];
        (ai, si, vi) = (a_end, s_end, v_end);
        // Liveness after each position, walking back from the block's end.
        let mut live = live_out.bits(b as usize, num_slots);
        let (first, first_scaled) = (const_addr.len(), fused_shift.len());
        let first_vector = const_vector.len();
        let (mut ca, mut cs) = (mine.iter().rev().peekable(), scaled.iter().rev().peekable());
        let mut cv = vectors.iter().rev().peekable();
        for p in (start..end).rev() {
            let i = &code[p];
            // (A candidate's `v128.const` is in this block: its two words
            // come right before it, and a leader is never one of them.)
            if cv.next_if(|&&c| c as usize == p).is_some() && block_of[p - 2] == b {
                let x = effects.vector(code[p - 2].a);
                let (mut reads, mut writes) = (false, false);
                effects.reads(i, |s| reads |= s == x);
                effects.writes(i, |s| writes |= s == x);
                if reads && (writes || !live.get(x)) {
                    const_vector.push(p as u32);
                }
            }
            if let Some(&(_, w)) = ca.next_if(|c| c.0 as usize == p) {
                // A load into its own address slot ends the constant's life too.
                let redefined = i.op.fmt() == Fmt::Load && i.a == i.b;
                if redefined || !live.get(i.b) {
                    const_addr.push(p as u32);
                    // The folded slot is neither read here nor written by the
                    // `const`: take back their votes and weights.
                    let k = &code[p - 1];
                    info[i.b as usize].unuse(ops.vote(i.op, 1), w);
                    info[k.a as usize].unuse(ops.vote(k.op, 3), w);
                }
            }
            if cs.next_if(|&&c| c as usize == p).is_some() {
                let x = code[p - 1].a;
                if i.a == x || !live.get(x) {
                    fused_shift.push(p as u32);
                }
            }
            effects.writes(i, |s| live.clear(s));
            effects.reads(i, |s| live.set(s));
        }
        const_addr[first..].reverse();
        fused_shift[first_scaled..].reverse();
        const_vector[first_vector..].reverse();
    }

    // Registers by priority over live ranges (see [`color`]). A value no
    // instruction reads from a register (only written, and read by calls
    // and returns, which read the frame) stays in memory: a register would
    // only add a move before the store.
    let order: Vec<u16> = (0..num_slots as u16)
        .filter(|&s| info[s as usize].is_used() && info[s as usize].read_in_register)
        .collect();
    let ranges = match ranges {
        Some(r) => r.finish(),
        None => color::Ranges::new(code, &starts, &live_in, &live_out, effects, ops, num_slots),
    };
    let mut loc = vec![Loc::Mem; num_slots];
    // The last `preserved` integer registers survive calls: a value live
    // across a call takes one of them first, any other value one of the rest.
    let first_preserved = pools.0 - preserved;
    // What crossing barriers costs a value in a register that does not
    // survive them: their weights (each is a store and a reload).
    let mut cross = vec![0u64; num_slots];
    let mut live = Bits::new(num_slots);
    for (&p, &w) in barrier_at.iter().zip(&barrier_w) {
        live.load(live_out.row(block_of[p] as usize));
        effects.writes(&code[p], |s| live.clear(s));
        live.ones().for_each(|s| cross[s as usize] += w);
    }
    color::color(
        &ranges,
        &info,
        &cross,
        order,
        |s| {
            let [ints, floats, _] = info[s as usize].votes;
            // A vector lives in a vector (float-pool) register whatever its
            // uses vote: calls and returns, which name no operand class, vote
            // integer.
            if floats > ints || s as usize >= frame_slots {
                Class::Float
            } else {
                Class::Int
            }
        },
        pools,
        first_preserved,
        &mut loc,
    );

    // Barriers: allocated slots live into and out of each memory-bound
    // instruction. Each is the last of its block, so what is live after it
    // is its block's live-out set.
    // A slot in a preserved register needs no store or reload unless the
    // instruction itself reads or writes it in memory.
    let kept = |s: u16| matches!(loc[s as usize], Loc::Reg(Class::Int, r) if r >= first_preserved);
    let mut live = Bits::new(num_slots);
    let mut barrier_slots: Vec<u16> = Vec::new();
    let mut barriers = Vec::with_capacity(barrier_at.len());
    let (mut reads, mut writes): (Vec<u16>, Vec<u16>) = (Vec::new(), Vec::new());
    for &p in &barrier_at {
        let b = block_of[p] as usize;
        let (reads, writes) = (&mut reads, &mut writes);
        reads.clear();
        writes.clear();
        effects.reads(&code[p], |s| reads.push(s));
        effects.writes(&code[p], |s| writes.push(s));
        let start = barrier_slots.len() as u32;
        live.load(live_out.row(b));
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
    cond_at.retain(|&p| !live_out.get(block_of[p as usize] as usize, code[p as usize].b));
    let entry_loads = (0..2 * num_params)
        .map_while(param_values)
        .filter(|&s| (s as usize) < num_slots && loc[s as usize] != Loc::Mem && live_in.get(0, s))
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
    let promotions = loops::promote(
        &loops::Facts {
            code,
            effects,
            ops,
            info: &info,
            live_in: &live_in,
            block_of: &block_of,
            barrier_at: &barrier_at,
            const_addr: &const_addr,
            fused_shift: &fused_shift,
            const_vector: &const_vector,
            frame_slots,
            pools,
            first_preserved,
        },
        &loc,
        &mut preserved_used,
    );
    Allocation {
        loc,
        barrier_slots,
        barriers,
        entry_live: Some(live_in.row(0).to_vec()),
        entry_loads,
        cond_dies: cond_at,
        preserved_used,
        const_addr,
        fused_shift,
        const_vector,
        promotions,
        code: None,
        homes: Vec::new(),
        frame_slots,
    }
}

/// What one pass over a function's code finds: basic block leaders,
/// barriers, conditional branches, and the loops.
struct Shape {
    /// Whether a block starts at each position (and at the end).
    leader: Vec<bool>,
    /// The entries after each `br_table` (its targets, not code).
    is_entry: Vec<bool>,
    barrier_at: Vec<usize>,
    /// The conditional branches.
    cond_at: Vec<u32>,
    /// Loop depth changes at each position: +1 where a loop starts, -1
    /// after the backward branch that closes it.
    depth_diff: Vec<i32>,
    loops: bool,
}

impl Shape {
    fn of(code: &[Instr], ops: &OpTable) -> Shape {
        let n = code.len();
        let target = |pc: usize| (pc as i64 + 1 + code[pc].offset() as i64) as usize;
        // An instruction that goes through memory ends its block, so a
        // barrier is always the last of its block.
        let mut leader = vec![false; n + 1];
        let mut is_entry = vec![false; n];
        let mut barrier_at: Vec<usize> = Vec::new();
        let mut cond_at: Vec<u32> = Vec::new();
        let mut depth_diff = vec![0i32; n + 1];
        let mut loops = false;
        leader[0] = true;
        let mut next = 0;
        for (pc, i) in code.iter().enumerate() {
            let fmt = i.op.fmt();
            if fmt.is_branch() {
                let t = target(pc);
                if t <= pc {
                    depth_diff[t] += 1;
                    depth_diff[pc + 1] -= 1;
                    loops = true;
                }
            }
            if pc < next {
                is_entry[pc] = true;
                leader[target(pc)] = true;
                continue;
            }
            next = pc + 1;
            if i.op == Op::BrTable {
                next = pc + i.imm as usize + 2;
                leader[next.min(n)] = true;
            } else if fmt.is_branch() {
                leader[target(pc)] = true;
                leader[pc + 1] = true;
                if matches!(i.op, Op::BrIfEqz | Op::BrIfNez) {
                    cond_at.push(pc as u32);
                }
            } else if ops.is_barrier(i.op) {
                barrier_at.push(pc);
                leader[pc + 1] = true;
            } else if ends_flow(i.op) {
                leader[pc + 1] = true;
            }
        }
        Shape {
            leader,
            is_entry,
            barrier_at,
            cond_at,
            depth_diff,
            loops,
        }
    }
}

/// A use of `s` in the block whose gen and kill rows start at word `row`:
/// a read before any write goes into gen, a write into kill.
#[inline(always)]
fn gen_kill(gen: &mut Rows, kill: &mut Rows, row: usize, s: u16, write: bool) {
    let (wd, bit) = (row + s as usize / 64, 1u64 << (s % 64));
    if write {
        kill.data[wd] |= bit;
    } else if kill.data[wd] & bit == 0 {
        gen.data[wd] |= bit;
    }
}

/// What the allocator gathers about a slot: whether anything touches it,
/// the class its uses ask for, and its spill weight (uses weighted 8^loop
/// depth).
#[derive(Clone, Copy)]
struct SlotInfo {
    used: bool,
    /// Uses wanting an integer register, a float register, either.
    votes: [u32; 3],
    weight: u64,
    /// Whether an instruction other than a barrier reads it.
    read_in_register: bool,
}

impl SlotInfo {
    const UNUSED: SlotInfo = SlotInfo {
        used: false,
        votes: [0; 3],
        weight: 0,
        read_in_register: false,
    };

    fn is_used(&self) -> bool {
        self.used
    }

    /// A read or write voting for class `vote` (0 integer, 1 float,
    /// 2 either), with weight `w`.
    #[inline(always)]
    fn use_at(&mut self, vote: usize, w: u64) {
        self.used = true;
        self.votes[vote] += 1;
        self.weight += w;
    }

    /// Takes back the vote and weight of a use that turned out not to be one.
    fn unuse(&mut self, vote: usize, w: u64) {
        self.votes[vote] -= 1;
        self.weight -= w;
    }
}
