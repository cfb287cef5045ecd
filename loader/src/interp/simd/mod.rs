//! The interpreter's 128-bit SIMD and relaxed-SIMD ops: one dispatch from
//! each op to its lane semantics (`lanes`), over the frame's slot pairs (a
//! v128 takes two slots, low half first) and memory 0.

mod lanes;

use lanes::*;
use zwasm_abi::ir::{Instr, Op};
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
    let lanes = match i.op {
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

        Op::I8x16ExtractLaneS => Lanes::Extract(i8x16_extract_lane_s, 16),
        Op::I8x16ExtractLaneU => Lanes::Extract(i8x16_extract_lane_u, 16),
        Op::I16x8ExtractLaneS => Lanes::Extract(i16x8_extract_lane_s, 8),
        Op::I16x8ExtractLaneU => Lanes::Extract(i16x8_extract_lane_u, 8),
        Op::I32x4ExtractLane => Lanes::Extract(i32x4_extract_lane, 4),
        Op::I64x2ExtractLane => Lanes::Extract(i64x2_extract_lane, 2),
        Op::F32x4ExtractLane => Lanes::Extract(f32x4_extract_lane, 4),
        Op::F64x2ExtractLane => Lanes::Extract(f64x2_extract_lane, 2),
        Op::I8x16ReplaceLane => Lanes::Replace(i8x16_replace_lane, 16),
        Op::I16x8ReplaceLane => Lanes::Replace(i16x8_replace_lane, 8),
        Op::I32x4ReplaceLane => Lanes::Replace(i32x4_replace_lane, 4),
        Op::I64x2ReplaceLane => Lanes::Replace(i64x2_replace_lane, 2),
        Op::F32x4ReplaceLane => Lanes::Replace(f32x4_replace_lane, 4),
        Op::F64x2ReplaceLane => Lanes::Replace(f64x2_replace_lane, 2),

        Op::I8x16Splat => Lanes::Splat(i8x16_splat),
        Op::I16x8Splat => Lanes::Splat(i16x8_splat),
        Op::I32x4Splat => Lanes::Splat(i32x4_splat),
        Op::I64x2Splat => Lanes::Splat(i64x2_splat),
        Op::F32x4Splat => Lanes::Splat(f32x4_splat),
        Op::F64x2Splat => Lanes::Splat(f64x2_splat),

        Op::V128AnyTrue => Lanes::Test(v128_any_true),
        Op::I8x16AllTrue => Lanes::Test(i8x16_all_true),
        Op::I16x8AllTrue => Lanes::Test(i16x8_all_true),
        Op::I32x4AllTrue => Lanes::Test(i32x4_all_true),
        Op::I64x2AllTrue => Lanes::Test(i64x2_all_true),
        Op::I8x16Bitmask => Lanes::Test(i8x16_bitmask),
        Op::I16x8Bitmask => Lanes::Test(i16x8_bitmask),
        Op::I32x4Bitmask => Lanes::Test(i32x4_bitmask),
        Op::I64x2Bitmask => Lanes::Test(i64x2_bitmask),

        Op::I8x16Shl => Lanes::Shift(i8x16_shl),
        Op::I8x16ShrS => Lanes::Shift(i8x16_shr_s),
        Op::I8x16ShrU => Lanes::Shift(i8x16_shr_u),
        Op::I16x8Shl => Lanes::Shift(i16x8_shl),
        Op::I16x8ShrS => Lanes::Shift(i16x8_shr_s),
        Op::I16x8ShrU => Lanes::Shift(i16x8_shr_u),
        Op::I32x4Shl => Lanes::Shift(i32x4_shl),
        Op::I32x4ShrS => Lanes::Shift(i32x4_shr_s),
        Op::I32x4ShrU => Lanes::Shift(i32x4_shr_u),
        Op::I64x2Shl => Lanes::Shift(i64x2_shl),
        Op::I64x2ShrS => Lanes::Shift(i64x2_shr_s),
        Op::I64x2ShrU => Lanes::Shift(i64x2_shr_u),

        Op::V128Not => Lanes::Un(v128_not),
        Op::I8x16Abs => Lanes::Un(i8x16_abs),
        Op::I8x16Neg => Lanes::Un(i8x16_neg),
        Op::I8x16Popcnt => Lanes::Un(i8x16_popcnt),
        Op::I16x8ExtAddPairwiseI8x16S => Lanes::Un(i16x8_extadd_pairwise_i8x16_s),
        Op::I16x8ExtAddPairwiseI8x16U => Lanes::Un(i16x8_extadd_pairwise_i8x16_u),
        Op::I16x8Abs => Lanes::Un(i16x8_abs),
        Op::I16x8Neg => Lanes::Un(i16x8_neg),
        Op::I16x8ExtendLowI8x16S => Lanes::Un(i16x8_extend_low_i8x16_s),
        Op::I16x8ExtendHighI8x16S => Lanes::Un(i16x8_extend_high_i8x16_s),
        Op::I16x8ExtendLowI8x16U => Lanes::Un(i16x8_extend_low_i8x16_u),
        Op::I16x8ExtendHighI8x16U => Lanes::Un(i16x8_extend_high_i8x16_u),
        Op::I32x4ExtAddPairwiseI16x8S => Lanes::Un(i32x4_extadd_pairwise_i16x8_s),
        Op::I32x4ExtAddPairwiseI16x8U => Lanes::Un(i32x4_extadd_pairwise_i16x8_u),
        Op::I32x4Abs => Lanes::Un(i32x4_abs),
        Op::I32x4Neg => Lanes::Un(i32x4_neg),
        Op::I32x4ExtendLowI16x8S => Lanes::Un(i32x4_extend_low_i16x8_s),
        Op::I32x4ExtendHighI16x8S => Lanes::Un(i32x4_extend_high_i16x8_s),
        Op::I32x4ExtendLowI16x8U => Lanes::Un(i32x4_extend_low_i16x8_u),
        Op::I32x4ExtendHighI16x8U => Lanes::Un(i32x4_extend_high_i16x8_u),
        Op::I64x2Abs => Lanes::Un(i64x2_abs),
        Op::I64x2Neg => Lanes::Un(i64x2_neg),
        Op::I64x2ExtendLowI32x4S => Lanes::Un(i64x2_extend_low_i32x4_s),
        Op::I64x2ExtendHighI32x4S => Lanes::Un(i64x2_extend_high_i32x4_s),
        Op::I64x2ExtendLowI32x4U => Lanes::Un(i64x2_extend_low_i32x4_u),
        Op::I64x2ExtendHighI32x4U => Lanes::Un(i64x2_extend_high_i32x4_u),
        Op::F32x4Ceil => Lanes::Un(f32x4_ceil),
        Op::F32x4Floor => Lanes::Un(f32x4_floor),
        Op::F32x4Trunc => Lanes::Un(f32x4_trunc),
        Op::F32x4Nearest => Lanes::Un(f32x4_nearest),
        Op::F32x4Abs => Lanes::Un(f32x4_abs),
        Op::F32x4Neg => Lanes::Un(f32x4_neg),
        Op::F32x4Sqrt => Lanes::Un(f32x4_sqrt),
        Op::F64x2Ceil => Lanes::Un(f64x2_ceil),
        Op::F64x2Floor => Lanes::Un(f64x2_floor),
        Op::F64x2Trunc => Lanes::Un(f64x2_trunc),
        Op::F64x2Nearest => Lanes::Un(f64x2_nearest),
        Op::F64x2Abs => Lanes::Un(f64x2_abs),
        Op::F64x2Neg => Lanes::Un(f64x2_neg),
        Op::F64x2Sqrt => Lanes::Un(f64x2_sqrt),
        Op::I32x4TruncSatF32x4S => Lanes::Un(i32x4_trunc_sat_f32x4_s),
        Op::I32x4TruncSatF32x4U => Lanes::Un(i32x4_trunc_sat_f32x4_u),
        Op::F32x4ConvertI32x4S => Lanes::Un(f32x4_convert_i32x4_s),
        Op::F32x4ConvertI32x4U => Lanes::Un(f32x4_convert_i32x4_u),
        Op::I32x4TruncSatF64x2SZero => Lanes::Un(i32x4_trunc_sat_f64x2_s_zero),
        Op::I32x4TruncSatF64x2UZero => Lanes::Un(i32x4_trunc_sat_f64x2_u_zero),
        Op::F64x2ConvertLowI32x4S => Lanes::Un(f64x2_convert_low_i32x4_s),
        Op::F64x2ConvertLowI32x4U => Lanes::Un(f64x2_convert_low_i32x4_u),
        Op::F32x4DemoteF64x2Zero => Lanes::Un(f32x4_demote_f64x2_zero),
        Op::F64x2PromoteLowF32x4 => Lanes::Un(f64x2_promote_low_f32x4),
        Op::I32x4RelaxedTruncF32x4S => Lanes::Un(i32x4_relaxed_trunc_f32x4_s),
        Op::I32x4RelaxedTruncF32x4U => Lanes::Un(i32x4_relaxed_trunc_f32x4_u),
        Op::I32x4RelaxedTruncF64x2SZero => Lanes::Un(i32x4_relaxed_trunc_f64x2_s_zero),
        Op::I32x4RelaxedTruncF64x2UZero => Lanes::Un(i32x4_relaxed_trunc_f64x2_u_zero),

        Op::I8x16Swizzle => Lanes::Bin(i8x16_swizzle),
        Op::I8x16Eq => Lanes::Bin(i8x16_eq),
        Op::I8x16Ne => Lanes::Bin(i8x16_ne),
        Op::I8x16LtS => Lanes::Bin(i8x16_lt_s),
        Op::I8x16LtU => Lanes::Bin(i8x16_lt_u),
        Op::I8x16GtS => Lanes::Bin(i8x16_gt_s),
        Op::I8x16GtU => Lanes::Bin(i8x16_gt_u),
        Op::I8x16LeS => Lanes::Bin(i8x16_le_s),
        Op::I8x16LeU => Lanes::Bin(i8x16_le_u),
        Op::I8x16GeS => Lanes::Bin(i8x16_ge_s),
        Op::I8x16GeU => Lanes::Bin(i8x16_ge_u),
        Op::I16x8Eq => Lanes::Bin(i16x8_eq),
        Op::I16x8Ne => Lanes::Bin(i16x8_ne),
        Op::I16x8LtS => Lanes::Bin(i16x8_lt_s),
        Op::I16x8LtU => Lanes::Bin(i16x8_lt_u),
        Op::I16x8GtS => Lanes::Bin(i16x8_gt_s),
        Op::I16x8GtU => Lanes::Bin(i16x8_gt_u),
        Op::I16x8LeS => Lanes::Bin(i16x8_le_s),
        Op::I16x8LeU => Lanes::Bin(i16x8_le_u),
        Op::I16x8GeS => Lanes::Bin(i16x8_ge_s),
        Op::I16x8GeU => Lanes::Bin(i16x8_ge_u),
        Op::I32x4Eq => Lanes::Bin(i32x4_eq),
        Op::I32x4Ne => Lanes::Bin(i32x4_ne),
        Op::I32x4LtS => Lanes::Bin(i32x4_lt_s),
        Op::I32x4LtU => Lanes::Bin(i32x4_lt_u),
        Op::I32x4GtS => Lanes::Bin(i32x4_gt_s),
        Op::I32x4GtU => Lanes::Bin(i32x4_gt_u),
        Op::I32x4LeS => Lanes::Bin(i32x4_le_s),
        Op::I32x4LeU => Lanes::Bin(i32x4_le_u),
        Op::I32x4GeS => Lanes::Bin(i32x4_ge_s),
        Op::I32x4GeU => Lanes::Bin(i32x4_ge_u),
        Op::I64x2Eq => Lanes::Bin(i64x2_eq),
        Op::I64x2Ne => Lanes::Bin(i64x2_ne),
        Op::I64x2LtS => Lanes::Bin(i64x2_lt_s),
        Op::I64x2GtS => Lanes::Bin(i64x2_gt_s),
        Op::I64x2LeS => Lanes::Bin(i64x2_le_s),
        Op::I64x2GeS => Lanes::Bin(i64x2_ge_s),
        Op::F32x4Eq => Lanes::Bin(f32x4_eq),
        Op::F32x4Ne => Lanes::Bin(f32x4_ne),
        Op::F32x4Lt => Lanes::Bin(f32x4_lt),
        Op::F32x4Gt => Lanes::Bin(f32x4_gt),
        Op::F32x4Le => Lanes::Bin(f32x4_le),
        Op::F32x4Ge => Lanes::Bin(f32x4_ge),
        Op::F64x2Eq => Lanes::Bin(f64x2_eq),
        Op::F64x2Ne => Lanes::Bin(f64x2_ne),
        Op::F64x2Lt => Lanes::Bin(f64x2_lt),
        Op::F64x2Gt => Lanes::Bin(f64x2_gt),
        Op::F64x2Le => Lanes::Bin(f64x2_le),
        Op::F64x2Ge => Lanes::Bin(f64x2_ge),
        Op::V128And => Lanes::Bin(v128_and),
        Op::V128AndNot => Lanes::Bin(v128_andnot),
        Op::V128Or => Lanes::Bin(v128_or),
        Op::V128Xor => Lanes::Bin(v128_xor),
        Op::I8x16NarrowI16x8S => Lanes::Bin(i8x16_narrow_i16x8_s),
        Op::I8x16NarrowI16x8U => Lanes::Bin(i8x16_narrow_i16x8_u),
        Op::I8x16Add => Lanes::Bin(i8x16_add),
        Op::I8x16AddSatS => Lanes::Bin(i8x16_add_sat_s),
        Op::I8x16AddSatU => Lanes::Bin(i8x16_add_sat_u),
        Op::I8x16Sub => Lanes::Bin(i8x16_sub),
        Op::I8x16SubSatS => Lanes::Bin(i8x16_sub_sat_s),
        Op::I8x16SubSatU => Lanes::Bin(i8x16_sub_sat_u),
        Op::I8x16MinS => Lanes::Bin(i8x16_min_s),
        Op::I8x16MinU => Lanes::Bin(i8x16_min_u),
        Op::I8x16MaxS => Lanes::Bin(i8x16_max_s),
        Op::I8x16MaxU => Lanes::Bin(i8x16_max_u),
        Op::I8x16AvgrU => Lanes::Bin(i8x16_avgr_u),
        Op::I16x8Q15MulrSatS => Lanes::Bin(i16x8_q15mulr_sat_s),
        Op::I16x8NarrowI32x4S => Lanes::Bin(i16x8_narrow_i32x4_s),
        Op::I16x8NarrowI32x4U => Lanes::Bin(i16x8_narrow_i32x4_u),
        Op::I16x8Add => Lanes::Bin(i16x8_add),
        Op::I16x8AddSatS => Lanes::Bin(i16x8_add_sat_s),
        Op::I16x8AddSatU => Lanes::Bin(i16x8_add_sat_u),
        Op::I16x8Sub => Lanes::Bin(i16x8_sub),
        Op::I16x8SubSatS => Lanes::Bin(i16x8_sub_sat_s),
        Op::I16x8SubSatU => Lanes::Bin(i16x8_sub_sat_u),
        Op::I16x8Mul => Lanes::Bin(i16x8_mul),
        Op::I16x8MinS => Lanes::Bin(i16x8_min_s),
        Op::I16x8MinU => Lanes::Bin(i16x8_min_u),
        Op::I16x8MaxS => Lanes::Bin(i16x8_max_s),
        Op::I16x8MaxU => Lanes::Bin(i16x8_max_u),
        Op::I16x8AvgrU => Lanes::Bin(i16x8_avgr_u),
        Op::I16x8ExtMulLowI8x16S => Lanes::Bin(i16x8_extmul_low_i8x16_s),
        Op::I16x8ExtMulHighI8x16S => Lanes::Bin(i16x8_extmul_high_i8x16_s),
        Op::I16x8ExtMulLowI8x16U => Lanes::Bin(i16x8_extmul_low_i8x16_u),
        Op::I16x8ExtMulHighI8x16U => Lanes::Bin(i16x8_extmul_high_i8x16_u),
        Op::I32x4Add => Lanes::Bin(i32x4_add),
        Op::I32x4Sub => Lanes::Bin(i32x4_sub),
        Op::I32x4Mul => Lanes::Bin(i32x4_mul),
        Op::I32x4MinS => Lanes::Bin(i32x4_min_s),
        Op::I32x4MinU => Lanes::Bin(i32x4_min_u),
        Op::I32x4MaxS => Lanes::Bin(i32x4_max_s),
        Op::I32x4MaxU => Lanes::Bin(i32x4_max_u),
        Op::I32x4DotI16x8S => Lanes::Bin(i32x4_dot_i16x8_s),
        Op::I32x4ExtMulLowI16x8S => Lanes::Bin(i32x4_extmul_low_i16x8_s),
        Op::I32x4ExtMulHighI16x8S => Lanes::Bin(i32x4_extmul_high_i16x8_s),
        Op::I32x4ExtMulLowI16x8U => Lanes::Bin(i32x4_extmul_low_i16x8_u),
        Op::I32x4ExtMulHighI16x8U => Lanes::Bin(i32x4_extmul_high_i16x8_u),
        Op::I64x2Add => Lanes::Bin(i64x2_add),
        Op::I64x2Sub => Lanes::Bin(i64x2_sub),
        Op::I64x2Mul => Lanes::Bin(i64x2_mul),
        Op::I64x2ExtMulLowI32x4S => Lanes::Bin(i64x2_extmul_low_i32x4_s),
        Op::I64x2ExtMulHighI32x4S => Lanes::Bin(i64x2_extmul_high_i32x4_s),
        Op::I64x2ExtMulLowI32x4U => Lanes::Bin(i64x2_extmul_low_i32x4_u),
        Op::I64x2ExtMulHighI32x4U => Lanes::Bin(i64x2_extmul_high_i32x4_u),
        Op::F32x4Add => Lanes::Bin(f32x4_add),
        Op::F32x4Sub => Lanes::Bin(f32x4_sub),
        Op::F32x4Mul => Lanes::Bin(f32x4_mul),
        Op::F32x4Div => Lanes::Bin(f32x4_div),
        Op::F32x4Min => Lanes::Bin(f32x4_min),
        Op::F32x4Max => Lanes::Bin(f32x4_max),
        Op::F32x4PMin => Lanes::Bin(f32x4_pmin),
        Op::F32x4PMax => Lanes::Bin(f32x4_pmax),
        Op::F64x2Add => Lanes::Bin(f64x2_add),
        Op::F64x2Sub => Lanes::Bin(f64x2_sub),
        Op::F64x2Mul => Lanes::Bin(f64x2_mul),
        Op::F64x2Div => Lanes::Bin(f64x2_div),
        Op::F64x2Min => Lanes::Bin(f64x2_min),
        Op::F64x2Max => Lanes::Bin(f64x2_max),
        Op::F64x2PMin => Lanes::Bin(f64x2_pmin),
        Op::F64x2PMax => Lanes::Bin(f64x2_pmax),
        Op::I8x16RelaxedSwizzle => Lanes::Bin(i8x16_relaxed_swizzle),
        Op::F32x4RelaxedMin => Lanes::Bin(f32x4_relaxed_min),
        Op::F32x4RelaxedMax => Lanes::Bin(f32x4_relaxed_max),
        Op::F64x2RelaxedMin => Lanes::Bin(f64x2_relaxed_min),
        Op::F64x2RelaxedMax => Lanes::Bin(f64x2_relaxed_max),
        Op::I16x8RelaxedQ15mulrS => Lanes::Bin(i16x8_relaxed_q15mulr_s),
        Op::I16x8RelaxedDotI8x16I7x16S => Lanes::Bin(i16x8_relaxed_dot_i8x16_i7x16_s),

        Op::V128Bitselect => Lanes::Tern(v128_bitselect),
        Op::F32x4RelaxedMadd => Lanes::Tern(f32x4_relaxed_madd),
        Op::F32x4RelaxedNmadd => Lanes::Tern(f32x4_relaxed_nmadd),
        Op::F64x2RelaxedMadd => Lanes::Tern(f64x2_relaxed_madd),
        Op::F64x2RelaxedNmadd => Lanes::Tern(f64x2_relaxed_nmadd),
        Op::I8x16RelaxedLaneselect => Lanes::Tern(i8x16_relaxed_laneselect),
        Op::I16x8RelaxedLaneselect => Lanes::Tern(i16x8_relaxed_laneselect),
        Op::I32x4RelaxedLaneselect => Lanes::Tern(i32x4_relaxed_laneselect),
        Op::I64x2RelaxedLaneselect => Lanes::Tern(i64x2_relaxed_laneselect),
        Op::I32x4RelaxedDotI8x16I7x16AddS => Lanes::Tern(i32x4_relaxed_dot_i8x16_i7x16_add_s),

        _ => return Step::NotSimd,
    };
    // One copy of each operand shape, for every op of that shape.
    match lanes {
        Lanes::Bin(f) => cx.wv(i.a, f(cx.v(i.b), cx.v(i.c))),
        Lanes::Un(f) => cx.wv(i.a, f(cx.v(i.b))),
        Lanes::Tern(f) => cx.wv(i.a, f(cx.v(i.a), cx.v(i.b), cx.v(i.c))),
        Lanes::Shift(f) => cx.wv(i.a, f(cx.v(i.b), cx.r(i.c) as u32)),
        Lanes::Test(f) => cx.w(i.a, f(cx.v(i.b)) as u64),
        Lanes::Splat(f) => cx.wv(i.a, f(cx.r(i.b))),
        Lanes::Extract(f, lanes) => cx.w(i.a, f(cx.v(i.b), i.imm as u8 & (lanes - 1))),
        Lanes::Replace(f, lanes) => cx.wv(i.a, f(cx.v(i.b), i.imm as u8 & (lanes - 1), cx.r(i.c))),
    }
    Step::Next
}

/// A lane op by the shape of its operands: the dispatch picks the lane
/// function, and one place per shape reads and writes the frame.
enum Lanes {
    Bin(fn(u128, u128) -> u128),
    Un(fn(u128) -> u128),
    Tern(fn(u128, u128, u128) -> u128),
    Shift(fn(u128, u32) -> u128),
    Test(fn(u128) -> u32),
    Splat(fn(u64) -> u128),
    /// With the number of lanes (the lane index is taken modulo it).
    Extract(fn(u128, u8) -> u64, u8),
    Replace(fn(u128, u8, u64) -> u128, u8),
}
