//! Memory access on x86_64: addresses (with or without a bounds check), loads, stores and `memory.fill`/`memory.copy` on memory 0.

use super::*;

/// Emits an instruction whose memory operand is `[r14 + x + d]` (see
/// `enc`): `$prefix`, REX.W if `$w`, the opcode bytes, and `$reg` in ModRM's
/// reg field (`$byte`: a byte register).
macro_rules! access {
    ($self:ident, $x:expr, $d:expr, $prefix:expr, $w:expr, $op:expr, $reg:expr) => {
        $self.emit($prefix, $w, $op, $reg, enc::Rm::I(R14, $x, $d))
    };
    ($self:ident, $x:expr, $d:expr, byte $op:expr, $reg:expr) => {
        $self.emit_byte($op, $reg, enc::Rm::I(R14, $x, $d))
    };
}

impl FnGen<'_> {
    /// `memory.fill` and `memory.copy` on memory 0 (32-bit): bounds checks,
    /// then `rep stosb` / `rep movsb`; an overlapping copy to a higher
    /// address goes to the `exec` libcall (IR instruction `index`). Runs
    /// after a barrier, so every caller-saved register is free and the
    /// operands are in their frame cells.
    pub(super) fn bulk_memory(&mut self, i: &Instr, pc: usize) {
        let oob = self.trap_code(TrapCode::MemoryOutOfBounds);
        asm!(self.asm
            ; mov edi, [rbx + s(i.a)]
            ; mov ecx, [rbx + s(i.c)]
            ; lea rax, [rdi + rcx]
            ; cmp rax, [r15 + vmctx::MEM0_LEN]
            ; ja =>oob
        );
        if i.op == Op::MemoryFill {
            asm!(self.asm
                ; mov eax, [rbx + s(i.b)]
                ; add rdi, r14
                ; rep stosb
            );
            return;
        }
        let forward = self.asm.new_dynamic_label();
        let done = self.asm.new_dynamic_label();
        asm!(self.asm
            ; mov esi, [rbx + s(i.b)]
            ; lea rax, [rsi + rcx]
            ; cmp rax, [r15 + vmctx::MEM0_LEN]
            ; ja =>oob
            ; add rdi, r14
            ; add rsi, r14
            ; cmp rdi, rsi
            ; jbe =>forward
            ; lea rax, [rsi + rcx]
            ; cmp rdi, rax
            ; jae =>forward
        );
        // Overlapping with the destination above: a backward `rep movsb` goes
        // a byte at a time, so the runtime's memmove does it.
        asm!(self.asm; mov rsi, rbx);
        self.ir_index_to_edx(pc);
        self.libcall(libcall::EXEC);
        asm!(self.asm
            ; jmp =>done
            ; =>forward
            ; rep movsb
            ; =>done
        );
    }

    /// Checks `index + offset + size <= memory length` and returns the index
    /// register and the displacement for the access `[r14 + index + disp]`.
    pub(super) fn address(&mut self, i: &Instr, size: u64, pc: usize) -> (u8, i32) {
        let mut r = if self.alloc.const_address(pc) {
            // The address is the constant of the (unemitted) `const` before.
            let k = self.code[pc - 1].imm;
            let k = if self.m.memory64 { k } else { k as u32 as u64 };
            if k <= u32::MAX as u64 {
                asm!(self.asm; mov eax, k as u32 as i32);
            } else {
                asm!(self.asm; mov rax, QWORD k as i64);
            }
            RAX
        } else {
            self.gpr(i.b, RAX)
        };
        if !self.m.memory64 {
            // Guard pages: a 32-bit index plus a 32-bit offset stays inside
            // memory 0's reservation, and beyond its length every page faults.
            if i.imm <= i32::MAX as u64 {
                return (r, i.imm as i32);
            }
            asm!(self.asm; mov rcx, QWORD i.imm as i64; lea rax, [Rq(r) + rcx]);
            return (RAX, 0);
        }
        let oob = self.trap_code(TrapCode::MemoryOutOfBounds);
        let Some(end) = i.imm.checked_add(size) else {
            asm!(self.asm; jmp =>oob);
            return (r, 0);
        };
        // A 32-bit memory's index and offset are both below 2^32, so their sum
        // cannot overflow; a 64-bit one's carry traps.
        if !self.m.memory64 && end <= i32::MAX as u64 {
            asm!(self.asm; lea rcx, [Rq(r) + end as i32]);
        } else {
            asm!(self.asm; mov rcx, QWORD end as i64; add rcx, Rq(r));
            if self.m.memory64 {
                asm!(self.asm; jc =>oob);
            }
        }
        asm!(self.asm
            ; cmp rcx, [r15 + vmctx::MEM0_LEN]
            ; ja =>oob
        );
        if i.imm <= i32::MAX as u64 {
            (r, i.imm as i32)
        } else {
            asm!(self.asm; mov rcx, QWORD i.imm as i64; lea rax, [Rq(r) + rcx]);
            r = RAX;
            (r, 0)
        }
    }

    pub(super) fn load(&mut self, i: &Instr, pc: usize) {
        use Op::*;
        let size = match i.op {
            I32Load8S | I32Load8U | I64Load8S | I64Load8U => 1,
            I32Load16S | I32Load16U | I64Load16S | I64Load16U => 2,
            I32Load | F32Load | I64Load32S | I64Load32U => 4,
            _ => 8,
        };
        let (x, d) = self.address(i, size, pc);
        if let L::X(f) = self.loc(i.a) {
            match i.op {
                F32Load => access!(self, x, d, Some(0x66), false, &[0x0f, 0x6e], f),
                F64Load => access!(self, x, d, Some(0xf3), false, &[0x0f, 0x7e], f),
                _ => {}
            }
            if matches!(i.op, F32Load | F64Load) {
                return;
            }
        }
        let t = self.dst(i.a);
        match i.op {
            I32Load8S => access!(self, x, d, None, false, &[0x0f, 0xbe], t),
            I64Load8S => access!(self, x, d, None, true, &[0x0f, 0xbe], t),
            I32Load8U | I64Load8U => access!(self, x, d, None, false, &[0x0f, 0xb6], t),
            I32Load16S => access!(self, x, d, None, false, &[0x0f, 0xbf], t),
            I64Load16S => access!(self, x, d, None, true, &[0x0f, 0xbf], t),
            I32Load16U | I64Load16U => access!(self, x, d, None, false, &[0x0f, 0xb7], t),
            I64Load32S => access!(self, x, d, None, true, &[0x63], t),
            I32Load | F32Load | I64Load32U => access!(self, x, d, None, false, &[0x8b], t),
            _ => access!(self, x, d, None, true, &[0x8b], t),
        }
        self.set_gpr(i.a, t);
    }

    pub(super) fn store(&mut self, i: &Instr, pc: usize) {
        use Op::*;
        let size = match i.op {
            I32Store8 | I64Store8 => 1,
            I32Store16 | I64Store16 => 2,
            I32Store | F32Store | I64Store32 => 4,
            _ => 8,
        };
        let (x, d) = self.address(i, size, pc);
        let v = match self.loc(i.c) {
            L::X(f) if size == 4 => {
                access!(self, x, d, Some(0x66), false, &[0x0f, 0x7e], f);
                return;
            }
            L::X(f) if size == 8 => {
                access!(self, x, d, Some(0x66), false, &[0x0f, 0xd6], f);
                return;
            }
            L::X(f) => {
                asm!(self.asm; movq rcx, Rx(f));
                RCX
            }
            L::G(r) => r,
            L::M(m) => {
                asm!(self.asm; mov rcx, [rbx + m]);
                RCX
            }
        };
        match size {
            1 => access!(self, x, d, byte & [0x88], v),
            2 => access!(self, x, d, Some(0x66), false, &[0x89], v),
            4 => access!(self, x, d, None, false, &[0x89], v),
            _ => access!(self, x, d, None, true, &[0x89], v),
        }
    }
}
