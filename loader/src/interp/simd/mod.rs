//! The interpreter's 128-bit SIMD and relaxed-SIMD ops: one dispatch from
//! each op to its lane semantics (`lanes`), over the frame's slot pairs (a
//! v128 takes two slots, low half first) and memory 0.

mod lanes;

use lanes::*;
use zwasm_abi::ir::{Fmt, Instr, Op};
use zwasm_abi::TrapCode;

/// What the interpreter does after a SIMD op.
pub(super) enum Step {
    /// Go on with the next instruction.
    Next,
    /// Skip the data word that follows (the high half of a 128-bit immediate).
    SkipWord,
    Trap(TrapCode),
    /// Not a SIMD op.
    NotSimd,
}

/// A frame and memory 0, as the SIMD ops see them.
struct Ctx {
    fp: *mut u64,
    mem: *mut u8,
    mem_len: usize,
}

impl Ctx {
    /// Slot `s` of the frame.
    #[inline(always)]
    fn r(&self, s: u16) -> u64 {
        // SAFETY: every slot field was checked against the frame at load.
        unsafe { *self.fp.add(s as usize) }
    }

    #[inline(always)]
    fn w(&self, s: u16, x: u64) {
        // SAFETY: as for `r`.
        unsafe { *self.fp.add(s as usize) = x }
    }

    /// The v128 in slots `s` and `s + 1`.
    #[inline(always)]
    fn v(&self, s: u16) -> u128 {
        self.r(s) as u128 | (self.r(s + 1) as u128) << 64
    }

    #[inline(always)]
    fn wv(&self, s: u16, x: u128) {
        self.w(s, x as u64);
        self.w(s + 1, (x >> 64) as u64);
    }

    /// The effective address of an access of `size` bytes at slot `b` plus
    /// `offset`, if it lies in memory 0.
    #[inline(always)]
    fn addr(&self, b: u16, offset: u64, size: u64) -> Option<usize> {
        let ea = self.r(b).checked_add(offset)?;
        (ea.checked_add(size)? <= self.mem_len as u64).then_some(ea as usize)
    }

    /// Reads `N` bytes of memory 0 at `ea` (checked by `addr`), little-endian,
    /// zero-extended.
    #[inline(always)]
    fn read<const N: usize>(&self, ea: usize) -> u128 {
        let mut bytes = [0u8; 16];
        // SAFETY: `addr` checked `ea + N <= mem_len`; `mem` is memory 0's base.
        unsafe { std::ptr::copy_nonoverlapping(self.mem.add(ea), bytes.as_mut_ptr(), N) };
        u128::from_le_bytes(bytes)
    }

    /// Writes the low `N` bytes of `x` to memory 0 at `ea` (checked by `addr`).
    #[inline(always)]
    fn write<const N: usize>(&self, ea: usize, x: u128) {
        let bytes = x.to_le_bytes();
        // SAFETY: as for `read`.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.mem.add(ea), N) };
    }
}

