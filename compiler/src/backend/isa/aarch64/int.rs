//! Integer arithmetic, compares and bit operations.

use super::{codegen, Cond, FnGen, X16, X17, X9};
use dynasmrt::aarch64::{encode_logical_immediate_32bit, encode_logical_immediate_64bit};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use zwasm_abi::ir::{Fmt, Instr, IntCmp, Op, Ty};
use zwasm_abi::TrapCode;

/// Whether this module compiles `op`.
pub(super) fn covers(op: Op) -> bool {
    use Op::*;
    op.int_cmp().is_some()
        || alu(op).is_some()
        || matches!(
            op,
            I32Eqz
                | I32Clz
                | I32Ctz
                | I32Popcnt
                | I32Extend8S
                | I32Extend16S
                | I64Eqz
                | I64Clz
                | I64Ctz
                | I64Popcnt
                | I64Extend8S
                | I64Extend16S
                | I64Extend32S
                | I32WrapI64
                | I64ExtendI32S
                | I64ExtendI32U
        )
}

/// The arithmetic ops, plain or with an immediate: (operation, 64-bit).
fn alu(op: Op) -> Option<(Alu, bool)> {
    use Op::*;
    let plain = op.without_imm().unwrap_or(op);
    let a = match plain {
        I32Add | I64Add => Alu::Add,
        I32Sub | I64Sub => Alu::Sub,
        I32Mul | I64Mul => Alu::Mul,
        I32DivS | I64DivS => Alu::DivS,
        I32DivU | I64DivU => Alu::DivU,
        I32RemS | I64RemS => Alu::RemS,
        I32RemU | I64RemU => Alu::RemU,
        I32And | I64And => Alu::And,
        I32Or | I64Or => Alu::Or,
        I32Xor | I64Xor => Alu::Xor,
        I32Shl | I64Shl => Alu::Shl,
        I32ShrS | I64ShrS => Alu::ShrS,
        I32ShrU | I64ShrU => Alu::ShrU,
        I32Rotl | I64Rotl => Alu::Rotl,
        I32Rotr | I64Rotr => Alu::Rotr,
        _ => return None,
    };
    let sig = plain.sig();
    let wide = sig.reads[0] == Some(Ty::I64) || sig.reads[1] == Some(Ty::I64);
    Some((a, wide))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Alu {
    Add,
    Sub,
    Mul,
    DivS,
    DivU,
    RemS,
    RemU,
    And,
    Or,
    Xor,
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
}

/// The right operand of an op: a register, or an immediate.
#[derive(Clone, Copy)]
enum Rhs {
    Reg(u8),
    Imm(u64),
}

impl FnGen<'_> {
    /// Emits integer op `pc`; returns the next pc to emit.
    pub(super) fn int(&mut self, pc: usize, i: &Instr) -> usize {
        if let Some(cmp) = i.op.int_cmp() {
            self.compare(pc, i, cmp);
        } else if let Some((a, wide)) = alu(i.op) {
            self.alu(pc, i, a, wide);
        } else {
            self.unary(i);
        }
        pc + 1
    }

    /// Branches to `l` if the flags say `cmp` of the compare just made.
    fn b_int(&mut self, cmp: IntCmp, l: dynasmrt::DynamicLabel) {
        let cond = match cmp {
            IntCmp::Eq => Cond::Eq,
            IntCmp::Ne => Cond::Ne,
            IntCmp::LtS => Cond::Lt,
            IntCmp::LtU => Cond::Lo,
            IntCmp::GtS => Cond::Gt,
            IntCmp::GtU => Cond::Hi,
            IntCmp::LeS => Cond::Le,
            IntCmp::LeU => Cond::Ls,
            IntCmp::GeS => Cond::Ge,
            IntCmp::GeU => Cond::Hs,
        };
        self.b_cond(cond, l);
    }

    /// `w<d>` = 1 if the flags say `cmp` of the compare just made, else 0.
    fn cset(&mut self, d: u8, cmp: IntCmp) {
        match cmp {
            IntCmp::Eq => asm!(self.asm; cset W(d), eq),
            IntCmp::Ne => asm!(self.asm; cset W(d), ne),
            IntCmp::LtS => asm!(self.asm; cset W(d), lt),
            IntCmp::LtU => asm!(self.asm; cset W(d), lo),
            IntCmp::GtS => asm!(self.asm; cset W(d), gt),
            IntCmp::GtU => asm!(self.asm; cset W(d), hi),
            IntCmp::LeS => asm!(self.asm; cset W(d), le),
            IntCmp::LeU => asm!(self.asm; cset W(d), ls),
            IntCmp::GeS => asm!(self.asm; cset W(d), ge),
            IntCmp::GeU => asm!(self.asm; cset W(d), hs),
        }
    }

    /// Compares slot `b` with `rhs` (32 or 64 bits; an immediate is the
    /// operand's value, zero-extended for 32 bits).
    fn cmp(&mut self, wide: bool, b: u16, rhs: Rhs) {
        let r = self.gpr(b, X9);
        let rhs = match rhs {
            Rhs::Imm(k) => {
                let signed = if wide {
                    k as i64
                } else {
                    k as u32 as i32 as i64
                };
                if (0..4096).contains(&signed) {
                    let k = signed as u32;
                    if wide {
                        asm!(self.asm; cmp XSP(r), #k);
                    } else {
                        asm!(self.asm; cmp WSP(r), #k);
                    }
                    return;
                }
                if (-4095..0).contains(&signed) {
                    let k = (-signed) as u32;
                    if wide {
                        asm!(self.asm; cmn XSP(r), #k);
                    } else {
                        asm!(self.asm; cmn WSP(r), #k);
                    }
                    return;
                }
                self.mov_imm(X17, if wide { k } else { k as u32 as u64 });
                X17
            }
            Rhs::Reg(c) => c,
        };
        if wide {
            asm!(self.asm; cmp X(r), X(rhs));
        } else {
            asm!(self.asm; cmp W(r), W(rhs));
        }
    }

    /// The integer compares: to a flag in `a`, or a branch.
    fn compare(&mut self, pc: usize, i: &Instr, cmp: IntCmp) {
        let wide = i.op.sig().reads[1] == Some(Ty::I64);
        match i.op.fmt() {
            Fmt::BrCmp => {
                let l = codegen::target(self, pc);
                let c = self.gpr(i.c, X17);
                self.cmp(wide, i.b, Rhs::Reg(c));
                self.b_int(cmp, l);
            }
            Fmt::BrCmpImm => {
                let l = codegen::target(self, pc);
                let k = i.branch_imm() as i64 as u64;
                self.cmp(wide, i.b, Rhs::Imm(k));
                self.b_int(cmp, l);
            }
            Fmt::Binary => {
                let c = self.gpr(i.c, X17);
                self.cmp(wide, i.b, Rhs::Reg(c));
                let d = self.dst(i.a);
                self.cset(d, cmp);
                self.set_gpr(i.a, d);
            }
            _ => {
                self.cmp(wide, i.b, Rhs::Imm(i.imm));
                let d = self.dst(i.a);
                self.cset(d, cmp);
                self.set_gpr(i.a, d);
            }
        }
    }

    /// `a` = `b` op `c` (or `b` op the immediate).
    fn alu(&mut self, pc: usize, i: &Instr, a: Alu, wide: bool) {
        // A shift the instruction after it takes as a shifted operand.
        if self.alloc.fused_shift(pc + 1) {
            return;
        }
        if self.alloc.fused_shift(pc) {
            self.shifted_operand(pc, i, a, wide);
            return;
        }
        let b = self.gpr(i.b, X9);
        let rhs = if i.op.fmt() == Fmt::BinaryImm {
            let k = if wide { i.imm } else { i.imm as u32 as u64 };
            Rhs::Imm(k)
        } else {
            Rhs::Reg(self.gpr(i.c, X17))
        };
        let d = self.dst(i.a);
        match a {
            Alu::Add | Alu::Sub => self.add_sub(a == Alu::Sub, wide, d, b, rhs),
            Alu::And | Alu::Or | Alu::Xor => self.logical(a, wide, d, b, rhs),
            Alu::Shl | Alu::ShrS | Alu::ShrU | Alu::Rotl | Alu::Rotr => {
                self.shift(a, wide, d, b, rhs)
            }
            Alu::Mul => {
                let c = self.reg(rhs, X17);
                if wide {
                    asm!(self.asm; mul X(d), X(b), X(c));
                } else {
                    asm!(self.asm; mul W(d), W(b), W(c));
                }
            }
            _ => self.div(a, wide, d, b, rhs),
        }
        self.set_gpr(i.a, d);
    }

    /// `a` = `b` op (`y` shifted by a constant), the shift being the
    /// instruction before (see `regalloc::ShiftFusion::ShiftedOperand`).
    fn shifted_operand(&mut self, pc: usize, i: &Instr, a: Alu, wide: bool) {
        let s = self.code[pc - 1];
        let other = if i.b == s.a { i.c } else { i.b };
        let y = self.gpr(s.b, X9);
        let o = self.gpr(other, X17);
        let d = self.dst(i.a);
        let k = (s.imm % if wide { 64 } else { 32 }) as u32;
        let kind = alu(s.op).map(|(k, _)| k);
        macro_rules! shifted {
            ($($alu:ident => $mn:ident),*) => {
                match (a, kind, wide) {
                    $(
                        (Alu::$alu, Some(Alu::Shl), false) => asm!(self.asm; $mn W(d), W(o), W(y), lsl #k),
                        (Alu::$alu, Some(Alu::ShrU), false) => asm!(self.asm; $mn W(d), W(o), W(y), lsr #k),
                        (Alu::$alu, Some(Alu::ShrS), false) => asm!(self.asm; $mn W(d), W(o), W(y), asr #k),
                        (Alu::$alu, Some(Alu::Shl), true) => asm!(self.asm; $mn X(d), X(o), X(y), lsl #k),
                        (Alu::$alu, Some(Alu::ShrU), true) => asm!(self.asm; $mn X(d), X(o), X(y), lsr #k),
                        (Alu::$alu, Some(Alu::ShrS), true) => asm!(self.asm; $mn X(d), X(o), X(y), asr #k),
                    )*
                    _ => unreachable!("{} does not take a shifted operand", i.op.name()),
                }
            };
        }
        shifted!(Add => add, Sub => sub, And => and, Or => orr, Xor => eor);
        self.set_gpr(i.a, d);
    }

    /// The register holding `rhs` (an immediate goes to `scratch`).
    fn reg(&mut self, rhs: Rhs, scratch: u8) -> u8 {
        match rhs {
            Rhs::Reg(r) => r,
            Rhs::Imm(k) => {
                self.mov_imm(scratch, k);
                scratch
            }
        }
    }

    fn add_sub(&mut self, sub: bool, wide: bool, d: u8, b: u8, rhs: Rhs) {
        if let Rhs::Imm(k) = rhs {
            let signed = if wide {
                k as i64
            } else {
                k as u32 as i32 as i64
            };
            // Subtracting k is adding -k: one immediate form or the other.
            let (neg, mag) = if signed < 0 {
                (!sub, signed.unsigned_abs())
            } else {
                (sub, signed as u64)
            };
            if mag < 4096 {
                let m = mag as u32;
                match (neg, wide) {
                    (false, true) => asm!(self.asm; add XSP(d), XSP(b), #m),
                    (true, true) => asm!(self.asm; sub XSP(d), XSP(b), #m),
                    (false, false) => asm!(self.asm; add WSP(d), WSP(b), #m),
                    (true, false) => asm!(self.asm; sub WSP(d), WSP(b), #m),
                }
                return;
            }
        }
        let c = self.reg(rhs, X17);
        match (sub, wide) {
            (false, true) => asm!(self.asm; add X(d), X(b), X(c)),
            (true, true) => asm!(self.asm; sub X(d), X(b), X(c)),
            (false, false) => asm!(self.asm; add W(d), W(b), W(c)),
            (true, false) => asm!(self.asm; sub W(d), W(b), W(c)),
        }
    }

    fn logical(&mut self, a: Alu, wide: bool, d: u8, b: u8, rhs: Rhs) {
        // Xor with all ones (no logical immediate has every bit set) is `mvn`.
        let ones = if wide { u64::MAX } else { u32::MAX as u64 };
        if a == Alu::Xor && matches!(rhs, Rhs::Imm(k) if k == ones) {
            if wide {
                asm!(self.asm; mvn X(d), X(b));
            } else {
                asm!(self.asm; mvn W(d), W(b));
            }
            return;
        }
        if let Rhs::Imm(k) = rhs {
            let encodable = if wide {
                encode_logical_immediate_64bit(k).is_some()
            } else {
                encode_logical_immediate_32bit(k as u32).is_some()
            };
            if encodable {
                let k32 = k as u32;
                match (a, wide) {
                    (Alu::And, true) => asm!(self.asm; and XSP(d), X(b), #k),
                    (Alu::Or, true) => asm!(self.asm; orr XSP(d), X(b), #k),
                    (_, true) => asm!(self.asm; eor XSP(d), X(b), #k),
                    (Alu::And, false) => asm!(self.asm; and WSP(d), W(b), #k32),
                    (Alu::Or, false) => asm!(self.asm; orr WSP(d), W(b), #k32),
                    (_, false) => asm!(self.asm; eor WSP(d), W(b), #k32),
                }
                return;
            }
        }
        let c = self.reg(rhs, X17);
        match (a, wide) {
            (Alu::And, true) => asm!(self.asm; and X(d), X(b), X(c)),
            (Alu::Or, true) => asm!(self.asm; orr X(d), X(b), X(c)),
            (_, true) => asm!(self.asm; eor X(d), X(b), X(c)),
            (Alu::And, false) => asm!(self.asm; and W(d), W(b), W(c)),
            (Alu::Or, false) => asm!(self.asm; orr W(d), W(b), W(c)),
            (_, false) => asm!(self.asm; eor W(d), W(b), W(c)),
        }
    }

    /// Shifts and rotates: the count is taken modulo the width, as the
    /// register forms do and wasm asks.
    fn shift(&mut self, a: Alu, wide: bool, d: u8, b: u8, rhs: Rhs) {
        let bits = if wide { 64 } else { 32 };
        if let Rhs::Imm(k) = rhs {
            let k = (k % bits) as u32;
            let k = if a == Alu::Rotl {
                (bits as u32 - k) % bits as u32
            } else {
                k
            };
            match (a, wide) {
                (Alu::Shl, true) => asm!(self.asm; lsl X(d), X(b), #k),
                (Alu::ShrS, true) => asm!(self.asm; asr X(d), X(b), #k),
                (Alu::ShrU, true) => asm!(self.asm; lsr X(d), X(b), #k),
                (_, true) => asm!(self.asm; ror X(d), X(b), #k),
                (Alu::Shl, false) => asm!(self.asm; lsl W(d), W(b), #k),
                (Alu::ShrS, false) => asm!(self.asm; asr W(d), W(b), #k),
                (Alu::ShrU, false) => asm!(self.asm; lsr W(d), W(b), #k),
                (_, false) => asm!(self.asm; ror W(d), W(b), #k),
            }
            return;
        }
        let mut c = self.reg(rhs, X17);
        if a == Alu::Rotl {
            asm!(self.asm; neg W(X16), W(c));
            c = X16;
        }
        match (a, wide) {
            (Alu::Shl, true) => asm!(self.asm; lsl X(d), X(b), X(c)),
            (Alu::ShrS, true) => asm!(self.asm; asr X(d), X(b), X(c)),
            (Alu::ShrU, true) => asm!(self.asm; lsr X(d), X(b), X(c)),
            (_, true) => asm!(self.asm; ror X(d), X(b), X(c)),
            (Alu::Shl, false) => asm!(self.asm; lsl W(d), W(b), W(c)),
            (Alu::ShrS, false) => asm!(self.asm; asr W(d), W(b), W(c)),
            (Alu::ShrU, false) => asm!(self.asm; lsr W(d), W(b), W(c)),
            (_, false) => asm!(self.asm; ror W(d), W(b), W(c)),
        }
    }

    /// Division and remainder: a zero divisor traps, and so does signed
    /// division of the most negative value by -1 (whose remainder is 0,
    /// as `msub` gives from `sdiv`'s wrapped quotient).
    fn div(&mut self, a: Alu, wide: bool, d: u8, b: u8, rhs: Rhs) {
        let k = match rhs {
            Rhs::Imm(k) => Some(if wide {
                k
            } else {
                k as u32 as i32 as i64 as u64
            }),
            Rhs::Reg(_) => None,
        };
        let c = self.reg(rhs, X17);
        if k.is_none_or(|k| k == 0) {
            let zero = self.trap_code(TrapCode::IntegerDivisionByZero);
            self.cb(true, wide, c, zero);
        }
        if a == Alu::DivS && k.is_none_or(|k| k as i64 == -1) {
            // -1 + 1 == 0, and only the most negative value minus 1 overflows.
            let overflow = self.trap_code(TrapCode::IntegerOverflow);
            let fine = self.asm.new_dynamic_label();
            if wide {
                asm!(self.asm
                    ; cmn XSP(c), #1
                    ; b.ne =>fine
                    ; cmp XSP(b), #1
                );
            } else {
                asm!(self.asm
                    ; cmn WSP(c), #1
                    ; b.ne =>fine
                    ; cmp WSP(b), #1
                );
            }
            self.b_cond(Cond::Vs, overflow);
            asm!(self.asm; =>fine);
        }
        match (a, wide) {
            (Alu::DivS, true) => asm!(self.asm; sdiv X(d), X(b), X(c)),
            (Alu::DivU, true) => asm!(self.asm; udiv X(d), X(b), X(c)),
            (Alu::RemS, true) => asm!(self.asm; sdiv x16, X(b), X(c); msub X(d), x16, X(c), X(b)),
            (_, true) => asm!(self.asm; udiv x16, X(b), X(c); msub X(d), x16, X(c), X(b)),
            (Alu::DivS, false) => asm!(self.asm; sdiv W(d), W(b), W(c)),
            (Alu::DivU, false) => asm!(self.asm; udiv W(d), W(b), W(c)),
            (Alu::RemS, false) => asm!(self.asm; sdiv w16, W(b), W(c); msub W(d), w16, W(c), W(b)),
            (_, false) => asm!(self.asm; udiv w16, W(b), W(c); msub W(d), w16, W(c), W(b)),
        }
    }

    /// The one-operand integer ops.
    fn unary(&mut self, i: &Instr) {
        use Op::*;
        let r = self.gpr(i.b, X9);
        let d = self.dst(i.a);
        match i.op {
            I32Eqz => asm!(self.asm; cmp WSP(r), #0; cset W(d), eq),
            I64Eqz => asm!(self.asm; cmp XSP(r), #0; cset W(d), eq),
            I32Clz => asm!(self.asm; clz W(d), W(r)),
            I64Clz => asm!(self.asm; clz X(d), X(r)),
            I32Ctz => asm!(self.asm; rbit W(d), W(r); clz W(d), W(d)),
            I64Ctz => asm!(self.asm; rbit X(d), X(r); clz X(d), X(d)),
            I32Popcnt | I64Popcnt => asm!(self.asm
                ; fmov d0, X(r)
                ; cnt v0.b8, v0.b8
                ; addv b0, v0.b8
                ; fmov W(d), s0
            ),
            I32Extend8S => asm!(self.asm; sxtb W(d), W(r)),
            I32Extend16S => asm!(self.asm; sxth W(d), W(r)),
            I64Extend8S => asm!(self.asm; sxtb X(d), W(r)),
            I64Extend16S => asm!(self.asm; sxth X(d), W(r)),
            I64Extend32S | I64ExtendI32S => asm!(self.asm; sxtw X(d), W(r)),
            I32WrapI64 | I64ExtendI32U => asm!(self.asm; mov W(d), W(r)),
            other => unreachable!("{} is not covered", other.name()),
        }
        self.set_gpr(i.a, d);
    }
}
