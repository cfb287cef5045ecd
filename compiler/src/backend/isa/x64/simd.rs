//! Vector ops on x86_64 with SSE4.1 (the baseline). A v128 is one value of
//! the register allocator (see `regalloc::Effects`): it lives in an xmm
//! register of the float pool or in its two frame cells, `[rbx + 8 * slot]`,
//! sixteen bytes, low half first. `xmm0` and `xmm1` are scratch.
//!
//! Every vector op is compiled: this file has the moves, plain memory
//! accesses and the one-instruction ops; `simd_int.rs`,
//! `simd_shuffle.rs` and `simd_float.rs` the longer sequences.

use super::{s, FnGen, L, RAX, RCX};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};
use zwasm_abi::ir::{Fmt, Instr, Op, Ty};
use zwasm_abi::native::{cpu, vmctx};

macro_rules! asm {
    ($ops:expr; $($t:tt)*) => {
        dynasm!($ops ; .arch x64 ; $($t)*)
    };
}

/// Whether the backend compiles vector op `op` (the others stay IR).
pub(super) fn covers(op: Op) -> bool {
    use Op::*;
    super::simd_int::covers(op)
        || super::simd_float::covers(op)
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
                | V128Load32Splat
                | V128Load64Splat
                | I32x4Splat
                | I64x2Splat
                | F32x4Splat
                | F64x2Splat
                | I32x4ExtractLane
                | I64x2ExtractLane
                | V128And
                | V128Or
                | V128Xor
                | V128AndNot
                | V128Not
                | V128AnyTrue
                | I8x16Bitmask
                | I32x4Bitmask
                | I64x2Bitmask
                | I8x16Add
                | I8x16Sub
                | I8x16AddSatS
                | I8x16AddSatU
                | I8x16SubSatS
                | I8x16SubSatU
                | I8x16MinS
                | I8x16MinU
                | I8x16MaxS
                | I8x16MaxU
                | I8x16AvgrU
                | I8x16Eq
                | I8x16GtS
                | I8x16Abs
                | I16x8Add
                | I16x8Sub
                | I16x8Mul
                | I16x8AddSatS
                | I16x8AddSatU
                | I16x8SubSatS
                | I16x8SubSatU
                | I16x8MinS
                | I16x8MinU
                | I16x8MaxS
                | I16x8MaxU
                | I16x8AvgrU
                | I16x8Eq
                | I16x8GtS
                | I16x8Abs
                | I32x4Add
                | I32x4Sub
                | I32x4Mul
                | I32x4MinS
                | I32x4MinU
                | I32x4MaxS
                | I32x4MaxU
                | I32x4Eq
                | I32x4GtS
                | I32x4Abs
                | I32x4DotI16x8S
                | I64x2Add
                | I64x2Sub
                | I64x2Eq
                | I8x16NarrowI16x8S
                | I8x16NarrowI16x8U
                | I16x8NarrowI32x4S
                | I16x8NarrowI32x4U
                | I16x8ExtendLowI8x16S
                | I16x8ExtendLowI8x16U
                | I32x4ExtendLowI16x8S
                | I32x4ExtendLowI16x8U
                | I64x2ExtendLowI32x4S
                | I64x2ExtendLowI32x4U
                | F32x4Add
                | F32x4Sub
                | F32x4Mul
                | F32x4Div
                | F32x4Sqrt
                | F32x4PMin
                | F32x4PMax
                | F32x4Ceil
                | F32x4Floor
                | F32x4Trunc
                | F32x4Nearest
                | F64x2Add
                | F64x2Sub
                | F64x2Mul
                | F64x2Div
                | F64x2Sqrt
                | F64x2PMin
                | F64x2PMax
                | F64x2Ceil
                | F64x2Floor
                | F64x2Trunc
                | F64x2Nearest
                | F32x4ConvertI32x4S
                | F64x2ConvertLowI32x4S
                | F64x2PromoteLowF32x4
                | F32x4DemoteF64x2Zero
                | I16x8Shl
                | I16x8ShrS
                | I16x8ShrU
                | I32x4Shl
                | I32x4ShrS
                | I32x4ShrU
                | I64x2Shl
                | I64x2ShrU
                | I16x8ShlImm
                | I16x8ShrSImm
                | I16x8ShrUImm
                | I32x4ShlImm
                | I32x4ShrSImm
                | I32x4ShrUImm
                | I64x2ShlImm
                | I64x2ShrUImm
                | V128Bitselect
                | I8x16RelaxedLaneselect
                | I16x8RelaxedLaneselect
                | I32x4RelaxedLaneselect
                | I64x2RelaxedLaneselect
        )
}

