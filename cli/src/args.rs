//! `--invoke` values: parsing a command-line argument as a wasm value of a
//! given type, and printing results. Integers take decimal, `0x` hex and a
//! sign; floats also take `nan`, `nan:0xPAYLOAD`, `inf`, `-0` and hex floats
//! (`0x1.8p3`), all parsed with correct rounding. A v128 is written as in the
//! text format: a shape (`i32x4`, `f64x2`, ...) and that many lanes, lane 0
//! first, each lane parsed as a scalar of the lane's type.

use zwasm_loader::{Val, ValType};

/// Parses `text` as a value of type `ty`.
pub(crate) fn parse(text: &str, ty: ValType) -> Result<Val, String> {
    let bad = || format!("`{text}` is not a valid {ty}");
    let val = match ty {
        ValType::I32 => {
            let n = parse_int(text, 32).ok_or_else(bad)?;
            Val::I32(n as u32 as i32)
        }
        ValType::I64 => Val::I64(parse_int(text, 64).ok_or_else(bad)? as i64),
        ValType::F32 => Val::F32(parse_float(text, F32).ok_or_else(bad)? as u32),
        ValType::F64 => Val::F64(parse_float(text, F64).ok_or_else(bad)?),
        ValType::FuncRef => match text {
            "null" => Val::FuncRef(None),
            _ => return Err(format!("`{text}`: a funcref argument can only be `null`")),
        },
        ValType::ExternRef => match text {
            "null" => Val::ExternRef(None),
            _ => Val::ExternRef(Some(
                text.strip_prefix("ref.extern:")
                    .unwrap_or(text)
                    .parse()
                    .map_err(|_| format!("`{text}` is not a valid externref (null or a number)"))?,
            )),
        },
        ValType::Ref(_) => match text {
            "null" => Val::Ref(None),
            _ => return Err(format!("`{text}`: a {ty} argument can only be `null`")),
        },
        ValType::V128 => return parse_v128(&[text.to_string()]).map(|(v, _)| v),
    };
    Ok(val)
}

/// The lane shapes of a v128, as the text format names them: name, lane
/// width in bits, and whether lanes are floats.
const SHAPES: &[(&str, u32, bool)] = &[
    ("i8x16", 8, false),
    ("i16x8", 16, false),
    ("i32x4", 32, false),
    ("i64x2", 64, false),
    ("f32x4", 32, true),
    ("f64x2", 64, true),
];

/// Parses a v128 from the start of `texts`: a shape and its lanes, either
/// all in the first argument (`"i32x4 1 2 3 4"`) or as the shape followed
/// by one argument per lane. Returns the value and how many arguments it
/// took.
pub(crate) fn parse_v128(texts: &[String]) -> Result<(Val, usize), String> {
    let first = texts.first().map_or("", |t| t.trim());
    let words: Vec<&str> = first.split_whitespace().collect();
    let shape_name = words.first().copied().unwrap_or("");
    let Some(&(shape, bits, float)) = SHAPES.iter().find(|s| s.0 == shape_name) else {
        let names: Vec<&str> = SHAPES.iter().map(|s| s.0).collect();
        return Err(format!(
            "`{first}` is not a valid v128: expected a shape ({}) and its lanes",
            names.join(", ")
        ));
    };
    let count = (128 / bits) as usize;
    let (lanes, used): (Vec<&str>, usize) = if words.len() > 1 {
        // Shape and lanes in one argument: it must hold them all.
        if words.len() - 1 != count {
            return Err(format!(
                "`{first}`: {shape} takes {count} lanes, {} given",
                words.len() - 1
            ));
        }
        (words[1..].to_vec(), 1)
    } else {
        let lanes: Vec<&str> = texts[1..].iter().take(count).map(String::as_str).collect();
        if lanes.len() < count {
            return Err(format!(
                "{shape} takes {count} lanes, {} given",
                lanes.len()
            ));
        }
        (lanes, 1 + count)
    };
    let mut v = 0u128;
    for (i, lane) in lanes.iter().enumerate() {
        let lane_ty = format!("{}{bits}", if float { 'f' } else { 'i' });
        let bad = || format!("lane {i} of {shape}: `{lane}` is not a valid {lane_ty}");
        let raw = match (float, bits) {
            (true, 32) => parse_float(lane, F32),
            (true, _) => parse_float(lane, F64),
            (false, _) => parse_int(lane, bits),
        }
        .ok_or_else(bad)?;
        v |= (raw as u128) << (i as u32 * bits);
    }
    Ok((Val::V128(v), used))
}

