//! Vector ops with NEON (Advanced SIMD, part of the ARMv8.0 baseline). A
//! v128 is one value of the register allocator (see `regalloc::Effects`): it
//! lives in a vector register of the float pool (its `q` view) or in its two
//! frame cells, `[x26 + 8 * slot]`, sixteen bytes, low half first. `v0` and
//! `v1` are scratch.
//!
//! Wasm's SIMD was designed with NEON in mind, and most ops are one
//! instruction here: lane arithmetic, saturating arithmetic, compares (the
//! "less than" forms swap the operands of "greater than"), shifts by a
//! constant, `swizzle` (`tbl`, which gives zero for an index out of range as
//! wasm asks), narrowing, widening, conversions and float rounding. Ops not
//! here yet (lane loads and stores, the relaxed ops) keep their function on
//! the interpreter.

use super::{ConstVector, FnGen, Loc, FLOAT_POOL, L, X16, X17, X9};

/// The third scratch vector register, for sequences that need one beyond
/// `v0` and `v1`.
const VT: u8 = 31;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};
use zwasm_abi::ir::{Instr, Op};
use zwasm_abi::native::vmctx;

/// Lane shapes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    B16,
    H8,
    S4,
    D2,
}

/// The two-operand lane ops that are one NEON instruction: (operation,
/// shape, operands swapped).
fn binary(op: Op) -> Option<(Bin, Shape, bool)> {
    use Bin::*;
    use Op::*;
    use Shape::*;
    Some(match op {
        I8x16Add => (Add, B16, false),
        I8x16Sub => (Sub, B16, false),
        I8x16AddSatS => (SqAdd, B16, false),
        I8x16AddSatU => (UqAdd, B16, false),
        I8x16SubSatS => (SqSub, B16, false),
        I8x16SubSatU => (UqSub, B16, false),
        I8x16MinS => (SMin, B16, false),
        I8x16MinU => (UMin, B16, false),
        I8x16MaxS => (SMax, B16, false),
        I8x16MaxU => (UMax, B16, false),
        I8x16AvgrU => (URhadd, B16, false),
        I8x16Eq => (CmEq, B16, false),
        I8x16GtS => (CmGt, B16, false),
        I8x16GtU => (CmHi, B16, false),
        I8x16GeS => (CmGe, B16, false),
        I8x16GeU => (CmHs, B16, false),
        I8x16LtS => (CmGt, B16, true),
        I8x16LtU => (CmHi, B16, true),
        I8x16LeS => (CmGe, B16, true),
        I8x16LeU => (CmHs, B16, true),
        I8x16Swizzle | I8x16RelaxedSwizzle => (Tbl, B16, false),
        I16x8Add => (Add, H8, false),
        I16x8Sub => (Sub, H8, false),
        I16x8Mul => (Mul, H8, false),
        I16x8AddSatS => (SqAdd, H8, false),
        I16x8AddSatU => (UqAdd, H8, false),
        I16x8SubSatS => (SqSub, H8, false),
        I16x8SubSatU => (UqSub, H8, false),
        I16x8MinS => (SMin, H8, false),
        I16x8MinU => (UMin, H8, false),
        I16x8MaxS => (SMax, H8, false),
        I16x8MaxU => (UMax, H8, false),
        I16x8AvgrU => (URhadd, H8, false),
        I16x8Q15MulrSatS | I16x8RelaxedQ15mulrS => (SqRdMulh, H8, false),
        I16x8Eq => (CmEq, H8, false),
        I16x8GtS => (CmGt, H8, false),
        I16x8GtU => (CmHi, H8, false),
        I16x8GeS => (CmGe, H8, false),
        I16x8GeU => (CmHs, H8, false),
        I16x8LtS => (CmGt, H8, true),
        I16x8LtU => (CmHi, H8, true),
        I16x8LeS => (CmGe, H8, true),
        I16x8LeU => (CmHs, H8, true),
        I32x4Add => (Add, S4, false),
        I32x4Sub => (Sub, S4, false),
        I32x4Mul => (Mul, S4, false),
        I32x4MinS => (SMin, S4, false),
        I32x4MinU => (UMin, S4, false),
        I32x4MaxS => (SMax, S4, false),
        I32x4MaxU => (UMax, S4, false),
        I32x4Eq => (CmEq, S4, false),
        I32x4GtS => (CmGt, S4, false),
        I32x4GtU => (CmHi, S4, false),
        I32x4GeS => (CmGe, S4, false),
        I32x4GeU => (CmHs, S4, false),
        I32x4LtS => (CmGt, S4, true),
        I32x4LtU => (CmHi, S4, true),
        I32x4LeS => (CmGe, S4, true),
        I32x4LeU => (CmHs, S4, true),
        I64x2Add => (Add, D2, false),
        I64x2Sub => (Sub, D2, false),
        I64x2Eq => (CmEq, D2, false),
        I64x2GtS => (CmGt, D2, false),
        I64x2GeS => (CmGe, D2, false),
        I64x2LtS => (CmGt, D2, true),
        I64x2LeS => (CmGe, D2, true),
        F32x4Add => (FAdd, S4, false),
        F32x4Sub => (FSub, S4, false),
        F32x4Mul => (FMul, S4, false),
        F32x4Div => (FDiv, S4, false),
        F32x4Min => (FMin, S4, false),
        F32x4Max => (FMax, S4, false),
        F32x4Eq => (FCmEq, S4, false),
        F32x4Gt => (FCmGt, S4, false),
        F32x4Ge => (FCmGe, S4, false),
        F32x4Lt => (FCmGt, S4, true),
        F32x4Le => (FCmGe, S4, true),
        F64x2Add => (FAdd, D2, false),
        F64x2Sub => (FSub, D2, false),
        F64x2Mul => (FMul, D2, false),
        F64x2Div => (FDiv, D2, false),
        F64x2Min => (FMin, D2, false),
        F64x2Max => (FMax, D2, false),
        F64x2Eq => (FCmEq, D2, false),
        F64x2Gt => (FCmGt, D2, false),
        F64x2Ge => (FCmGe, D2, false),
        F64x2Lt => (FCmGt, D2, true),
        F64x2Le => (FCmGe, D2, true),
        V128And => (And, B16, false),
        V128Or => (Orr, B16, false),
        V128Xor => (Eor, B16, false),
        V128AndNot => (Bic, B16, false),
        _ => return None,
    })
}

/// A two-operand NEON instruction.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bin {
    Add,
    Sub,
    Mul,
    SqAdd,
    UqAdd,
    SqSub,
    UqSub,
    SMin,
    UMin,
    SMax,
    UMax,
    URhadd,
    SqRdMulh,
    CmEq,
    CmGt,
    CmHi,
    CmGe,
    CmHs,
    Tbl,
    FAdd,
    FSub,
    FMul,
    FDiv,
    FMin,
    FMax,
    FCmEq,
    FCmGt,
    FCmGe,
    And,
    Orr,
    Eor,
    Bic,
}

