//! Compact encodings of the most frequent integer instructions and moves.
//!
//! dynasm encodes an instruction whose register is chosen at run time with a
//! REX prefix whatever the register, a base register with a SIB byte, and a
//! displacement given at run time in 32 bits: `add esi, [rbx + 0x50]` took 7
//! bytes instead of 3, `lea esi, [rdx + 0x41]` 8 instead of 3. Hot loops are
//! register arithmetic and frame accesses, and on x86_64 their size is time
//! (`docs/architecture.md`, "Code size counts in hot loops"). The forms here
//! take the REX prefix only when an operand needs it, a SIB byte only for a
//! base that needs one (`rsp`, `r12`) or an index, and the shortest
//! displacement.

use super::*;

/// An operand in ModRM's r/m field.
#[derive(Clone, Copy, Debug)]
pub(super) enum Rm {
    /// A register.
    R(u8),
    /// `[base + disp]`.
    M(u8, i32),
    /// `[base + index + disp]`.
    I(u8, u8, i32),
}

/// A frame cell: `[rbx + d]`.
pub(super) fn cell(d: i32) -> Rm {
    Rm::M(RBX, d)
}

/// The ALU ops of `alu`'s numbering (add, sub, imul, and, or, xor) and
/// `cmp`: the `reg, r/m` opcode and the `/n` of the immediate forms.
pub(super) const ADD: (u8, u8) = (0x03, 0);
pub(super) const SUB: (u8, u8) = (0x2b, 5);
pub(super) const AND: (u8, u8) = (0x23, 4);
pub(super) const OR: (u8, u8) = (0x0b, 1);
pub(super) const XOR: (u8, u8) = (0x33, 6);
pub(super) const CMP: (u8, u8) = (0x3b, 7);

/// The bytes of one instruction, built on the stack.
pub(super) struct Bytes {
    buf: [u8; 16],
    len: usize,
}

