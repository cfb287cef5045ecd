//! Vector ops on x86_64 with SSE4.1: the float-lane ops not in simd.rs and the float
//! conversions (see `simd.rs` for how vectors are held).
//!
//! Each result is bit for bit the interpreter's (`loader/src/interp/simd/lanes.rs`), NaNs
//! included. A NaN made from a NaN operand is the one x86 gives for `x op y`: `x` if it is a
//! NaN, else `y`, made quiet; the sequences below put the operands in the order lanes.rs
//! names them (`nan_of` and `sse` there).

use super::{FnGen, L};
use dynasmrt::{dynasm, DynasmApi};
use zwasm_abi::ir::{Instr, Op};

macro_rules! asm {
    ($ops:expr; $($t:tt)*) => {
        dynasm!($ops ; .arch x64 ; $($t)*)
    };
}

/// One instruction, its `ps` (f32x4) or `pd` (f64x2) form as `$wide` says.
macro_rules! ps_pd {
    ($g:ident, $wide:expr, $ps:ident | $pd:ident $($args:tt)*) => {
        if $wide {
            asm!($g.asm; $pd $($args)*)
        } else {
            asm!($g.asm; $ps $($args)*)
        }
    };
}

/// The register `min_max` borrows when the destination is in memory.
const BORROWED: u8 = 15;

/// Whether this file compiles vector op `op`.
pub(super) fn covers(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        F32x4Eq
            | F32x4Ne
            | F32x4Lt
            | F32x4Gt
            | F32x4Le
            | F32x4Ge
            | F64x2Eq
            | F64x2Ne
            | F64x2Lt
            | F64x2Gt
            | F64x2Le
            | F64x2Ge
            | F32x4Min
            | F32x4Max
            | F64x2Min
            | F64x2Max
            | F32x4RelaxedMin
            | F32x4RelaxedMax
            | F64x2RelaxedMin
            | F64x2RelaxedMax
            | F32x4Abs
            | F32x4Neg
            | F64x2Abs
            | F64x2Neg
            | F32x4ExtractLane
            | F64x2ExtractLane
            | F32x4ReplaceLane
            | F64x2ReplaceLane
            | F32x4ConvertI32x4U
            | F64x2ConvertLowI32x4U
            | I32x4TruncSatF32x4S
            | I32x4TruncSatF32x4U
            | I32x4TruncSatF64x2SZero
            | I32x4TruncSatF64x2UZero
            | I32x4RelaxedTruncF32x4S
            | I32x4RelaxedTruncF32x4U
            | I32x4RelaxedTruncF64x2SZero
            | I32x4RelaxedTruncF64x2UZero
            | F32x4RelaxedMadd
            | F32x4RelaxedNmadd
            | F64x2RelaxedMadd
            | F64x2RelaxedNmadd
    )
}

