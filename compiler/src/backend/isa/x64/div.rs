//! Integer division and remainder on x86_64: `div`/`idiv` with their traps,
//! and division by a constant as multiplications (the magic numbers and
//! their exactness are in the comments).

use super::{FnGen, L, RAX, RDX};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use zwasm_abi::ir::Op;
use zwasm_abi::TrapCode;

macro_rules! asm {
    ($ops:expr; $($t:tt)*) => {
        dynasm!($ops ; .arch x64 ; $($t)*)
    };
}

/// For unsigned 32-bit division by `d` (not a power of two): `m < 2^32` and
/// `shift` with `n / d = (n * m) >> shift` for every 32-bit `n`, when there
/// are such. With `shift = 32 + l` and `m = ceil(2^shift / d)`, the error
/// `e = m * d - 2^shift` is below `d`; if `e <= 2^l`, then
/// `n * m / 2^shift = n / d + n * e / (d * 2^shift)` exceeds `n / d` by less
/// than `2^32 * 2^l / (d * 2^shift) = 1 / d`, which never reaches the next
/// integer (Granlund and Montgomery, "Division by invariant integers using
/// multiplication"). `d = 10` gives `m = 0xcccccccd`, `shift = 35`; `d = 7`
/// has none (its `m` needs 33 bits).
fn magic_u32(d: u32) -> Option<(u32, u32)> {
    (0..32).find_map(|l| {
        let shift = 32 + l;
        let m = (1u128 << shift).div_ceil(d as u128);
        let e = m * d as u128 - (1u128 << shift);
        (m < 1 << 32 && e <= 1 << l).then_some((m as u32, shift))
    })
}

