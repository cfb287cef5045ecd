//! The AArch64 backend (dynasm), first part: scalar code. It compiles
//! functions made of integer and float arithmetic, compares and branches,
//! locals and globals, and loads and stores on a 32-bit memory 0 under guard
//! pages; a function with any other op (vectors, calls, tables, trapping
//! float-to-int conversions...) stays IR
//! and runs on the interpreter, as on x86_64 for what that backend lacks.
//!
//! Conventions (those of `loader/src/native/arch/aarch64.rs`): the VMContext
//! in `x28`, memory 0's base in `x27`, the slot frame in `x26`, the frame
//! pointer chain in `x29`/`x30`. Every slot lives in its frame cell
//! `[x26 + 8 * slot]` (this part allocates no registers): an op loads its
//! operands into `x9`–`x11`, computes, and stores its result; an i32 is kept
//! zero-extended in its cell, as everywhere. Traps branch to one stub per
//! trap code, which enters the trap landing with `x0` = a PC in the
//! function, `w1` = the code and `x2` = the frame pointer.

// dynasm's register macros convert their argument with `.into()`.
#![allow(clippy::useless_conversion)]

use crate::backend::codegen::{self, Emit, FnCtx, Isa};
use crate::backend::regalloc::{Class, OpTable, Pools};
use crate::backend::{Backend, ModuleInfo, NativeCode};
use dynasmrt::aarch64::Aarch64Relocation;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};
use zwasm_abi::ir::{Fmt, Instr, IntCmp, Op, Ty};
use zwasm_abi::native::{flags, vmctx, TRAP_BASE};
use zwasm_abi::TrapCode;

type Asm = VecAssembler<Aarch64Relocation>;

macro_rules! asm {
    ($ops:expr; $($t:tt)*) => {
        dynasm!($ops ; .arch aarch64 ; $($t)*)
    };
}

/// The AArch64 backend.
pub(crate) struct Aarch64 {
    /// What the register allocator asks of each op.
    ops: OpTable,
}

impl Aarch64 {
    pub fn new() -> Aarch64 {
        Aarch64 {
            ops: OpTable::new(|_| false, |_, _| Some(Class::Int)),
        }
    }
}

/// The largest frame this part compiles: a cell's offset must fit a scaled
/// 12-bit load or store immediate.
const MAX_SLOTS: usize = 4095;

/// The most IR instructions of a function this part compiles: its code must
/// stay within a conditional branch's ±1 MiB (at most about 40 bytes per
/// instruction here).
const MAX_IR: usize = 16_384;

/// Whether this part compiles `op`.
fn covered(op: Op) -> bool {
    use Op::*;
    if op.int_cmp().is_some() {
        return true;
    }
    matches!(
        op,
        Nop | Trap
            | Br
            | BrIfNez
            | BrIfEqz
            | Return
            | ReturnSlot
            | Copy
            | Const
            | Select
            | GlobalGet
            | GlobalSet
            | MemorySize
            | I32Eqz
            | I32Clz
            | I32Ctz
            | I32Popcnt
            | I32Extend8S
            | I32Extend16S
            | I64Eqz
            | I64Clz
            | I64Ctz
            | I64Popcnt
            | I64Extend8S
            | I64Extend16S
            | I64Extend32S
            | I32WrapI64
            | I64ExtendI32S
            | I64ExtendI32U
    ) || alu(op).is_some()
        || load_size(op).is_some()
        || store_size(op).is_some()
        || float(op).is_some()
}

