//! Values between the script and the engine: invoke arguments as `Val`s,
//! expected results (NaN patterns, per lane for v128s too, null and
//! non-null references, `either`) matched against what a call returned, and
//! trap messages matched the way wasmtime's wast runner does (a substring,
//! with a few known rewordings).

use crate::report::Verdict;
use wast::core::{
    AbstractHeapType, HeapType, NanPattern, V128Const, V128Pattern, WastArgCore, WastRetCore,
};
use wast::token::{F32, F64};
use wast::{WastArg, WastRet};
use zwasm_loader::Val;

/// An invoke argument as a value.
pub(crate) fn arg(a: &WastArg<'_>) -> Result<Val, Verdict> {
    let WastArg::Core(a) = a else {
        return Err(Verdict::skip("component-model"));
    };
    Ok(match a {
        WastArgCore::I32(x) => Val::I32(*x),
        WastArgCore::I64(x) => Val::I64(*x),
        WastArgCore::F32(x) => Val::F32(x.bits),
        WastArgCore::F64(x) => Val::F64(x.bits),
        WastArgCore::V128(c) => Val::V128(v128_bits(c)),
        WastArgCore::RefNull(ty) => null_of(Some(ty))?,
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(*n)),
        WastArgCore::RefHost(_) => return Err(Verdict::skip("gc")),
    })
}

/// The bits of a `v128.const` of any shape: its little-endian bytes, so lane
/// 0 is in the low bits.
fn v128_bits(c: &V128Const) -> u128 {
    u128::from_le_bytes(c.to_le_bytes())
}

/// The null reference of a heap type zwasm knows (func or extern);
/// other heap types belong to GC or exceptions.
fn null_of(ty: Option<&HeapType<'_>>) -> Result<Val, Verdict> {
    use AbstractHeapType as A;
    match ty {
        Some(HeapType::Abstract {
            shared: false,
            ty: A::Func | A::NoFunc,
        })
        | None => Ok(Val::FuncRef(None)),
        Some(HeapType::Abstract {
            shared: false,
            ty: A::Extern | A::NoExtern,
        }) => Ok(Val::ExternRef(None)),
        Some(HeapType::Abstract {
            ty: A::Exn | A::NoExn,
            ..
        }) => Err(Verdict::skip("exceptions")),
        Some(_) => Err(Verdict::skip("gc")),
    }
}

/// Checks a call's results against the expected ones.
pub(crate) fn check_results(got: &[Val], expected: &[WastRet<'_>]) -> Result<(), Verdict> {
    let expected: Vec<&WastRetCore<'_>> = expected
        .iter()
        .map(|e| match e {
            WastRet::Core(c) => Ok(c),
            _ => Err(Verdict::skip("component-model")),
        })
        .collect::<Result<_, _>>()?;
    // Skips come first: a SIMD result is a skip even if the count differs.
    for e in &expected {
        matches(&Val::I32(0), e)?;
    }
    let mismatch = got.len() != expected.len()
        || got
            .iter()
            .zip(&expected)
            .any(|(v, e)| !matches(v, e).unwrap_or(false));
    if mismatch {
        let want: Vec<String> = expected.iter().map(|e| describe_ret(e)).collect();
        return Err(Verdict::fail(format!(
            "expected [{}], got [{}]",
            want.join(", "),
            describe_vals(got)
        )));
    }
    Ok(())
}

/// Whether `v` matches the pattern `e`; `Err` if the pattern needs a feature
/// zwasm lacks.
fn matches(v: &Val, e: &WastRetCore<'_>) -> Result<bool, Verdict> {
    Ok(match e {
        WastRetCore::I32(x) => *v == Val::I32(*x),
        WastRetCore::I64(x) => *v == Val::I64(*x),
        WastRetCore::F32(p) => matches!(v, Val::F32(bits) if f32_matches(*bits, p)),
        WastRetCore::F64(p) => matches!(v, Val::F64(bits) if f64_matches(*bits, p)),
        WastRetCore::V128(p) => matches!(v, Val::V128(x) if v128_matches(*x, p)),
        WastRetCore::RefNull(ty) => {
            let want = null_of(ty.as_ref())?;
            match (v, ty) {
                // `(ref.null)` with no type: any null.
                (Val::FuncRef(None) | Val::ExternRef(None), None) => true,
                _ => *v == want,
            }
        }
        WastRetCore::RefExtern(None) => matches!(v, Val::ExternRef(Some(_))),
        WastRetCore::RefExtern(Some(n)) => *v == Val::ExternRef(Some(*n)),
        // The handle of function `n` is not reachable through the embedding
        // API, so any non-null function reference is accepted (as wasmtime does).
        WastRetCore::RefFunc(_) => matches!(v, Val::FuncRef(Some(_))),
        WastRetCore::RefHost(_)
        | WastRetCore::RefAny
        | WastRetCore::RefEq
        | WastRetCore::RefArray
        | WastRetCore::RefStruct
        | WastRetCore::RefI31
        | WastRetCore::RefI31Shared => return Err(Verdict::skip("gc")),
        WastRetCore::Either(options) => {
            let mut any = false;
            for o in options {
                any |= matches(v, o)?;
            }
            any
        }
    })
}

/// Whether the bits of an f32 match a pattern: the canonical NaN (either
/// sign, payload exactly the quiet bit), any arithmetic NaN (quiet bit set),
/// or exactly the given bits (a NaN's payload and sign included).
fn f32_matches(bits: u32, p: &NanPattern<F32>) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(x) => bits == x.bits,
    }
}