/// Runs instruction `i` if it is a SIMD op. `next` is the instruction after
/// it (the data word of `v128.const` and `i8x16.shuffle`).
///
/// # Safety
/// `fp` is the current frame, whose size the artifact checker verified
/// against every slot `i` names (both slots of a v128); `next` points at the
/// instruction after `i` when `i` has a data word; `mem` and `mem_len` are
/// memory 0's base and length (null and 0 without one).
///
/// Never inlined: the interpreter's loop reaches it only for ops it does not
/// run itself, and inlining this dispatch there costs every scalar op
/// (registers and code layout of the hot loop): a scalar program ran 50%
/// slower with it inlined.
#[inline(never)]
pub(super) unsafe fn exec(
    i: &Instr,
    next: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    mem_len: usize,
) -> Step {
    let cx = Ctx { fp, mem, mem_len };
    // The 128-bit immediate: low half here, high half in the data word.
    let wide_imm = || {
        // SAFETY: the checker verified a data word follows.
        i.imm as u128 | (unsafe { (*next).imm } as u128) << 64
    };
    macro_rules! mem {
        ($size:expr, |$ea:ident| $e:expr) => {{
            let Some($ea) = cx.addr(i.b, i.imm, $size) else {
                return Step::Trap(TrapCode::MemoryOutOfBounds);
            };
            $e;
            return Step::Next;
        }};
    }
    macro_rules! lane_mem {
        ($size:expr, |$ea:ident| $e:expr) => {{
            let Some($ea) = cx.addr(i.b, i.lane_offset(), $size) else {
                return Step::Trap(TrapCode::MemoryOutOfBounds);
            };
            $e;
            return Step::Next;
        }};
    }
    match i.op {
        Op::CopyV128 => {
            cx.wv(i.a, cx.v(i.b));
            return Step::Next;
        }
        Op::SelectV128 => {
            let from = if cx.r(i.imm as u16) as u32 != 0 {
                i.b
            } else {
                i.c
            };
            cx.wv(i.a, cx.v(from));
            return Step::Next;
        }
        Op::V128Const => {
            cx.wv(i.a, wide_imm());
            return Step::SkipWord;
        }
        Op::I8x16Shuffle => {
            cx.wv(i.a, i8x16_shuffle(cx.v(i.b), cx.v(i.c), wide_imm()));
            return Step::SkipWord;
        }

        Op::V128Load => mem!(16, |ea| cx.wv(i.a, cx.read::<16>(ea))),
        Op::V128Load8x8S => mem!(8, |ea| cx.wv(i.a, v128_load8x8_s(cx.read::<8>(ea) as u64))),
        Op::V128Load8x8U => mem!(8, |ea| cx.wv(i.a, v128_load8x8_u(cx.read::<8>(ea) as u64))),
        Op::V128Load16x4S => mem!(8, |ea| cx.wv(i.a, v128_load16x4_s(cx.read::<8>(ea) as u64))),
        Op::V128Load16x4U => mem!(8, |ea| cx.wv(i.a, v128_load16x4_u(cx.read::<8>(ea) as u64))),
        Op::V128Load32x2S => mem!(8, |ea| cx.wv(i.a, v128_load32x2_s(cx.read::<8>(ea) as u64))),
        Op::V128Load32x2U => mem!(8, |ea| cx.wv(i.a, v128_load32x2_u(cx.read::<8>(ea) as u64))),
        Op::V128Load8Splat => mem!(1, |ea| cx.wv(i.a, i8x16_splat(cx.read::<1>(ea) as u64))),
        Op::V128Load16Splat => mem!(2, |ea| cx.wv(i.a, i16x8_splat(cx.read::<2>(ea) as u64))),
        Op::V128Load32Splat => mem!(4, |ea| cx.wv(i.a, i32x4_splat(cx.read::<4>(ea) as u64))),
        Op::V128Load64Splat => mem!(8, |ea| cx.wv(i.a, i64x2_splat(cx.read::<8>(ea) as u64))),
        Op::V128Load32Zero => mem!(4, |ea| cx.wv(i.a, cx.read::<4>(ea))),
        Op::V128Load64Zero => mem!(8, |ea| cx.wv(i.a, cx.read::<8>(ea))),
        Op::V128Store => mem!(16, |ea| cx.write::<16>(ea, cx.v(i.c))),
        Op::V128Load8Lane => lane_mem!(1, |ea| {
            let x = cx.read::<1>(ea) as u64;
            cx.wv(i.a, i8x16_replace_lane(cx.v(i.c), i.lane() & 15, x))
        }),
        Op::V128Load16Lane => lane_mem!(2, |ea| {
            let x = cx.read::<2>(ea) as u64;
            cx.wv(i.a, i16x8_replace_lane(cx.v(i.c), i.lane() & 7, x))
        }),
        Op::V128Load32Lane => lane_mem!(4, |ea| {
            let x = cx.read::<4>(ea) as u64;
            cx.wv(i.a, i32x4_replace_lane(cx.v(i.c), i.lane() & 3, x))
        }),
        Op::V128Load64Lane => lane_mem!(8, |ea| {
            let x = cx.read::<8>(ea) as u64;
            cx.wv(i.a, i64x2_replace_lane(cx.v(i.c), i.lane() & 1, x))
        }),
        Op::V128Store8Lane => lane_mem!(1, |ea| {
            let x = i8x16_extract_lane_u(cx.v(i.c), i.lane() & 15);
            cx.write::<1>(ea, x as u128)
        }),
        Op::V128Store16Lane => lane_mem!(2, |ea| {
            let x = i16x8_extract_lane_u(cx.v(i.c), i.lane() & 7);
            cx.write::<2>(ea, x as u128)
        }),
        Op::V128Store32Lane => lane_mem!(4, |ea| {
            let x = i32x4_extract_lane(cx.v(i.c), i.lane() & 3);
            cx.write::<4>(ea, x as u128)
        }),
        Op::V128Store64Lane => lane_mem!(8, |ea| {
            let x = i64x2_extract_lane(cx.v(i.c), i.lane() & 1);
            cx.write::<8>(ea, x as u128)
        }),

        _ => {}
    }
    // The lane ops, by the shape of their operands (from the op table): one
    // place per shape reads and writes the frame, and one match per shape
    // names each op's lane function, inlined there.
    let wide = |field| i.op.is_wide(field);
    match (i.op.fmt(), wide(1), wide(2), wide(3)) {
        (Fmt::Binary, true, true, true) => cx.wv(i.a, binary(i.op, cx.v(i.b), cx.v(i.c))),
        (Fmt::Binary, true, false, true) => cx.wv(i.a, shift(i.op, cx.v(i.b), cx.r(i.c) as u32)),
        (Fmt::Unary, true, _, true) => cx.wv(i.a, unary(i.op, cx.v(i.b))),
        (Fmt::Unary, true, _, false) => cx.w(i.a, test(i.op, cx.v(i.b)) as u64),
        (Fmt::Unary, false, _, true) => cx.wv(i.a, splat(i.op, cx.r(i.b))),
        (Fmt::Ternary, ..) => cx.wv(i.a, ternary(i.op, cx.v(i.a), cx.v(i.b), cx.v(i.c))),
        (Fmt::BinaryImm, true, _, true) => cx.wv(i.a, shift(i.op, cx.v(i.b), i.imm as u32)),
        (Fmt::BinaryImm, true, ..) => cx.w(i.a, extract(i.op, cx.v(i.b), i.imm as u8)),
        (Fmt::BinaryLane, ..) => cx.wv(i.a, replace(i.op, cx.v(i.b), i.imm as u8, cx.r(i.c))),
        _ => return Step::NotSimd,
    }
    Step::Next
}