/// The float ops: (operation, 64-bit). Not `min` and `max` yet: with two
/// NaN operands `fmin` returns the first one's bits, where the other engines
/// return the second's (x86's rule, which the interpreter follows).
fn float(op: Op) -> Option<(Float, bool)> {
    use Op::*;
    Some(match op {
        F32Add => (Float::Add, false),
        F32Sub => (Float::Sub, false),
        F32Mul => (Float::Mul, false),
        F32Div => (Float::Div, false),
        F32Copysign => (Float::Copysign, false),
        F32Eq => (Float::Cmp(FCmp::Eq), false),
        F32Ne => (Float::Cmp(FCmp::Ne), false),
        F32Lt => (Float::Cmp(FCmp::Lt), false),
        F32Gt => (Float::Cmp(FCmp::Gt), false),
        F32Le => (Float::Cmp(FCmp::Le), false),
        F32Ge => (Float::Cmp(FCmp::Ge), false),
        F32Abs => (Float::Abs, false),
        F32Neg => (Float::Neg, false),
        F32Ceil => (Float::Ceil, false),
        F32Floor => (Float::Floor, false),
        F32Trunc => (Float::Trunc, false),
        F32Nearest => (Float::Nearest, false),
        F32Sqrt => (Float::Sqrt, false),
        F64Add => (Float::Add, true),
        F64Sub => (Float::Sub, true),
        F64Mul => (Float::Mul, true),
        F64Div => (Float::Div, true),
        F64Copysign => (Float::Copysign, true),
        F64Eq => (Float::Cmp(FCmp::Eq), true),
        F64Ne => (Float::Cmp(FCmp::Ne), true),
        F64Lt => (Float::Cmp(FCmp::Lt), true),
        F64Gt => (Float::Cmp(FCmp::Gt), true),
        F64Le => (Float::Cmp(FCmp::Le), true),
        F64Ge => (Float::Cmp(FCmp::Ge), true),
        F64Abs => (Float::Abs, true),
        F64Neg => (Float::Neg, true),
        F64Ceil => (Float::Ceil, true),
        F64Floor => (Float::Floor, true),
        F64Trunc => (Float::Trunc, true),
        F64Nearest => (Float::Nearest, true),
        F64Sqrt => (Float::Sqrt, true),
        F32ConvertI32S => (Float::FromInt(true, false), false),
        F32ConvertI32U => (Float::FromInt(false, false), false),
        F32ConvertI64S => (Float::FromInt(true, true), false),
        F32ConvertI64U => (Float::FromInt(false, true), false),
        F64ConvertI32S => (Float::FromInt(true, false), true),
        F64ConvertI32U => (Float::FromInt(false, false), true),
        F64ConvertI64S => (Float::FromInt(true, true), true),
        F64ConvertI64U => (Float::FromInt(false, true), true),
        F32DemoteF64 => (Float::Demote, false),
        F64PromoteF32 => (Float::Promote, true),
        _ => return None,
    })
}

/// A float operation (the width is apart).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Float {
    Add,
    Sub,
    Mul,
    Div,
    Copysign,
    Cmp(FCmp),
    Abs,
    Neg,
    Ceil,
    Floor,
    Trunc,
    Nearest,
    Sqrt,
    /// From an integer: (signed, 64-bit source).
    FromInt(bool, bool),
    /// f64 to f32.
    Demote,
    /// f32 to f64.
    Promote,
}

/// A float compare: false whenever an operand is NaN, but `ne`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FCmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// The arithmetic ops, plain or with an immediate: (operation, 64-bit).
fn alu(op: Op) -> Option<(Alu, bool)> {
    use Op::*;
    let plain = op.without_imm().unwrap_or(op);
    let wide = plain.sig().reads[0] == Some(Ty::I64) || plain.sig().reads[1] == Some(Ty::I64);
    let a = match plain {
        I32Add | I64Add => Alu::Add,
        I32Sub | I64Sub => Alu::Sub,
        I32Mul | I64Mul => Alu::Mul,
        I32DivS | I64DivS => Alu::DivS,
        I32DivU | I64DivU => Alu::DivU,
        I32RemS | I64RemS => Alu::RemS,
        I32RemU | I64RemU => Alu::RemU,
        I32And | I64And => Alu::And,
        I32Or | I64Or => Alu::Or,
        I32Xor | I64Xor => Alu::Xor,
        I32Shl | I64Shl => Alu::Shl,
        I32ShrS | I64ShrS => Alu::ShrS,
        I32ShrU | I64ShrU => Alu::ShrU,
        I32Rotl | I64Rotl => Alu::Rotl,
        I32Rotr | I64Rotr => Alu::Rotr,
        _ => return None,
    };
    Some((a, wide))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Alu {
    Add,
    Sub,
    Mul,
    DivS,
    DivU,
    RemS,
    RemU,
    And,
    Or,
    Xor,
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
}

/// The size and signedness of a load: (bytes, sign-extend to 64 bits, to 32).
fn load_size(op: Op) -> Option<(u8, Ext)> {
    use Op::*;
    Some(match op {
        I32Load | F32Load | I64Load32U => (4, Ext::Zero),
        I64Load | F64Load => (8, Ext::Zero),
        I32Load8S => (1, Ext::Sign32),
        I32Load8U | I64Load8U => (1, Ext::Zero),
        I32Load16S => (2, Ext::Sign32),
        I32Load16U | I64Load16U => (2, Ext::Zero),
        I64Load8S => (1, Ext::Sign64),
        I64Load16S => (2, Ext::Sign64),
        I64Load32S => (4, Ext::Sign64),
        _ => return None,
    })
}

/// How a narrow load fills its register.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ext {
    Zero,
    /// Sign-extended to 32 bits, the upper half clear (an i32).
    Sign32,
    Sign64,
}