/// [`f32_matches`] for an f64.
fn f64_matches(bits: u64, p: &NanPattern<F64>) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(x) => bits == x.bits,
    }
}

/// Lane `i` of `x` in a shape of `bits`-wide lanes, zero-extended.
fn lane(x: u128, bits: u32, i: usize) -> u64 {
    ((x >> (bits * i as u32)) & (u128::MAX >> (128 - bits))) as u64
}

/// Whether a v128 matches a pattern lane by lane: integer lanes exactly
/// (as bits: `-1` and `0xff` are the same i8 lane), float lanes as
/// [`f32_matches`] and [`f64_matches`] do, so each lane may be its own NaN
/// pattern.
fn v128_matches(x: u128, p: &V128Pattern) -> bool {
    fn ints<const N: usize>(x: u128, bits: u32, want: [u64; N]) -> bool {
        want.iter().enumerate().all(|(i, &w)| lane(x, bits, i) == w)
    }
    match p {
        V128Pattern::I8x16(l) => ints(x, 8, l.map(|v| v as u8 as u64)),
        V128Pattern::I16x8(l) => ints(x, 16, l.map(|v| v as u16 as u64)),
        V128Pattern::I32x4(l) => ints(x, 32, l.map(|v| v as u32 as u64)),
        V128Pattern::I64x2(l) => ints(x, 64, l.map(|v| v as u64)),
        V128Pattern::F32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| f32_matches(lane(x, 32, i) as u32, p)),
        V128Pattern::F64x2(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| f64_matches(lane(x, 64, i), p)),
    }
}

/// A v128 pattern as the script wrote it: its shape and lanes, floats with
/// their bits.
fn describe_v128(p: &V128Pattern) -> String {
    fn float<T>(p: &NanPattern<T>, show: impl Fn(&T) -> String) -> String {
        match p {
            NanPattern::CanonicalNan => "nan:canonical".into(),
            NanPattern::ArithmeticNan => "nan:arithmetic".into(),
            NanPattern::Value(x) => show(x),
        }
    }
    let (shape, lanes): (&str, Vec<String>) = match p {
        V128Pattern::I8x16(l) => ("i8x16", l.iter().map(|v| v.to_string()).collect()),
        V128Pattern::I16x8(l) => ("i16x8", l.iter().map(|v| v.to_string()).collect()),
        V128Pattern::I32x4(l) => ("i32x4", l.iter().map(|v| v.to_string()).collect()),
        V128Pattern::I64x2(l) => ("i64x2", l.iter().map(|v| v.to_string()).collect()),
        V128Pattern::F32x4(l) => {
            let show = |x: &F32| format!("{} ({:#010x})", f32::from_bits(x.bits), x.bits);
            ("f32x4", l.iter().map(|p| float(p, show)).collect())
        }
        V128Pattern::F64x2(l) => {
            let show = |x: &F64| format!("{} ({:#018x})", f64::from_bits(x.bits), x.bits);
            ("f64x2", l.iter().map(|p| float(p, show)).collect())
        }
    };
    format!("v128:{shape} {}", lanes.join(" "))
}

