//! The x86_64 backend (dynasm). Every slot has its home in the frame at
//! `[rbx + 8 * slot]`, and the register allocator (`crate::backend::regalloc`) keeps
//! slots in `rdx`, `rsi`, `rdi`, `r8`–`r13` and `xmm2`–`xmm15` over their live
//! ranges; `rax`, `rcx`, `xmm0` and `xmm1` are scratch. Constants go
//! straight into instructions and addressing modes, and memory operands are
//! used where a slot lives in its frame cell. Compares feeding a branch are
//! already fused in the IR and become `cmp` + `jcc`. Calls between native
//! functions are direct `call rel32`; everything else goes through a libcall.
//! Traps jump to one stub per trap code at the end of the function.

// dynasm's register macros convert their argument with `.into()`.
#![allow(clippy::useless_conversion)]

use crate::backend::codegen::{self, Emit, FnCtx, Isa};
use crate::backend::regalloc::{Class, Loc, OpTable, Pools, ShiftFusion};
use crate::backend::{Backend, ModuleInfo, NativeCode};
use dynasmrt::x64::X64Relocation;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};
use zwasm_abi::ir::{Fmt, Instr, IntCmp, Op, RegClass, Ty};
use zwasm_abi::native::{cpu, flags, funcref, libcall, vmctx, TRAP_BASE, TRAP_PENDING};
use zwasm_abi::TrapCode;

type Asm = VecAssembler<X64Relocation>;

macro_rules! asm {
    ($ops:expr; $($t:tt)*) => {
        dynasm!($ops ; .arch x64 ; $($t)*)
    };
}

// After `asm!`, so that these modules see it.
mod alu;
mod bits;
mod div;
mod enc;
mod mem;
mod simd;
mod simd_float;
mod simd_int;
mod simd_shuffle;

/// The x86_64 backend, for a set of CPU features.
pub(crate) struct X64 {
    features: u64,
    /// What the register allocator asks of each op.
    ops: OpTable,
}

impl X64 {
    /// A backend for a CPU with `features` (`zwasm_abi::native::cpu` bits).
    pub fn new(features: u64) -> X64 {
        X64 {
            features,
            ops: OpTable::new(|op| is_barrier(op, features), class_of),
        }
    }
}

/// Condition codes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cc {
    E,
    Ne,
    L,
    B,
    G,
    A,
    Le,
    Be,
    Ge,
    Ae,
}

/// The condition code of an integer compare.
fn int_cc(cmp: IntCmp) -> Cc {
    match cmp {
        IntCmp::Eq => Cc::E,
        IntCmp::Ne => Cc::Ne,
        IntCmp::LtS => Cc::L,
        IntCmp::LtU => Cc::B,
        IntCmp::GtS => Cc::G,
        IntCmp::GtU => Cc::A,
        IntCmp::LeS => Cc::Le,
        IntCmp::LeU => Cc::Be,
        IntCmp::GeS => Cc::Ge,
        IntCmp::GeU => Cc::Ae,
    }
}

/// Ops that run through the `exec` libcall (the interpreter's implementation
/// of one instruction): those the op table marks but the float-to-integer
/// truncations (`float_to_int`), and rounding without SSE4.1's
/// `roundss`/`roundsd`.
fn is_exec(op: Op, features: u64) -> bool {
    (op.runs_through_exec() && to_int(op).is_none())
        || (features & cpu::SSE41 == 0 && is_rounding(op))
}

/// A float-to-integer truncation: (signed, to i64, from f64, saturating).
fn to_int(op: Op) -> Option<(bool, bool, bool, bool)> {
    use Op::*;
    Some(match op {
        I32TruncF32S => (true, false, false, false),
        I32TruncF32U => (false, false, false, false),
        I32TruncF64S => (true, false, true, false),
        I32TruncF64U => (false, false, true, false),
        I64TruncF32S => (true, true, false, false),
        I64TruncF32U => (false, true, false, false),
        I64TruncF64S => (true, true, true, false),
        I64TruncF64U => (false, true, true, false),
        I32TruncSatF32S => (true, false, false, true),
        I32TruncSatF32U => (false, false, false, true),
        I32TruncSatF64S => (true, false, true, true),
        I32TruncSatF64U => (false, false, true, true),
        I64TruncSatF32S => (true, true, false, true),
        I64TruncSatF32U => (false, true, false, true),
        I64TruncSatF64S => (true, true, true, true),
        I64TruncSatF64U => (false, true, true, true),
        _ => return None,
    })
}

/// The float roundings, which take SSE4.1's `roundss`/`roundsd`.
fn is_rounding(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        F32Ceil | F32Floor | F32Trunc | F32Nearest | F64Ceil | F64Floor | F64Trunc | F64Nearest
    )
}

impl Backend for X64 {
    fn covers(&self, op: Op) -> bool {
        if crate::backend::is_vector(op) {
            return simd::covers(op);
        }
        match op {
            // Tail calls through an import or a table need a frame the
            // interpreter can replace; they stay IR.
            Op::ReturnCallImport | Op::ReturnCallIndirect => false,
            // The interpreter's superinstructions are made after native code.
            _ if op.pair().is_some() => false,
            _ => true,
        }
    }

    fn compile(&self, m: &ModuleInfo, native: &[bool]) -> Result<NativeCode, String> {
        codegen::compile(self, m, native)
    }
}

/// Where functions and loops start (see `FnGen::align_loop_head`).
const LOOP_ALIGN: usize = 32;

impl Isa for X64 {
    type Asm = Asm;
    type Label = DynamicLabel;
    const CODE_ALIGN: usize = LOOP_ALIGN;
    /// `call rel32`.
    const CALL_REACH: usize = i32::MAX as usize;

    fn ops(&self) -> &OpTable {
        &self.ops
    }

    fn pools(&self) -> Pools {
        Pools {
            int: INT_POOL.len() as u8,
            float: XMM_POOL.len() as u8,
            preserved: PRESERVED,
            shifts: ShiftFusion::ScaledAdd,
        }
    }

    fn goes_to_runtime(&self, op: Op) -> bool {
        is_exec(op, self.features)
    }

    fn new_asm(&self, bytes: usize) -> Asm {
        Asm::new_with_capacity(0, bytes, 0, 0, 0, 0, 0)
    }

    fn offset(asm: &Asm) -> usize {
        asm.offset().0
    }

    fn align(asm: &mut Asm) {
        asm.align(LOOP_ALIGN, 0xcc);
    }

    fn function(&self, asm: &mut Asm, cx: FnCtx<'_, DynamicLabel>) -> u64 {
        let mut g = FnGen {
            asm,
            cx,
            features: self.features,
            used: 0,
            spilled: None,
            vector_constants: Vec::new(),
        };
        codegen::function(&mut g);
        g.used
    }