impl FnGen<'_> {
    /// Emits vector instruction `pc`, one `covers` accepts; returns the
    /// next pc to emit.
    pub(super) fn simd_float(&mut self, pc: usize, i: &Instr) -> usize {
        use Op::*;
        match i.op {
            F32x4Eq | F32x4Ne | F32x4Lt | F32x4Gt | F32x4Le | F32x4Ge => {
                self.float_compare(i, false)
            }
            F64x2Eq | F64x2Ne | F64x2Lt | F64x2Gt | F64x2Le | F64x2Ge => {
                self.float_compare(i, true)
            }
            F32x4Min => self.float_min_max(i, false, false),
            F32x4Max => self.float_min_max(i, false, true),
            F64x2Min => self.float_min_max(i, true, false),
            F64x2Max => self.float_min_max(i, true, true),
            F32x4RelaxedMin | F32x4RelaxedMax | F64x2RelaxedMin | F64x2RelaxedMax => {
                // relaxed_min(x, y) = x < y ? x : y = minps(x, y); max likewise.
                let (d, c) = self.binary_operands(i.a, i.b, i.c);
                match i.op {
                    F32x4RelaxedMin => asm!(self.asm; minps Rx(d), Rx(c)),
                    F32x4RelaxedMax => asm!(self.asm; maxps Rx(d), Rx(c)),
                    F64x2RelaxedMin => asm!(self.asm; minpd Rx(d), Rx(c)),
                    _ => asm!(self.asm; maxpd Rx(d), Rx(c)),
                }
                self.vset(i.a, d);
            }
            F32x4Abs => self.float_sign_bits(i, false, false),
            F32x4Neg => self.float_sign_bits(i, false, true),
            F64x2Abs => self.float_sign_bits(i, true, false),
            F64x2Neg => self.float_sign_bits(i, true, true),
            F32x4ExtractLane => self.float_extract(i, false),
            F64x2ExtractLane => self.float_extract(i, true),
            F32x4ReplaceLane => self.float_replace(i, false),
            F64x2ReplaceLane => self.float_replace(i, true),
            F32x4ConvertI32x4U => self.float_convert_u32_f32(i),
            F64x2ConvertLowI32x4U => self.float_convert_u32_f64(i),
            I32x4TruncSatF32x4S | I32x4RelaxedTruncF32x4S => self.float_trunc_f32_s(i),
            I32x4TruncSatF32x4U | I32x4RelaxedTruncF32x4U => self.float_trunc_f32_u(i),
            I32x4TruncSatF64x2SZero | I32x4RelaxedTruncF64x2SZero => self.float_trunc_f64_s(i),
            I32x4TruncSatF64x2UZero | I32x4RelaxedTruncF64x2UZero => self.float_trunc_f64_u(i),
            F32x4RelaxedMadd => self.float_madd(i, false, false),
            F32x4RelaxedNmadd => self.float_madd(i, false, true),
            F64x2RelaxedMadd => self.float_madd(i, true, false),
            F64x2RelaxedNmadd => self.float_madd(i, true, true),
            other => unreachable!("{} is not covered here (pc {pc})", other.name()),
        }
        pc + 1
    }

    /// Copies the vector at `slot` into register `r` (nothing if it is there).
    fn float_load(&mut self, r: u8, slot: u16) {
        match self.vloc(slot) {
            L::X(x) if x == r => {}
            L::X(x) => asm!(self.asm; movaps Rx(r), Rx(x)),
            L::M(d) => asm!(self.asm; movdqu Rx(r), [rbx + d]),
            L::G(_) => unreachable!("vectors live in xmm registers or memory"),
        }
    }

    /// `a` = the lane mask of `b` cmp `c`, with the `cmpps`/`cmppd` predicates
    /// eq (0), lt (1), le (2) and neq (4, true when unordered, as wasm's `ne`);
    /// gt and ge are lt and le with the operands swapped.
    fn float_compare(&mut self, i: &Instr, wide: bool) {
        use Op::*;
        let (pred, swap): (i8, bool) = match i.op {
            F32x4Eq | F64x2Eq => (0, false),
            F32x4Ne | F64x2Ne => (4, false),
            F32x4Lt | F64x2Lt => (1, false),
            F32x4Le | F64x2Le => (2, false),
            F32x4Gt | F64x2Gt => (1, true),
            _ => (2, true),
        };
        let (b, c) = if swap { (i.c, i.b) } else { (i.b, i.c) };
        let (d, s) = self.binary_operands(i.a, b, c);
        ps_pd!(self, wide, cmpps | cmppd Rx(d), Rx(s), pred);
        self.vset(i.a, d);
    }

    /// wasm `min`/`max` of x = `b` and y = `c`: a NaN if either is one, and
    /// -0 < +0. `minps p, q` is `p < q ? p : q`, so it gives `q` when either
    /// is a NaN or both are zeros. With m1 = minps(x, y) and m2 = minps(y, x),
    /// the ordered lanes' min is m1 | m2 (the two differ only for zeros of
    /// both signs, where the or gives -0; Cranelift's lowering), their max
    /// m1 & m2 (from maxps). In the unordered lanes m1 = y and m2 = x, and the
    /// NaN lanes.rs wants is that of x - y. So with u = unord(m1, m2):
    ///
    /// - min = (m2 | (m1 & !u)) - (m1 & u)
    /// - max = (m2 & (m1 | u)) - (m1 & u)
    ///
    /// which subtracts +0 in the ordered lanes (exact for every number,
    /// -0 included) and y in the unordered ones.
    ///
    /// Three registers: `xmm0`, `xmm1` and `a`'s own, or, when `a` is in
    /// memory, `xmm15`, saved in `rax:rcx` and restored.
    fn float_min_max(&mut self, i: &Instr, wide: bool, max: bool) {
        let borrow = !matches!(self.vloc(i.a), L::X(_));
        if borrow {
            asm!(self.asm; movq rax, Rx(BORROWED); pextrq rcx, Rx(BORROWED), 1);
        }
        let t = match self.vloc(i.a) {
            L::X(x) => x,
            _ => BORROWED,
        };
        // The result ends in `t`: r0 for min, r2 for max. Both operands are
        // copied (x first: `t` may hold it) before `t` is written.
        let (r0, r1, r2) = if max { (0, 1, t) } else { (t, 1, 0) };
        self.float_load(r1, i.b);
        self.float_load(r0, i.c);
        asm!(self.asm; movaps Rx(r2), Rx(r0));
        if max {
            ps_pd!(self, wide, maxps | maxpd Rx(r0), Rx(r1)); // m2
            ps_pd!(self, wide, maxps | maxpd Rx(r1), Rx(r2)); // m1
            asm!(self.asm; movaps Rx(r2), Rx(r0));
            ps_pd!(self, wide, cmpps | cmppd Rx(r2), Rx(r1), 7); // o = !u
            asm!(self.asm
                ; xorps Rx(r2), Rx(r1) // o ^ m1
                ; andps Rx(r1), Rx(r2) // m1 & !o = m1 & u
                ; xorps Rx(r2), Rx(r1) // o & !m1
                ; andnps Rx(r2), Rx(r0) // m2 & !(o & !m1) = m2 & (m1 | u)
            );
            ps_pd!(self, wide, subps | subpd Rx(r2), Rx(r1));
        } else {
            ps_pd!(self, wide, minps | minpd Rx(r0), Rx(r1)); // m2
            ps_pd!(self, wide, minps | minpd Rx(r1), Rx(r2)); // m1
            asm!(self.asm; movaps Rx(r2), Rx(r0));
            ps_pd!(self, wide, cmpps | cmppd Rx(r2), Rx(r1), 3); // u
            asm!(self.asm
                ; andnps Rx(r2), Rx(r1) // m1 & !u
                ; xorps Rx(r1), Rx(r2) // m1 & u
                ; orps Rx(r0), Rx(r2) // m2 | (m1 & !u)
            );
            ps_pd!(self, wide, subps | subpd Rx(r0), Rx(r1));
        }
        self.vset(i.a, t);
        if borrow {
            asm!(self.asm; movq Rx(BORROWED), rax; pinsrq Rx(BORROWED), rcx, 1);
        }
    }

    /// abs and neg touch only the sign bits (NaNs keep their payload): and
    /// with !signs, or xor with signs, a mask built from all ones in `xmm1`.
    fn float_sign_bits(&mut self, i: &Instr, wide: bool, neg: bool) {
        self.ones_in_xmm1();
        match (wide, neg) {
            (false, false) => asm!(self.asm; psrld xmm1, 1),
            (true, false) => asm!(self.asm; psrlq xmm1, 1),
            (false, true) => asm!(self.asm; pslld xmm1, 31),
            (true, true) => asm!(self.asm; psllq xmm1, 63),
        }
        let d = self.vdst(i.a);
        self.float_load(d, i.b);
        if neg {
            asm!(self.asm; xorps Rx(d), xmm1);
        } else {
            asm!(self.asm; andps Rx(d), xmm1);
        }
        self.vset(i.a, d);
    }

    /// The scalar `a` = lane `imm` of `b`: an f32 with the register's other
    /// bits zero (`insertps` zeroing lanes 1 to 3; an f32 keeps bits 32..64
    /// zero), an f64 with `movq` or `pshufd`, or a load straight from the
    /// vector's cells.
    fn float_extract(&mut self, i: &Instr, wide: bool) {
        let lane = (i.imm & if wide { 1 } else { 3 }) as i32;
        let t = match self.loc(i.a) {
            L::X(x) => x,
            _ => 0,
        };
        match (self.vloc(i.b), wide) {
            (L::X(v), false) => asm!(self.asm; insertps Rx(t), Rx(v), (lane << 6 | 0x0e) as i8),
            (L::X(v), true) if lane == 0 => asm!(self.asm; movq Rx(t), Rx(v)),
            (L::X(v), true) => asm!(self.asm; pshufd Rx(t), Rx(v), 0xee_u8 as i8),
            (L::M(m), false) => asm!(self.asm; movd Rx(t), DWORD [rbx + m + 4 * lane]),
            (L::M(m), true) => asm!(self.asm; movq Rx(t), QWORD [rbx + m + 8 * lane]),
            (L::G(_), _) => unreachable!("vectors live in xmm registers or memory"),
        }
        self.set_xmm(i.a, t);
    }

    /// `a` = `b` with lane `imm` = the scalar `c`: `insertps`, `movsd` or
    /// `movlhps` from its register, or the load forms from its frame cell.
    fn float_replace(&mut self, i: &Instr, wide: bool) {
        let lane = (i.imm & if wide { 1 } else { 3 }) as i8;
        let d = self.vdst(i.a);
        let mut c = self.loc(i.c);
        if let L::G(r) = c {
            asm!(self.asm; movq xmm1, Rq(r));
            c = L::X(1);
        }
        // The scalar may sit in the register the vector is computed in.
        if c == L::X(d) {
            asm!(self.asm; movaps xmm1, Rx(d));
            c = L::X(1);
        }
        self.float_load(d, i.b);
        match (c, wide) {
            (L::X(x), false) => asm!(self.asm; insertps Rx(d), Rx(x), lane << 4),
            (L::M(m), false) => asm!(self.asm; insertps Rx(d), DWORD [rbx + m], lane << 4),
            (L::X(x), true) if lane == 0 => asm!(self.asm; movsd Rx(d), Rx(x)),
            (L::X(x), true) => asm!(self.asm; movlhps Rx(d), Rx(x)),
            (L::M(m), true) if lane == 0 => asm!(self.asm; movlps Rx(d), QWORD [rbx + m]),
            (L::M(m), true) => asm!(self.asm; movhps Rx(d), QWORD [rbx + m]),
            (L::G(_), _) => unreachable!("moved to xmm1"),
        }
        self.vset(i.a, d);
    }

    /// f32x4.convert_i32x4_u: x = hi + lo with lo = x & 0xffff. lo, and hi / 2
    /// (below 2^31), convert exactly as signed; doubling hi is exact, so the
    /// one add rounds once, as `x as f32` does (Cranelift's split).
    fn float_convert_u32_f32(&mut self, i: &Instr) {
        let d = self.vdst(i.a);
        let x = self.vsrc(i.b, 1);
        if x != 1 {
            asm!(self.asm; movaps xmm1, Rx(x));
        }
        if d != x {
            asm!(self.asm; movaps Rx(d), xmm1);
        }
        asm!(self.asm
            ; pslld xmm1, 16
            ; psrld xmm1, 16 // lo
            ; psubd Rx(d), xmm1 // hi
            ; psrld Rx(d), 1
            ; cvtdq2ps Rx(d), Rx(d)
            ; addps Rx(d), Rx(d)
            ; cvtdq2ps xmm1, xmm1
            ; addps Rx(d), xmm1
        );
        self.vset(i.a, d);
    }

    /// f64x2.convert_low_i32x4_u: the double with high word 0x43300000 and
    /// low word x is 2^52 + x; subtracting 2^52 leaves x exactly.
    fn float_convert_u32_f64(&mut self, i: &Instr) {
        asm!(self.asm
            ; mov eax, 0x4330_0000
            ; movd xmm1, eax
            ; pshufd xmm1, xmm1, 0
        );
        let d = self.vdst(i.a);
        self.float_load(d, i.b);
        asm!(self.asm
            ; unpcklps Rx(d), xmm1 // x0, 0x43300000, x1, 0x43300000
            ; psllq xmm1, 32 // 2^52, 2^52
            ; subpd Rx(d), xmm1
        );
        self.vset(i.a, d);
    }

    /// i32x4.trunc_sat_f32x4_s: NaN lanes zeroed, then `cvttps2dq`, which
    /// gives 0x80000000 for every out-of-range lane; flipped to 0x7fffffff
    /// where the input was positive (Cranelift's lowering).
    fn float_trunc_f32_s(&mut self, i: &Instr) {
        let d = self.vdst(i.a);
        self.float_load(d, i.b);
        asm!(self.asm
            ; movaps xmm1, Rx(d)
            ; cmpps xmm1, xmm1, 0 // x == x: ordered
            ; andps Rx(d), xmm1 // NaN -> +0
            ; pxor xmm1, Rx(d) // !x in the ordered lanes: sign set if x >= 0
            ; cvttps2dq Rx(d), Rx(d)
            ; pand xmm1, Rx(d) // sign set if x >= 0 and out of range
            ; psrad xmm1, 31
            ; pxor Rx(d), xmm1
        );
        self.vset(i.a, d);
    }

    /// i32x4.trunc_sat_f32x4_u in two registers: x = max(x, 0) (NaN -> 0);
    /// the lanes with x >= 2^31 are halved (exponent - 1, exact), converted
    /// and doubled back; a halved lane still out of range (x >= 2^32)
    /// converts to 0x80000000, which marks it for all ones.
    fn float_trunc_f32_u(&mut self, i: &Instr) {
        let d = self.vdst(i.a);
        self.float_load(d, i.b);
        asm!(self.asm
            ; xorps xmm1, xmm1
            ; maxps Rx(d), xmm1 // x > 0 ? x : +0
            ; pcmpeqd xmm1, xmm1
            ; psrld xmm1, 1
            ; cvtdq2ps xmm1, xmm1 // 2^31
            ; cmpps xmm1, Rx(d), 2 // big: 2^31 <= x
            ; pslld xmm1, 23 // -(1 << 23) where big
            ; paddd Rx(d), xmm1 // x / 2 where big
            ; cvttps2dq Rx(d), Rx(d)
            ; psrad xmm1, 31 // big
            ; pand xmm1, Rx(d) // the halves; 0x80000000 if still too big
            ; paddd Rx(d), xmm1 // doubled
            ; psrad xmm1, 31
            ; por Rx(d), xmm1 // all ones where too big
        );
        self.vset(i.a, d);
    }

    /// i32x4.trunc_sat_f64x2_s_zero: NaN lanes zeroed, clamped to i32::MAX
    /// (`cvttpd2dq` already gives i32::MIN below the range), converted; the
    /// top two lanes come out zero.
    fn float_trunc_f64_s(&mut self, i: &Instr) {
        let d = self.vdst(i.a);
        self.float_load(d, i.b);
        asm!(self.asm
            ; movaps xmm1, Rx(d)
            ; cmppd xmm1, xmm1, 0 // x == x: ordered
            ; andps Rx(d), xmm1 // NaN -> +0
            ; mov rax, QWORD 0x41df_ffff_ffc0_0000 // 2147483647.0
            ; movq xmm1, rax
            ; punpcklqdq xmm1, xmm1
            ; minpd Rx(d), xmm1
            ; cvttpd2dq Rx(d), Rx(d)
        );
        self.vset(i.a, d);
    }

    /// i32x4.trunc_sat_f64x2_u_zero: clamped to 0..=u32::MAX (NaN -> 0),
    /// truncated, then 2^52 added so the integer is the low word of each
    /// double; `shufps` gathers the low words, and zeros from 2^52's
    /// (Cranelift's lowering).
    fn float_trunc_f64_u(&mut self, i: &Instr) {
        let d = self.vdst(i.a);
        self.float_load(d, i.b);
        asm!(self.asm
            ; xorpd xmm1, xmm1
            ; maxpd Rx(d), xmm1 // x > 0 ? x : +0
            ; mov rax, QWORD 0x41ef_ffff_ffe0_0000 // 4294967295.0
            ; movq xmm1, rax
            ; punpcklqdq xmm1, xmm1
            ; minpd Rx(d), xmm1
            ; roundpd Rx(d), Rx(d), 0x0b // toward zero
            ; mov rax, QWORD 0x4330_0000_0000_0000 // 2^52
            ; movq xmm1, rax
            ; punpcklqdq xmm1, xmm1
            ; addpd Rx(d), xmm1
            ; shufps Rx(d), xmm1, 0x88_u8 as i8
        );
        self.vset(i.a, d);
    }

    /// relaxed_madd: `a` = (a * b) + c; relaxed_nmadd: `a` = c - (a * b);
    /// unfused, the operands in the order lanes.rs takes their NaNs from.
    fn float_madd(&mut self, i: &Instr, wide: bool, neg: bool) {
        if neg || i.c == i.a {
            // The product in xmm1, `a`'s old value still where it was.
            self.float_load(1, i.a);
            let b = self.vsrc(i.b, 0);
            ps_pd!(self, wide, mulps | mulpd xmm1, Rx(b));
            if neg {
                let d = self.vdst(i.a);
                self.float_load(d, i.c);
                ps_pd!(self, wide, subps | subpd Rx(d), xmm1);
                self.vset(i.a, d);
            } else {
                let c = self.vsrc(i.c, 0);
                ps_pd!(self, wide, addps | addpd xmm1, Rx(c));
                self.vset(i.a, 1);
            }
            return;
        }
        let d = self.vdst(i.a);
        self.float_load(d, i.a);
        let b = self.vsrc(i.b, 1);
        ps_pd!(self, wide, mulps | mulpd Rx(d), Rx(b));
        let c = self.vsrc(i.c, 1);
        ps_pd!(self, wide, addps | addpd Rx(d), Rx(c));
        self.vset(i.a, d);
    }
}
