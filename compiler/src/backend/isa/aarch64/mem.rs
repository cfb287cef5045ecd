//! Loads and stores on a 32-bit memory 0 under guard pages: the address is
//! memory 0's base (`x27`) plus the index zero-extended from 32 bits plus
//! the offset, and the reservation's guard pages catch any index and offset
//! below 2^32 each, so no bounds check is emitted.

use super::{Cond, FnGen, L, X16, X17, X9};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use zwasm_abi::ir::{Instr, Op};
use zwasm_abi::native::{libcall, vmctx};
use zwasm_abi::TrapCode;

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

/// An access's address.
#[derive(Clone, Copy)]
pub(super) enum Addr {
    /// `x<base>` plus `w<index>` zero-extended.
    Ext(u8, u8),
    /// `x<base>` plus `x<reg>`.
    Reg(u8, u8),
    /// `x<base>` plus an offset, a multiple of the access size.
    Off(u8, u32),
}

/// The load and store instructions, by register and extension.
#[derive(Clone, Copy)]
pub(super) enum Insn {
    LdrB,
    LdrH,
    LdrQ,
    StrQ,
    Ldrb,
    LdrsbW,
    LdrsbX,
    Ldrh,
    LdrshW,
    LdrshX,
    LdrW,
    Ldrsw,
    LdrX,
    LdrS,
    LdrD,
    Strb,
    Strh,
    StrW,
    StrX,
    StrS,
    StrD,
}