    fn commit(asm: &mut Asm) -> Result<(), codegen::AsmError> {
        asm.commit()
            .map_err(|e| codegen::AsmError::Other(format!("x86_64 assembly failed: {e:?}")))?;
        asm.labels_mut().clear();
        Ok(())
    }

    fn finalize(asm: Asm) -> Result<Vec<u8>, String> {
        asm.finalize()
            .map_err(|e| format!("x86_64 assembly failed: {e:?}"))
    }

    /// Each is the rel32 of a `call` or `jmp` ending at `at`.
    fn patch_call(code: &mut [u8], at: usize, target: usize) {
        let rel = target as i64 - at as i64;
        code[at - 4..at].copy_from_slice(&(rel as i32).to_le_bytes());
    }
}

const RAX: u8 = 0;
const RCX: u8 = 1;
const RDX: u8 = 2;
/// The frame base.
const RBX: u8 = 3;
/// Linear memory 0's base.
const R14: u8 = 14;
/// Registers the allocator hands out, by pool index. The last `PRESERVED`
/// (`r12`, `r13`) survive calls: a function that uses them saves them.
const INT_POOL: [u8; 9] = [2, 6, 7, 8, 9, 10, 11, 12, 13];
const PRESERVED: u8 = 2;
const XMM_POOL: [u8; 14] = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/// Whether an instruction reads or writes the frame in memory (so allocated
/// slots are stored before it and reloaded after it).
fn is_barrier(op: Op, features: u64) -> bool {
    matches!(
        op,
        Op::Call | Op::CallImport | Op::CallIndirect | Op::Return
    ) || is_exec(op, features)
}

/// The register class `op` wants for its field 0 (`a`), 1 (`b`) or 2 (`c`)
/// read, or 3 (`a` written), from the op table's signature column.
fn class_of(op: Op, field: usize) -> Option<Class> {
    op.sig().class(field).map(|c| match c {
        RegClass::Int => Class::Int,
        RegClass::Float | RegClass::Vec => Class::Float,
    })
}

/// Where a slot's value is right now.
#[derive(Clone, Copy, PartialEq, Eq)]
enum L {
    /// A general register.
    G(u8),
    /// An xmm register.
    X(u8),
    /// Its frame cell, at this offset from `rbx`.
    M(i32),
}

/// Generates one function.
struct FnGen<'a> {
    asm: &'a mut Asm,
    /// What the ISA-neutral code generator knows of the function.
    cx: FnCtx<'a, DynamicLabel>,
    features: u64,
    used: u64,
    /// (slot, register, code offset just after): the register a slot living
    /// in its frame cell was last stored from.
    spilled: Option<(u16, u8, usize)>,
    /// The function's 128-bit constants, emitted after its code and read
    /// by RIP-relative loads: (label, value).
    vector_constants: Vec<(DynamicLabel, u128)>,
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
        asm!(self.asm; jmp =>l);
    }
    fn align_loop_head(&mut self) {
        FnGen::align_loop_head(self)
    }
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
    }
    fn op(&mut self, pc: usize) -> usize {
        FnGen::op(self, pc)
    }
    fn tail(&mut self) {
        self.stubs();
        self.vector_constants();
    }
}

/// The frame offset of slot `s`.
fn s(slot: u16) -> i32 {
    slot as i32 * 8
}

