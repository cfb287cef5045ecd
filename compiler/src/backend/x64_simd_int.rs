//! Vector ops on x86_64 with SSE4.1: the integer-lane ops not in x64_simd.rs, shuffles and lane memory ops (see `x64_simd.rs` for how
//! vectors are held).

use super::FnGen;
use zwasm_abi::ir::{Instr, Op};

/// Whether this file compiles vector op `op`.
pub(super) fn covers(op: Op) -> bool {
    let _ = op;
    false
}

impl FnGen<'_> {
    /// Emits vector instruction `pc`, one `covers` accepts; returns the
    /// next pc to emit.
    pub(super) fn simd_int(&mut self, pc: usize, i: &Instr) -> usize {
        unreachable!("{} is not covered here (pc {pc})", i.op.name())
    }
}
