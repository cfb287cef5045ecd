//! Float arithmetic, compares and conversions. An f32 lives in the low half
//! of a `d` register (or cell) with the upper half clear: every scalar
//! instruction writing an `s` register clears the rest of it.

use super::{codegen, Cond, FnGen, X16, X17, X9};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};
use zwasm_abi::ir::{Instr, Op};
use zwasm_abi::TrapCode;

/// Whether this module compiles `op`.
pub(super) fn covers(op: Op) -> bool {
    float(op).is_some()
}

/// The float ops: (operation, 64-bit).
fn float(op: Op) -> Option<(Float, bool)> {
    use Op::*;
    Some(match op {
        F32Add => (Float::Add, false),
        F32Sub => (Float::Sub, false),
        F32Mul => (Float::Mul, false),
        F32Div => (Float::Div, false),
        F32Min => (Float::Min, false),
        F32Max => (Float::Max, false),
        F32Copysign => (Float::Copysign, false),
        F32Eq => (Float::Cmp(FCmp::Eq), false),
        F32Ne => (Float::Cmp(FCmp::Ne), false),
        F32Lt => (Float::Cmp(FCmp::Lt), false),
        F32Gt => (Float::Cmp(FCmp::Gt), false),
        F32Le => (Float::Cmp(FCmp::Le), false),
        F32Ge => (Float::Cmp(FCmp::Ge), false),
        F32Abs => (Float::Abs, false),
        F32Neg => (Float::Neg, false),
        F32Ceil => (Float::Ceil, false),
        F32Floor => (Float::Floor, false),
        F32Trunc => (Float::Trunc, false),
        F32Nearest => (Float::Nearest, false),
        F32Sqrt => (Float::Sqrt, false),
        F64Add => (Float::Add, true),
        F64Sub => (Float::Sub, true),
        F64Mul => (Float::Mul, true),
        F64Div => (Float::Div, true),
        F64Min => (Float::Min, true),
        F64Max => (Float::Max, true),
        F64Copysign => (Float::Copysign, true),
        F64Eq => (Float::Cmp(FCmp::Eq), true),
        F64Ne => (Float::Cmp(FCmp::Ne), true),
        F64Lt => (Float::Cmp(FCmp::Lt), true),
        F64Gt => (Float::Cmp(FCmp::Gt), true),
        F64Le => (Float::Cmp(FCmp::Le), true),
        F64Ge => (Float::Cmp(FCmp::Ge), true),
        F64Abs => (Float::Abs, true),
        F64Neg => (Float::Neg, true),
        F64Ceil => (Float::Ceil, true),
        F64Floor => (Float::Floor, true),
        F64Trunc => (Float::Trunc, true),
        F64Nearest => (Float::Nearest, true),
        F64Sqrt => (Float::Sqrt, true),
        F32ConvertI32S => (Float::FromInt(true, false), false),
        F32ConvertI32U => (Float::FromInt(false, false), false),
        F32ConvertI64S => (Float::FromInt(true, true), false),
        F32ConvertI64U => (Float::FromInt(false, true), false),
        F64ConvertI32S => (Float::FromInt(true, false), true),
        F64ConvertI32U => (Float::FromInt(false, false), true),
        F64ConvertI64S => (Float::FromInt(true, true), true),
        F64ConvertI64U => (Float::FromInt(false, true), true),
        F32DemoteF64 => (Float::Demote, false),
        F64PromoteF32 => (Float::Promote, true),
        I32TruncF32S => (Float::ToInt(To::new(true, false, false)), false),
        I32TruncF32U => (Float::ToInt(To::new(false, false, false)), false),
        I32TruncF64S => (Float::ToInt(To::new(true, false, false)), true),
        I32TruncF64U => (Float::ToInt(To::new(false, false, false)), true),
        I64TruncF32S => (Float::ToInt(To::new(true, true, false)), false),
        I64TruncF32U => (Float::ToInt(To::new(false, true, false)), false),
        I64TruncF64S => (Float::ToInt(To::new(true, true, false)), true),
        I64TruncF64U => (Float::ToInt(To::new(false, true, false)), true),
        I32TruncSatF32S => (Float::ToInt(To::new(true, false, true)), false),
        I32TruncSatF32U => (Float::ToInt(To::new(false, false, true)), false),
        I32TruncSatF64S => (Float::ToInt(To::new(true, false, true)), true),
        I32TruncSatF64U => (Float::ToInt(To::new(false, false, true)), true),
        I64TruncSatF32S => (Float::ToInt(To::new(true, true, true)), false),
        I64TruncSatF32U => (Float::ToInt(To::new(false, true, true)), false),
        I64TruncSatF64S => (Float::ToInt(To::new(true, true, true)), true),
        I64TruncSatF64U => (Float::ToInt(To::new(false, true, true)), true),
        _ => return None,
    })
}