/// An expected result as the script wrote it, more or less.
fn describe_ret(e: &WastRetCore<'_>) -> String {
    let float = |nan: &str| format!("nan:{nan}");
    match e {
        WastRetCore::I32(x) => format!("i32:{x}"),
        WastRetCore::I64(x) => format!("i64:{x}"),
        WastRetCore::F32(NanPattern::CanonicalNan) | WastRetCore::F64(NanPattern::CanonicalNan) => {
            float("canonical")
        }
        WastRetCore::F32(NanPattern::ArithmeticNan)
        | WastRetCore::F64(NanPattern::ArithmeticNan) => float("arithmetic"),
        WastRetCore::F32(NanPattern::Value(x)) => describe_val(&Val::F32(x.bits)),
        WastRetCore::F64(NanPattern::Value(x)) => describe_val(&Val::F64(x.bits)),
        WastRetCore::V128(p) => describe_v128(p),
        WastRetCore::RefNull(_) => "ref.null".into(),
        WastRetCore::RefExtern(None) => "ref.extern".into(),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefFunc(_) => "ref.func".into(),
        WastRetCore::Either(options) => {
            let all: Vec<String> = options.iter().map(describe_ret).collect();
            format!("either({})", all.join(" | "))
        }
        other => format!("{other:?}"),
    }
}

/// A value with its type, floats with their bits (NaN payloads matter).
pub(crate) fn describe_val(v: &Val) -> String {
    match v {
        Val::I32(x) => format!("i32:{x}"),
        Val::I64(x) => format!("i64:{x}"),
        Val::F32(b) => format!("f32:{} ({b:#010x})", f32::from_bits(*b)),
        Val::F64(b) => format!("f64:{} ({b:#018x})", f64::from_bits(*b)),
        Val::V128(x) => format!("v128:{}", Val::V128(*x)),
        Val::FuncRef(None) => "ref.null func".into(),
        Val::FuncRef(Some(_)) => "ref.func".into(),
        Val::ExternRef(None) => "ref.null extern".into(),
        Val::ExternRef(Some(n)) => format!("ref.extern {n}"),
        Val::Ref(None) => "ref.null any".into(),
        Val::Ref(Some(_)) => "ref.struct".into(),
    }
}

/// Several values, comma-separated.
pub(crate) fn describe_vals(vals: &[Val]) -> String {
    vals.iter().map(describe_val).collect::<Vec<_>>().join(", ")
}

/// Whether a trap's text matches the message the script expects: the
/// expected text as a substring, or one of the spec's other wordings of the
/// same trap.
pub(crate) fn trap_matches(expected: &str, actual: &str) -> bool {
    actual.contains(expected)
        // Some tests name the element ("uninitialized element 2").
        || (expected.starts_with("uninitialized element") && actual.contains("uninitialized element"))
        // An index past the table's end: older spec wording.
        || (expected.starts_with("undefined element")
            && (actual.contains("out of bounds table access") || actual.contains("undefined element")))
        // `call_ref` of null, and GC's "null $kind reference".
        || (expected.contains("null function")
            && (actual.contains("uninitialized element") || actual.contains("null reference")))
        || (expected.contains("null") && expected.contains("reference") && actual.contains("null reference"))
}

#[cfg(test)]
#[allow(
    unused_imports,
    dead_code,
    reason = "the `spec` target has cfg(test) but no test harness"
)]
mod tests {
    use super::*;

    #[test]
    fn trap_wordings() {
        assert!(trap_matches(
            "integer divide by zero",
            "integer divide by zero"
        ));
        assert!(trap_matches(
            "undefined element",
            "out of bounds table access"
        ));
        assert!(trap_matches(
            "uninitialized element 2",
            "uninitialized element"
        ));
        assert!(!trap_matches("integer divide by zero", "unreachable"));
    }

    #[test]
    fn nan_patterns() {
        let canon = WastRetCore::F32(NanPattern::CanonicalNan);
        let arith = WastRetCore::F32(NanPattern::ArithmeticNan);
        assert!(matches(&Val::F32(0x7fc0_0000), &canon).unwrap());
        assert!(matches(&Val::F32(0xffc0_0000), &canon).unwrap());
        assert!(!matches(&Val::F32(0x7fc0_0001), &canon).unwrap());
        assert!(matches(&Val::F32(0x7fc0_0001), &arith).unwrap());
        assert!(!matches(&Val::F32(0x7f80_0001), &arith).unwrap());
        let canon64 = WastRetCore::F64(NanPattern::CanonicalNan);
        assert!(matches(&Val::F64(0xfff8_0000_0000_0000), &canon64).unwrap());
        assert!(!matches(&Val::F32(0x7fc0_0000), &canon64).unwrap());
    }

