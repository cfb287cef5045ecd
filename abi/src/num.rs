//! Numeric semantics of wasm operators that Rust's own operators do not give
//! directly: trapping division, float min/max/nearest, and float-to-int
//! truncation. The interpreter and the compiler's constant folder both call
//! these, so folding can never disagree with execution.

use crate::TrapCode;

#[inline]
pub fn i32_div_s(a: i32, b: i32) -> Result<i32, TrapCode> {
    if b == 0 {
        Err(TrapCode::IntegerDivisionByZero)
    } else if a == i32::MIN && b == -1 {
        Err(TrapCode::IntegerOverflow)
    } else {
        Ok(a / b)
    }
}

#[inline]
pub fn i32_div_u(a: u32, b: u32) -> Result<u32, TrapCode> {
    a.checked_div(b).ok_or(TrapCode::IntegerDivisionByZero)
}

#[inline]
pub fn i32_rem_s(a: i32, b: i32) -> Result<i32, TrapCode> {
    if b == 0 {
        Err(TrapCode::IntegerDivisionByZero)
    } else {
        Ok(a.wrapping_rem(b))
    }
}

#[inline]
pub fn i32_rem_u(a: u32, b: u32) -> Result<u32, TrapCode> {
    a.checked_rem(b).ok_or(TrapCode::IntegerDivisionByZero)
}

#[inline]
pub fn i64_div_s(a: i64, b: i64) -> Result<i64, TrapCode> {
    if b == 0 {
        Err(TrapCode::IntegerDivisionByZero)
    } else if a == i64::MIN && b == -1 {
        Err(TrapCode::IntegerOverflow)
    } else {
        Ok(a / b)
    }
}

#[inline]
pub fn i64_div_u(a: u64, b: u64) -> Result<u64, TrapCode> {
    a.checked_div(b).ok_or(TrapCode::IntegerDivisionByZero)
}

#[inline]
pub fn i64_rem_s(a: i64, b: i64) -> Result<i64, TrapCode> {
    if b == 0 {
        Err(TrapCode::IntegerDivisionByZero)
    } else {
        Ok(a.wrapping_rem(b))
    }
}

#[inline]
pub fn i64_rem_u(a: u64, b: u64) -> Result<u64, TrapCode> {
    a.checked_rem(b).ok_or(TrapCode::IntegerDivisionByZero)
}

macro_rules! float_ops {
    ($t:ty, $bits:ty, $quiet:expr, $min:ident, $max:ident, $nearest:ident, $ceil:ident, $floor:ident, $trunc:ident, $sqrt:ident) => {
        /// The first NaN of `a` and `b`, quieted: what x86's `addss` and
        /// `minss` family give (the native code's rule on every ISA, which
        /// the interpreter follows so that both engines give the same bits).
        #[inline]
        fn quiet_first_nan(a: $t, b: $t) -> $t {
            if a.is_nan() {
                <$t>::from_bits(a.to_bits() | $quiet)
            } else {
                <$t>::from_bits(b.to_bits() | $quiet)
            }
        }

        /// wasm `min`: NaN if either operand is NaN, and -0 below +0.
        #[inline]
        pub fn $min(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                return quiet_first_nan(a, b);
            }
            if a == b {
                // Equal values differ only in the sign of zero: prefer negative.
                return if a.is_sign_negative() { a } else { b };
            }
            if a < b {
                a
            } else {
                b
            }
        }

        /// wasm `max`: NaN if either operand is NaN, and +0 above -0.
        #[inline]
        pub fn $max(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                return quiet_first_nan(a, b);
            }
            if a == b {
                return if a.is_sign_positive() { a } else { b };
            }
            if a > b {
                a
            } else {
                b
            }
        }

        /// wasm `nearest`: round to nearest, ties to even.
        #[inline]
        pub fn $nearest(a: $t) -> $t {
            quiet(a.round_ties_even())
        }

        /// wasm `ceil`, with a NaN result always quiet.
        #[inline]
        pub fn $ceil(a: $t) -> $t {
            quiet(a.ceil())
        }

        /// wasm `floor`, with a NaN result always quiet.
        #[inline]
        pub fn $floor(a: $t) -> $t {
            quiet(a.floor())
        }

        /// wasm `trunc`, with a NaN result always quiet.
        #[inline]
        pub fn $trunc(a: $t) -> $t {
            quiet(a.trunc())
        }

        /// wasm `sqrt`, with a NaN result always quiet.
        #[inline]
        pub fn $sqrt(a: $t) -> $t {
            quiet(a.sqrt())
        }

        /// Sets the quiet bit of a NaN: the spec allows only arithmetic NaNs here,
        /// while the host's rounding may pass a signalling NaN through.
        #[inline]
        fn quiet(a: $t) -> $t {
            if a.is_nan() {
                <$t>::from_bits(a.to_bits() | $quiet)
            } else {
                a
            }
        }
    };
}