impl Bytes {
    fn new() -> Bytes {
        Bytes {
            buf: [0; 16],
            len: 0,
        }
    }
    fn push(&mut self, b: u8) {
        self.buf[self.len] = b;
        self.len += 1;
    }
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
    pub(super) fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Appends the bytes of one instruction to `out`: `prefix` (a mandatory
/// prefix such as 0x66 or 0xf3, which goes before REX), REX when `w` or an
/// extended register asks for it (or `byte_reg` names `spl`..`dil`), the
/// opcode, ModRM with `reg` in its reg field, SIB and displacement.
#[inline(always)]
pub(super) fn encode(
    out: &mut Bytes,
    prefix: Option<u8>,
    w: bool,
    byte_reg: bool,
    op: &[u8],
    reg: u8,
    rm: Rm,
) {
    if let Some(p) = prefix {
        out.push(p);
    }
    let (base, index) = match rm {
        Rm::R(r) => (r, 0),
        Rm::M(b, _) => (b, 0),
        Rm::I(b, x, _) => (b, x),
    };
    let rex = 0x40 | (w as u8) << 3 | (reg & 8) >> 1 | (index & 8) >> 2 | (base & 8) >> 3;
    if rex != 0x40 || (byte_reg && (4..8).contains(&reg)) {
        out.push(rex);
    }
    out.extend_from_slice(op);
    let reg = (reg & 7) << 3;
    let (disp, sib) = match rm {
        Rm::R(r) => {
            out.push(0xc0 | reg | (r & 7));
            return;
        }
        Rm::M(b, d) => (d, (b & 7 == 4).then_some(0x24)),
        Rm::I(b, x, d) => (d, Some((x & 7) << 3 | (b & 7))),
    };
    // `rbp` and `r13` as a base have no form without a displacement.
    let md = if disp == 0 && base & 7 != 5 {
        0x00
    } else if i8::try_from(disp).is_ok() {
        0x40
    } else {
        0x80
    };
    out.push(md | reg | if sib.is_some() { 4 } else { base & 7 });
    if let Some(sib) = sib {
        out.push(sib);
    }
    match md {
        0x40 => out.push(disp as i8 as u8),
        0x80 => out.extend_from_slice(&disp.to_le_bytes()),
        _ => {}
    }
}

impl FnGen<'_> {
    /// Emits one instruction (see [`encode`]).
    #[inline(always)]
    pub(super) fn emit(&mut self, prefix: Option<u8>, w: bool, op: &[u8], reg: u8, rm: Rm) {
        let mut b = Bytes::new();
        encode(&mut b, prefix, w, false, op, reg, rm);
        self.asm.extend(b.as_slice());
    }

    /// The same, for an instruction whose `reg` is a byte register.
    pub(super) fn emit_byte(&mut self, op: &[u8], reg: u8, rm: Rm) {
        let mut b = Bytes::new();
        encode(&mut b, None, false, true, op, reg, rm);
        self.asm.extend(b.as_slice());
    }

    /// `mov r64, rm`.
    #[inline]
    pub(super) fn mov_load(&mut self, r: u8, rm: Rm) {
        self.emit(None, true, &[0x8b], r, rm);
    }

    /// `mov rm, r64`.
    #[inline]
    pub(super) fn mov_store(&mut self, rm: Rm, r: u8) {
        self.emit(None, true, &[0x89], r, rm);
    }

    /// `movq xmm, qword rm` (a register `rm` is a general register).
    pub(super) fn movq_load(&mut self, x: u8, rm: Rm) {
        match rm {
            Rm::R(_) => self.emit(Some(0x66), true, &[0x0f, 0x6e], x, rm),
            _ => self.emit(Some(0xf3), false, &[0x0f, 0x7e], x, rm),
        }
    }

    /// `movq qword rm, xmm` (a register `rm` is a general register).
    pub(super) fn movq_store(&mut self, rm: Rm, x: u8) {
        match rm {
            Rm::R(_) => self.emit(Some(0x66), true, &[0x0f, 0x7e], x, rm),
            _ => self.emit(Some(0x66), false, &[0x0f, 0xd6], x, rm),
        }
    }

    /// `op r, rm` for one of the ALU ops above (32 or 64 bits).
    #[inline]
    pub(super) fn alu_rm(&mut self, op: (u8, u8), wide: bool, r: u8, rm: Rm) {
        self.emit(None, wide, &[op.0], r, rm);
    }

    /// `op rm, imm` for one of the ALU ops above, with the sign-extended
    /// 8-bit immediate when it fits.
    #[inline]
    pub(super) fn alu_imm(&mut self, op: (u8, u8), wide: bool, rm: Rm, v: i32) {
        if let Ok(v) = i8::try_from(v) {
            self.emit(None, wide, &[0x83], op.1, rm);
            self.asm.push(v as u8);
        } else {
            self.emit(None, wide, &[0x81], op.1, rm);
            self.asm.extend(&v.to_le_bytes());
        }
    }

    /// `imul r, rm`.
    pub(super) fn imul_rm(&mut self, wide: bool, r: u8, rm: Rm) {
        self.emit(None, wide, &[0x0f, 0xaf], r, rm);
    }

    /// `imul r, rm, imm`.
    pub(super) fn imul_imm(&mut self, wide: bool, r: u8, rm: Rm, v: i32) {
        if let Ok(v) = i8::try_from(v) {
            self.emit(None, wide, &[0x6b], r, rm);
            self.asm.push(v as u8);
        } else {
            self.emit(None, wide, &[0x69], r, rm);
            self.asm.extend(&v.to_le_bytes());
        }
    }

    /// `lea r, [base + disp]`.
    #[inline]
    pub(super) fn lea(&mut self, wide: bool, r: u8, base: u8, disp: i32) {
        self.emit(None, wide, &[0x8d], r, Rm::M(base, disp));
    }

    /// A shift or rotate of `r` by an immediate: `n` is the `/n` of the
    /// group (rol 0, ror 1, shl 4, shr 5, sar 7).
    #[inline]
    pub(super) fn shift_by(&mut self, n: u8, wide: bool, r: u8, count: u8) {
        self.emit(None, wide, &[0xc1], n, Rm::R(r));
        self.asm.push(count);
    }

    /// The same, by `cl`.
    pub(super) fn shift_cl(&mut self, n: u8, wide: bool, r: u8) {
        self.emit(None, wide, &[0xd3], n, Rm::R(r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(prefix: Option<u8>, w: bool, byte_reg: bool, op: &[u8], reg: u8, rm: Rm) -> Vec<u8> {
        let mut b = Bytes::new();
        encode(&mut b, prefix, w, byte_reg, op, reg, rm);
        b.as_slice().to_vec()
    }

    /// Each form against the bytes an assembler gives (GNU as, by hand from
    /// the Intel manual where noted).
    #[test]
    fn encodings() {
        let cases: &[(Vec<u8>, &[u8], &str)] = &[
            // mov rax, [rbx + 8]
            (
                enc(None, true, false, &[0x8b], 0, cell(8)),
                &[0x48, 0x8b, 0x43, 0x08],
                "load d8",
            ),
            // mov r13, [rbx + 0x100]
            (
                enc(None, true, false, &[0x8b], 13, cell(0x100)),
                &[0x4c, 0x8b, 0xab, 0x00, 0x01, 0x00, 0x00],
                "load d32",
            ),
            // mov [rbx], rdx
            (
                enc(None, true, false, &[0x89], 2, cell(0)),
                &[0x48, 0x89, 0x13],
                "store d0",
            ),
            // mov [rbx - 128], r9
            (
                enc(None, true, false, &[0x89], 9, cell(-128)),
                &[0x4c, 0x89, 0x4b, 0x80],
                "store -128",
            ),
            // mov [rbx + 128], r9: no longer 8 bits
            (
                enc(None, true, false, &[0x89], 9, cell(128)),
                &[0x4c, 0x89, 0x8b, 0x80, 0x00, 0x00, 0x00],
                "store 128",
            ),
            // add esi, [rbx + 0x50]: no REX
            (
                enc(None, false, false, &[0x03], 6, cell(0x50)),
                &[0x03, 0x73, 0x50],
                "add mem",
            ),
            // xor r11d, esi
            (
                enc(None, false, false, &[0x33], 11, Rm::R(6)),
                &[0x44, 0x33, 0xde],
                "xor rr",
            ),
            // and rdi, r10
            (
                enc(None, true, false, &[0x23], 7, Rm::R(10)),
                &[0x49, 0x23, 0xfa],
                "and rr64",
            ),
            // lea esi, [rdx + 0x41]
            (
                enc(None, false, false, &[0x8d], 6, Rm::M(2, 0x41)),
                &[0x8d, 0x72, 0x41],
                "lea d8",
            ),
            // lea eax, [r12 + 0xa0]: r12 needs a SIB byte
            (
                enc(None, false, false, &[0x8d], 0, Rm::M(12, 0xa0)),
                &[0x41, 0x8d, 0x84, 0x24, 0xa0, 0x00, 0x00, 0x00],
                "lea r12",
            ),
            // lea eax, [rsp]
            (
                enc(None, false, false, &[0x8d], 0, Rm::M(4, 0)),
                &[0x8d, 0x04, 0x24],
                "lea rsp",
            ),
            // lea ecx, [r13]: r13 has no form without a displacement
            (
                enc(None, false, false, &[0x8d], 1, Rm::M(13, 0)),
                &[0x41, 0x8d, 0x4d, 0x00],
                "lea r13",
            ),
            // lea edx, [rbp + 0]
            (
                enc(None, false, false, &[0x8d], 2, Rm::M(5, 0)),
                &[0x8d, 0x55, 0x00],
                "lea rbp",
            ),
            // mov rdx, [r14 + rdx]
            (
                enc(None, true, false, &[0x8b], 2, Rm::I(14, 2, 0)),
                &[0x49, 0x8b, 0x14, 0x16],
                "sib",
            ),
            // mov r9, [r14 + r9 + 8]
            (
                enc(None, true, false, &[0x8b], 9, Rm::I(14, 9, 8)),
                &[0x4f, 0x8b, 0x4c, 0x0e, 0x08],
                "sib d8",
            ),
            // movzx eax, byte [r14 + r13]: r13 as an index is fine
            (
                enc(None, false, false, &[0x0f, 0xb6], 0, Rm::I(14, 13, 0)),
                &[0x43, 0x0f, 0xb6, 0x04, 0x2e],
                "movzx sib",
            ),
            // mov [r14 + rax], sil: REX for the byte register (and r14)
            (
                enc(None, false, true, &[0x88], 6, Rm::I(14, 0, 0)),
                &[0x41, 0x88, 0x34, 0x06],
                "mov8",
            ),
            // add eax, esi as `op rm, r` from `encode` with a byte op of sil
            // and no extended register: REX 0x40 forced.
            (
                enc(None, false, true, &[0x88], 6, Rm::R(0)),
                &[0x40, 0x88, 0xf0],
                "mov sil",
            ),
            // movq xmm3, [rbx + 0x18]
            (
                enc(Some(0xf3), false, false, &[0x0f, 0x7e], 3, cell(0x18)),
                &[0xf3, 0x0f, 0x7e, 0x5b, 0x18],
                "movq load",
            ),
            // movq [rbx + 0x18], xmm9
            (
                enc(Some(0x66), false, false, &[0x0f, 0xd6], 9, cell(0x18)),
                &[0x66, 0x44, 0x0f, 0xd6, 0x4b, 0x18],
                "movq store",
            ),
            // movq xmm1, rax
            (
                enc(Some(0x66), true, false, &[0x0f, 0x6e], 1, Rm::R(0)),
                &[0x66, 0x48, 0x0f, 0x6e, 0xc8],
                "movq x, r",
            ),
            // rol r11d, 24 (c1 /0)
            (
                enc(None, false, false, &[0xc1], 0, Rm::R(11)),
                &[0x41, 0xc1, 0xc3],
                "rol",
            ),
            // cmp dword [rbx + 8], imm8 (83 /7)
            (
                enc(None, false, false, &[0x83], 7, cell(8)),
                &[0x83, 0x7b, 0x08],
                "cmp mem imm",
            ),
        ];
        for (got, want, what) in cases {
            assert_eq!(got.as_slice(), *want, "{what}");
        }
    }
}
