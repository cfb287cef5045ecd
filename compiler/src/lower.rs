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

/// What lowering needs to know about the module.
pub(crate) struct Env<'a> {
    pub types: &'a [FuncType],
    /// Struct types (type index, definition), sorted by index.
    pub structs: &'a [(u32, StructType)],
    /// Type index of every function, imported ones first.
    pub func_types: &'a [u32],
    pub num_imported_funcs: u32,
}

/// A lowered function (its code is appended to the caller's buffer).
pub(crate) struct Lowered {
    pub code_len: u32,
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
    stack: Vec<Operand>,
    ctrls: Vec<Ctrl>,
    patches: Vec<(u32, u32)>,
    saved: Vec<Operand>,
}

/// A source of a parallel move.
#[derive(Clone, Copy, PartialEq)]
enum Src {
    Slot(u16),
    Const(u64),
}

struct Lowerer<'a> {
    env: &'a Env<'a>,
    func: u32,
    code: Vec<Instr>,
    stack: Vec<Operand>,
    ctrls: Vec<Ctrl>,
    /// The branches waiting for a label, as linked lists of
    /// (instruction, next entry), one list per pending label of `ctrls`.
    patches: Vec<(u32, u32)>,
    /// The parameters of open `if`s (see [`Ctrl::saved_at`]).
    saved: Vec<Operand>,
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
    let (declared, ops) = read_locals(body, validator)?;
    let num_locals = ty.params.len() + declared;
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
        stack: take_cleared(&mut scratch.stack),
        ctrls: take_cleared(&mut scratch.ctrls),
        patches: take_cleared(&mut scratch.patches),
        saved: take_cleared(&mut scratch.saved),
        base: num_locals,
        max_height: 0,
        unreachable: false,
        skip_depth: 0,
        last_result: None,
        results: ty.results.len(),
    };
    l.ctrls.push(Ctrl {
        kind: Kind::Func,
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
    *scratch = Scratch {
        code: l.code,
        stack: l.stack,
        ctrls: l.ctrls,
        patches: l.patches,
        saved: l.saved,
    };
    Ok(Lowered {
        code_len,
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
    let (_, ops) = read_locals(body, validator)?;
    visit_operators(ops, validator, None)
}

/// Defines the body's declared locals in `validator`; returns how many there
/// are and a reader at the body's first operator.
fn read_locals<'a>(
    body: &FunctionBody<'a>,
    validator: &mut FuncValidator<ValidatorResources>,
) -> Result<(usize, wasmparser::BinaryReader<'a>), CompileError> {
    let mut locals = body.get_locals_reader()?;
    let mut declared = 0;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, ty) = locals.read()?;
        validator.define_locals(offset, count, ty)?;
        declared += count as usize;
    }
    let mut ops = locals.get_binary_reader();
    ops.set_features(*validator.features());
    Ok((declared, ops))
}

/// Runs every operator through the validator and then, if given, the lowerer
/// of function `func` (whose frame must stay within the slot limit).
fn visit_operators(
    mut ops: wasmparser::BinaryReader,
    validator: &mut FuncValidator<ValidatorResources>,
    mut lowering: Option<(&mut Lowerer, u32)>,
) -> Result<(), CompileError> {
    while !ops.eof() {
        let offset = ops.original_position();
        let mut both = ValidateAndLower {
            validator: validator.visitor(offset),
            lowerer: lowering.as_mut().map(|(l, _)| &mut **l),
        };
        ops.visit_operator(&mut both)??;
        if let Some((l, func)) = &lowering {
            if l.base + l.max_height + 1 > MAX_SLOTS {
                return Err(CompileError::Limit {
                    func: *func,
                    message: "frame needs too many slots".into(),
                });
            }
        }
    }
    ops.finish_expression(&validator.visitor(ops.original_position()))?;
    Ok(())
}

/// Visits an operator once for both validation and lowering: the validator
/// sees it first, and the lowerer (if any) only operators that passed.
struct ValidateAndLower<'l, 'e, V> {
    validator: V,
    lowerer: Option<&'l mut Lowerer<'e>>,
}

macro_rules! define_validate_and_lower {
    ($(@$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            #[allow(clippy::clone_on_copy)]
            fn $visit(&mut self $($(,$arg: $argty)*)?) -> Self::Output {
                self.validator.$visit($($($arg.clone()),*)?)?;
                match &mut self.lowerer {
                    Some(l) => l.op(Operator::$op $({ $($arg),* })?),
                    None => Ok(()),
                }
            }
        )*
    };
}

