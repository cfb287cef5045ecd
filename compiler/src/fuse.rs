//! Superinstructions for the interpreter: where an instruction `X` is
//! followed by a `Y` that reads `X`'s result as its `b` operand, and the op
//! table has a superinstruction for the pair (`Op::pair`), `X`'s opcode
//! becomes the superinstruction's. Its handler runs both and goes on after
//! `Y`, which stays in place as it was: a branch to `Y` runs `Y` alone, so
//! no branch target moves and no offset changes. The pairs are the most
//! frequent dependent pairs the interpreter ran over the corpus's programs
//! (docs/architecture.md).
//!
//! This runs on the IR the artifact keeps whole, after native code was
//! generated from it: the native backends never see a superinstruction.

use crate::fold::commutative;
use zwasm_abi::ir::{Fmt, Instr, Op};

/// The superinstruction for `x` followed by `y`, if there is one.
fn superinstruction(x: Op, y: Op) -> Option<Op> {
    /// Each superinstruction's pair, and where the ops that start one begin.
    static TABLE: std::sync::OnceLock<Vec<(Op, Op, Op)>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t: Vec<(Op, Op, Op)> = Op::ALL
            .iter()
            .filter_map(|&f| f.pair().map(|(x, y)| (x, y, f)))
            .collect();
        t.sort_unstable_by_key(|&(x, y, _)| (x as u16, y as u16));
        t
    });
    table
        .binary_search_by_key(&(x as u16, y as u16), |&(x, y, _)| (x as u16, y as u16))
        .ok()
        .map(|k| table[k].2)
}

/// Turns the pairs of one function's body into superinstructions.
pub(crate) fn fuse(code: &mut [Instr]) {
    let mut pc = 0;
    while pc + 1 < code.len() {
        let (x, y) = (code[pc], code[pc + 1]);
        let Some(f) = superinstruction(x.op, y.op) else {
            pc += 1;
            continue;
        };
        // `Y` must read `X`'s result as `b`; a commutative `Y` that reads it
        // as `c` only swaps its operands.
        if y.b != x.a {
            if !(commutative(y.op) && y.op.fmt() == Fmt::Binary && y.c == x.a) {
                pc += 1;
                continue;
            }
            code[pc + 1].b = y.c;
            code[pc + 1].c = y.b;
        }
        code[pc].op = f;
        // `Y` stays `Y`: it does not start another pair.
        pc += 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ins(op: Op, a: u16, b: u16, c: u16, imm: u64) -> Instr {
        Instr::new(op, a, b, c, imm)
    }

    #[test]
    fn fuses_dependent_pairs_only() {
        let mut code = vec![
            // s3 = s1 + s2; s4 = [s3]: fused.
            ins(Op::I32Add, 3, 1, 2, 0),
            ins(Op::I32Load, 4, 3, 0, 8),
            // s5 = s1 + s2; s6 = [s1]: the load does not read s5.
            ins(Op::I32Add, 5, 1, 2, 0),
            ins(Op::I32Load, 6, 1, 0, 0),
            // s7 = s1 rotl 3; s8 = s2 + s7: swapped to s8 = s7 + s2, fused.
            ins(Op::I32RotlImm, 7, 1, 0, 3),
            ins(Op::I32Add, 8, 2, 7, 0),
            // s9 = s1 & 1; br_if_eqz s9: fused, and the branch is not a start.
            ins(Op::I32AndImm, 9, 1, 0, 1),
            ins(Op::BrIfEqz, 0, 9, 0, 0),
            ins(Op::Return, 0, 0, 0, 0),
        ];
        fuse(&mut code);
        let ops: Vec<Op> = code.iter().map(|i| i.op).collect();
        assert_eq!(
            ops,
            [
                Op::I32AddThenI32Load,
                Op::I32Load,
                Op::I32Add,
                Op::I32Load,
                Op::I32RotlImmThenI32Add,
                Op::I32Add,
                Op::I32AndImmThenBrIfEqz,
                Op::BrIfEqz,
                Op::Return,
            ]
        );
        assert_eq!((code[5].b, code[5].c), (7, 2));
    }

    #[test]
    fn every_superinstruction_is_found() {
        for &f in Op::ALL {
            if let Some((x, y)) = f.pair() {
                assert_eq!(superinstruction(x, y), Some(f), "{}", f.name());
                assert_eq!(f.fmt(), x.fmt(), "{} has its first op's fields", f.name());
            }
        }
    }
}
