//! Vector ops on x86_64 with SSE4.1: byte permutes (shuffle, swizzle and
//! the pshufb-table popcnt) and the lane memory ops (see simd.rs for how
//! vectors are held, simd_int.rs for the helpers shared here).

use super::{FnGen, L};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use zwasm_abi::ir::{Instr, Op};

macro_rules! asm {
    ($ops:expr; $($t:tt)*) => {
        dynasm!($ops ; .arch x64 ; $($t)*)
    };
}

/// Whether this file compiles vector op `op`.
pub(super) fn covers(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        I8x16Popcnt
            | I8x16Swizzle
            | I8x16RelaxedSwizzle
            | I8x16Shuffle
            | V128Load8Splat
            | V128Load16Splat
            | V128Load8Lane
            | V128Load16Lane
            | V128Load32Lane
            | V128Load64Lane
            | V128Store8Lane
            | V128Store16Lane
            | V128Store32Lane
            | V128Store64Lane
    )
}

/// pshufb indices: byte `k` of the result is byte `idx[k]` of the source,
/// or 0 where bit 7 is set.
type Indices = [u8; 16];

/// A pshufb index that gives 0.
const ZERO: u8 = 0x80;

/// The 16-entry byte table of `f` over 0..16, as two qwords.
fn nibble_table(f: impl Fn(u8) -> u8) -> (u64, u64) {
    let t = u128::from_le_bytes(std::array::from_fn(|n| f(n as u8)));
    (t as u64, (t >> 64) as u64)
}

