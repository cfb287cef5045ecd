//! Lowering one function body from wasm's operand stack to register IR.
//!
//! Every operand-stack position `p` owns the frame slot `locals + p`. Operands
//! are tracked lazily: a `local.get` or a constant costs no instruction until an
//! op consumes it, so `i32.add (local.get 0) (i32.const 1)` becomes one
//! `i32.add_imm`. A block's results live in the slots of its stack height, so a
//! branch is a jump plus copies only for values not already in place, and a
//! call's arguments are already where the callee's frame begins.
//!
//! Each operator is validated just before it is lowered, so stack shapes are
//! trusted here.

use crate::fold;
use crate::CompileError;
use wasmparser::{BlockType, FuncValidator, FunctionBody, Operator, ValidatorResources};
use zwasm_abi::ir::{abstract_heap, ABSTRACT_HEAP};
use zwasm_abi::ir::{Fmt, Instr, Op};
use zwasm_abi::module::{FuncType, StructType};
use zwasm_abi::TrapCode;

#[path = "lower_stack.rs"]
mod stack;
#[path = "lower_visit.rs"]
mod visit;

use stack::{width_of, Stack};
use visit::{numeric, proposal_of, visit_operators};

/// What lowering needs to know about the module.
pub(crate) struct Env<'a> {
    pub types: &'a [FuncType],
    /// Which globals (imported ones first) are v128, as a bit set; empty
    /// when none is.
    pub v128_globals: Vec<u64>,
    /// Struct types (type index, definition), sorted by index.
    pub structs: &'a [(u32, StructType)],
    /// Type index of every function, imported ones first.
    pub func_types: &'a [u32],
    pub num_imported_funcs: u32,
}

/// A lowered function (its code is appended to the caller's buffer).
pub(crate) struct Lowered {
    pub code_len: u32,
    /// Slots of the parameters, and of the parameters plus the declared
    /// locals (a v128 takes two).
    pub num_params: u32,
    pub num_locals: u32,
    pub num_slots: u32,
}

/// The most slots a frame can have: slot numbers are 16-bit.
const MAX_SLOTS: usize = u16::MAX as usize;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Operand {
    /// The value of a local, not yet copied.
    Local(u16),
    /// A constant (as a slot value), not yet materialized.
    Const(u64),
    /// A value in its stack position's own slot.
    Temp,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Func,
    Block,
    Loop,
    If,
    Else,
}

struct Ctrl {
    kind: Kind,
    /// The block's type (`None` for the function's own frame).
    ty: Option<BlockType>,
    /// Operand-stack height below the block's parameters.
    height: u32,
    params: u32,
    results: u32,
    /// First instruction of a loop (its branch target).
    head: u32,
    /// Forward branches to patch to the block's end: a list in
    /// [`Lowerer::patches`] ([`NIL`] when empty).
    patches: u32,
    /// The `if`'s branches to its else arm (or its end, with no else): its
    /// condition, and copies of it made by loop rotation. A list like `patches`.
    else_patches: u32,
    /// Whether code at the block's start was reachable.
    reachable: bool,
    /// Where, in [`Lowerer::saved`], an `if` keeps its parameters as they
    /// were, to restore for its else arm.
    saved_at: u32,
}

impl Env<'_> {
    /// Whether global `index` holds a v128.
    fn v128_global(&self, index: u32) -> bool {
        let word = self
            .v128_globals
            .get(index as usize / 64)
            .copied()
            .unwrap_or(0);
        word >> (index % 64) & 1 != 0
    }
}

impl Ctrl {
    fn label_arity(&self) -> usize {
        if self.kind == Kind::Loop {
            self.params as usize
        } else {
            self.results as usize
        }
    }
    fn height(&self) -> usize {
        self.height as usize
    }
    fn results(&self) -> usize {
        self.results as usize
    }
}

/// The end of a patch list.
const NIL: u32 = u32::MAX;

/// Buffers one function's lowering leaves for the next to reuse.
#[derive(Default)]
pub(crate) struct Scratch {
    code: Vec<Instr>,
    stack: Stack,
    ctrls: Vec<Ctrl>,
    patches: Vec<(u32, u32)>,
    saved: Vec<(Operand, u32)>,
    local_at: Vec<u32>,
}

/// A source of a parallel move.
#[derive(Clone, Copy, PartialEq)]
enum Src {
    Slot(u16),
    Const(u64),
}

/// One move of a parallel move: `width` slots from `src` to `dst`.
#[derive(Clone, Copy)]
struct Move {
    dst: u16,
    src: Src,
    width: u32,
}

struct Lowerer<'a> {
    env: &'a Env<'a>,
    func: u32,
    code: Vec<Instr>,
    stack: Stack,
    ctrls: Vec<Ctrl>,
    /// The branches waiting for a label, as linked lists of
    /// (instruction, next entry), one list per pending label of `ctrls`.
    patches: Vec<(u32, u32)>,
    /// The parameters of open `if`s (see [`Ctrl::saved_at`]), with widths.
    saved: Vec<(Operand, u32)>,
    /// The slot of every local and one past the last, when some local is a
    /// v128 (two slots); empty when local `i` is slot `i`.
    local_at: Vec<u32>,
    /// The function's type.
    ty: &'a FuncType,
    /// First temporary slot: parameters plus locals.
    base: usize,
    max_height: usize,
    /// Set while code is unreachable; counts blocks opened since.
    unreachable: bool,
    skip_depth: usize,
    /// The instruction that produced the top-of-stack temporary, if it is the
    /// last one emitted and no label follows it (so it may be retargeted or fused).
    last_result: Option<usize>,
    results: usize,
}

/// Validates and lowers one function body, appending its IR to `out`.
/// `scratch` is a buffer to reuse from one function to the next.
pub(crate) fn lower(
    env: &Env,
    func: u32,
    body: &FunctionBody,
    validator: &mut FuncValidator<ValidatorResources>,
    out: &mut Vec<Instr>,
    scratch: &mut Scratch,
) -> Result<Lowered, CompileError> {
    let ty = &env.types[env.func_types[func as usize] as usize];
    let mut local_at = take_cleared(&mut scratch.local_at);
    let (declared, ops) = read_locals(body, validator, Some((ty, &mut local_at)))?;
    let num_locals = match local_at.last() {
        Some(&end) => end as usize,
        None => ty.params.len() + declared,
    };
    if num_locals > MAX_SLOTS {
        return Err(CompileError::Limit {
            func,
            message: "too many locals".into(),
        });
    }
    let mut l = Lowerer {
        env,
        func,
        code: {
            // Wasm lowers to about one IR instruction per three bytes.
            let mut code = take_cleared(&mut scratch.code);
            code.reserve(body.as_bytes().len() / 2);
            code
        },
        stack: {
            let mut stack = std::mem::take(&mut scratch.stack);
            stack.clear();
            stack
        },
        ctrls: take_cleared(&mut scratch.ctrls),
        patches: take_cleared(&mut scratch.patches),
        saved: take_cleared(&mut scratch.saved),
        local_at,
        ty,
        base: num_locals,
        max_height: 0,
        unreachable: false,
        skip_depth: 0,
        last_result: None,
        results: ty.result_slots() as usize,
    };
    l.ctrls.push(Ctrl {
        kind: Kind::Func,
        ty: None,
        height: 0,
        params: 0,
        results: ty.results.len() as u32,
        head: 0,
        patches: NIL,
        else_patches: NIL,
        reachable: true,
        saved_at: 0,
    });
    visit_operators(ops, validator, Some((&mut l, func)))?;
    let num_slots = (l.base + l.max_height + 1).max(l.results) as u32;
    out.extend_from_slice(&l.code);
    let code_len = l.code.len() as u32;
    let num_params = ty.param_slots();
    *scratch = Scratch {
        code: l.code,
        stack: l.stack,
        ctrls: l.ctrls,
        patches: l.patches,
        saved: l.saved,
        local_at: l.local_at,
    };
    Ok(Lowered {
        code_len,
        num_params,
        num_locals: num_locals as u32,
        num_slots,
    })
}