/// An op reached a lane function of the wrong shape: the dispatch by the
/// op table's shapes rules it out. One panic site for all of them.
#[cold]
#[inline(never)]
fn not_of_shape(op: Op) -> ! {
    unreachable!("{} is not a lane op of this shape", op.name())
}

/// The binary lane ops.
#[inline(never)]
fn binary(op: Op, a: u128, b: u128) -> u128 {
    match op {
        Op::I8x16Swizzle => i8x16_swizzle(a, b),
        Op::I8x16Eq => i8x16_eq(a, b),
        Op::I8x16Ne => i8x16_ne(a, b),
        Op::I8x16LtS => i8x16_lt_s(a, b),
        Op::I8x16LtU => i8x16_lt_u(a, b),
        Op::I8x16GtS => i8x16_gt_s(a, b),
        Op::I8x16GtU => i8x16_gt_u(a, b),
        Op::I8x16LeS => i8x16_le_s(a, b),
        Op::I8x16LeU => i8x16_le_u(a, b),
        Op::I8x16GeS => i8x16_ge_s(a, b),
        Op::I8x16GeU => i8x16_ge_u(a, b),
        Op::I16x8Eq => i16x8_eq(a, b),
        Op::I16x8Ne => i16x8_ne(a, b),
        Op::I16x8LtS => i16x8_lt_s(a, b),
        Op::I16x8LtU => i16x8_lt_u(a, b),
        Op::I16x8GtS => i16x8_gt_s(a, b),
        Op::I16x8GtU => i16x8_gt_u(a, b),
        Op::I16x8LeS => i16x8_le_s(a, b),
        Op::I16x8LeU => i16x8_le_u(a, b),
        Op::I16x8GeS => i16x8_ge_s(a, b),
        Op::I16x8GeU => i16x8_ge_u(a, b),
        Op::I32x4Eq => i32x4_eq(a, b),
        Op::I32x4Ne => i32x4_ne(a, b),
        Op::I32x4LtS => i32x4_lt_s(a, b),
        Op::I32x4LtU => i32x4_lt_u(a, b),
        Op::I32x4GtS => i32x4_gt_s(a, b),
        Op::I32x4GtU => i32x4_gt_u(a, b),
        Op::I32x4LeS => i32x4_le_s(a, b),
        Op::I32x4LeU => i32x4_le_u(a, b),
        Op::I32x4GeS => i32x4_ge_s(a, b),
        Op::I32x4GeU => i32x4_ge_u(a, b),
        Op::I64x2Eq => i64x2_eq(a, b),
        Op::I64x2Ne => i64x2_ne(a, b),
        Op::I64x2LtS => i64x2_lt_s(a, b),
        Op::I64x2GtS => i64x2_gt_s(a, b),
        Op::I64x2LeS => i64x2_le_s(a, b),
        Op::I64x2GeS => i64x2_ge_s(a, b),
        Op::F32x4Eq => f32x4_eq(a, b),
        Op::F32x4Ne => f32x4_ne(a, b),
        Op::F32x4Lt => f32x4_lt(a, b),
        Op::F32x4Gt => f32x4_gt(a, b),
        Op::F32x4Le => f32x4_le(a, b),
        Op::F32x4Ge => f32x4_ge(a, b),
        Op::F64x2Eq => f64x2_eq(a, b),
        Op::F64x2Ne => f64x2_ne(a, b),
        Op::F64x2Lt => f64x2_lt(a, b),
        Op::F64x2Gt => f64x2_gt(a, b),
        Op::F64x2Le => f64x2_le(a, b),
        Op::F64x2Ge => f64x2_ge(a, b),
        Op::V128And => v128_and(a, b),
        Op::V128AndNot => v128_andnot(a, b),
        Op::V128Or => v128_or(a, b),
        Op::V128Xor => v128_xor(a, b),
        Op::I8x16NarrowI16x8S => i8x16_narrow_i16x8_s(a, b),
        Op::I8x16NarrowI16x8U => i8x16_narrow_i16x8_u(a, b),
        Op::I8x16Add => i8x16_add(a, b),
        Op::I8x16AddSatS => i8x16_add_sat_s(a, b),
        Op::I8x16AddSatU => i8x16_add_sat_u(a, b),
        Op::I8x16Sub => i8x16_sub(a, b),
        Op::I8x16SubSatS => i8x16_sub_sat_s(a, b),
        Op::I8x16SubSatU => i8x16_sub_sat_u(a, b),
        Op::I8x16MinS => i8x16_min_s(a, b),
        Op::I8x16MinU => i8x16_min_u(a, b),
        Op::I8x16MaxS => i8x16_max_s(a, b),
        Op::I8x16MaxU => i8x16_max_u(a, b),
        Op::I8x16AvgrU => i8x16_avgr_u(a, b),
        Op::I16x8Q15MulrSatS => i16x8_q15mulr_sat_s(a, b),
        Op::I16x8NarrowI32x4S => i16x8_narrow_i32x4_s(a, b),
        Op::I16x8NarrowI32x4U => i16x8_narrow_i32x4_u(a, b),
        Op::I16x8Add => i16x8_add(a, b),
        Op::I16x8AddSatS => i16x8_add_sat_s(a, b),
        Op::I16x8AddSatU => i16x8_add_sat_u(a, b),
        Op::I16x8Sub => i16x8_sub(a, b),
        Op::I16x8SubSatS => i16x8_sub_sat_s(a, b),
        Op::I16x8SubSatU => i16x8_sub_sat_u(a, b),
        Op::I16x8Mul => i16x8_mul(a, b),
        Op::I16x8MinS => i16x8_min_s(a, b),
        Op::I16x8MinU => i16x8_min_u(a, b),
        Op::I16x8MaxS => i16x8_max_s(a, b),
        Op::I16x8MaxU => i16x8_max_u(a, b),
        Op::I16x8AvgrU => i16x8_avgr_u(a, b),
        Op::I16x8ExtMulLowI8x16S => i16x8_extmul_low_i8x16_s(a, b),
        Op::I16x8ExtMulHighI8x16S => i16x8_extmul_high_i8x16_s(a, b),
        Op::I16x8ExtMulLowI8x16U => i16x8_extmul_low_i8x16_u(a, b),
        Op::I16x8ExtMulHighI8x16U => i16x8_extmul_high_i8x16_u(a, b),
        Op::I32x4Add => i32x4_add(a, b),
        Op::I32x4Sub => i32x4_sub(a, b),
        Op::I32x4Mul => i32x4_mul(a, b),
        Op::I32x4MinS => i32x4_min_s(a, b),
        Op::I32x4MinU => i32x4_min_u(a, b),
        Op::I32x4MaxS => i32x4_max_s(a, b),
        Op::I32x4MaxU => i32x4_max_u(a, b),
        Op::I32x4DotI16x8S => i32x4_dot_i16x8_s(a, b),
        Op::I32x4ExtMulLowI16x8S => i32x4_extmul_low_i16x8_s(a, b),
        Op::I32x4ExtMulHighI16x8S => i32x4_extmul_high_i16x8_s(a, b),
        Op::I32x4ExtMulLowI16x8U => i32x4_extmul_low_i16x8_u(a, b),
        Op::I32x4ExtMulHighI16x8U => i32x4_extmul_high_i16x8_u(a, b),
        Op::I64x2Add => i64x2_add(a, b),
        Op::I64x2Sub => i64x2_sub(a, b),
        Op::I64x2Mul => i64x2_mul(a, b),
        Op::I64x2ExtMulLowI32x4S => i64x2_extmul_low_i32x4_s(a, b),
        Op::I64x2ExtMulHighI32x4S => i64x2_extmul_high_i32x4_s(a, b),
        Op::I64x2ExtMulLowI32x4U => i64x2_extmul_low_i32x4_u(a, b),
        Op::I64x2ExtMulHighI32x4U => i64x2_extmul_high_i32x4_u(a, b),
        Op::F32x4Add => f32x4_add(a, b),
        Op::F32x4Sub => f32x4_sub(a, b),
        Op::F32x4Mul => f32x4_mul(a, b),
        Op::F32x4Div => f32x4_div(a, b),
        Op::F32x4Min => f32x4_min(a, b),
        Op::F32x4Max => f32x4_max(a, b),
        Op::F32x4PMin => f32x4_pmin(a, b),
        Op::F32x4PMax => f32x4_pmax(a, b),
        Op::F64x2Add => f64x2_add(a, b),
        Op::F64x2Sub => f64x2_sub(a, b),
        Op::F64x2Mul => f64x2_mul(a, b),
        Op::F64x2Div => f64x2_div(a, b),
        Op::F64x2Min => f64x2_min(a, b),
        Op::F64x2Max => f64x2_max(a, b),
        Op::F64x2PMin => f64x2_pmin(a, b),
        Op::F64x2PMax => f64x2_pmax(a, b),
        Op::I8x16RelaxedSwizzle => i8x16_relaxed_swizzle(a, b),
        Op::F32x4RelaxedMin => f32x4_relaxed_min(a, b),
        Op::F32x4RelaxedMax => f32x4_relaxed_max(a, b),
        Op::F64x2RelaxedMin => f64x2_relaxed_min(a, b),
        Op::F64x2RelaxedMax => f64x2_relaxed_max(a, b),
        Op::I16x8RelaxedQ15mulrS => i16x8_relaxed_q15mulr_s(a, b),
        Op::I16x8RelaxedDotI8x16I7x16S => i16x8_relaxed_dot_i8x16_i7x16_s(a, b),
        other => not_of_shape(other),
    }
}