impl FnGen<'_> {
    /// `rcx` = slot `c` (the divisor).
    pub(super) fn load_rcx(&mut self, wide: bool, c: u16) {
        match (self.loc(c), wide) {
            (L::G(r), false) => asm!(self.asm; mov ecx, Rd(r)),
            (L::G(r), true) => asm!(self.asm; mov rcx, Rq(r)),
            (L::M(m), false) => asm!(self.asm; mov ecx, [rbx + m]),
            (L::M(m), true) => asm!(self.asm; mov rcx, [rbx + m]),
            (L::X(x), _) => asm!(self.asm; movq rcx, Rx(x)),
        }
    }

    /// Unsigned 32-bit division or remainder by a constant `d > 1`, which
    /// cannot trap: a shift or mask for a power of two, otherwise two
    /// multiplications by `ceil(2^64 / d)` (Lemire, Kaser and Kurz, "Faster
    /// remainder by direct computation", exact for every 32-bit `n` and `d`).
    pub(super) fn div_u32_const(&mut self, quotient: bool, a: u16, b: u16, d: u32) {
        let r = self.gpr(b, RAX);
        if d.is_power_of_two() {
            return self.div_pow2(quotient, false, a, r, d.into());
        }
        // A quotient by a multiplier below 2^32 needs no 128-bit product, so
        // `rdx` stays as it is. (A remainder keeps Lemire's two
        // multiplications: through the quotient it would take one more
        // instruction's latency, which a chain of remainders, as in a
        // linear congruential generator, pays on every step.)
        if let (true, Some((m, shift))) = (quotient, magic_u32(d)) {
            asm!(self.asm
                ; mov eax, Rd(r)
                ; mov ecx, m as i32
                ; imul rax, rcx
                ; shr rax, shift as i8
            );
            self.set_gpr(a, RAX);
            return;
        }
        let m = (u64::MAX / d as u64).wrapping_add(1);
        asm!(self.asm; mov eax, Rd(r); push rdx; mov rcx, QWORD m as i64);
        if quotient {
            // high(n * m) = n / d
            asm!(self.asm; mul rcx);
        } else {
            // high(low(n * m) * d) = n % d
            asm!(self.asm; imul rax, rcx; mov ecx, d as i32; mul rcx);
        }
        asm!(self.asm; mov eax, edx; pop rdx);
        self.set_gpr(a, RAX);
    }

    /// Signed 32-bit division or remainder by a constant `d > 1`, which cannot
    /// trap: the unsigned method on `|n|`, then the sign of `n` (truncating
    /// division; the remainder takes the dividend's sign).
    pub(super) fn div_s32_const(&mut self, quotient: bool, a: u16, b: u16, d: u32) {
        let r = self.gpr(b, RAX);
        let m = (u64::MAX / d as u64).wrapping_add(1);
        asm!(self.asm
            ; push rdx
            ; mov eax, Rd(r)
            ; cdq
            ; xor eax, edx
            ; sub eax, edx
            ; push rdx
            ; mov rcx, QWORD m as i64
        );
        if quotient {
            asm!(self.asm; mul rcx);
        } else {
            asm!(self.asm; imul rax, rcx; mov ecx, d as i32; mul rcx);
        }
        asm!(self.asm
            ; mov eax, edx
            ; pop rdx
            ; xor eax, edx
            ; sub eax, edx
            ; pop rdx
        );
        self.set_gpr(a, RAX);
    }

    /// Unsigned 64-bit division or remainder by a constant `1 < d < 2^63`,
    /// which cannot trap: a shift or mask for a power of two, otherwise the
    /// round-up method of Granlund and Montgomery ("Division by invariant
    /// integers using multiplication", exact for every 64-bit `n`): with
    /// `l = ceil(log2 d)` and `m = floor(2^64 (2^l - d) / d) + 1`,
    /// `t = high(n * m)` and `n / d = (t + ((n - t) >> 1)) >> (l - 1)`.
    pub(super) fn div_u64_const(&mut self, quotient: bool, a: u16, b: u16, d: u64) {
        let r = self.gpr(b, RAX);
        if d.is_power_of_two() {
            return self.div_pow2(quotient, true, a, r, d);
        }
        asm!(self.asm; push rdx; mov rcx, Rq(r));
        self.quotient_u64(d);
        if !quotient {
            self.minus_quotient_times(d);
        }
        asm!(self.asm; pop rdx);
        self.set_gpr(a, RAX);
    }

    /// `a = r / d` or `r % d`, unsigned, for a power of two `d`: a shift or a
    /// mask, at 64 bits when `wide`.
    pub(super) fn div_pow2(&mut self, quotient: bool, wide: bool, a: u16, r: u8, d: u64) {
        let dst = self.dst(a);
        match (r != dst, wide) {
            (true, false) => asm!(self.asm; mov Rd(dst), Rd(r)),
            (true, true) => asm!(self.asm; mov Rq(dst), Rq(r)),
            (false, _) => {}
        }
        let k = d.trailing_zeros() as i8;
        match (quotient, wide) {
            (true, false) => asm!(self.asm; shr Rd(dst), k),
            (true, true) => asm!(self.asm; shr Rq(dst), k),
            (false, false) => asm!(self.asm; and Rd(dst), (d - 1) as i32),
            (false, true) if d - 1 <= i32::MAX as u64 => {
                asm!(self.asm; and Rq(dst), (d - 1) as i32)
            }
            (false, true) => asm!(self.asm; mov rcx, QWORD (d - 1) as i64; and Rq(dst), rcx),
        }
        self.set_gpr(a, dst);
    }

    /// Signed 64-bit division or remainder by a constant `d > 1`, which cannot
    /// trap: the unsigned method on `|n|`, then the sign of `n` (truncating
    /// division; the remainder takes the dividend's sign).
    pub(super) fn div_s64_const(&mut self, quotient: bool, a: u16, b: u16, d: u64) {
        let r = self.gpr(b, RAX);
        asm!(self.asm
            ; push rdx
            ; mov rax, Rq(r)
            ; cqo
            ; xor rax, rdx
            ; sub rax, rdx
            ; push rdx
            ; mov rcx, rax
        );
        if d.is_power_of_two() {
            let k = d.trailing_zeros() as i8;
            if quotient {
                asm!(self.asm; shr rax, k);
            } else {
                asm!(self.asm; mov rdx, QWORD (d - 1) as i64; and rax, rdx);
            }
        } else {
            self.quotient_u64(d);
            if !quotient {
                self.minus_quotient_times(d);
            }
        }
        asm!(self.asm
            ; pop rdx
            ; xor rax, rdx
            ; sub rax, rdx
            ; pop rdx
        );
        self.set_gpr(a, RAX);
    }

    /// `rax = rcx / d` (unsigned, `d` not a power of two, `d < 2^63`); uses `rdx`.
    pub(super) fn quotient_u64(&mut self, d: u64) {
        let l = 64 - (d - 1).leading_zeros();
        let m = ((1u128 << (64 + l)) / d as u128 + 1 - (1u128 << 64)) as u64;
        asm!(self.asm
            ; mov rax, QWORD m as i64
            ; mul rcx
            ; mov rax, rcx
            ; sub rax, rdx
            ; shr rax, 1
            ; add rax, rdx
            ; shr rax, (l - 1) as i8
        );
    }

    /// `rax = rcx - rax * d`: the remainder, given the quotient in `rax`.
    pub(super) fn minus_quotient_times(&mut self, d: u64) {
        asm!(self.asm
            ; mov rdx, QWORD d as i64
            ; imul rax, rdx
            ; sub rcx, rax
            ; mov rax, rcx
        );
    }

    /// `a = b op rcx` for a division or remainder, with its traps.
    pub(super) fn div(&mut self, op: Op, wide: bool, a: u16, b: u16) {
        let zero = self.trap_code(TrapCode::IntegerDivisionByZero);
        if wide {
            asm!(self.asm; test rcx, rcx; jz =>zero);
        } else {
            asm!(self.asm; test ecx, ecx; jz =>zero);
        }
        let r = self.gpr(b, RAX);
        if r != RAX {
            asm!(self.asm; mov rax, Rq(r));
        }
        // `rdx` may hold a slot; the division needs it.
        asm!(self.asm; push rdx);
        let result = match (op, wide) {
            (Op::I32DivS, false) | (Op::I64DivS, true) => {
                let ovf = self.trap_code(TrapCode::IntegerOverflow);
                let ok = self.asm.new_dynamic_label();
                if wide {
                    asm!(self.asm
                        ; cmp rcx, -1
                        ; jne =>ok
                        ; mov rdx, QWORD i64::MIN
                        ; cmp rax, rdx
                        ; je =>ovf
                        ; =>ok
                        ; cqo
                        ; idiv rcx
                    );
                } else {
                    asm!(self.asm
                        ; cmp ecx, -1
                        ; jne =>ok
                        ; cmp eax, i32::MIN
                        ; je =>ovf
                        ; =>ok
                        ; cdq
                        ; idiv ecx
                    );
                }
                RAX
            }
            (Op::I32RemS, false) | (Op::I64RemS, true) => {
                // x % -1 is 0, and idiv would fault on MIN % -1.
                let minus_one = self.asm.new_dynamic_label();
                let done = self.asm.new_dynamic_label();
                if wide {
                    asm!(self.asm
                        ; cmp rcx, -1
                        ; je =>minus_one
                        ; cqo
                        ; idiv rcx
                        ; jmp =>done
                    );
                } else {
                    asm!(self.asm
                        ; cmp ecx, -1
                        ; je =>minus_one
                        ; cdq
                        ; idiv ecx
                        ; jmp =>done
                    );
                }
                asm!(self.asm
                    ; =>minus_one
                    ; xor edx, edx
                    ; =>done
                );
                RDX
            }
            (Op::I32DivU, false) | (Op::I64DivU, true) => {
                if wide {
                    asm!(self.asm; xor edx, edx; div rcx);
                } else {
                    asm!(self.asm; xor edx, edx; div ecx);
                }
                RAX
            }
            _ => {
                if wide {
                    asm!(self.asm; xor edx, edx; div rcx);
                } else {
                    asm!(self.asm; xor edx, edx; div ecx);
                }
                RDX
            }
        };
        if result == RDX {
            asm!(self.asm; mov rax, rdx);
        }
        asm!(self.asm; pop rdx);
        self.set_gpr(a, RAX);
    }
}