/// A float operation (the width is apart).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Float {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    Copysign,
    Cmp(FCmp),
    Abs,
    Neg,
    Ceil,
    Floor,
    Trunc,
    Nearest,
    Sqrt,
    /// From an integer: (signed, 64-bit source).
    FromInt(bool, bool),
    /// f64 to f32.
    Demote,
    /// f32 to f64.
    Promote,
    /// To an integer, truncating.
    ToInt(To),
}

/// A float-to-integer truncation.
#[derive(Clone, Copy, PartialEq, Eq)]
struct To {
    signed: bool,
    to64: bool,
    /// Saturating (`trunc_sat`): NaN gives 0 and out-of-range values the
    /// nearest bound, which is what `fcvtzs`/`fcvtzu` do; otherwise those
    /// trap.
    saturating: bool,
}

impl To {
    const fn new(signed: bool, to64: bool, saturating: bool) -> To {
        To {
            signed,
            to64,
            saturating,
        }
    }
}

/// Whether `op` is a float-to-integer truncation (which the op table sends
/// through the runtime, and this backend compiles).
pub(super) fn is_trunc(op: Op) -> bool {
    matches!(float(op), Some((Float::ToInt(_), _)))
}

/// A float compare: false whenever an operand is NaN, but `ne`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FCmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