/// The shift lane ops (the count from a slot, or the immediate).
#[inline(never)]
fn shift(op: Op, a: u128, n: u32) -> u128 {
    match op {
        Op::I8x16Shl | Op::I8x16ShlImm => i8x16_shl(a, n),
        Op::I8x16ShrS | Op::I8x16ShrSImm => i8x16_shr_s(a, n),
        Op::I8x16ShrU | Op::I8x16ShrUImm => i8x16_shr_u(a, n),
        Op::I16x8Shl | Op::I16x8ShlImm => i16x8_shl(a, n),
        Op::I16x8ShrS | Op::I16x8ShrSImm => i16x8_shr_s(a, n),
        Op::I16x8ShrU | Op::I16x8ShrUImm => i16x8_shr_u(a, n),
        Op::I32x4Shl | Op::I32x4ShlImm => i32x4_shl(a, n),
        Op::I32x4ShrS | Op::I32x4ShrSImm => i32x4_shr_s(a, n),
        Op::I32x4ShrU | Op::I32x4ShrUImm => i32x4_shr_u(a, n),
        Op::I64x2Shl | Op::I64x2ShlImm => i64x2_shl(a, n),
        Op::I64x2ShrS | Op::I64x2ShrSImm => i64x2_shr_s(a, n),
        Op::I64x2ShrU | Op::I64x2ShrUImm => i64x2_shr_u(a, n),
        other => not_of_shape(other),
    }
}