    /// Parses script text (without the parentheses) as `T`. The buffer is
    /// leaked: the parsed value borrows it, and a test is short.
    fn parse<T: wast::parser::Parse<'static>>(text: &str) -> T {
        let buf = Box::leak(Box::new(
            wast::parser::ParseBuffer::new(Box::leak(text.to_string().into_boxed_str())).unwrap(),
        ));
        wast::parser::parse::<T>(buf).unwrap()
    }

    fn arg_of(text: &str) -> Val {
        arg(&WastArg::Core(parse::<WastArgCore<'static>>(text))).unwrap()
    }

    /// Whether `x` matches the result pattern `text`.
    fn v128_is(x: u128, text: &str) -> bool {
        matches(&Val::V128(x), &parse::<WastRetCore<'static>>(text)).unwrap()
    }

    /// A v128 from its i32 lanes, lane 0 first.
    fn i32x4(lanes: [u32; 4]) -> u128 {
        lanes
            .iter()
            .enumerate()
            .fold(0, |acc, (i, &l)| acc | (l as u128) << (32 * i))
    }

    #[test]
    fn v128_arguments_of_every_shape() {
        let one_to_four = Val::V128(i32x4([1, 2, 3, 4]));
        assert_eq!(arg_of("v128.const i32x4 1 2 3 4"), one_to_four);
        assert_eq!(
            arg_of("v128.const i64x2 0x0000000200000001 0x0000000400000003"),
            one_to_four
        );
        assert_eq!(arg_of("v128.const i16x8 1 0 2 0 3 0 4 0"), one_to_four);
        assert_eq!(
            arg_of("v128.const i8x16 1 0 0 0 2 0 0 0 3 0 0 0 4 0 0 0"),
            one_to_four
        );
        // Negative lanes are their two's complement bits, lane by lane.
        assert_eq!(
            arg_of("v128.const i8x16 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 -128"),
            Val::V128(0x80 << 120 | 0xff)
        );
        assert_eq!(
            arg_of("v128.const i16x8 -1 -2 0 0 0 0 0 0x8000"),
            Val::V128(0x8000 << 112 | 0xfffe_ffff)
        );
        assert_eq!(
            arg_of("v128.const i64x2 -1 1"),
            Val::V128(1 << 64 | u64::MAX as u128)
        );
        // Float lanes keep their bits: -0, NaN payloads and signs.
        assert_eq!(
            arg_of("v128.const f32x4 -0 nan:0x1 -nan 1.5"),
            Val::V128(i32x4([0x8000_0000, 0x7f80_0001, 0xffc0_0000, 0x3fc0_0000]))
        );
        assert_eq!(
            arg_of("v128.const f64x2 -0x1p-1074 inf"),
            Val::V128((0x7ff0_0000_0000_0000u128) << 64 | 0x8000_0000_0000_0001)
        );
    }

    #[test]
    fn v128_results_match_lane_by_lane() {
        let x = i32x4([1, 2, 3, 4]);
        assert!(v128_is(x, "v128.const i32x4 1 2 3 4"));
        assert!(v128_is(
            x,
            "v128.const i64x2 0x0000000200000001 0x0000000400000003"
        ));
        // Lane order matters; so does every lane.
        assert!(!v128_is(x, "v128.const i32x4 4 3 2 1"));
        assert!(!v128_is(x, "v128.const i32x4 1 2 3 5"));
        assert!(!v128_is(x | 1 << 127, "v128.const i32x4 1 2 3 4"));
        // An integer lane is bits: -1 and 255 are the same i8.
        assert!(v128_is(
            0xff,
            "v128.const i8x16 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"
        ));
        assert!(v128_is(
            0xff,
            "v128.const i8x16 255 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"
        ));
        assert!(!v128_is(
            0xffff,
            "v128.const i8x16 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"
        ));
        assert!(v128_is(0xffff << 112, "v128.const i16x8 0 0 0 0 0 0 0 -1"));
        // A v128 pattern never matches another type, nor a scalar pattern a v128.
        let p = parse::<WastRetCore<'static>>("v128.const i32x4 0 0 0 0");
        assert!(!matches(&Val::I64(0), &p).unwrap());
        let p = parse::<WastRetCore<'static>>("i64.const 0");
        assert!(!matches(&Val::V128(0), &p).unwrap());
    }

    #[test]
    fn float_lanes_take_their_own_nan_patterns() {
        let p = "v128.const f32x4 nan:canonical nan:arithmetic -0 1";
        let lanes = |l0, l1, l2, l3| i32x4([l0, l1, l2, l3]);
        assert!(v128_is(
            lanes(0x7fc0_0000, 0x7fc0_0000, 0x8000_0000, 0x3f80_0000),
            p
        ));
        // Either sign of NaN; any payload with the quiet bit where arithmetic.
        assert!(v128_is(
            lanes(0xffc0_0000, 0xffc0_0001, 0x8000_0000, 0x3f80_0000),
            p
        ));
        assert!(v128_is(
            lanes(0x7fc0_0000, 0x7fff_ffff, 0x8000_0000, 0x3f80_0000),
            p
        ));
        // A canonical lane refuses other payloads; an arithmetic lane refuses
        // a signalling NaN and a number.
        assert!(!v128_is(
            lanes(0x7fc0_0001, 0x7fc0_0000, 0x8000_0000, 0x3f80_0000),
            p
        ));
        assert!(!v128_is(
            lanes(0x7fc0_0000, 0x7f80_0001, 0x8000_0000, 0x3f80_0000),
            p
        ));
        assert!(!v128_is(
            lanes(0x7fc0_0000, 0x3f80_0000, 0x8000_0000, 0x3f80_0000),
            p
        ));
        // Exact lanes are exact: +0 is not -0, and a NaN value is its bits.
        assert!(!v128_is(lanes(0x7fc0_0000, 0x7fc0_0000, 0, 0x3f80_0000), p));
        assert!(!v128_is(
            lanes(0x7fc0_0000, 0x7fc0_0000, 0x8000_0000, 0x3f80_0001),
            p
        ));
        assert!(v128_is(0x7f80_0001, "v128.const f32x4 nan:0x1 0 0 0"));
        assert!(!v128_is(0x7fc0_0000, "v128.const f32x4 nan:0x1 0 0 0"));
        // The NaN patterns apply to their own lanes only.
        assert!(!v128_is(
            lanes(0x3f80_0000, 0x7fc0_0000, 0x7fc0_0000, 0x3f80_0000),
            p
        ));

        let p = "v128.const f64x2 nan:arithmetic nan:canonical";
        let canon = 0x7ff8_0000_0000_0000u128;
        assert!(v128_is(canon << 64 | 0x7ff8_0000_0000_0001, p));
        assert!(v128_is((canon | 1 << 63) << 64 | 0xfff8_0000_0000_0000, p));
        assert!(!v128_is((canon | 1) << 64 | canon, p));
        assert!(!v128_is(canon << 64 | 0x7ff0_0000_0000_0001, p));
        // A lane of f32 NaN bits is not an f64 NaN.
        assert!(!v128_is(canon << 64 | 0x7fc0_0000, p));
    }

    #[test]
    fn either_takes_a_whole_option() {
        let p = "either (v128.const i32x4 1 2 3 4) (v128.const f32x4 nan:canonical 0 0 0)";
        assert!(v128_is(i32x4([1, 2, 3, 4]), p));
        assert!(v128_is(i32x4([0xffc0_0000, 0, 0, 0]), p));
        // Lanes from both options together match neither.
        assert!(!v128_is(i32x4([0x7fc0_0000, 2, 3, 4]), p));
        let mut got = vec![Val::V128(i32x4([1, 2, 3, 4]))];
        let want = [WastRet::Core(parse::<WastRetCore<'static>>(p))];
        assert!(check_results(&got, &want).is_ok());
        got[0] = Val::V128(0);
        let Err(Verdict::Fail(m)) = check_results(&got, &want) else {
            panic!("a mismatch must fail");
        };
        assert_eq!(
            m,
            "expected [either(v128:i32x4 1 2 3 4 | v128:f32x4 nan:canonical 0 (0x00000000) \
             0 (0x00000000) 0 (0x00000000))], got [v128:i32x4 0x00000000 0x00000000 0x00000000 \
             0x00000000]"
        );
    }
}