/// Prints a result value: integers signed, floats as Rust prints them
/// (`1.5`, `inf`, `-0`) except NaN, which prints `nan`, or `nan:0x..` when its
/// payload is not the canonical one. Like Rust, the sign of a NaN is left out:
/// wasm leaves it unspecified (x86 gives `0/0` the sign bit, aarch64 does not).
/// References print as `null`, `ref.func`, `ref.extern N` or `ref.struct`.
pub(crate) fn format(val: &Val) -> String {
    match *val {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(bits) => {
            let x = f32::from_bits(bits);
            float_text(
                decimal(x as f64, x.to_string(), format!("{x:e}")),
                bits as u64,
                F32,
            )
        }
        Val::F64(bits) => {
            let x = f64::from_bits(bits);
            float_text(decimal(x, x.to_string(), format!("{x:e}")), bits, F64)
        }
        Val::FuncRef(None) | Val::ExternRef(None) | Val::Ref(None) => "null".into(),
        Val::Ref(Some(_)) => "ref.struct".into(),
        Val::FuncRef(Some(_)) => "ref.func".into(),
        Val::ExternRef(Some(n)) => format!("ref.extern {n}"),
        // The text format's `i32x4` form, four hex lanes, lane 0 first.
        Val::V128(_) => val.to_string(),
    }
}

/// Rust's plain form (`0.25`, `5`) for ordinary magnitudes, the exponent form
/// (`5e-324`, `1e300`) for tiny and huge ones, where the plain form would run to
/// hundreds of digits. The cut-offs are JavaScript's.
fn decimal(x: f64, plain: String, exp: String) -> String {
    let m = x.abs();
    if m == 0.0 || !m.is_finite() || (1e-6..1e21).contains(&m) {
        plain
    } else {
        exp
    }
}

fn float_text(display: String, bits: u64, f: Format) -> String {
    let exp_mask = ((1u64 << f.exp_bits) - 1) << f.mant_bits;
    let mant = bits & ((1u64 << f.mant_bits) - 1);
    if bits & exp_mask != exp_mask || mant == 0 {
        return display;
    }
    if mant == 1 << (f.mant_bits - 1) {
        "nan".into()
    } else {
        format!("nan:{mant:#x}")
    }
}

/// Parses an integer of `bits` bits: `-2^(bits-1) ..= 2^bits - 1`, so both the
/// signed and the unsigned reading of a bit pattern are accepted.
fn parse_int(text: &str, bits: u32) -> Option<u64> {
    let (neg, body) = split_sign(text);
    let body = body.replace('_', "");
    let magnitude = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok()?,
        None if body.bytes().all(|b| b.is_ascii_digit()) => body.parse::<u64>().ok()?,
        None => return None,
    };
    let max_unsigned = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    if neg {
        if magnitude > 1u64 << (bits - 1) {
            return None;
        }
        Some(magnitude.wrapping_neg() & max_unsigned)
    } else {
        (magnitude <= max_unsigned).then_some(magnitude)
    }
}