/// `v`, emptied, to fill again.
fn take_cleared<T>(v: &mut Vec<T>) -> Vec<T> {
    v.clear();
    std::mem::take(v)
}

/// Validates one function body without lowering it, through the same visitor
/// lowering uses (so the validator's code is in the binary once).
pub(crate) fn validate_body(
    body: &FunctionBody,
    validator: &mut FuncValidator<ValidatorResources>,
) -> Result<(), CompileError> {
    let (_, ops) = read_locals(body, validator, None)?;
    visit_operators(ops, validator, None)
}

/// Defines the body's declared locals in `validator`; returns how many there
/// are and a reader at the body's first operator. Given the function's type
/// and a buffer, fills it with every local's slot and the end of the last
/// when some parameter or local is a v128 (else leaves it empty).
fn read_locals<'a>(
    body: &FunctionBody<'a>,
    validator: &mut FuncValidator<ValidatorResources>,
    mut slots: Option<(&FuncType, &mut Vec<u32>)>,
) -> Result<(usize, wasmparser::BinaryReader<'a>), CompileError> {
    let mut locals = body.get_locals_reader()?;
    let mut declared = 0;
    let mut wide = slots
        .as_ref()
        .is_some_and(|(ty, _)| ty.params.contains(&zwasm_abi::module::ValType::V128));
    let start = locals.original_position();
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, ty) = locals.read()?;
        validator.define_locals(offset, count, ty)?;
        declared += count as usize;
        wide |= ty == wasmparser::ValType::V128;
    }
    if let (true, Some((ty, at))) = (wide, slots.as_mut()) {
        let mut next = 0u32;
        for t in &ty.params {
            at.push(next);
            next += t.slots();
        }
        let mut again = body.get_locals_reader()?;
        debug_assert_eq!(again.original_position(), start);
        for _ in 0..again.get_count() {
            let (count, t) = again.read()?;
            for _ in 0..count {
                at.push(next);
                next += width_of(t);
            }
        }
        at.push(next);
    }
    let mut ops = locals.get_binary_reader();
    ops.set_features(*validator.features());
    Ok((declared, ops))
}