/// The one-operand lane ops that are one NEON instruction.
fn unary(op: Op) -> Option<(Un, Shape)> {
    use Op::*;
    use Shape::*;
    use Un::*;
    Some(match op {
        V128Not => (Not, B16),
        I8x16Abs => (Abs, B16),
        I8x16Neg => (Neg, B16),
        I8x16Popcnt => (Cnt, B16),
        I16x8Abs => (Abs, H8),
        I16x8Neg => (Neg, H8),
        I32x4Abs => (Abs, S4),
        I32x4Neg => (Neg, S4),
        I64x2Abs => (Abs, D2),
        I64x2Neg => (Neg, D2),
        F32x4Abs => (FAbs, S4),
        F32x4Neg => (FNeg, S4),
        F32x4Sqrt => (FSqrt, S4),
        F32x4Ceil => (FrintP, S4),
        F32x4Floor => (FrintM, S4),
        F32x4Trunc => (FrintZ, S4),
        F32x4Nearest => (FrintN, S4),
        F64x2Abs => (FAbs, D2),
        F64x2Neg => (FNeg, D2),
        F64x2Sqrt => (FSqrt, D2),
        F64x2Ceil => (FrintP, D2),
        F64x2Floor => (FrintM, D2),
        F64x2Trunc => (FrintZ, D2),
        F64x2Nearest => (FrintN, D2),
        F32x4ConvertI32x4S => (Scvtf, S4),
        F32x4ConvertI32x4U => (Ucvtf, S4),
        I32x4TruncSatF32x4S | I32x4RelaxedTruncF32x4S => (Fcvtzs, S4),
        I32x4TruncSatF32x4U | I32x4RelaxedTruncF32x4U => (Fcvtzu, S4),
        I16x8ExtendLowI8x16S => (Sxtl, B16),
        I16x8ExtendHighI8x16S => (Sxtl2, B16),
        I16x8ExtendLowI8x16U => (Uxtl, B16),
        I16x8ExtendHighI8x16U => (Uxtl2, B16),
        I32x4ExtendLowI16x8S => (Sxtl, H8),
        I32x4ExtendHighI16x8S => (Sxtl2, H8),
        I32x4ExtendLowI16x8U => (Uxtl, H8),
        I32x4ExtendHighI16x8U => (Uxtl2, H8),
        I64x2ExtendLowI32x4S => (Sxtl, S4),
        I64x2ExtendHighI32x4S => (Sxtl2, S4),
        I64x2ExtendLowI32x4U => (Uxtl, S4),
        I64x2ExtendHighI32x4U => (Uxtl2, S4),
        I16x8ExtAddPairwiseI8x16S => (Saddlp, B16),
        I16x8ExtAddPairwiseI8x16U => (Uaddlp, B16),
        I32x4ExtAddPairwiseI16x8S => (Saddlp, H8),
        I32x4ExtAddPairwiseI16x8U => (Uaddlp, H8),
        F32x4DemoteF64x2Zero => (Fcvtn, D2),
        F64x2PromoteLowF32x4 => (Fcvtl, S4),
        _ => return None,
    })
}

/// A one-operand NEON instruction (`shape`: of the operand).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Un {
    Not,
    Abs,
    Neg,
    Cnt,
    FAbs,
    FNeg,
    FSqrt,
    FrintP,
    FrintM,
    FrintZ,
    FrintN,
    Scvtf,
    Ucvtf,
    Fcvtzs,
    Fcvtzu,
    Sxtl,
    Sxtl2,
    Uxtl,
    Uxtl2,
    Saddlp,
    Uaddlp,
    Fcvtn,
    Fcvtl,
}

/// Whether the backend compiles vector op `op` (the others stay IR).
pub(super) fn covers(op: Op) -> bool {
    use Op::*;
    binary(op).is_some()
        || unary(op).is_some()
        || shift(op).is_some()
        || matches!(
            op,
            CopyV128
                | SelectV128
                | V128Const
                | GlobalGetV128
                | GlobalSetV128
                | V128Load
                | V128Store
                | V128Load32Zero
                | V128Load64Zero
                | V128Load8x8S
                | V128Load8x8U
                | V128Load16x4S
                | V128Load16x4U
                | V128Load32x2S
                | V128Load32x2U
                | V128Load8Splat
                | V128Load16Splat
                | V128Load32Splat
                | V128Load64Splat
                | I8x16Splat
                | I16x8Splat
                | I32x4Splat
                | I64x2Splat
                | F32x4Splat
                | F64x2Splat
                | I8x16ExtractLaneS
                | I8x16ExtractLaneU
                | I16x8ExtractLaneS
                | I16x8ExtractLaneU
                | I32x4ExtractLane
                | I64x2ExtractLane
                | F32x4ExtractLane
                | F64x2ExtractLane
                | I8x16ReplaceLane
                | I16x8ReplaceLane
                | I32x4ReplaceLane
                | I64x2ReplaceLane
                | F32x4ReplaceLane
                | F64x2ReplaceLane
                | I8x16Ne
                | I16x8Ne
                | I32x4Ne
                | I64x2Ne
                | F32x4Ne
                | F64x2Ne
                | F32x4PMin
                | F32x4PMax
                | F64x2PMin
                | F64x2PMax
                | V128Bitselect
                | V128AnyTrue
                | I8x16AllTrue
                | I16x8AllTrue
                | I32x4AllTrue
                | I64x2AllTrue
                | I8x16NarrowI16x8S
                | I8x16NarrowI16x8U
                | I16x8NarrowI32x4S
                | I16x8NarrowI32x4U
                | I16x8ExtMulLowI8x16S
                | I16x8ExtMulHighI8x16S
                | I16x8ExtMulLowI8x16U
                | I16x8ExtMulHighI8x16U
                | I32x4ExtMulLowI16x8S
                | I32x4ExtMulHighI16x8S
                | I32x4ExtMulLowI16x8U
                | I32x4ExtMulHighI16x8U
                | I64x2ExtMulLowI32x4S
                | I64x2ExtMulHighI32x4S
                | I64x2ExtMulLowI32x4U
                | I64x2ExtMulHighI32x4U
                | I32x4DotI16x8S
                | F64x2ConvertLowI32x4S
                | F64x2ConvertLowI32x4U
                | I32x4TruncSatF64x2SZero
                | I32x4TruncSatF64x2UZero
                | I8x16Shuffle
                | I8x16Bitmask
                | I16x8Bitmask
                | I32x4Bitmask
                | I64x2Bitmask
                | I64x2Mul
                | V128Load8Lane
                | V128Load16Lane
                | V128Load32Lane
                | V128Load64Lane
                | V128Store8Lane
                | V128Store16Lane
                | V128Store32Lane
                | V128Store64Lane
                | I32x4RelaxedTruncF64x2SZero
                | I32x4RelaxedTruncF64x2UZero
                | F32x4RelaxedMadd
                | F32x4RelaxedNmadd
                | F64x2RelaxedMadd
                | F64x2RelaxedNmadd
                | I8x16RelaxedLaneselect
                | I16x8RelaxedLaneselect
                | I32x4RelaxedLaneselect
                | I64x2RelaxedLaneselect
                | F32x4RelaxedMin
                | F32x4RelaxedMax
                | F64x2RelaxedMin
                | F64x2RelaxedMax
                | I16x8RelaxedDotI8x16I7x16S
                | I32x4RelaxedDotI8x16I7x16AddS
        )
}

/// Lane shifts: (shape, kind: 0 left, 1 arithmetic right, 2 logical right,
/// by an immediate).
fn shift(op: Op) -> Option<(Shape, u8, bool)> {
    use Op::*;
    use Shape::*;
    let imm = op.without_imm().is_some();
    Some(match op.without_imm().unwrap_or(op) {
        I8x16Shl => (B16, 0, imm),
        I8x16ShrS => (B16, 1, imm),
        I8x16ShrU => (B16, 2, imm),
        I16x8Shl => (H8, 0, imm),
        I16x8ShrS => (H8, 1, imm),
        I16x8ShrU => (H8, 2, imm),
        I32x4Shl => (S4, 0, imm),
        I32x4ShrS => (S4, 1, imm),
        I32x4ShrU => (S4, 2, imm),
        I64x2Shl => (D2, 0, imm),
        I64x2ShrS => (D2, 1, imm),
        I64x2ShrU => (D2, 2, imm),
        _ => return None,
    })
}

/// `ld1 {v<vt>.<size>}[lane], [x16]` or its `st1`, encoded here: the
/// assembler takes a lane given at run time as one bit for each of the
/// index's fields. The index is spread over Q (bit 30), S (bit 12) and
/// size (bits 11-10), its low bits dropped for wider lanes; the opcode
/// (bits 15-13) gives the width, and 64-bit lanes set size to 01.
fn lane_access(store: bool, size: u32, lane: u32, vt: u8) -> u32 {
    let load = if store { 0 } else { 1 << 22 };
    let (opcode, index) = match size {
        1 => (0b000, lane & 15),
        2 => (0b010, (lane & 7) << 1),
        4 => (0b100, (lane & 3) << 2),
        _ => (0b100, (lane & 1) << 3 | 1),
    };
    let q = index >> 3 & 1;
    let s = index >> 2 & 1;
    let sz = index & 3;
    0x0d00_0000
        | load
        | q << 30
        | opcode << 13
        | s << 12
        | sz << 10
        | u32::from(X16) << 5
        | u32::from(vt)
}

