//! The readable form of IR code, as `zwasm inspect --ir` shows it. Driven by
//! each op's `Fmt`, so a new op prints without touching this file.

use crate::ir::{Fmt, Instr};
use crate::TrapCode;
use std::fmt::Write;

/// Prints one instruction at position `pc` of its function.
pub fn instr(pc: usize, i: &Instr) -> String {
    let target = |off: i32| pc as i64 + 1 + off as i64;
    let mut s = format!("{pc:5}: {:<22}", i.op.name());
    // A superinstruction's name can be longer than the column.
    if !s.ends_with(' ') {
        s.push(' ');
    }
    let (a, b, c, imm) = (i.a, i.b, i.c, i.imm);
    let _ = match i.op.fmt() {
        // A `nop` after a 128-bit immediate carries its high half.
        Fmt::None if imm != 0 => write!(s, "{imm:#018x}"),
        Fmt::None | Fmt::Return => Ok(()),
        Fmt::Br => write!(s, "-> {}", target(i.offset())),
        Fmt::BrIf => write!(s, "s{b} -> {}", target(i.offset())),
        Fmt::BrCmp => write!(s, "s{b}, s{c} -> {}", target(i.offset())),
        Fmt::BrCmpImm => write!(s, "s{b}, {} -> {}", i.branch_imm(), target(i.offset())),
        Fmt::BrTable => write!(s, "s{b} [{imm} targets + default]"),
        Fmt::Unary => write!(s, "s{a} = s{b}"),
        Fmt::Binary => write!(s, "s{a} = s{b}, s{c}"),
        Fmt::BinaryImm => write!(s, "s{a} = s{b}, {}", imm as i64),
        Fmt::Const => write!(s, "s{a} = {imm:#x}"),
        Fmt::Select => write!(s, "s{a} = s{imm} ? s{b} : s{c}"),
        Fmt::Load => write!(s, "s{a} = [s{b} + {imm}]"),
        Fmt::Store => write!(s, "[s{b} + {imm}] = s{c}"),
        Fmt::Call => write!(s, "func {imm}, frame at s{a}"),
        Fmt::CallIndirect => write!(s, "type {imm}, table {c}[s{b}], frame at s{a}"),
        Fmt::ReturnSlot => write!(s, "s{b}"),
        Fmt::GlobalGet => write!(s, "s{a} = global {imm}"),
        Fmt::GlobalSet => write!(s, "global {imm} = s{b}"),
        Fmt::Trap => match TrapCode::from_u8(imm as u8) {
            Some(code) => write!(s, "{code}"),
            None => write!(s, "code {imm}"),
        },
        Fmt::Size => write!(s, "s{a} = index {imm}"),
        Fmt::MemGrow => write!(s, "s{a} = grow memory {imm} by s{b}"),
        Fmt::Bulk => write!(s, "s{a}, s{b}, s{c}, index {imm:#x}"),
        Fmt::TableGet => write!(s, "s{a} = table {imm}[s{b}]"),
        Fmt::TableSet => write!(s, "table {imm}[s{b}] = s{c}"),
        Fmt::TableGrow => write!(s, "s{a} = grow table {imm} by s{c} of s{b}"),
        Fmt::Drop => write!(s, "segment {imm}"),
        Fmt::RefFunc => write!(s, "s{a} = func {imm}"),
        Fmt::StructNew => write!(s, "s{a} = type {}, fields from s{b}", imm as u32),
        Fmt::StructGet => write!(s, "s{a} = s{b}.{} (type {})", imm >> 32, imm as u32),
        Fmt::StructSet => write!(s, "s{b}.{} (type {}) = s{c}", imm >> 32, imm as u32),
        Fmt::RefCast if imm >= crate::ir::ABSTRACT_HEAP => {
            write!(s, "s{a} = s{b} as abstract {}", imm as u32)
        }
        Fmt::RefCast => write!(s, "s{a} = s{b} as type {imm}"),
        Fmt::Ternary => write!(s, "s{a} = s{a}, s{b}, s{c}"),
        Fmt::BinaryLane => write!(s, "s{a} = s{b}, s{c} at lane {imm}"),
        Fmt::LoadLane => write!(
            s,
            "s{a} = s{c} with lane {} from [s{b} + {}]",
            i.lane(),
            i.lane_offset()
        ),
        Fmt::StoreLane => write!(s, "[s{b} + {}] = s{c} lane {}", i.lane_offset(), i.lane()),
        Fmt::V128Const => write!(s, "s{a} = low {imm:#018x}, high in the next word"),
        Fmt::Shuffle => write!(
            s,
            "s{a} = s{b}, s{c} by lanes {imm:#018x} and the next word"
        ),
    };
    s.truncate(s.trim_end().len());
    s
}

/// Prints a whole function body, one instruction a line.
pub fn function(code: &[Instr]) -> String {
    let mut out = String::new();
    for (pc, i) in code.iter().enumerate() {
        out.push_str(&instr(pc, i));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Op;

    #[test]
    fn prints_by_format() {
        let add = Instr::new(Op::I32Add, 2, 0, 1, 0);
        assert_eq!(instr(0, &add), "    0: i32.add               s2 = s0, s1");
        let br = Instr::new(Op::BrIfI32LtSImm, 0, 3, 0, Instr::pack_branch(-3, 10));
        assert_eq!(instr(5, &br), "    5: br_if.i32.lt_s_imm    s3, 10 -> 3");
        let trap = Instr::new(Op::Trap, 0, 0, 0, TrapCode::Unreachable as u64);
        assert_eq!(instr(1, &trap), "    1: trap                  unreachable");
    }
}