impl Lowerer<'_> {
    fn emit(&mut self, i: Instr) -> usize {
        self.code.push(i);
        self.last_result = None;
        self.code.len() - 1
    }

    fn emit_op(&mut self, op: Op, a: u16, b: u16, c: u16, imm: u64) -> usize {
        self.emit(Instr::new(op, a, b, c, imm))
    }

    /// Marks the current position as a branch target.
    fn bind_label(&mut self) {
        self.last_result = None;
    }

    fn slot(&self, pos: usize) -> u16 {
        (self.base + self.stack.at(pos) as usize) as u16
    }

    /// The slot of local `index`.
    fn local(&self, index: u32) -> u16 {
        match self.local_at.get(index as usize) {
            Some(&at) => at as u16,
            None => index as u16,
        }
    }

    /// How many slots local `index` takes.
    fn local_width(&self, index: u32) -> u32 {
        match self.local_at.get(index as usize + 1) {
            Some(&end) => end - self.local_at[index as usize],
            None => 1,
        }
    }

    /// Pushes a one-slot operand.
    fn push(&mut self, o: Operand) {
        self.push_wide(o, 1);
    }

    fn push_wide(&mut self, o: Operand, width: u32) {
        self.stack.push(o, width);
        self.max_height = self
            .max_height
            .max(self.stack.at(self.stack.len()) as usize);
    }

    /// Pushes a temporary produced by the instruction at `pc`, as wide as
    /// what the op writes. An op followed by a data word is never
    /// retargeted or fused, so it is not remembered.
    fn push_result(&mut self, pc: usize) {
        let op = self.code[pc].op;
        self.push_wide(Operand::Temp, op.sig().width(3));
        if !op.fmt().has_trailing_word() {
            self.last_result = Some(pc);
        }
    }

    fn pop(&mut self) -> Operand {
        self.stack.pop().expect("validated stack").0
    }

    /// Copies a value of `width` slots.
    fn copy(&mut self, dst: u16, src: u16, width: u32) -> usize {
        let op = if width == 2 { Op::CopyV128 } else { Op::Copy };
        self.emit_op(op, dst, src, 0, 0)
    }

    /// The slot holding the operand at `pos`, materializing a constant into
    /// its position's slot.
    fn use_at(&mut self, pos: usize) -> u16 {
        match self.stack[pos] {
            Operand::Local(l) => l,
            Operand::Temp => self.slot(pos),
            Operand::Const(v) => {
                let s = self.slot(pos);
                self.emit_op(Op::Const, s, 0, 0, v);
                self.stack[pos] = Operand::Temp;
                s
            }
        }
    }

    /// Forces the operand at `pos` into its own slot.
    fn materialize(&mut self, pos: usize) {
        let s = self.slot(pos);
        match self.stack[pos] {
            Operand::Local(l) => {
                self.copy(s, l, self.stack.width(pos));
            }
            Operand::Const(v) => {
                self.emit_op(Op::Const, s, 0, 0, v);
            }
            Operand::Temp => return,
        }
        self.stack[pos] = Operand::Temp;
    }

    /// Copies every lazy `local.get` on the stack (of `local`, or of any local)
    /// into its slot, before that local may change.
    fn preserve_locals(&mut self, local: Option<u16>) -> bool {
        let mut any = false;
        for pos in 0..self.stack.len() {
            if let Operand::Local(l) = self.stack[pos] {
                if local.is_none_or(|x| x == l) {
                    self.materialize(pos);
                    any = true;
                }
            }
        }
        any
    }

    fn src_of(&self, pos: usize) -> Src {
        match self.stack[pos] {
            Operand::Local(l) => Src::Slot(l),
            Operand::Const(v) => Src::Const(v),
            Operand::Temp => Src::Slot(self.slot(pos)),
        }
    }

    /// Emits copies so that each `dst` gets its `src` (of `width` slots),
    /// all read before any is written (cycles go through scratch slots above
    /// the stack).
    fn parallel_move(&mut self, mut moves: Vec<Move>) {
        moves.retain(|m| m.src != Src::Slot(m.dst));
        // Whether a move's source overlaps the destination of move `i`.
        let reads = |m: &Move, d: u16, w: u32| match m.src {
            Src::Slot(s) => (s as u32) < d as u32 + w && (d as u32) < s as u32 + m.width,
            Src::Const(_) => false,
        };
        while !moves.is_empty() {
            let free = (0..moves.len()).find(|&i| {
                let (d, w) = (moves[i].dst, moves[i].width);
                !moves
                    .iter()
                    .enumerate()
                    .any(|(k, m)| k != i && reads(m, d, w))
            });
            match free {
                Some(i) => {
                    let m = moves.remove(i);
                    match m.src {
                        Src::Slot(s) => self.copy(m.dst, s, m.width),
                        Src::Const(v) => self.emit_op(Op::Const, m.dst, 0, 0, v),
                    };
                }
                None => {
                    let top = self.stack.at(self.stack.len()) as usize;
                    let scratch = (self.base + top) as u16;
                    let width = moves[0].width;
                    self.max_height = self.max_height.max(top + width as usize);
                    if let Src::Slot(s) = moves[0].src {
                        self.copy(scratch, s, width);
                        moves[0].src = Src::Slot(scratch);
                    }
                }
            }
        }
    }

    /// Moves of the top `arity` operands to the slots from `height`'s on,
    /// laid out as they are at the top.
    fn moves_to(&self, height: usize, arity: usize) -> Vec<Move> {
        let top = self.stack.len() - arity;
        let base = self.slot(height);
        let from = self.stack.at(top);
        (0..arity)
            .map(|i| Move {
                dst: base + (self.stack.at(top + i) - from) as u16,
                src: self.src_of(top + i),
                width: self.stack.width(top + i),
            })
            .collect()
    }

    /// Moves for a branch to the control frame at `depth`: the top operands to
    /// the label's slots. Empty when all are in place.
    fn branch_moves(&self, depth: usize) -> Vec<Move> {
        let ctrl = &self.ctrls[self.ctrls.len() - 1 - depth];
        let mut moves = self.moves_to(ctrl.height(), ctrl.label_arity());
        moves.retain(|m| m.src != Src::Slot(m.dst));
        moves
    }

    /// Emits the moves and returns of a `return` (or a branch to the function's label).
    fn emit_return(&mut self) {
        let n = self.ty.results.len();
        let top = self.stack.len() - n;
        if n == 1 && self.stack.width(top) == 1 {
            match self.src_of(top) {
                Src::Slot(s) => {
                    self.emit_op(Op::ReturnSlot, 0, s, 0, 0);
                }
                Src::Const(v) => {
                    self.emit_op(Op::Const, 0, 0, 0, v);
                    self.emit_op(Op::Return, 0, 0, 0, 0);
                }
            }
            return;
        }
        let from = self.stack.at(top);
        let moves = (0..n)
            .map(|i| Move {
                dst: (self.stack.at(top + i) - from) as u16,
                src: self.src_of(top + i),
                width: self.stack.width(top + i),
            })
            .collect();
        self.parallel_move(moves);
        self.emit_op(Op::Return, 0, 0, 0, 0);
    }

    /// Emits an unconditional branch (with its moves) to the frame at `depth`.
    fn branch(&mut self, depth: usize) {
        let idx = self.ctrls.len() - 1 - depth;
        if self.ctrls[idx].kind == Kind::Func {
            self.emit_return();
            return;
        }
        let moves = self.branch_moves(depth);
        if moves.is_empty() && self.ctrls[idx].kind == Kind::Loop && self.rotate_back_edge(idx) {
            return;
        }
        self.parallel_move(moves);
        let pc = self.emit_op(Op::Br, 0, 0, 0, 0);
        self.link(pc, idx);
    }

    /// Loop rotation at a back edge: when the loop starts with a conditional
    /// exit, `br head` becomes "branch to head + 1 unless the exit is taken,
    /// else exit", so an iteration costs one branch instead of two.
    fn rotate_back_edge(&mut self, idx: usize) -> bool {
        let head = self.ctrls[idx].head as usize;
        let Some(h) = self.code.get(head).copied() else {
            return false;
        };
        let negated = match h.op {
            Op::BrIfEqz => Some(Op::BrIfNez),
            Op::BrIfNez => Some(Op::BrIfEqz),
            op => op.negate_compare().filter(|_| op.fmt().is_branch()),
        };
        let Some(negated) = negated else { return false };
        // The exit's target: a forward branch still waiting in some patch list
        // (a block's end or an `if`'s else arm), or an already resolved one.
        let owner = self.ctrls.iter().enumerate().find_map(|(k, c)| {
            if self.in_list(c.patches, head) {
                Some((k, false))
            } else if self.in_list(c.else_patches, head) {
                Some((k, true))
            } else {
                None
            }
        });
        let imm = if h.op.fmt() == Fmt::BrCmpImm {
            Instr::pack_branch(0, h.branch_imm())
        } else {
            0
        };
        let stay = self.emit_op(negated, 0, h.b, h.c, imm);
        self.set_target(stay, head + 1);
        let exit = self.emit_op(h.op, 0, h.b, h.c, imm);
        match owner {
            Some((k, false)) => self.add_patch(k, exit, false),
            Some((k, true)) => self.add_patch(k, exit, true),
            None => {
                let target = (head as i64 + 1 + h.offset() as i64) as usize;
                self.set_target(exit, target);
            }
        }
        // The exit branch is unconditional from here: make it so.
        let exit_instr = &mut self.code[exit];
        exit_instr.op = Op::Br;
        exit_instr.b = 0;
        exit_instr.c = 0;
        exit_instr.imm &= 0xffff_ffff;
        true
    }

    /// Points the branch at `pc` to the label of control frame `idx`.
    fn link(&mut self, pc: usize, idx: usize) {
        if self.ctrls[idx].kind == Kind::Loop {
            let head = self.ctrls[idx].head as usize;
            self.set_target(pc, head);
        } else {
            self.add_patch(idx, pc, false);
        }
    }

    /// Adds the branch at `pc` to control frame `idx`'s list of branches to
    /// its end (or, with `to_else`, to its else arm).
    fn add_patch(&mut self, idx: usize, pc: usize, to_else: bool) {
        let c = &mut self.ctrls[idx];
        let head = if to_else {
            &mut c.else_patches
        } else {
            &mut c.patches
        };
        self.patches.push((pc as u32, *head));
        *head = self.patches.len() as u32 - 1;
    }

    /// Whether the list starting at `at` holds the branch at `pc`.
    fn in_list(&self, mut at: u32, pc: usize) -> bool {
        while at != NIL {
            let (p, next) = self.patches[at as usize];
            if p as usize == pc {
                return true;
            }
            at = next;
        }
        false
    }

    /// Points every branch of the list starting at `at` to `target`.
    fn patch_list(&mut self, mut at: u32, target: usize) {
        while at != NIL {
            let (pc, next) = self.patches[at as usize];
            self.set_target(pc as usize, target);
            at = next;
        }
    }

    fn set_target(&mut self, pc: usize, target: usize) {
        let off = target as i64 - (pc as i64 + 1);
        let i = &mut self.code[pc];
        i.imm = if i.op.fmt() == Fmt::BrCmpImm {
            Instr::pack_branch(off as i32, i.branch_imm())
        } else {
            off as i32 as u32 as u64
        };
    }

    /// Emits a conditional branch taken when the top operand (popped) is
    /// non-zero (`when` = true) or zero. Fuses with the compare that produced it.
    fn cond_branch(&mut self, when: bool) -> usize {
        let pos = self.stack.len() - 1;
        if let (Some(pc), Operand::Temp) = (self.last_result, self.stack[pos]) {
            let prev = self.code[pc];
            if pc + 1 == self.code.len() && prev.a == self.slot(pos) {
                // i32 immediates fit the branch's 32-bit constant; i64 compares
                // with an immediate have no branch form (`as_branch` gives none).
                let fused = prev.op.as_branch();
                let fused = fused.and_then(|op| if when { Some(op) } else { op.negate_compare() });
                if let Some(op) = fused {
                    self.stack.pop();
                    self.code.pop();
                    let imm = if op.fmt() == Fmt::BrCmpImm {
                        Instr::pack_branch(0, prev.imm as i32)
                    } else {
                        0
                    };
                    return self.emit_op(op, 0, prev.b, prev.c, imm);
                }
                if prev.op == Op::I32Eqz {
                    self.stack.pop();
                    self.code.pop();
                    let op = if when { Op::BrIfEqz } else { Op::BrIfNez };
                    return self.emit_op(op, 0, prev.b, 0, 0);
                }
            }
        }
        let s = self.use_at(pos);
        self.stack.pop();
        let op = if when { Op::BrIfNez } else { Op::BrIfEqz };
        self.emit_op(op, 0, s, 0, 0)
    }

    fn block_arity(&self, bt: BlockType) -> (usize, usize) {
        match bt {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(i) => {
                let t = &self.env.types[i as usize];
                (t.params.len(), t.results.len())
            }
        }
    }

    fn push_ctrl(&mut self, kind: Kind, bt: BlockType) {
        let (params, results) = self.block_arity(bt);
        let height = self.stack.len() - params;
        let saved_at = self.saved.len() as u32;
        if kind == Kind::If {
            for pos in height..self.stack.len() {
                self.saved.push((self.stack[pos], self.stack.width(pos)));
            }
        }
        self.ctrls.push(Ctrl {
            kind,
            ty: Some(bt),
            height: height as u32,
            params: params as u32,
            results: results as u32,
            head: self.code.len() as u32,
            patches: NIL,
            else_patches: NIL,
            reachable: true,
            saved_at,
        });
    }

    fn unary(&mut self, op: Op) {
        let pos = self.stack.len() - 1;
        let s = self.use_at(pos);
        let d = self.slot(pos);
        let pc = self.emit_op(op, d, s, 0, 0);
        self.stack.pop();
        self.push_result(pc);
    }

    fn binary(&mut self, op: Op) {
        let (rhs, rw) = self.stack.pop().expect("validated stack");
        let (lhs, lw) = self.stack.pop().expect("validated stack");
        let pos = self.stack.len();
        if let (Operand::Const(a), Operand::Const(b)) = (lhs, rhs) {
            if let Some(v) = fold::binary(op, a, b) {
                self.push(Operand::Const(v));
                return;
            }
        }
        self.stack.push(lhs, lw);
        self.stack.push(rhs, rw);
        let d = self.slot(pos);
        let pc = match (op.with_imm(), lhs, rhs) {
            (Some(imm_op), _, Operand::Const(k)) => {
                let b = self.use_at(pos);
                self.emit_op(imm_op, d, b, 0, k)
            }
            (Some(imm_op), Operand::Const(k), _) if fold::commutative(op) => {
                let b = self.use_at(pos + 1);
                self.emit_op(imm_op, d, b, 0, k)
            }
            _ => {
                let b = self.use_at(pos);
                let c = self.use_at(pos + 1);
                self.emit_op(op, d, b, c, 0)
            }
        };
        self.stack.truncate(pos);
        self.push_result(pc);
    }

    /// `a` = op(`a`, `b`, `c`): the first operand gets its own slot, which
    /// the op reads and then overwrites.
    fn ternary(&mut self, op: Op) {
        let pos = self.stack.len() - 3;
        self.materialize(pos);
        let a = self.slot(pos);
        let b = self.use_at(pos + 1);
        let c = self.use_at(pos + 2);
        let pc = self.emit_op(op, a, b, c, 0);
        self.stack.truncate(pos);
        self.push_result(pc);
    }

    /// An op on two operands whose `imm` is given (a lane index): `a` =
    /// op(`b`, `c`) at `imm`.
    fn binary_at(&mut self, op: Op, imm: u64) {
        let pos = self.stack.len() - 2;
        let b = self.use_at(pos);
        let c = self.use_at(pos + 1);
        let d = self.slot(pos);
        let pc = self.emit_op(op, d, b, c, imm);
        self.stack.truncate(pos);
        self.push_result(pc);
    }

    /// Pushes an op followed by the data word carrying the high half of its
    /// 128-bit immediate.
    fn with_data_word(&mut self, op: Op, operands: usize, value: u128) {
        let pos = self.stack.len() - operands;
        let (b, c) = match operands {
            2 => (self.use_at(pos), self.use_at(pos + 1)),
            _ => (0, 0),
        };
        let d = self.slot(pos);
        let pc = self.emit_op(op, d, b, c, value as u64);
        self.emit_op(Op::Nop, 0, 0, 0, (value >> 64) as u64);
        self.stack.truncate(pos);
        self.push_result(pc);
    }

    /// A lane load (`store`: a lane store): the memory offset and the lane
    /// share `imm`; an offset too large for it is out of bounds of any
    /// memory there can be, so the access becomes a trap.
    fn lane_access(&mut self, op: Op, offset: u64, lane: u8, store: bool) {
        let pos = self.stack.len() - 2;
        let addr = self.use_at(pos);
        let vec = self.use_at(pos + 1);
        if offset > zwasm_abi::ir::LANE_OFFSET_MAX {
            self.emit_op(Op::Trap, 0, 0, 0, TrapCode::MemoryOutOfBounds as u64);
        }
        let imm = Instr::pack_lane(offset.min(zwasm_abi::ir::LANE_OFFSET_MAX), lane);
        let d = self.slot(pos);
        let pc = self.emit_op(op, if store { 0 } else { d }, addr, vec, imm);
        self.stack.truncate(pos);
        if !store {
            self.push_result(pc);
        }
    }

    fn load(&mut self, op: Op, offset: u64) {
        self.unary(op);
        self.code.last_mut().unwrap().imm = offset;
    }

    fn store(&mut self, op: Op, offset: u64) {
        let pos = self.stack.len() - 2;
        let addr = self.use_at(pos);
        let val = self.use_at(pos + 1);
        self.emit_op(op, 0, addr, val, offset);
        self.stack.truncate(pos);
    }

    /// Pops three operands and emits a bulk op on their slots.
    fn bulk(&mut self, op: Op, imm: u64) {
        let pos = self.stack.len() - 3;
        let a = self.use_at(pos);
        let b = self.use_at(pos + 1);
        let c = self.use_at(pos + 2);
        self.emit_op(op, a, b, c, imm);
        self.stack.truncate(pos);
    }

    /// Pushes a temporary written by an op with no operands.
    fn nullary(&mut self, op: Op, imm: u64) {
        let d = self.slot(self.stack.len());
        let pc = self.emit_op(op, d, 0, 0, imm);
        self.push_result(pc);
    }

    /// A call (`tail`: a `return_call`, after which code is unreachable).
    fn call(&mut self, func: u32, tail: bool) {
        let env = self.env;
        let ty = &env.types[env.func_types[func as usize] as usize];
        let np = ty.params.len();
        let pos = self.stack.len() - np;
        for p in pos..pos + np {
            self.materialize(p);
        }
        let op = match (func < self.env.num_imported_funcs, tail) {
            (true, false) => Op::CallImport,
            (false, false) => Op::Call,
            (true, true) => Op::ReturnCallImport,
            (false, true) => Op::ReturnCall,
        };
        let base = self.slot(pos);
        self.emit_op(op, base, 0, 0, func as u64);
        self.stack.truncate(pos);
        self.after_call(ty, tail);
    }

    fn call_indirect(&mut self, type_index: u32, table: u32, tail: bool) {
        let env = self.env;
        let ty = &env.types[type_index as usize];
        let np = ty.params.len();
        let idx_pos = self.stack.len() - 1;
        let idx = self.use_at(idx_pos);
        let pos = idx_pos - np;
        for p in pos..pos + np {
            self.materialize(p);
        }
        let base = self.slot(pos);
        let op = if tail {
            Op::ReturnCallIndirect
        } else {
            Op::CallIndirect
        };
        self.emit_op(op, base, idx, table as u16, type_index as u64);
        self.stack.truncate(pos);
        self.after_call(ty, tail);
    }

    /// Pushes a call's results, or ends the code path after a tail call (its
    /// callee returns straight to our caller).
    fn after_call(&mut self, ty: &FuncType, tail: bool) {
        if tail {
            self.unreachable = true;
            return;
        }
        for t in &ty.results {
            self.push_wide(Operand::Temp, t.slots());
        }
    }

    fn local_set(&mut self, local: u32) {
        let x = self.local(local);
        let preserved = self.preserve_locals(Some(x));
        let pos = self.stack.len() - 1;
        let width = self.stack.width(pos);
        match self.stack[pos] {
            Operand::Local(y) => {
                if y != x {
                    self.copy(x, y, width);
                }
            }
            Operand::Const(v) => {
                self.emit_op(Op::Const, x, 0, 0, v);
            }
            Operand::Temp => {
                let s = self.slot(pos);
                match self.last_result {
                    // An op that also reads `a` (`a` = op(`a`, ...)) keeps it.
                    Some(pc)
                        if !preserved
                            && pc + 1 == self.code.len()
                            && self.code[pc].a == s
                            && self.code[pc].op.fmt().read_mask() & 1 == 0 =>
                    {
                        self.code[pc].a = x;
                    }
                    _ => {
                        self.copy(x, s, width);
                    }
                }
            }
        }
        self.stack.pop();
        self.last_result = None;
    }

    fn end(&mut self) {
        let ctrl = self.ctrls.pop().expect("validated control stack");
        self.saved.truncate(ctrl.saved_at as usize);
        let reachable_end = !self.unreachable;
        if ctrl.kind == Kind::Func {
            if reachable_end {
                self.emit_return();
            }
            // Later code (none: `end` closes the body) would be unreachable.
            self.unreachable = true;
            self.ctrls.push(ctrl);
            return;
        }
        if reachable_end {
            let moves = self.moves_to(ctrl.height(), ctrl.results());
            self.parallel_move(moves);
        }
        let end = self.code.len();
        let targeted = ctrl.patches != NIL || ctrl.else_patches != NIL;
        self.patch_list(ctrl.patches, end);
        self.patch_list(ctrl.else_patches, end);
        if targeted {
            self.bind_label();
        }
        self.stack.truncate(ctrl.height());
        self.push_block_results(ctrl.ty);
        self.unreachable = !(reachable_end || targeted) || !ctrl.reachable;
    }

    /// Pushes a block's results as temporaries, each as wide as its type.
    fn push_block_results(&mut self, bt: Option<BlockType>) {
        match bt {
            Some(BlockType::Empty) => {}
            Some(BlockType::Type(t)) => self.push_wide(Operand::Temp, width_of(t)),
            Some(BlockType::FuncType(i)) => {
                let env = self.env;
                for t in &env.types[i as usize].results {
                    self.push_wide(Operand::Temp, t.slots());
                }
            }
            None => {
                let ty = self.ty;
                for t in &ty.results {
                    self.push_wide(Operand::Temp, t.slots());
                }
            }
        }
    }

    fn else_(&mut self) {
        let reachable_then = !self.unreachable;
        let idx = self.ctrls.len() - 1;
        if reachable_then {
            let ctrl = &self.ctrls[idx];
            let moves = self.moves_to(ctrl.height(), ctrl.results());
            self.parallel_move(moves);
            let pc = self.emit_op(Op::Br, 0, 0, 0, 0);
            self.add_patch(idx, pc, false);
        }
        let here = self.code.len();
        let else_patches = std::mem::replace(&mut self.ctrls[idx].else_patches, NIL);
        self.patch_list(else_patches, here);
        self.bind_label();
        let ctrl = &mut self.ctrls[idx];
        ctrl.kind = Kind::Else;
        let (height, saved) = (ctrl.height(), ctrl.saved_at as usize);
        self.stack.truncate(height);
        for k in saved..saved + ctrl.params as usize {
            let (o, w) = self.saved[k];
            self.push_wide(o, w);
        }
        self.unreachable = false;
    }

    fn br_table(&mut self, targets: &wasmparser::BrTable) -> Result<(), CompileError> {
        let mut depths: Vec<u32> = targets.targets().collect::<Result<_, _>>()?;
        depths.push(targets.default());
        let pos = self.stack.len() - 1;
        let idx = self.use_at(pos);
        self.stack.pop();
        self.emit_op(Op::BrTable, 0, idx, 0, depths.len() as u64 - 1);
        let first = self.code.len();
        for _ in &depths {
            self.emit_op(Op::Br, 0, 0, 0, 0);
        }
        for (k, depth) in depths.iter().enumerate() {
            let depth = *depth as usize;
            let idx = self.ctrls.len() - 1 - depth;
            let entry = first + k;
            if self.ctrls[idx].kind == Kind::Func {
                let stub = self.code.len();
                self.set_target(entry, stub);
                self.emit_return();
            } else if self.branch_moves(depth).is_empty() {
                self.link(entry, idx);
            } else {
                let stub = self.code.len();
                self.set_target(entry, stub);
                self.branch(depth);
            }
        }
        Ok(())
    }

    fn struct_type(&self, index: u32) -> Result<&StructType, CompileError> {
        let st = self
            .env
            .structs
            .binary_search_by_key(&index, |(i, _)| *i)
            .map(|i| &self.env.structs[i].1)
            .map_err(|_| {
                CompileError::Unsupported(format!(
                    "function {}: type {index} is not a struct",
                    self.func
                ))
            })?;
        let v128 = zwasm_abi::module::StorageType::Val(zwasm_abi::module::ValType::V128);
        if st.fields.iter().any(|f| f.storage == v128) {
            return Err(CompileError::Unsupported(format!(
                "function {}: struct type {index} has a v128 field (gc proposal)",
                self.func
            )));
        }
        Ok(st)
    }

    /// `struct.get` and its packed forms: `c` carries a packed field's width.
    fn struct_get(&mut self, op: Op, ty: u32, field: u32) -> Result<(), CompileError> {
        let bits = match self.struct_type(ty)?.fields.get(field as usize) {
            Some(f) => f.storage.packed_bits().unwrap_or(0),
            None => {
                return Err(CompileError::Unsupported(format!(
                    "field {field} of type {ty}"
                )))
            }
        };
        self.unary(op);
        let last = self.code.last_mut().unwrap();
        last.imm = ty as u64 | (field as u64) << 32;
        last.c = if op == Op::StructGet { 0 } else { bits as u16 };
        Ok(())
    }

    /// `ref.cast` and `ref.test` to a struct type or an abstract type of the
    /// `any` hierarchy; function and extern casts are not supported yet.
    fn ref_cast(&mut self, op: Op, hty: wasmparser::HeapType) -> Result<(), CompileError> {
        use zwasm_abi::module::HeapType as H;
        let imm = match crate::module::heap_type(hty)? {
            H::Concrete(i) => {
                self.struct_type(i)?;
                i as u64
            }
            H::Any => ABSTRACT_HEAP | abstract_heap::ANY,
            H::Eq => ABSTRACT_HEAP | abstract_heap::EQ,
            H::Struct => ABSTRACT_HEAP | abstract_heap::STRUCT,
            H::None => ABSTRACT_HEAP | abstract_heap::NONE,
            H::Array => ABSTRACT_HEAP | abstract_heap::ARRAY,
            H::I31 => ABSTRACT_HEAP | abstract_heap::I31,
            other => {
                return Err(CompileError::Unsupported(format!(
                    "function {}: cast to {other:?}",
                    self.func
                )))
            }
        };
        self.unary(op);
        self.code.last_mut().unwrap().imm = imm;
        Ok(())
    }

    fn op(&mut self, op: Operator) -> Result<(), CompileError> {
        use Operator as O;
        if self.unreachable {
            match op {
                O::Block { .. } | O::Loop { .. } | O::If { .. } => self.skip_depth += 1,
                O::Else if self.skip_depth == 0 => self.else_(),
                O::End if self.skip_depth == 0 => self.end(),
                O::End => self.skip_depth -= 1,
                _ => {}
            }
            return Ok(());
        }
        match op {
            O::Nop => {}
            O::Unreachable => {
                self.emit_op(Op::Trap, 0, 0, 0, TrapCode::Unreachable as u64);
                self.unreachable = true;
            }
            O::Block { blockty } => {
                self.preserve_locals(None);
                self.push_ctrl(Kind::Block, blockty);
            }
            O::Loop { blockty } => {
                self.preserve_locals(None);
                let (params, _) = self.block_arity(blockty);
                for p in self.stack.len() - params..self.stack.len() {
                    self.materialize(p);
                }
                self.push_ctrl(Kind::Loop, blockty);
                self.bind_label();
            }
            O::If { blockty } => {
                // Both arms must see the same slots, so settle the stack before the
                // branch; the condition stays lazy so it can fuse with its compare.
                let cond = self.pop();
                let last = self.last_result;
                self.preserve_locals(None);
                let (params, _) = self.block_arity(blockty);
                for p in self.stack.len() - params..self.stack.len() {
                    self.materialize(p);
                }
                self.stack.push(cond, 1);
                if self.code.len() == last.map_or(usize::MAX, |pc| pc + 1) {
                    self.last_result = last;
                }
                let pc = self.cond_branch(false);
                self.push_ctrl(Kind::If, blockty);
                self.add_patch(self.ctrls.len() - 1, pc, true);
            }
            O::Else => self.else_(),
            O::End => self.end(),
            O::Br { relative_depth } => {
                self.branch(relative_depth as usize);
                self.unreachable = true;
            }
            O::BrIf { relative_depth } => {
                let depth = relative_depth as usize;
                let idx = self.ctrls.len() - 1 - depth;
                let is_func = self.ctrls[idx].kind == Kind::Func;
                // Moves are computed without the condition on the stack.
                let (cond, _) = self.stack.pop().expect("validated stack");
                let simple = !is_func && self.branch_moves(depth).is_empty();
                self.stack.push(cond, 1);
                if simple {
                    let pc = self.cond_branch(true);
                    self.link(pc, idx);
                } else {
                    let skip = self.cond_branch(false);
                    self.branch(depth);
                    let here = self.code.len();
                    self.set_target(skip, here);
                    self.bind_label();
                }
            }
            O::BrTable { targets } => {
                self.br_table(&targets)?;
                self.unreachable = true;
            }
            O::Return => {
                self.emit_return();
                self.unreachable = true;
            }
            O::Call { function_index } => self.call(function_index, false),
            O::CallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index, false),
            O::ReturnCall { function_index } => self.call(function_index, true),
            O::ReturnCallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index, true),
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let pos = self.stack.len() - 3;
                let op = if self.stack.width(pos) == 2 {
                    Op::SelectV128
                } else {
                    Op::Select
                };
                let a = self.use_at(pos);
                let b = self.use_at(pos + 1);
                let c = self.use_at(pos + 2);
                let d = self.slot(pos);
                let pc = self.emit_op(op, d, a, b, c as u64);
                self.stack.truncate(pos);
                self.push_result(pc);
            }
            O::LocalGet { local_index } => {
                let (slot, width) = (self.local(local_index), self.local_width(local_index));
                self.push_wide(Operand::Local(slot), width);
            }
            O::LocalSet { local_index } => self.local_set(local_index),
            O::LocalTee { local_index } => {
                self.local_set(local_index);
                let (slot, width) = (self.local(local_index), self.local_width(local_index));
                self.push_wide(Operand::Local(slot), width);
            }
            O::GlobalGet { global_index } => {
                let op = if self.env.v128_global(global_index) {
                    Op::GlobalGetV128
                } else {
                    Op::GlobalGet
                };
                self.nullary(op, global_index as u64)
            }
            O::GlobalSet { global_index } => {
                let op = if self.env.v128_global(global_index) {
                    Op::GlobalSetV128
                } else {
                    Op::GlobalSet
                };
                let pos = self.stack.len() - 1;
                let s = self.use_at(pos);
                self.emit_op(op, 0, s, 0, global_index as u64);
                self.stack.pop();
            }
            O::I32Const { value } => self.push(Operand::Const(value as u32 as u64)),
            O::I64Const { value } => self.push(Operand::Const(value as u64)),
            O::F32Const { value } => self.push(Operand::Const(value.bits() as u64)),
            O::F64Const { value } => self.push(Operand::Const(value.bits())),
            O::RefNull { .. } => self.push(Operand::Const(0)),
            O::RefIsNull => self.unary(Op::RefIsNull),
            O::RefAsNonNull => self.unary(Op::RefAsNonNull),
            // References are compared by identity: index + 1 in the slot.
            O::RefEq => self.binary(Op::I64Eq),
            O::StructNew { struct_type_index } => {
                let n = self.struct_type(struct_type_index)?.fields.len();
                let pos = self.stack.len() - n;
                for p in pos..pos + n {
                    self.materialize(p);
                }
                let d = self.slot(pos);
                let pc = self.emit_op(Op::StructNew, d, d, 0, struct_type_index as u64);
                self.stack.truncate(pos);
                self.push_result(pc);
            }
            O::StructNewDefault { struct_type_index } => {
                self.struct_type(struct_type_index)?;
                self.nullary(Op::StructNewDefault, struct_type_index as u64);
            }
            O::StructGet {
                struct_type_index,
                field_index,
            } => self.struct_get(Op::StructGet, struct_type_index, field_index)?,
            O::StructGetS {
                struct_type_index,
                field_index,
            } => self.struct_get(Op::StructGetS, struct_type_index, field_index)?,
            O::StructGetU {
                struct_type_index,
                field_index,
            } => self.struct_get(Op::StructGetU, struct_type_index, field_index)?,
            O::StructSet {
                struct_type_index,
                field_index,
            } => {
                let pos = self.stack.len() - 2;
                let r = self.use_at(pos);
                let v = self.use_at(pos + 1);
                let imm = struct_type_index as u64 | (field_index as u64) << 32;
                self.emit_op(Op::StructSet, 0, r, v, imm);
                self.stack.truncate(pos);
            }
            O::RefCastNonNull { hty } => self.ref_cast(Op::RefCast, hty)?,
            O::RefCastNullable { hty } => self.ref_cast(Op::RefCastNull, hty)?,
            O::RefTestNonNull { hty } => self.ref_cast(Op::RefTest, hty)?,
            O::RefTestNullable { hty } => self.ref_cast(Op::RefTestNull, hty)?,
            O::RefFunc { function_index } => self.nullary(Op::RefFunc, function_index as u64),

            O::V128Load { memarg } => self.load(Op::V128Load, memarg.offset),
            O::V128Load8x8S { memarg } => self.load(Op::V128Load8x8S, memarg.offset),
            O::V128Load8x8U { memarg } => self.load(Op::V128Load8x8U, memarg.offset),
            O::V128Load16x4S { memarg } => self.load(Op::V128Load16x4S, memarg.offset),
            O::V128Load16x4U { memarg } => self.load(Op::V128Load16x4U, memarg.offset),
            O::V128Load32x2S { memarg } => self.load(Op::V128Load32x2S, memarg.offset),
            O::V128Load32x2U { memarg } => self.load(Op::V128Load32x2U, memarg.offset),
            O::V128Load8Splat { memarg } => self.load(Op::V128Load8Splat, memarg.offset),
            O::V128Load16Splat { memarg } => self.load(Op::V128Load16Splat, memarg.offset),
            O::V128Load32Splat { memarg } => self.load(Op::V128Load32Splat, memarg.offset),
            O::V128Load64Splat { memarg } => self.load(Op::V128Load64Splat, memarg.offset),
            O::V128Load32Zero { memarg } => self.load(Op::V128Load32Zero, memarg.offset),
            O::V128Load64Zero { memarg } => self.load(Op::V128Load64Zero, memarg.offset),
            O::V128Store { memarg } => self.store(Op::V128Store, memarg.offset),
            O::V128Load8Lane { memarg, lane } => {
                self.lane_access(Op::V128Load8Lane, memarg.offset, lane, false)
            }
            O::V128Load16Lane { memarg, lane } => {
                self.lane_access(Op::V128Load16Lane, memarg.offset, lane, false)
            }
            O::V128Load32Lane { memarg, lane } => {
                self.lane_access(Op::V128Load32Lane, memarg.offset, lane, false)
            }
            O::V128Load64Lane { memarg, lane } => {
                self.lane_access(Op::V128Load64Lane, memarg.offset, lane, false)
            }
            O::V128Store8Lane { memarg, lane } => {
                self.lane_access(Op::V128Store8Lane, memarg.offset, lane, true)
            }
            O::V128Store16Lane { memarg, lane } => {
                self.lane_access(Op::V128Store16Lane, memarg.offset, lane, true)
            }
            O::V128Store32Lane { memarg, lane } => {
                self.lane_access(Op::V128Store32Lane, memarg.offset, lane, true)
            }
            O::V128Store64Lane { memarg, lane } => {
                self.lane_access(Op::V128Store64Lane, memarg.offset, lane, true)
            }
            O::V128Const { value } => self.with_data_word(Op::V128Const, 0, value.i128() as u128),
            O::I8x16Shuffle { lanes } => {
                self.with_data_word(Op::I8x16Shuffle, 2, u128::from_le_bytes(lanes))
            }
            O::I8x16ExtractLaneS { lane } => {
                self.unary(Op::I8x16ExtractLaneS);
                self.code.last_mut().unwrap().imm = lane as u64;
            }
            O::I8x16ExtractLaneU { lane } => {
                self.unary(Op::I8x16ExtractLaneU);
                self.code.last_mut().unwrap().imm = lane as u64;
            }
            O::I16x8ExtractLaneS { lane } => {
                self.unary(Op::I16x8ExtractLaneS);
                self.code.last_mut().unwrap().imm = lane as u64;
            }
            O::I16x8ExtractLaneU { lane } => {
                self.unary(Op::I16x8ExtractLaneU);
                self.code.last_mut().unwrap().imm = lane as u64;
            }
            O::I32x4ExtractLane { lane } => {
                self.unary(Op::I32x4ExtractLane);
                self.code.last_mut().unwrap().imm = lane as u64;
            }
            O::I64x2ExtractLane { lane } => {
                self.unary(Op::I64x2ExtractLane);
                self.code.last_mut().unwrap().imm = lane as u64;
            }
            O::F32x4ExtractLane { lane } => {
                self.unary(Op::F32x4ExtractLane);
                self.code.last_mut().unwrap().imm = lane as u64;
            }
            O::F64x2ExtractLane { lane } => {
                self.unary(Op::F64x2ExtractLane);
                self.code.last_mut().unwrap().imm = lane as u64;
            }
            O::I8x16ReplaceLane { lane } => self.binary_at(Op::I8x16ReplaceLane, lane as u64),
            O::I16x8ReplaceLane { lane } => self.binary_at(Op::I16x8ReplaceLane, lane as u64),
            O::I32x4ReplaceLane { lane } => self.binary_at(Op::I32x4ReplaceLane, lane as u64),
            O::I64x2ReplaceLane { lane } => self.binary_at(Op::I64x2ReplaceLane, lane as u64),
            O::F32x4ReplaceLane { lane } => self.binary_at(Op::F32x4ReplaceLane, lane as u64),
            O::F64x2ReplaceLane { lane } => self.binary_at(Op::F64x2ReplaceLane, lane as u64),
            O::I32Load { memarg } => self.load(Op::I32Load, memarg.offset),
            O::I64Load { memarg } => self.load(Op::I64Load, memarg.offset),
            O::F32Load { memarg } => self.load(Op::F32Load, memarg.offset),
            O::F64Load { memarg } => self.load(Op::F64Load, memarg.offset),
            O::I32Load8S { memarg } => self.load(Op::I32Load8S, memarg.offset),
            O::I32Load8U { memarg } => self.load(Op::I32Load8U, memarg.offset),
            O::I32Load16S { memarg } => self.load(Op::I32Load16S, memarg.offset),
            O::I32Load16U { memarg } => self.load(Op::I32Load16U, memarg.offset),
            O::I64Load8S { memarg } => self.load(Op::I64Load8S, memarg.offset),
            O::I64Load8U { memarg } => self.load(Op::I64Load8U, memarg.offset),
            O::I64Load16S { memarg } => self.load(Op::I64Load16S, memarg.offset),
            O::I64Load16U { memarg } => self.load(Op::I64Load16U, memarg.offset),
            O::I64Load32S { memarg } => self.load(Op::I64Load32S, memarg.offset),
            O::I64Load32U { memarg } => self.load(Op::I64Load32U, memarg.offset),
            O::I32Store { memarg } => self.store(Op::I32Store, memarg.offset),
            O::I64Store { memarg } => self.store(Op::I64Store, memarg.offset),
            O::F32Store { memarg } => self.store(Op::F32Store, memarg.offset),
            O::F64Store { memarg } => self.store(Op::F64Store, memarg.offset),
            O::I32Store8 { memarg } => self.store(Op::I32Store8, memarg.offset),
            O::I32Store16 { memarg } => self.store(Op::I32Store16, memarg.offset),
            O::I64Store8 { memarg } => self.store(Op::I64Store8, memarg.offset),
            O::I64Store16 { memarg } => self.store(Op::I64Store16, memarg.offset),
            O::I64Store32 { memarg } => self.store(Op::I64Store32, memarg.offset),
            O::MemorySize { mem } => self.nullary(Op::MemorySize, mem as u64),
            O::MemoryGrow { mem } => {
                self.unary(Op::MemoryGrow);
                self.code.last_mut().unwrap().imm = mem as u64;
                self.last_result = None;
            }
            O::MemoryFill { mem } => self.bulk(Op::MemoryFill, mem as u64),
            O::MemoryCopy { dst_mem, src_mem } => {
                self.bulk(Op::MemoryCopy, dst_mem as u64 | (src_mem as u64) << 32)
            }
            O::MemoryInit { data_index, mem } => {
                self.bulk(Op::MemoryInit, data_index as u64 | (mem as u64) << 32)
            }
            O::DataDrop { data_index } => {
                self.emit_op(Op::DataDrop, 0, 0, 0, data_index as u64);
            }
            O::TableGet { table } => {
                self.unary(Op::TableGet);
                self.code.last_mut().unwrap().imm = table as u64;
            }
            O::TableSet { table } => {
                let pos = self.stack.len() - 2;
                let i = self.use_at(pos);
                let v = self.use_at(pos + 1);
                self.emit_op(Op::TableSet, 0, i, v, table as u64);
                self.stack.truncate(pos);
            }
            O::TableSize { table } => self.nullary(Op::TableSize, table as u64),
            O::TableGrow { table } => {
                let pos = self.stack.len() - 2;
                let init = self.use_at(pos);
                let n = self.use_at(pos + 1);
                let d = self.slot(pos);
                let pc = self.emit_op(Op::TableGrow, d, init, n, table as u64);
                self.stack.truncate(pos);
                self.push_result(pc);
            }
            O::TableFill { table } => self.bulk(Op::TableFill, table as u64),
            O::TableCopy {
                dst_table,
                src_table,
            } => self.bulk(Op::TableCopy, dst_table as u64 | (src_table as u64) << 32),
            O::TableInit { elem_index, table } => {
                self.bulk(Op::TableInit, elem_index as u64 | (table as u64) << 32)
            }
            O::ElemDrop { elem_index } => {
                self.emit_op(Op::ElemDrop, 0, 0, 0, elem_index as u64);
            }

            // Reinterpretations change only the type: the slot bits are the same.
            O::I32ReinterpretF32
            | O::F32ReinterpretI32
            | O::I64ReinterpretF64
            | O::F64ReinterpretI64 => {}
            other => match numeric(&other) {
                Some(op) if op.fmt() == Fmt::Binary => self.binary(op),
                Some(op) if op.fmt() == Fmt::Ternary => self.ternary(op),
                Some(op) => self.unary(op),
                None => {
                    return Err(CompileError::Unsupported(format!(
                        "function {}: operator {other:?}{}",
                        self.func,
                        proposal_of(&other)
                    )))
                }
            },
        }
        Ok(())
    }
}