impl FnGen<'_> {
    /// The slot of vector value `value`, if it is one.
    pub(super) fn vector_slot(&self, value: u16) -> Option<u16> {
        value.checked_sub(self.vector_base?)
    }

    /// Where the vector at `slot` is.
    pub(super) fn vloc(&self, slot: u16) -> L {
        let base = self.vector_base.expect("a function with vectors");
        match self.alloc.loc[(base + slot) as usize] {
            Loc::Reg(_, r) => L::V(FLOAT_POOL[r as usize]),
            Loc::Mem => L::M(super::cell(slot)),
        }
    }

    /// `q<v>` = the sixteen bytes at `[x26 + off]`.
    pub(super) fn load_q(&mut self, v: u8, off: u32) {
        if off.is_multiple_of(16) {
            asm!(self.asm; ldr Q(v), [x26, #off]);
        } else if off < 256 {
            asm!(self.asm; ldur Q(v), [x26, #off as i32]);
        } else {
            asm!(self.asm; add x16, x26, #off; ldr Q(v), [x16]);
        }
    }

    /// The sixteen bytes at `[x26 + off]` = `q<v>`.
    pub(super) fn store_q(&mut self, v: u8, off: u32) {
        if off.is_multiple_of(16) {
            asm!(self.asm; str Q(v), [x26, #off]);
        } else if off < 256 {
            asm!(self.asm; stur Q(v), [x26, #off as i32]);
        } else {
            asm!(self.asm; add x16, x26, #off; str Q(v), [x16]);
        }
    }

    /// The vector at `slot` in a register: its own, or `scratch`.
    fn vsrc(&mut self, slot: u16, scratch: u8) -> u8 {
        match self.const_vector {
            Some((_, s, ConstVector::Reg(r))) if s == slot => return r,
            Some((_, s, ConstVector::Value(value))) if s == slot => {
                if value == 0 {
                    asm!(self.asm; movi V(scratch).D2, #0);
                } else {
                    self.load_constant(scratch, value);
                }
                return scratch;
            }
            _ => {}
        }
        match self.vloc(slot) {
            L::V(v) => v,
            L::M(d) => {
                self.load_q(scratch, d);
                scratch
            }
            L::G(_) => unreachable!("vectors live in vector registers or memory"),
        }
    }

    /// The register to compute the vector for `slot` in: its own, or `v0`.
    fn vdst(&self, slot: u16) -> u8 {
        match self.vloc(slot) {
            L::V(v) => v,
            _ => 0,
        }
    }

    /// Puts the vector in `v` into `slot`.
    fn vset(&mut self, slot: u16, v: u8) {
        match self.vloc(slot) {
            L::V(d) if d == v => {}
            L::V(d) => asm!(self.asm; mov V(d).B16, V(v).B16),
            L::M(d) => self.store_q(v, d),
            L::G(_) => unreachable!("vectors live in vector registers or memory"),
        }
    }

    /// Puts the vector at `slot` into frame cells `cell` and `cell + 1`.
    pub(super) fn put_vector_cell(&mut self, cell: u16, slot: u16) {
        let off = super::cell(cell);
        match self.vloc(slot) {
            L::M(d) if d == off => {}
            _ => {
                let v = self.vsrc(slot, 0);
                self.store_q(v, off);
            }
        }
    }

    /// The label of 128-bit constant `value` in the function's constants
    /// (after its code).
    fn vector_constant(&mut self, value: u128) -> DynamicLabel {
        if let Some(&(l, _)) = self.vector_constants.iter().find(|c| c.1 == value) {
            return l;
        }
        let l = self.asm.new_dynamic_label();
        self.vector_constants.push((l, value));
        l
    }

    /// On entry into an innermost loop without calls: the constant vectors
    /// its instructions take straight from a `v128.const` before them
    /// (`Allocation::const_vector`) go into `v10`-`v15` (six at most), once,
    /// instead of being loaded on every iteration. Those registers hold no
    /// allocated value, and nothing in a loop without calls clobbers them.
    pub(super) fn loop_constants(&mut self, head: usize, end: usize) {
        self.loop_constants.clear();
        let code = self.code;
        if code[head..=end].iter().any(|i| super::is_barrier(i.op)) {
            return;
        }
        for p in head..end.saturating_sub(1) {
            if code[p].op != Op::V128Const
                || !self.alloc.const_vector(p + 2)
                || self.labels[p + 2].is_some()
            {
                continue;
            }
            let value = code[p].imm as u128 | (code[p + 1].imm as u128) << 64;
            if self.loop_constants.len() == 6 || self.loop_constants.iter().any(|c| c.0 == value) {
                continue;
            }
            let r = 10 + self.loop_constants.len() as u8;
            if value == 0 {
                asm!(self.asm; movi V(r).D2, #0);
            } else {
                self.load_constant(r, value);
            }
            self.loop_constants.push((value, r));
        }
        self.loop_end = end;
    }

    /// `q<v>` = `value`: a PC-relative load of the function's copy of the
    /// constant after its code, or in a far function (see `FnGen::far`)
    /// of one right here, which a `b` skips.
    fn load_constant(&mut self, v: u8, value: u128) {
        if self.far {
            // ldr q<v>, #8; b #20; the sixteen bytes.
            self.asm.push_u32(0x9c00_0040 | u32::from(v));
            self.asm.push_u32(0x1400_0005);
            for b in value.to_le_bytes() {
                self.asm.push(b);
            }
            return;
        }
        let l = self.vector_constant(value);
        asm!(self.asm; ldr Q(v), =>l);
    }

    /// Emits the function's 128-bit constants, 16-byte aligned.
    pub(super) fn vector_constant_words(&mut self) {
        if self.vector_constants.is_empty() {
            return;
        }
        while !self.asm.offset().0.is_multiple_of(16) {
            self.asm.push_u32(0);
        }
        for (l, value) in std::mem::take(&mut self.vector_constants) {
            asm!(self.asm; =>l);
            for b in value.to_le_bytes() {
                self.asm.push(b);
            }
        }
    }

    /// Emits vector instruction `pc`; returns the next pc to emit.
    pub(super) fn simd(&mut self, pc: usize, i: &Instr) -> usize {
        use Op::*;
        if let Some((op, shape, swapped)) = binary(i.op) {
            let (x, y) = if swapped { (i.c, i.b) } else { (i.b, i.c) };
            let b = self.vsrc(x, 0);
            let mut c = self.vsrc(y, 1);
            let d = self.vdst(i.a);
            if matches!(
                op,
                Bin::FAdd | Bin::FSub | Bin::FMul | Bin::FDiv | Bin::FMin | Bin::FMax
            ) && !self.quiet_constant(pc, y, shape)
            {
                // The engines' NaN rule is x86's: the first NaN operand,
                // quieted. NEON prefers a signalling NaN in the second
                // operand to a quiet one in the first: quieting the second
                // operand first (`fminnm` of a lane with itself quiets a
                // NaN and keeps a number) leaves the two rules the same.
                if shape == Shape::S4 {
                    asm!(self.asm; fminnm v31.S4, V(c).S4, V(c).S4);
                } else {
                    asm!(self.asm; fminnm v31.D2, V(c).D2, V(c).D2);
                }
                c = VT;
            }
            self.bin(op, shape, d, b, c);
            self.vset(i.a, d);
            return pc + 1;
        }
        if let Some((op, shape)) = unary(i.op) {
            let b = self.vsrc(i.b, 0);
            let d = self.vdst(i.a);
            self.un(op, shape, d, b);
            self.vset(i.a, d);
            return pc + 1;
        }
        if let Some((shape, kind, imm)) = shift(i.op) {
            self.lane_shift(i, shape, kind, imm);
            return pc + 1;
        }
        match i.op {
            CopyV128 => {
                let v = self.vsrc(i.b, 0);
                self.vset(i.a, v);
            }
            SelectV128 => {
                // The condition as a mask of all ones or zeros, in v31.
                let cond = self.gpr(i.imm as u16, X9);
                asm!(self.asm
                    ; cmp WSP(cond), #0
                    ; csetm x9, ne
                    ; dup v31.D2, x9
                );
                let b = self.vsrc(i.b, 0);
                let c = self.vsrc(i.c, 1);
                asm!(self.asm; bsl v31.B16, V(b).B16, V(c).B16);
                self.vset(i.a, VT);
            }
            V128Const => {
                let hi = self.code[pc + 1].imm;
                let value = i.imm as u128 | (hi as u128) << 64;
                if self.alloc.const_vector(pc + 2) && self.labels[pc + 2].is_none() {
                    // Its only reader takes it from where it is.
                    let at = match self.loop_constants.iter().find(|c| c.0 == value) {
                        Some(&(_, r)) if pc <= self.loop_end => ConstVector::Reg(r),
                        _ => ConstVector::Value(value),
                    };
                    self.const_vector = Some((pc + 2, i.a, at));
                    return pc + 2;
                }
                let d = self.vdst(i.a);
                if i.imm == 0 && hi == 0 {
                    asm!(self.asm; movi V(d).D2, #0);
                } else {
                    self.load_constant(d, i.imm as u128 | (hi as u128) << 64);
                }
                self.vset(i.a, d);
                return pc + 2;
            }
            GlobalGetV128 => {
                self.load_vmctx(X16, vmctx::GLOBALS + 8 * i.imm as i32);
                let d = self.vdst(i.a);
                asm!(self.asm; ldr Q(d), [x16]);
                self.vset(i.a, d);
            }
            GlobalSetV128 => {
                let v = self.vsrc(i.b, 0);
                self.load_vmctx(X16, vmctx::GLOBALS + 8 * i.imm as i32);
                asm!(self.asm; str Q(v), [x16]);
            }
            I8x16Splat | I16x8Splat | I32x4Splat | I64x2Splat => {
                let r = self.gpr(i.b, X9);
                let d = self.vdst(i.a);
                match i.op {
                    I8x16Splat => asm!(self.asm; dup V(d).B16, W(r)),
                    I16x8Splat => asm!(self.asm; dup V(d).H8, W(r)),
                    I32x4Splat => asm!(self.asm; dup V(d).S4, W(r)),
                    _ => asm!(self.asm; dup V(d).D2, X(r)),
                }
                self.vset(i.a, d);
            }
            F32x4Splat | F64x2Splat => {
                let f = self.fpr(i.b, 1);
                let d = self.vdst(i.a);
                if i.op == F32x4Splat {
                    asm!(self.asm; dup V(d).S4, V(f).S[0]);
                } else {
                    asm!(self.asm; dup V(d).D2, V(f).D[0]);
                }
                self.vset(i.a, d);
            }
            I8x16ExtractLaneS | I8x16ExtractLaneU | I16x8ExtractLaneS | I16x8ExtractLaneU
            | I32x4ExtractLane | I64x2ExtractLane => {
                let v = self.vsrc(i.b, 0);
                let d = self.dst(i.a);
                let k = i.imm as u32;
                match i.op {
                    I8x16ExtractLaneS => asm!(self.asm; smov W(d), V(v).B[k & 15]),
                    I8x16ExtractLaneU => asm!(self.asm; umov W(d), V(v).B[k & 15]),
                    I16x8ExtractLaneS => asm!(self.asm; smov W(d), V(v).H[k & 7]),
                    I16x8ExtractLaneU => asm!(self.asm; umov W(d), V(v).H[k & 7]),
                    I32x4ExtractLane => asm!(self.asm; umov W(d), V(v).S[k & 3]),
                    _ => asm!(self.asm; umov X(d), V(v).D[k & 1]),
                }
                self.set_gpr(i.a, d);
            }
            F32x4ExtractLane | F64x2ExtractLane => {
                let v = self.vsrc(i.b, 0);
                let d = self.fdst(i.a);
                let k = i.imm as u32;
                if i.op == F32x4ExtractLane {
                    asm!(self.asm; dup S(d), V(v).S[k & 3]);
                } else {
                    asm!(self.asm; dup D(d), V(v).D[k & 1]);
                }
                self.set_fpr(i.a, d);
            }
            I8x16ReplaceLane | I16x8ReplaceLane | I32x4ReplaceLane | I64x2ReplaceLane => {
                let r = self.gpr(i.c, X9);
                let b = self.vsrc(i.b, 0);
                if b != 0 {
                    asm!(self.asm; mov v0.B16, V(b).B16);
                }
                let k = i.imm as u32;
                match i.op {
                    I8x16ReplaceLane => asm!(self.asm; mov v0.B[k & 15], W(r)),
                    I16x8ReplaceLane => asm!(self.asm; mov v0.H[k & 7], W(r)),
                    I32x4ReplaceLane => asm!(self.asm; mov v0.S[k & 3], W(r)),
                    _ => asm!(self.asm; mov v0.D[k & 1], X(r)),
                }
                self.vset(i.a, 0);
            }
            F32x4ReplaceLane | F64x2ReplaceLane => {
                let f = self.fpr(i.c, 1);
                let b = self.vsrc(i.b, 0);
                if b != 0 {
                    asm!(self.asm; mov v0.B16, V(b).B16);
                }
                let k = i.imm as u32;
                if i.op == F32x4ReplaceLane {
                    asm!(self.asm; mov v0.S[k & 3], V(f).S[0]);
                } else {
                    asm!(self.asm; mov v0.D[k & 1], V(f).D[0]);
                }
                self.vset(i.a, 0);
            }
            I8x16Ne | I16x8Ne | I32x4Ne | I64x2Ne | F32x4Ne | F64x2Ne => {
                let b = self.vsrc(i.b, 0);
                let c = self.vsrc(i.c, 1);
                let d = self.vdst(i.a);
                let (op, shape) = match i.op {
                    I8x16Ne => (Bin::CmEq, Shape::B16),
                    I16x8Ne => (Bin::CmEq, Shape::H8),
                    I32x4Ne => (Bin::CmEq, Shape::S4),
                    I64x2Ne => (Bin::CmEq, Shape::D2),
                    F32x4Ne => (Bin::FCmEq, Shape::S4),
                    _ => (Bin::FCmEq, Shape::D2),
                };
                self.bin(op, shape, d, b, c);
                asm!(self.asm; mvn V(d).B16, V(d).B16);
                self.vset(i.a, d);
            }
            F32x4PMin | F32x4PMax | F64x2PMin | F64x2PMax | F32x4RelaxedMin | F32x4RelaxedMax
            | F64x2RelaxedMin | F64x2RelaxedMax => {
                // Each is "t where x > y, else f" over the lanes of b and c:
                // pmin is c < b ? c : b, pmax b < c ? c : b; the relaxed
                // ones are x86's minps/maxps, b < c ? b : c and b > c ? b : c
                // (so c when either is NaN or both are zeros). The mask in
                // v31, then the selection there.
                let b = self.vsrc(i.b, 0);
                let c = self.vsrc(i.c, 1);
                let (x, y, t, f) = match i.op {
                    F32x4PMin | F64x2PMin => (b, c, c, b),
                    F32x4PMax | F64x2PMax => (c, b, c, b),
                    F32x4RelaxedMin | F64x2RelaxedMin => (c, b, b, c),
                    _ => (b, c, b, c),
                };
                if matches!(
                    i.op,
                    F32x4PMin | F32x4PMax | F32x4RelaxedMin | F32x4RelaxedMax
                ) {
                    asm!(self.asm; fcmgt v31.S4, V(x).S4, V(y).S4);
                } else {
                    asm!(self.asm; fcmgt v31.D2, V(x).D2, V(y).D2);
                }
                asm!(self.asm; bsl v31.B16, V(t).B16, V(f).B16);
                self.vset(i.a, VT);
            }
            V128Bitselect
            | I8x16RelaxedLaneselect
            | I16x8RelaxedLaneselect
            | I32x4RelaxedLaneselect
            | I64x2RelaxedLaneselect => {
                // a = (a & c) | (b & !c), the mask in v31.
                let m = self.vsrc(i.c, 0);
                asm!(self.asm; mov v31.B16, V(m).B16);
                let x = self.vsrc(i.a, 1);
                let y = self.vsrc(i.b, 0);
                asm!(self.asm; bsl v31.B16, V(x).B16, V(y).B16);
                self.vset(i.a, VT);
            }
            V128AnyTrue | I8x16AllTrue | I16x8AllTrue | I32x4AllTrue | I64x2AllTrue => {
                let v = self.vsrc(i.b, 0);
                match i.op {
                    V128AnyTrue => asm!(self.asm; umaxv s0, V(v).S4),
                    I8x16AllTrue => asm!(self.asm; uminv b0, V(v).B16),
                    I16x8AllTrue => asm!(self.asm; uminv h0, V(v).H8),
                    I32x4AllTrue => asm!(self.asm; uminv s0, V(v).S4),
                    _ => asm!(self.asm
                        // Every 64-bit lane nonzero: none equals zero.
                        ; cmeq v0.D2, V(v).D2, #0
                        ; umaxv s0, v0.S4
                        ; fmov w9, s0
                        ; cmp w9, #0
                    ),
                }
                let d = self.dst(i.a);
                if i.op == I64x2AllTrue {
                    asm!(self.asm; cset W(d), eq);
                } else {
                    asm!(self.asm
                        ; fmov w9, s0
                        ; cmp w9, #0
                        ; cset W(d), ne
                    );
                }
                self.set_gpr(i.a, d);
            }
            I8x16NarrowI16x8S | I8x16NarrowI16x8U | I16x8NarrowI32x4S | I16x8NarrowI32x4U => {
                let b = self.vsrc(i.b, 0);
                let c = self.vsrc(i.c, 1);
                // The low half from b into v0, then the high half from c.
                match i.op {
                    I8x16NarrowI16x8S => {
                        asm!(self.asm; sqxtn v0.B8, V(b).H8; sqxtn2 v0.B16, V(c).H8)
                    }
                    I8x16NarrowI16x8U => {
                        asm!(self.asm; sqxtun v0.B8, V(b).H8; sqxtun2 v0.B16, V(c).H8)
                    }
                    I16x8NarrowI32x4S => {
                        asm!(self.asm; sqxtn v0.H4, V(b).S4; sqxtn2 v0.H8, V(c).S4)
                    }
                    _ => asm!(self.asm; sqxtun v0.H4, V(b).S4; sqxtun2 v0.H8, V(c).S4),
                }
                self.vset(i.a, 0);
            }
            I16x8ExtMulLowI8x16S
            | I16x8ExtMulHighI8x16S
            | I16x8ExtMulLowI8x16U
            | I16x8ExtMulHighI8x16U
            | I32x4ExtMulLowI16x8S
            | I32x4ExtMulHighI16x8S
            | I32x4ExtMulLowI16x8U
            | I32x4ExtMulHighI16x8U
            | I64x2ExtMulLowI32x4S
            | I64x2ExtMulHighI32x4S
            | I64x2ExtMulLowI32x4U
            | I64x2ExtMulHighI32x4U => {
                let b = self.vsrc(i.b, 0);
                let c = self.vsrc(i.c, 1);
                let d = self.vdst(i.a);
                match i.op {
                    I16x8ExtMulLowI8x16S => asm!(self.asm; smull V(d).H8, V(b).B8, V(c).B8),
                    I16x8ExtMulHighI8x16S => asm!(self.asm; smull2 V(d).H8, V(b).B16, V(c).B16),
                    I16x8ExtMulLowI8x16U => asm!(self.asm; umull V(d).H8, V(b).B8, V(c).B8),
                    I16x8ExtMulHighI8x16U => asm!(self.asm; umull2 V(d).H8, V(b).B16, V(c).B16),
                    I32x4ExtMulLowI16x8S => asm!(self.asm; smull V(d).S4, V(b).H4, V(c).H4),
                    I32x4ExtMulHighI16x8S => asm!(self.asm; smull2 V(d).S4, V(b).H8, V(c).H8),
                    I32x4ExtMulLowI16x8U => asm!(self.asm; umull V(d).S4, V(b).H4, V(c).H4),
                    I32x4ExtMulHighI16x8U => asm!(self.asm; umull2 V(d).S4, V(b).H8, V(c).H8),
                    I64x2ExtMulLowI32x4S => asm!(self.asm; smull V(d).D2, V(b).S2, V(c).S2),
                    I64x2ExtMulHighI32x4S => asm!(self.asm; smull2 V(d).D2, V(b).S4, V(c).S4),
                    I64x2ExtMulLowI32x4U => asm!(self.asm; umull V(d).D2, V(b).S2, V(c).S2),
                    _ => asm!(self.asm; umull2 V(d).D2, V(b).S4, V(c).S4),
                }
                self.vset(i.a, d);
            }
            I32x4DotI16x8S => {
                // The products of the low and of the high halves, then
                // the sums of neighbouring pairs.
                let b = self.vsrc(i.b, 0);
                let c = self.vsrc(i.c, 1);
                asm!(self.asm
                    ; smull v31.S4, V(b).H4, V(c).H4
                    ; smull2 v0.S4, V(b).H8, V(c).H8
                );
                let d = self.vdst(i.a);
                asm!(self.asm; addp V(d).S4, v31.S4, v0.S4);
                self.vset(i.a, d);
            }
            F64x2ConvertLowI32x4S | F64x2ConvertLowI32x4U => {
                let b = self.vsrc(i.b, 0);
                let d = self.vdst(i.a);
                if i.op == F64x2ConvertLowI32x4S {
                    asm!(self.asm; sxtl v0.D2, V(b).S2; scvtf V(d).D2, v0.D2);
                } else {
                    asm!(self.asm; uxtl v0.D2, V(b).S2; ucvtf V(d).D2, v0.D2);
                }
                self.vset(i.a, d);
            }
            I32x4TruncSatF64x2SZero
            | I32x4TruncSatF64x2UZero
            | I32x4RelaxedTruncF64x2SZero
            | I32x4RelaxedTruncF64x2UZero => {
                let b = self.vsrc(i.b, 0);
                let d = self.vdst(i.a);
                if matches!(i.op, I32x4TruncSatF64x2SZero | I32x4RelaxedTruncF64x2SZero) {
                    asm!(self.asm; fcvtzs v0.D2, V(b).D2; sqxtn V(d).S2, v0.D2);
                } else {
                    asm!(self.asm; fcvtzu v0.D2, V(b).D2; uqxtn V(d).S2, v0.D2);
                }
                self.vset(i.a, d);
            }
            I8x16Shuffle => {
                // `tbl` over the pair v0:v1 (b then c), the indices a
                // constant: an index of 16 or more picks from c.
                let lanes = i.imm as u128 | (self.code[pc + 1].imm as u128) << 64;
                let b = self.vsrc(i.b, 0);
                if b != 0 {
                    asm!(self.asm; mov v0.B16, V(b).B16);
                }
                let c = self.vsrc(i.c, 1);
                if c != 1 {
                    asm!(self.asm; mov v1.B16, V(c).B16);
                }
                self.load_constant(VT, lanes);
                let d = self.vdst(i.a);
                asm!(self.asm; tbl V(d).B16, {v0.B16, v1.B16}, v31.B16);
                self.vset(i.a, d);
                return pc + 2;
            }
            I8x16Bitmask | I16x8Bitmask | I32x4Bitmask | I64x2Bitmask => {
                // Each lane's sign as all ones or zeros, and-ed with its bit
                // of the mask, then the lanes summed.
                let v = self.vsrc(i.b, 0);
                let d = self.dst(i.a);
                match i.op {
                    I8x16Bitmask => {
                        asm!(self.asm; cmlt v31.B16, V(v).B16, #0);
                        self.load_constant(0, 0x8040_2010_0804_0201_8040_2010_0804_0201);
                        asm!(self.asm
                            ; and v31.B16, v31.B16, v0.B16
                            // The high half's bytes beside the low half's:
                            // each 16-bit lane then holds both halves' bits.
                            ; ext v0.B16, v31.B16, v31.B16, #8
                            ; zip1 v31.B16, v31.B16, v0.B16
                            ; addv h31, v31.H8
                            ; umov W(d), v31.H[0]
                        );
                    }
                    I16x8Bitmask => {
                        asm!(self.asm; cmlt v31.H8, V(v).H8, #0);
                        self.load_constant(0, 0x0080_0040_0020_0010_0008_0004_0002_0001);
                        asm!(self.asm
                            ; and v31.B16, v31.B16, v0.B16
                            ; addv h31, v31.H8
                            ; umov W(d), v31.H[0]
                        );
                    }
                    I32x4Bitmask => {
                        asm!(self.asm; cmlt v31.S4, V(v).S4, #0);
                        self.load_constant(0, 0x0000_0008_0000_0004_0000_0002_0000_0001);
                        asm!(self.asm
                            ; and v31.B16, v31.B16, v0.B16
                            ; addv s31, v31.S4
                            ; umov W(d), v31.S[0]
                        );
                    }
                    _ => asm!(self.asm
                        ; cmlt v31.D2, V(v).D2, #0
                        ; umov x9, v31.D[0]
                        ; umov x16, v31.D[1]
                        ; and w9, w9, #1
                        ; and w16, w16, #2
                        ; orr W(d), w9, w16
                    ),
                }
                self.set_gpr(i.a, d);
            }
            I64x2Mul => {
                // NEON has no 64-bit lane multiply: each lane in general
                // registers.
                let b = self.vsrc(i.b, 0);
                let c = self.vsrc(i.c, 1);
                asm!(self.asm
                    ; umov x9, V(b).D[0]
                    ; umov x16, V(c).D[0]
                    ; mul x9, x9, x16
                    ; umov x16, V(b).D[1]
                    ; umov x17, V(c).D[1]
                    ; mul x16, x16, x17
                    ; mov v31.D[0], x9
                    ; mov v31.D[1], x16
                );
                self.vset(i.a, VT);
            }
            F32x4RelaxedMadd | F32x4RelaxedNmadd | F64x2RelaxedMadd | F64x2RelaxedNmadd => {
                self.relaxed_madd(i)
            }
            I16x8RelaxedDotI8x16I7x16S | I32x4RelaxedDotI8x16I7x16AddS => self.relaxed_dot(i),
            V128Load8Lane | V128Load16Lane | V128Load32Lane | V128Load64Lane => {
                // The vector first: reloading it may take x16.
                let c = self.vsrc(i.c, 0);
                let d = self.vdst(i.a);
                if d != c {
                    asm!(self.asm; mov V(d).B16, V(c).B16);
                }
                self.lane_address(pc, i);
                let word = lane_access(false, crate::backend::lane_size(i.op), i.lane().into(), d);
                self.asm.push_u32(word);
                self.vset(i.a, d);
            }
            V128Store8Lane | V128Store16Lane | V128Store32Lane | V128Store64Lane => {
                let v = self.vsrc(i.c, 0);
                self.lane_address(pc, i);
                let word = lane_access(true, crate::backend::lane_size(i.op), i.lane().into(), v);
                self.asm.push_u32(word);
            }
            _ => self.simd_load_store(pc, i),
        }
        pc + 1
    }

    /// `x16` = the address of lane access `pc`: memory 0's base, the index,
    /// the offset (`ld1`/`st1` of one lane take a plain register). The guard
    /// pages catch what is out of bounds in a 32-bit memory; a 64-bit one's
    /// bounds are checked by `address`.
    fn lane_address(&mut self, pc: usize, i: &Instr) {
        use super::mem::Addr;
        let off = i.lane_offset();
        if self.m.memory64 {
            let j = Instr { imm: off, ..*i };
            match self.address(pc, &j, crate::backend::lane_size(i.op) as u8) {
                Addr::Reg(b, x) => asm!(self.asm; add x16, X(b), X(x)),
                Addr::Off(b, k) if k < 4096 => asm!(self.asm; add XSP(16), XSP(b), #k),
                Addr::Off(b, k) => {
                    self.mov_imm(X17, k.into());
                    asm!(self.asm; add x16, X(b), x17);
                }
                Addr::Ext(b, x) => asm!(self.asm; add x16, XSP(b), W(x), uxtw),
            }
            self.base = None;
            return;
        }
        self.base = None;
        let index = self.gpr(i.b, X9);
        if off == 0 {
            asm!(self.asm; add x16, x27, W(index), uxtw);
        } else {
            self.add_imm(X16, 27, off);
            asm!(self.asm; add x16, x16, W(index), uxtw);
        }
    }

    /// relaxed_madd: `a` = (a * b) + c; relaxed_nmadd: `a` = c - (a * b);
    /// unfused, with the engines' NaN rule (x86's: the first NaN operand,
    /// quieted, in the order lanes.rs takes them). The product's second
    /// operand and madd's addend are quieted first, as in `simd`'s lane
    /// arithmetic; the product itself is never a signalling NaN.
    fn relaxed_madd(&mut self, i: &Instr) {
        use Op::*;
        let wide = matches!(i.op, F64x2RelaxedMadd | F64x2RelaxedNmadd);
        let a = self.vsrc(i.a, 0);
        let b = self.vsrc(i.b, 1);
        if wide {
            asm!(self.asm; fminnm v31.D2, V(b).D2, V(b).D2; fmul v31.D2, V(a).D2, v31.D2);
        } else {
            asm!(self.asm; fminnm v31.S4, V(b).S4, V(b).S4; fmul v31.S4, V(a).S4, v31.S4);
        }
        let c = self.vsrc(i.c, 0);
        let d = self.vdst(i.a);
        match i.op {
            F32x4RelaxedMadd => {
                asm!(self.asm; fminnm v1.S4, V(c).S4, V(c).S4; fadd V(d).S4, v31.S4, v1.S4)
            }
            F64x2RelaxedMadd => {
                asm!(self.asm; fminnm v1.D2, V(c).D2, V(c).D2; fadd V(d).D2, v31.D2, v1.D2)
            }
            F32x4RelaxedNmadd => asm!(self.asm; fsub V(d).S4, V(c).S4, v31.S4),
            _ => asm!(self.asm; fsub V(d).D2, V(c).D2, v31.D2),
        }
        self.vset(i.a, d);
    }

    /// The relaxed dot products, as x86's `pmaddubsw` (see lanes.rs): each
    /// i16 lane the saturated sum of two products of a signed byte of the
    /// first operand and an unsigned byte of the second; the `_add` form
    /// adds adjacent pairs of those to `c`'s i32 lanes. The products are
    /// exact in i16 lanes (widened with `sxtl`/`uxtl`), their even and odd
    /// halves parted by `uzp1`/`uzp2`. `v8` and `v9` are scratch here (the
    /// entry trampoline saves `d8`-`d15`; no value lives in them).
    fn relaxed_dot(&mut self, i: &Instr) {
        let add = i.op == Op::I32x4RelaxedDotI8x16I7x16AddS;
        let (s, u) = if add { (i.a, i.b) } else { (i.b, i.c) };
        let s = self.vsrc(s, 0);
        let u = self.vsrc(u, 1);
        asm!(self.asm
            ; sxtl v31.H8, V(s).B8
            ; uxtl v8.H8, V(u).B8
            ; mul v31.H8, v31.H8, v8.H8
            ; sxtl2 v8.H8, V(s).B16
            ; uxtl2 v9.H8, V(u).B16
            ; mul v8.H8, v8.H8, v9.H8
            ; uzp1 v9.H8, v31.H8, v8.H8
            ; uzp2 v31.H8, v31.H8, v8.H8
        );
        if !add {
            let d = self.vdst(i.a);
            asm!(self.asm; sqadd V(d).H8, v9.H8, v31.H8);
            self.vset(i.a, d);
            return;
        }
        asm!(self.asm
            ; sqadd v31.H8, v9.H8, v31.H8
            ; saddlp v31.S4, v31.H8
        );
        let c = self.vsrc(i.c, 0);
        let d = self.vdst(i.a);
        asm!(self.asm; add V(d).S4, v31.S4, V(c).S4);
        self.vset(i.a, d);
    }

    /// Whether the vector at `slot`, read by instruction `pc`, is the
    /// constant the instruction just before it set, with no signalling NaN
    /// among its lanes of `shape`.
    fn quiet_constant(&self, pc: usize, slot: u16, shape: Shape) -> bool {
        let Some(k) = pc.checked_sub(2) else {
            return false;
        };
        let (i, hi) = (self.code[k], self.code[k + 1]);
        if i.op != Op::V128Const || i.a != slot || self.labels[pc].is_some() {
            return false;
        }
        let value = i.imm as u128 | (hi.imm as u128) << 64;
        let signalling = |bits: u128, exp: u128, quiet: u128| {
            bits & exp == exp && bits & quiet == 0 && bits & (quiet - 1) != 0
        };
        if shape == Shape::S4 {
            (0..4).all(|l| !signalling(value >> (32 * l) & 0xffff_ffff, 0x7f80_0000, 0x0040_0000))
        } else {
            (0..2).all(|l| {
                let bits = value >> (64 * l) & 0xffff_ffff_ffff_ffff;
                !signalling(bits, 0x7ff0_0000_0000_0000, 0x0008_0000_0000_0000)
            })
        }
    }

    /// `d` = `b` op `c`, lane-wise.
    fn bin(&mut self, op: Bin, shape: Shape, d: u8, b: u8, c: u8) {
        macro_rules! lanes {
            ($($op:ident => $mn:ident [$($shape:ident => $t:ident),*]),*) => {
                match (op, shape) {
                    $($(
                        (Bin::$op, Shape::$shape) => asm!(self.asm; $mn V(d).$t, V(b).$t, V(c).$t),
                    )*)*
                    (Bin::Tbl, _) => asm!(self.asm; tbl V(d).B16, {V(b).B16 * 1}, V(c).B16),
                    (Bin::And, _) => asm!(self.asm; and V(d).B16, V(b).B16, V(c).B16),
                    (Bin::Orr, _) => asm!(self.asm; orr V(d).B16, V(b).B16, V(c).B16),
                    (Bin::Eor, _) => asm!(self.asm; eor V(d).B16, V(b).B16, V(c).B16),
                    (Bin::Bic, _) => asm!(self.asm; bic V(d).B16, V(b).B16, V(c).B16),
                    _ => unreachable!("no such lane op"),
                }
            };
        }
        lanes!(
            Add => add [B16 => B16, H8 => H8, S4 => S4, D2 => D2],
            Sub => sub [B16 => B16, H8 => H8, S4 => S4, D2 => D2],
            Mul => mul [B16 => B16, H8 => H8, S4 => S4],
            SqAdd => sqadd [B16 => B16, H8 => H8],
            UqAdd => uqadd [B16 => B16, H8 => H8],
            SqSub => sqsub [B16 => B16, H8 => H8],
            UqSub => uqsub [B16 => B16, H8 => H8],
            SMin => smin [B16 => B16, H8 => H8, S4 => S4],
            UMin => umin [B16 => B16, H8 => H8, S4 => S4],
            SMax => smax [B16 => B16, H8 => H8, S4 => S4],
            UMax => umax [B16 => B16, H8 => H8, S4 => S4],
            URhadd => urhadd [B16 => B16, H8 => H8],
            SqRdMulh => sqrdmulh [H8 => H8],
            CmEq => cmeq [B16 => B16, H8 => H8, S4 => S4, D2 => D2],
            CmGt => cmgt [B16 => B16, H8 => H8, S4 => S4, D2 => D2],
            CmHi => cmhi [B16 => B16, H8 => H8, S4 => S4],
            CmGe => cmge [B16 => B16, H8 => H8, S4 => S4, D2 => D2],
            CmHs => cmhs [B16 => B16, H8 => H8, S4 => S4],
            FAdd => fadd [S4 => S4, D2 => D2],
            FSub => fsub [S4 => S4, D2 => D2],
            FMul => fmul [S4 => S4, D2 => D2],
            FDiv => fdiv [S4 => S4, D2 => D2],
            FMin => fmin [S4 => S4, D2 => D2],
            FMax => fmax [S4 => S4, D2 => D2],
            FCmEq => fcmeq [S4 => S4, D2 => D2],
            FCmGt => fcmgt [S4 => S4, D2 => D2],
            FCmGe => fcmge [S4 => S4, D2 => D2]
        );
    }

    /// `d` = op(`b`), lane-wise (`shape`: the operand's).
    fn un(&mut self, op: Un, shape: Shape, d: u8, b: u8) {
        use Shape::*;
        use Un::*;
        match (op, shape) {
            (Not, _) => asm!(self.asm; mvn V(d).B16, V(b).B16),
            (Cnt, _) => asm!(self.asm; cnt V(d).B16, V(b).B16),
            (Abs, B16) => asm!(self.asm; abs V(d).B16, V(b).B16),
            (Abs, H8) => asm!(self.asm; abs V(d).H8, V(b).H8),
            (Abs, S4) => asm!(self.asm; abs V(d).S4, V(b).S4),
            (Abs, D2) => asm!(self.asm; abs V(d).D2, V(b).D2),
            (Neg, B16) => asm!(self.asm; neg V(d).B16, V(b).B16),
            (Neg, H8) => asm!(self.asm; neg V(d).H8, V(b).H8),
            (Neg, S4) => asm!(self.asm; neg V(d).S4, V(b).S4),
            (Neg, D2) => asm!(self.asm; neg V(d).D2, V(b).D2),
            (FAbs, S4) => asm!(self.asm; fabs V(d).S4, V(b).S4),
            (FAbs, _) => asm!(self.asm; fabs V(d).D2, V(b).D2),
            (FNeg, S4) => asm!(self.asm; fneg V(d).S4, V(b).S4),
            (FNeg, _) => asm!(self.asm; fneg V(d).D2, V(b).D2),
            (FSqrt, S4) => asm!(self.asm; fsqrt V(d).S4, V(b).S4),
            (FSqrt, _) => asm!(self.asm; fsqrt V(d).D2, V(b).D2),
            (FrintP, S4) => asm!(self.asm; frintp V(d).S4, V(b).S4),
            (FrintP, _) => asm!(self.asm; frintp V(d).D2, V(b).D2),
            (FrintM, S4) => asm!(self.asm; frintm V(d).S4, V(b).S4),
            (FrintM, _) => asm!(self.asm; frintm V(d).D2, V(b).D2),
            (FrintZ, S4) => asm!(self.asm; frintz V(d).S4, V(b).S4),
            (FrintZ, _) => asm!(self.asm; frintz V(d).D2, V(b).D2),
            (FrintN, S4) => asm!(self.asm; frintn V(d).S4, V(b).S4),
            (FrintN, _) => asm!(self.asm; frintn V(d).D2, V(b).D2),
            (Scvtf, _) => asm!(self.asm; scvtf V(d).S4, V(b).S4),
            (Ucvtf, _) => asm!(self.asm; ucvtf V(d).S4, V(b).S4),
            (Fcvtzs, _) => asm!(self.asm; fcvtzs V(d).S4, V(b).S4),
            (Fcvtzu, _) => asm!(self.asm; fcvtzu V(d).S4, V(b).S4),
            (Sxtl, B16) => asm!(self.asm; sxtl V(d).H8, V(b).B8),
            (Sxtl, H8) => asm!(self.asm; sxtl V(d).S4, V(b).H4),
            (Sxtl, _) => asm!(self.asm; sxtl V(d).D2, V(b).S2),
            (Sxtl2, B16) => asm!(self.asm; sxtl2 V(d).H8, V(b).B16),
            (Sxtl2, H8) => asm!(self.asm; sxtl2 V(d).S4, V(b).H8),
            (Sxtl2, _) => asm!(self.asm; sxtl2 V(d).D2, V(b).S4),
            (Uxtl, B16) => asm!(self.asm; uxtl V(d).H8, V(b).B8),
            (Uxtl, H8) => asm!(self.asm; uxtl V(d).S4, V(b).H4),
            (Uxtl, _) => asm!(self.asm; uxtl V(d).D2, V(b).S2),
            (Uxtl2, B16) => asm!(self.asm; uxtl2 V(d).H8, V(b).B16),
            (Uxtl2, H8) => asm!(self.asm; uxtl2 V(d).S4, V(b).H8),
            (Uxtl2, _) => asm!(self.asm; uxtl2 V(d).D2, V(b).S4),
            (Saddlp, B16) => asm!(self.asm; saddlp V(d).H8, V(b).B16),
            (Saddlp, _) => asm!(self.asm; saddlp V(d).S4, V(b).H8),
            (Uaddlp, B16) => asm!(self.asm; uaddlp V(d).H8, V(b).B16),
            (Uaddlp, _) => asm!(self.asm; uaddlp V(d).S4, V(b).H8),
            // The upper half of the result is zero.
            (Fcvtn, _) => asm!(self.asm; fcvtn V(d).S2, V(b).D2),
            (Fcvtl, _) => asm!(self.asm; fcvtl V(d).D2, V(b).S2),
        }
    }

    /// Lane shifts, by the count modulo the lane width: an immediate in the
    /// instruction (a right shift by 0 is a copy), a count from a slot
    /// splatted into v31 for `sshl`/`ushl` (negated for a right shift).
    fn lane_shift(&mut self, i: &Instr, shape: Shape, kind: u8, imm: bool) {
        use Shape::*;
        let bits: u32 = match shape {
            B16 => 8,
            H8 => 16,
            S4 => 32,
            D2 => 64,
        };
        let b = self.vsrc(i.b, 0);
        let d = self.vdst(i.a);
        if imm {
            let k = i.imm as u32 & (bits - 1);
            match (kind, shape) {
                (_, _) if k == 0 => {
                    if d != b {
                        asm!(self.asm; mov V(d).B16, V(b).B16);
                    }
                }
                (0, B16) => asm!(self.asm; shl V(d).B16, V(b).B16, #k),
                (0, H8) => asm!(self.asm; shl V(d).H8, V(b).H8, #k),
                (0, S4) => asm!(self.asm; shl V(d).S4, V(b).S4, #k),
                (0, _) => asm!(self.asm; shl V(d).D2, V(b).D2, #k),
                (1, B16) => asm!(self.asm; sshr V(d).B16, V(b).B16, #k),
                (1, H8) => asm!(self.asm; sshr V(d).H8, V(b).H8, #k),
                (1, S4) => asm!(self.asm; sshr V(d).S4, V(b).S4, #k),
                (1, _) => asm!(self.asm; sshr V(d).D2, V(b).D2, #k),
                (_, B16) => asm!(self.asm; ushr V(d).B16, V(b).B16, #k),
                (_, H8) => asm!(self.asm; ushr V(d).H8, V(b).H8, #k),
                (_, S4) => asm!(self.asm; ushr V(d).S4, V(b).S4, #k),
                (_, _) => asm!(self.asm; ushr V(d).D2, V(b).D2, #k),
            }
            self.vset(i.a, d);
            return;
        }
        let r = self.gpr(i.c, X9);
        asm!(self.asm; and w9, W(r), #bits - 1);
        if kind != 0 {
            asm!(self.asm; neg w9, w9);
        }
        match shape {
            B16 => asm!(self.asm; dup v31.B16, w9),
            H8 => asm!(self.asm; dup v31.H8, w9),
            S4 => asm!(self.asm; dup v31.S4, w9),
            D2 => asm!(self.asm; sxtw x9, w9; dup v31.D2, x9),
        }
        match (kind, shape) {
            (1, B16) => asm!(self.asm; sshl V(d).B16, V(b).B16, v31.B16),
            (1, H8) => asm!(self.asm; sshl V(d).H8, V(b).H8, v31.H8),
            (1, S4) => asm!(self.asm; sshl V(d).S4, V(b).S4, v31.S4),
            (1, _) => asm!(self.asm; sshl V(d).D2, V(b).D2, v31.D2),
            (_, B16) => asm!(self.asm; ushl V(d).B16, V(b).B16, v31.B16),
            (_, H8) => asm!(self.asm; ushl V(d).H8, V(b).H8, v31.H8),
            (_, S4) => asm!(self.asm; ushl V(d).S4, V(b).S4, v31.S4),
            (_, _) => asm!(self.asm; ushl V(d).D2, V(b).D2, v31.D2),
        }
        self.vset(i.a, d);
    }

    /// The vector loads and stores.
    fn simd_load_store(&mut self, pc: usize, i: &Instr) {
        use super::mem::Insn;
        use Op::*;
        if i.op == V128Store {
            let v = self.vsrc(i.c, 1);
            let a = self.address(pc, i, 16);
            self.access(Insn::StrQ, v, a);
            return;
        }
        let d = self.vdst(i.a);
        let (size, insn, into) = match i.op {
            V128Load => (16, Insn::LdrQ, d),
            // A scalar load clears the rest of the register.
            V128Load32Zero => (4, Insn::LdrS, d),
            V128Load64Zero => (8, Insn::LdrD, d),
            V128Load8Splat => (1, Insn::LdrB, 0),
            V128Load16Splat => (2, Insn::LdrH, 0),
            V128Load32Splat => (4, Insn::LdrS, 0),
            _ => (8, Insn::LdrD, 0),
        };
        let a = self.address(pc, i, size);
        self.access(insn, into, a);
        match i.op {
            V128Load8Splat => asm!(self.asm; dup V(d).B16, v0.B[0]),
            V128Load16Splat => asm!(self.asm; dup V(d).H8, v0.H[0]),
            V128Load32Splat => asm!(self.asm; dup V(d).S4, v0.S[0]),
            V128Load64Splat => asm!(self.asm; dup V(d).D2, v0.D[0]),
            V128Load8x8S => asm!(self.asm; sxtl V(d).H8, v0.B8),
            V128Load8x8U => asm!(self.asm; uxtl V(d).H8, v0.B8),
            V128Load16x4S => asm!(self.asm; sxtl V(d).S4, v0.H4),
            V128Load16x4U => asm!(self.asm; uxtl V(d).S4, v0.H4),
            V128Load32x2S => asm!(self.asm; sxtl V(d).D2, v0.S2),
            V128Load32x2U => asm!(self.asm; uxtl V(d).D2, v0.S2),
            _ => {}
        }
        self.vset(i.a, d);
    }
}

#[cfg(test)]
mod tests {
    use super::lane_access;
    use dynasmrt::aarch64::Aarch64Relocation;
    use dynasmrt::{dynasm, VecAssembler};

    /// The hand encoding of one-lane `ld1`/`st1` matches the assembler's
    /// for lanes written as constants (which it encodes correctly).
    #[test]
    fn lane_access_encoding() {
        let mut a = VecAssembler::<Aarch64Relocation>::new(0);
        dynasm!(a ; .arch aarch64
            ; ld1 {v3.B * 1}[5], [x16]
            ; ld1 {v3.B * 1}[14], [x16]
            ; ld1 {v30.H * 1}[6], [x16]
            ; ld1 {v7.S * 1}[3], [x16]
            ; ld1 {v7.D * 1}[1], [x16]
            ; st1 {v0.B * 1}[9], [x16]
            ; st1 {v0.H * 1}[3], [x16]
            ; st1 {v31.S * 1}[2], [x16]
            ; st1 {v2.D * 1}[0], [x16]
        );
        let words: Vec<u32> = a
            .finalize()
            .unwrap()
            .chunks(4)
            .map(|w| u32::from_le_bytes(w.try_into().unwrap()))
            .collect();
        let ours = [
            lane_access(false, 1, 5, 3),
            lane_access(false, 1, 14, 3),
            lane_access(false, 2, 6, 30),
            lane_access(false, 4, 3, 7),
            lane_access(false, 8, 1, 7),
            lane_access(true, 1, 9, 0),
            lane_access(true, 2, 3, 0),
            lane_access(true, 4, 2, 31),
            lane_access(true, 8, 0, 2),
        ];
        assert_eq!(words, ours);
    }
}