/// The unary lane ops.
#[inline(never)]
fn unary(op: Op, a: u128) -> u128 {
    match op {
        Op::V128Not => v128_not(a),
        Op::I8x16Abs => i8x16_abs(a),
        Op::I8x16Neg => i8x16_neg(a),
        Op::I8x16Popcnt => i8x16_popcnt(a),
        Op::I16x8ExtAddPairwiseI8x16S => i16x8_extadd_pairwise_i8x16_s(a),
        Op::I16x8ExtAddPairwiseI8x16U => i16x8_extadd_pairwise_i8x16_u(a),
        Op::I16x8Abs => i16x8_abs(a),
        Op::I16x8Neg => i16x8_neg(a),
        Op::I16x8ExtendLowI8x16S => i16x8_extend_low_i8x16_s(a),
        Op::I16x8ExtendHighI8x16S => i16x8_extend_high_i8x16_s(a),
        Op::I16x8ExtendLowI8x16U => i16x8_extend_low_i8x16_u(a),
        Op::I16x8ExtendHighI8x16U => i16x8_extend_high_i8x16_u(a),
        Op::I32x4ExtAddPairwiseI16x8S => i32x4_extadd_pairwise_i16x8_s(a),
        Op::I32x4ExtAddPairwiseI16x8U => i32x4_extadd_pairwise_i16x8_u(a),
        Op::I32x4Abs => i32x4_abs(a),
        Op::I32x4Neg => i32x4_neg(a),
        Op::I32x4ExtendLowI16x8S => i32x4_extend_low_i16x8_s(a),
        Op::I32x4ExtendHighI16x8S => i32x4_extend_high_i16x8_s(a),
        Op::I32x4ExtendLowI16x8U => i32x4_extend_low_i16x8_u(a),
        Op::I32x4ExtendHighI16x8U => i32x4_extend_high_i16x8_u(a),
        Op::I64x2Abs => i64x2_abs(a),
        Op::I64x2Neg => i64x2_neg(a),
        Op::I64x2ExtendLowI32x4S => i64x2_extend_low_i32x4_s(a),
        Op::I64x2ExtendHighI32x4S => i64x2_extend_high_i32x4_s(a),
        Op::I64x2ExtendLowI32x4U => i64x2_extend_low_i32x4_u(a),
        Op::I64x2ExtendHighI32x4U => i64x2_extend_high_i32x4_u(a),
        Op::F32x4Ceil => f32x4_ceil(a),
        Op::F32x4Floor => f32x4_floor(a),
        Op::F32x4Trunc => f32x4_trunc(a),
        Op::F32x4Nearest => f32x4_nearest(a),
        Op::F32x4Abs => f32x4_abs(a),
        Op::F32x4Neg => f32x4_neg(a),
        Op::F32x4Sqrt => f32x4_sqrt(a),
        Op::F64x2Ceil => f64x2_ceil(a),
        Op::F64x2Floor => f64x2_floor(a),
        Op::F64x2Trunc => f64x2_trunc(a),
        Op::F64x2Nearest => f64x2_nearest(a),
        Op::F64x2Abs => f64x2_abs(a),
        Op::F64x2Neg => f64x2_neg(a),
        Op::F64x2Sqrt => f64x2_sqrt(a),
        Op::I32x4TruncSatF32x4S => i32x4_trunc_sat_f32x4_s(a),
        Op::I32x4TruncSatF32x4U => i32x4_trunc_sat_f32x4_u(a),
        Op::F32x4ConvertI32x4S => f32x4_convert_i32x4_s(a),
        Op::F32x4ConvertI32x4U => f32x4_convert_i32x4_u(a),
        Op::I32x4TruncSatF64x2SZero => i32x4_trunc_sat_f64x2_s_zero(a),
        Op::I32x4TruncSatF64x2UZero => i32x4_trunc_sat_f64x2_u_zero(a),
        Op::F64x2ConvertLowI32x4S => f64x2_convert_low_i32x4_s(a),
        Op::F64x2ConvertLowI32x4U => f64x2_convert_low_i32x4_u(a),
        Op::F32x4DemoteF64x2Zero => f32x4_demote_f64x2_zero(a),
        Op::F64x2PromoteLowF32x4 => f64x2_promote_low_f32x4(a),
        Op::I32x4RelaxedTruncF32x4S => i32x4_relaxed_trunc_f32x4_s(a),
        Op::I32x4RelaxedTruncF32x4U => i32x4_relaxed_trunc_f32x4_u(a),
        Op::I32x4RelaxedTruncF64x2SZero => i32x4_relaxed_trunc_f64x2_s_zero(a),
        Op::I32x4RelaxedTruncF64x2UZero => i32x4_relaxed_trunc_f64x2_u_zero(a),
        other => not_of_shape(other),
    }
}

