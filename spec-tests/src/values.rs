//! Values between the script and the engine: invoke arguments as `Val`s,
//! expected results (NaN patterns, null and non-null references, `either`)
//! matched against what a call returned, and trap messages matched the way
//! wasmtime's wast runner does (a substring, with a few known rewordings).

use crate::report::Verdict;
use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
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
        WastArgCore::V128(_) => return Err(Verdict::skip("simd")),
        WastArgCore::RefNull(ty) => null_of(Some(ty))?,
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(*n)),
        WastArgCore::RefHost(_) => return Err(Verdict::skip("gc")),
    })
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
        WastRetCore::F32(p) => match (v, p) {
            (Val::F32(bits), NanPattern::CanonicalNan) => bits & 0x7fff_ffff == 0x7fc0_0000,
            (Val::F32(bits), NanPattern::ArithmeticNan) => bits & 0x7fc0_0000 == 0x7fc0_0000,
            (Val::F32(bits), NanPattern::Value(x)) => *bits == x.bits,
            _ => false,
        },
        WastRetCore::F64(p) => match (v, p) {
            (Val::F64(bits), NanPattern::CanonicalNan) => {
                bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000
            }
            (Val::F64(bits), NanPattern::ArithmeticNan) => {
                bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000
            }
            (Val::F64(bits), NanPattern::Value(x)) => *bits == x.bits,
            _ => false,
        },
        WastRetCore::V128(_) => return Err(Verdict::skip("simd")),
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
}
