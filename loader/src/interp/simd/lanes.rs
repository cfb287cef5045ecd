//! Lane semantics of every WebAssembly 128-bit SIMD and relaxed-SIMD instruction, as
//! pure functions over `u128` values (lane 0 = least significant bits). Scalars use the
//! interpreter's `u64` slot form; decoding, validation and memory access live elsewhere.

use std::ops::{Add, Div, Mul, Sub};

// ---------------------------------------------------------------------------
// Lane plumbing
// ---------------------------------------------------------------------------

/// One lane type: `BITS` wide, `N` of them per v128, lane `i` at bits `i * BITS ..`,
/// that is at bytes `i * BITS / 8 ..` of the value's little-endian bytes. Lanes are read
/// and written as bytes: a loop over lanes then indexes memory, where shifting a `u128`
/// by a variable amount took a dozen instructions per lane.
trait Lane: Copy {
    const BITS: u32;
    const N: usize = (128 / Self::BITS) as usize;
    /// Lane `i` of the little-endian bytes of a v128.
    fn read(b: &[u8; 16], i: usize) -> Self;
    /// Writes lane `i` into the little-endian bytes of a v128.
    fn write(self, b: &mut [u8; 16], i: usize);
}

/// What wasm `min`/`max`, the NaN-quieting rounding wrapper and `sse` need from a float lane.
trait Float:
    Lane
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
{
    fn is_nan(self) -> bool;
    fn is_sign_negative(self) -> bool;
    /// The same bits with the quiet bit (the top mantissa bit) set.
    fn quiet(self) -> Self;
    /// Rounded to an integral value the way `mode` says.
    fn round_to(self, mode: Round) -> Self;
}

/// A rounding to an integral float.
#[derive(Clone, Copy)]
enum Round {
    Ceil,
    Floor,
    Trunc,
    Nearest,
}

/// All-ones over lane `i` of type `T`.
#[cfg(test)]
fn lane_mask<T: Lane>(i: usize) -> u128 {
    (u128::MAX >> (128 - T::BITS)) << (i as u32 * T::BITS)
}

