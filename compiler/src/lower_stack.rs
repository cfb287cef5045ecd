//! The lowerer's operand stack: each position's operand and its slot
//! offset, since a v128 takes two slots and every other value one.

use super::Operand;

/// The operand stack, with the frame offset of every position: a v128
/// takes two slots, every other value one, so position `p` owns the slots
/// from `at[p]` (relative to the first temporary) to `at[p + 1]`.
#[derive(Default)]
pub(super) struct Stack {
    ops: Vec<Operand>,
    /// One more entry than `ops`: `at[len]` is the first free slot.
    at: Vec<u32>,
}

impl Stack {
    pub(super) fn clear(&mut self) {
        self.ops.clear();
        self.at.clear();
        self.at.push(0);
    }

    pub(super) fn len(&self) -> usize {
        self.ops.len()
    }

    /// The frame offset of position `pos` (at most `len`).
    pub(super) fn at(&self, pos: usize) -> u32 {
        self.at[pos]
    }

    /// How many slots the value at `pos` takes.
    pub(super) fn width(&self, pos: usize) -> u32 {
        self.at[pos + 1] - self.at[pos]
    }

    pub(super) fn push(&mut self, o: Operand, width: u32) {
        self.ops.push(o);
        let top = self.at[self.at.len() - 1];
        self.at.push(top + width);
    }

    pub(super) fn pop(&mut self) -> Option<(Operand, u32)> {
        let o = self.ops.pop()?;
        let top = self.at.pop().expect("one offset per operand");
        Some((o, top - self.at[self.at.len() - 1]))
    }

    pub(super) fn truncate(&mut self, len: usize) {
        self.ops.truncate(len);
        self.at.truncate(len + 1);
    }
}

impl std::ops::Index<usize> for Stack {
    type Output = Operand;
    fn index(&self, pos: usize) -> &Operand {
        &self.ops[pos]
    }
}

impl std::ops::IndexMut<usize> for Stack {
    fn index_mut(&mut self, pos: usize) -> &mut Operand {
        &mut self.ops[pos]
    }
}

/// The slots a value of type `t` takes.
pub(super) fn width_of(t: wasmparser::ValType) -> u32 {
    match t {
        wasmparser::ValType::V128 => 2,
        _ => 1,
    }
}