fn split_sign(text: &str) -> (bool, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

/// The shape of an IEEE binary format.
#[derive(Clone, Copy)]
struct Format {
    mant_bits: u32,
    exp_bits: u32,
}

const F32: Format = Format {
    mant_bits: 23,
    exp_bits: 8,
};
const F64: Format = Format {
    mant_bits: 52,
    exp_bits: 11,
};

/// Parses a float and returns its bits in format `f`.
fn parse_float(text: &str, f: Format) -> Option<u64> {
    let (neg, body) = split_sign(text);
    let body = body.replace('_', "").to_ascii_lowercase();
    let sign = (neg as u64) << (f.mant_bits + f.exp_bits);
    let inf = ((1u64 << f.exp_bits) - 1) << f.mant_bits;
    let bits = if body == "nan" {
        inf | 1 << (f.mant_bits - 1)
    } else if let Some(payload) = body.strip_prefix("nan:0x") {
        let p = u64::from_str_radix(payload, 16).ok()?;
        if p == 0 || p >> f.mant_bits != 0 {
            return None;
        }
        inf | p
    } else if body == "inf" || body == "infinity" {
        inf
    } else if let Some(hex) = body.strip_prefix("0x") {
        parse_hex_float(hex, f)?
    } else {
        // Rust's decimal parsing rounds correctly; reject the words it also accepts.
        if !body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-'))
        {
            return None;
        }
        if f.mant_bits == 23 {
            body.parse::<f32>().ok()?.to_bits() as u64
        } else {
            body.parse::<f64>().ok()?.to_bits()
        }
    };
    Some(sign | bits)
}

/// Parses the part of a hex float after `0x`: `HEX[.HEX][pEXP]`.
fn parse_hex_float(text: &str, f: Format) -> Option<u64> {
    let (digits, exp) = match text.split_once('p') {
        Some((d, e)) => (d, e.parse::<i64>().ok()?.clamp(-100_000, 100_000)),
        None => (text, 0),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    // Accumulate up to 60 significant bits; later digits only move the binary
    // point (integer part) and feed a sticky bit that keeps rounding exact.
    let (mut m, mut e, mut sticky) = (0u64, exp, false);
    for (i, c) in int.chars().chain(frac.chars()).enumerate() {
        let d = c.to_digit(16)? as u64;
        let in_frac = i >= int.len();
        if m >> 56 == 0 {
            m = m << 4 | d;
            if in_frac {
                e -= 4;
            }
        } else {
            sticky |= d != 0;
            if !in_frac {
                e += 4;
            }
        }
    }
    Some(compose(m | sticky as u64, e, f))
}

/// The bits of `m * 2^e` in format `f`, rounded to nearest, ties to even.
fn compose(m: u64, e: i64, f: Format) -> u64 {
    if m == 0 {
        return 0;
    }
    let bias = (1i64 << (f.exp_bits - 1)) - 1;
    let lz = m.leading_zeros();
    let m = (m << lz) as u128;
    let mut top = e - lz as i64 + 63; // exponent of the leading bit
    let min_normal = 1 - bias;
    let precision = f.mant_bits as i64 + 1;
    let keep = if top >= min_normal {
        precision
    } else {
        precision - (min_normal - top)
    };
    let shift = 64 - keep;
    if shift >= 128 {
        return 0;
    }
    let mut q = m >> shift;
    let rem = m & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    if rem > half || (rem == half && q & 1 == 1) {
        q += 1;
    }
    if top < min_normal {
        // Subnormal; rounding up into the smallest normal gives the right bits too.
        return q as u64;
    }
    if q >> precision != 0 {
        q >>= 1;
        top += 1;
    }
    let biased = top + bias;
    if biased >= (1 << f.exp_bits) - 1 {
        return ((1u64 << f.exp_bits) - 1) << f.mant_bits;
    }
    (biased as u64) << f.mant_bits | (q as u64 & ((1u64 << f.mant_bits) - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f32_of(s: &str) -> f32 {
        match parse(s, ValType::F32).unwrap() {
            Val::F32(b) => f32::from_bits(b),
            v => panic!("{v:?}"),
        }
    }

    fn f64_of(s: &str) -> f64 {
        match parse(s, ValType::F64).unwrap() {
            Val::F64(b) => f64::from_bits(b),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn integers() {
        assert_eq!(parse("42", ValType::I32), Ok(Val::I32(42)));
        assert_eq!(parse("-7", ValType::I32), Ok(Val::I32(-7)));
        assert_eq!(parse("0xff", ValType::I32), Ok(Val::I32(255)));
        assert_eq!(parse("0xffffffff", ValType::I32), Ok(Val::I32(-1)));
        assert_eq!(parse("-2147483648", ValType::I32), Ok(Val::I32(i32::MIN)));
        assert!(parse("-2147483649", ValType::I32).is_err());
        assert!(parse("4294967296", ValType::I32).is_err());
        assert!(parse("1.5", ValType::I32).is_err());
        assert!(parse("", ValType::I32).is_err());
        assert!(parse("-", ValType::I32).is_err());
        assert_eq!(parse("1_000", ValType::I64), Ok(Val::I64(1000)));
        assert_eq!(
            parse("-9223372036854775808", ValType::I64),
            Ok(Val::I64(i64::MIN))
        );
        assert_eq!(
            parse("18446744073709551615", ValType::I64),
            Ok(Val::I64(-1))
        );
        assert!(parse("18446744073709551616", ValType::I64).is_err());
    }

    #[test]
    fn floats() {
        assert_eq!(f64_of("1.5"), 1.5);
        assert_eq!(f64_of("-2.25e2"), -225.0);
        assert!(f64_of("nan").is_nan());
        assert_eq!(f64_of("inf"), f64::INFINITY);
        assert_eq!(f64_of("-inf"), f64::NEG_INFINITY);
        assert_eq!(f64_of("-0").to_bits(), (-0.0f64).to_bits());
        assert_eq!(f64_of("0x1.8p1"), 3.0);
        assert_eq!(f64_of("0x10"), 16.0);
        assert_eq!(f64_of("-0x.8"), -0.5);
        assert_eq!(f64_of("0x1p-1074"), f64::from_bits(1));
        assert_eq!(f64_of("0x1p-1075"), 0.0);
        assert_eq!(f64_of("0x1.8p-1075"), f64::from_bits(1));
        assert_eq!(f64_of("0x1p1024"), f64::INFINITY);
        assert_eq!(f64_of("0x1.fffffffffffffp1023"), f64::MAX);
        assert_eq!(f64_of("0x1.fffffffffffff8p0"), 2.0);
        assert_eq!(f64_of("0x1.00000000000008p0"), 1.0);
        assert_eq!(f64_of("0x1.00000000000008000001p0"), 1.0 + f64::EPSILON);
        assert_eq!(f32_of("0x1p-149"), f32::from_bits(1));
        assert_eq!(f32_of("0x1.fffffep127"), f32::MAX);
        assert_eq!(f32_of("0x1.000001p0"), 1.0);
        assert_eq!(f32_of("0x1.000003p0"), 1.0 + 2.0 * f32::EPSILON);
        assert_eq!(f32_of("0.1"), 0.1f32);
        assert!(parse("1.5x", ValType::F64).is_err());
        assert!(parse("nan:0x0", ValType::F32).is_err());
        assert!(parse("0x", ValType::F32).is_err());
        assert_eq!(parse("nan:0x1", ValType::F32), Ok(Val::F32(0x7f80_0001)));
    }

    fn v128_of(args: &[&str]) -> Result<(u128, usize), String> {
        let texts: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse_v128(&texts).map(|(v, n)| match v {
            Val::V128(x) => (x, n),
            v => panic!("{v:?}"),
        })
    }

    #[test]
    fn v128_lanes_in_one_argument_or_several() {
        let want = 0x0000_0004_0000_0003_0000_0002_0000_0001u128;
        assert_eq!(v128_of(&["i32x4 1 2 3 4"]), Ok((want, 1)));
        assert_eq!(v128_of(&["  i32x4  1 2 3 4 "]), Ok((want, 1)));
        assert_eq!(v128_of(&["i32x4", "1", "2", "3", "4", "5"]), Ok((want, 5)));
        assert_eq!(parse("i32x4 1 2 3 4", ValType::V128), Ok(Val::V128(want)));
        // Lane 0 is the low byte; negative, hex and unsigned lanes.
        let bytes: Vec<String> = (0..16).map(|i| format!("{}", i as i8 - 8)).collect();
        let one = format!("i8x16 {}", bytes.join(" "));
        let x = v128_of(&[one.as_str()]).unwrap().0;
        assert_eq!(
            x.to_le_bytes(),
            std::array::from_fn(|i| (i as i8 - 8) as u8)
        );
        assert_eq!(
            v128_of(&["i16x8", "-1", "0xffff", "0", "1", "2", "3", "4", "0x8000"]).map(|r| r.0),
            Ok(0x8000_0004_0003_0002_0001_0000_ffff_ffffu128)
        );
        assert_eq!(
            v128_of(&["i64x2 -1 0x1"]).map(|r| r.0),
            Ok(1u128 << 64 | u64::MAX as u128)
        );
        // Float lanes take every scalar float form.
        let x = v128_of(&["f32x4 nan -0 inf 0x1p-149"]).unwrap().0;
        assert_eq!(x, 0x0000_0001_7f80_0000_8000_0000_7fc0_0000u128, "{x:#x}");
        let x = v128_of(&["f64x2", "-nan:0x1", "1.5"]).unwrap().0;
        assert_eq!(x as u64, 0xfff0_0000_0000_0001);
        assert_eq!((x >> 64) as u64, 1.5f64.to_bits());
    }

    #[test]
    fn bad_v128_arguments_are_errors() {
        let err = |args: &[&str]| v128_of(args).unwrap_err();
        assert!(err(&["1"]).contains("is not a valid v128: expected a shape (i8x16"));
        assert!(err(&[]).contains("is not a valid v128"));
        assert!(err(&["i32x5 1 2 3 4 5"]).contains("not a valid v128"));
        assert_eq!(
            err(&["i32x4 1 2 3"]),
            "`i32x4 1 2 3`: i32x4 takes 4 lanes, 3 given"
        );
        assert_eq!(
            err(&["i32x4 1 2 3 4 5"]),
            "`i32x4 1 2 3 4 5`: i32x4 takes 4 lanes, 5 given"
        );
        assert_eq!(err(&["i64x2", "1"]), "i64x2 takes 2 lanes, 1 given");
        assert_eq!(
            err(&["i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 256"]),
            "lane 15 of i8x16: `256` is not a valid i8"
        );
        assert_eq!(
            err(&["i16x8", "0", "-32769", "0", "0", "0", "0", "0", "0"]),
            "lane 1 of i16x8: `-32769` is not a valid i16"
        );
        assert_eq!(
            err(&["i32x4 1 2 x 4"]),
            "lane 2 of i32x4: `x` is not a valid i32"
        );
        assert_eq!(
            err(&["f32x4 1 2 3 1.5.5"]),
            "lane 3 of f32x4: `1.5.5` is not a valid f32"
        );
        assert!(err(&["i32x4 1.5 2 3 4"]).contains("not a valid i32"));
    }

    #[test]
    fn formatting() {
        assert_eq!(format(&Val::I32(-1)), "-1");
        assert_eq!(format(&Val::F64(1.5f64.to_bits())), "1.5");
        assert_eq!(format(&Val::F64(f64::NAN.to_bits())), "nan");
        assert_eq!(format(&Val::F32(0xff80_0001)), "nan:0x1");
        assert_eq!(format(&Val::F64((-f64::NAN).to_bits())), "nan");
        assert_eq!(format(&Val::F32(f32::NEG_INFINITY.to_bits())), "-inf");
        assert_eq!(format(&Val::F64((-0.0f64).to_bits())), "-0");
        assert_eq!(format(&Val::ExternRef(Some(7))), "ref.extern 7");
        assert_eq!(format(&Val::F64(1)), "5e-324");
        assert_eq!(format(&Val::F64(1e300f64.to_bits())), "1e300");
        assert_eq!(format(&Val::F32(f32::MAX.to_bits())), "3.4028235e38");
        assert_eq!(
            format(&Val::F64(1e20f64.to_bits())),
            "100000000000000000000"
        );
        assert_eq!(format(&Val::F64(1.5e-6f64.to_bits())), "0.0000015");
        assert_eq!(format(&Val::F64((-2.5e-7f64).to_bits())), "-2.5e-7");
        assert_eq!(format(&Val::FuncRef(None)), "null");
        assert_eq!(
            format(&Val::V128(0x0000_0004_0000_0003_0000_0002_ffff_ffff)),
            "i32x4 0xffffffff 0x00000002 0x00000003 0x00000004"
        );
        for s in ["nan", "nan:0x1234", "inf", "-0", "2.5"] {
            assert_eq!(format(&parse(s, ValType::F32).unwrap()), s);
        }
    }
}