/// Whether `op` is a lane compare: each lane of its result all ones or all
/// zeros.
fn lane_compare(op: Op) -> bool {
    let Some((shape, cmp)) = op.name().split_once('.') else {
        return false;
    };
    matches!(
        shape,
        "i8x16" | "i16x8" | "i32x4" | "i64x2" | "f32x4" | "f64x2"
    ) && matches!(
        cmp,
        "eq" | "ne"
            | "lt"
            | "lt_s"
            | "lt_u"
            | "gt"
            | "gt_s"
            | "gt_u"
            | "le"
            | "le_s"
            | "le_u"
            | "ge"
            | "ge_s"
            | "ge_u"
    )
}

/// `a` = op(`b`, `c`) with a two-operand SSE instruction `$mn d, s`, or,
/// with AVX, its three-operand VEX form `$vmn d, b, c` (no copy of `b`).
macro_rules! binary {
    ($g:ident, $i:ident, $mn:ident, $vmn:ident) => {{
        if $g.avx() {
            let (d, b, c) = $g.vex_operands($i.a, $i.b, $i.c);
            asm!($g.asm; $vmn Rx(d), Rx(b), Rx(c));
            $g.vset($i.a, d);
        } else {
            let (d, c) = $g.binary_operands($i.a, $i.b, $i.c);
            asm!($g.asm; $mn Rx(d), Rx(c));
            $g.vset($i.a, d);
        }
    }};
}

/// `a` = op(`c`, `b`): the same with the operands swapped.
macro_rules! swapped {
    ($g:ident, $i:ident, $mn:ident, $vmn:ident) => {{
        if $g.avx() {
            let (d, c, b) = $g.vex_operands($i.a, $i.c, $i.b);
            asm!($g.asm; $vmn Rx(d), Rx(c), Rx(b));
            $g.vset($i.a, d);
        } else {
            let (d, b) = $g.binary_operands($i.a, $i.c, $i.b);
            asm!($g.asm; $mn Rx(d), Rx(b));
            $g.vset($i.a, d);
        }
    }};
}

/// `a` = op(`b`) with an SSE instruction `$mn d, s` that reads only `s`.
macro_rules! unary {
    ($g:ident, $i:ident, $mn:ident $(, $imm:expr)?) => {{
        let b = $g.vsrc($i.b, 1);
        let d = $g.vdst($i.a);
        asm!($g.asm; $mn Rx(d), Rx(b) $(, $imm)?);
        $g.vset($i.a, d);
    }};
}

/// A load of `$size` bytes into a vector with `$mn d, [address]`.
macro_rules! load {
    ($g:ident, $i:ident, $pc:ident, $size:expr, $mn:ident $($w:ident)?) => {{
        let (x, disp) = $g.address($i, $size, $pc);
        let d = $g.vdst($i.a);
        asm!($g.asm; $mn Rx(d), $($w)? [r14 + Rq(x) + disp]);
        d
    }};
}

