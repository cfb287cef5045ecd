//! The AArch64 backend (dynasm). Every slot has its home in the frame at
//! `[x26 + 8 * slot]`, and the register allocator
//! (`crate::backend::regalloc`) keeps slots in `x0`–`x8`, `x10`–`x15`, `x30`
//! (the link register is saved in the frame record, and calls are barriers)
//! and `x19`–`x25` (those seven survive calls: a function that uses them
//! saves them), and in `v2`–`v7` and `v16`–`v31`, over their live ranges;
//! `x9`, `x16`, `x17`, `v0` and `v1` are scratch. Calls between native
//! functions are direct `bl`s; calls to imports and to functions left to the
//! interpreter, `call_indirect`'s slow path and the ops the runtime
//! implements (tables, bulk memory, growth) go through libcalls, as on
//! x86_64. Vectors are compiled with NEON (`simd.rs`).
//!
//! Conventions (those of `loader/src/native/arch/aarch64.rs`): the VMContext
//! in `x28`, memory 0's base in `x27`, the slot frame in `x26`, the frame
//! pointer chain in `x29`/`x30`. An i32 is kept zero-extended in its register
//! and cell, an f32 in the low half of a `d` register with the upper half
//! clear. Traps branch to one stub per trap code, which enters the trap
//! landing with `x0` = a PC in the function, `w1` = the code and `x2` = the
//! frame pointer.

// dynasm's register macros convert their argument with `.into()`.
#![allow(clippy::useless_conversion)]

use crate::backend::codegen::{self, Emit, FnCtx, Isa};
use crate::backend::regalloc::{Class, Loc, OpTable, Pools, ShiftFusion};
use crate::backend::{Backend, ModuleInfo, NativeCode};
use dynasmrt::aarch64::Aarch64Relocation;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};
use zwasm_abi::ir::{Instr, Op, RegClass};
use zwasm_abi::native::{flags, funcref, libcall, vmctx, TRAP_BASE, TRAP_PENDING};
use zwasm_abi::TrapCode;

type Asm = VecAssembler<Aarch64Relocation>;

macro_rules! asm {
    ($ops:expr; $($t:tt)*) => {
        dynasm!($ops ; .arch aarch64 ; $($t)*)
    };
}

// After `asm!`, so that these modules see it.
mod float;
mod int;
mod mem;
mod simd;

/// The AArch64 backend.
pub(crate) struct Aarch64 {
    /// What the register allocator asks of each op.
    ops: OpTable,
}

impl Aarch64 {
    pub fn new() -> Aarch64 {
        Aarch64 {
            ops: OpTable::new(is_barrier, class_of),
        }
    }
}

/// The largest frame this backend compiles: a cell's offset must fit a
/// scaled 12-bit load or store immediate.
const MAX_SLOTS: usize = 4095;

/// Above this many IR instructions a function is first emitted far (see
/// `FnGen::far`): its code would most likely be longer than a conditional
/// branch or PC-relative load reaches (±1 MiB, at 12 to 16 bytes of code per
/// instruction). A shorter function whose code still turns out too long is
/// emitted again as far (`codegen::compile_chunk`).
const NEAR_IR: usize = 65_536;

/// Registers the allocator hands out, by pool index. The last `PRESERVED`
/// (`x19`–`x25`) survive calls: a function that uses them saves them.
const INT_POOL: [u8; 23] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 30, 19, 20, 21, 22, 23, 24, 25,
];
const PRESERVED: u8 = 7;
/// The vector registers the allocator hands out (none of `v8`–`v15`, whose
/// low halves the AAPCS64 has callees preserve).
const FLOAT_POOL: [u8; 21] = [
    2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
];

/// Scratch registers.
const X9: u8 = 9;
const X16: u8 = 16;
const X17: u8 = 17;

/// Whether an instruction reads or writes the frame in memory (so allocated
/// slots are stored before it and reloaded after it).
fn is_barrier(op: Op) -> bool {
    matches!(
        op,
        Op::Call | Op::CallImport | Op::CallIndirect | Op::Return
    ) || is_exec(op)
}

/// Ops that run through the `exec` libcall (the interpreter's implementation
/// of one instruction): those the op table marks, but the float-to-integer
/// truncations, which compile to `fcvtzs`/`fcvtzu` here.
fn is_exec(op: Op) -> bool {
    op.runs_through_exec() && !float::is_trunc(op)
}

/// The register class `op` wants for its field 0 (`a`), 1 (`b`) or 2 (`c`)
/// read, or 3 (`a` written), from the op table's signature column.
fn class_of(op: Op, field: usize) -> Option<Class> {
    op.sig().class(field).map(|c| match c {
        RegClass::Int => Class::Int,
        RegClass::Float | RegClass::Vec => Class::Float,
    })
}

/// Whether this backend compiles `op`.
fn covered(op: Op) -> bool {
    if crate::backend::is_vector(op) {
        return simd::covers(op);
    }
    if is_exec(op) {
        return true;
    }
    use Op::*;
    matches!(
        op,
        Nop | Trap
            | Br
            | BrIfNez
            | BrIfEqz
            | BrTable
            | Return
            | ReturnSlot
            | Call
            | CallImport
            | CallIndirect
            | ReturnCall
            | Copy
            | Const
            | Select
            | GlobalGet
            | GlobalSet
            | MemorySize
            | RefIsNull
            | RefAsNonNull
    ) || int::covers(op)
        || float::covers(op)
        || mem::covers(op)
}