/// The test lane ops.
#[inline(never)]
fn test(op: Op, a: u128) -> u32 {
    match op {
        Op::V128AnyTrue => v128_any_true(a),
        Op::I8x16AllTrue => i8x16_all_true(a),
        Op::I16x8AllTrue => i16x8_all_true(a),
        Op::I32x4AllTrue => i32x4_all_true(a),
        Op::I64x2AllTrue => i64x2_all_true(a),
        Op::I8x16Bitmask => i8x16_bitmask(a),
        Op::I16x8Bitmask => i16x8_bitmask(a),
        Op::I32x4Bitmask => i32x4_bitmask(a),
        Op::I64x2Bitmask => i64x2_bitmask(a),
        other => not_of_shape(other),
    }
}

/// The splat lane ops.
#[inline(never)]
fn splat(op: Op, x: u64) -> u128 {
    match op {
        Op::I8x16Splat => i8x16_splat(x),
        Op::I16x8Splat => i16x8_splat(x),
        Op::I32x4Splat => i32x4_splat(x),
        Op::I64x2Splat => i64x2_splat(x),
        Op::F32x4Splat => f32x4_splat(x),
        Op::F64x2Splat => f64x2_splat(x),
        other => not_of_shape(other),
    }
}

/// The ternary lane ops.
#[inline(never)]
fn ternary(op: Op, a: u128, b: u128, c: u128) -> u128 {
    match op {
        Op::V128Bitselect => v128_bitselect(a, b, c),
        Op::F32x4RelaxedMadd => f32x4_relaxed_madd(a, b, c),
        Op::F32x4RelaxedNmadd => f32x4_relaxed_nmadd(a, b, c),
        Op::F64x2RelaxedMadd => f64x2_relaxed_madd(a, b, c),
        Op::F64x2RelaxedNmadd => f64x2_relaxed_nmadd(a, b, c),
        Op::I8x16RelaxedLaneselect => i8x16_relaxed_laneselect(a, b, c),
        Op::I16x8RelaxedLaneselect => i16x8_relaxed_laneselect(a, b, c),
        Op::I32x4RelaxedLaneselect => i32x4_relaxed_laneselect(a, b, c),
        Op::I64x2RelaxedLaneselect => i64x2_relaxed_laneselect(a, b, c),
        Op::I32x4RelaxedDotI8x16I7x16AddS => i32x4_relaxed_dot_i8x16_i7x16_add_s(a, b, c),
        other => not_of_shape(other),
    }
}

