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
    let bin = |f: fn(u128, u128) -> u128| cx.wv(i.a, f(cx.v(i.b), cx.v(i.c)));
    let un = |f: fn(u128) -> u128| cx.wv(i.a, f(cx.v(i.b)));
    let tern = |f: fn(u128, u128, u128) -> u128| cx.wv(i.a, f(cx.v(i.a), cx.v(i.b), cx.v(i.c)));
    let shift = |f: fn(u128, u32) -> u128| cx.wv(i.a, f(cx.v(i.b), cx.r(i.c) as u32));
    let test = |f: fn(u128) -> u32| cx.w(i.a, f(cx.v(i.b)) as u64);
    let splat = |f: fn(u64) -> u128| cx.wv(i.a, f(cx.r(i.b)));
    let extract =
        |f: fn(u128, u8) -> u64, lanes: u8| cx.w(i.a, f(cx.v(i.b), i.imm as u8 & (lanes - 1)));
    let replace = |f: fn(u128, u8, u64) -> u128, lanes: u8| {
        cx.wv(i.a, f(cx.v(i.b), i.imm as u8 & (lanes - 1), cx.r(i.c)))
    };
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
            $e
        }};
    }
    macro_rules! lane_mem {
        ($size:expr, |$ea:ident| $e:expr) => {{
            let Some($ea) = cx.addr(i.b, i.lane_offset(), $size) else {
                return Step::Trap(TrapCode::MemoryOutOfBounds);
            };
            $e
        }};
    }
    match i.op {
        Op::CopyV128 => cx.wv(i.a, cx.v(i.b)),
        Op::SelectV128 => {
            let from = if cx.r(i.imm as u16) as u32 != 0 {
                i.b
            } else {
                i.c
            };
            cx.wv(i.a, cx.v(from))
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

        Op::I8x16ExtractLaneS => extract(i8x16_extract_lane_s, 16),
        Op::I8x16ExtractLaneU => extract(i8x16_extract_lane_u, 16),
        Op::I16x8ExtractLaneS => extract(i16x8_extract_lane_s, 8),
        Op::I16x8ExtractLaneU => extract(i16x8_extract_lane_u, 8),
        Op::I32x4ExtractLane => extract(i32x4_extract_lane, 4),
        Op::I64x2ExtractLane => extract(i64x2_extract_lane, 2),
        Op::F32x4ExtractLane => extract(f32x4_extract_lane, 4),
        Op::F64x2ExtractLane => extract(f64x2_extract_lane, 2),
        Op::I8x16ReplaceLane => replace(i8x16_replace_lane, 16),
        Op::I16x8ReplaceLane => replace(i16x8_replace_lane, 8),
        Op::I32x4ReplaceLane => replace(i32x4_replace_lane, 4),
        Op::I64x2ReplaceLane => replace(i64x2_replace_lane, 2),
        Op::F32x4ReplaceLane => replace(f32x4_replace_lane, 4),
        Op::F64x2ReplaceLane => replace(f64x2_replace_lane, 2),

        Op::I8x16Splat => splat(i8x16_splat),
        Op::I16x8Splat => splat(i16x8_splat),
        Op::I32x4Splat => splat(i32x4_splat),
        Op::I64x2Splat => splat(i64x2_splat),
        Op::F32x4Splat => splat(f32x4_splat),
        Op::F64x2Splat => splat(f64x2_splat),

        Op::V128AnyTrue => test(v128_any_true),
        Op::I8x16AllTrue => test(i8x16_all_true),
        Op::I16x8AllTrue => test(i16x8_all_true),
        Op::I32x4AllTrue => test(i32x4_all_true),
        Op::I64x2AllTrue => test(i64x2_all_true),
        Op::I8x16Bitmask => test(i8x16_bitmask),
        Op::I16x8Bitmask => test(i16x8_bitmask),
        Op::I32x4Bitmask => test(i32x4_bitmask),
        Op::I64x2Bitmask => test(i64x2_bitmask),

        Op::I8x16Shl => shift(i8x16_shl),
        Op::I8x16ShrS => shift(i8x16_shr_s),
        Op::I8x16ShrU => shift(i8x16_shr_u),
        Op::I16x8Shl => shift(i16x8_shl),
        Op::I16x8ShrS => shift(i16x8_shr_s),
        Op::I16x8ShrU => shift(i16x8_shr_u),
        Op::I32x4Shl => shift(i32x4_shl),
        Op::I32x4ShrS => shift(i32x4_shr_s),
        Op::I32x4ShrU => shift(i32x4_shr_u),
        Op::I64x2Shl => shift(i64x2_shl),
        Op::I64x2ShrS => shift(i64x2_shr_s),
        Op::I64x2ShrU => shift(i64x2_shr_u),

        Op::V128Not => un(v128_not),
        Op::I8x16Abs => un(i8x16_abs),
        Op::I8x16Neg => un(i8x16_neg),
        Op::I8x16Popcnt => un(i8x16_popcnt),
        Op::I16x8ExtAddPairwiseI8x16S => un(i16x8_extadd_pairwise_i8x16_s),
        Op::I16x8ExtAddPairwiseI8x16U => un(i16x8_extadd_pairwise_i8x16_u),
        Op::I16x8Abs => un(i16x8_abs),
        Op::I16x8Neg => un(i16x8_neg),
        Op::I16x8ExtendLowI8x16S => un(i16x8_extend_low_i8x16_s),
        Op::I16x8ExtendHighI8x16S => un(i16x8_extend_high_i8x16_s),
        Op::I16x8ExtendLowI8x16U => un(i16x8_extend_low_i8x16_u),
        Op::I16x8ExtendHighI8x16U => un(i16x8_extend_high_i8x16_u),
        Op::I32x4ExtAddPairwiseI16x8S => un(i32x4_extadd_pairwise_i16x8_s),
        Op::I32x4ExtAddPairwiseI16x8U => un(i32x4_extadd_pairwise_i16x8_u),
        Op::I32x4Abs => un(i32x4_abs),
        Op::I32x4Neg => un(i32x4_neg),
        Op::I32x4ExtendLowI16x8S => un(i32x4_extend_low_i16x8_s),
        Op::I32x4ExtendHighI16x8S => un(i32x4_extend_high_i16x8_s),
        Op::I32x4ExtendLowI16x8U => un(i32x4_extend_low_i16x8_u),
        Op::I32x4ExtendHighI16x8U => un(i32x4_extend_high_i16x8_u),
        Op::I64x2Abs => un(i64x2_abs),
        Op::I64x2Neg => un(i64x2_neg),
        Op::I64x2ExtendLowI32x4S => un(i64x2_extend_low_i32x4_s),
        Op::I64x2ExtendHighI32x4S => un(i64x2_extend_high_i32x4_s),
        Op::I64x2ExtendLowI32x4U => un(i64x2_extend_low_i32x4_u),
        Op::I64x2ExtendHighI32x4U => un(i64x2_extend_high_i32x4_u),
        Op::F32x4Ceil => un(f32x4_ceil),
        Op::F32x4Floor => un(f32x4_floor),
        Op::F32x4Trunc => un(f32x4_trunc),
        Op::F32x4Nearest => un(f32x4_nearest),
        Op::F32x4Abs => un(f32x4_abs),
        Op::F32x4Neg => un(f32x4_neg),
        Op::F32x4Sqrt => un(f32x4_sqrt),
        Op::F64x2Ceil => un(f64x2_ceil),
        Op::F64x2Floor => un(f64x2_floor),
        Op::F64x2Trunc => un(f64x2_trunc),
        Op::F64x2Nearest => un(f64x2_nearest),
        Op::F64x2Abs => un(f64x2_abs),
        Op::F64x2Neg => un(f64x2_neg),
        Op::F64x2Sqrt => un(f64x2_sqrt),
        Op::I32x4TruncSatF32x4S => un(i32x4_trunc_sat_f32x4_s),
        Op::I32x4TruncSatF32x4U => un(i32x4_trunc_sat_f32x4_u),
        Op::F32x4ConvertI32x4S => un(f32x4_convert_i32x4_s),
        Op::F32x4ConvertI32x4U => un(f32x4_convert_i32x4_u),
        Op::I32x4TruncSatF64x2SZero => un(i32x4_trunc_sat_f64x2_s_zero),
        Op::I32x4TruncSatF64x2UZero => un(i32x4_trunc_sat_f64x2_u_zero),
        Op::F64x2ConvertLowI32x4S => un(f64x2_convert_low_i32x4_s),
        Op::F64x2ConvertLowI32x4U => un(f64x2_convert_low_i32x4_u),
        Op::F32x4DemoteF64x2Zero => un(f32x4_demote_f64x2_zero),
        Op::F64x2PromoteLowF32x4 => un(f64x2_promote_low_f32x4),
        Op::I32x4RelaxedTruncF32x4S => un(i32x4_relaxed_trunc_f32x4_s),
        Op::I32x4RelaxedTruncF32x4U => un(i32x4_relaxed_trunc_f32x4_u),
        Op::I32x4RelaxedTruncF64x2SZero => un(i32x4_relaxed_trunc_f64x2_s_zero),
        Op::I32x4RelaxedTruncF64x2UZero => un(i32x4_relaxed_trunc_f64x2_u_zero),

        Op::I8x16Swizzle => bin(i8x16_swizzle),
        Op::I8x16Eq => bin(i8x16_eq),
        Op::I8x16Ne => bin(i8x16_ne),
        Op::I8x16LtS => bin(i8x16_lt_s),
        Op::I8x16LtU => bin(i8x16_lt_u),
        Op::I8x16GtS => bin(i8x16_gt_s),
        Op::I8x16GtU => bin(i8x16_gt_u),
        Op::I8x16LeS => bin(i8x16_le_s),
        Op::I8x16LeU => bin(i8x16_le_u),
        Op::I8x16GeS => bin(i8x16_ge_s),
        Op::I8x16GeU => bin(i8x16_ge_u),
        Op::I16x8Eq => bin(i16x8_eq),
        Op::I16x8Ne => bin(i16x8_ne),
        Op::I16x8LtS => bin(i16x8_lt_s),
        Op::I16x8LtU => bin(i16x8_lt_u),
        Op::I16x8GtS => bin(i16x8_gt_s),
        Op::I16x8GtU => bin(i16x8_gt_u),
        Op::I16x8LeS => bin(i16x8_le_s),
        Op::I16x8LeU => bin(i16x8_le_u),
        Op::I16x8GeS => bin(i16x8_ge_s),
        Op::I16x8GeU => bin(i16x8_ge_u),
        Op::I32x4Eq => bin(i32x4_eq),
        Op::I32x4Ne => bin(i32x4_ne),
        Op::I32x4LtS => bin(i32x4_lt_s),
        Op::I32x4LtU => bin(i32x4_lt_u),
        Op::I32x4GtS => bin(i32x4_gt_s),
        Op::I32x4GtU => bin(i32x4_gt_u),
        Op::I32x4LeS => bin(i32x4_le_s),
        Op::I32x4LeU => bin(i32x4_le_u),
        Op::I32x4GeS => bin(i32x4_ge_s),
        Op::I32x4GeU => bin(i32x4_ge_u),
        Op::I64x2Eq => bin(i64x2_eq),
        Op::I64x2Ne => bin(i64x2_ne),
        Op::I64x2LtS => bin(i64x2_lt_s),
        Op::I64x2GtS => bin(i64x2_gt_s),
        Op::I64x2LeS => bin(i64x2_le_s),
        Op::I64x2GeS => bin(i64x2_ge_s),
        Op::F32x4Eq => bin(f32x4_eq),
        Op::F32x4Ne => bin(f32x4_ne),
        Op::F32x4Lt => bin(f32x4_lt),
        Op::F32x4Gt => bin(f32x4_gt),
        Op::F32x4Le => bin(f32x4_le),
        Op::F32x4Ge => bin(f32x4_ge),
        Op::F64x2Eq => bin(f64x2_eq),
        Op::F64x2Ne => bin(f64x2_ne),
        Op::F64x2Lt => bin(f64x2_lt),
        Op::F64x2Gt => bin(f64x2_gt),
        Op::F64x2Le => bin(f64x2_le),
        Op::F64x2Ge => bin(f64x2_ge),
        Op::V128And => bin(v128_and),
        Op::V128AndNot => bin(v128_andnot),
        Op::V128Or => bin(v128_or),
        Op::V128Xor => bin(v128_xor),
        Op::I8x16NarrowI16x8S => bin(i8x16_narrow_i16x8_s),
        Op::I8x16NarrowI16x8U => bin(i8x16_narrow_i16x8_u),
        Op::I8x16Add => bin(i8x16_add),
        Op::I8x16AddSatS => bin(i8x16_add_sat_s),
        Op::I8x16AddSatU => bin(i8x16_add_sat_u),
        Op::I8x16Sub => bin(i8x16_sub),
        Op::I8x16SubSatS => bin(i8x16_sub_sat_s),
        Op::I8x16SubSatU => bin(i8x16_sub_sat_u),
        Op::I8x16MinS => bin(i8x16_min_s),
        Op::I8x16MinU => bin(i8x16_min_u),
        Op::I8x16MaxS => bin(i8x16_max_s),
        Op::I8x16MaxU => bin(i8x16_max_u),
        Op::I8x16AvgrU => bin(i8x16_avgr_u),
        Op::I16x8Q15MulrSatS => bin(i16x8_q15mulr_sat_s),
        Op::I16x8NarrowI32x4S => bin(i16x8_narrow_i32x4_s),
        Op::I16x8NarrowI32x4U => bin(i16x8_narrow_i32x4_u),
        Op::I16x8Add => bin(i16x8_add),
        Op::I16x8AddSatS => bin(i16x8_add_sat_s),
        Op::I16x8AddSatU => bin(i16x8_add_sat_u),
        Op::I16x8Sub => bin(i16x8_sub),
        Op::I16x8SubSatS => bin(i16x8_sub_sat_s),
        Op::I16x8SubSatU => bin(i16x8_sub_sat_u),
        Op::I16x8Mul => bin(i16x8_mul),
        Op::I16x8MinS => bin(i16x8_min_s),
        Op::I16x8MinU => bin(i16x8_min_u),
        Op::I16x8MaxS => bin(i16x8_max_s),
        Op::I16x8MaxU => bin(i16x8_max_u),
        Op::I16x8AvgrU => bin(i16x8_avgr_u),
        Op::I16x8ExtMulLowI8x16S => bin(i16x8_extmul_low_i8x16_s),
        Op::I16x8ExtMulHighI8x16S => bin(i16x8_extmul_high_i8x16_s),
        Op::I16x8ExtMulLowI8x16U => bin(i16x8_extmul_low_i8x16_u),
        Op::I16x8ExtMulHighI8x16U => bin(i16x8_extmul_high_i8x16_u),
        Op::I32x4Add => bin(i32x4_add),
        Op::I32x4Sub => bin(i32x4_sub),
        Op::I32x4Mul => bin(i32x4_mul),
        Op::I32x4MinS => bin(i32x4_min_s),
        Op::I32x4MinU => bin(i32x4_min_u),
        Op::I32x4MaxS => bin(i32x4_max_s),
        Op::I32x4MaxU => bin(i32x4_max_u),
        Op::I32x4DotI16x8S => bin(i32x4_dot_i16x8_s),
        Op::I32x4ExtMulLowI16x8S => bin(i32x4_extmul_low_i16x8_s),
        Op::I32x4ExtMulHighI16x8S => bin(i32x4_extmul_high_i16x8_s),
        Op::I32x4ExtMulLowI16x8U => bin(i32x4_extmul_low_i16x8_u),
        Op::I32x4ExtMulHighI16x8U => bin(i32x4_extmul_high_i16x8_u),
        Op::I64x2Add => bin(i64x2_add),
        Op::I64x2Sub => bin(i64x2_sub),
        Op::I64x2Mul => bin(i64x2_mul),
        Op::I64x2ExtMulLowI32x4S => bin(i64x2_extmul_low_i32x4_s),
        Op::I64x2ExtMulHighI32x4S => bin(i64x2_extmul_high_i32x4_s),
        Op::I64x2ExtMulLowI32x4U => bin(i64x2_extmul_low_i32x4_u),
        Op::I64x2ExtMulHighI32x4U => bin(i64x2_extmul_high_i32x4_u),
        Op::F32x4Add => bin(f32x4_add),
        Op::F32x4Sub => bin(f32x4_sub),
        Op::F32x4Mul => bin(f32x4_mul),
        Op::F32x4Div => bin(f32x4_div),
        Op::F32x4Min => bin(f32x4_min),
        Op::F32x4Max => bin(f32x4_max),
        Op::F32x4PMin => bin(f32x4_pmin),
        Op::F32x4PMax => bin(f32x4_pmax),
        Op::F64x2Add => bin(f64x2_add),
        Op::F64x2Sub => bin(f64x2_sub),
        Op::F64x2Mul => bin(f64x2_mul),
        Op::F64x2Div => bin(f64x2_div),
        Op::F64x2Min => bin(f64x2_min),
        Op::F64x2Max => bin(f64x2_max),
        Op::F64x2PMin => bin(f64x2_pmin),
        Op::F64x2PMax => bin(f64x2_pmax),
        Op::I8x16RelaxedSwizzle => bin(i8x16_relaxed_swizzle),
        Op::F32x4RelaxedMin => bin(f32x4_relaxed_min),
        Op::F32x4RelaxedMax => bin(f32x4_relaxed_max),
        Op::F64x2RelaxedMin => bin(f64x2_relaxed_min),
        Op::F64x2RelaxedMax => bin(f64x2_relaxed_max),
        Op::I16x8RelaxedQ15mulrS => bin(i16x8_relaxed_q15mulr_s),
        Op::I16x8RelaxedDotI8x16I7x16S => bin(i16x8_relaxed_dot_i8x16_i7x16_s),

        Op::V128Bitselect => tern(v128_bitselect),
        Op::F32x4RelaxedMadd => tern(f32x4_relaxed_madd),
        Op::F32x4RelaxedNmadd => tern(f32x4_relaxed_nmadd),
        Op::F64x2RelaxedMadd => tern(f64x2_relaxed_madd),
        Op::F64x2RelaxedNmadd => tern(f64x2_relaxed_nmadd),
        Op::I8x16RelaxedLaneselect => tern(i8x16_relaxed_laneselect),
        Op::I16x8RelaxedLaneselect => tern(i16x8_relaxed_laneselect),
        Op::I32x4RelaxedLaneselect => tern(i32x4_relaxed_laneselect),
        Op::I64x2RelaxedLaneselect => tern(i64x2_relaxed_laneselect),
        Op::I32x4RelaxedDotI8x16I7x16AddS => tern(i32x4_relaxed_dot_i8x16_i7x16_add_s),

        _ => return Step::NotSimd,
    }
    Step::Next
}