/// The size of a store.
fn store_size(op: Op) -> Option<u8> {
    use Op::*;
    Some(match op {
        I32Store | F32Store | I64Store32 => 4,
        I64Store | F64Store => 8,
        I32Store8 | I64Store8 => 1,
        I32Store16 | I64Store16 => 2,
        _ => return None,
    })
}

impl Backend for Aarch64 {
    fn covers(&self, op: Op) -> bool {
        covered(op)
    }

    fn fits(&self, m: &ModuleInfo, def: usize) -> bool {
        let f = &m.meta.funcs[def];
        let memory = m
            .func_code(def)
            .iter()
            .any(|i| load_size(i.op).is_some() || store_size(i.op).is_some());
        (f.num_slots as usize) <= MAX_SLOTS
            && (f.code_len as usize) <= MAX_IR
            && !(memory && m.memory64)
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

    fn ops(&self) -> &OpTable {
        &self.ops
    }

    fn pools(&self) -> Pools {
        // Every slot in its frame cell, for now.
        Pools {
            int: 0,
            float: 0,
            preserved: 0,
        }
    }

    fn goes_to_runtime(&self, op: Op) -> bool {
        op.runs_through_exec()
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
        let mut g = FnGen { asm, cx };
        codegen::function(&mut g);
        0
    }

    fn commit(asm: &mut Asm) -> Result<(), String> {
        asm.commit()
            .map_err(|e| format!("aarch64 assembly failed: {e:?}"))?;
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

/// Generates one function.
struct FnGen<'a> {
    asm: &'a mut Asm,
    cx: FnCtx<'a, DynamicLabel>,
}

/// The frame offset of slot `s`.
fn cell(slot: u16) -> u32 {
    slot as u32 * 8
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
    fn align_loop_head(&mut self) {
        Aarch64::align(self.asm);
    }
    fn prologue(&mut self) {
        FnGen::prologue(self)
    }
    fn hooks(&mut self) {
        FnGen::hooks(self)
    }
    // Nothing lives in a register across instructions.
    fn spill(&mut self, _value: u16) {}
    fn reload(&mut self, _value: u16) {}
    fn forget(&mut self) {}
    fn op(&mut self, pc: usize) -> usize {
        FnGen::op(self, pc)
    }
    fn tail(&mut self) {
        self.stubs();
    }
}

impl FnGen<'_> {
    /// The frame record, the stack checks (but in a leaf), the hooks and the
    /// locals' zeroes.
    fn prologue(&mut self) {
        asm!(self.asm
            ; stp x29, x30, [sp, #-16]!
            ; mov x29, sp
        );
        let num_slots = self.cx.expanded.num_slots;
        if !codegen::is_leaf(self.cx.code, num_slots) {
            let overflow = self.trap_code(TrapCode::StackOverflow);
            asm!(self.asm
                ; ldr x9, [x28, #vmctx::STACK_LIMIT as u32]
                ; mov x10, sp
                ; cmp x10, x9
                ; b.lo =>overflow
            );
            self.mov_imm(9, num_slots as u64 * 8);
            asm!(self.asm
                ; add x9, x26, x9
                ; ldr x10, [x28, #vmctx::SLOTS_END as u32]
                ; cmp x9, x10
                ; b.hi =>overflow
            );
        }
        self.hooks();
        let f = &self.cx.m.meta.funcs[self.cx.def];
        let (p, l) = (f.num_params as u16, f.num_locals as u16);
        for k in p..l {
            if self.cx.alloc.live_at_entry(k) {
                asm!(self.asm; str xzr, [x26, #cell(k)]);
            }
        }
    }

    /// The fuel and interrupt checks, when the module is compiled with them.
    fn hooks(&mut self) {
        if self.cx.m.hooks & flags::FUEL != 0 {
            let out = self.trap_code(TrapCode::OutOfFuel);
            asm!(self.asm
                ; ldr x9, [x28, #vmctx::FUEL as u32]
                ; ldr x10, [x9]
                ; subs x10, x10, #1
                ; str x10, [x9]
                ; b.mi =>out
            );
        }
        if self.cx.m.hooks & flags::INTERRUPT != 0 {
            let stop = self.trap_code(TrapCode::Interrupted);
            asm!(self.asm
                ; ldr x9, [x28, #vmctx::INTERRUPT as u32]
                ; ldr w10, [x9]
                ; cbnz w10, =>stop
            );
        }
    }

    /// `x<r>` = `v`, in one to four instructions.
    fn mov_imm(&mut self, r: u8, v: u64) {
        let part = |k: u32| (v >> (16 * k)) as u32 & 0xffff;
        asm!(self.asm; movz X(r), #part(0));
        if part(1) != 0 {
            asm!(self.asm; movk X(r), #part(1), lsl #16);
        }
        if part(2) != 0 {
            asm!(self.asm; movk X(r), #part(2), lsl #32);
        }
        if part(3) != 0 {
            asm!(self.asm; movk X(r), #part(3), lsl #48);
        }
    }

    /// `x<r>` = slot `s` (all 64 bits of its cell).
    fn load(&mut self, r: u8, s: u16) {
        asm!(self.asm; ldr X(r), [x26, #cell(s)]);
    }

    /// Slot `s` = `x<r>`.
    fn store(&mut self, r: u8, s: u16) {
        asm!(self.asm; str X(r), [x26, #cell(s)]);
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

    /// The label of the trap stub returning `code` to the host.
    fn trap_code(&mut self, code: TrapCode) -> DynamicLabel {
        codegen::trap(self, code as u32 + TRAP_BASE)
    }

    /// Emits the trap stubs: each sets its code and branches to the common
    /// part, which enters the trap landing with a PC inside this function
    /// and the frame pointer.
    fn stubs(&mut self) {
        if self.cx.traps.is_empty() {
            return;
        }
        let common = self.asm.new_dynamic_label();
        for (code, l) in std::mem::take(&mut self.cx.traps) {
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

    /// Returns to the caller (results are already in their cells).
    fn ret(&mut self) {
        asm!(self.asm
            ; ldp x29, x30, [sp], #16
            ; ret
        );
    }

    /// Branches to `l` if the flags say `cmp` of the compare just made.
    fn b_cond(&mut self, cmp: IntCmp, l: DynamicLabel) {
        match cmp {
            IntCmp::Eq => asm!(self.asm; b.eq =>l),
            IntCmp::Ne => asm!(self.asm; b.ne =>l),
            IntCmp::LtS => asm!(self.asm; b.lt =>l),
            IntCmp::LtU => asm!(self.asm; b.lo =>l),
            IntCmp::GtS => asm!(self.asm; b.gt =>l),
            IntCmp::GtU => asm!(self.asm; b.hi =>l),
            IntCmp::LeS => asm!(self.asm; b.le =>l),
            IntCmp::LeU => asm!(self.asm; b.ls =>l),
            IntCmp::GeS => asm!(self.asm; b.ge =>l),
            IntCmp::GeU => asm!(self.asm; b.hs =>l),
        }
    }

    /// `w9` = 1 if the flags say `cmp` of the compare just made, else 0.
    fn cset(&mut self, cmp: IntCmp) {
        match cmp {
            IntCmp::Eq => asm!(self.asm; cset w9, eq),
            IntCmp::Ne => asm!(self.asm; cset w9, ne),
            IntCmp::LtS => asm!(self.asm; cset w9, lt),
            IntCmp::LtU => asm!(self.asm; cset w9, lo),
            IntCmp::GtS => asm!(self.asm; cset w9, gt),
            IntCmp::GtU => asm!(self.asm; cset w9, hi),
            IntCmp::LeS => asm!(self.asm; cset w9, le),
            IntCmp::LeU => asm!(self.asm; cset w9, ls),
            IntCmp::GeS => asm!(self.asm; cset w9, ge),
            IntCmp::GeU => asm!(self.asm; cset w9, hs),
        }
    }

    /// Compares `x9` with `x10` (or their low halves).
    fn cmp(&mut self, wide: bool) {
        if wide {
            asm!(self.asm; cmp x9, x10);
        } else {
            asm!(self.asm; cmp w9, w10);
        }
    }

    /// Emits instruction `pc`; returns the next pc to emit.
    fn op(&mut self, pc: usize) -> usize {
        use Op::*;
        let i = self.cx.code[pc];
        if let Some(cmp) = i.op.int_cmp() {
            self.compare(pc, &i, cmp);
            return pc + 1;
        }
        if let Some((a, wide)) = alu(i.op) {
            self.alu(&i, a, wide);
            return pc + 1;
        }
        if let Some((f, wide)) = float(i.op) {
            self.float(&i, f, wide);
            return pc + 1;
        }
        if let Some((size, ext)) = load_size(i.op) {
            self.address(&i);
            match (size, ext) {
                (1, Ext::Zero) => asm!(self.asm; ldrb w10, [x9]),
                (1, Ext::Sign32) => asm!(self.asm; ldrsb w10, [x9]),
                (1, _) => asm!(self.asm; ldrsb x10, [x9]),
                (2, Ext::Zero) => asm!(self.asm; ldrh w10, [x9]),
                (2, Ext::Sign32) => asm!(self.asm; ldrsh w10, [x9]),
                (2, _) => asm!(self.asm; ldrsh x10, [x9]),
                (4, Ext::Sign64) => asm!(self.asm; ldrsw x10, [x9]),
                (4, _) => asm!(self.asm; ldr w10, [x9]),
                _ => asm!(self.asm; ldr x10, [x9]),
            }
            self.store(10, i.a);
            return pc + 1;
        }
        if let Some(size) = store_size(i.op) {
            self.address(&i);
            self.load(10, i.c);
            match size {
                1 => asm!(self.asm; strb w10, [x9]),
                2 => asm!(self.asm; strh w10, [x9]),
                4 => asm!(self.asm; str w10, [x9]),
                _ => asm!(self.asm; str x10, [x9]),
            }
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
                let next = i.offset() == 0 && self.cx.labels[pc + 1] == Some(l);
                if !next {
                    asm!(self.asm; b =>l);
                }
            }
            BrIfNez | BrIfEqz => {
                let l = codegen::target(self, pc);
                self.load(9, i.b);
                if i.op == BrIfNez {
                    asm!(self.asm; cbnz w9, =>l);
                } else {
                    asm!(self.asm; cbz w9, =>l);
                }
            }
            Return => self.ret(),
            ReturnSlot => {
                self.load(9, i.b);
                self.store(9, 0);
                self.ret();
            }
            Copy => {
                self.load(9, i.b);
                self.store(9, i.a);
            }
            Const => {
                self.mov_imm(9, i.imm);
                self.store(9, i.a);
            }
            Select => {
                self.load(9, i.b);
                self.load(10, i.c);
                self.load(11, i.imm as u16);
                asm!(self.asm
                    ; cmp w11, #0
                    ; csel x9, x9, x10, ne
                );
                self.store(9, i.a);
            }
            GlobalGet => {
                self.load_vmctx(9, vmctx::GLOBALS + 8 * i.imm as i32);
                asm!(self.asm; ldr x10, [x9]);
                self.store(10, i.a);
            }
            GlobalSet => {
                self.load_vmctx(9, vmctx::GLOBALS + 8 * i.imm as i32);
                self.load(10, i.b);
                asm!(self.asm; str x10, [x9]);
            }
            MemorySize => {
                asm!(self.asm
                    ; ldr x9, [x28, #vmctx::MEM0_LEN as u32]
                    ; lsr x9, x9, #16
                );
                self.store(9, i.a);
            }
            _ => self.unary(&i),
        }
        pc + 1
    }

    /// `x9` = the address of a load's or store's access: memory 0's base,
    /// plus the 32-bit index in slot `b`, plus the offset. Guard pages
    /// cover any index and offset below 2^32 each.
    fn address(&mut self, i: &Instr) {
        // The cell holds the index zero-extended: a 64-bit load (whose
        // scaled offset reaches every cell) gives it.
        asm!(self.asm
            ; ldr x9, [x26, #cell(i.b)]
            ; add x9, x27, x9
        );
        if i.imm == 0 {
            return;
        }
        if i.imm < 4096 {
            asm!(self.asm; add x9, x9, #i.imm as u32);
        } else {
            self.mov_imm(10, i.imm);
            asm!(self.asm; add x9, x9, x10);
        }
    }

    /// The integer compares: to a flag in `a`, or a branch.
    fn compare(&mut self, pc: usize, i: &Instr, cmp: IntCmp) {
        let wide = i.op.sig().reads[1] == Some(Ty::I64);
        match i.op.fmt() {
            Fmt::BrCmp => {
                let l = codegen::target(self, pc);
                self.load(9, i.b);
                self.load(10, i.c);
                self.cmp(wide);
                self.b_cond(cmp, l);
            }
            Fmt::BrCmpImm => {
                let l = codegen::target(self, pc);
                self.load(9, i.b);
                self.mov_imm(10, i.branch_imm() as i64 as u64);
                self.cmp(wide);
                self.b_cond(cmp, l);
            }
            Fmt::Binary => {
                self.load(9, i.b);
                self.load(10, i.c);
                self.cmp(wide);
                self.cset(cmp);
                self.store(9, i.a);
            }
            _ => {
                self.load(9, i.b);
                let k = if wide { i.imm } else { i.imm as u32 as u64 };
                self.mov_imm(10, k);
                self.cmp(wide);
                self.cset(cmp);
                self.store(9, i.a);
            }
        }
    }

    /// `a` = `b` op `c` (or `b` op the immediate).
    fn alu(&mut self, i: &Instr, a: Alu, wide: bool) {
        self.load(9, i.b);
        if i.op.fmt() == Fmt::BinaryImm {
            let k = if wide { i.imm } else { i.imm as u32 as u64 };
            self.mov_imm(10, k);
        } else {
            self.load(10, i.c);
        }
        if matches!(a, Alu::DivS | Alu::DivU | Alu::RemS | Alu::RemU) {
            let zero = self.trap_code(TrapCode::IntegerDivisionByZero);
            if wide {
                asm!(self.asm; cbz x10, =>zero);
            } else {
                asm!(self.asm; cbz w10, =>zero);
            }
        }
        if a == Alu::DivS {
            // INT_MIN / -1 overflows: -1 + 1 == 0 and INT_MIN - 1 overflows.
            let overflow = self.trap_code(TrapCode::IntegerOverflow);
            let fine = self.asm.new_dynamic_label();
            if wide {
                asm!(self.asm
                    ; cmn x10, #1
                    ; b.ne =>fine
                    ; cmp x9, #1
                    ; b.vs =>overflow
                    ; =>fine
                );
            } else {
                asm!(self.asm
                    ; cmn w10, #1
                    ; b.ne =>fine
                    ; cmp w9, #1
                    ; b.vs =>overflow
                    ; =>fine
                );
            }
        }
        if wide {
            match a {
                Alu::Add => asm!(self.asm; add x9, x9, x10),
                Alu::Sub => asm!(self.asm; sub x9, x9, x10),
                Alu::Mul => asm!(self.asm; mul x9, x9, x10),
                Alu::DivS => asm!(self.asm; sdiv x9, x9, x10),
                Alu::DivU => asm!(self.asm; udiv x9, x9, x10),
                Alu::RemS => asm!(self.asm; sdiv x11, x9, x10; msub x9, x11, x10, x9),
                Alu::RemU => asm!(self.asm; udiv x11, x9, x10; msub x9, x11, x10, x9),
                Alu::And => asm!(self.asm; and x9, x9, x10),
                Alu::Or => asm!(self.asm; orr x9, x9, x10),
                Alu::Xor => asm!(self.asm; eor x9, x9, x10),
                Alu::Shl => asm!(self.asm; lsl x9, x9, x10),
                Alu::ShrS => asm!(self.asm; asr x9, x9, x10),
                Alu::ShrU => asm!(self.asm; lsr x9, x9, x10),
                Alu::Rotl => asm!(self.asm; neg x10, x10; ror x9, x9, x10),
                Alu::Rotr => asm!(self.asm; ror x9, x9, x10),
            }
        } else {
            match a {
                Alu::Add => asm!(self.asm; add w9, w9, w10),
                Alu::Sub => asm!(self.asm; sub w9, w9, w10),
                Alu::Mul => asm!(self.asm; mul w9, w9, w10),
                Alu::DivS => asm!(self.asm; sdiv w9, w9, w10),
                Alu::DivU => asm!(self.asm; udiv w9, w9, w10),
                Alu::RemS => asm!(self.asm; sdiv w11, w9, w10; msub w9, w11, w10, w9),
                Alu::RemU => asm!(self.asm; udiv w11, w9, w10; msub w9, w11, w10, w9),
                Alu::And => asm!(self.asm; and w9, w9, w10),
                Alu::Or => asm!(self.asm; orr w9, w9, w10),
                Alu::Xor => asm!(self.asm; eor w9, w9, w10),
                Alu::Shl => asm!(self.asm; lsl w9, w9, w10),
                Alu::ShrS => asm!(self.asm; asr w9, w9, w10),
                Alu::ShrU => asm!(self.asm; lsr w9, w9, w10),
                Alu::Rotl => asm!(self.asm; neg w10, w10; ror w9, w9, w10),
                Alu::Rotr => asm!(self.asm; ror w9, w9, w10),
            }
        }
        self.store(9, i.a);
    }

    /// `d<r>` (or `s<r>`) = the float in slot `s`.
    fn load_float(&mut self, r: u8, s: u16, wide: bool) {
        self.load(9, s);
        if wide {
            asm!(self.asm; fmov D(r), x9);
        } else {
            asm!(self.asm; fmov S(r), w9);
        }
    }

    /// Slot `a` = `d0` (or `s0`, zero-extended in its cell).
    fn store_float(&mut self, a: u16, wide: bool) {
        if wide {
            asm!(self.asm; fmov x9, d0);
        } else {
            asm!(self.asm; fmov w9, s0);
        }
        self.store(9, a);
    }

    /// The float ops. Bit operations (abs, neg, copysign) work on the
    /// integer bits, so a NaN keeps its payload as wasm asks; arithmetic
    /// gives the quieted input NaN or the default one, both arithmetic NaNs.
    fn float(&mut self, i: &Instr, f: Float, wide: bool) {
        match f {
            Float::Abs | Float::Neg | Float::Copysign => {
                self.load(9, i.b);
                match (f, wide) {
                    (Float::Abs, false) => asm!(self.asm; and w9, w9, #0x7fff_ffff),
                    (Float::Abs, true) => asm!(self.asm; and x9, x9, #0x7fff_ffff_ffff_ffff),
                    (Float::Neg, false) => asm!(self.asm; eor w9, w9, #0x8000_0000),
                    (Float::Neg, true) => asm!(self.asm; eor x9, x9, #0x8000_0000_0000_0000),
                    (_, false) => {
                        self.load(10, i.c);
                        asm!(self.asm
                            ; and w9, w9, #0x7fff_ffff
                            ; and w10, w10, #0x8000_0000
                            ; orr w9, w9, w10
                        );
                    }
                    (_, true) => {
                        self.load(10, i.c);
                        asm!(self.asm
                            ; and x9, x9, #0x7fff_ffff_ffff_ffff
                            ; and x10, x10, #0x8000_0000_0000_0000
                            ; orr x9, x9, x10
                        );
                    }
                }
                self.store(9, i.a);
            }
            Float::FromInt(signed, from64) => {
                self.load(9, i.b);
                match (signed, from64, wide) {
                    (true, false, false) => asm!(self.asm; scvtf s0, w9),
                    (true, true, false) => asm!(self.asm; scvtf s0, x9),
                    (false, false, false) => asm!(self.asm; ucvtf s0, w9),
                    (false, true, false) => asm!(self.asm; ucvtf s0, x9),
                    (true, false, true) => asm!(self.asm; scvtf d0, w9),
                    (true, true, true) => asm!(self.asm; scvtf d0, x9),
                    (false, false, true) => asm!(self.asm; ucvtf d0, w9),
                    (false, true, true) => asm!(self.asm; ucvtf d0, x9),
                }
                self.store_float(i.a, wide);
            }
            Float::Demote => {
                self.load_float(0, i.b, true);
                asm!(self.asm; fcvt s0, d0);
                self.store_float(i.a, false);
            }
            Float::Promote => {
                self.load_float(0, i.b, false);
                asm!(self.asm; fcvt d0, s0);
                self.store_float(i.a, true);
            }
            Float::Cmp(c) => {
                self.load_float(0, i.b, wide);
                self.load_float(1, i.c, wide);
                if wide {
                    asm!(self.asm; fcmp d0, d1);
                } else {
                    asm!(self.asm; fcmp s0, s1);
                }
                // An unordered compare sets C and V: `mi`, `ls`, `gt` and
                // `ge` are then false, as `eq`; `ne` true.
                match c {
                    FCmp::Eq => asm!(self.asm; cset w9, eq),
                    FCmp::Ne => asm!(self.asm; cset w9, ne),
                    FCmp::Lt => asm!(self.asm; cset w9, mi),
                    FCmp::Gt => asm!(self.asm; cset w9, gt),
                    FCmp::Le => asm!(self.asm; cset w9, ls),
                    FCmp::Ge => asm!(self.asm; cset w9, ge),
                }
                self.store(9, i.a);
            }
            Float::Ceil | Float::Floor | Float::Trunc | Float::Nearest | Float::Sqrt => {
                self.load_float(0, i.b, wide);
                match (f, wide) {
                    (Float::Ceil, false) => asm!(self.asm; frintp s0, s0),
                    (Float::Floor, false) => asm!(self.asm; frintm s0, s0),
                    (Float::Trunc, false) => asm!(self.asm; frintz s0, s0),
                    (Float::Nearest, false) => asm!(self.asm; frintn s0, s0),
                    (_, false) => asm!(self.asm; fsqrt s0, s0),
                    (Float::Ceil, true) => asm!(self.asm; frintp d0, d0),
                    (Float::Floor, true) => asm!(self.asm; frintm d0, d0),
                    (Float::Trunc, true) => asm!(self.asm; frintz d0, d0),
                    (Float::Nearest, true) => asm!(self.asm; frintn d0, d0),
                    (_, true) => asm!(self.asm; fsqrt d0, d0),
                }
                self.store_float(i.a, wide);
            }
            _ => {
                self.load_float(0, i.b, wide);
                self.load_float(1, i.c, wide);
                match (f, wide) {
                    (Float::Add, false) => asm!(self.asm; fadd s0, s0, s1),
                    (Float::Sub, false) => asm!(self.asm; fsub s0, s0, s1),
                    (Float::Mul, false) => asm!(self.asm; fmul s0, s0, s1),
                    (_, false) => asm!(self.asm; fdiv s0, s0, s1),
                    (Float::Add, true) => asm!(self.asm; fadd d0, d0, d1),
                    (Float::Sub, true) => asm!(self.asm; fsub d0, d0, d1),
                    (Float::Mul, true) => asm!(self.asm; fmul d0, d0, d1),
                    (_, true) => asm!(self.asm; fdiv d0, d0, d1),
                }
                self.store_float(i.a, wide);
            }
        }
    }

    /// The one-operand integer ops.
    fn unary(&mut self, i: &Instr) {
        use Op::*;
        self.load(9, i.b);
        match i.op {
            I32Eqz => asm!(self.asm; cmp w9, #0; cset w9, eq),
            I64Eqz => asm!(self.asm; cmp x9, #0; cset w9, eq),
            I32Clz => asm!(self.asm; clz w9, w9),
            I64Clz => asm!(self.asm; clz x9, x9),
            I32Ctz => asm!(self.asm; rbit w9, w9; clz w9, w9),
            I64Ctz => asm!(self.asm; rbit x9, x9; clz x9, x9),
            I32Popcnt | I64Popcnt => asm!(self.asm
                ; fmov d0, x9
                ; cnt v0.b8, v0.b8
                ; addv b0, v0.b8
                ; fmov w9, s0
            ),
            I32Extend8S => asm!(self.asm; sxtb w9, w9),
            I32Extend16S => asm!(self.asm; sxth w9, w9),
            I64Extend8S => asm!(self.asm; sxtb x9, w9),
            I64Extend16S => asm!(self.asm; sxth x9, w9),
            I64Extend32S | I64ExtendI32S => asm!(self.asm; sxtw x9, w9),
            I32WrapI64 | I64ExtendI32U => asm!(self.asm; mov w9, w9),
            other => unreachable!("{} is not covered", other.name()),
        }
        self.store(9, i.a);
    }
}
