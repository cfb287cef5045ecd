//! Wasm values as the embedding API sees them, and their slot form: one
//! 64-bit slot per value, two for a v128 (low half first), as in every frame,
//! call window, result area and global.

use crate::error::Trap;
use crate::store::Func;
use zwasm_abi::module::ValType;

/// A wasm value. Floats carry their bits, so NaN payloads survive a round trip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    /// A 128-bit vector. Lane 0 is in the least significant bits, whatever
    /// the lane shape (the byte order of wasm memory).
    V128(u128),
    FuncRef(Option<Func>),
    /// A host reference, identified by a number the host chose.
    ExternRef(Option<u32>),
    /// A GC reference (Wasm GC): an object of the store's heap, by index.
    Ref(Option<u32>),
}

impl Val {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
            Val::Ref(_) => ValType::Ref(zwasm_abi::module::RefType {
                nullable: true,
                heap: zwasm_abi::module::HeapType::Any,
            }),
        }
    }

    /// The zero value of a type (null for references).
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::FuncRef => Val::FuncRef(None),
            ValType::ExternRef => Val::ExternRef(None),
            ValType::Ref(_) => Val::Ref(None),
        }
    }

    /// The value's slots: `[low, high]` for a v128, `[raw, 0]` for any other
    /// value, of which only the first is stored. i32s are zero-extended,
    /// floats are their bits, references are index + 1 with 0 for null.
    #[inline]
    pub(crate) fn to_slots(self) -> [u64; 2] {
        match self {
            Val::V128(x) => [x as u64, (x >> 64) as u64],
            Val::I32(x) => [x as u32 as u64, 0],
            Val::I64(x) => [x as u64, 0],
            Val::F32(x) => [x as u64, 0],
            Val::F64(x) => [x, 0],
            Val::FuncRef(f) => [f.map_or(0, |f| f.0 as u64 + 1), 0],
            Val::ExternRef(e) | Val::Ref(e) => [e.map_or(0, |e| e as u64 + 1), 0],
        }
    }

    /// Reads the slots of a value of type `ty` back (the second slot only
    /// for a v128).
    #[inline]
    pub(crate) fn from_slots(slots: [u64; 2], ty: ValType) -> Val {
        let raw = slots[0];
        match ty {
            ValType::I32 => Val::I32(raw as u32 as i32),
            ValType::I64 => Val::I64(raw as i64),
            ValType::F32 => Val::F32(raw as u32),
            ValType::F64 => Val::F64(raw),
            ValType::V128 => Val::V128(raw as u128 | (slots[1] as u128) << 64),
            ValType::FuncRef => Val::FuncRef(raw.checked_sub(1).map(|i| Func(i as u32))),
            ValType::Ref(_) => Val::Ref(raw.checked_sub(1).map(|i| i as u32)),
            ValType::ExternRef => Val::ExternRef(raw.checked_sub(1).map(|i| i as u32)),
        }
    }

    /// The value as one 64-bit slot, for places that hold single-slot values
    /// only (table elements, WASI arguments); a v128 gives its low half.
    #[inline]
    pub(crate) fn to_raw(self) -> u64 {
        self.to_slots()[0]
    }

    /// Reads one slot back as a value of type `ty` (see [`Val::to_raw`]); a
    /// v128 gets a zero high half.
    #[cfg(test)]
    pub(crate) fn from_raw(raw: u64, ty: ValType) -> Val {
        Val::from_slots([raw, 0], ty)
    }

    /// Writes the value into `out` from its start; returns how many slots
    /// it took (`ty().slots()`), or `None` if `out` is too short.
    #[inline]
    pub(crate) fn write_slots(self, out: &mut [u64]) -> Option<usize> {
        let n = self.ty().slots() as usize;
        let out = out.get_mut(..n)?;
        out.copy_from_slice(&self.to_slots()[..n]);
        Some(n)
    }
}

