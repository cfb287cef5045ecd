//! Small leaf functions copied into their callers before register
//! allocation, for native code only (the artifact's IR stays as written, so
//! the interpreter runs the calls).
//!
//! In the slot convention a callee's frame starts at its caller's slot `a`
//! of the call, so a copied body needs no argument or result moves: callee
//! slot `k` is caller slot `a + k`. Its declared locals are zeroed, its
//! `return`s jump past it, and the caller's frame grows to cover it. Only
//! functions that trap nowhere but at a memory fault are copied: a fault's
//! address lies inside the copy, whose range the artifact records, so a
//! backtrace still shows the callee's frame (`Module::inlined_at`); a trap
//! stub would be the caller's.

use super::ModuleInfo;
use std::borrow::Cow;
use zwasm_abi::ir::{Fmt, Instr, Op};

/// Callees of at most this many IR instructions are copied.
const MAX_CALLEE: usize = 32;

/// A caller grows by at most this many instructions, or by twice its own
/// size when that is more: a large function full of calls to one small
/// helper (`__multi3`, 128-bit multiplication, called 805 times from one
/// function of `ed25519`) gets them all copied, where a fixed cap left
/// most of them calls.
const MAX_GROWTH: usize = 4096;

/// A function's code with its calls of small leaf functions replaced by
/// copies of their bodies.
pub(crate) struct Expanded<'a> {
    pub code: Cow<'a, [Instr]>,
    /// The frame, grown to cover the copies' slots.
    pub num_slots: usize,
    /// For each instruction, the pc in the function's own IR it comes from
    /// (`u32::MAX` inside a copy); empty when nothing was copied.
    orig_pc: Vec<u32>,
    /// The copies: (first pc, end pc, callee's defined function).
    pub sites: Vec<(usize, usize, u32)>,
}

impl Expanded<'_> {
    /// The pc in the function's own IR of the instruction at `pc`.
    pub fn orig_pc(&self, pc: usize) -> u32 {
        self.orig_pc.get(pc).copied().unwrap_or(pc as u32)
    }
}

/// Which defined functions may be copied into their callers: native, at
/// most [`MAX_CALLEE`] instructions, no calls, nothing handed to the
/// runtime (`goes_to_runtime`), and no trap but a memory fault under guard
/// pages (so no division, no `unreachable`, no explicit bounds check).
pub(crate) fn inlinable(
    m: &ModuleInfo,
    native: &[bool],
    goes_to_runtime: impl Fn(Op) -> bool,
) -> Vec<bool> {
    (0..native.len())
        .map(|def| {
            native[def]
                && m.meta.funcs[def].code_len as usize <= MAX_CALLEE
                && m.func_code(def).iter().all(|i| {
                    !goes_to_runtime(i.op)
                        && !super::is_vector(i.op)
                        && match i.op.fmt() {
                            Fmt::None
                            | Fmt::Br
                            | Fmt::BrIf
                            | Fmt::BrCmp
                            | Fmt::BrCmpImm
                            | Fmt::BrTable
                            | Fmt::Const
                            | Fmt::Select
                            | Fmt::Return
                            | Fmt::ReturnSlot
                            | Fmt::GlobalGet
                            | Fmt::GlobalSet => true,
                            Fmt::Unary | Fmt::Binary | Fmt::BinaryImm => !i.op.may_trap(),
                            Fmt::Load | Fmt::Store => !m.memory64,
                            _ => false,
                        }
                })
        })
        .collect()
}

