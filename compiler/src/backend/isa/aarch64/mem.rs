//! Loads and stores on a 32-bit memory 0 under guard pages: the address is
//! memory 0's base (`x27`) plus the index zero-extended from 32 bits plus
//! the offset, and the reservation's guard pages catch any index and offset
//! below 2^32 each, so no bounds check is emitted.

use super::{FnGen, L, X10, X16, X9};
use dynasmrt::{dynasm, DynasmApi};
use zwasm_abi::ir::{Instr, Op};

/// Whether this module compiles `op`.
pub(super) fn covers(op: Op) -> bool {
    load(op).is_some() || store(op).is_some()
}

/// The size and extension of a load.
fn load(op: Op) -> Option<(u8, Ext)> {
    use Op::*;
    Some(match op {
        I32Load | I64Load32U => (4, Ext::Zero),
        F32Load => (4, Ext::Float),
        I64Load => (8, Ext::Zero),
        F64Load => (8, Ext::Float),
        I32Load8S => (1, Ext::Sign32),
        I32Load8U | I64Load8U => (1, Ext::Zero),
        I32Load16S => (2, Ext::Sign32),
        I32Load16U | I64Load16U => (2, Ext::Zero),
        I64Load8S => (1, Ext::Sign64),
        I64Load16S => (2, Ext::Sign64),
        I64Load32S => (4, Ext::Sign64),
        _ => return None,
    })
}

/// How a load fills its register.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ext {
    Zero,
    /// Sign-extended to 32 bits, the upper half clear (an i32).
    Sign32,
    Sign64,
    /// A float, into a vector register when the slot has one.
    Float,
}

/// The size of a store.
fn store(op: Op) -> Option<u8> {
    use Op::*;
    Some(match op {
        I32Store | F32Store | I64Store32 => 4,
        I64Store | F64Store => 8,
        I32Store8 | I64Store8 => 1,
        I32Store16 | I64Store16 => 2,
        _ => return None,
    })
}

/// An access's address: `x<base>` plus `w<index>` zero-extended.
struct Addr {
    base: u8,
    index: u8,
}

impl FnGen<'_> {
    /// Emits load or store `pc`.
    pub(super) fn memory(&mut self, pc: usize, i: &Instr) {
        let a = self.address(pc, i);
        if let Some((size, ext)) = load(i.op) {
            if ext == Ext::Float {
                let v = self.fdst(i.a);
                if size == 4 {
                    asm!(self.asm; ldr S(v), [X(a.base), W(a.index), uxtw]);
                } else {
                    asm!(self.asm; ldr D(v), [X(a.base), W(a.index), uxtw]);
                }
                self.set_fpr(i.a, v);
                return;
            }
            let d = self.dst(i.a);
            let (b, x) = (a.base, a.index);
            match (size, ext) {
                (1, Ext::Zero) => asm!(self.asm; ldrb W(d), [X(b), W(x), uxtw]),
                (1, Ext::Sign32) => asm!(self.asm; ldrsb W(d), [X(b), W(x), uxtw]),
                (1, _) => asm!(self.asm; ldrsb X(d), [X(b), W(x), uxtw]),
                (2, Ext::Zero) => asm!(self.asm; ldrh W(d), [X(b), W(x), uxtw]),
                (2, Ext::Sign32) => asm!(self.asm; ldrsh W(d), [X(b), W(x), uxtw]),
                (2, _) => asm!(self.asm; ldrsh X(d), [X(b), W(x), uxtw]),
                (4, Ext::Sign64) => asm!(self.asm; ldrsw X(d), [X(b), W(x), uxtw]),
                (4, _) => asm!(self.asm; ldr W(d), [X(b), W(x), uxtw]),
                _ => asm!(self.asm; ldr X(d), [X(b), W(x), uxtw]),
            }
            self.set_gpr(i.a, d);
            return;
        }
        let size = store(i.op).expect("a store");
        let (b, x) = (a.base, a.index);
        if let (L::V(v), 4 | 8) = (self.loc(i.c), size) {
            if size == 4 {
                asm!(self.asm; str S(v), [X(b), W(x), uxtw]);
            } else {
                asm!(self.asm; str D(v), [X(b), W(x), uxtw]);
            }
            return;
        }
        let r = self.gpr(i.c, X10);
        match size {
            1 => asm!(self.asm; strb W(r), [X(b), W(x), uxtw]),
            2 => asm!(self.asm; strh W(r), [X(b), W(x), uxtw]),
            4 => asm!(self.asm; str W(r), [X(b), W(x), uxtw]),
            _ => asm!(self.asm; str X(r), [X(b), W(x), uxtw]),
        }
    }

    /// The address of access `pc`: memory 0's base plus the offset (in
    /// `x16` when there is one) with the 32-bit index. A constant index (the
    /// `const` just before, which then emitted nothing) joins the offset.
    fn address(&mut self, pc: usize, i: &Instr) -> Addr {
        if self.alloc.const_address(pc) {
            let k = self.code[pc - 1].imm as u32 as u64 + i.imm;
            self.mov_imm(X16, k);
            if k <= u32::MAX as u64 {
                return Addr {
                    base: 27,
                    index: X16,
                };
            }
            // Below 2^33, within the reservation: the whole address in
            // `x16`, and the zero register as the index.
            asm!(self.asm; add x16, x27, x16);
            return Addr {
                base: X16,
                index: 31,
            };
        }
        let index = self.gpr(i.b, X9);
        if i.imm == 0 {
            return Addr { base: 27, index };
        }
        self.add_imm(X16, 27, i.imm);
        Addr { base: X16, index }
    }
}