/// Values as the consecutive slots of an argument or result window, each
/// taking its type's slots (a v128 two).
pub(crate) fn vals_to_slots(vals: &[Val]) -> Vec<u64> {
    let n = vals.iter().map(|v| v.ty().slots() as usize).sum();
    let mut out = vec![0; n];
    write_vals(vals, &mut out);
    out
}

/// Writes `vals` to consecutive slots of `out`; returns the slots written.
/// Values that do not fit are left out.
pub(crate) fn write_vals(vals: &[Val], out: &mut [u64]) -> usize {
    let mut at = 0;
    for v in vals {
        match out.get_mut(at..).and_then(|rest| v.write_slots(rest)) {
            Some(n) => at += n,
            None => break,
        }
    }
    at
}

/// Reads values of types `tys` from consecutive slots into `out` (one per
/// type, as far as both go). Slots missing at the end read as zero, so a
/// short window never panics.
pub(crate) fn read_vals(slots: &[u64], tys: &[ValType], out: &mut [Val]) {
    let mut at = 0;
    for (v, &ty) in out.iter_mut().zip(tys) {
        let n = ty.slots() as usize;
        let mut pair = [0u64; 2];
        for (k, p) in pair.iter_mut().enumerate().take(n) {
            *p = slots.get(at + k).copied().unwrap_or(0);
        }
        *v = Val::from_slots(pair, ty);
        at += n;
    }
}

/// The values of types `tys` in consecutive slots (see [`read_vals`]).
pub(crate) fn vals_from_slots(slots: &[u64], tys: &[ValType]) -> Vec<Val> {
    let mut out = vec![Val::I32(0); tys.len()];
    read_vals(slots, tys, &mut out);
    out
}

/// Writes a host function's results to its result window, checking each
/// against its declared type (a host function can return anything).
pub(crate) fn write_results(
    results: &[Val],
    tys: &[ValType],
    slots: &mut [u64],
) -> Result<(), Trap> {
    let mut at = 0;
    for (v, &t) in results.iter().zip(tys) {
        if v.ty() != t {
            return Err(Trap::host(format!(
                "host function returned {} for a {t} result",
                v.ty()
            )));
        }
        let Some(n) = slots.get_mut(at..).and_then(|rest| v.write_slots(rest)) else {
            return Err(Trap::host(format!(
                "host function results need more than the {} slots of their window",
                slots.len()
            )));
        };
        at += n;
    }
    Ok(())
}