impl FnGen<'_> {
    /// The frame: the frame pointer, the stack checks (but in a leaf),
    /// the preserved registers, the hooks, the locals' zeroes and the
    /// parameters' loads.
    fn prologue(&mut self) {
        let f = &self.m.meta.funcs[self.def];
        asm!(self.asm
            ; push rbp
            ; mov rbp, rsp
        );
        let num_slots = self.expanded.num_slots;
        // A leaf function's frames are covered by its caller's checks.
        let leaf = codegen::is_leaf(self.code, num_slots);
        if !leaf {
            let overflow = self.trap_code(TrapCode::StackOverflow);
            asm!(self.asm
                ; cmp rsp, [r15 + vmctx::STACK_LIMIT]
                ; jb =>overflow
                ; lea rax, [rbx + num_slots as i32 * 8]
                ; cmp rax, [r15 + vmctx::SLOTS_END]
                ; ja =>overflow
            );
        }
        if !self.alloc.preserved_used.is_empty() {
            // Both, so the stack stays 16-byte aligned.
            asm!(self.asm; push r12; push r13);
        }
        self.hooks();
        // Locals start at zero: in their frame cells, or in their registers.
        // Only those some path reads before writing need it (the others are
        // not live at entry, so no code can tell).
        let (p, l) = (f.num_params as u16, f.num_locals as u16);
        let live = |k: u16| self.alloc.live_at_entry(k);
        let in_memory: Vec<u16> = (p..l)
            .filter(|&k| self.alloc.loc[k as usize] == Loc::Mem && live(k))
            .collect();
        if in_memory.len() <= 16 {
            for k in in_memory {
                asm!(self.asm; mov QWORD [rbx + s(k)], 0);
            }
        } else {
            asm!(self.asm
                ; xor eax, eax
                ; lea rdi, [rbx + s(p)]
                ; mov ecx, (l - p) as i32
                ; rep stosq
            );
        }
        for k in (p..l).filter(|&k| self.cx.alloc.live_at_entry(k)) {
            match self.loc(k) {
                L::G(r) => asm!(self.asm; xor Rd(r), Rd(r)),
                L::X(x) => asm!(self.asm; xorps Rx(x), Rx(x)),
                L::M(_) => {}
            }
        }
        // Vector locals read before written: both cells, or the register.
        if let Some(base) = self.vector_base {
            for k in (p..l).filter(|&k| self.cx.alloc.live_at_entry(base + k)) {
                match self.vloc(k) {
                    L::X(x) => asm!(self.asm; xorps Rx(x), Rx(x)),
                    _ => asm!(self.asm
                        ; mov QWORD [rbx + s(k)], 0
                        ; mov QWORD [rbx + s(k) + 8], 0
                    ),
                }
            }
        }
        for k in std::mem::take(&mut self.alloc.entry_loads) {
            self.reload(k);
        }
    }

    /// Pads with no-ops so that a loop's first instruction starts a 32-byte
    /// block: the timing of a tight loop otherwise swings by a third with
    /// where unrelated code before it happens to end. The padding is a few
    /// long no-ops, run once per entry into the loop.
    fn align_loop_head(&mut self) {
        // The recommended no-ops of 1 to 8 bytes (Intel SDM, NOP).
        const NOPS: [&[u8]; 8] = [
            &[0x90],
            &[0x66, 0x90],
            &[0x0f, 0x1f, 0x00],
            &[0x0f, 0x1f, 0x40, 0x00],
            &[0x0f, 0x1f, 0x44, 0x00, 0x00],
            &[0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00],
            &[0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
            &[0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
        ];
        let mut pad = self.asm.offset().0.wrapping_neg() % LOOP_ALIGN;
        while pad > 0 {
            let nop = NOPS[pad.min(8) - 1];
            self.asm.extend(nop.iter().copied());
            pad -= nop.len();
        }
    }

    /// A `call` (0xe8) or `jmp` (0xe9) to defined function `def`, whose rel32
    /// is patched when the module's code is laid out.
    fn direct(&mut self, opcode: u8, def: usize) {
        asm!(self.asm; .bytes [opcode, 0, 0, 0, 0]);
        let at = self.asm.offset().0;
        self.relocs.push((at, def));
    }

    /// Restores the saved registers and the caller's frame pointer.
    fn epilogue(&mut self) {
        if !self.alloc.preserved_used.is_empty() {
            asm!(self.asm; pop r13; pop r12);
        }
        asm!(self.asm; pop rbp);
    }

    /// The fuel and interrupt checks, when the module is compiled with them:
    /// at function entry and at each loop head (so once per iteration).
    fn hooks(&mut self) {
        if self.m.hooks & flags::FUEL != 0 {
            let out = self.trap_code(TrapCode::OutOfFuel);
            asm!(self.asm
                ; mov rax, [r15 + vmctx::FUEL]
                ; sub QWORD [rax], 1
                ; js =>out
            );
        }
        if self.m.hooks & flags::INTERRUPT != 0 {
            let stop = self.trap_code(TrapCode::Interrupted);
            asm!(self.asm
                ; mov rax, [r15 + vmctx::INTERRUPT]
                ; cmp DWORD [rax], 0
                ; jne =>stop
            );
        }
    }

    fn loc(&self, slot: u16) -> L {
        match self.alloc.loc[slot as usize] {
            Loc::Mem => L::M(s(self.alloc.home(slot))),
            Loc::Reg(Class::Int, r) => L::G(INT_POOL[r as usize]),
            Loc::Reg(Class::Float, r) => L::X(XMM_POOL[r as usize]),
        }
    }

    /// Writes an allocated slot's register to its frame cell (a vector's to
    /// its two).
    fn spill(&mut self, slot: u16) {
        if let Some(v) = self.vector_slot(slot) {
            if let L::X(x) = self.vloc(v) {
                asm!(self.asm; movdqu [rbx + s(v)], Rx(x));
            }
            return;
        }
        let d = s(self.alloc.home(slot));
        match self.loc(slot) {
            L::G(r) => self.mov_store(enc::cell(d), r),
            L::X(x) => self.movq_store(enc::cell(d), x),
            L::M(_) => {}
        }
    }

    /// Loads an allocated slot's register from its frame cell (a vector's
    /// from its two).
    fn reload(&mut self, slot: u16) {
        if let Some(v) = self.vector_slot(slot) {
            if let L::X(x) = self.vloc(v) {
                asm!(self.asm; movdqu Rx(x), [rbx + s(v)]);
            }
            return;
        }
        let d = s(self.alloc.home(slot));
        match self.loc(slot) {
            L::G(r) => self.mov_load(r, enc::cell(d)),
            L::X(x) => self.movq_load(x, enc::cell(d)),
            L::M(_) => {}
        }
    }

    /// The value of `slot` in a general register: its own, or `scratch`.
    fn gpr(&mut self, slot: u16, scratch: u8) -> u8 {
        if let Some(r) = self.just_spilled(slot) {
            return r;
        }
        match self.loc(slot) {
            L::G(r) => r,
            L::X(x) => {
                asm!(self.asm; movq Rq(scratch), Rx(x));
                scratch
            }
            L::M(d) => {
                self.mov_load(scratch, enc::cell(d));
                scratch
            }
        }
    }

    /// The value of `slot` in an xmm register: its own, or `scratch`.
    fn xmm(&mut self, slot: u16, scratch: u8) -> u8 {
        match self.loc(slot) {
            L::X(x) => x,
            L::G(r) => {
                asm!(self.asm; movq Rx(scratch), Rq(r));
                scratch
            }
            L::M(d) => {
                self.movq_load(scratch, enc::cell(d));
                scratch
            }
        }
    }

    /// A source operand usable by an integer instruction: a register or the
    /// frame cell (an xmm-held value moves to `rcx`).
    fn src(&mut self, slot: u16) -> L {
        if let Some(r) = self.just_spilled(slot) {
            return L::G(r);
        }
        match self.loc(slot) {
            L::X(x) => {
                asm!(self.asm; movq rcx, Rx(x));
                L::G(RCX)
            }
            l => l,
        }
    }

    /// A float source operand: an xmm register or the frame cell (a value in a
    /// general register moves to `xmm1`).
    fn fsrc(&mut self, slot: u16) -> L {
        match self.loc(slot) {
            L::G(r) => {
                asm!(self.asm; movq xmm1, Rq(r));
                L::X(1)
            }
            l => l,
        }
    }

    /// The register to compute an integer result for `slot` in.
    fn dst(&self, slot: u16) -> u8 {
        match self.loc(slot) {
            L::G(r) => r,
            _ => RAX,
        }
    }

    /// Puts the value in general register `r` into `slot`.
    fn set_gpr(&mut self, slot: u16, r: u8) {
        match self.loc(slot) {
            L::G(d) if d == r => {}
            L::G(d) => self.mov_load(d, enc::Rm::R(r)),
            L::X(x) => self.movq_load(x, enc::Rm::R(r)),
            L::M(d) => {
                self.mov_store(enc::cell(d), r);
                self.spilled = Some((slot, r, self.asm.offset().0));
            }
        }
    }

    /// The general register that still holds `slot` because the last
    /// instruction emitted stored it to its frame cell from there.
    fn just_spilled(&self, slot: u16) -> Option<u8> {
        match self.spilled {
            Some((s, r, at)) if s == slot && at == self.asm.offset().0 => Some(r),
            _ => None,
        }
    }

    /// Puts the value in xmm register `x` into `slot` (an f32 keeps bits
    /// 32..64 zero in registers, so 64-bit moves serve both widths).
    fn set_xmm(&mut self, slot: u16, x: u8) {
        match self.loc(slot) {
            L::X(d) if d == x => {}
            L::X(d) => asm!(self.asm; movaps Rx(d), Rx(x)),
            L::G(r) => self.movq_store(enc::Rm::R(r), x),
            L::M(d) => self.movq_store(enc::cell(d), x),
        }
    }

    /// Copies `from` into `to`, whatever their locations.
    fn copy(&mut self, to: u16, from: u16) {
        match (self.loc(to), self.loc(from)) {
            (a, b) if a == b => {}
            (_, L::G(r)) => self.set_gpr(to, r),
            (_, L::X(x)) => self.set_xmm(to, x),
            (L::G(r), L::M(d)) => self.mov_load(r, enc::cell(d)),
            (L::X(x), L::M(d)) => self.movq_load(x, enc::cell(d)),
            (L::M(a), L::M(b)) => {
                self.mov_load(RAX, enc::cell(b));
                self.mov_store(enc::cell(a), RAX);
            }
        }
    }

    /// Puts the value of `slot` into frame cell `cell` (for calls and returns).
    fn put_cell(&mut self, cell: u16, slot: u16) {
        let c = s(cell);
        match self.loc(slot) {
            L::G(r) => self.mov_store(enc::cell(c), r),
            L::X(x) => self.movq_store(enc::cell(c), x),
            L::M(d) if d == c => {}
            L::M(d) => {
                self.mov_load(RAX, enc::cell(d));
                self.mov_store(enc::cell(c), RAX);
            }
        }
    }

    /// The label of a trap stub returning `code` to the host.
    fn trap(&mut self, code: u32) -> DynamicLabel {
        codegen::trap(self, code)
    }

    fn trap_code(&mut self, code: TrapCode) -> DynamicLabel {
        self.trap(code as u32 + TRAP_BASE)
    }

    /// Emits the trap stubs: each loads its code and jumps to the landing with
    /// a PC inside this function and the frame pointer.
    fn stubs(&mut self) {
        if self.traps.is_empty() {
            return;
        }
        let common = self.asm.new_dynamic_label();
        for (code, l) in std::mem::take(&mut self.traps) {
            asm!(self.asm
                ; =>l
                ; mov esi, code as i32
                ; jmp =>common
            );
        }
        asm!(self.asm
            ; =>common
            ; lea rdi, [=>common]
            ; mov rdx, rbp
            ; jmp QWORD [r15 + vmctx::TRAP_LANDING]
        );
    }

    /// The label of the branch target of the branch at `pc` (see
    /// `codegen::target`).
    fn target(&mut self, pc: usize) -> DynamicLabel {
        codegen::target(self, pc)
    }

    fn jcc(&mut self, cc: Cc, l: DynamicLabel) {
        match cc {
            Cc::E => asm!(self.asm; je =>l),
            Cc::Ne => asm!(self.asm; jne =>l),
            Cc::L => asm!(self.asm; jl =>l),
            Cc::B => asm!(self.asm; jb =>l),
            Cc::G => asm!(self.asm; jg =>l),
            Cc::A => asm!(self.asm; ja =>l),
            Cc::Le => asm!(self.asm; jle =>l),
            Cc::Be => asm!(self.asm; jbe =>l),
            Cc::Ge => asm!(self.asm; jge =>l),
            Cc::Ae => asm!(self.asm; jae =>l),
        }
    }

    /// `al` = condition.
    fn setcc_al(&mut self, cc: Cc) {
        match cc {
            Cc::E => asm!(self.asm; sete al),
            Cc::Ne => asm!(self.asm; setne al),
            Cc::L => asm!(self.asm; setl al),
            Cc::B => asm!(self.asm; setb al),
            Cc::G => asm!(self.asm; setg al),
            Cc::A => asm!(self.asm; seta al),
            Cc::Le => asm!(self.asm; setle al),
            Cc::Be => asm!(self.asm; setbe al),
            Cc::Ge => asm!(self.asm; setge al),
            Cc::Ae => asm!(self.asm; setae al),
        }
    }

    /// Stores the flag `cc` as 0/1 into slot `a`.
    fn store_flag(&mut self, cc: Cc, a: u16) {
        self.setcc_al(cc);
        let d = self.dst(a);
        asm!(self.asm; movzx Rd(d), al);
        self.set_gpr(a, d);
    }

    /// Compares slot `b` with slot `c` (32 or 64 bits).
    fn cmp_slots(&mut self, wide: bool, b: u16, c: u16) {
        let rb = self.gpr(b, RAX);
        match self.src(c) {
            L::G(r) => self.alu_rm(enc::CMP, wide, rb, enc::Rm::R(r)),
            L::M(d) => self.alu_rm(enc::CMP, wide, rb, enc::cell(d)),
            L::X(_) => unreachable!("src never gives an xmm register"),
        }
    }

    /// Compares slot `b` with a constant (32 or 64 bits; the constant is
    /// sign-extended from 32 bits, or goes through `rcx`).
    fn cmp_imm(&mut self, wide: bool, b: u16, k: i64) {
        match (self.loc(b), wide, i32::try_from(k)) {
            (L::G(r), false, _) => self.alu_imm(enc::CMP, false, enc::Rm::R(r), k as i32),
            (L::M(d), false, _) => self.alu_imm(enc::CMP, false, enc::cell(d), k as i32),
            (L::G(r), true, Ok(k)) => self.alu_imm(enc::CMP, true, enc::Rm::R(r), k),
            (L::M(d), true, Ok(k)) => self.alu_imm(enc::CMP, true, enc::cell(d), k),
            (_, true, Err(_)) => {
                let r = self.gpr(b, RAX);
                asm!(self.asm; mov rcx, QWORD k; cmp Rq(r), rcx);
            }
            (L::X(_), _, _) => {
                let r = self.gpr(b, RAX);
                self.alu_imm(enc::CMP, wide, enc::Rm::R(r), k as i32);
            }
        }
    }

    /// Calls libcall `n` with `rdi` = vmctx and the other arguments already in
    /// `rsi` and `edx`; a nonzero result is a pending trap.
    fn libcall(&mut self, n: usize) {
        let pending = self.trap(TRAP_PENDING);
        asm!(self.asm
            ; mov rdi, r15
            ; call QWORD [r15 + vmctx::LIBCALLS + 8 * n as i32]
            ; test eax, eax
            ; jnz =>pending
        );
        self.reload_memory_base();
    }

    /// After a call, memory 0 may have grown; only a 64-bit memory moves then.
    fn reload_memory_base(&mut self) {
        if self.m.memory64 {
            asm!(self.asm; mov r14, [r15 + vmctx::MEM0_BASE]);
        }
    }

    fn exec(&mut self, pc: usize) {
        codegen::barrier_before(self, pc);
        asm!(self.asm; mov rsi, rbx);
        self.ir_index_to_edx(pc);
        self.libcall(libcall::EXEC);
        codegen::barrier_after(self, pc);
    }

    /// `mov edx, <IR index of instruction pc>`: the index is known only once
    /// the module's IR is laid out, so the immediate is patched then.
    fn ir_index_to_edx(&mut self, pc: usize) {
        asm!(self.asm; mov edx, 0);
        let at = self.asm.offset().0;
        let pc = self.expanded.orig_pc(pc);
        let def = self.def as u32;
        self.ir_refs.push((at, def, pc));
    }

    /// Emits instruction `pc`; returns the next pc to emit.
    fn op(&mut self, pc: usize) -> usize {
        use Op::*;
        let i = self.code[pc];
        if matches!(i.op, Op::MemoryFill | Op::MemoryCopy) && i.imm == 0 && !self.m.memory64 {
            codegen::barrier_before(self, pc);
            self.bulk_memory(&i, pc);
            codegen::barrier_after(self, pc);
            return pc + 1;
        }
        if is_exec(i.op, self.features) {
            self.exec(pc);
            return pc + 1;
        }
        match i.op {
            Nop => {}
            Trap => {
                let code = TrapCode::from_u8(i.imm as u8).unwrap_or(TrapCode::Unreachable);
                let l = self.trap_code(code);
                asm!(self.asm; jmp =>l);
            }
            Br => {
                let l = self.target(pc);
                // A jump to the next instruction (left by loop rotation)
                // is nothing, unless it leaves through a stub of stores.
                let next = i.offset() == 0 && self.labels[pc + 1] == Some(l);
                if !next {
                    asm!(self.asm; jmp =>l);
                }
            }
            BrIfNez | BrIfEqz => {
                let l = self.target(pc);
                match self.loc(i.b) {
                    L::G(r) => asm!(self.asm; test Rd(r), Rd(r)),
                    L::M(d) => asm!(self.asm; cmp DWORD [rbx + d], 0),
                    L::X(x) => asm!(self.asm; movd eax, Rx(x); test eax, eax),
                }
                self.jcc(if i.op == BrIfNez { Cc::Ne } else { Cc::E }, l);
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
                let a = s(i.a);
                codegen::barrier_before(self, pc);
                match index.checked_sub(self.m.num_imported_funcs) {
                    Some(d) if self.native[d as usize] => {
                        asm!(self.asm; lea rbx, [rbx + a]);
                        self.direct(0xe8, d as usize);
                        asm!(self.asm; lea rbx, [rbx - a]);
                        self.reload_memory_base();
                    }
                    _ => {
                        asm!(self.asm
                            ; lea rsi, [rbx + a]
                            ; mov edx, index as i32
                        );
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
                    ; mov rsi, rbx
                );
                self.ir_index_to_edx(pc);
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
                self.direct(0xe9, d as usize);
            }
            Copy => self.copy(i.a, i.b),
            // A constant address goes into the load or store after it.
            Const if self.alloc.const_address(pc + 1) => {}
            Const => self.constant(i.a, i.imm),
            Select => {
                let cond = i.imm as u16;
                let rb = self.gpr(i.b, RAX);
                if rb != RAX {
                    asm!(self.asm; mov rax, Rq(rb));
                }
                match self.loc(cond) {
                    L::G(r) => asm!(self.asm; test Rd(r), Rd(r)),
                    L::M(d) => asm!(self.asm; cmp DWORD [rbx + d], 0),
                    L::X(x) => asm!(self.asm; movd ecx, Rx(x); test ecx, ecx),
                }
                match self.src(i.c) {
                    L::G(r) => asm!(self.asm; cmove rax, Rq(r)),
                    L::M(d) => asm!(self.asm; cmove rax, [rbx + d]),
                    L::X(_) => unreachable!("src never gives an xmm register"),
                }
                self.set_gpr(i.a, RAX);
            }
            GlobalGet => {
                let g = vmctx::GLOBALS + 8 * i.imm as i32;
                asm!(self.asm; mov rax, [r15 + g]);
                match self.loc(i.a) {
                    L::G(r) => asm!(self.asm; mov Rq(r), [rax]),
                    L::X(x) => asm!(self.asm; movq Rx(x), QWORD [rax]),
                    L::M(d) => asm!(self.asm; mov rcx, [rax]; mov [rbx + d], rcx),
                }
            }
            GlobalSet => {
                let g = vmctx::GLOBALS + 8 * i.imm as i32;
                asm!(self.asm; mov rax, [r15 + g]);
                match self.loc(i.b) {
                    L::G(r) => asm!(self.asm; mov [rax], Rq(r)),
                    L::X(x) => asm!(self.asm; movq QWORD [rax], Rx(x)),
                    L::M(d) => asm!(self.asm; mov rcx, [rbx + d]; mov [rax], rcx),
                }
            }
            MemorySize => {
                asm!(self.asm
                    ; mov rax, [r15 + vmctx::MEM0_LEN]
                    ; shr rax, 16
                );
                self.set_gpr(i.a, RAX);
            }
            RefIsNull => {
                self.cmp_imm(true, i.b, 0);
                self.store_flag(Cc::E, i.a);
            }
            RefAsNonNull => {
                let l = self.trap_code(TrapCode::NullReference);
                let r = self.gpr(i.b, RAX);
                asm!(self.asm; test Rq(r), Rq(r); jz =>l);
                self.set_gpr(i.a, r);
            }
            F32Eq | F32Ne | F32Lt | F32Gt | F32Le | F32Ge | F64Eq | F64Ne | F64Lt | F64Gt
            | F64Le | F64Ge
                if self.fuses_with_branch(pc) =>
            {
                self.fcmp_branch(pc);
                return pc + 2;
            }
            _ if crate::backend::is_vector(i.op) => return self.simd(pc, &i),
            _ => self.op2(pc, &i),
        }
        pc + 1
    }

    /// `call_indirect` through table 0 to a native function of this
    /// instance: bounds, null and signature checks inline, then a direct
    /// `call`. Anything else (including every trap) goes to `slow`, the
    /// libcall, which has the full semantics.
    fn indirect_fast_path(&mut self, i: &Instr, slow: DynamicLabel, done: DynamicLabel) {
        // The slot of `b` is in memory here (stored by the barrier).
        let sig = vmctx::GLOBALS + 8 * (self.m.num_globals as i32 + i.imm as i32);
        let a = s(i.a);
        asm!(self.asm
            ; mov eax, [rbx + s(i.b)]
            ; cmp rax, [r15 + vmctx::TABLE0_LEN]
            ; jae =>slow
            ; mov rcx, [r15 + vmctx::TABLE0_BASE]
            ; mov rax, [rcx + rax * 8]
            ; test rax, rax
            ; jz =>slow
            // Entry (index + 1) - 1 of the store's function table.
            ; shl rax, 5
            ; add rax, [r15 + vmctx::FUNC_REFS]
            ; mov rcx, [r15 + sig]
            ; cmp rcx, [rax + funcref::SIG - funcref::SIZE]
            ; jne =>slow
            ; cmp r15, [rax + funcref::VMCTX - funcref::SIZE]
            ; jne =>slow
            ; mov rax, [rax + funcref::CODE - funcref::SIZE]
            ; lea rbx, [rbx + a]
            ; call rax
            ; lea rbx, [rbx - a]
        );
        self.reload_memory_base();
        asm!(self.asm; jmp =>done);
    }

    fn constant(&mut self, a: u16, v: u64) {
        match self.loc(a) {
            L::G(r) if v == 0 => asm!(self.asm; xor Rd(r), Rd(r)),
            L::G(r) if v <= u32::MAX as u64 => asm!(self.asm; mov Rd(r), v as u32 as i32),
            L::G(r) => asm!(self.asm; mov Rq(r), QWORD v as i64),
            L::X(x) if v == 0 => asm!(self.asm; xorps Rx(x), Rx(x)),
            L::X(x) => asm!(self.asm; mov rax, QWORD v as i64; movq Rx(x), rax),
            L::M(d) if v <= i32::MAX as u64 => asm!(self.asm; mov QWORD [rbx + d], v as i32),
            L::M(d) => asm!(self.asm; mov rax, QWORD v as i64; mov [rbx + d], rax),
        }
    }

    fn br_table(&mut self, pc: usize) -> usize {
        let i = self.code[pc];
        let n = i.imm as usize;
        let table = self.asm.new_dynamic_label();
        let default = self.target(pc + 1 + n);
        match self.loc(i.b) {
            L::G(r) => asm!(self.asm; mov eax, Rd(r)),
            L::M(d) => asm!(self.asm; mov eax, [rbx + d]),
            L::X(x) => asm!(self.asm; movd eax, Rx(x)),
        }
        asm!(self.asm
            ; cmp rax, n as i32
            ; jae =>default
            ; lea rcx, [=>table]
            ; lea rax, [rax + rax * 4]
            ; add rcx, rax
            ; jmp rcx
            ; =>table
        );
        for k in 0..n {
            let l = self.target(pc + 1 + k);
            let before = self.asm.offset().0;
            asm!(self.asm; jmp =>l);
            debug_assert_eq!(self.asm.offset().0 - before, 5);
        }
        // The default entry is reached by the `jae` above.
        pc + 2 + n
    }

    fn op2(&mut self, pc: usize, i: &Instr) {
        use Op::*;
        let op = i.op;
        if let Some(cmp) = op.int_cmp() {
            let cc = int_cc(cmp);
            let wide = op.sig().reads[1] == Some(Ty::I64);
            match op.fmt() {
                Fmt::BrCmp => {
                    let l = self.target(pc);
                    self.cmp_slots(wide, i.b, i.c);
                    self.jcc(cc, l);
                }
                Fmt::BrCmpImm => {
                    let l = self.target(pc);
                    self.cmp_imm(wide, i.b, i.branch_imm() as i64);
                    self.jcc(cc, l);
                }
                Fmt::Binary => {
                    self.cmp_slots(wide, i.b, i.c);
                    self.store_flag(cc, i.a);
                }
                _ => {
                    let v = if wide {
                        i.imm as i64
                    } else {
                        i.imm as u32 as i32 as i64
                    };
                    self.cmp_imm(wide, i.b, v);
                    self.store_flag(cc, i.a);
                }
            }
            return;
        }
        let (a, b, c) = (i.a, i.b, i.c);
        match op {
            I32Load | F32Load | I32Load8S | I32Load8U | I32Load16S | I32Load16U | I64Load
            | F64Load | I64Load8S | I64Load8U | I64Load16S | I64Load16U | I64Load32S
            | I64Load32U => self.load(i, pc),
            I32Store | F32Store | I32Store8 | I32Store16 | I64Store | F64Store | I64Store8
            | I64Store16 | I64Store32 => self.store(i, pc),

            I32ShlImm if self.alloc.fused_shift(pc + 1) => {}
            I32Add if self.alloc.fused_shift(pc) => {
                // a = other + (y << k), as one `lea`.
                let shl = self.code[pc - 1];
                let other = if b == shl.a { c } else { b };
                let ry = self.gpr(shl.b, RAX);
                let ro = self.gpr(other, RCX);
                let d = self.dst(a);
                match shl.imm & 31 {
                    1 => asm!(self.asm; lea Rd(d), [Rq(ro) + Rq(ry) * 2]),
                    2 => asm!(self.asm; lea Rd(d), [Rq(ro) + Rq(ry) * 4]),
                    _ => asm!(self.asm; lea Rd(d), [Rq(ro) + Rq(ry) * 8]),
                }
                self.set_gpr(a, d);
            }
            I32Add | I32Sub | I32Mul | I32And | I32Or | I32Xor => {
                self.alu(op, false, a, b, Rhs::Slot(c))
            }
            I64Add | I64Sub | I64Mul | I64And | I64Or | I64Xor => {
                self.alu(op, true, a, b, Rhs::Slot(c))
            }
            I32AddImm | I32SubImm | I32MulImm | I32AndImm | I32OrImm | I32XorImm => {
                let base = op.without_imm().expect("an immediate form");
                self.alu(base, false, a, b, Rhs::Imm(i.imm))
            }
            I64AddImm | I64SubImm | I64MulImm | I64AndImm | I64OrImm | I64XorImm => {
                let base = op.without_imm().expect("an immediate form");
                self.alu(base, true, a, b, Rhs::Imm(i.imm))
            }
            I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr => {
                self.shift(op, false, a, b, Rhs::Slot(c))
            }
            I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => {
                self.shift(op, true, a, b, Rhs::Slot(c))
            }
            I32ShlImm | I32ShrSImm | I32ShrUImm | I32RotlImm | I32RotrImm => {
                let base = op.without_imm().expect("an immediate form");
                self.shift(base, false, a, b, Rhs::Imm(i.imm))
            }
            I64ShlImm | I64ShrSImm | I64ShrUImm | I64RotlImm | I64RotrImm => {
                let base = op.without_imm().expect("an immediate form");
                self.shift(base, true, a, b, Rhs::Imm(i.imm))
            }
            I32DivS | I32DivU | I32RemS | I32RemU => {
                self.load_rcx(false, c);
                self.div(op, false, a, b);
            }
            I32DivUImm | I32RemUImm if i.imm as u32 > 1 => {
                self.div_u32_const(op == I32DivUImm, a, b, i.imm as u32)
            }
            I32DivSImm | I32RemSImm if i.imm as u32 as i32 > 1 => {
                self.div_s32_const(op == I32DivSImm, a, b, i.imm as u32)
            }
            I32DivSImm | I32DivUImm | I32RemSImm | I32RemUImm => {
                asm!(self.asm; mov ecx, i.imm as u32 as i32);
                let base = op.without_imm().expect("an immediate form");
                self.div(base, false, a, b);
            }
            I64DivS | I64DivU | I64RemS | I64RemU => {
                self.load_rcx(true, c);
                self.div(op, true, a, b);
            }
            I64DivUImm | I64RemUImm if i.imm > 1 && i.imm <= i64::MAX as u64 => {
                self.div_u64_const(op == I64DivUImm, a, b, i.imm)
            }
            I64DivSImm | I64RemSImm if i.imm as i64 > 1 => {
                self.div_s64_const(op == I64DivSImm, a, b, i.imm)
            }
            I64DivSImm | I64DivUImm | I64RemSImm | I64RemUImm => {
                asm!(self.asm; mov rcx, QWORD i.imm as i64);
                let base = op.without_imm().expect("an immediate form");
                self.div(base, true, a, b);
            }
            I32Eqz => {
                self.cmp_imm(false, b, 0);
                self.store_flag(Cc::E, a);
            }
            I64Eqz => {
                self.cmp_imm(true, b, 0);
                self.store_flag(Cc::E, a);
            }
            I32Clz | I64Clz | I32Ctz | I64Ctz | I32Popcnt | I64Popcnt => self.bits(i),
            I32Extend8S | I32Extend16S | I64Extend8S | I64Extend16S | I64Extend32S
            | I64ExtendI32S | I32WrapI64 | I64ExtendI32U => {
                let d = self.dst(a);
                let r = self.gpr(b, d);
                match op {
                    I32Extend8S => asm!(self.asm; movsx Rd(d), Rb(r)),
                    I32Extend16S => asm!(self.asm; movsx Rd(d), Rw(r)),
                    I64Extend8S => asm!(self.asm; movsx Rq(d), Rb(r)),
                    I64Extend16S => asm!(self.asm; movsx Rq(d), Rw(r)),
                    I64Extend32S | I64ExtendI32S => asm!(self.asm; movsxd Rq(d), Rd(r)),
                    _ => asm!(self.asm; mov Rd(d), Rd(r)),
                }
                self.set_gpr(a, d);
            }

            F32Abs | F32Neg | F64Abs | F64Neg | F32Copysign | F64Copysign => {
                let r = self.gpr(b, RAX);
                if r != RAX {
                    asm!(self.asm; mov rax, Rq(r));
                }
                match op {
                    F32Abs => asm!(self.asm; and eax, 0x7fff_ffff),
                    F32Neg => asm!(self.asm; xor eax, 0x8000_0000u32 as i32),
                    F64Abs => asm!(self.asm; btr rax, 63),
                    F64Neg => asm!(self.asm; btc rax, 63),
                    F32Copysign => {
                        let rc = self.gpr(c, RCX);
                        asm!(self.asm
                            ; mov ecx, Rd(rc)
                            ; and eax, 0x7fff_ffff
                            ; and ecx, 0x8000_0000u32 as i32
                            ; or eax, ecx
                        );
                    }
                    _ => {
                        let rc = self.gpr(c, RCX);
                        asm!(self.asm
                            ; mov rcx, Rq(rc)
                            ; btr rax, 63
                            ; shr rcx, 63
                            ; shl rcx, 63
                            ; or rax, rcx
                        );
                    }
                }
                self.set_gpr(a, RAX);
            }
            op if to_int(op).is_some() => self.float_to_int(i),
            F32Sqrt | F64Sqrt | F32Ceil | F32Floor | F32Trunc | F32Nearest | F64Ceil | F64Floor
            | F64Trunc | F64Nearest | F32DemoteF64 | F64PromoteF32 => {
                let src = self.fsrc(b);
                let mode = round_mode(op);
                if is_rounding(op) {
                    self.used |= cpu::SSE41;
                }
                asm!(self.asm; xorps xmm0, xmm0);
                macro_rules! un {
                    ($($o:ident => $mn:ident $w:ident $($imm:expr)?),*) => {
                        match (op, src) {
                            $(
                                ($o, L::X(x)) => asm!(self.asm; $mn xmm0, Rx(x) $(, $imm)?),
                                ($o, L::M(m)) => asm!(self.asm; $mn xmm0, $w [rbx + m] $(, $imm)?),
                            )*
                            _ => unreachable!("float unary operand"),
                        }
                    };
                }
                un!(
                    F32Sqrt => sqrtss DWORD,
                    F64Sqrt => sqrtsd QWORD,
                    F32Ceil => roundss QWORD mode,
                    F32Floor => roundss QWORD mode,
                    F32Trunc => roundss QWORD mode,
                    F32Nearest => roundss QWORD mode,
                    F64Ceil => roundsd QWORD mode,
                    F64Floor => roundsd QWORD mode,
                    F64Trunc => roundsd QWORD mode,
                    F64Nearest => roundsd QWORD mode,
                    F32DemoteF64 => cvtsd2ss QWORD,
                    F64PromoteF32 => cvtss2sd DWORD
                );
                self.set_xmm(a, 0);
            }
            F32Add | F32Sub | F32Mul | F32Div | F64Add | F64Sub | F64Mul | F64Div => {
                // Compute in the destination register unless the right operand is there.
                let d = match self.loc(a) {
                    L::X(d) if self.loc(c) != L::X(d) || b == c => d,
                    _ => 0,
                };
                let xb = self.xmm(b, d);
                if xb != d {
                    asm!(self.asm; movaps Rx(d), Rx(xb));
                }
                let src = self.fsrc(c);
                macro_rules! bin {
                    ($($o:ident => $mn:ident $w:ident),*) => {
                        match (op, src) {
                            $(
                                ($o, L::X(x)) => asm!(self.asm; $mn Rx(d), Rx(x)),
                                ($o, L::M(m)) => asm!(self.asm; $mn Rx(d), $w [rbx + m]),
                            )*
                            _ => unreachable!("float binary operand"),
                        }
                    };
                }
                bin!(
                    F32Add => addss DWORD, F32Sub => subss DWORD,
                    F32Mul => mulss DWORD, F32Div => divss DWORD,
                    F64Add => addsd QWORD, F64Sub => subsd QWORD,
                    F64Mul => mulsd QWORD, F64Div => divsd QWORD
                );
                self.set_xmm(a, d);
            }
            F32Min | F32Max | F64Min | F64Max => self.min_max(i),
            F32Eq | F32Ne | F32Lt | F32Gt | F32Le | F32Ge | F64Eq | F64Ne | F64Lt | F64Gt
            | F64Le | F64Ge => self.fcmp(i),
            F32ConvertI32S | F32ConvertI32U | F32ConvertI64S | F64ConvertI32S | F64ConvertI32U
            | F64ConvertI64S => {
                let r = self.gpr(b, RAX);
                asm!(self.asm; xorps xmm0, xmm0);
                match op {
                    F32ConvertI32S => asm!(self.asm; cvtsi2ss xmm0, Rd(r)),
                    F64ConvertI32S => asm!(self.asm; cvtsi2sd xmm0, Rd(r)),
                    F32ConvertI32U => asm!(self.asm; mov eax, Rd(r); cvtsi2ss xmm0, rax),
                    F64ConvertI32U => asm!(self.asm; mov eax, Rd(r); cvtsi2sd xmm0, rax),
                    F32ConvertI64S => asm!(self.asm; cvtsi2ss xmm0, Rq(r)),
                    _ => asm!(self.asm; cvtsi2sd xmm0, Rq(r)),
                }
                self.set_xmm(a, 0);
            }
            F32ConvertI64U | F64ConvertI64U => {
                // Halve (keeping the low bit, so rounding is right), convert, double.
                let big = self.asm.new_dynamic_label();
                let done = self.asm.new_dynamic_label();
                let f32 = op == F32ConvertI64U;
                let r = self.gpr(b, RAX);
                if r != RAX {
                    asm!(self.asm; mov rax, Rq(r));
                }
                asm!(self.asm
                    ; xorps xmm0, xmm0
                    ; test rax, rax
                    ; js =>big
                );
                if f32 {
                    asm!(self.asm; cvtsi2ss xmm0, rax; jmp =>done);
                } else {
                    asm!(self.asm; cvtsi2sd xmm0, rax; jmp =>done);
                }
                asm!(self.asm
                    ; =>big
                    ; mov rcx, rax
                    ; shr rcx, 1
                    ; and eax, 1
                    ; or rcx, rax
                );
                if f32 {
                    asm!(self.asm; cvtsi2ss xmm0, rcx; addss xmm0, xmm0; =>done);
                } else {
                    asm!(self.asm; cvtsi2sd xmm0, rcx; addsd xmm0, xmm0; =>done);
                }
                self.set_xmm(a, 0);
            }
            _ => unreachable!("op {op:?} has no x86_64 lowering but was covered"),
        }
    }
}

/// The right operand of an integer op.
#[derive(Clone, Copy)]
enum Rhs {
    Slot(u16),
    Imm(u64),
}

/// The `roundss` immediate of a rounding op (with the precision exception suppressed).
fn round_mode(op: Op) -> i8 {
    8 | match op {
        Op::F32Nearest | Op::F64Nearest => 0,
        Op::F32Floor | Op::F64Floor => 1,
        Op::F32Ceil | Op::F64Ceil => 2,
        _ => 3,
    }
}

impl FnGen<'_> {
    /// The float-to-integer truncations, inline: the operand widened to f64
    /// in `xmm0` (exact for an f32), compared with the open bounds of the
    /// target type (as the interpreter does), then `cvttsd2si`. The trapping
    /// forms trap on NaN and out of range; the saturating ones give 0 for
    /// NaN and the type's minimum or maximum beyond the bounds. An unsigned
    /// i64 of 2^63 or more is converted less 2^63, its top bit set after.
    fn float_to_int(&mut self, i: &Instr) {
        let (signed, to64, from64, saturating) = to_int(i.op).expect("a truncation");
        match (from64, self.fsrc(i.b)) {
            (true, L::X(x)) => asm!(self.asm; movaps xmm0, Rx(x)),
            (true, L::M(m)) => asm!(self.asm; movsd xmm0, QWORD [rbx + m]),
            (false, L::X(x)) => asm!(self.asm; cvtss2sd xmm0, Rx(x)),
            (false, L::M(m)) => asm!(self.asm; cvtss2sd xmm0, DWORD [rbx + m]),
            (_, L::G(_)) => unreachable!("a float operand"),
        }
        let (lo, hi): (f64, f64) = match (signed, to64) {
            (true, false) => (-2147483649.0, 2147483648.0),
            (false, false) => (-1.0, 4294967296.0),
            (true, true) => (-9223372036854777856.0, 9223372036854775808.0),
            (false, true) => (-1.0, 18446744073709551616.0),
        };
        let done = self.asm.new_dynamic_label();
        // Where NaN, and values at or beyond each bound, go: the traps, or
        // the saturated results after the conversion.
        let (nan, below, above) = if saturating {
            (
                self.asm.new_dynamic_label(),
                self.asm.new_dynamic_label(),
                self.asm.new_dynamic_label(),
            )
        } else {
            let nan = self.trap_code(TrapCode::BadConversionToInteger);
            let overflow = self.trap_code(TrapCode::IntegerOverflow);
            (nan, overflow, overflow)
        };
        asm!(self.asm
            ; ucomisd xmm0, xmm0
            ; jp =>nan
            ; mov rax, QWORD lo.to_bits() as i64
            ; movq xmm1, rax
            ; ucomisd xmm0, xmm1
            ; jbe =>below
            ; mov rax, QWORD hi.to_bits() as i64
            ; movq xmm1, rax
            ; ucomisd xmm0, xmm1
            ; jae =>above
        );
        self.cvtt(signed, to64, done);
        if saturating {
            let (min, max): (i64, i64) = match (signed, to64) {
                (true, false) => (i32::MIN as u32 as i64, i32::MAX as i64),
                (false, false) => (0, u32::MAX as i64),
                (true, true) => (i64::MIN, i64::MAX),
                (false, true) => (0, -1),
            };
            asm!(self.asm
                ; jmp =>done
                ; =>nan
                ; xor eax, eax
                ; jmp =>done
                ; =>below
                ; mov rax, QWORD min
                ; jmp =>done
                ; =>above
                ; mov rax, QWORD max
            );
        }
        asm!(self.asm; =>done);
        self.set_gpr(i.a, RAX);
    }

    /// `rax` = the f64 in `xmm0`, truncated, known to be in range of the
    /// target type (the large unsigned path falls through, the other jumps
    /// to `done`).
    fn cvtt(&mut self, signed: bool, to64: bool, done: DynamicLabel) {
        match (signed, to64) {
            (true, false) => asm!(self.asm; cvttsd2si eax, xmm0),
            // Below 2^32: the 64-bit conversion's low half, the top clear.
            (false, false) | (true, true) => asm!(self.asm; cvttsd2si rax, xmm0),
            (false, true) => {
                let big = self.asm.new_dynamic_label();
                let two63 = 9223372036854775808.0f64;
                asm!(self.asm
                    ; mov rcx, QWORD two63.to_bits() as i64
                    ; movq xmm1, rcx
                    ; ucomisd xmm0, xmm1
                    ; jae =>big
                    ; cvttsd2si rax, xmm0
                    ; jmp =>done
                    ; =>big
                    ; subsd xmm0, xmm1
                    ; cvttsd2si rax, xmm0
                    ; btc rax, 63
                );
            }
        }
    }
}