impl FnGen<'_> {
    /// `memory.fill` and `memory.copy` within memory 0: the bounds checked
    /// here, then the C library's `memset` or `memmove` (which handles
    /// overlap). Runs after the barrier has stored every caller-saved
    /// register's live value, so those registers are free.
    pub(super) fn bulk_memory(&mut self, i: &Instr) {
        let oob = self.trap_code(TrapCode::MemoryOutOfBounds);
        // Destination, source or fill byte, length: into scratch registers
        // first, as the operands may live in the argument registers.
        let d = self.gpr(i.a, X9);
        asm!(self.asm; mov w9, W(d));
        let s = self.gpr(i.b, X16);
        asm!(self.asm; mov w16, W(s));
        let n = self.gpr(i.c, X17);
        asm!(self.asm
            ; mov w17, W(n)
            ; ldr x3, [x28, #vmctx::MEM0_LEN as u32]
            ; add x4, x9, x17
            ; cmp x4, x3
        );
        self.b_cond(Cond::Hi, oob);
        let call = if i.op == Op::MemoryCopy {
            asm!(self.asm
                ; add x4, x16, x17
                ; cmp x4, x3
            );
            self.b_cond(Cond::Hi, oob);
            asm!(self.asm; add x1, x27, x16);
            libcall::MEMMOVE
        } else {
            asm!(self.asm; mov w1, w16);
            libcall::MEMSET
        };
        let entry = vmctx::LIBCALLS as u32 + 8 * call as u32;
        asm!(self.asm
            ; add x0, x27, x9
            ; mov x2, x17
            ; ldr x16, [x28, #entry]
            ; blr x16
        );
    }

    /// Emits load or store `pc`.
    pub(super) fn memory(&mut self, pc: usize, i: &Instr) {
        let (size, insn, rt) = if let Some((size, ext)) = load(i.op) {
            let (insn, rt) = match (size, ext) {
                (4, Ext::Float) => (Insn::LdrS, self.fdst(i.a)),
                (_, Ext::Float) => (Insn::LdrD, self.fdst(i.a)),
                (1, Ext::Zero) => (Insn::Ldrb, self.dst(i.a)),
                (1, Ext::Sign32) => (Insn::LdrsbW, self.dst(i.a)),
                (1, _) => (Insn::LdrsbX, self.dst(i.a)),
                (2, Ext::Zero) => (Insn::Ldrh, self.dst(i.a)),
                (2, Ext::Sign32) => (Insn::LdrshW, self.dst(i.a)),
                (2, _) => (Insn::LdrshX, self.dst(i.a)),
                (4, Ext::Sign64) => (Insn::Ldrsw, self.dst(i.a)),
                (4, _) => (Insn::LdrW, self.dst(i.a)),
                _ => (Insn::LdrX, self.dst(i.a)),
            };
            (size, insn, rt)
        } else {
            let size = store(i.op).expect("a store");
            // The address first: a 64-bit memory's bounds check may take x17.
            let a = self.address(pc, i, size);
            let (insn, rt) = match (self.loc(i.c), size) {
                (L::V(v), 4) => (Insn::StrS, v),
                (L::V(v), 8) => (Insn::StrD, v),
                _ => {
                    let r = self.gpr(i.c, X17);
                    let insn = match size {
                        1 => Insn::Strb,
                        2 => Insn::Strh,
                        4 => Insn::StrW,
                        _ => Insn::StrX,
                    };
                    (insn, r)
                }
            };
            self.access(insn, rt, a);
            return;
        };
        let a = self.address(pc, i, size);
        self.access(insn, rt, a);
        match insn {
            Insn::LdrS | Insn::LdrD => self.set_fpr(i.a, rt),
            _ => self.set_gpr(i.a, rt),
        }
        if self.base == Some(i.b) && i.a == i.b {
            // The load replaced its own index.
            self.base = None;
        }
    }

    /// Emits one load or store of register `rt` at `a`.
    pub(super) fn access(&mut self, insn: Insn, rt: u8, a: Addr) {
        macro_rules! forms {
            ($($insn:ident => $mn:ident $r:ident),*) => {
                match (insn, a) {
                    $(
                        (Insn::$insn, Addr::Ext(b, x)) => asm!(self.asm; $mn $r(rt), [X(b), W(x), uxtw]),
                        (Insn::$insn, Addr::Reg(b, x)) => asm!(self.asm; $mn $r(rt), [X(b), X(x)]),
                        (Insn::$insn, Addr::Off(b, k)) => asm!(self.asm; $mn $r(rt), [X(b), #k]),
                    )*
                }
            };
        }
        forms!(
            Ldrb => ldrb W, LdrsbW => ldrsb W, LdrsbX => ldrsb X,
            Ldrh => ldrh W, LdrshW => ldrsh W, LdrshX => ldrsh X,
            LdrW => ldr W, Ldrsw => ldrsw X, LdrX => ldr X,
            LdrS => ldr S, LdrD => ldr D,
            LdrB => ldr B, LdrH => ldr H, LdrQ => ldr Q, StrQ => str Q,
            Strb => strb W, Strh => strh W, StrW => str W, StrX => str X,
            StrS => str S, StrD => str D
        );
    }

    /// The address of access `pc` of `size` bytes: memory 0's base, the
    /// 32-bit index zero-extended, the offset. A constant index (the `const`
    /// just before, which then emitted nothing) joins the offset. When the
    /// next instruction is an access through the same index, `x16` is set
    /// to base plus index once and both use offsets from it
    /// (`FnGen::base`), as a structure's fields are read.
    pub(super) fn address(&mut self, pc: usize, i: &Instr, size: u8) -> Addr {
        if self.m.memory64 {
            return self.checked_address(pc, i, size);
        }
        if self.alloc.const_address(pc) {
            self.base = None;
            let k = self.code[pc - 1].imm as u32 as u64 + i.imm;
            self.mov_imm(X16, k);
            // Below 2^33, within the reservation.
            return Addr::Reg(27, X16);
        }
        let fits = |k: u64| k.is_multiple_of(size as u64) && k / (size as u64) < 4096;
        if self.base != Some(i.b) {
            self.base = None;
            let next = self.code.get(pc + 1);
            let shared = next.is_some_and(|n| covers(n.op) && n.b == i.b)
                && self.labels[pc + 1].is_none()
                && !(load(i.op).is_some() && i.a == i.b)
                && !self.alloc.const_address(pc + 1);
            let index = self.gpr(i.b, X9);
            if !shared || !fits(i.imm) {
                if i.imm == 0 {
                    return Addr::Ext(27, index);
                }
                self.add_imm(X16, 27, i.imm);
                return Addr::Ext(X16, index);
            }
            asm!(self.asm; add x16, x27, W(index), uxtw);
            self.base = Some(i.b);
        }
        if fits(i.imm) {
            return Addr::Off(X16, i.imm as u32);
        }
        self.mov_imm(X9, i.imm);
        Addr::Reg(X16, X9)
    }

    /// The address of access `pc` of `size` bytes to a 64-bit memory, which
    /// has no guard pages: `index + offset + size <= length` is checked
    /// (with the length less `offset + size` in x16, so that only x16 and,
    /// for a large offset, x17 are taken before a store loads its value),
    /// then the address is memory 0's base plus the index plus the offset.
    fn checked_address(&mut self, pc: usize, i: &Instr, size: u8) -> Addr {
        self.base = None;
        let oob = self.trap_code(TrapCode::MemoryOutOfBounds);
        let index = if self.alloc.const_address(pc) {
            let k = self.code[pc - 1].imm;
            self.mov_imm(X9, k);
            X9
        } else {
            self.gpr(i.b, X9)
        };
        let Some(end) = i.imm.checked_add(size.into()) else {
            asm!(self.asm; b =>oob);
            return Addr::Reg(27, index);
        };
        asm!(self.asm; ldr x16, [x28, #vmctx::MEM0_LEN as u32]);
        if end < 4096 {
            asm!(self.asm; subs x16, x16, #end as u32);
        } else {
            self.mov_imm(X17, end);
            asm!(self.asm; subs x16, x16, x17);
        }
        self.b_cond(Cond::Lo, oob);
        asm!(self.asm; cmp X(index), x16);
        self.b_cond(Cond::Hi, oob);
        if i.imm == 0 {
            return Addr::Reg(27, index);
        }
        asm!(self.asm; add x16, x27, X(index));
        if i.imm.is_multiple_of(size.into()) && i.imm / u64::from(size) < 4096 {
            return Addr::Off(X16, i.imm as u32);
        }
        // The index is consumed: x9 is free (a store's value may be in x17).
        self.mov_imm(X9, i.imm);
        Addr::Reg(X16, X9)
    }
}