impl<'a, V> wasmparser::VisitOperator<'a> for ValidateAndLower<'_, '_, V>
where
    V: wasmparser::VisitOperator<'a, Output = wasmparser::Result<()>>,
{
    type Output = Result<(), CompileError>;
    wasmparser::for_each_visit_operator!(define_validate_and_lower);
}

impl<V: wasmparser::FrameStack> wasmparser::FrameStack for ValidateAndLower<'_, '_, V> {
    fn current_frame(&self) -> Option<wasmparser::FrameKind> {
        self.validator.current_frame()
    }
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
        (self.base + pos) as u16
    }

    fn push(&mut self, o: Operand) {
        self.stack.push(o);
        self.max_height = self.max_height.max(self.stack.len());
    }

    /// Pushes a temporary produced by the instruction at `pc`.
    fn push_result(&mut self, pc: usize) {
        self.push(Operand::Temp);
        self.last_result = Some(pc);
    }

    fn pop(&mut self) -> Operand {
        self.stack.pop().expect("validated stack")
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
                self.emit_op(Op::Copy, s, l, 0, 0);
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

    /// Emits copies so that each `dst` gets its `src`, all read before any is
    /// written (cycles go through a scratch slot above the stack).
    fn parallel_move(&mut self, mut moves: Vec<(u16, Src)>) {
        moves.retain(|(d, s)| *s != Src::Slot(*d));
        while !moves.is_empty() {
            let free =
                (0..moves.len()).find(|&i| !moves.iter().any(|(_, s)| *s == Src::Slot(moves[i].0)));
            match free {
                Some(i) => {
                    let (d, s) = moves.remove(i);
                    match s {
                        Src::Slot(s) => self.emit_op(Op::Copy, d, s, 0, 0),
                        Src::Const(v) => self.emit_op(Op::Const, d, 0, 0, v),
                    };
                }
                None => {
                    let scratch = self.slot(self.stack.len());
                    self.max_height = self.max_height.max(self.stack.len() + 1);
                    if let (d, Src::Slot(s)) = moves[0] {
                        self.emit_op(Op::Copy, scratch, s, 0, 0);
                        moves[0] = (d, Src::Slot(scratch));
                    }
                }
            }
        }
    }

    /// Moves for a branch to the control frame at `depth`: the top operands to
    /// the label's slots. Empty when all are in place.
    fn branch_moves(&self, depth: usize) -> Vec<(u16, Src)> {
        let ctrl = &self.ctrls[self.ctrls.len() - 1 - depth];
        let arity = ctrl.label_arity();
        let top = self.stack.len() - arity;
        let mut moves: Vec<(u16, Src)> = (0..arity)
            .map(|i| (self.slot(ctrl.height() + i), self.src_of(top + i)))
            .collect();
        moves.retain(|(d, s)| *s != Src::Slot(*d));
        moves
    }

    /// Emits the moves and returns of a `return` (or a branch to the function's label).
    fn emit_return(&mut self) {
        let n = self.results;
        let top = self.stack.len() - n;
        if n == 1 {
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
        let moves = (0..n).map(|i| (i as u16, self.src_of(top + i))).collect();
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
            self.saved.extend_from_slice(&self.stack[height..]);
        }
        self.ctrls.push(Ctrl {
            kind,
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
        let rhs = self.pop();
        let lhs = self.pop();
        let pos = self.stack.len();
        if let (Operand::Const(a), Operand::Const(b)) = (lhs, rhs) {
            if let Some(v) = fold::binary(op, a, b) {
                self.push(Operand::Const(v));
                return;
            }
        }
        self.stack.push(lhs);
        self.stack.push(rhs);
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
        let ty = &self.env.types[self.env.func_types[func as usize] as usize];
        let (np, nr) = (ty.params.len(), ty.results.len());
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
        self.after_call(nr, tail);
    }

    fn call_indirect(&mut self, type_index: u32, table: u32, tail: bool) {
        let ty = &self.env.types[type_index as usize];
        let (np, nr) = (ty.params.len(), ty.results.len());
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
        self.after_call(nr, tail);
    }

    /// Pushes a call's results, or ends the code path after a tail call (its
    /// callee returns straight to our caller).
    fn after_call(&mut self, results: usize, tail: bool) {
        if tail {
            self.unreachable = true;
            return;
        }
        for _ in 0..results {
            self.push(Operand::Temp);
        }
    }

    fn local_set(&mut self, local: u32) {
        let x = local as u16;
        let preserved = self.preserve_locals(Some(x));
        let pos = self.stack.len() - 1;
        match self.stack[pos] {
            Operand::Local(y) => {
                if y != x {
                    self.emit_op(Op::Copy, x, y, 0, 0);
                }
            }
            Operand::Const(v) => {
                self.emit_op(Op::Const, x, 0, 0, v);
            }
            Operand::Temp => {
                let s = self.slot(pos);
                match self.last_result {
                    Some(pc) if !preserved && pc + 1 == self.code.len() && self.code[pc].a == s => {
                        self.code[pc].a = x;
                    }
                    _ => {
                        self.emit_op(Op::Copy, x, s, 0, 0);
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
            let top = self.stack.len() - ctrl.results();
            let moves = (0..ctrl.results())
                .map(|i| (self.slot(ctrl.height() + i), self.src_of(top + i)))
                .collect();
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
        for _ in 0..ctrl.results() {
            self.push(Operand::Temp);
        }
        self.unreachable = !(reachable_end || targeted) || !ctrl.reachable;
    }

    fn else_(&mut self) {
        let reachable_then = !self.unreachable;
        let idx = self.ctrls.len() - 1;
        if reachable_then {
            let ctrl = &self.ctrls[idx];
            let top = self.stack.len() - ctrl.results();
            let moves = (0..ctrl.results())
                .map(|i| (self.slot(ctrl.height() + i), self.src_of(top + i)))
                .collect();
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
        self.stack
            .extend_from_slice(&self.saved[saved..saved + ctrl.params as usize]);
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
        self.env
            .structs
            .binary_search_by_key(&index, |(i, _)| *i)
            .map(|i| &self.env.structs[i].1)
            .map_err(|_| {
                CompileError::Unsupported(format!(
                    "function {}: type {index} is not a struct",
                    self.func
                ))
            })
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
                self.stack.push(cond);
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
                let cond = self.stack.pop().expect("validated stack");
                let simple = !is_func && self.branch_moves(depth).is_empty();
                self.stack.push(cond);
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
                let a = self.use_at(pos);
                let b = self.use_at(pos + 1);
                let c = self.use_at(pos + 2);
                let d = self.slot(pos);
                let pc = self.emit_op(Op::Select, d, a, b, c as u64);
                self.stack.truncate(pos);
                self.push_result(pc);
            }
            O::LocalGet { local_index } => self.push(Operand::Local(local_index as u16)),
            O::LocalSet { local_index } => self.local_set(local_index),
            O::LocalTee { local_index } => {
                self.local_set(local_index);
                self.push(Operand::Local(local_index as u16));
            }
            O::GlobalGet { global_index } => self.nullary(Op::GlobalGet, global_index as u64),
            O::GlobalSet { global_index } => {
                let pos = self.stack.len() - 1;
                let s = self.use_at(pos);
                self.emit_op(Op::GlobalSet, 0, s, 0, global_index as u64);
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

/// Names the proposal of an operator zwasm does not lower yet, for the error.
fn proposal_of(op: &Operator) -> &'static str {
    use Operator as O;
    match op {
        O::CallRef { .. }
        | O::ReturnCallRef { .. }
        | O::BrOnNull { .. }
        | O::BrOnNonNull { .. } => " (function references proposal)",
        _ => {
            let name = format!("{op:?}");
            let gc = [
                "Array",
                "I31",
                "RefI31",
                "BrOnCast",
                "AnyConvert",
                "ExternConvert",
                "Struct",
                "RefGetDesc",
            ];
            if gc.iter().any(|p| name.starts_with(p)) {
                " (gc proposal)"
            } else {
                ""
            }
        }
    }
}

/// The IR op of a wasm operator the op table marks `wasm` (lowered one to
/// one, unary or binary by its format).
fn numeric(op: &Operator) -> Option<Op> {
    macro_rules! wasm_ops {
        ($($name:ident $text:literal $fmt:ident $sig:literal $($fact:ident $(($arg:ident))?)*,)*) => {
            $(wasm_row!(op; $name; $($fact)*);)*
        };
    }
    // One statement per row: a test of `Operator::Name` where the row has
    // the `wasm` fact, nothing elsewhere.
    macro_rules! wasm_row {
        ($op:ident; $name:ident; wasm $($rest:ident)*) => {
            if let Operator::$name = $op {
                return Some(Op::$name);
            }
        };
        ($op:ident; $name:ident; $other:ident $($rest:ident)*) => {
            wasm_row!($op; $name; $($rest)*)
        };
        ($op:ident; $name:ident;) => {};
    }
    zwasm_abi::for_each_op!(wasm_ops);
    None
}