impl Backend for Aarch64 {
    fn covers(&self, op: Op) -> bool {
        covered(op)
    }

    fn fits(&self, m: &ModuleInfo, def: usize) -> bool {
        let f = &m.meta.funcs[def];
        (f.num_slots as usize) <= MAX_SLOTS
    }

    fn compile(&self, m: &ModuleInfo, native: &[bool]) -> Result<NativeCode, String> {
        codegen::compile(self, m, native)
    }
}

/// Where functions and loops start.
const CODE_ALIGN: usize = 16;

impl Isa for Aarch64 {
    type Asm = Asm;
    type Label = DynamicLabel;
    const CODE_ALIGN: usize = CODE_ALIGN;
    /// `bl`: ±128 MiB.
    const CALL_REACH: usize = 1 << 27;

    fn ops(&self) -> &OpTable {
        &self.ops
    }

    fn pools(&self) -> Pools {
        Pools {
            int: INT_POOL.len() as u8,
            float: FLOAT_POOL.len() as u8,
            preserved: PRESERVED,
            shifts: ShiftFusion::ShiftedOperand,
        }
    }

    fn goes_to_runtime(&self, op: Op) -> bool {
        is_exec(op)
    }

    fn new_asm(&self, bytes: usize) -> Asm {
        Asm::new_with_capacity(0, bytes, 0, 0, 0, 0, 0)
    }

    fn offset(asm: &Asm) -> usize {
        asm.offset().0
    }

    fn align(asm: &mut Asm) {
        while !asm.offset().0.is_multiple_of(CODE_ALIGN) {
            asm!(asm; nop);
        }
    }

    fn function(&self, asm: &mut Asm, cx: FnCtx<'_, DynamicLabel>) -> u64 {
        let far = cx.far || cx.code.len() > NEAR_IR;
        let mut g = FnGen {
            asm,
            far,
            cx,
            literals: Vec::new(),
            const_vector: None,
            loop_constants: Vec::new(),
            loop_end: 0,
            spilled: None,
            base: None,
            vector_constants: Vec::new(),
        };
        codegen::function(&mut g);
        0
    }

    fn commit(asm: &mut Asm) -> Result<(), codegen::AsmError> {
        asm.commit().map_err(|e| match e {
            dynasmrt::DynasmError::ImpossibleRelocation(_) => codegen::AsmError::OutOfReach,
            e => codegen::AsmError::Other(format!("aarch64 assembly failed: {e:?}")),
        })?;
        asm.labels_mut().clear();
        Ok(())
    }

    fn finalize(asm: Asm) -> Result<Vec<u8>, String> {
        asm.finalize()
            .map_err(|e| format!("aarch64 assembly failed: {e:?}"))
    }

    /// A `bl` or `b` whose word ends at `at`: its 26-bit word offset.
    fn patch_call(code: &mut [u8], at: usize, target: usize) {
        let word = u32::from_le_bytes(code[at - 4..at].try_into().unwrap());
        let rel = ((target as i64 - (at as i64 - 4)) >> 2) as u32 & 0x03ff_ffff;
        code[at - 4..at].copy_from_slice(&(word & 0xfc00_0000 | rel).to_le_bytes());
    }
}

/// Condition codes, by their encoding (a code and its inverse differ in
/// bit 0).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Cond {
    Eq = 0,
    Ne = 1,
    Hs = 2,
    Lo = 3,
    Mi = 4,
    Pl = 5,
    Vs = 6,
    Hi = 8,
    Ls = 9,
    Ge = 10,
    Lt = 11,
    Gt = 12,
    Le = 13,
}

/// Where a left-out `v128.const`'s value is.
#[derive(Clone, Copy)]
enum ConstVector {
    /// In a register loaded before the loop.
    Reg(u8),
    /// Nowhere yet: its reader loads it.
    Value(u128),
}

/// Where a slot's value is right now.
#[derive(Clone, Copy, PartialEq, Eq)]
enum L {
    /// A general register.
    G(u8),
    /// A vector register (its `d` view).
    V(u8),
    /// Its frame cell, at this offset from `x26`.
    M(u32),
}

/// The frame offset of slot `s`.
fn cell(slot: u16) -> u32 {
    slot as u32 * 8
}