/// The extract lane ops.
#[inline(never)]
fn extract(op: Op, a: u128, lane: u8) -> u64 {
    match op {
        Op::I8x16ExtractLaneS => i8x16_extract_lane_s(a, lane & (16 - 1)),
        Op::I8x16ExtractLaneU => i8x16_extract_lane_u(a, lane & (16 - 1)),
        Op::I16x8ExtractLaneS => i16x8_extract_lane_s(a, lane & (8 - 1)),
        Op::I16x8ExtractLaneU => i16x8_extract_lane_u(a, lane & (8 - 1)),
        Op::I32x4ExtractLane => i32x4_extract_lane(a, lane & (4 - 1)),
        Op::I64x2ExtractLane => i64x2_extract_lane(a, lane & (2 - 1)),
        Op::F32x4ExtractLane => f32x4_extract_lane(a, lane & (4 - 1)),
        Op::F64x2ExtractLane => f64x2_extract_lane(a, lane & (2 - 1)),
        other => not_of_shape(other),
    }
}

/// The replace lane ops.
#[inline(never)]
fn replace(op: Op, a: u128, lane: u8, x: u64) -> u128 {
    match op {
        Op::I8x16ReplaceLane => i8x16_replace_lane(a, lane & (16 - 1), x),
        Op::I16x8ReplaceLane => i16x8_replace_lane(a, lane & (8 - 1), x),
        Op::I32x4ReplaceLane => i32x4_replace_lane(a, lane & (4 - 1), x),
        Op::I64x2ReplaceLane => i64x2_replace_lane(a, lane & (2 - 1), x),
        Op::F32x4ReplaceLane => f32x4_replace_lane(a, lane & (4 - 1), x),
        Op::F64x2ReplaceLane => f64x2_replace_lane(a, lane & (2 - 1), x),
        other => not_of_shape(other),
    }
}
