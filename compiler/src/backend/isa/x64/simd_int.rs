//! Vector ops on x86_64 with SSE4.1: the integer-lane ops not in simd.rs
//! (see there for how vectors are held); shuffles and lane memory ops are in
//! simd_shuffle.rs.
//!
//! Sequences use the destination's register (`vdst`), `xmm0`, `xmm1`, `rax`
//! and `rcx` only; a source is read again from its register or frame cells
//! when a sequence needs it twice. Constants are built in a scratch register
//! at the point of use, or read from the function's constants
//! (`vector_constant`).

use super::{Cc, FnGen, L, RAX, RCX};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use zwasm_abi::ir::{Instr, IntCmp, Op};

macro_rules! asm {
    ($ops:expr; $($t:tt)*) => {
        dynasm!($ops ; .arch x64 ; $($t)*)
    };
}

/// Whether this file (or simd_shuffle.rs) compiles vector op `op`.
pub(super) fn covers(op: Op) -> bool {
    use Op::*;
    super::simd_shuffle::covers(op)
        || matches!(
            op,
            I8x16Ne
                | I8x16LtS
                | I8x16LtU
                | I8x16GtU
                | I8x16LeS
                | I8x16LeU
                | I8x16GeS
                | I8x16GeU
                | I16x8Ne
                | I16x8LtS
                | I16x8LtU
                | I16x8GtU
                | I16x8LeS
                | I16x8LeU
                | I16x8GeS
                | I16x8GeU
                | I32x4Ne
                | I32x4LtS
                | I32x4LtU
                | I32x4GtU
                | I32x4LeS
                | I32x4LeU
                | I32x4GeS
                | I32x4GeU
                | I64x2Ne
                | I64x2LtS
                | I64x2GtS
                | I64x2LeS
                | I64x2GeS
                | I8x16Neg
                | I16x8Neg
                | I32x4Neg
                | I64x2Neg
                | I64x2Abs
                | I64x2Mul
                | I64x2ShrS
                | I8x16Shl
                | I8x16ShrS
                | I8x16ShrU
                | I64x2ShrSImm
                | I8x16ShlImm
                | I8x16ShrSImm
                | I8x16ShrUImm
                | I8x16Splat
                | I16x8Splat
                | I8x16ExtractLaneS
                | I8x16ExtractLaneU
                | I16x8ExtractLaneS
                | I16x8ExtractLaneU
                | I8x16ReplaceLane
                | I16x8ReplaceLane
                | I32x4ReplaceLane
                | I64x2ReplaceLane
                | I8x16AllTrue
                | I16x8AllTrue
                | I32x4AllTrue
                | I64x2AllTrue
                | I16x8Bitmask
                | I16x8ExtendHighI8x16S
                | I16x8ExtendHighI8x16U
                | I32x4ExtendHighI16x8S
                | I32x4ExtendHighI16x8U
                | I64x2ExtendHighI32x4S
                | I64x2ExtendHighI32x4U
                | I16x8ExtAddPairwiseI8x16S
                | I16x8ExtAddPairwiseI8x16U
                | I32x4ExtAddPairwiseI16x8S
                | I32x4ExtAddPairwiseI16x8U
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
                | I16x8Q15MulrSatS
                | I16x8RelaxedQ15mulrS
                | I16x8RelaxedDotI8x16I7x16S
                | I32x4RelaxedDotI8x16I7x16AddS
        )
}

/// The lane width of an integer vector op.
#[derive(Clone, Copy, PartialEq, Eq)]
enum W {
    I8,
    I16,
    I32,
    I64,
}

/// A widening of half a vector, named after the `pmovsx`/`pmovzx` that
/// does it: `S`/`U` for sign/zero extension, `bw` for i8 to i16, `wd` for
/// i16 to i32, `dq` for i32 to i64.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ext {
    Sbw,
    Ubw,
    Swd,
    Uwd,
    Sdq,
    Udq,
}