/// Generates one function.
struct FnGen<'a> {
    asm: &'a mut Asm,
    /// What the ISA-neutral code generator knows of the function.
    cx: FnCtx<'a, DynamicLabel>,
    /// Whether the function may be longer than a conditional branch or a
    /// PC-relative load reaches (±1 MiB): its conditional branches to
    /// labels outside the instruction being emitted take the inverted
    /// condition over a `b` (±128 MiB), and its constants are placed in the
    /// code where they are loaded rather than after it.
    far: bool,
    /// IR indices handed to libcalls, read by `ldr` from words placed after
    /// the code: (label of the word, pc).
    literals: Vec<(DynamicLabel, usize)>,
    /// (slot, register, code offset just after): the register a slot living
    /// in its frame cell was last stored from.
    spilled: Option<(u16, u8, usize)>,
    /// The function's 128-bit constants, emitted after its code and read by
    /// PC-relative loads: (label, value).
    vector_constants: Vec<(DynamicLabel, u128)>,
    /// A `v128.const` left out (`Allocation::const_vector`): the pc of its
    /// reader, the slot, and where its value is (see `simd.rs`).
    const_vector: Option<(usize, u16, ConstVector)>,
    /// The constant vectors the innermost loop being emitted keeps in
    /// `v10`-`v15`, loaded on entry: (value, register); `loop_end` is the
    /// loop's last pc.
    loop_constants: Vec<(u128, u8)>,
    loop_end: usize,
    /// The slot whose index `x16` holds added to memory 0's base, set by a
    /// load or store for the access after it (see `mem.rs`); any other
    /// instruction, or a label, forgets it.
    base: Option<u16>,
}

impl<'a> std::ops::Deref for FnGen<'a> {
    type Target = FnCtx<'a, DynamicLabel>;
    fn deref(&self) -> &Self::Target {
        &self.cx
    }
}

impl std::ops::DerefMut for FnGen<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.cx
    }
}

impl<'a> Emit<'a> for FnGen<'a> {
    type Label = DynamicLabel;
    fn cx(&self) -> &FnCtx<'a, DynamicLabel> {
        &self.cx
    }
    fn cx_mut(&mut self) -> &mut FnCtx<'a, DynamicLabel> {
        &mut self.cx
    }
    fn offset(&self) -> usize {
        self.asm.offset().0
    }
    fn new_label(&mut self) -> DynamicLabel {
        self.asm.new_dynamic_label()
    }
    fn bind(&mut self, l: DynamicLabel) {
        asm!(self.asm; =>l);
    }
    fn jump(&mut self, l: DynamicLabel) {
        asm!(self.asm; b =>l);
    }
    // Loop heads are not aligned: the padding would run on every entry into
    // the loop, one instruction per word, where x86_64 pads with a few long
    // no-ops.
    fn align_loop_head(&mut self) {}
    fn prologue(&mut self) {
        FnGen::prologue(self)
    }
    fn hooks(&mut self) {
        FnGen::hooks(self)
    }
    fn spill(&mut self, value: u16) {
        FnGen::spill(self, value)
    }
    fn reload(&mut self, value: u16) {
        FnGen::reload(self, value)
    }
    fn forget(&mut self) {
        self.spilled = None;
        self.base = None;
    }
    fn op(&mut self, pc: usize) -> usize {
        FnGen::op(self, pc)
    }
    fn loop_entry(&mut self, head: usize, end: usize) {
        FnGen::loop_constants(self, head, end)
    }
    fn tail(&mut self) {
        self.stubs();
        self.literal_words();
        self.vector_constant_words();
    }
}

