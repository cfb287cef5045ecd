//! Constant folding of integer operators whose operands are both known at
//! compile time. Trapping operators fold only when they would not trap, so a
//! trap still happens at run time, where the spec puts it.

use zwasm_abi::ir::Op;
use zwasm_abi::num;

/// `op(a, b)` on slot values, or `None` when `op` is not foldable here.
pub(crate) fn binary(op: Op, a: u64, b: u64) -> Option<u64> {
    let (x, y) = (a as u32, b as u32);
    let (sx, sy) = (x as i32, y as i32);
    let w = |v: u32| Some(v as u64);
    let bool = |v: bool| Some(v as u64);
    match op {
        Op::I32Add => w(x.wrapping_add(y)),
        Op::I32Sub => w(x.wrapping_sub(y)),
        Op::I32Mul => w(x.wrapping_mul(y)),
        Op::I32DivS => num::i32_div_s(sx, sy).ok().and_then(|v| w(v as u32)),
        Op::I32DivU => num::i32_div_u(x, y).ok().and_then(w),
        Op::I32RemS => num::i32_rem_s(sx, sy).ok().and_then(|v| w(v as u32)),
        Op::I32RemU => num::i32_rem_u(x, y).ok().and_then(w),
        Op::I32And => w(x & y),
        Op::I32Or => w(x | y),
        Op::I32Xor => w(x ^ y),
        Op::I32Shl => w(x.wrapping_shl(y)),
        Op::I32ShrS => w(sx.wrapping_shr(y) as u32),
        Op::I32ShrU => w(x.wrapping_shr(y)),
        Op::I32Rotl => w(x.rotate_left(y % 32)),
        Op::I32Rotr => w(x.rotate_right(y % 32)),
        Op::I32Eq => bool(x == y),
        Op::I32Ne => bool(x != y),
        Op::I32LtS => bool(sx < sy),
        Op::I32LtU => bool(x < y),
        Op::I32GtS => bool(sx > sy),
        Op::I32GtU => bool(x > y),
        Op::I32LeS => bool(sx <= sy),
        Op::I32LeU => bool(x <= y),
        Op::I32GeS => bool(sx >= sy),
        Op::I32GeU => bool(x >= y),
        _ => binary64(op, a, b),
    }
}

fn binary64(op: Op, x: u64, y: u64) -> Option<u64> {
    let (sx, sy) = (x as i64, y as i64);
    let bool = |v: bool| Some(v as u64);
    match op {
        Op::I64Add => Some(x.wrapping_add(y)),
        Op::I64Sub => Some(x.wrapping_sub(y)),
        Op::I64Mul => Some(x.wrapping_mul(y)),
        Op::I64DivS => num::i64_div_s(sx, sy).ok().map(|v| v as u64),
        Op::I64DivU => num::i64_div_u(x, y).ok(),
        Op::I64RemS => num::i64_rem_s(sx, sy).ok().map(|v| v as u64),
        Op::I64RemU => num::i64_rem_u(x, y).ok(),
        Op::I64And => Some(x & y),
        Op::I64Or => Some(x | y),
        Op::I64Xor => Some(x ^ y),
        Op::I64Shl => Some(x.wrapping_shl(y as u32)),
        Op::I64ShrS => Some(sx.wrapping_shr(y as u32) as u64),
        Op::I64ShrU => Some(x.wrapping_shr(y as u32)),
        Op::I64Rotl => Some(x.rotate_left((y % 64) as u32)),
        Op::I64Rotr => Some(x.rotate_right((y % 64) as u32)),
        Op::I64Eq => bool(x == y),
        Op::I64Ne => bool(x != y),
        Op::I64LtS => bool(sx < sy),
        Op::I64LtU => bool(x < y),
        Op::I64GtS => bool(sx > sy),
        Op::I64GtU => bool(x > y),
        Op::I64LeS => bool(sx <= sy),
        Op::I64LeU => bool(x <= y),
        Op::I64GeS => bool(sx >= sy),
        Op::I64GeU => bool(x >= y),
        _ => None,
    }
}

/// Whether `op(a, b) == op(b, a)`, so a constant left operand can move right.
pub(crate) fn commutative(op: Op) -> bool {
    matches!(
        op,
        Op::I32Add
            | Op::I32Mul
            | Op::I32And
            | Op::I32Or
            | Op::I32Xor
            | Op::I32Eq
            | Op::I32Ne
            | Op::I64Add
            | Op::I64Mul
            | Op::I64And
            | Op::I64Or
            | Op::I64Xor
            | Op::I64Eq
            | Op::I64Ne
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_without_hiding_traps() {
        assert_eq!(binary(Op::I32Add, u32::MAX as u64, 1), Some(0));
        assert_eq!(binary(Op::I32DivS, 7, 0), None);
        assert_eq!(binary(Op::I64DivS, i64::MIN as u64, u64::MAX), None);
        assert_eq!(binary(Op::I32ShrS, 0x8000_0000, 33), Some(0xC000_0000));
        assert_eq!(binary(Op::I64LtS, u64::MAX, 0), Some(1));
        assert_eq!(binary(Op::F32Add, 1, 2), None);
    }
}