impl FnGen<'_> {
    /// The value number of vector `slot`'s value, if `value` is one.
    pub(super) fn vector_slot(&self, value: u16) -> Option<u16> {
        let base = self.vector_base?;
        value.checked_sub(base)
    }

    /// Where the vector at `slot` is.
    pub(super) fn vloc(&self, slot: u16) -> L {
        let base = self.vector_base.expect("a function with vectors");
        match self.alloc.loc[(base + slot) as usize] {
            super::Loc::Reg(class, r) => {
                debug_assert_eq!(class, super::Class::Float, "a vector in a general register");
                L::X(super::XMM_POOL[r as usize])
            }
            super::Loc::Mem => L::M(s(slot)),
        }
    }

    /// The vector at `slot` in an xmm register: its own, or `scratch`.
    pub(super) fn vsrc(&mut self, slot: u16, scratch: u8) -> u8 {
        match self.vloc(slot) {
            L::X(x) => x,
            L::M(d) => {
                asm!(self.asm; movdqu Rx(scratch), [rbx + d]);
                scratch
            }
            L::G(_) => unreachable!("vectors live in xmm registers or memory"),
        }
    }

    /// The register to compute the vector for `slot` in: its own, or `xmm0`.
    pub(super) fn vdst(&self, slot: u16) -> u8 {
        match self.vloc(slot) {
            L::X(x) => x,
            _ => 0,
        }
    }

    /// Puts the vector in `x` into `slot`.
    pub(super) fn vset(&mut self, slot: u16, x: u8) {
        match self.vloc(slot) {
            L::X(d) if d == x => {}
            L::X(d) => asm!(self.asm; movdqa Rx(d), Rx(x)),
            L::M(d) => asm!(self.asm; movdqu [rbx + d], Rx(x)),
            L::G(_) => unreachable!("vectors live in xmm registers or memory"),
        }
    }

    /// Puts the vector at `slot` into frame cells `cell` and `cell + 1`.
    pub(super) fn put_vector_cell(&mut self, cell: u16, slot: u16) {
        match self.vloc(slot) {
            L::M(d) if d == s(cell) => {}
            _ => {
                let x = self.vsrc(slot, 0);
                asm!(self.asm; movdqu [rbx + s(cell)], Rx(x));
            }
        }
    }

    /// The registers for `a` = op(`b`, `c`) computed in place: the register
    /// holding `b` (the destination's own, or `xmm0`) and one holding `c`
    /// (never the first unless `c` is `b`).
    pub(super) fn binary_operands(&mut self, a: u16, b: u16, c: u16) -> (u8, u8) {
        let d = self.vdst(a);
        let mut rc = self.vsrc(c, 1);
        if rc == d && b != c {
            asm!(self.asm; movdqa xmm1, Rx(d));
            rc = 1;
        }
        match self.vloc(b) {
            L::X(x) if x == d => {}
            L::X(x) => asm!(self.asm; movdqa Rx(d), Rx(x)),
            L::M(m) => asm!(self.asm; movdqu Rx(d), [rbx + m]),
            L::G(_) => unreachable!("vectors live in xmm registers or memory"),
        }
        if b == c {
            rc = d;
        }
        (d, rc)
    }

    /// Whether the code may use AVX's VEX encodings (`--cpu native` on a
    /// machine with AVX); using them records the feature in the artifact.
    pub(super) fn avx(&mut self) -> bool {
        let yes = self.features & cpu::AVX != 0;
        if yes {
            self.used |= cpu::AVX;
        }
        yes
    }

    /// Whether the code may use AVX2 (then recorded as used).
    pub(super) fn avx2(&mut self) -> bool {
        let yes = self.features & cpu::AVX2 != 0;
        if yes {
            self.used |= cpu::AVX2;
        }
        yes
    }

    /// The registers for `a` = op(`b`, `c`) in a VEX form: the destination
    /// (`a`'s own register or `xmm0`), and registers holding `b` (its own or
    /// `xmm0`) and `c` (its own or `xmm1`).
    fn vex_operands(&mut self, a: u16, b: u16, c: u16) -> (u8, u8, u8) {
        let rb = self.vsrc(b, 0);
        let rc = self.vsrc(c, 1);
        (self.vdst(a), rb, rc)
    }

    /// `xmm1` = all ones.
    pub(super) fn ones_in_xmm1(&mut self) {
        asm!(self.asm; pcmpeqd xmm1, xmm1);
    }

    /// Emits vector instruction `pc`; returns the next pc to emit.
    pub(super) fn simd(&mut self, pc: usize, i: &Instr) -> usize {
        use Op::*;
        match i.op {
            CopyV128 => {
                let x = self.vsrc(i.b, 0);
                self.vset(i.a, x);
            }
            SelectV128 => {
                // xmm0 = c; if cond != 0 then xmm0 = b.
                let c = self.vsrc(i.c, 0);
                if c != 0 {
                    asm!(self.asm; movdqa xmm0, Rx(c));
                }
                let skip = self.asm.new_dynamic_label();
                let cond = self.gpr(i.imm as u16, RAX);
                asm!(self.asm; test Rd(cond), Rd(cond); jz =>skip);
                let b = self.vsrc(i.b, 0);
                if b != 0 {
                    asm!(self.asm; movdqa xmm0, Rx(b));
                }
                asm!(self.asm; =>skip);
                self.vset(i.a, 0);
            }
            V128Const => {
                let hi = self.code[pc + 1].imm;
                let d = self.vdst(i.a);
                if i.imm == 0 && hi == 0 {
                    asm!(self.asm; pxor Rx(d), Rx(d));
                } else {
                    // One load from the function's constants (after its
                    // code), where building it took up to four instructions.
                    let l = self.vector_constant(i.imm as u128 | (hi as u128) << 64);
                    asm!(self.asm; movdqu Rx(d), [=>l]);
                }
                self.vset(i.a, d);
                return pc + 2;
            }
            GlobalGetV128 => {
                let g = vmctx::GLOBALS + 8 * i.imm as i32;
                let d = self.vdst(i.a);
                asm!(self.asm; mov rax, [r15 + g]; movdqu Rx(d), [rax]);
                self.vset(i.a, d);
            }
            GlobalSetV128 => {
                let g = vmctx::GLOBALS + 8 * i.imm as i32;
                let x = self.vsrc(i.b, 0);
                asm!(self.asm; mov rax, [r15 + g]; movdqu [rax], Rx(x));
            }
            V128Load => {
                let d = load!(self, i, pc, 16, movdqu);
                self.vset(i.a, d);
            }
            V128Load32Zero => {
                let d = load!(self, i, pc, 4, movd DWORD);
                self.vset(i.a, d);
            }
            V128Load64Zero => {
                let d = load!(self, i, pc, 8, movq QWORD);
                self.vset(i.a, d);
            }
            V128Load8x8S => {
                let d = load!(self, i, pc, 8, pmovsxbw QWORD);
                self.vset(i.a, d);
            }
            V128Load8x8U => {
                let d = load!(self, i, pc, 8, pmovzxbw QWORD);
                self.vset(i.a, d);
            }
            V128Load16x4S => {
                let d = load!(self, i, pc, 8, pmovsxwd QWORD);
                self.vset(i.a, d);
            }
            V128Load16x4U => {
                let d = load!(self, i, pc, 8, pmovzxwd QWORD);
                self.vset(i.a, d);
            }
            V128Load32x2S => {
                let d = load!(self, i, pc, 8, pmovsxdq QWORD);
                self.vset(i.a, d);
            }
            V128Load32x2U => {
                let d = load!(self, i, pc, 8, pmovzxdq QWORD);
                self.vset(i.a, d);
            }
            V128Load32Splat => {
                let d = load!(self, i, pc, 4, movd DWORD);
                asm!(self.asm; pshufd Rx(d), Rx(d), 0);
                self.vset(i.a, d);
            }
            V128Load64Splat => {
                let d = load!(self, i, pc, 8, movq QWORD);
                asm!(self.asm; punpcklqdq Rx(d), Rx(d));
                self.vset(i.a, d);
            }
            V128Store => {
                let (x, disp) = self.address(i, 16, pc);
                let v = self.vsrc(i.c, 0);
                asm!(self.asm; movdqu [r14 + Rq(x) + disp], Rx(v));
            }

            I32x4Splat | I64x2Splat => {
                let r = self.gpr(i.b, RAX);
                let d = self.vdst(i.a);
                if i.op == I32x4Splat {
                    asm!(self.asm; movd Rx(d), Rd(r); pshufd Rx(d), Rx(d), 0);
                } else {
                    asm!(self.asm; movq Rx(d), Rq(r); punpcklqdq Rx(d), Rx(d));
                }
                self.vset(i.a, d);
            }
            F32x4Splat | F64x2Splat => {
                let x = self.xmm(i.b, 1);
                let d = self.vdst(i.a);
                if i.op == F32x4Splat {
                    asm!(self.asm; pshufd Rx(d), Rx(x), 0);
                } else {
                    asm!(self.asm; pshufd Rx(d), Rx(x), 0x44);
                }
                self.vset(i.a, d);
            }
            I32x4ExtractLane => {
                let v = self.vsrc(i.b, 0);
                let t = self.dst(i.a);
                asm!(self.asm; pextrd Rd(t), Rx(v), (i.imm & 3) as i8);
                self.set_gpr(i.a, t);
            }
            I64x2ExtractLane => {
                let v = self.vsrc(i.b, 0);
                let t = self.dst(i.a);
                asm!(self.asm; pextrq Rq(t), Rx(v), (i.imm & 1) as i8);
                self.set_gpr(i.a, t);
            }

            V128And => binary!(self, i, pand, vpand),
            V128Or => binary!(self, i, por, vpor),
            V128Xor => binary!(self, i, pxor, vpxor),
            // a & !b = pandn(b, a)
            V128AndNot => swapped!(self, i, pandn, vpandn),
            V128Not => {
                let b = self.vsrc(i.b, 0);
                let d = self.vdst(i.a);
                self.ones_in_xmm1();
                if d != b {
                    asm!(self.asm; movdqa Rx(d), Rx(b));
                }
                asm!(self.asm; pxor Rx(d), xmm1);
                self.vset(i.a, d);
            }
            V128AnyTrue => {
                let v = self.vsrc(i.b, 0);
                if self.fuses_with_branch(pc) {
                    // `br_if` on the result, its last reader: `ptest` sets
                    // the zero flag the branch needs.
                    let l = self.target(pc + 1);
                    asm!(self.asm; ptest Rx(v), Rx(v));
                    let taken = self.code[pc + 1].op == Op::BrIfNez;
                    self.jcc(if taken { super::Cc::Ne } else { super::Cc::E }, l);
                    return pc + 2;
                }
                asm!(self.asm; xor eax, eax; ptest Rx(v), Rx(v); setnz al);
                self.set_gpr(i.a, RAX);
            }
            I8x16Bitmask => {
                let v = self.vsrc(i.b, 0);
                asm!(self.asm; pmovmskb eax, Rx(v));
                self.set_gpr(i.a, RAX);
            }
            I32x4Bitmask => {
                let v = self.vsrc(i.b, 0);
                asm!(self.asm; movmskps eax, Rx(v));
                self.set_gpr(i.a, RAX);
            }
            I64x2Bitmask => {
                let v = self.vsrc(i.b, 0);
                asm!(self.asm; movmskpd eax, Rx(v));
                self.set_gpr(i.a, RAX);
            }

            I8x16Add => binary!(self, i, paddb, vpaddb),
            I8x16Sub => binary!(self, i, psubb, vpsubb),
            I8x16AddSatS => binary!(self, i, paddsb, vpaddsb),
            I8x16AddSatU => binary!(self, i, paddusb, vpaddusb),
            I8x16SubSatS => binary!(self, i, psubsb, vpsubsb),
            I8x16SubSatU => binary!(self, i, psubusb, vpsubusb),
            I8x16MinS => binary!(self, i, pminsb, vpminsb),
            I8x16MinU => binary!(self, i, pminub, vpminub),
            I8x16MaxS => binary!(self, i, pmaxsb, vpmaxsb),
            I8x16MaxU => binary!(self, i, pmaxub, vpmaxub),
            I8x16AvgrU => binary!(self, i, pavgb, vpavgb),
            I8x16Eq => binary!(self, i, pcmpeqb, vpcmpeqb),
            I8x16GtS => binary!(self, i, pcmpgtb, vpcmpgtb),
            I8x16Abs => unary!(self, i, pabsb),
            I16x8Add => binary!(self, i, paddw, vpaddw),
            I16x8Sub => binary!(self, i, psubw, vpsubw),
            I16x8Mul => binary!(self, i, pmullw, vpmullw),
            I16x8AddSatS => binary!(self, i, paddsw, vpaddsw),
            I16x8AddSatU => binary!(self, i, paddusw, vpaddusw),
            I16x8SubSatS => binary!(self, i, psubsw, vpsubsw),
            I16x8SubSatU => binary!(self, i, psubusw, vpsubusw),
            I16x8MinS => binary!(self, i, pminsw, vpminsw),
            I16x8MinU => binary!(self, i, pminuw, vpminuw),
            I16x8MaxS => binary!(self, i, pmaxsw, vpmaxsw),
            I16x8MaxU => binary!(self, i, pmaxuw, vpmaxuw),
            I16x8AvgrU => binary!(self, i, pavgw, vpavgw),
            I16x8Eq => binary!(self, i, pcmpeqw, vpcmpeqw),
            I16x8GtS => binary!(self, i, pcmpgtw, vpcmpgtw),
            I16x8Abs => unary!(self, i, pabsw),
            I32x4Add => binary!(self, i, paddd, vpaddd),
            I32x4Sub => binary!(self, i, psubd, vpsubd),
            I32x4Mul => binary!(self, i, pmulld, vpmulld),
            I32x4MinS => binary!(self, i, pminsd, vpminsd),
            I32x4MinU => binary!(self, i, pminud, vpminud),
            I32x4MaxS => binary!(self, i, pmaxsd, vpmaxsd),
            I32x4MaxU => binary!(self, i, pmaxud, vpmaxud),
            I32x4Eq => binary!(self, i, pcmpeqd, vpcmpeqd),
            I32x4GtS => binary!(self, i, pcmpgtd, vpcmpgtd),
            I32x4Abs => unary!(self, i, pabsd),
            I32x4DotI16x8S => binary!(self, i, pmaddwd, vpmaddwd),
            I64x2Add => binary!(self, i, paddq, vpaddq),
            I64x2Sub => binary!(self, i, psubq, vpsubq),
            I64x2Eq => binary!(self, i, pcmpeqq, vpcmpeqq),
            I8x16NarrowI16x8S => binary!(self, i, packsswb, vpacksswb),
            I8x16NarrowI16x8U => binary!(self, i, packuswb, vpackuswb),
            I16x8NarrowI32x4S => binary!(self, i, packssdw, vpackssdw),
            I16x8NarrowI32x4U => binary!(self, i, packusdw, vpackusdw),
            I16x8ExtendLowI8x16S => unary!(self, i, pmovsxbw),
            I16x8ExtendLowI8x16U => unary!(self, i, pmovzxbw),
            I32x4ExtendLowI16x8S => unary!(self, i, pmovsxwd),
            I32x4ExtendLowI16x8U => unary!(self, i, pmovzxwd),
            I64x2ExtendLowI32x4S => unary!(self, i, pmovsxdq),
            I64x2ExtendLowI32x4U => unary!(self, i, pmovzxdq),

            F32x4Add => binary!(self, i, addps, vaddps),
            F32x4Sub => binary!(self, i, subps, vsubps),
            F32x4Mul => binary!(self, i, mulps, vmulps),
            F32x4Div => binary!(self, i, divps, vdivps),
            F32x4Sqrt => unary!(self, i, sqrtps),
            // pmin(a, b) = b < a ? b : a = minps(b, a); pmax likewise.
            F32x4PMin => swapped!(self, i, minps, vminps),
            F32x4PMax => swapped!(self, i, maxps, vmaxps),
            F32x4Ceil => unary!(self, i, roundps, 0x0a),
            F32x4Floor => unary!(self, i, roundps, 0x09),
            F32x4Trunc => unary!(self, i, roundps, 0x0b),
            F32x4Nearest => unary!(self, i, roundps, 0x08),
            F64x2Add => binary!(self, i, addpd, vaddpd),
            F64x2Sub => binary!(self, i, subpd, vsubpd),
            F64x2Mul => binary!(self, i, mulpd, vmulpd),
            F64x2Div => binary!(self, i, divpd, vdivpd),
            F64x2Sqrt => unary!(self, i, sqrtpd),
            F64x2PMin => swapped!(self, i, minpd, vminpd),
            F64x2PMax => swapped!(self, i, maxpd, vmaxpd),
            F64x2Ceil => unary!(self, i, roundpd, 0x0a),
            F64x2Floor => unary!(self, i, roundpd, 0x09),
            F64x2Trunc => unary!(self, i, roundpd, 0x0b),
            F64x2Nearest => unary!(self, i, roundpd, 0x08),
            F32x4ConvertI32x4S => unary!(self, i, cvtdq2ps),
            F64x2ConvertLowI32x4S => unary!(self, i, cvtdq2pd),
            F64x2PromoteLowF32x4 => unary!(self, i, cvtps2pd),
            F32x4DemoteF64x2Zero => unary!(self, i, cvtpd2ps),

            I16x8Shl | I16x8ShrS | I16x8ShrU | I32x4Shl | I32x4ShrS | I32x4ShrU | I64x2Shl
            | I64x2ShrU | I16x8ShlImm | I16x8ShrSImm | I16x8ShrUImm | I32x4ShlImm
            | I32x4ShrSImm | I32x4ShrUImm | I64x2ShlImm | I64x2ShrUImm => self.lane_shift(i),

            V128Bitselect
            | I8x16RelaxedLaneselect
            | I16x8RelaxedLaneselect
            | I32x4RelaxedLaneselect
            | I64x2RelaxedLaneselect => {
                if self.blend(pc, i) {
                    return pc + 1;
                }
                // a = ((a ^ b) & c) ^ b, with `a` both the first operand
                // and the destination; computed in xmm0, each operand read
                // from its register or loaded into xmm1 when needed.
                if self.avx() {
                    // The three-operand forms write the result straight
                    // into `a`'s register.
                    let (ra, rb) = (self.vsrc(i.a, 0), self.vsrc(i.b, 1));
                    asm!(self.asm; vpxor xmm0, Rx(ra), Rx(rb));
                    let rc = self.vsrc(i.c, 1);
                    asm!(self.asm; vpand xmm0, xmm0, Rx(rc));
                    let rb = self.vsrc(i.b, 1);
                    let d = self.vdst(i.a);
                    asm!(self.asm; vpxor Rx(d), xmm0, Rx(rb));
                    self.vset(i.a, d);
                    return pc + 1;
                }
                let a = self.vsrc(i.a, 0);
                if a != 0 {
                    asm!(self.asm; movdqa xmm0, Rx(a));
                }
                let b = self.vsrc(i.b, 1);
                asm!(self.asm; pxor xmm0, Rx(b));
                let c = self.vsrc(i.c, 1);
                asm!(self.asm; pand xmm0, Rx(c));
                let b = self.vsrc(i.b, 1);
                asm!(self.asm; pxor xmm0, Rx(b));
                self.vset(i.a, 0);
            }
            op if super::simd_int::covers(op) => return self.simd_int(pc, i),
            op if super::simd_float::covers(op) => return self.simd_float(pc, i),
            other => unreachable!("{} is not covered", other.name()),
        }
        pc + 1
    }

    /// Bit selection by a mask whose lanes are each all ones or all zeros
    /// (a lane compare computed just before, in the same block) as one byte
    /// blend, when `a` is in a register: `vpblendvb` with AVX, else
    /// `pblendvb` with the mask in `xmm0`. Returns whether it emitted it.
    fn blend(&mut self, pc: usize, i: &Instr) -> bool {
        let L::X(ra) = self.vloc(i.a) else {
            return false;
        };
        if !self.lane_mask_at(pc, i.c) {
            return false;
        }
        if self.avx() {
            let rc = self.vsrc(i.c, 1);
            let rb = self.vsrc(i.b, 0);
            asm!(self.asm; vpblendvb Rx(ra), Rx(rb), Rx(ra), Rx(rc));
        } else {
            let rc = self.vsrc(i.c, 0);
            if rc != 0 {
                asm!(self.asm; movdqa xmm0, Rx(rc));
            }
            let rb = self.vsrc(i.b, 1);
            if rb != 1 {
                asm!(self.asm; movdqa xmm1, Rx(rb));
            }
            asm!(self.asm; pblendvb xmm1, Rx(ra));
            self.vset(i.a, 1);
        }
        true
    }

    /// Whether the vector at `slot` holds, at `pc`, the result of a lane
    /// compare: written by one of the few instructions just before, with
    /// no label between (so no other path brings another value) and
    /// nothing else writing its slots.
    fn lane_mask_at(&self, pc: usize, slot: u16) -> bool {
        for p in (pc.saturating_sub(4)..pc).rev() {
            if self.labels[p + 1].is_some() {
                return false;
            }
            let i = &self.code[p];
            let fmt = i.op.fmt();
            if !fmt.writes_a() || matches!(fmt, Fmt::Call | Fmt::CallIndirect) {
                return false;
            }
            let wide = i.op.sig().write == Some(Ty::V128);
            if i.a == slot && wide {
                return lane_compare(i.op);
            }
            let written = i.a..i.a + if wide { 2 } else { 1 };
            if written.contains(&slot) || written.contains(&(slot + 1)) {
                return false;
            }
        }
        false
    }

    /// The label of 128-bit constant `value` among the function's
    /// constants (16-byte aligned, so usable as an SSE memory operand).
    pub(super) fn vector_constant(&mut self, value: u128) -> DynamicLabel {
        match self.vector_constants.iter().find(|c| c.1 == value) {
            Some(&(l, _)) => l,
            None => {
                let l = self.asm.new_dynamic_label();
                self.vector_constants.push((l, value));
                l
            }
        }
    }

    /// Emits the function's 128-bit constants, 16-byte aligned, after its
    /// code.
    pub(super) fn vector_constants(&mut self) {
        if self.vector_constants.is_empty() {
            return;
        }
        self.asm.align(16, 0xcc);
        for (l, value) in std::mem::take(&mut self.vector_constants) {
            asm!(self.asm; =>l);
            for b in value.to_le_bytes() {
                self.asm.push(b);
            }
        }
    }

    /// Lane shifts by a count modulo the lane width: an immediate count
    /// goes in the instruction, a count from a slot to the low bits of
    /// `xmm1`.
    fn lane_shift(&mut self, i: &Instr) {
        use Op::*;
        let op = i.op.without_imm().unwrap_or(i.op);
        let bits = match op {
            I16x8Shl | I16x8ShrS | I16x8ShrU => 15,
            I32x4Shl | I32x4ShrS | I32x4ShrU => 31,
            _ => 63,
        };
        let imm = (i.op != op).then_some((i.imm as u32 & bits) as i8);
        if imm.is_none() {
            let n = self.gpr(i.c, RCX);
            asm!(self.asm; mov eax, Rd(n); and eax, bits as i32; movd xmm1, eax);
        }
        let b = self.vsrc(i.b, 0);
        let d = self.vdst(i.a);
        if d != b {
            asm!(self.asm; movdqa Rx(d), Rx(b));
        }
        match (op, imm) {
            (I16x8Shl, Some(k)) => asm!(self.asm; psllw Rx(d), k),
            (I16x8ShrS, Some(k)) => asm!(self.asm; psraw Rx(d), k),
            (I16x8ShrU, Some(k)) => asm!(self.asm; psrlw Rx(d), k),
            (I32x4Shl, Some(k)) => asm!(self.asm; pslld Rx(d), k),
            (I32x4ShrS, Some(k)) => asm!(self.asm; psrad Rx(d), k),
            (I32x4ShrU, Some(k)) => asm!(self.asm; psrld Rx(d), k),
            (I64x2Shl, Some(k)) => asm!(self.asm; psllq Rx(d), k),
            (_, Some(k)) => asm!(self.asm; psrlq Rx(d), k),
            (I16x8Shl, None) => asm!(self.asm; psllw Rx(d), xmm1),
            (I16x8ShrS, None) => asm!(self.asm; psraw Rx(d), xmm1),
            (I16x8ShrU, None) => asm!(self.asm; psrlw Rx(d), xmm1),
            (I32x4Shl, None) => asm!(self.asm; pslld Rx(d), xmm1),
            (I32x4ShrS, None) => asm!(self.asm; psrad Rx(d), xmm1),
            (I32x4ShrU, None) => asm!(self.asm; psrld Rx(d), xmm1),
            (I64x2Shl, None) => asm!(self.asm; psllq Rx(d), xmm1),
            (_, None) => asm!(self.asm; psrlq Rx(d), xmm1),
        }
        self.vset(i.a, d);
    }
}
