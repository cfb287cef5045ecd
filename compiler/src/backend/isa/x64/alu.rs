//! Integer arithmetic, logic and shifts on x86_64 (`add`, `imul`, `lea` forms, shifts and rotates).

use super::*;

impl FnGen<'_> {
    /// `a = b op c` (or `op imm`) for add, sub, mul, and, or, xor.
    pub(super) fn alu(&mut self, op: Op, wide: bool, a: u16, b: u16, rhs: Rhs) {
        use Op::*;
        let k = match op {
            I32Add | I64Add => 0,
            I32Sub | I64Sub => 1,
            I32Mul | I64Mul => 2,
            I32And | I64And => 3,
            I32Or | I64Or => 4,
            _ => 5,
        };
        let mut d = self.dst(a);
        // The right operand in the destination register would be overwritten
        // by the left one first: compute in rax then.
        if let Rhs::Slot(c) = rhs {
            if self.loc(c) == L::G(d) && c != b {
                d = RAX;
            }
        }
        let rb = self.gpr(b, d);
        // `xor -1` is `not`; a 32-bit `and` with 0xff or 0xffff is `movzx`.
        if let Rhs::Imm(v) = rhs {
            let v32 = v as u32;
            match (k, wide, v32, v) {
                (5, false, u32::MAX, _) | (5, true, _, u64::MAX) => {
                    if rb != d {
                        asm!(self.asm; mov Rq(d), Rq(rb));
                    }
                    if wide {
                        asm!(self.asm; not Rq(d));
                    } else {
                        asm!(self.asm; not Rd(d));
                    }
                    self.set_gpr(a, d);
                    return;
                }
                (3, _, 0xff, 0xff) | (3, false, 0xff, _) => {
                    asm!(self.asm; movzx Rd(d), Rb(rb));
                    self.set_gpr(a, d);
                    return;
                }
                (3, _, 0xffff, 0xffff) | (3, false, 0xffff, _) => {
                    asm!(self.asm; movzx Rd(d), Rw(rb));
                    self.set_gpr(a, d);
                    return;
                }
                _ => {}
            }
        }
        // An i64 `and` with a constant below 2^32 is a 32-bit `and` (which
        // clears the upper half); with 0xffff_ffff it is a 32-bit `mov`.
        if let (3, Rhs::Imm(v), true) = (k, rhs, wide) {
            if v <= u32::MAX as u64 {
                if v == u32::MAX as u64 {
                    asm!(self.asm; mov Rd(d), Rd(rb));
                } else {
                    if rb != d {
                        asm!(self.asm; mov Rd(d), Rd(rb));
                    }
                    asm!(self.asm; and Rd(d), v as u32 as i32);
                }
                self.set_gpr(a, d);
                return;
            }
        }
        // Adding a constant into another register is one `lea` (a 32-bit
        // `lea` wraps and zero-extends, as i32.add does).
        if let (0 | 1, Rhs::Imm(v)) = (k, rhs) {
            let v = if wide {
                v as i64
            } else {
                v as u32 as i32 as i64
            };
            let v = if k == 1 { v.wrapping_neg() } else { v };
            if rb != d && v != i64::MIN {
                if let Ok(v) = i32::try_from(v) {
                    if wide {
                        asm!(self.asm; lea Rq(d), [Rq(rb) + v]);
                    } else {
                        asm!(self.asm; lea Rd(d), [Rq(rb) + v]);
                    }
                    self.set_gpr(a, d);
                    return;
                }
            }
        }
        if rb != d {
            asm!(self.asm; mov Rq(d), Rq(rb));
        }
        let src = match rhs {
            Rhs::Slot(c) => self.src(c),
            Rhs::Imm(v) => {
                if wide && i32::try_from(v as i64).is_err() {
                    asm!(self.asm; mov rcx, QWORD v as i64);
                    L::G(RCX)
                } else {
                    L::M(i32::MIN) // marker: immediate
                }
            }
        };
        macro_rules! emit {
            ($($n:tt => $mn:ident),*) => {
                match (k, src, wide) {
                    $(
                        ($n, L::G(r), false) => asm!(self.asm; $mn Rd(d), Rd(r)),
                        ($n, L::G(r), true) => asm!(self.asm; $mn Rq(d), Rq(r)),
                        ($n, L::M(i32::MIN), false) => {
                            let Rhs::Imm(v) = rhs else { unreachable!() };
                            alu_imm!($n, $mn, Rd, v as u32 as i32)
                        }
                        ($n, L::M(i32::MIN), true) => {
                            let Rhs::Imm(v) = rhs else { unreachable!() };
                            alu_imm!($n, $mn, Rq, v as i64 as i32)
                        }
                        ($n, L::M(m), false) => asm!(self.asm; $mn Rd(d), DWORD [rbx + m]),
                        ($n, L::M(m), true) => asm!(self.asm; $mn Rq(d), QWORD [rbx + m]),
                    )*
                    _ => unreachable!("alu operand"),
                }
            };
        }
        // Small constants take the sign-extended 8-bit form.
        macro_rules! alu_imm {
            (2, $mn:ident, $w:ident, $v:expr) => {{
                let v: i32 = $v;
                if i8::try_from(v).is_ok() {
                    asm!(self.asm; imul $w(d), $w(d), BYTE v as i8)
                } else {
                    asm!(self.asm; imul $w(d), $w(d), v)
                }
            }};
            ($n:tt, $mn:ident, $w:ident, $v:expr) => {{
                let v: i32 = $v;
                if i8::try_from(v).is_ok() {
                    asm!(self.asm; $mn $w(d), BYTE v as i8)
                } else {
                    asm!(self.asm; $mn $w(d), v)
                }
            }};
        }
        emit!(0 => add, 1 => sub, 2 => imul, 3 => and, 4 => or, 5 => xor);
        self.set_gpr(a, d);
    }

    /// `a = b shift c` (or by an immediate count).
    pub(super) fn shift(&mut self, op: Op, wide: bool, a: u16, b: u16, rhs: Rhs) {
        use Op::*;
        let k = match op {
            I32Shl | I64Shl => 0,
            I32ShrS | I64ShrS => 1,
            I32ShrU | I64ShrU => 2,
            I32Rotl | I64Rotl => 3,
            _ => 4,
        };
        if let Rhs::Slot(c) = rhs {
            match self.loc(c) {
                L::G(r) => asm!(self.asm; mov ecx, Rd(r)),
                L::M(m) => asm!(self.asm; mov ecx, [rbx + m]),
                L::X(x) => asm!(self.asm; movd ecx, Rx(x)),
            }
        }
        let d = self.dst(a);
        let rb = self.gpr(b, d);
        if rb != d {
            asm!(self.asm; mov Rq(d), Rq(rb));
        }
        macro_rules! emit {
            ($($n:literal => $mn:ident),*) => {
                match (k, rhs, wide) {
                    $(
                        ($n, Rhs::Slot(_), false) => asm!(self.asm; $mn Rd(d), cl),
                        ($n, Rhs::Slot(_), true) => asm!(self.asm; $mn Rq(d), cl),
                        ($n, Rhs::Imm(v), false) => asm!(self.asm; $mn Rd(d), (v & 31) as i8),
                        ($n, Rhs::Imm(v), true) => asm!(self.asm; $mn Rq(d), (v & 63) as i8),
                    )*
                    _ => unreachable!("shift kind"),
                }
            };
        }
        emit!(0 => shl, 1 => sar, 2 => shr, 3 => rol, 4 => ror);
        self.set_gpr(a, d);
    }
}