impl FnGen<'_> {
    /// Emits vector instruction `pc`, one `covers` accepts; returns the
    /// next pc to emit.
    pub(super) fn simd_shuffle(&mut self, pc: usize, i: &Instr) -> usize {
        use Op::*;
        match i.op {
            I8x16Popcnt => self.popcnt(i),
            I8x16Swizzle | I8x16RelaxedSwizzle => {
                // pshufb reads the low 4 bits of an index (bit 7 gives 0);
                // adding 0x70 with unsigned saturation moves every index of
                // 16 or more to 0x80 or more and keeps the low 4 bits of the
                // others. `c` goes to xmm1 first: it may be in `a`'s register.
                self.vcopy(1, i.c);
                self.vbytes(0, 0x70);
                asm!(self.asm; paddusb xmm1, xmm0);
                let d = self.vdst(i.a);
                self.vcopy(d, i.b);
                asm!(self.asm; pshufb Rx(d), xmm1);
                self.vset(i.a, d);
            }
            I8x16Shuffle => {
                self.shuffle(pc, i);
                return pc + 2;
            }
            V128Load8Splat | V128Load16Splat => {
                let size = if i.op == V128Load8Splat { 1 } else { 2 };
                // Through ecx (free once the address is computed), so that
                // nothing depends on the old value of `a`'s register.
                let (x, disp) = self.address(i, size, pc);
                let d = self.vdst(i.a);
                if self.avx2() {
                    // One load-and-broadcast.
                    if size == 1 {
                        asm!(self.asm; vpbroadcastb Rx(d), BYTE [r14 + Rq(x) + disp]);
                    } else {
                        asm!(self.asm; vpbroadcastw Rx(d), WORD [r14 + Rq(x) + disp]);
                    }
                } else if size == 1 {
                    asm!(self.asm
                        ; movzx ecx, BYTE [r14 + Rq(x) + disp]
                        ; movd Rx(d), ecx
                        ; pxor xmm1, xmm1
                        ; pshufb Rx(d), xmm1
                    );
                } else {
                    asm!(self.asm
                        ; movzx ecx, WORD [r14 + Rq(x) + disp]
                        ; movd Rx(d), ecx
                        ; pshuflw Rx(d), Rx(d), 0
                        ; pshufd Rx(d), Rx(d), 0
                    );
                }
                self.vset(i.a, d);
            }
            V128Load8Lane | V128Load16Lane | V128Load32Lane | V128Load64Lane => {
                self.load_lane(i, pc)
            }
            V128Store8Lane | V128Store16Lane | V128Store32Lane | V128Store64Lane => {
                self.store_lane(i, pc)
            }
            other => unreachable!("{} is not covered (pc {pc})", other.name()),
        }
        pc + 1
    }

    /// i8x16.popcnt in two registers, with nibble tables for pshufb (which
    /// ignores bits 4-6 of an index). With x = hi << 4 | lo and T the
    /// popcounts of 0..16:
    /// 1. V[h] = (h - T[h]) << 4 looked up by `hi` (masked clean), and
    ///    subtracted from x: p = lo | T[hi] << 4, whose bit 7 is clear.
    /// 2. L[l] = (T[l] << 4) - l looked up by p (that is, by `lo`), plus p:
    ///    (T[lo] + T[hi]) << 4, whose low nibbles are zero, so a word shift
    ///    right by 4 brings each byte's count down without mixing bytes.
    fn popcnt(&mut self, i: &Instr) {
        let pop = |n: u8| n.count_ones() as u8;
        let (v_lo, v_hi) = nibble_table(|h| (h - pop(h)) << 4);
        let (l_lo, l_hi) = nibble_table(|l| (pop(l) << 4).wrapping_sub(l));
        self.vcopy(1, i.b);
        self.vbytes(0, 0x0f);
        asm!(self.asm; psrlw xmm1, 4; pand xmm1, xmm0);
        self.vconst(0, v_lo, v_hi);
        asm!(self.asm; pshufb xmm0, xmm1);
        self.vcopy(1, i.b);
        asm!(self.asm; psubb xmm1, xmm0);
        self.vconst(0, l_lo, l_hi);
        asm!(self.asm
            ; pshufb xmm0, xmm1
            ; paddb xmm0, xmm1
            ; psrlw xmm0, 4
        );
        self.vset(i.a, 0);
    }

    /// `x` = pshufb(the vector at `slot`, `idx`), the indices read from the
    /// function's constants.
    fn pick(&mut self, x: u8, slot: u16, idx: Indices) {
        let idx = self.vector_constant(u128::from_le_bytes(idx));
        self.vcopy(x, slot);
        asm!(self.asm; pshufb Rx(x), [=>idx]);
    }

    /// `x` = the bytes of one vector permuted by `idx` (all below 16).
    fn permute(&mut self, x: u8, slot: u16, idx: Indices) {
        if idx == std::array::from_fn(|k| k as u8) {
            self.vcopy(x, slot);
            return;
        }
        // Whole dwords moved: one pshufd.
        let dword = |k: usize| idx[4 * k] / 4;
        let whole = (0..16).all(|k| idx[k] == 4 * dword(k / 4) + (k % 4) as u8);
        if whole {
            let imm = (0..4).fold(0, |acc, k| acc | dword(k) << (2 * k));
            let s = self.vsrc(slot, 1);
            asm!(self.asm; pshufd Rx(x), Rx(s), imm as i8);
            return;
        }
        self.pick(x, slot, idx);
    }

    /// i8x16.shuffle: byte k of `a` is byte lanes[k] of `b` ‖ `c` (the 16
    /// indices are in `imm` and the next instruction's). One source: one
    /// pshufb (or pshufd). Two: pshufb of each with the other's lanes
    /// zeroed (index 0x80), OR'ed, which needs `a`'s register as the third;
    /// when `a` lives in memory, the lanes of the source with fewer are
    /// inserted one by one (pinsrb) instead.
    fn shuffle(&mut self, pc: usize, i: &Instr) {
        let lanes = (i.imm as u128 | (self.code[pc + 1].imm as u128) << 64).to_le_bytes();
        let d = self.vdst(i.a);
        let from_c = lanes.iter().filter(|&&l| l >= 16).count();
        if i.b == i.c || from_c == 0 || from_c == 16 {
            let src = if from_c == 16 { i.c } else { i.b };
            self.permute(d, src, lanes.map(|l| l & 15));
            self.vset(i.a, d);
            return;
        }
        // The indices into `b` (`high` false) or `c`, others zeroed.
        let part = |high: bool| lanes.map(|l| if (l >= 16) == high { l & 15 } else { ZERO });
        if d != 0 {
            // The source in `d`'s register, if one is, goes first.
            let c_first = self.vloc(i.c) == L::X(d);
            let (first, second) = if c_first { (i.c, i.b) } else { (i.b, i.c) };
            self.pick(d, first, part(c_first));
            self.pick(0, second, part(!c_first));
            asm!(self.asm; por Rx(d), xmm0);
        } else {
            let c_bulk = from_c > 8;
            let (bulk, rest) = if c_bulk { (i.c, i.b) } else { (i.b, i.c) };
            self.pick(0, bulk, part(c_bulk));
            for (k, &l) in lanes.iter().enumerate() {
                if (l >= 16) == c_bulk {
                    continue;
                }
                let (k, j) = (k as i8, (l & 15) as i32);
                match self.vloc(rest) {
                    L::M(m) => asm!(self.asm; pinsrb xmm0, BYTE [rbx + m + j], k),
                    L::X(r) => asm!(self.asm; pextrb eax, Rx(r), j as i8; pinsrb xmm0, eax, k),
                    L::G(_) => unreachable!("vectors live in xmm registers or memory"),
                }
            }
        }
        self.vset(i.a, d);
    }

    /// The address of a lane load or store, whose `imm` packs the lane with
    /// the offset: `address` reads the offset from `imm`. (The constant
    /// address peephole only takes `Load`/`Store` formats, so `pc` never
    /// names one here.)
    fn lane_address(&mut self, i: &Instr, size: u64, pc: usize) -> (u8, i32) {
        let j = Instr {
            imm: i.lane_offset(),
            ..*i
        };
        self.address(&j, size, pc)
    }

    /// `a` = `c` with lane `lane()` loaded from memory. The address is
    /// computed first: its slot may live in the register `a` gets.
    fn load_lane(&mut self, i: &Instr, pc: usize) {
        let size = u64::from(crate::backend::lane_size(i.op));
        let (x, disp) = self.lane_address(i, size, pc);
        let d = self.vdst(i.a);
        self.vcopy(d, i.c);
        let lane = (i.lane() as u64 % (16 / size)) as i8;
        match size {
            1 => asm!(self.asm; pinsrb Rx(d), BYTE [r14 + Rq(x) + disp], lane),
            2 => asm!(self.asm; pinsrw Rx(d), WORD [r14 + Rq(x) + disp], lane),
            4 => asm!(self.asm; pinsrd Rx(d), DWORD [r14 + Rq(x) + disp], lane),
            _ => asm!(self.asm; pinsrq Rx(d), QWORD [r14 + Rq(x) + disp], lane),
        }
        self.vset(i.a, d);
    }

    /// Stores lane `lane()` of `c` to memory.
    fn store_lane(&mut self, i: &Instr, pc: usize) {
        let size = u64::from(crate::backend::lane_size(i.op));
        let (x, disp) = self.lane_address(i, size, pc);
        let v = self.vsrc(i.c, 0);
        let lane = (i.lane() as u64 % (16 / size)) as i8;
        match size {
            1 => asm!(self.asm; pextrb BYTE [r14 + Rq(x) + disp], Rx(v), lane),
            2 => asm!(self.asm; pextrw WORD [r14 + Rq(x) + disp], Rx(v), lane),
            4 => asm!(self.asm; pextrd DWORD [r14 + Rq(x) + disp], Rx(v), lane),
            _ => asm!(self.asm; pextrq QWORD [r14 + Rq(x) + disp], Rx(v), lane),
        }
    }
}
