//! Integer arithmetic, logic and shifts on x86_64 (`add`, `imul`, `lea` forms, shifts and rotates).

use super::*;

/// The encodings of `alu`'s ops by its numbering (2, `imul`, has its own).
const ALU_OPS: [(u8, u8); 6] = [enc::ADD, enc::SUB, (0, 0), enc::AND, enc::OR, enc::XOR];

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
                    self.lea(wide, d, rb, v);
                    self.set_gpr(a, d);
                    return;
                }
            }
        }
        if rb != d {
            self.mov_load(d, enc::Rm::R(rb));
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
        let rm = match src {
            L::G(r) => enc::Rm::R(r),
            L::M(i32::MIN) => {
                let Rhs::Imm(v) = rhs else {
                    unreachable!("alu operand")
                };
                let v = if wide {
                    v as i64 as i32
                } else {
                    v as u32 as i32
                };
                match k {
                    2 => self.imul_imm(wide, d, enc::Rm::R(d), v),
                    _ => self.alu_imm(ALU_OPS[k], wide, enc::Rm::R(d), v),
                }
                self.set_gpr(a, d);
                return;
            }
            L::M(m) => enc::cell(m),
            L::X(_) => unreachable!("alu operand"),
        };
        match k {
            2 => self.imul_rm(wide, d, rm),
            _ => self.alu_rm(ALU_OPS[k], wide, d, rm),
        }
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
            self.mov_load(d, enc::Rm::R(rb));
        }
        // The group's `/n`: shl 4, sar 7, shr 5, rol 0, ror 1.
        let n = [4, 7, 5, 0, 1][k];
        match rhs {
            Rhs::Slot(_) => self.shift_cl(n, wide, d),
            Rhs::Imm(v) => self.shift_by(n, wide, d, (v & if wide { 63 } else { 31 }) as u8),
        }
        self.set_gpr(a, d);
    }
}