impl std::fmt::Display for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Val::I32(x) => write!(f, "{x}"),
            Val::I64(x) => write!(f, "{x}"),
            Val::F32(x) => write!(f, "{}", f32::from_bits(*x)),
            Val::F64(x) => write!(f, "{}", f64::from_bits(*x)),
            // The spec's text form, as four i32 lanes in hex, lane 0 first.
            Val::V128(x) => {
                f.write_str("i32x4")?;
                for lane in 0..4 {
                    write!(f, " {:#010x}", (*x >> (32 * lane)) as u32)?;
                }
                Ok(())
            }
            Val::FuncRef(None) | Val::ExternRef(None) | Val::Ref(None) => f.write_str("null"),
            Val::Ref(Some(r)) => write!(f, "ref:{r}"),
            Val::FuncRef(Some(func)) => write!(f, "funcref:{}", func.0),
            Val::ExternRef(Some(e)) => write!(f, "externref:{e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lanes 0..4 of i32x4, lane 0 in the low bits.
    fn i32x4(lanes: [u32; 4]) -> u128 {
        lanes
            .iter()
            .enumerate()
            .fold(0, |acc, (i, &l)| acc | (l as u128) << (32 * i))
    }

    #[test]
    fn a_v128_takes_two_slots_low_half_first() {
        let v = Val::V128(i32x4([1, 2, 3, 4]));
        assert_eq!(v.to_slots(), [0x0000_0002_0000_0001, 0x0000_0004_0000_0003]);
        let mut out = [9u64; 3];
        assert_eq!(v.write_slots(&mut out), Some(2));
        assert_eq!(out, [0x0000_0002_0000_0001, 0x0000_0004_0000_0003, 9]);
        assert_eq!(vals_from_slots(&out, &[ValType::V128]), [v]);
        assert_eq!(v.write_slots(&mut [0u64; 1]), None);
        // All ones, and a value whose halves differ only in their top bit.
        for x in [u128::MAX, 1 << 127 | 1 << 63, 0] {
            let v = Val::V128(x);
            assert_eq!(Val::from_slots(v.to_slots(), ValType::V128), v);
        }
    }

    #[test]
    fn scalars_take_one_slot() {
        let cases = [
            (Val::I32(-1), 0xffff_ffffu64),
            (Val::I64(-2), u64::MAX - 1),
            (Val::F32(0x7fc0_0001), 0x7fc0_0001),
            (Val::F64(0xfff8_0000_0000_0001), 0xfff8_0000_0000_0001),
            (Val::FuncRef(None), 0),
            (Val::FuncRef(Some(Func(4))), 5),
            (Val::ExternRef(Some(0)), 1),
            (Val::Ref(None), 0),
        ];
        for (v, raw) in cases {
            let mut out = [7u64; 2];
            assert_eq!(v.write_slots(&mut out), Some(1), "{v:?}");
            assert_eq!(out, [raw, 7], "{v:?}");
            assert_eq!(vals_from_slots(&out, &[v.ty()]), [v], "{v:?}");
            assert_eq!(v.to_raw(), raw);
            assert_eq!(Val::from_raw(raw, v.ty()), v);
        }
    }

    #[test]
    fn windows_place_values_at_prefix_sums_of_their_slots() {
        let vals = [
            Val::I32(7),
            Val::V128(i32x4([0xa, 0xb, 0xc, 0xd])),
            Val::F64(1.5f64.to_bits()),
            Val::V128(u128::MAX),
        ];
        let slots = vals_to_slots(&vals);
        assert_eq!(
            slots,
            [
                7,
                0x0000_000b_0000_000a,
                0x0000_000d_0000_000c,
                1.5f64.to_bits(),
                u64::MAX,
                u64::MAX
            ]
        );
        let tys: Vec<ValType> = vals.iter().map(Val::ty).collect();
        assert_eq!(vals_from_slots(&slots, &tys), vals);
        // A short window reads zeros rather than panicking.
        assert_eq!(
            vals_from_slots(&slots[..2], &tys[..2]),
            [Val::I32(7), Val::V128(0x0000_000b_0000_000a)]
        );
        let mut short = [0u64; 2];
        assert_eq!(write_vals(&vals, &mut short), 1);
    }

    #[test]
    fn host_results_are_checked_and_placed() {
        let tys = [ValType::V128, ValType::I32];
        let mut slots = [0u64; 3];
        write_results(&[Val::V128(u128::MAX), Val::I32(-1)], &tys, &mut slots).unwrap();
        assert_eq!(slots, [u64::MAX, u64::MAX, 0xffff_ffff]);
        let e = write_results(&[Val::I64(0), Val::I32(0)], &tys, &mut slots).unwrap_err();
        assert!(
            e.to_string().contains("returned i64 for a v128 result"),
            "{e}"
        );
        let e = write_results(&[Val::V128(0), Val::I32(0)], &tys, &mut slots[..2]).unwrap_err();
        assert!(e.to_string().contains("slots"), "{e}");
    }

    #[test]
    fn v128_defaults_to_zero_and_prints_as_i32x4() {
        assert_eq!(Val::default_for(ValType::V128), Val::V128(0));
        assert_eq!(Val::V128(0).ty(), ValType::V128);
        assert_eq!(
            Val::V128(i32x4([1, 2, 3, 4])).to_string(),
            "i32x4 0x00000001 0x00000002 0x00000003 0x00000004"
        );
        assert_eq!(
            Val::V128(i32x4([0xffff_ffff, 0, 0x8000_0000, 0x7f])).to_string(),
            "i32x4 0xffffffff 0x00000000 0x80000000 0x0000007f"
        );
    }
}