impl FnGen<'_> {
    /// Emits vector instruction `pc`, one `covers` accepts; returns the
    /// next pc to emit.
    pub(super) fn simd_int(&mut self, pc: usize, i: &Instr) -> usize {
        use IntCmp::*;
        use Op::*;
        match i.op {
            I8x16Ne => self.compare(i, W::I8, Ne),
            I8x16LtS => self.compare(i, W::I8, LtS),
            I8x16LtU => self.compare(i, W::I8, LtU),
            I8x16GtU => self.compare(i, W::I8, GtU),
            I8x16LeS => self.compare(i, W::I8, LeS),
            I8x16LeU => self.compare(i, W::I8, LeU),
            I8x16GeS => self.compare(i, W::I8, GeS),
            I8x16GeU => self.compare(i, W::I8, GeU),
            I16x8Ne => self.compare(i, W::I16, Ne),
            I16x8LtS => self.compare(i, W::I16, LtS),
            I16x8LtU => self.compare(i, W::I16, LtU),
            I16x8GtU => self.compare(i, W::I16, GtU),
            I16x8LeS => self.compare(i, W::I16, LeS),
            I16x8LeU => self.compare(i, W::I16, LeU),
            I16x8GeS => self.compare(i, W::I16, GeS),
            I16x8GeU => self.compare(i, W::I16, GeU),
            I32x4Ne => self.compare(i, W::I32, Ne),
            I32x4LtS => self.compare(i, W::I32, LtS),
            I32x4LtU => self.compare(i, W::I32, LtU),
            I32x4GtU => self.compare(i, W::I32, GtU),
            I32x4LeS => self.compare(i, W::I32, LeS),
            I32x4LeU => self.compare(i, W::I32, LeU),
            I32x4GeS => self.compare(i, W::I32, GeS),
            I32x4GeU => self.compare(i, W::I32, GeU),
            I64x2Ne => self.compare(i, W::I64, Ne),
            I64x2LtS => self.compare_i64(i, Cc::L),
            I64x2GtS => self.compare_i64(i, Cc::G),
            I64x2LeS => self.compare_i64(i, Cc::Le),
            I64x2GeS => self.compare_i64(i, Cc::Ge),

            I8x16Neg => self.neg(i, W::I8),
            I16x8Neg => self.neg(i, W::I16),
            I32x4Neg => self.neg(i, W::I32),
            I64x2Neg => self.neg(i, W::I64),
            I64x2Abs => self.abs_i64(i),
            I64x2Mul => self.mul_i64(i),
            I64x2ShrS => self.shr_s_i64(i),
            I8x16Shl | I8x16ShrS | I8x16ShrU => self.byte_shift(i),
            I8x16ShlImm | I8x16ShrSImm | I8x16ShrUImm | I64x2ShrSImm => self.shift_imm(i),

            I8x16Splat | I16x8Splat => {
                let r = self.gpr(i.b, RAX);
                let d = self.vdst(i.a);
                asm!(self.asm; movd Rx(d), Rd(r));
                if self.avx2() {
                    if i.op == I8x16Splat {
                        asm!(self.asm; vpbroadcastb Rx(d), Rx(d));
                    } else {
                        asm!(self.asm; vpbroadcastw Rx(d), Rx(d));
                    }
                } else if i.op == I8x16Splat {
                    // pshufb with all-zero indices: byte 0 everywhere.
                    asm!(self.asm; pxor xmm1, xmm1; pshufb Rx(d), xmm1);
                } else {
                    asm!(self.asm; pshuflw Rx(d), Rx(d), 0; pshufd Rx(d), Rx(d), 0);
                }
                self.vset(i.a, d);
            }
            I8x16ExtractLaneS => self.extract(i, W::I8, true),
            I8x16ExtractLaneU => self.extract(i, W::I8, false),
            I16x8ExtractLaneS => self.extract(i, W::I16, true),
            I16x8ExtractLaneU => self.extract(i, W::I16, false),
            I8x16ReplaceLane => self.replace_lane(i, W::I8),
            I16x8ReplaceLane => self.replace_lane(i, W::I16),
            I32x4ReplaceLane => self.replace_lane(i, W::I32),
            I64x2ReplaceLane => self.replace_lane(i, W::I64),

            I8x16AllTrue => self.all_true(i, W::I8),
            I16x8AllTrue => self.all_true(i, W::I16),
            I32x4AllTrue => self.all_true(i, W::I32),
            I64x2AllTrue => self.all_true(i, W::I64),
            I16x8Bitmask => {
                // The words saturated to bytes keep their signs: packsswb
                // puts them in the high half of xmm1, pmovmskb collects them.
                let v = self.vsrc(i.b, 0);
                asm!(self.asm
                    ; pxor xmm1, xmm1
                    ; packsswb xmm1, Rx(v)
                    ; pmovmskb eax, xmm1
                    ; shr eax, 8
                );
                self.set_gpr(i.a, RAX);
            }

            I16x8ExtendHighI8x16S => self.extend_high(i, Ext::Sbw),
            I16x8ExtendHighI8x16U => self.extend_high(i, Ext::Ubw),
            I32x4ExtendHighI16x8S => self.extend_high(i, Ext::Swd),
            I32x4ExtendHighI16x8U => self.extend_high(i, Ext::Uwd),
            I64x2ExtendHighI32x4S => self.extend_high(i, Ext::Sdq),
            I64x2ExtendHighI32x4U => self.extend_high(i, Ext::Udq),
            I16x8ExtMulLowI8x16S => self.extmul(i, false, Ext::Sbw),
            I16x8ExtMulHighI8x16S => self.extmul(i, true, Ext::Sbw),
            I16x8ExtMulLowI8x16U => self.extmul(i, false, Ext::Ubw),
            I16x8ExtMulHighI8x16U => self.extmul(i, true, Ext::Ubw),
            I32x4ExtMulLowI16x8S => self.extmul(i, false, Ext::Swd),
            I32x4ExtMulHighI16x8S => self.extmul(i, true, Ext::Swd),
            I32x4ExtMulLowI16x8U => self.extmul(i, false, Ext::Uwd),
            I32x4ExtMulHighI16x8U => self.extmul(i, true, Ext::Uwd),
            I64x2ExtMulLowI32x4S => self.extmul(i, false, Ext::Sdq),
            I64x2ExtMulHighI32x4S => self.extmul(i, true, Ext::Sdq),
            I64x2ExtMulLowI32x4U => self.extmul(i, false, Ext::Udq),
            I64x2ExtMulHighI32x4U => self.extmul(i, true, Ext::Udq),
            I16x8ExtAddPairwiseI8x16S
            | I16x8ExtAddPairwiseI8x16U
            | I32x4ExtAddPairwiseI16x8S
            | I32x4ExtAddPairwiseI16x8U => self.extadd_pairwise(i),

            I16x8Q15MulrSatS | I16x8RelaxedQ15mulrS => {
                // pmulhrsw is (x * y + 0x4000) >> 15 but wraps the one
                // overflow, -32768 * -32768, to 0x8000: lanes equal to
                // 0x8000 are flipped to 0x7fff.
                let (d, c) = self.binary_operands(i.a, i.b, i.c);
                asm!(self.asm
                    ; pmulhrsw Rx(d), Rx(c)
                    ; pcmpeqw xmm1, xmm1
                    ; psllw xmm1, 15
                    ; pcmpeqw xmm1, Rx(d)
                    ; pxor Rx(d), xmm1
                );
                self.vset(i.a, d);
            }
            I16x8RelaxedDotI8x16I7x16S => {
                // pmaddubsw d, s: unsigned bytes of d times signed bytes of
                // s, pairs summed with signed saturation; `c` is the
                // unsigned operand (see lanes.rs).
                let (d, b) = self.binary_operands(i.a, i.c, i.b);
                asm!(self.asm; pmaddubsw Rx(d), Rx(b));
                self.vset(i.a, d);
            }
            I32x4RelaxedDotI8x16I7x16AddS => {
                // a = pairwise_i32(pmaddubsw(b unsigned, a signed)) + c:
                // pmaddwd with ones adds the i16 pairs.
                self.vcopy(0, i.b);
                let a = self.vsrc(i.a, 1);
                asm!(self.asm
                    ; pmaddubsw xmm0, Rx(a)
                    ; pcmpeqw xmm1, xmm1
                    ; psrlw xmm1, 15
                    ; pmaddwd xmm0, xmm1
                );
                let c = self.vsrc(i.c, 1);
                asm!(self.asm; paddd xmm0, Rx(c));
                self.vset(i.a, 0);
            }
            _ => return self.simd_shuffle(pc, i),
        }
        pc + 1
    }

    /// Copies the vector at `slot` into register `x`.
    pub(super) fn vcopy(&mut self, x: u8, slot: u16) {
        match self.vloc(slot) {
            L::X(r) if r == x => {}
            L::X(r) => asm!(self.asm; movdqa Rx(x), Rx(r)),
            L::M(m) => asm!(self.asm; movdqu Rx(x), [rbx + m]),
            L::G(_) => unreachable!("vectors live in xmm registers or memory"),
        }
    }

    /// `x` = the 128-bit constant `lo | hi << 64`, from the function's
    /// constants.
    pub(super) fn vconst(&mut self, x: u8, lo: u64, hi: u64) {
        let l = self.vector_constant(lo as u128 | (hi as u128) << 64);
        asm!(self.asm; movdqa Rx(x), [=>l]);
    }

    /// `x` = byte `k` in every lane.
    pub(super) fn vbytes(&mut self, x: u8, k: u8) {
        self.vconst(
            x,
            k as u64 * 0x0101_0101_0101_0101,
            k as u64 * 0x0101_0101_0101_0101,
        );
    }

    fn pcmpeq(&mut self, w: W, d: u8, s: u8) {
        match w {
            W::I8 => asm!(self.asm; pcmpeqb Rx(d), Rx(s)),
            W::I16 => asm!(self.asm; pcmpeqw Rx(d), Rx(s)),
            W::I32 => asm!(self.asm; pcmpeqd Rx(d), Rx(s)),
            W::I64 => asm!(self.asm; pcmpeqq Rx(d), Rx(s)),
        }
    }

    /// Lane-wise min (`max` false) or max of `d` and `s` into `d`, for
    /// widths 8 to 32.
    fn pminmax(&mut self, w: W, max: bool, signed: bool, d: u8, s: u8) {
        match (w, max, signed) {
            (W::I8, false, true) => asm!(self.asm; pminsb Rx(d), Rx(s)),
            (W::I8, false, false) => asm!(self.asm; pminub Rx(d), Rx(s)),
            (W::I8, true, true) => asm!(self.asm; pmaxsb Rx(d), Rx(s)),
            (W::I8, true, false) => asm!(self.asm; pmaxub Rx(d), Rx(s)),
            (W::I16, false, true) => asm!(self.asm; pminsw Rx(d), Rx(s)),
            (W::I16, false, false) => asm!(self.asm; pminuw Rx(d), Rx(s)),
            (W::I16, true, true) => asm!(self.asm; pmaxsw Rx(d), Rx(s)),
            (W::I16, true, false) => asm!(self.asm; pmaxuw Rx(d), Rx(s)),
            (W::I32, false, true) => asm!(self.asm; pminsd Rx(d), Rx(s)),
            (W::I32, false, false) => asm!(self.asm; pminud Rx(d), Rx(s)),
            (W::I32, true, true) => asm!(self.asm; pmaxsd Rx(d), Rx(s)),
            (W::I32, true, false) => asm!(self.asm; pmaxud Rx(d), Rx(s)),
            (W::I64, ..) => unreachable!("no 64-bit lane min/max in SSE4.1"),
        }
    }

    /// `d` = !`d` (through xmm1).
    fn vnot(&mut self, d: u8) {
        self.ones_in_xmm1();
        asm!(self.asm; pxor Rx(d), xmm1);
    }

    /// Lane compares of `b` with `c` other than eq and gt_s (in
    /// simd.rs) and the signed i64x2 orders (`compare_i64`):
    /// - ne = !eq; lt_s(b, c) = gt_s(c, b);
    /// - le(b, c) = (min(b, c) == b) and ge(b, c) = (max(b, c) == b), with
    ///   the signed or unsigned min/max;
    /// - gt_u = !le_u and lt_u = !ge_u.
    fn compare(&mut self, i: &Instr, w: W, cmp: IntCmp) {
        use IntCmp::*;
        if cmp == Ne {
            let (d, c) = self.binary_operands(i.a, i.b, i.c);
            self.pcmpeq(w, d, c);
            self.vnot(d);
            self.vset(i.a, d);
            return;
        }
        // The others start from `c` in `d` and read `b`.
        let (d, b) = self.binary_operands(i.a, i.c, i.b);
        match cmp {
            LtS => match w {
                W::I8 => asm!(self.asm; pcmpgtb Rx(d), Rx(b)),
                W::I16 => asm!(self.asm; pcmpgtw Rx(d), Rx(b)),
                _ => asm!(self.asm; pcmpgtd Rx(d), Rx(b)),
            },
            _ => {
                let max = matches!(cmp, GeS | GeU | LtU);
                let signed = matches!(cmp, LeS | GeS);
                self.pminmax(w, max, signed, d, b);
                self.pcmpeq(w, d, b);
                if matches!(cmp, GtU | LtU) {
                    self.vnot(d);
                }
            }
        }
        self.vset(i.a, d);
    }

    /// `r` = 64-bit lane `k` of the vector at `slot`.
    fn lane_to_gpr(&mut self, r: u8, slot: u16, k: u8) {
        match self.vloc(slot) {
            L::X(x) if k == 0 => asm!(self.asm; movq Rq(r), Rx(x)),
            L::X(x) => asm!(self.asm; pextrq Rq(r), Rx(x), k as i8),
            L::M(m) => asm!(self.asm; mov Rq(r), [rbx + m + 8 * k as i32]),
            L::G(_) => unreachable!("vectors live in xmm registers or memory"),
        }
    }

    /// `a` = the two 64-bit lanes `lane(k)` leaves in rax, lane 1 first
    /// (kept in xmm1): `a`'s register is written only at the end, so it may
    /// be an operand's, and without a dependency on its old value.
    fn lanes_in_rax(&mut self, a: u16, mut lane: impl FnMut(&mut Self, u8)) {
        lane(self, 1);
        asm!(self.asm; movq xmm1, rax);
        lane(self, 0);
        let d = self.vdst(a);
        asm!(self.asm; movq Rx(d), rax; punpcklqdq Rx(d), xmm1);
        self.vset(a, d);
    }

    /// Signed i64x2 orders, without SSE4.2's pcmpgtq: each lane pair is
    /// compared in rax/rcx, and the flag (0/1) negated into the lane mask.
    fn compare_i64(&mut self, i: &Instr, cc: Cc) {
        self.lanes_in_rax(i.a, |g, k| {
            g.lane_to_gpr(RAX, i.b, k);
            g.lane_to_gpr(RCX, i.c, k);
            asm!(g.asm; cmp rax, rcx);
            g.setcc_al(cc);
            asm!(g.asm; movzx eax, al; neg rax);
        });
    }

    /// `a` = 0 - `b`.
    fn neg(&mut self, i: &Instr, w: W) {
        let mut b = self.vsrc(i.b, 1);
        let d = self.vdst(i.a);
        if b == d {
            asm!(self.asm; movdqa xmm1, Rx(b));
            b = 1;
        }
        asm!(self.asm; pxor Rx(d), Rx(d));
        match w {
            W::I8 => asm!(self.asm; psubb Rx(d), Rx(b)),
            W::I16 => asm!(self.asm; psubw Rx(d), Rx(b)),
            W::I32 => asm!(self.asm; psubd Rx(d), Rx(b)),
            W::I64 => asm!(self.asm; psubq Rx(d), Rx(b)),
        }
        self.vset(i.a, d);
    }

    /// i64x2.abs: abs(x) = (x ^ s) - s with s = x >> 63 (arithmetic),
    /// built as the sign of each high dword (psrad) copied to both dwords.
    fn abs_i64(&mut self, i: &Instr) {
        let d = self.vdst(i.a);
        self.vcopy(d, i.b);
        asm!(self.asm
            ; pshufd xmm1, Rx(d), 0xf5u8 as i8
            ; psrad xmm1, 31
            ; pxor Rx(d), xmm1
            ; psubq Rx(d), xmm1
        );
        self.vset(i.a, d);
    }

    /// i64x2.mul in two registers: per lane, with x = x1:x0 and y = y1:y0
    /// in dwords, x * y = x0 * y0 + ((x0 * y1 + x1 * y0) << 32) mod 2^64.
    /// 1. xmm1 = y with the dwords of each lane swapped; pmulld with x
    ///    gives x0 * y1 and x1 * y0; phaddd sums them (cross, per lane).
    /// 2. xmm0 = x with each lane's high dword replaced by its cross
    ///    (pblendw): pmuludq reads only the low dwords, so pmuludq of y
    ///    by it is x0 * y0.
    /// 3. The cross terms, shifted back into the high dwords, are added.
    fn mul_i64(&mut self, i: &Instr) {
        self.vcopy(1, i.c);
        self.vcopy(0, i.b);
        asm!(self.asm
            ; pshufd xmm1, xmm1, 0xb1u8 as i8
            ; pmulld xmm1, xmm0
            ; phaddd xmm1, xmm1
            // (c0, c1, c0, c1) -> c0 in dword 1 and c1 in dword 3.
            ; pshufd xmm1, xmm1, 0x40
            ; pblendw xmm0, xmm1, 0xccu8 as i8
        );
        self.vcopy(1, i.c);
        asm!(self.asm
            ; pmuludq xmm1, xmm0
            ; psrlq xmm0, 32
            ; psllq xmm0, 32
            ; paddq xmm1, xmm0
        );
        self.vset(i.a, 1);
    }

    /// i64x2.shr_s (no psraq in SSE): each lane shifted with `sar` in rax;
    /// `sar` takes the count modulo 64 as wasm does.
    fn shr_s_i64(&mut self, i: &Instr) {
        let n = self.gpr(i.c, RCX);
        if n != RCX {
            asm!(self.asm; mov ecx, Rd(n));
        }
        self.lanes_in_rax(i.a, |g, k| {
            g.lane_to_gpr(RAX, i.b, k);
            asm!(g.asm; sar rax, cl);
        });
    }

    /// `xmm1` = the byte in `eax` (whose other bits are clear) in every lane.
    fn splat_al_in_xmm1(&mut self) {
        asm!(self.asm
            ; imul eax, eax, 0x0101_0101
            ; movd xmm1, eax
            ; pshufd xmm1, xmm1, 0
        );
    }

    /// i8x16 shifts by the count modulo 8 (x86 has no byte shifts): a word
    /// shift, then the bits that crossed in from the neighbouring byte
    /// masked off (mask 0xff << n or 0xff >> n in every byte). shr_s is
    /// shr_u sign-extended from bit 7 - n: ((x >>u n) ^ m) - m with
    /// m = 0x80 >> n.
    fn byte_shift(&mut self, i: &Instr) {
        let n = self.gpr(i.c, RCX);
        asm!(self.asm; mov ecx, Rd(n); and ecx, 7; movd xmm1, ecx);
        let d = self.vdst(i.a);
        self.vcopy(d, i.b);
        if i.op == Op::I8x16Shl {
            asm!(self.asm; psllw Rx(d), xmm1; mov eax, 0xff; shl al, cl);
        } else {
            asm!(self.asm; psrlw Rx(d), xmm1; mov eax, 0xff; shr al, cl);
        }
        self.splat_al_in_xmm1();
        asm!(self.asm; pand Rx(d), xmm1);
        if i.op == Op::I8x16ShrS {
            asm!(self.asm; mov eax, 0x80; shr al, cl);
            self.splat_al_in_xmm1();
            asm!(self.asm; pxor Rx(d), xmm1; psubb Rx(d), xmm1);
        }
        self.vset(i.a, d);
    }

    /// The shifts x86 lacks, by an immediate count: i8x16 as a word shift
    /// masked per byte, and the signed ones sign-extended from the top bit
    /// left as ((x >>u n) ^ m) - m with m that bit (as `byte_shift`), every
    /// mask a constant.
    fn shift_imm(&mut self, i: &Instr) {
        use Op::*;
        let bytes = |b: u8| u128::from_le_bytes([b; 16]);
        let d = self.vdst(i.a);
        self.vcopy(d, i.b);
        if i.op == I64x2ShrSImm {
            let k = (i.imm & 63) as i8;
            let m = self.vector_constant(((1u128 << 63) >> k) * (1 | 1 << 64));
            asm!(self.asm; psrlq Rx(d), k; pxor Rx(d), [=>m]; psubq Rx(d), [=>m]);
            self.vset(i.a, d);
            return;
        }
        let k = (i.imm & 7) as u8;
        if i.op == I8x16ShlImm {
            let keep = self.vector_constant(bytes(0xff << k));
            asm!(self.asm; psllw Rx(d), k as i8; pand Rx(d), [=>keep]);
        } else {
            let keep = self.vector_constant(bytes(0xff >> k));
            asm!(self.asm; psrlw Rx(d), k as i8; pand Rx(d), [=>keep]);
        }
        if i.op == I8x16ShrSImm {
            let m = self.vector_constant(bytes(0x80 >> k));
            asm!(self.asm; pxor Rx(d), [=>m]; psubb Rx(d), [=>m]);
        }
        self.vset(i.a, d);
    }

    /// extract_lane_s/u of 8- and 16-bit lanes: an i32, zero-extended in
    /// its slot (a signed lane is sign-extended to 32 bits only).
    fn extract(&mut self, i: &Instr, w: W, signed: bool) {
        let lanes = if w == W::I8 { 16 } else { 8 };
        let lane = (i.imm % lanes) as i8;
        let t = self.dst(i.a);
        match self.vloc(i.b) {
            L::M(m) => {
                let at = m + lane as i32 * if w == W::I8 { 1 } else { 2 };
                match (w, signed) {
                    (W::I8, true) => asm!(self.asm; movsx Rd(t), BYTE [rbx + at]),
                    (W::I8, false) => asm!(self.asm; movzx Rd(t), BYTE [rbx + at]),
                    (_, true) => asm!(self.asm; movsx Rd(t), WORD [rbx + at]),
                    (_, false) => asm!(self.asm; movzx Rd(t), WORD [rbx + at]),
                }
            }
            L::X(v) => match (w, signed) {
                (W::I8, true) => asm!(self.asm; pextrb eax, Rx(v), lane; movsx Rd(t), al),
                (W::I8, false) => asm!(self.asm; pextrb Rd(t), Rx(v), lane),
                (_, true) => asm!(self.asm; pextrw eax, Rx(v), lane; movsx Rd(t), ax),
                (_, false) => asm!(self.asm; pextrw Rd(t), Rx(v), lane),
            },
            L::G(_) => unreachable!("vectors live in xmm registers or memory"),
        }
        self.set_gpr(i.a, t);
    }

    /// `a` = `b` with lane `imm` replaced by the scalar `c`. The scalar is
    /// read first: it may live in the register `a` gets.
    fn replace_lane(&mut self, i: &Instr, w: W) {
        let r = self.gpr(i.c, RAX);
        let d = self.vdst(i.a);
        self.vcopy(d, i.b);
        match w {
            W::I8 => asm!(self.asm; pinsrb Rx(d), Rd(r), (i.imm & 15) as i8),
            W::I16 => asm!(self.asm; pinsrw Rx(d), Rd(r), (i.imm & 7) as i8),
            W::I32 => asm!(self.asm; pinsrd Rx(d), Rd(r), (i.imm & 3) as i8),
            W::I64 => asm!(self.asm; pinsrq Rx(d), Rq(r), (i.imm & 1) as i8),
        }
        self.vset(i.a, d);
    }

    /// all_true: no lane equals zero.
    fn all_true(&mut self, i: &Instr, w: W) {
        let v = self.vsrc(i.b, 0);
        asm!(self.asm; pxor xmm1, xmm1);
        self.pcmpeq(w, 1, v);
        asm!(self.asm; xor eax, eax; ptest xmm1, xmm1; sete al);
        self.set_gpr(i.a, RAX);
    }

    fn pmov(&mut self, ext: Ext, d: u8, s: u8) {
        match ext {
            Ext::Sbw => asm!(self.asm; pmovsxbw Rx(d), Rx(s)),
            Ext::Ubw => asm!(self.asm; pmovzxbw Rx(d), Rx(s)),
            Ext::Swd => asm!(self.asm; pmovsxwd Rx(d), Rx(s)),
            Ext::Uwd => asm!(self.asm; pmovzxwd Rx(d), Rx(s)),
            Ext::Sdq => asm!(self.asm; pmovsxdq Rx(d), Rx(s)),
            Ext::Udq => asm!(self.asm; pmovzxdq Rx(d), Rx(s)),
        }
    }

    /// `x` = the low or high half of the vector at `slot`, widened.
    fn widen(&mut self, x: u8, slot: u16, high: bool, ext: Ext) {
        let s = match self.vloc(slot) {
            L::M(m) => {
                let m = m + if high { 8 } else { 0 };
                match ext {
                    Ext::Sbw => asm!(self.asm; pmovsxbw Rx(x), QWORD [rbx + m]),
                    Ext::Ubw => asm!(self.asm; pmovzxbw Rx(x), QWORD [rbx + m]),
                    Ext::Swd => asm!(self.asm; pmovsxwd Rx(x), QWORD [rbx + m]),
                    Ext::Uwd => asm!(self.asm; pmovzxwd Rx(x), QWORD [rbx + m]),
                    Ext::Sdq => asm!(self.asm; pmovsxdq Rx(x), QWORD [rbx + m]),
                    Ext::Udq => asm!(self.asm; pmovzxdq Rx(x), QWORD [rbx + m]),
                }
                return;
            }
            L::X(r) if high => {
                // The high half moved down.
                asm!(self.asm; pshufd Rx(x), Rx(r), 0xeeu8 as i8);
                x
            }
            L::X(r) => r,
            L::G(_) => unreachable!("vectors live in xmm registers or memory"),
        };
        self.pmov(ext, x, s);
    }

    fn extend_high(&mut self, i: &Instr, ext: Ext) {
        let d = self.vdst(i.a);
        self.widen(d, i.b, true, ext);
        self.vset(i.a, d);
    }

    /// extmul: both halves widened (`c`'s first, into xmm1: it may live in
    /// the register `a` gets), then a full-width multiply; for 64-bit lanes
    /// pmuldq/pmuludq multiply the low dwords, the widened lanes.
    fn extmul(&mut self, i: &Instr, high: bool, ext: Ext) {
        self.widen(1, i.c, high, ext);
        let d = self.vdst(i.a);
        self.widen(d, i.b, high, ext);
        match ext {
            Ext::Sbw | Ext::Ubw => asm!(self.asm; pmullw Rx(d), xmm1),
            Ext::Swd | Ext::Uwd => asm!(self.asm; pmulld Rx(d), xmm1),
            Ext::Sdq => asm!(self.asm; pmuldq Rx(d), xmm1),
            Ext::Udq => asm!(self.asm; pmuludq Rx(d), xmm1),
        }
        self.vset(i.a, d);
    }

    /// extadd_pairwise: a multiply-add by ones (pmaddubsw's first operand
    /// is the unsigned one, pmaddwd's are signed), except for u16 lanes:
    /// (x >>u 16) + (x & 0xffff) per dword.
    fn extadd_pairwise(&mut self, i: &Instr) {
        use Op::*;
        if i.op == I16x8ExtAddPairwiseI8x16S {
            // 1 (unsigned) * x (signed), pairs summed.
            let v = self.vsrc(i.b, 0);
            asm!(self.asm; pcmpeqb xmm1, xmm1; pabsb xmm1, xmm1; pmaddubsw xmm1, Rx(v));
            self.vset(i.a, 1);
            return;
        }
        if i.op == I32x4ExtAddPairwiseI16x8U {
            // The low words, zero-extended, first: `b` may be in `d`.
            self.vcopy(1, i.b);
            asm!(self.asm; pslld xmm1, 16; psrld xmm1, 16);
        }
        let d = self.vdst(i.a);
        self.vcopy(d, i.b);
        match i.op {
            I16x8ExtAddPairwiseI8x16U => asm!(self.asm
                ; pcmpeqb xmm1, xmm1
                ; pabsb xmm1, xmm1
                ; pmaddubsw Rx(d), xmm1
            ),
            I32x4ExtAddPairwiseI16x8S => asm!(self.asm
                ; pcmpeqw xmm1, xmm1
                ; psrlw xmm1, 15
                ; pmaddwd Rx(d), xmm1
            ),
            _ => asm!(self.asm; psrld Rx(d), 16; paddd Rx(d), xmm1),
        }
        self.vset(i.a, d);
    }
}