mod f32_ops {
    float_ops!(
        f32,
        u32,
        0x0040_0000,
        f32_min,
        f32_max,
        f32_nearest,
        f32_ceil,
        f32_floor,
        f32_trunc,
        f32_sqrt
    );
}
mod f64_ops {
    float_ops!(
        f64,
        u64,
        0x0008_0000_0000_0000,
        f64_min,
        f64_max,
        f64_nearest,
        f64_ceil,
        f64_floor,
        f64_trunc,
        f64_sqrt
    );
}
pub use f32_ops::*;
pub use f64_ops::*;

macro_rules! trunc {
    ($name:ident, $from:ty, $to:ty, $lo:expr, $hi:expr) => {
        /// Trapping float-to-int truncation: NaN is an invalid conversion, a value
        /// whose truncation lies outside the target range overflows.
        #[inline]
        pub fn $name(x: $from) -> Result<$to, TrapCode> {
            if x.is_nan() {
                return Err(TrapCode::BadConversionToInteger);
            }
            let x = x as f64;
            // Bounds are exclusive and exactly representable as f64.
            if x > $lo && x < $hi {
                Ok(x as $to)
            } else {
                Err(TrapCode::IntegerOverflow)
            }
        }
    };
}

trunc!(i32_trunc_f32_s, f32, i32, -2147483649.0, 2147483648.0);
trunc!(i32_trunc_f32_u, f32, u32, -1.0, 4294967296.0);
trunc!(i32_trunc_f64_s, f64, i32, -2147483649.0, 2147483648.0);
trunc!(i32_trunc_f64_u, f64, u32, -1.0, 4294967296.0);
trunc!(
    i64_trunc_f32_s,
    f32,
    i64,
    -9223372036854777856.0,
    9223372036854775808.0
);
trunc!(i64_trunc_f32_u, f32, u64, -1.0, 18446744073709551616.0);
trunc!(
    i64_trunc_f64_s,
    f64,
    i64,
    -9223372036854777856.0,
    9223372036854775808.0
);
trunc!(i64_trunc_f64_u, f64, u64, -1.0, 18446744073709551616.0);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_traps() {
        assert_eq!(i32_div_s(i32::MIN, -1), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_div_s(7, 0), Err(TrapCode::IntegerDivisionByZero));
        assert_eq!(i32_rem_s(i32::MIN, -1), Ok(0));
        assert_eq!(i64_div_u(7, 2), Ok(3));
    }

    #[test]
    fn float_min_max_follow_wasm() {
        assert!(f32_min(f32::NAN, 1.0).is_nan());
        assert!(f64_max(1.0, f64::NAN).is_nan());
        assert!(f32_min(0.0, -0.0).is_sign_negative());
        assert!(f64_max(-0.0, 0.0).is_sign_positive());
        assert_eq!(f64_nearest(2.5), 2.0);
        assert_eq!(f32_nearest(-3.5), -4.0);
    }

    #[test]
    fn truncation_bounds() {
        assert_eq!(i32_trunc_f32_s(-2147483648.0), Ok(i32::MIN));
        assert_eq!(
            i32_trunc_f32_s(2147483648.0),
            Err(TrapCode::IntegerOverflow)
        );
        assert_eq!(i32_trunc_f64_s(-2147483648.9), Ok(i32::MIN));
        assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(
            i64_trunc_f64_u(f64::NAN),
            Err(TrapCode::BadConversionToInteger)
        );
        assert_eq!(i64_trunc_f32_s(-9223372036854775808.0), Ok(i64::MIN));
    }
}