impl FnGen<'_> {
    /// `b.<c> l`, for a label outside the instruction being emitted (see
    /// `far`).
    fn b_cond(&mut self, c: Cond, l: DynamicLabel) {
        if self.far {
            // b.<not c> over the next word.
            self.asm.push_u32(0x5400_0040 | (c as u32 ^ 1));
            asm!(self.asm; b =>l);
            return;
        }
        match c {
            Cond::Eq => asm!(self.asm; b.eq =>l),
            Cond::Ne => asm!(self.asm; b.ne =>l),
            Cond::Hs => asm!(self.asm; b.hs =>l),
            Cond::Lo => asm!(self.asm; b.lo =>l),
            Cond::Mi => asm!(self.asm; b.mi =>l),
            Cond::Pl => asm!(self.asm; b.pl =>l),
            Cond::Vs => asm!(self.asm; b.vs =>l),
            Cond::Hi => asm!(self.asm; b.hi =>l),
            Cond::Ls => asm!(self.asm; b.ls =>l),
            Cond::Ge => asm!(self.asm; b.ge =>l),
            Cond::Lt => asm!(self.asm; b.lt =>l),
            Cond::Gt => asm!(self.asm; b.gt =>l),
            Cond::Le => asm!(self.asm; b.le =>l),
        }
    }

    /// `cbz` (`zero`) or `cbnz` of `w<r>` (`x<r>` if `wide`) to `l`, a
    /// label outside the instruction being emitted (see `far`).
    fn cb(&mut self, zero: bool, wide: bool, r: u8, l: DynamicLabel) {
        if self.far {
            // The opposite test over the next word.
            let op = if zero { 0x3500_0040 } else { 0x3400_0040 };
            self.asm.push_u32(op | u32::from(wide) << 31 | u32::from(r));
            asm!(self.asm; b =>l);
            return;
        }
        match (zero, wide) {
            (true, false) => asm!(self.asm; cbz W(r), =>l),
            (true, true) => asm!(self.asm; cbz X(r), =>l),
            (false, false) => asm!(self.asm; cbnz W(r), =>l),
            (false, true) => asm!(self.asm; cbnz X(r), =>l),
        }
    }

    /// The frame record, the stack checks (but in a leaf), the preserved
    /// registers, the hooks, the locals' zeroes and the parameters' loads.
    fn prologue(&mut self) {
        asm!(self.asm
            ; stp x29, x30, [sp, #-16]!
            ; mov x29, sp
        );
        let num_slots = self.expanded.num_slots;
        if !codegen::is_leaf(self.code, num_slots) {
            // Both limits with one load: they are neighbours in the VMContext.
            const _: () = assert!(vmctx::SLOTS_END == vmctx::STACK_LIMIT + 8);
            // One branch for both: when the native stack is fine (`hs`),
            // `ccmp` compares the slot frame's end with its limit; when it
            // is not, it sets C alone, which `hi` takes too.
            let overflow = self.trap_code(TrapCode::StackOverflow);
            self.add_imm(X9, 26, num_slots as u64 * 8);
            asm!(self.asm
                ; ldp x16, x17, [x28, #vmctx::STACK_LIMIT]
                ; cmp sp, x16
                ; ccmp x9, x17, #2, hs
            );
            self.b_cond(Cond::Hi, overflow);
        }
        for pair in self.preserved().chunks(2) {
            match *pair {
                [r, s] => asm!(self.asm; stp X(r), X(s), [sp, #-16]!),
                _ => asm!(self.asm; str X(pair[0]), [sp, #-16]!),
            }
        }
        self.hooks();
        // Locals start at zero: in their frame cells, or in their registers.
        // Only those some path reads before writing need it.
        let f = &self.m.meta.funcs[self.def];
        let (p, l) = (f.num_params as u16, f.num_locals as u16);
        let live = |k: u16| self.alloc.live_at_entry(k);
        let in_memory: Vec<u16> = (p..l)
            .filter(|&k| self.alloc.loc[k as usize] == Loc::Mem && live(k))
            .collect();
        if in_memory.len() <= 16 {
            for k in in_memory {
                asm!(self.asm; str xzr, [x26, #cell(k)]);
            }
        } else {
            let zero = self.asm.new_dynamic_label();
            self.add_imm(X9, 26, cell(p) as u64);
            self.mov_imm(X16, (l - p) as u64);
            asm!(self.asm
                ; =>zero
                ; str xzr, [x9], #8
                ; subs x16, x16, #1
                ; b.ne =>zero
            );
        }
        for k in (p..l).filter(|&k| self.cx.alloc.live_at_entry(k)) {
            match self.loc(k) {
                L::G(r) => asm!(self.asm; mov X(r), xzr),
                L::V(v) => asm!(self.asm; movi D(v), #0),
                L::M(_) => {}
            }
        }
        // Vector locals read before written: the register, or both cells.
        if let Some(base) = self.vector_base {
            for k in (p..l).filter(|&k| self.cx.alloc.live_at_entry(base + k)) {
                match self.vloc(k) {
                    L::V(v) => asm!(self.asm; movi V(v).D2, #0),
                    _ => asm!(self.asm
                        ; str xzr, [x26, #cell(k)]
                        ; str xzr, [x26, #cell(k + 1)]
                    ),
                }
            }
        }
        for k in std::mem::take(&mut self.alloc.entry_loads) {
            self.reload(k);
        }
    }

    /// The preserved registers the function uses (and so saves).
    fn preserved(&self) -> Vec<u8> {
        self.alloc
            .preserved_used
            .iter()
            .map(|&r| INT_POOL[r as usize])
            .collect()
    }

    /// Restores the saved registers and the caller's frame record.
    fn epilogue(&mut self) {
        let saved = self.preserved();
        for pair in saved.chunks(2).rev() {
            match *pair {
                [r, s] => asm!(self.asm; ldp X(r), X(s), [sp], #16),
                _ => asm!(self.asm; ldr X(pair[0]), [sp], #16),
            }
        }
        asm!(self.asm; ldp x29, x30, [sp], #16);
    }

    /// The fuel and interrupt checks, when the module is compiled with them.
    fn hooks(&mut self) {
        if self.m.hooks & flags::FUEL != 0 {
            let out = self.trap_code(TrapCode::OutOfFuel);
            asm!(self.asm
                ; ldr x9, [x28, #vmctx::FUEL as u32]
                ; ldr x16, [x9]
                ; subs x16, x16, #1
                ; str x16, [x9]
            );
            self.b_cond(Cond::Mi, out);
        }
        if self.m.hooks & flags::INTERRUPT != 0 {
            let stop = self.trap_code(TrapCode::Interrupted);
            asm!(self.asm
                ; ldr x9, [x28, #vmctx::INTERRUPT as u32]
                ; ldr w16, [x9]
            );
            self.cb(false, false, X16, stop);
        }
    }

    /// `x<r>` = `v`, in one to four instructions.
    fn mov_imm(&mut self, r: u8, v: u64) {
        let part = |k: u32| (v >> (16 * k)) as u32 & 0xffff;
        if v <= u32::MAX as u64 && v as u32 >= 0xffff_0000 {
            // A small negative i32, zero-extended.
            asm!(self.asm; movn W(r), #!part(0) & 0xffff);
            return;
        }
        if dynasmrt::aarch64::encode_logical_immediate_64bit(v).is_some() {
            asm!(self.asm; orr XSP(r), xzr, #v);
            return;
        }
        let ones = (0..4).filter(|&k| part(k) == 0xffff).count();
        let zeros = (0..4).filter(|&k| part(k) == 0).count();
        if ones > zeros {
            // From all ones, setting the parts that differ.
            let first = (0..4).find(|&k| part(k) != 0xffff).unwrap_or(0);
            asm!(self.asm; movn X(r), #!part(first) & 0xffff, lsl #16 * first);
            for k in (first + 1..4).filter(|&k| part(k) != 0xffff) {
                asm!(self.asm; movk X(r), #part(k), lsl #16 * k);
            }
            return;
        }
        let first = (0..4).find(|&k| part(k) != 0).unwrap_or(0);
        asm!(self.asm; movz X(r), #part(first), lsl #16 * first);
        for k in (first + 1..4).filter(|&k| part(k) != 0) {
            asm!(self.asm; movk X(r), #part(k), lsl #16 * k);
        }
    }

    /// `x<d>` = `x<n>` + `v` (`n` may be 31 only as `sp`... never used so).
    fn add_imm(&mut self, d: u8, n: u8, v: u64) {
        if v < 4096 {
            asm!(self.asm; add XSP(d), XSP(n), #v as u32);
        } else if v < 1 << 24 && v & 0xfff == 0 {
            asm!(self.asm; add XSP(d), XSP(n), #(v >> 12) as u32, lsl #12);
        } else {
            self.mov_imm(X16, v);
            asm!(self.asm; add X(d), X(n), x16);
        }
    }

    /// `x<d>` = `x<n>` - `v`.
    fn sub_imm(&mut self, d: u8, n: u8, v: u64) {
        if v < 4096 {
            asm!(self.asm; sub XSP(d), XSP(n), #v as u32);
        } else if v < 1 << 24 && v & 0xfff == 0 {
            asm!(self.asm; sub XSP(d), XSP(n), #(v >> 12) as u32, lsl #12);
        } else {
            self.mov_imm(X16, v);
            asm!(self.asm; sub X(d), X(n), x16);
        }
    }

    /// `x<r>` = the value at `[x28 + offset]` (a VMContext field).
    fn load_vmctx(&mut self, r: u8, offset: i32) {
        if offset < 32760 {
            asm!(self.asm; ldr X(r), [x28, #offset as u32]);
        } else {
            self.mov_imm(r, offset as u64);
            asm!(self.asm; ldr X(r), [x28, X(r)]);
        }
    }

    fn loc(&self, slot: u16) -> L {
        match self.alloc.loc[slot as usize] {
            Loc::Mem => L::M(cell(self.alloc.home(slot))),
            Loc::Reg(Class::Int, r) => L::G(INT_POOL[r as usize]),
            Loc::Reg(Class::Float, r) => L::V(FLOAT_POOL[r as usize]),
        }
    }

    /// Writes an allocated slot's register to its frame cell (a vector's to
    /// its two).
    fn spill(&mut self, slot: u16) {
        if let Some(v) = self.vector_slot(slot) {
            if let L::V(x) = self.vloc(v) {
                self.store_q(x, cell(v));
            }
            return;
        }
        let d = cell(self.alloc.home(slot));
        match self.loc(slot) {
            L::G(r) => asm!(self.asm; str X(r), [x26, #d]),
            L::V(v) => asm!(self.asm; str D(v), [x26, #d]),
            L::M(_) => {}
        }
    }

    /// Loads an allocated slot's register from its frame cell (a vector's
    /// from its two).
    fn reload(&mut self, slot: u16) {
        if let Some(v) = self.vector_slot(slot) {
            if let L::V(x) = self.vloc(v) {
                self.load_q(x, cell(v));
            }
            return;
        }
        let d = cell(self.alloc.home(slot));
        match self.loc(slot) {
            L::G(r) => asm!(self.asm; ldr X(r), [x26, #d]),
            L::V(v) => asm!(self.asm; ldr D(v), [x26, #d]),
            L::M(_) => {}
        }
    }

    /// The value of `slot` in a general register: its own, or `scratch`
    /// (where it may still be from the store just before).
    fn gpr(&mut self, slot: u16, scratch: u8) -> u8 {
        if self.spilled == Some((slot, scratch, self.asm.offset().0)) {
            return scratch;
        }
        match self.loc(slot) {
            L::G(r) => r,
            L::V(v) => {
                asm!(self.asm; fmov X(scratch), D(v));
                scratch
            }
            L::M(d) => {
                asm!(self.asm; ldr X(scratch), [x26, #d]);
                scratch
            }
        }
    }

    /// The value of `slot` in a vector register: its own, or `scratch`.
    fn fpr(&mut self, slot: u16, scratch: u8) -> u8 {
        match self.loc(slot) {
            L::V(v) => v,
            L::G(r) => {
                asm!(self.asm; fmov D(scratch), X(r));
                scratch
            }
            L::M(d) => {
                asm!(self.asm; ldr D(scratch), [x26, #d]);
                scratch
            }
        }
    }

    /// The general register to compute an integer result for `slot` in.
    fn dst(&self, slot: u16) -> u8 {
        match self.loc(slot) {
            L::G(r) => r,
            _ => X9,
        }
    }

    /// The vector register to compute a float result for `slot` in.
    fn fdst(&self, slot: u16) -> u8 {
        match self.loc(slot) {
            L::V(v) => v,
            _ => 0,
        }
    }

    /// Puts the value in general register `r` into `slot`.
    fn set_gpr(&mut self, slot: u16, r: u8) {
        match self.loc(slot) {
            L::G(d) if d == r => {}
            L::G(d) => asm!(self.asm; mov X(d), X(r)),
            L::V(v) => asm!(self.asm; fmov D(v), X(r)),
            L::M(d) => {
                asm!(self.asm; str X(r), [x26, #d]);
                self.spilled = Some((slot, r, self.asm.offset().0));
            }
        }
    }

    /// Puts the value in vector register `v` (its `d` view) into `slot`.
    fn set_fpr(&mut self, slot: u16, v: u8) {
        match self.loc(slot) {
            L::V(d) if d == v => {}
            L::V(d) => asm!(self.asm; fmov D(d), D(v)),
            L::G(r) => asm!(self.asm; fmov X(r), D(v)),
            L::M(d) => asm!(self.asm; str D(v), [x26, #d]),
        }
    }

    /// Copies `from` into `to`, whatever their locations.
    fn copy(&mut self, to: u16, from: u16) {
        match (self.loc(to), self.loc(from)) {
            (a, b) if a == b => {}
            (_, L::G(r)) => self.set_gpr(to, r),
            (_, L::V(v)) => self.set_fpr(to, v),
            (L::G(r), L::M(d)) => asm!(self.asm; ldr X(r), [x26, #d]),
            (L::V(v), L::M(d)) => asm!(self.asm; ldr D(v), [x26, #d]),
            (L::M(a), L::M(b)) => asm!(self.asm; ldr x9, [x26, #b]; str x9, [x26, #a]),
        }
    }

    /// Puts the value of `slot` into frame cell `c` (for calls and returns).
    fn put_cell(&mut self, c: u16, slot: u16) {
        let c = cell(c);
        match self.loc(slot) {
            L::G(r) => asm!(self.asm; str X(r), [x26, #c]),
            L::V(v) => asm!(self.asm; str D(v), [x26, #c]),
            L::M(d) if d == c => {}
            L::M(d) => asm!(self.asm; ldr x9, [x26, #d]; str x9, [x26, #c]),
        }
    }

    /// `slot` = `v`.
    fn constant(&mut self, slot: u16, v: u64) {
        match self.loc(slot) {
            L::G(r) if v == 0 => asm!(self.asm; mov X(r), xzr),
            L::G(r) => self.mov_imm(r, v),
            L::V(x) if v == 0 => asm!(self.asm; movi D(x), #0),
            L::V(x) => {
                self.mov_imm(X9, v);
                asm!(self.asm; fmov D(x), x9);
            }
            L::M(d) if v == 0 => asm!(self.asm; str xzr, [x26, #d]),
            L::M(d) => {
                self.mov_imm(X9, v);
                asm!(self.asm; str x9, [x26, #d]);
            }
        }
    }

    /// The label of the trap stub returning `code` to the host.
    fn trap_code(&mut self, code: TrapCode) -> DynamicLabel {
        codegen::trap(self, code as u32 + TRAP_BASE)
    }

    /// Emits the trap stubs: each sets its code and branches to the common
    /// part, which enters the trap landing with a PC inside this function
    /// and the frame pointer.
    fn stubs(&mut self) {
        if self.traps.is_empty() {
            return;
        }
        let common = self.asm.new_dynamic_label();
        for (code, l) in std::mem::take(&mut self.traps) {
            asm!(self.asm
                ; =>l
                ; movz w1, #code
                ; b =>common
            );
        }
        asm!(self.asm
            ; =>common
            ; adr x0, =>common
            ; mov x2, x29
            ; ldr x9, [x28, #vmctx::TRAP_LANDING as u32]
            ; br x9
        );
    }

    /// The words holding the IR indices libcalls are given, filled in when
    /// the module's IR is laid out.
    fn literal_words(&mut self) {
        for (l, pc) in std::mem::take(&mut self.literals) {
            asm!(self.asm; =>l);
            self.asm.push_u32(0);
            let at = self.asm.offset().0;
            let pc = self.expanded.orig_pc(pc);
            let def = self.def as u32;
            self.ir_refs.push((at, def, pc));
        }
    }

    /// `w2` = the IR index of instruction `pc`.
    fn ir_index_to_w2(&mut self, pc: usize) {
        if self.far {
            // The word right here: `ldr w2, #8`, a `b` over it, the word.
            self.asm.push_u32(0x1800_0042);
            self.asm.push_u32(0x1400_0002);
            self.asm.push_u32(0);
            let at = self.asm.offset().0;
            let pc = self.expanded.orig_pc(pc);
            let def = self.def as u32;
            self.ir_refs.push((at, def, pc));
            return;
        }
        let l = self.asm.new_dynamic_label();
        asm!(self.asm; ldr w2, =>l);
        self.literals.push((l, pc));
    }

    /// Calls libcall `n` with `x0` = the VMContext and the other arguments
    /// already in `x1` and `w2`; a nonzero result is a pending trap.
    fn libcall(&mut self, n: usize) {
        let pending = codegen::trap(self, TRAP_PENDING);
        let entry = vmctx::LIBCALLS as u32 + 8 * n as u32;
        asm!(self.asm
            ; mov x0, x28
            ; ldr x16, [x28, #entry]
            ; blr x16
        );
        self.cb(false, false, 0, pending);
        // Only a 64-bit memory moves when it grows.
        if self.m.memory64 {
            asm!(self.asm; ldr x27, [x28, #vmctx::MEM0_BASE as u32]);
        }
    }

    /// Runs instruction `pc` in the runtime.
    fn exec(&mut self, pc: usize) {
        codegen::barrier_before(self, pc);
        asm!(self.asm; mov x1, x26);
        self.ir_index_to_w2(pc);
        self.libcall(libcall::EXEC);
        codegen::barrier_after(self, pc);
    }

    /// A `bl` (`call`) or `b` to defined function `def`, whose offset is
    /// patched when the module's code is laid out.
    fn direct(&mut self, call: bool, def: usize) {
        self.asm
            .push_u32(if call { 0x9400_0000 } else { 0x1400_0000 });
        let at = self.asm.offset().0;
        self.relocs.push((at, def));
    }

    /// Emits instruction `pc`; returns the next pc to emit.
    fn op(&mut self, pc: usize) -> usize {
        use Op::*;
        let i = self.code[pc];
        if !mem::covers(i.op) {
            self.base = None;
        }
        if self.const_vector.is_some_and(|c| c.0 != pc) {
            self.const_vector = None;
        }
        if matches!(i.op, Op::MemoryFill | Op::MemoryCopy) && i.imm == 0 && !self.m.memory64 {
            codegen::barrier_before(self, pc);
            self.bulk_memory(&i);
            codegen::barrier_after(self, pc);
            return pc + 1;
        }
        if is_exec(i.op) {
            self.exec(pc);
            return pc + 1;
        }
        match i.op {
            Nop => {}
            Trap => {
                let code = TrapCode::from_u8(i.imm as u8).unwrap_or(TrapCode::Unreachable);
                let l = self.trap_code(code);
                asm!(self.asm; b =>l);
            }
            Br => {
                let l = codegen::target(self, pc);
                // A jump to the next instruction (left by loop rotation) is
                // nothing, unless it leaves through a stub of stores.
                let next = i.offset() == 0 && self.labels[pc + 1] == Some(l);
                if !next {
                    asm!(self.asm; b =>l);
                }
            }
            BrIfNez | BrIfEqz => {
                let l = codegen::target(self, pc);
                let r = self.gpr(i.b, X9);
                self.cb(i.op == BrIfEqz, false, r, l);
            }
            BrTable => return self.br_table(pc),
            Return => {
                codegen::barrier_before(self, pc);
                self.epilogue();
                asm!(self.asm; ret);
            }
            ReturnSlot => {
                self.put_cell(0, i.b);
                self.epilogue();
                asm!(self.asm; ret);
            }
            Call | CallImport => {
                let index = i.imm as u32;
                let a = cell(i.a) as u64;
                codegen::barrier_before(self, pc);
                match index.checked_sub(self.m.num_imported_funcs) {
                    Some(d) if self.native[d as usize] => {
                        self.add_imm(26, 26, a);
                        self.direct(true, d as usize);
                        self.sub_imm(26, 26, a);
                    }
                    _ => {
                        self.add_imm(1, 26, a);
                        self.mov_imm(2, index as u64);
                        self.libcall(libcall::CALL);
                    }
                }
                codegen::barrier_after(self, pc);
            }
            CallIndirect => {
                codegen::barrier_before(self, pc);
                let slow = self.asm.new_dynamic_label();
                let done = self.asm.new_dynamic_label();
                if i.c == 0 {
                    self.indirect_fast_path(&i, slow, done);
                }
                asm!(self.asm
                    ; =>slow
                    ; mov x1, x26
                );
                self.ir_index_to_w2(pc);
                self.libcall(libcall::CALL_INDIRECT);
                asm!(self.asm; =>done);
                codegen::barrier_after(self, pc);
            }
            ReturnCall => {
                let d = i.imm as u32 - self.m.num_imported_funcs;
                let callee = &self.m.meta.funcs[d as usize];
                let mut k = 0u16;
                for t in &self.m.meta.types[callee.ty as usize].params {
                    if *t == zwasm_abi::module::ValType::V128 {
                        self.put_vector_cell(k, i.a + k);
                    } else {
                        self.put_cell(k, i.a + k);
                    }
                    k += t.slots() as u16;
                }
                self.epilogue();
                self.direct(false, d as usize);
            }
            Copy => self.copy(i.a, i.b),
            // A constant address goes into the load or store after it.
            Const if self.alloc.const_address(pc + 1) => {}
            Const => self.constant(i.a, i.imm),
            Select => self.select(&i),
            GlobalGet => {
                self.load_vmctx(X16, vmctx::GLOBALS + 8 * i.imm as i32);
                match self.loc(i.a) {
                    L::G(r) => asm!(self.asm; ldr X(r), [x16]),
                    L::V(v) => asm!(self.asm; ldr D(v), [x16]),
                    L::M(d) => asm!(self.asm; ldr x9, [x16]; str x9, [x26, #d]),
                }
            }
            GlobalSet => {
                self.load_vmctx(X16, vmctx::GLOBALS + 8 * i.imm as i32);
                match self.loc(i.b) {
                    L::G(r) => asm!(self.asm; str X(r), [x16]),
                    L::V(v) => asm!(self.asm; str D(v), [x16]),
                    L::M(d) => asm!(self.asm; ldr x9, [x26, #d]; str x9, [x16]),
                }
            }
            MemorySize => {
                let d = self.dst(i.a);
                asm!(self.asm
                    ; ldr X(d), [x28, #vmctx::MEM0_LEN as u32]
                    ; lsr X(d), X(d), #16
                );
                self.set_gpr(i.a, d);
            }
            RefIsNull => {
                let r = self.gpr(i.b, X9);
                let d = self.dst(i.a);
                asm!(self.asm
                    ; cmp XSP(r), #0
                    ; cset W(d), eq
                );
                self.set_gpr(i.a, d);
            }
            RefAsNonNull => {
                let l = self.trap_code(TrapCode::NullReference);
                let r = self.gpr(i.b, X9);
                self.cb(true, true, r, l);
                self.set_gpr(i.a, r);
            }
            op if crate::backend::is_vector(op) => return self.simd(pc, &i),
            op if int::covers(op) => return self.int(pc, &i),
            op if float::covers(op) => return self.float(pc, &i),
            op if mem::covers(op) => self.memory(pc, &i),
            op => unreachable!("{} is not covered", op.name()),
        }
        pc + 1
    }

    /// `select`: `a` = `b` if the condition is nonzero, else `c`.
    fn select(&mut self, i: &Instr) {
        let cond = self.gpr(i.imm as u16, X16);
        asm!(self.asm; cmp WSP(cond), #0);
        if let L::V(d) = self.loc(i.a) {
            let b = self.fpr(i.b, 0);
            let c = self.fpr(i.c, 1);
            asm!(self.asm; fcsel D(d), D(b), D(c), ne);
            return;
        }
        let b = self.gpr(i.b, X9);
        let c = self.gpr(i.c, X17);
        let d = self.dst(i.a);
        asm!(self.asm; csel X(d), X(b), X(c), ne);
        self.set_gpr(i.a, d);
    }

    /// `br_table`: a bounds check to the default, then a branch into a table
    /// of branches, one word each.
    fn br_table(&mut self, pc: usize) -> usize {
        let i = self.code[pc];
        let n = i.imm as usize;
        let table = self.asm.new_dynamic_label();
        let default = codegen::target(self, pc + 1 + n);
        let r = self.gpr(i.b, X9);
        if n < 4096 {
            asm!(self.asm; cmp WSP(r), #n as u32);
        } else {
            self.mov_imm(X17, n as u64);
            asm!(self.asm; cmp W(r), w17);
        }
        self.b_cond(Cond::Hs, default);
        asm!(self.asm
            ; adr x17, =>table
            ; add x17, x17, W(r), uxtw #2
            ; br x17
            ; =>table
        );
        for k in 0..n {
            let l = codegen::target(self, pc + 1 + k);
            asm!(self.asm; b =>l);
        }
        // The default entry is reached by the `b.hs` above.
        pc + 2 + n
    }

    /// `call_indirect` through table 0 to a native function of this
    /// instance: bounds, null and signature checks inline, then a `blr`.
    /// Anything else (including every trap) goes to `slow`, the libcall,
    /// which has the full semantics.
    fn indirect_fast_path(&mut self, i: &Instr, slow: DynamicLabel, done: DynamicLabel) {
        // The slot of `b` is in memory here (stored by the barrier).
        let sig = vmctx::GLOBALS + 8 * (self.m.num_globals as i32 + i.imm as i32);
        asm!(self.asm
            ; ldr w9, [x26, #cell(i.b)]
            ; ldr x17, [x28, #vmctx::TABLE0_LEN as u32]
            ; cmp x9, x17
            ; b.hs =>slow
            ; ldr x17, [x28, #vmctx::TABLE0_BASE as u32]
            ; ldr x9, [x17, x9, lsl #3]
            ; cbz x9, =>slow
            // Entry (index + 1) - 1 of the store's function table.
            ; ldr x17, [x28, #vmctx::FUNC_REFS as u32]
            ; add x9, x17, x9, lsl #5
            ; sub x9, x9, #funcref::SIZE as u32
        );
        self.load_vmctx(X16, sig);
        asm!(self.asm
            ; ldr x17, [x9, #funcref::SIG as u32]
            ; cmp x16, x17
            ; b.ne =>slow
            ; ldr x17, [x9, #funcref::VMCTX as u32]
            ; cmp x17, x28
            ; b.ne =>slow
            ; ldr x9, [x9, #funcref::CODE as u32]
        );
        let a = cell(i.a) as u64;
        self.add_imm(26, 26, a);
        asm!(self.asm; blr x9);
        self.sub_imm(26, 26, a);
        asm!(self.asm; b =>done);
    }
}