impl FnGen<'_> {
    /// Emits float op `pc`; returns the next pc to emit.
    pub(super) fn float(&mut self, pc: usize, i: &Instr) -> usize {
        let (f, wide) = float(i.op).expect("a float op");
        match f {
            Float::ToInt(to) => self.trunc(i, to, wide),
            Float::Copysign => {
                // The magnitude's bits under the sign's: one bit-field insert.
                let b = self.gpr(i.b, X9);
                let c = self.gpr(i.c, X17);
                if wide {
                    asm!(self.asm
                        ; mov x16, X(c)
                        ; bfxil x16, X(b), #0, #63
                    );
                } else {
                    asm!(self.asm
                        ; mov w16, W(c)
                        ; bfxil w16, W(b), #0, #31
                    );
                }
                self.set_gpr(i.a, X16);
            }
            Float::FromInt(signed, from64) => {
                let r = self.gpr(i.b, X9);
                let d = self.fdst(i.a);
                match (signed, from64, wide) {
                    (true, false, false) => asm!(self.asm; scvtf S(d), W(r)),
                    (true, true, false) => asm!(self.asm; scvtf S(d), X(r)),
                    (false, false, false) => asm!(self.asm; ucvtf S(d), W(r)),
                    (false, true, false) => asm!(self.asm; ucvtf S(d), X(r)),
                    (true, false, true) => asm!(self.asm; scvtf D(d), W(r)),
                    (true, true, true) => asm!(self.asm; scvtf D(d), X(r)),
                    (false, false, true) => asm!(self.asm; ucvtf D(d), W(r)),
                    (false, true, true) => asm!(self.asm; ucvtf D(d), X(r)),
                }
                self.set_fpr(i.a, d);
            }
            Float::Cmp(c) => {
                let fused = self.fuses_with_branch(pc);
                let b = self.fpr(i.b, 0);
                let r = self.fpr(i.c, 1);
                if wide {
                    asm!(self.asm; fcmp D(b), D(r));
                } else {
                    asm!(self.asm; fcmp S(b), S(r));
                }
                if fused {
                    let next = self.code[pc + 1];
                    let l = codegen::target(self, pc + 1);
                    self.fb_cond(c, next.op == Op::BrIfNez, l);
                    return pc + 2;
                }
                // An unordered compare sets C and V: `mi`, `ls`, `gt` and
                // `ge` are then false, as `eq`; `ne` true.
                let d = self.dst(i.a);
                match c {
                    FCmp::Eq => asm!(self.asm; cset W(d), eq),
                    FCmp::Ne => asm!(self.asm; cset W(d), ne),
                    FCmp::Lt => asm!(self.asm; cset W(d), mi),
                    FCmp::Gt => asm!(self.asm; cset W(d), gt),
                    FCmp::Le => asm!(self.asm; cset W(d), ls),
                    FCmp::Ge => asm!(self.asm; cset W(d), ge),
                }
                self.set_gpr(i.a, d);
            }
            _ => {
                let b = self.fpr(i.b, 0);
                let d = self.fdst(i.a);
                if self.float_unary(f, wide, d, b) {
                    self.set_fpr(i.a, d);
                    return pc + 1;
                }
                let c = self.fpr(i.c, 1);
                if matches!(f, Float::Min | Float::Max) {
                    self.min_max(f == Float::Min, wide, d, b, c);
                    self.set_fpr(i.a, d);
                    return pc + 1;
                }
                match (f, wide) {
                    (Float::Add, false) => asm!(self.asm; fadd S(d), S(b), S(c)),
                    (Float::Sub, false) => asm!(self.asm; fsub S(d), S(b), S(c)),
                    (Float::Mul, false) => asm!(self.asm; fmul S(d), S(b), S(c)),
                    (_, false) => asm!(self.asm; fdiv S(d), S(b), S(c)),
                    (Float::Add, true) => asm!(self.asm; fadd D(d), D(b), D(c)),
                    (Float::Sub, true) => asm!(self.asm; fsub D(d), D(b), D(c)),
                    (Float::Mul, true) => asm!(self.asm; fmul D(d), D(b), D(c)),
                    (_, true) => asm!(self.asm; fdiv D(d), D(b), D(c)),
                }
                self.set_fpr(i.a, d);
            }
        }
        pc + 1
    }

    /// `min` and `max`. With a NaN operand the result is the first NaN
    /// operand quieted, the rule of x86's `minss` family, which the
    /// interpreter follows (`fmin`'s own choice prefers a signalling NaN).
    fn min_max(&mut self, min: bool, wide: bool, d: u8, b: u8, c: u8) {
        let nan = self.asm.new_dynamic_label();
        let done = self.asm.new_dynamic_label();
        if wide {
            asm!(self.asm; fcmp D(b), D(c));
        } else {
            asm!(self.asm; fcmp S(b), S(c));
        }
        asm!(self.asm; b.vs =>nan);
        match (min, wide) {
            (true, false) => asm!(self.asm; fmin S(d), S(b), S(c)),
            (false, false) => asm!(self.asm; fmax S(d), S(b), S(c)),
            (true, true) => asm!(self.asm; fmin D(d), D(b), D(c)),
            (false, true) => asm!(self.asm; fmax D(d), D(b), D(c)),
        }
        // The first NaN operand, quieted (by adding it to itself).
        asm!(self.asm; b =>done; =>nan);
        if wide {
            asm!(self.asm
                ; fcmp D(b), D(b)
                ; fcsel D(d), D(b), D(c), vs
                ; fadd D(d), D(d), D(d)
            );
        } else {
            asm!(self.asm
                ; fcmp S(b), S(b)
                ; fcsel S(d), S(b), S(c), vs
                ; fadd S(d), S(d), S(d)
            );
        }
        asm!(self.asm; =>done);
    }

    /// Float to integer. A trapping truncation checks its operand first,
    /// in f64 (which holds every f32 exactly) against the bounds the
    /// interpreter uses: NaN is an invalid conversion, a value outside the
    /// open interval (lo, hi) overflows.
    fn trunc(&mut self, i: &Instr, to: To, from64: bool) {
        let b = self.fpr(i.b, 0);
        let x = if from64 {
            b
        } else {
            asm!(self.asm; fcvt d0, S(b));
            0
        };
        if !to.saturating {
            let (lo, hi): (f64, f64) = match (to.signed, to.to64) {
                (true, false) => (-2147483649.0, 2147483648.0),
                (false, false) => (-1.0, 4294967296.0),
                (true, true) => (-9223372036854777856.0, 9223372036854775808.0),
                (false, true) => (-1.0, 18446744073709551616.0),
            };
            let nan = self.trap_code(TrapCode::BadConversionToInteger);
            let overflow = self.trap_code(TrapCode::IntegerOverflow);
            self.mov_imm(X16, lo.to_bits());
            asm!(self.asm
                ; fmov d1, x16
                ; fcmp D(x), d1
            );
            self.b_cond(Cond::Vs, nan);
            self.b_cond(Cond::Ls, overflow);
            self.mov_imm(X16, hi.to_bits());
            asm!(self.asm
                ; fmov d1, x16
                ; fcmp D(x), d1
            );
            self.b_cond(Cond::Ge, overflow);
        }
        let d = self.dst(i.a);
        match (to.signed, to.to64) {
            (true, false) => asm!(self.asm; fcvtzs W(d), D(x)),
            (false, false) => asm!(self.asm; fcvtzu W(d), D(x)),
            (true, true) => asm!(self.asm; fcvtzs X(d), D(x)),
            (false, true) => asm!(self.asm; fcvtzu X(d), D(x)),
        }
        self.set_gpr(i.a, d);
    }

    /// The one-operand float ops, `d` = f(`b`); false for the others.
    /// `fabs` and `fneg` only change the sign bit, so a NaN keeps its
    /// payload as wasm asks.
    fn float_unary(&mut self, f: Float, wide: bool, d: u8, b: u8) -> bool {
        match (f, wide) {
            (Float::Abs, false) => asm!(self.asm; fabs S(d), S(b)),
            (Float::Neg, false) => asm!(self.asm; fneg S(d), S(b)),
            (Float::Ceil, false) => asm!(self.asm; frintp S(d), S(b)),
            (Float::Floor, false) => asm!(self.asm; frintm S(d), S(b)),
            (Float::Trunc, false) => asm!(self.asm; frintz S(d), S(b)),
            (Float::Nearest, false) => asm!(self.asm; frintn S(d), S(b)),
            (Float::Sqrt, false) => asm!(self.asm; fsqrt S(d), S(b)),
            (Float::Demote, _) => asm!(self.asm; fcvt S(d), D(b)),
            (Float::Abs, true) => asm!(self.asm; fabs D(d), D(b)),
            (Float::Neg, true) => asm!(self.asm; fneg D(d), D(b)),
            (Float::Ceil, true) => asm!(self.asm; frintp D(d), D(b)),
            (Float::Floor, true) => asm!(self.asm; frintm D(d), D(b)),
            (Float::Trunc, true) => asm!(self.asm; frintz D(d), D(b)),
            (Float::Nearest, true) => asm!(self.asm; frintn D(d), D(b)),
            (Float::Sqrt, true) => asm!(self.asm; fsqrt D(d), D(b)),
            (Float::Promote, _) => asm!(self.asm; fcvt D(d), S(b)),
            _ => return false,
        }
        true
    }

    /// Branches to `l` if the float compare just made is `taken` (true), or
    /// is false: the negations hold for unordered operands too.
    fn fb_cond(&mut self, c: FCmp, taken: bool, l: DynamicLabel) {
        let cond = match (c, taken) {
            (FCmp::Eq, true) | (FCmp::Ne, false) => Cond::Eq,
            (FCmp::Ne, true) | (FCmp::Eq, false) => Cond::Ne,
            (FCmp::Lt, true) => Cond::Mi,
            (FCmp::Lt, false) => Cond::Pl,
            (FCmp::Gt, true) => Cond::Gt,
            (FCmp::Gt, false) => Cond::Le,
            (FCmp::Le, true) => Cond::Ls,
            (FCmp::Le, false) => Cond::Hi,
            (FCmp::Ge, true) => Cond::Ge,
            (FCmp::Ge, false) => Cond::Lt,
        };
        self.b_cond(cond, l);
    }
}