/// The code of `def` with every direct call of an `inlinable` function
/// replaced by a copy of its body (none when fuel or interrupt checks are
/// compiled in: they count function entries).
pub(crate) fn expand<'a>(m: &ModuleInfo<'a>, def: usize, inlinable: &[bool]) -> Expanded<'a> {
    let code = m.func_code(def);
    let own_slots = m.meta.funcs[def].num_slots as usize;
    let callee_of = |i: &Instr| {
        let callee = (i.op == Op::Call)
            .then(|| (i.imm as u32).checked_sub(m.num_imported_funcs))
            .flatten()? as usize;
        let fits = i.a as usize + m.meta.funcs.get(callee)?.num_slots as usize <= u16::MAX as usize;
        (callee != def && inlinable.get(callee) == Some(&true) && fits).then_some(callee)
    };
    // A function with vectors keeps its frame (see `MAX_VECTOR_SLOTS`).
    if m.hooks != 0
        || !code.iter().any(|i| i.op == Op::Call)
        || code.iter().any(|i| super::is_vector(i.op))
        || !code.iter().any(|i| callee_of(i).is_some())
    {
        return Expanded {
            code: Cow::Borrowed(code),
            num_slots: own_slots,
            orig_pc: Vec::new(),
            sites: Vec::new(),
        };
    }
    let mut out: Vec<Instr> = Vec::with_capacity(code.len() + 64);
    let mut orig_pc: Vec<u32> = Vec::with_capacity(code.len() + 64);
    // The new pc of each of the function's own instructions, and of its end.
    let mut new_pc: Vec<usize> = Vec::with_capacity(code.len() + 1);
    // The function's own branches: (new pc, target as an own pc).
    let mut own_branches: Vec<(usize, usize)> = Vec::new();
    let mut sites = Vec::new();
    let mut num_slots = own_slots;
    let mut growth = 0;
    let max_growth = MAX_GROWTH.max(2 * code.len());
    for (pc, i) in code.iter().enumerate() {
        new_pc.push(out.len());
        let callee = callee_of(i).filter(|&c| growth + m.func_code(c).len() <= max_growth);
        let Some(callee) = callee else {
            if i.op.fmt().is_branch() {
                let target = (pc as i64 + 1 + i.offset() as i64) as usize;
                own_branches.push((out.len(), target));
            }
            out.push(*i);
            orig_pc.push(pc as u32);
            continue;
        };
        let base = i.a;
        let f = &m.meta.funcs[callee];
        let body = m.func_code(callee);
        let start = out.len();
        for k in f.num_params..f.num_locals {
            out.push(Instr::new(Op::Const, base + k as u16, 0, 0, 0));
        }
        // The body's new pc of each of its instructions, and its branches:
        // (new pc, target as a body pc, or `body.len()` for its end).
        let mut body_pc = Vec::with_capacity(body.len() + 1);
        let mut branches: Vec<(usize, usize)> = Vec::new();
        for (k, b) in body.iter().enumerate() {
            body_pc.push(out.len());
            let last = k + 1 == body.len();
            match b.op {
                Op::Return | Op::ReturnSlot => {
                    if b.op == Op::ReturnSlot && b.b != 0 {
                        out.push(Instr::new(Op::Copy, base, base + b.b, 0, 0));
                    }
                    if !last {
                        branches.push((out.len(), body.len()));
                        out.push(Instr::new(Op::Br, 0, 0, 0, 0));
                    }
                }
                _ => {
                    if b.op.fmt().is_branch() {
                        let target = (k as i64 + 1 + b.offset() as i64) as usize;
                        branches.push((out.len(), target));
                    }
                    out.push(rebase(*b, base));
                }
            }
        }
        body_pc.push(out.len());
        for (at, target) in branches {
            set_target(&mut out[at], at, body_pc[target]);
        }
        orig_pc.resize(out.len(), u32::MAX);
        sites.push((start, out.len(), callee as u32));
        num_slots = num_slots.max(base as usize + f.num_slots as usize);
        growth += out.len() - start;
    }
    new_pc.push(out.len());
    for (at, target) in own_branches {
        set_target(&mut out[at], at, new_pc[target]);
    }
    Expanded {
        code: Cow::Owned(out),
        num_slots,
        orig_pc,
        sites,
    }
}

/// Points the branch at `at` to `target`, keeping the rest of its `imm`
/// (a compare-with-immediate branch's constant).
fn set_target(i: &mut Instr, at: usize, target: usize) {
    let offset = target as i64 - (at as i64 + 1);
    i.imm = (i.imm & !0xffff_ffff) | (offset as i32 as u32 as u64);
}

/// Instruction `i` of a callee whose frame starts at caller slot `base`:
/// every field its format reads or writes as a slot moves up by `base`.
fn rebase(mut i: Instr, base: u16) -> Instr {
    let fmt = i.op.fmt();
    let mask = fmt.read_mask();
    if mask & 1 != 0 || fmt.writes_a() {
        i.a += base;
    }
    if mask & 2 != 0 {
        i.b += base;
    }
    if mask & 4 != 0 {
        i.c += base;
    }
    if fmt == Fmt::Select {
        // The condition slot.
        i.imm = (i.imm as u16 + base) as u64;
    }
    i
}
