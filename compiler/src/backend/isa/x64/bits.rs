//! Bit counts and the float ops that need more than one instruction on x86_64: `clz`/`ctz`/`popcnt`, wasm `min`/`max`, and float compares (alone or fused with a branch).

use super::*;

impl FnGen<'_> {
    /// clz, ctz and popcnt.
    pub(super) fn bits(&mut self, i: &Instr) {
        use Op::*;
        let src = self.src(i.b);
        let lz = self.features & cpu::LZCNT != 0;
        let tz = self.features & cpu::BMI1 != 0;
        let pc = self.features & cpu::POPCNT != 0;
        macro_rules! one {
            ($mn:ident, $w:ident, $m:ident) => {
                match src {
                    L::G(r) => asm!(self.asm; $mn $w(RAX), $w(r)),
                    L::M(m) => asm!(self.asm; $mn $w(RAX), $m [rbx + m]),
                    L::X(_) => unreachable!("src never gives an xmm register"),
                }
            };
        }
        match i.op {
            I32Clz if lz => one!(lzcnt, Rd, DWORD),
            I64Clz if lz => one!(lzcnt, Rq, QWORD),
            I32Ctz if tz => one!(tzcnt, Rd, DWORD),
            I64Ctz if tz => one!(tzcnt, Rq, QWORD),
            I32Popcnt if pc => one!(popcnt, Rd, DWORD),
            I64Popcnt if pc => one!(popcnt, Rq, QWORD),
            // Without POPCNT: the bit-slicing count (pairs, nibbles, bytes,
            // then a multiply sums the bytes into the top one).
            I32Popcnt => {
                one!(mov, Rd, DWORD);
                asm!(self.asm
                    ; mov ecx, eax ; shr ecx, 1 ; and ecx, 0x5555_5555 ; sub eax, ecx
                    ; mov ecx, eax ; and eax, 0x3333_3333 ; shr ecx, 2 ; and ecx, 0x3333_3333
                    ; add eax, ecx
                    ; mov ecx, eax ; shr ecx, 4 ; add eax, ecx ; and eax, 0x0f0f_0f0f
                    ; imul eax, eax, 0x0101_0101 ; shr eax, 24
                );
            }
            I64Popcnt => {
                // 64-bit masks need a register: borrow rdx (the source is in rax by then).
                one!(mov, Rq, QWORD);
                asm!(self.asm
                    ; push rdx
                    ; mov rcx, rax ; shr rcx, 1 ; mov rdx, QWORD 0x5555_5555_5555_5555
                    ; and rcx, rdx ; sub rax, rcx
                    ; mov rdx, QWORD 0x3333_3333_3333_3333
                    ; mov rcx, rax ; and rax, rdx ; shr rcx, 2 ; and rcx, rdx ; add rax, rcx
                    ; mov rcx, rax ; shr rcx, 4 ; add rax, rcx
                    ; mov rdx, QWORD 0x0f0f_0f0f_0f0f_0f0f ; and rax, rdx
                    ; mov rdx, QWORD 0x0101_0101_0101_0101 ; imul rax, rdx ; shr rax, 56
                    ; pop rdx
                );
            }
            I32Clz => {
                one!(bsr, Rd, DWORD);
                asm!(self.asm; mov ecx, 63; cmovz eax, ecx; xor eax, 31);
            }
            I64Clz => {
                one!(bsr, Rq, QWORD);
                asm!(self.asm; mov ecx, 127; cmovz rax, rcx; xor rax, 63);
            }
            I32Ctz => {
                one!(bsf, Rd, DWORD);
                asm!(self.asm; mov ecx, 32; cmovz eax, ecx);
            }
            _ => {
                one!(bsf, Rq, QWORD);
                asm!(self.asm; mov ecx, 64; cmovz rax, rcx);
            }
        }
        self.used |= match i.op {
            I32Clz | I64Clz if lz => cpu::LZCNT,
            I32Ctz | I64Ctz if tz => cpu::BMI1,
            I32Popcnt | I64Popcnt if pc => cpu::POPCNT,
            _ => 0,
        };
        self.set_gpr(i.a, RAX);
    }

    /// Wasm `min`/`max`: NaN if either operand is NaN, and -0 < +0.
    pub(super) fn min_max(&mut self, i: &Instr) {
        let f32 = matches!(i.op, Op::F32Min | Op::F32Max);
        let min = matches!(i.op, Op::F32Min | Op::F64Min);
        let xb = self.xmm(i.b, 0);
        if xb != 0 {
            asm!(self.asm; movaps xmm0, Rx(xb));
        }
        let xc = self.xmm(i.c, 1);
        if xc != 1 {
            asm!(self.asm; movaps xmm1, Rx(xc));
        }
        let nan = self.asm.new_dynamic_label();
        let equal = self.asm.new_dynamic_label();
        let done = self.asm.new_dynamic_label();
        if f32 {
            asm!(self.asm; ucomiss xmm0, xmm1);
        } else {
            asm!(self.asm; ucomisd xmm0, xmm1);
        }
        asm!(self.asm; jp =>nan; je =>equal);
        match (f32, min) {
            (true, true) => asm!(self.asm; minss xmm0, xmm1),
            (true, false) => asm!(self.asm; maxss xmm0, xmm1),
            (false, true) => asm!(self.asm; minsd xmm0, xmm1),
            (false, false) => asm!(self.asm; maxsd xmm0, xmm1),
        }
        asm!(self.asm; jmp =>done; =>equal);
        // Equal operands differ at most in the sign of a zero.
        if min {
            asm!(self.asm; orps xmm0, xmm1);
        } else {
            asm!(self.asm; andps xmm0, xmm1);
        }
        asm!(self.asm; jmp =>done; =>nan);
        if f32 {
            asm!(self.asm; addss xmm0, xmm1);
        } else {
            asm!(self.asm; addsd xmm0, xmm1);
        }
        asm!(self.asm; =>done);
        self.set_xmm(i.a, 0);
    }

    /// Float compares: `ucomis*` sets CF/ZF/PF; unordered sets all three.
    pub(super) fn fcmp(&mut self, i: &Instr) {
        let op = self.ucomis(i);
        match op {
            Op::F32Eq => asm!(self.asm; sete al; setnp cl; and al, cl),
            Op::F32Ne => asm!(self.asm; setne al; setp cl; or al, cl),
            Op::F32Gt | Op::F32Lt => asm!(self.asm; seta al),
            _ => asm!(self.asm; setae al),
        }
        asm!(self.asm; movzx eax, al);
        self.set_gpr(i.a, RAX);
    }

    /// A float compare at `pc` whose only reader is the `br_if_eqz`/`nez`
    /// right after it: compare and jump, without the 0/1 value.
    pub(super) fn fcmp_branch(&mut self, pc: usize) {
        let br = self.code[pc + 1];
        let l = self.target(pc + 1);
        let op = self.ucomis(&self.code[pc].clone());
        // Whether the branch is taken when the compare is true.
        let when_true = br.op == Op::BrIfNez;
        match (op, when_true) {
            (Op::F32Gt | Op::F32Lt, true) => asm!(self.asm; ja =>l),
            (Op::F32Gt | Op::F32Lt, false) => asm!(self.asm; jbe =>l),
            (Op::F32Ge | Op::F32Le, true) => asm!(self.asm; jae =>l),
            (Op::F32Ge | Op::F32Le, false) => asm!(self.asm; jb =>l),
            (Op::F32Eq, true) | (Op::F32Ne, false) => {
                let skip = self.asm.new_dynamic_label();
                asm!(self.asm; jp =>skip; je =>l; =>skip);
            }
            _ => asm!(self.asm; jne =>l; jp =>l),
        }
    }

    /// Emits the `ucomis*` of a float compare; returns the compare as its
    /// f32 op, with lt/le turned around so "above" means true.
    pub(super) fn ucomis(&mut self, i: &Instr) -> Op {
        use Op::*;
        let f32 = i.op.sig().reads[1] == Some(Ty::F32);
        let op = match i.op {
            F64Eq => F32Eq,
            F64Ne => F32Ne,
            F64Lt => F32Lt,
            F64Gt => F32Gt,
            F64Le => F32Le,
            F64Ge => F32Ge,
            op => op,
        };
        // lt and le compare the operands swapped, so "above" means the right thing.
        let (x, y) = match op {
            F32Lt | F32Le => (i.c, i.b),
            _ => (i.b, i.c),
        };
        let xx = self.xmm(x, 0);
        match (self.fsrc(y), f32) {
            (L::X(r), true) => asm!(self.asm; ucomiss Rx(xx), Rx(r)),
            (L::X(r), false) => asm!(self.asm; ucomisd Rx(xx), Rx(r)),
            (L::M(m), true) => asm!(self.asm; ucomiss Rx(xx), DWORD [rbx + m]),
            (L::M(m), false) => asm!(self.asm; ucomisd Rx(xx), QWORD [rbx + m]),
            (L::G(_), _) => unreachable!("fsrc never gives a general register"),
        }
        op
    }
}