#[cfg(test)]
mod tests {
    use super::magic_u32;

    /// The magic numbers against division, on the dividends where an error
    /// would show first (around multiples of `d` and at the top of the range)
    /// and on a spread of others.
    #[test]
    fn magic_u32_divides() {
        let mut found = 0;
        for d in (3..2000u32).chain([10_000, 65_537, 1 << 31 | 1, u32::MAX - 2, u32::MAX]) {
            if d.is_power_of_two() {
                continue;
            }
            let Some((m, shift)) = magic_u32(d) else {
                continue;
            };
            found += 1;
            let check = |n: u32| {
                assert_eq!((n as u64 * m as u64) >> shift, (n / d) as u64, "{n} / {d}");
            };
            let top = u32::MAX / d * d;
            for k in [
                0,
                1,
                2,
                d - 1,
                d,
                d + 1,
                top - 1,
                top,
                u32::MAX - 1,
                u32::MAX,
            ] {
                check(k);
            }
            for q in (0..u32::MAX / d).step_by((u32::MAX / d / 1000).max(1) as usize) {
                check(q * d);
                check((q * d).wrapping_sub(1));
                check(q * d + d - 1);
            }
        }
        // Most small divisors have one (3, 5, 6, 10, 12, ...; not 7).
        assert!(found > 1000, "{found}");
        assert_eq!(magic_u32(10), Some((0xcccc_cccd, 35)));
        assert_eq!(magic_u32(7), None);
    }
}