macro_rules! int_lane {
    ($($t:ident)*) => {$(
        impl Lane for $t {
            const BITS: u32 = $t::BITS;
            #[inline(always)]
            fn read(b: &[u8; 16], i: usize) -> Self {
                const S: usize = ($t::BITS / 8) as usize;
                let mut x = [0u8; S];
                x.copy_from_slice(&b[i * S..i * S + S]);
                $t::from_le_bytes(x)
            }
            #[inline(always)]
            fn write(self, b: &mut [u8; 16], i: usize) {
                const S: usize = ($t::BITS / 8) as usize;
                b[i * S..i * S + S].copy_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
int_lane!(u8 i8 u16 i16 u32 i32 u64 i64);

macro_rules! float_lane {
    ($($t:ident => $bits:ident)*) => {$(
        impl Lane for $t {
            const BITS: u32 = $bits::BITS;
            #[inline(always)]
            fn read(b: &[u8; 16], i: usize) -> Self {
                $t::from_bits(<$bits>::read(b, i))
            }
            #[inline(always)]
            fn write(self, b: &mut [u8; 16], i: usize) {
                self.to_bits().write(b, i)
            }
        }
        impl Float for $t {
            fn round_to(self, mode: Round) -> Self {
                match mode {
                    Round::Ceil => $t::ceil(self),
                    Round::Floor => $t::floor(self),
                    Round::Trunc => $t::trunc(self),
                    Round::Nearest => $t::round_ties_even(self),
                }
            }
            fn is_nan(self) -> bool {
                $t::is_nan(self)
            }
            fn is_sign_negative(self) -> bool {
                $t::is_sign_negative(self)
            }
            fn quiet(self) -> Self {
                $t::from_bits(self.to_bits() | 1 << ($t::MANTISSA_DIGITS - 2))
            }
        }
    )*};
}
float_lane!(f32 => u32 f64 => u64);

#[inline(always)]
fn lane<T: Lane>(v: u128, i: usize) -> T {
    T::read(&v.to_le_bytes(), i)
}

/// Assembles a v128 from `f(i)` for every lane `i` of `R`.
#[inline(always)]
fn build<R: Lane>(f: impl Fn(usize) -> R) -> u128 {
    build_first::<R>(R::N, f)
}

/// Assembles a v128 from `f(i)` for the first `n` lanes `i` of `R`; the rest are zero.
#[inline(always)]
fn build_first<R: Lane>(n: usize, f: impl Fn(usize) -> R) -> u128 {
    let mut b = [0u8; 16];
    for i in 0..n.min(R::N) {
        f(i).write(&mut b, i);
    }
    u128::from_le_bytes(b)
}

/// Lane-wise `f`; `T` and `R` have the same width.
fn map<T: Lane, R: Lane>(a: u128, f: impl Fn(T) -> R) -> u128 {
    debug_assert_eq!(T::BITS, R::BITS);
    build(|i| f(lane(a, i)))
}

/// Lane-wise `f` over two operands; `T` and `R` have the same width.
fn zip<T: Lane, R: Lane>(a: u128, b: u128, f: impl Fn(T, T) -> R) -> u128 {
    debug_assert_eq!(T::BITS, R::BITS);
    build(|i| f(lane(a, i), lane(b, i)))
}

/// Lane-wise `f` over three operands.
fn zip3<T: Lane>(a: u128, b: u128, c: u128, f: impl Fn(T, T, T) -> T) -> u128 {
    build(|i| f(lane(a, i), lane(b, i), lane(c, i)))
}

/// All-ones lanes where `f` holds, zero lanes elsewhere.
fn cmp_mask<T: Lane>(a: u128, b: u128, f: impl Fn(T, T) -> bool) -> u128 {
    let (a, b) = (a.to_le_bytes(), b.to_le_bytes());
    let size = (T::BITS / 8) as usize;
    let mut out = [0u8; 16];
    for (i, lane) in out.chunks_exact_mut(size).enumerate() {
        if f(T::read(&a, i), T::read(&b, i)) {
            lane.fill(0xff);
        }
    }
    u128::from_le_bytes(out)
}

/// Widening: lane `i` of the result from lane `first + i` of the narrower `T`.
fn widen<T: Lane, R: Lane>(a: u128, first: usize, f: impl Fn(T) -> R) -> u128 {
    build(|i| f(lane(a, first + i)))
}

/// Widening over two operands (extmul).
fn widen_zip<T: Lane, R: Lane>(a: u128, b: u128, first: usize, f: impl Fn(T, T) -> R) -> u128 {
    build(|i| f(lane(a, first + i), lane(b, first + i)))
}

/// Lane `i` of the result from lanes `2i` and `2i + 1` of the narrower `T`.
fn pairwise<T: Lane, R: Lane>(a: u128, f: impl Fn(T, T) -> R) -> u128 {
    build(|i| f(lane(a, 2 * i), lane(a, 2 * i + 1)))
}

/// Narrowing: the lanes of `a`, then those of `b`, each through `f`.
fn narrow<T: Lane, R: Lane>(a: u128, b: u128, f: impl Fn(T) -> R) -> u128 {
    let source = |i| {
        if i < T::N {
            lane(a, i)
        } else {
            lane(b, i - T::N)
        }
    };
    build(|i| f(source(i)))
}

/// The lanes of `a` through `f` into the low lanes of a narrower `R`; the rest are zero.
fn narrow_zero<T: Lane, R: Lane>(a: u128, f: impl Fn(T) -> R) -> u128 {
    build_first::<R>(T::N, |i| f(lane(a, i)))
}

fn all_true<T: Lane>(a: u128) -> u32 {
    let size = (T::BITS / 8) as usize;
    u32::from(
        a.to_le_bytes()
            .chunks_exact(size)
            .all(|lane| lane.iter().any(|&x| x != 0)),
    )
}

/// Bit `i` = the top bit of lane `i`.
fn bitmask<T: Lane>(a: u128) -> u32 {
    let size = (T::BITS / 8) as usize;
    let bytes = a.to_le_bytes();
    (0..T::N).fold(0, |acc, i| {
        acc | u32::from(bytes[i * size + size - 1] >> 7) << i
    })
}

fn replace<T: Lane>(v: u128, i: u8, x: T) -> u128 {
    let mut b = v.to_le_bytes();
    x.write(&mut b, i.into());
    u128::from_le_bytes(b)
}

fn sat_i16(x: i32) -> i16 {
    x.clamp(i16::MIN.into(), i16::MAX.into()) as i16
}

/// The NaN x86's SSE arithmetic gives for `x op y` when `x` or `y` is a NaN: `x` if it is
/// one, else `y`, made quiet. Written out because Rust's `x + y` may take it from either
/// operand (the compiler commutes `+` and `*`, differently in debug and release builds);
/// the native backend emits the operands in this order, so both engines agree bit for bit.
fn nan_of<F: Float>(x: F, y: F) -> F {
    if x.is_nan() {
        x.quiet()
    } else {
        y.quiet()
    }
}

/// `f(x, y)`, an arithmetic op, with the NaN operand rule of x86's SSE (see `nan_of`).
fn sse<F: Float>(x: F, y: F, f: impl Fn(F, F) -> F) -> F {
    if x.is_nan() || y.is_nan() {
        nan_of(x, y)
    } else {
        f(x, y)
    }
}

/// wasm `min`: NaN if either operand is NaN (`nan_of(a, b)`), and -0 < +0.
fn wasm_min<F: Float>(a: F, b: F) -> F {
    if a.is_nan() || b.is_nan() {
        nan_of(a, b)
    } else if a < b || (a == b && a.is_sign_negative()) {
        a
    } else {
        b
    }
}

/// wasm `max`: NaN if either operand is NaN (`nan_of(a, b)`), and -0 < +0.
fn wasm_max<F: Float>(a: F, b: F) -> F {
    if a.is_nan() || b.is_nan() {
        nan_of(a, b)
    } else if a > b || (a == b && !a.is_sign_negative()) {
        a
    } else {
        b
    }
}

/// A rounding function whose NaN results are quiet whatever the libm does.
fn rounding<F: Float>(f: impl Fn(F) -> F) -> impl Fn(F) -> F {
    move |x| if x.is_nan() { x + x } else { f(x) }
}

// Generators for the one-line-per-instruction tables below: each entry `name: lane => f;`
// defines `pub(crate) fn name` with the signature of its table (see the macro).

macro_rules! unary {
    ($($name:ident: $t:ident => $f:expr;)*) => {$(
        pub(crate) fn $name(a: u128) -> u128 {
            map::<$t, _>(a, $f)
        }
    )*};
}

macro_rules! binary {
    ($($name:ident: $t:ident => $f:expr;)*) => {$(
        pub(crate) fn $name(a: u128, b: u128) -> u128 {
            zip::<$t, _>(a, b, $f)
        }
    )*};
}

/// The integer lane ops many shapes share, chosen per lane in one instance
/// per lane type (see [`compare_lanes`]).
#[derive(Clone, Copy)]
enum IntOp {
    Add,
    Sub,
    AddSat,
    SubSat,
    Min,
    Max,
}

/// What [`int_lanes`] needs of an integer lane type.
trait IntLane: Lane + Ord {
    fn wrapping_add(self, y: Self) -> Self;
    fn wrapping_sub(self, y: Self) -> Self;
    fn saturating_add(self, y: Self) -> Self;
    fn saturating_sub(self, y: Self) -> Self;
}

macro_rules! int_lane_ops {
    ($($t:ident)*) => {$(
        impl IntLane for $t {
            fn wrapping_add(self, y: Self) -> Self { $t::wrapping_add(self, y) }
            fn wrapping_sub(self, y: Self) -> Self { $t::wrapping_sub(self, y) }
            fn saturating_add(self, y: Self) -> Self { $t::saturating_add(self, y) }
            fn saturating_sub(self, y: Self) -> Self { $t::saturating_sub(self, y) }
        }
    )*};
}
int_lane_ops!(u8 i8 u16 i16 u32 i32 u64);

#[inline(never)]
fn int_lanes<T: IntLane>(a: u128, b: u128, op: IntOp) -> u128 {
    zip::<T, T>(a, b, |x, y| match op {
        IntOp::Add => x.wrapping_add(y),
        IntOp::Sub => x.wrapping_sub(y),
        IntOp::AddSat => x.saturating_add(y),
        IntOp::SubSat => x.saturating_sub(y),
        IntOp::Min => x.min(y),
        IntOp::Max => x.max(y),
    })
}

macro_rules! int_binary {
    ($($name:ident: $t:ident $op:ident;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: u128, b: u128) -> u128 {
            int_lanes::<$t>(a, b, IntOp::$op)
        }
    )*};
}

/// A lane comparison.
#[derive(Clone, Copy)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// All-ones lanes where `x cmp y` holds. One instance per lane type, the
/// comparison chosen per lane: 10 functions for the 54 compare ops, where a
/// closure per op made one each.
#[inline(never)]
fn compare_lanes<T: Lane + PartialOrd>(a: u128, b: u128, cmp: Cmp) -> u128 {
    cmp_mask(a, b, |x: T, y: T| match cmp {
        Cmp::Eq => x == y,
        Cmp::Ne => x != y,
        Cmp::Lt => x < y,
        Cmp::Gt => x > y,
        Cmp::Le => x <= y,
        Cmp::Ge => x >= y,
    })
}

macro_rules! cmp_of {
    (==) => {
        Cmp::Eq
    };
    (!=) => {
        Cmp::Ne
    };
    (<) => {
        Cmp::Lt
    };
    (>) => {
        Cmp::Gt
    };
    (<=) => {
        Cmp::Le
    };
    (>=) => {
        Cmp::Ge
    };
}

macro_rules! compare {
    ($($name:ident: $t:ident $op:tt;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: u128, b: u128) -> u128 {
            compare_lanes::<$t>(a, b, cmp_of!($op))
        }
    )*};
}

macro_rules! shift {
    ($($name:ident: $t:ident => $op:ident;)*) => {$(
        pub(crate) fn $name(a: u128, n: u32) -> u128 {
            map(a, |x: $t| x.$op(n))
        }
    )*};
}

macro_rules! extend {
    ($($name:ident: $t:ident -> $r:ident, first $first:literal;)*) => {$(
        pub(crate) fn $name(a: u128) -> u128 {
            widen::<$t, $r>(a, $first, $r::from)
        }
    )*};
}

macro_rules! extmul {
    ($($name:ident: $t:ident -> $r:ident, first $first:literal;)*) => {$(
        pub(crate) fn $name(a: u128, b: u128) -> u128 {
            widen_zip(a, b, $first, |x: $t, y: $t| $r::from(x) * $r::from(y))
        }
    )*};
}

// ---------------------------------------------------------------------------
// v128 bitwise
// ---------------------------------------------------------------------------

pub(crate) fn v128_not(a: u128) -> u128 {
    !a
}

pub(crate) fn v128_and(a: u128, b: u128) -> u128 {
    a & b
}

pub(crate) fn v128_andnot(a: u128, b: u128) -> u128 {
    a & !b
}

pub(crate) fn v128_or(a: u128, b: u128) -> u128 {
    a | b
}

pub(crate) fn v128_xor(a: u128, b: u128) -> u128 {
    a ^ b
}

/// Bits of `a` where `mask` is 1, bits of `b` where it is 0.
pub(crate) fn v128_bitselect(a: u128, b: u128, mask: u128) -> u128 {
    (a & mask) | (b & !mask)
}

pub(crate) fn v128_any_true(a: u128) -> u32 {
    u32::from(a != 0)
}

// ---------------------------------------------------------------------------
// Integer lane arithmetic
// ---------------------------------------------------------------------------

unary! {
    i8x16_abs: i8 => i8::wrapping_abs;
    i8x16_neg: i8 => i8::wrapping_neg;
    i8x16_popcnt: u8 => |x| x.count_ones() as u8;
    i16x8_abs: i16 => i16::wrapping_abs;
    i16x8_neg: i16 => i16::wrapping_neg;
    i32x4_abs: i32 => i32::wrapping_abs;
    i32x4_neg: i32 => i32::wrapping_neg;
    i64x2_abs: i64 => i64::wrapping_abs;
    i64x2_neg: i64 => i64::wrapping_neg;
}

int_binary! {
    i8x16_add: u8 Add;
    i8x16_sub: u8 Sub;
    i8x16_add_sat_s: i8 AddSat;
    i8x16_add_sat_u: u8 AddSat;
    i8x16_sub_sat_s: i8 SubSat;
    i8x16_sub_sat_u: u8 SubSat;
    i8x16_min_s: i8 Min;
    i8x16_min_u: u8 Min;
    i8x16_max_s: i8 Max;
    i8x16_max_u: u8 Max;

    i16x8_add: u16 Add;
    i16x8_sub: u16 Sub;
    i16x8_add_sat_s: i16 AddSat;
    i16x8_add_sat_u: u16 AddSat;
    i16x8_sub_sat_s: i16 SubSat;
    i16x8_sub_sat_u: u16 SubSat;
    i16x8_min_s: i16 Min;
    i16x8_min_u: u16 Min;
    i16x8_max_s: i16 Max;
    i16x8_max_u: u16 Max;

    i32x4_add: u32 Add;
    i32x4_sub: u32 Sub;
    i32x4_min_s: i32 Min;
    i32x4_min_u: u32 Min;
    i32x4_max_s: i32 Max;
    i32x4_max_u: u32 Max;

    i64x2_add: u64 Add;
    i64x2_sub: u64 Sub;
}

binary! {
    i8x16_avgr_u: u8 => |x, y| ((u16::from(x) + u16::from(y) + 1) >> 1) as u8;
    i16x8_mul: u16 => u16::wrapping_mul;
    i16x8_avgr_u: u16 => |x, y| ((u32::from(x) + u32::from(y) + 1) >> 1) as u16;
    i16x8_q15mulr_sat_s: i16 => |x, y| sat_i16((i32::from(x) * i32::from(y) + 0x4000) >> 15);
    i32x4_mul: u32 => u32::wrapping_mul;
    i64x2_mul: u64 => u64::wrapping_mul;
}

compare! {
    i8x16_eq: u8 ==;
    i8x16_ne: u8 !=;
    i8x16_lt_s: i8 <;
    i8x16_lt_u: u8 <;
    i8x16_gt_s: i8 >;
    i8x16_gt_u: u8 >;
    i8x16_le_s: i8 <=;
    i8x16_le_u: u8 <=;
    i8x16_ge_s: i8 >=;
    i8x16_ge_u: u8 >=;

    i16x8_eq: u16 ==;
    i16x8_ne: u16 !=;
    i16x8_lt_s: i16 <;
    i16x8_lt_u: u16 <;
    i16x8_gt_s: i16 >;
    i16x8_gt_u: u16 >;
    i16x8_le_s: i16 <=;
    i16x8_le_u: u16 <=;
    i16x8_ge_s: i16 >=;
    i16x8_ge_u: u16 >=;

    i32x4_eq: u32 ==;
    i32x4_ne: u32 !=;
    i32x4_lt_s: i32 <;
    i32x4_lt_u: u32 <;
    i32x4_gt_s: i32 >;
    i32x4_gt_u: u32 >;
    i32x4_le_s: i32 <=;
    i32x4_le_u: u32 <=;
    i32x4_ge_s: i32 >=;
    i32x4_ge_u: u32 >=;

    i64x2_eq: u64 ==;
    i64x2_ne: u64 !=;
    i64x2_lt_s: i64 <;
    i64x2_gt_s: i64 >;
    i64x2_le_s: i64 <=;
    i64x2_ge_s: i64 >=;
}

// Wasm takes the count modulo the lane width; `wrapping_sh*` does exactly that.
shift! {
    i8x16_shl: u8 => wrapping_shl;
    i8x16_shr_s: i8 => wrapping_shr;
    i8x16_shr_u: u8 => wrapping_shr;
    i16x8_shl: u16 => wrapping_shl;
    i16x8_shr_s: i16 => wrapping_shr;
    i16x8_shr_u: u16 => wrapping_shr;
    i32x4_shl: u32 => wrapping_shl;
    i32x4_shr_s: i32 => wrapping_shr;
    i32x4_shr_u: u32 => wrapping_shr;
    i64x2_shl: u64 => wrapping_shl;
    i64x2_shr_s: i64 => wrapping_shr;
    i64x2_shr_u: u64 => wrapping_shr;
}

pub(crate) fn i8x16_all_true(a: u128) -> u32 {
    all_true::<u8>(a)
}

pub(crate) fn i16x8_all_true(a: u128) -> u32 {
    all_true::<u16>(a)
}

pub(crate) fn i32x4_all_true(a: u128) -> u32 {
    all_true::<u32>(a)
}

pub(crate) fn i64x2_all_true(a: u128) -> u32 {
    all_true::<u64>(a)
}

pub(crate) fn i8x16_bitmask(a: u128) -> u32 {
    bitmask::<u8>(a)
}

pub(crate) fn i16x8_bitmask(a: u128) -> u32 {
    bitmask::<u16>(a)
}

pub(crate) fn i32x4_bitmask(a: u128) -> u32 {
    bitmask::<u32>(a)
}

pub(crate) fn i64x2_bitmask(a: u128) -> u32 {
    bitmask::<u64>(a)
}

// ---------------------------------------------------------------------------
// Widening, narrowing, pairwise and dot products
// ---------------------------------------------------------------------------

extend! {
    i16x8_extend_low_i8x16_s: i8 -> i16, first 0;
    i16x8_extend_high_i8x16_s: i8 -> i16, first 8;
    i16x8_extend_low_i8x16_u: u8 -> u16, first 0;
    i16x8_extend_high_i8x16_u: u8 -> u16, first 8;
    i32x4_extend_low_i16x8_s: i16 -> i32, first 0;
    i32x4_extend_high_i16x8_s: i16 -> i32, first 4;
    i32x4_extend_low_i16x8_u: u16 -> u32, first 0;
    i32x4_extend_high_i16x8_u: u16 -> u32, first 4;
    i64x2_extend_low_i32x4_s: i32 -> i64, first 0;
    i64x2_extend_high_i32x4_s: i32 -> i64, first 2;
    i64x2_extend_low_i32x4_u: u32 -> u64, first 0;
    i64x2_extend_high_i32x4_u: u32 -> u64, first 2;
}

// The products of the widened lanes cannot overflow the wide type.
extmul! {
    i16x8_extmul_low_i8x16_s: i8 -> i16, first 0;
    i16x8_extmul_high_i8x16_s: i8 -> i16, first 8;
    i16x8_extmul_low_i8x16_u: u8 -> u16, first 0;
    i16x8_extmul_high_i8x16_u: u8 -> u16, first 8;
    i32x4_extmul_low_i16x8_s: i16 -> i32, first 0;
    i32x4_extmul_high_i16x8_s: i16 -> i32, first 4;
    i32x4_extmul_low_i16x8_u: u16 -> u32, first 0;
    i32x4_extmul_high_i16x8_u: u16 -> u32, first 4;
    i64x2_extmul_low_i32x4_s: i32 -> i64, first 0;
    i64x2_extmul_high_i32x4_s: i32 -> i64, first 2;
    i64x2_extmul_low_i32x4_u: u32 -> u64, first 0;
    i64x2_extmul_high_i32x4_u: u32 -> u64, first 2;
}

pub(crate) fn i16x8_extadd_pairwise_i8x16_s(a: u128) -> u128 {
    pairwise(a, |x: i8, y: i8| i16::from(x) + i16::from(y))
}

pub(crate) fn i16x8_extadd_pairwise_i8x16_u(a: u128) -> u128 {
    pairwise(a, |x: u8, y: u8| u16::from(x) + u16::from(y))
}

pub(crate) fn i32x4_extadd_pairwise_i16x8_s(a: u128) -> u128 {
    pairwise(a, |x: i16, y: i16| i32::from(x) + i32::from(y))
}

pub(crate) fn i32x4_extadd_pairwise_i16x8_u(a: u128) -> u128 {
    pairwise(a, |x: u16, y: u16| u32::from(x) + u32::from(y))
}

/// Lanes of `a` then `b`, clamped to the signed range of the narrow lane.
pub(crate) fn i8x16_narrow_i16x8_s(a: u128, b: u128) -> u128 {
    narrow(a, b, |x: i16| x.clamp(i8::MIN.into(), i8::MAX.into()) as i8)
}

/// Lanes of `a` then `b` (read as signed), clamped to `0..=u8::MAX`.
pub(crate) fn i8x16_narrow_i16x8_u(a: u128, b: u128) -> u128 {
    narrow(a, b, |x: i16| x.clamp(0, u8::MAX.into()) as u8)
}

pub(crate) fn i16x8_narrow_i32x4_s(a: u128, b: u128) -> u128 {
    narrow(a, b, sat_i16)
}

pub(crate) fn i16x8_narrow_i32x4_u(a: u128, b: u128) -> u128 {
    narrow(a, b, |x: i32| x.clamp(0, u16::MAX.into()) as u16)
}

/// Lane `i` = a[2i]*b[2i] + a[2i+1]*b[2i+1] over i16 lanes, wrapping in i32.
pub(crate) fn i32x4_dot_i16x8_s(a: u128, b: u128) -> u128 {
    let product = |i| i32::from(lane::<i16>(a, i)) * i32::from(lane::<i16>(b, i));
    build(|i| product(2 * i).wrapping_add(product(2 * i + 1)))
}

// ---------------------------------------------------------------------------
// Byte permutes
// ---------------------------------------------------------------------------

/// Byte `i` = byte `s[i]` of `a`, or 0 when `s[i] >= 16`.
pub(crate) fn i8x16_swizzle(a: u128, s: u128) -> u128 {
    build(|i| match usize::from(lane::<u8>(s, i)) {
        j @ 0..=15 => lane::<u8>(a, j),
        _ => 0,
    })
}

/// Byte `k` = byte `lanes[k]` of the 32 bytes `a ‖ b` (indices validated `< 32`).
pub(crate) fn i8x16_shuffle(a: u128, b: u128, lanes: u128) -> u128 {
    build(|i| match usize::from(lane::<u8>(lanes, i)) {
        j @ 0..=15 => lane::<u8>(a, j),
        j => lane::<u8>(b, j % 16),
    })
}

// ---------------------------------------------------------------------------
// Splat, extract_lane, replace_lane, widening loads
// ---------------------------------------------------------------------------

pub(crate) fn i8x16_splat(x: u64) -> u128 {
    build(|_| x as u8)
}

pub(crate) fn i16x8_splat(x: u64) -> u128 {
    build(|_| x as u16)
}

pub(crate) fn i32x4_splat(x: u64) -> u128 {
    build(|_| x as u32)
}

pub(crate) fn i64x2_splat(x: u64) -> u128 {
    build(|_| x)
}

pub(crate) fn f32x4_splat(x: u64) -> u128 {
    i32x4_splat(x)
}

pub(crate) fn f64x2_splat(x: u64) -> u128 {
    i64x2_splat(x)
}

/// Sign-extended to i32, returned as the zero-extended i32 slot.
pub(crate) fn i8x16_extract_lane_s(v: u128, i: u8) -> u64 {
    u64::from(i32::from(lane::<i8>(v, i.into())) as u32)
}

pub(crate) fn i8x16_extract_lane_u(v: u128, i: u8) -> u64 {
    lane::<u8>(v, i.into()).into()
}

/// Sign-extended to i32, returned as the zero-extended i32 slot.
pub(crate) fn i16x8_extract_lane_s(v: u128, i: u8) -> u64 {
    u64::from(i32::from(lane::<i16>(v, i.into())) as u32)
}

pub(crate) fn i16x8_extract_lane_u(v: u128, i: u8) -> u64 {
    lane::<u16>(v, i.into()).into()
}

pub(crate) fn i32x4_extract_lane(v: u128, i: u8) -> u64 {
    lane::<u32>(v, i.into()).into()
}

pub(crate) fn i64x2_extract_lane(v: u128, i: u8) -> u64 {
    lane(v, i.into())
}

pub(crate) fn f32x4_extract_lane(v: u128, i: u8) -> u64 {
    i32x4_extract_lane(v, i)
}

pub(crate) fn f64x2_extract_lane(v: u128, i: u8) -> u64 {
    i64x2_extract_lane(v, i)
}

pub(crate) fn i8x16_replace_lane(v: u128, i: u8, x: u64) -> u128 {
    replace(v, i, x as u8)
}

pub(crate) fn i16x8_replace_lane(v: u128, i: u8, x: u64) -> u128 {
    replace(v, i, x as u16)
}

pub(crate) fn i32x4_replace_lane(v: u128, i: u8, x: u64) -> u128 {
    replace(v, i, x as u32)
}

pub(crate) fn i64x2_replace_lane(v: u128, i: u8, x: u64) -> u128 {
    replace(v, i, x)
}

pub(crate) fn f32x4_replace_lane(v: u128, i: u8, x: u64) -> u128 {
    i32x4_replace_lane(v, i, x)
}

pub(crate) fn f64x2_replace_lane(v: u128, i: u8, x: u64) -> u128 {
    i64x2_replace_lane(v, i, x)
}

/// `m` is the 8 loaded bytes read little-endian.
pub(crate) fn v128_load8x8_s(m: u64) -> u128 {
    i16x8_extend_low_i8x16_s(m.into())
}

pub(crate) fn v128_load8x8_u(m: u64) -> u128 {
    i16x8_extend_low_i8x16_u(m.into())
}

pub(crate) fn v128_load16x4_s(m: u64) -> u128 {
    i32x4_extend_low_i16x8_s(m.into())
}

pub(crate) fn v128_load16x4_u(m: u64) -> u128 {
    i32x4_extend_low_i16x8_u(m.into())
}

pub(crate) fn v128_load32x2_s(m: u64) -> u128 {
    i64x2_extend_low_i32x4_s(m.into())
}

pub(crate) fn v128_load32x2_u(m: u64) -> u128 {
    i64x2_extend_low_i32x4_u(m.into())
}

// ---------------------------------------------------------------------------
// Floating point
// ---------------------------------------------------------------------------

const F32_SIGNS: u128 = 0x8000_0000_8000_0000_8000_0000_8000_0000;
const F64_SIGNS: u128 = 0x8000_0000_0000_0000_8000_0000_0000_0000;

// abs and neg only touch the sign bit, NaN payloads included.
pub(crate) fn f32x4_abs(a: u128) -> u128 {
    a & !F32_SIGNS
}

pub(crate) fn f32x4_neg(a: u128) -> u128 {
    a ^ F32_SIGNS
}

pub(crate) fn f64x2_abs(a: u128) -> u128 {
    a & !F64_SIGNS
}

pub(crate) fn f64x2_neg(a: u128) -> u128 {
    a ^ F64_SIGNS
}

/// Lane-wise rounding, one instance per lane type (see [`compare_lanes`]).
#[inline(never)]
fn round_lanes<F: Float>(a: u128, mode: Round) -> u128 {
    map::<F, F>(a, rounding(|x: F| x.round_to(mode)))
}

macro_rules! float_round {
    ($($name:ident: $t:ident $mode:ident;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: u128) -> u128 {
            round_lanes::<$t>(a, Round::$mode)
        }
    )*};
}

float_round! {
    f32x4_ceil: f32 Ceil;
    f32x4_floor: f32 Floor;
    f32x4_trunc: f32 Trunc;
    f32x4_nearest: f32 Nearest;
    f64x2_ceil: f64 Ceil;
    f64x2_floor: f64 Floor;
    f64x2_trunc: f64 Trunc;
    f64x2_nearest: f64 Nearest;
}

unary! {
    f32x4_sqrt: f32 => f32::sqrt;
    f64x2_sqrt: f64 => f64::sqrt;

    // Rust's float-to-int `as` saturates and maps NaN to 0, exactly trunc_sat.
    i32x4_trunc_sat_f32x4_s: f32 => |x| x as i32;
    i32x4_trunc_sat_f32x4_u: f32 => |x| x as u32;
    f32x4_convert_i32x4_s: i32 => |x| x as f32;
    f32x4_convert_i32x4_u: u32 => |x| x as f32;
}

/// The float lane ops with two operands, chosen per lane in one instance per
/// lane type (see [`compare_lanes`]).
#[derive(Clone, Copy)]
enum FloatOp {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    PMin,
    PMax,
}

#[inline(never)]
fn float_lanes<T: Float>(a: u128, b: u128, op: FloatOp) -> u128 {
    zip::<T, T>(a, b, |x, y| match op {
        FloatOp::Add => sse(x, y, |p, q| p + q),
        FloatOp::Sub => sse(x, y, |p, q| p - q),
        FloatOp::Mul => sse(x, y, |p, q| p * q),
        FloatOp::Div => sse(x, y, |p, q| p / q),
        FloatOp::Min => wasm_min(x, y),
        FloatOp::Max => wasm_max(x, y),
        FloatOp::PMin => {
            if y < x {
                y
            } else {
                x
            }
        }
        FloatOp::PMax => {
            if x < y {
                y
            } else {
                x
            }
        }
    })
}

macro_rules! float_binary {
    ($($name:ident: $t:ident $op:ident;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: u128, b: u128) -> u128 {
            float_lanes::<$t>(a, b, FloatOp::$op)
        }
    )*};
}

float_binary! {
    f32x4_add: f32 Add;
    f32x4_sub: f32 Sub;
    f32x4_mul: f32 Mul;
    f32x4_div: f32 Div;
    f32x4_min: f32 Min;
    f32x4_max: f32 Max;
    f32x4_pmin: f32 PMin;
    f32x4_pmax: f32 PMax;

    f64x2_add: f64 Add;
    f64x2_sub: f64 Sub;
    f64x2_mul: f64 Mul;
    f64x2_div: f64 Div;
    f64x2_min: f64 Min;
    f64x2_max: f64 Max;
    f64x2_pmin: f64 PMin;
    f64x2_pmax: f64 PMax;
}

compare! {
    f32x4_eq: f32 ==;
    f32x4_ne: f32 !=;
    f32x4_lt: f32 <;
    f32x4_gt: f32 >;
    f32x4_le: f32 <=;
    f32x4_ge: f32 >=;

    f64x2_eq: f64 ==;
    f64x2_ne: f64 !=;
    f64x2_lt: f64 <;
    f64x2_gt: f64 >;
    f64x2_le: f64 <=;
    f64x2_ge: f64 >=;
}

/// Lanes 0 and 1 from the two f64 lanes (saturating, NaN to 0); lanes 2 and 3 are 0.
pub(crate) fn i32x4_trunc_sat_f64x2_s_zero(a: u128) -> u128 {
    narrow_zero(a, |x: f64| x as i32)
}

pub(crate) fn i32x4_trunc_sat_f64x2_u_zero(a: u128) -> u128 {
    narrow_zero(a, |x: f64| x as u32)
}

pub(crate) fn f32x4_demote_f64x2_zero(a: u128) -> u128 {
    narrow_zero(a, |x: f64| x as f32)
}

pub(crate) fn f64x2_convert_low_i32x4_s(a: u128) -> u128 {
    widen::<i32, f64>(a, 0, f64::from)
}

pub(crate) fn f64x2_convert_low_i32x4_u(a: u128) -> u128 {
    widen::<u32, f64>(a, 0, f64::from)
}

pub(crate) fn f64x2_promote_low_f32x4(a: u128) -> u128 {
    widen::<f32, f64>(a, 0, f64::from)
}

// ---------------------------------------------------------------------------
// Relaxed SIMD
// ---------------------------------------------------------------------------

/// Relaxed SIMD: each relaxed instruction has one fixed, deterministic behaviour here,
/// the same on every host:
/// - `i8x16.relaxed_swizzle` = `i8x16.swizzle` (index >= 16 gives 0).
/// - `i32x4.relaxed_trunc_*` = the matching `trunc_sat` (saturating, NaN to 0).
/// - `relaxed_madd(a, b, c)` = `a * b + c` and `relaxed_nmadd(a, b, c)` =
///   `-(a * b) + c`, both unfused (two roundings); a NaN result is the one x86 gives
///   for `(a * b) + c` and for `c - (a * b)` (see `sse`).
/// - `relaxed_laneselect(a, b, m)` = `v128.bitselect(a, b, m)` (bitwise).
/// - `relaxed_min(a, b)` = `a < b ? a : b` and `relaxed_max(a, b)` = `a > b ? a : b`
///   (x86 `minps`/`maxps`: `b` when either is NaN or both are zero).
/// - `i16x8.relaxed_q15mulr_s` = `i16x8.q15mulr_sat_s`.
/// - `i16x8.relaxed_dot_i8x16_i7x16_s(a, b)` = x86 `pmaddubsw` with `b` unsigned:
///   lane k = sat_i16(u8(b[2k]) * i8(a[2k]) + u8(b[2k+1]) * i8(a[2k+1])).
/// - `i32x4.relaxed_dot_i8x16_i7x16_add_s(a, b, c)`: lane k = the two i16 lanes
///   2k, 2k+1 of that dot, sign-extended and summed, plus c[k], wrapping.
///
/// This one: same as `i8x16_swizzle`.
pub(crate) fn i8x16_relaxed_swizzle(a: u128, s: u128) -> u128 {
    i8x16_swizzle(a, s)
}

/// Relaxed: same as `i32x4_trunc_sat_f32x4_s`.
pub(crate) fn i32x4_relaxed_trunc_f32x4_s(a: u128) -> u128 {
    i32x4_trunc_sat_f32x4_s(a)
}

/// Relaxed: same as `i32x4_trunc_sat_f32x4_u`.
pub(crate) fn i32x4_relaxed_trunc_f32x4_u(a: u128) -> u128 {
    i32x4_trunc_sat_f32x4_u(a)
}

/// Relaxed: same as `i32x4_trunc_sat_f64x2_s_zero`.
pub(crate) fn i32x4_relaxed_trunc_f64x2_s_zero(a: u128) -> u128 {
    i32x4_trunc_sat_f64x2_s_zero(a)
}

/// Relaxed: same as `i32x4_trunc_sat_f64x2_u_zero`.
pub(crate) fn i32x4_relaxed_trunc_f64x2_u_zero(a: u128) -> u128 {
    i32x4_trunc_sat_f64x2_u_zero(a)
}

/// Relaxed: `a * b + c`, unfused; a NaN result is `a`'s, `b`'s, then `c`'s.
pub(crate) fn f32x4_relaxed_madd(a: u128, b: u128, c: u128) -> u128 {
    zip3(a, b, c, |x: f32, y, z| {
        sse(sse(x, y, |p, q| p * q), z, |p, q| p + q)
    })
}

/// Relaxed: `-(a * b) + c`, unfused, as `c - a * b` (equal but for the sign of a NaN); a
/// NaN result is `c`'s, `a`'s, then `b`'s.
pub(crate) fn f32x4_relaxed_nmadd(a: u128, b: u128, c: u128) -> u128 {
    zip3(a, b, c, |x: f32, y, z| {
        sse(z, sse(x, y, |p, q| p * q), |p, q| p - q)
    })
}

/// Relaxed: `a * b + c`, unfused; a NaN result is `a`'s, `b`'s, then `c`'s.
pub(crate) fn f64x2_relaxed_madd(a: u128, b: u128, c: u128) -> u128 {
    zip3(a, b, c, |x: f64, y, z| {
        sse(sse(x, y, |p, q| p * q), z, |p, q| p + q)
    })
}

/// Relaxed: `-(a * b) + c`, unfused, as `c - a * b` (equal but for the sign of a NaN); a
/// NaN result is `c`'s, `a`'s, then `b`'s.
pub(crate) fn f64x2_relaxed_nmadd(a: u128, b: u128, c: u128) -> u128 {
    zip3(a, b, c, |x: f64, y, z| {
        sse(z, sse(x, y, |p, q| p * q), |p, q| p - q)
    })
}

/// Relaxed: bitwise, same as `v128_bitselect`.
pub(crate) fn i8x16_relaxed_laneselect(a: u128, b: u128, m: u128) -> u128 {
    v128_bitselect(a, b, m)
}

/// Relaxed: bitwise, same as `v128_bitselect`.
pub(crate) fn i16x8_relaxed_laneselect(a: u128, b: u128, m: u128) -> u128 {
    v128_bitselect(a, b, m)
}

/// Relaxed: bitwise, same as `v128_bitselect`.
pub(crate) fn i32x4_relaxed_laneselect(a: u128, b: u128, m: u128) -> u128 {
    v128_bitselect(a, b, m)
}

/// Relaxed: bitwise, same as `v128_bitselect`.
pub(crate) fn i64x2_relaxed_laneselect(a: u128, b: u128, m: u128) -> u128 {
    v128_bitselect(a, b, m)
}

binary! {
    // Relaxed: `a < b ? a : b` / `a > b ? a : b` per lane (x86 minps/maxps).
    f32x4_relaxed_min: f32 => |x, y| if x < y { x } else { y };
    f32x4_relaxed_max: f32 => |x, y| if x > y { x } else { y };
    f64x2_relaxed_min: f64 => |x, y| if x < y { x } else { y };
    f64x2_relaxed_max: f64 => |x, y| if x > y { x } else { y };
}

/// Relaxed: same as `i16x8_q15mulr_sat_s`.
pub(crate) fn i16x8_relaxed_q15mulr_s(a: u128, b: u128) -> u128 {
    i16x8_q15mulr_sat_s(a, b)
}

/// Relaxed: x86 `pmaddubsw` with `b` as the unsigned operand, saturated to i16.
pub(crate) fn i16x8_relaxed_dot_i8x16_i7x16_s(a: u128, b: u128) -> u128 {
    let product = |i| i32::from(lane::<u8>(b, i)) * i32::from(lane::<i8>(a, i));
    build(|i| sat_i16(product(2 * i) + product(2 * i + 1)))
}

/// Relaxed: lane k = i16 lanes 2k and 2k+1 of the relaxed dot, summed, plus `c[k]`.
pub(crate) fn i32x4_relaxed_dot_i8x16_i7x16_add_s(a: u128, b: u128, c: u128) -> u128 {
    let dot = i16x8_relaxed_dot_i8x16_i7x16_s(a, b);
    let sum = pairwise(dot, |x: i16, y: i16| i32::from(x) + i32::from(y));
    i32x4_add(sum, c)
}

#[cfg(test)]
#[path = "lanes_tests.rs"]
mod tests;
