//! The interpreter's fast path: one handler function per op, reached through
//! a table indexed by the opcode, each ending in the dispatch of the next
//! instruction. In an optimised build that dispatch is a tail call (LLVM's
//! sibling-call optimisation turns it into an indirect `jmp`): every handler
//! has its own indirect branch, which the CPU predicts from that op's
//! successors, and the hot state (instruction pointer, frame, memory 0) stays
//! in argument registers from one op to the next. In an unoptimised build,
//! where calls are not turned into jumps, each handler returns and a loop
//! dispatches (`cfg(zwasm_tail_dispatch)`, set by `build.rs`).
//!
//! The handlers cover what needs only the frame and memory 0: arithmetic,
//! conversions, constants, copies, selects, loads and stores, branches and
//! the SIMD ops. Everything that needs the store (calls, returns, globals,
//! tables, memory growth, ...) stops the chain at its instruction, and `run`
//! executes it with its one `match`. A trap stops the chain at the trapping
//! instruction with its code, before the instruction has changed anything.

use super::{simd, MAX_FRAMES};
use crate::artifact::FuncCode;
use crate::store::{GlobalEntity, InstanceEntity, Store};
use zwasm_abi::ir::{Fmt, Instr, Op};
use zwasm_abi::num;
use zwasm_abi::TrapCode;

/// A suspended caller.
pub(super) struct Frame {
    pub instance: u32,
    pub def: u32,
    pub ret_ip: *const Instr,
    pub base: usize,
}

/// The call state, which `run` keeps and the call and return handlers share:
/// the suspended callers, the current function, and what a call needs of the
/// current instance.
pub(super) struct Cx {
    pub frames: Vec<Frame>,
    /// The current frame's first slot, as an index into the value stack.
    pub base: usize,
    pub cur_inst: u32,
    pub cur_def: u32,
    pub stack: *mut u64,
    pub stack_len: usize,
    /// The current frame, where the chain stopped.
    pub fp: *mut u64,
    /// The current instance's function codes, IR and number of imported
    /// functions, and whether any of its functions may have native code.
    pub codes: *const FuncCode,
    pub ir: *const Instr,
    pub num_imported_funcs: u32,
    pub native: bool,
    /// The store index of each of the instance's globals, and the store's
    /// globals (boxed, so a global stays put while the store's list grows).
    pub globals: *const u32,
    pub store_globals: *mut Box<GlobalEntity>,
}

impl Cx {
    /// Takes what calls and globals need of `inst`, the current function's
    /// instance, and of `store`.
    ///
    /// # Safety
    /// `inst` points at a live instance of `store`; neither may change until
    /// the chain about to run stops.
    pub(super) unsafe fn enter(&mut self, store: &mut Store, inst: *const InstanceEntity) {
        self.store_globals = store.globals.as_mut_ptr();
        // SAFETY: as the caller guarantees.
        let inst = unsafe { &*inst };
        self.globals = inst.globals.as_ptr();
        self.codes = inst.module.func_codes().as_ptr();
        self.ir = inst.module.ir().as_ptr();
        self.num_imported_funcs = inst.num_imported_funcs;
        self.native = inst.vm.is_some();
    }
}

/// Why the chain stopped: `ip` is where execution goes on.
#[repr(C)]
pub(super) struct Exit {
    pub ip: *const Instr,
    pub why: u64,
}

/// `ip` is an op without a handler: `run` executes it.
pub(super) const SLOW: u64 = 1;
/// A backward branch was taken in a module with fuel or interrupt checks:
/// `run` makes them, then goes on at `ip` (the branch target).
pub(super) const HOOKS: u64 = 2;
/// `TRAP + code`: the instruction at `ip` traps with `code`.
pub(super) const TRAP: u64 = 3;
/// The unoptimised build's handlers return this to go on at `ip`.
#[cfg(not(zwasm_tail_dispatch))]
const NEXT: u64 = 0;

/// A handler: the instruction at `ip`, the frame, memory 0 (base and length)
/// the instance's hook flags (non-zero with fuel or interrupt checks) and the
/// call state.
type Handler = unsafe fn(*const Instr, *mut u64, *mut u8, usize, u64, *mut Cx) -> Exit;

/// Runs from `ip` until an op without a handler, a trap, or a hook check.
///
/// # Safety
/// `ip` points into code the artifact checker verified, in the function whose
/// frame is `fp`; `mem` and `mem_len` describe memory 0 of its instance.
pub(super) unsafe fn run(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    len: usize,
    hooks: u64,
    cx: &mut Cx,
) -> Exit {
    #[cfg(zwasm_tail_dispatch)]
    // SAFETY: as the caller guarantees.
    unsafe {
        dispatch(ip, fp, mem, len, hooks, cx)
    }
    #[cfg(not(zwasm_tail_dispatch))]
    {
        let mut ip = ip;
        let mut fp = fp;
        loop {
            // SAFETY: as the caller guarantees; each handler returns the next
            // instruction and its frame.
            let e = unsafe { dispatch(ip, fp, mem, len, hooks, cx) };
            if e.why != NEXT {
                return e;
            }
            ip = e.ip;
            fp = cx.fp;
        }
    }
}

/// Calls the handler of the instruction at `ip`.
#[inline(always)]
unsafe fn dispatch(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    len: usize,
    hooks: u64,
    cx: *mut Cx,
) -> Exit {
    // SAFETY: the checker verified every op is below `Op::COUNT`, the table's
    // length, and `init` filled every entry with a `Handler` before `run`.
    unsafe {
        let h = *(&raw const HANDLERS).cast::<usize>().add((*ip).op as usize);
        std::mem::transmute::<usize, Handler>(h)(ip, fp, mem, len, hooks, cx)
    }
}

/// What a handler's body does next.
enum Flow {
    Next,
    /// Branch: the target is this many instructions from the next one.
    Jump(isize),
    Trap(TrapCode),
}

/// Goes on at `$ip`: a tail call in an optimised build, a return otherwise.
macro_rules! next {
    ($ip:expr, $fp:expr, $mem:expr, $len:expr, $hooks:expr, $cx:expr) => {{
        let next: *const Instr = $ip;
        #[cfg(zwasm_tail_dispatch)]
        // SAFETY: `next` is an instruction of the function whose frame is `$fp`
        // (checked at load).
        return unsafe { dispatch(next, $fp, $mem, $len, $hooks, $cx) };
        #[cfg(not(zwasm_tail_dispatch))]
        {
            let _ = ($mem, $len, $hooks);
            // SAFETY: `$cx` is the `Cx` that `run` was given.
            unsafe { (*$cx).fp = $fp };
            return Exit {
                ip: next,
                why: NEXT,
            };
        }
    }};
}

/// A handler from a body over the instruction `i`, the frame `fp` and memory
/// 0 (`mem`, `len`) that evaluates to a [`Flow`].
macro_rules! handler {
    (|$i:ident, $fp:ident, $mem:ident, $len:ident| $body:expr) => {{
        unsafe fn h(
            ip: *const Instr,
            fp: *mut u64,
            mem: *mut u8,
            len: usize,
            hooks: u64,
            cx: *mut Cx,
        ) -> Exit {
            // The body is a function of its own so that it can `return` a
            // trap (`ok!`).
            #[inline(always)]
            #[allow(unused_variables)]
            fn body($i: &Instr, $fp: *mut u64, $mem: *mut u8, $len: usize) -> Flow {
                $body
            }
            // SAFETY: `ip` is a checked instruction (the caller's guarantee).
            let flow = body(unsafe { &*ip }, fp, mem, len);
            // SAFETY: as the caller guarantees.
            unsafe { finish(flow, ip, fp, mem, len, hooks, cx) }
        }
        h as Handler
    }};
}

/// Goes on after the instruction at `ip` as `flow` says. Inlined into each
/// handler, so that its calls stay in tail position.
///
/// # Safety
/// As for a handler; a `Jump`'s target was checked at load.
#[inline(always)]
unsafe fn finish(
    flow: Flow,
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    len: usize,
    hooks: u64,
    cx: *mut Cx,
) -> Exit {
    match flow {
        // SAFETY: a function never ends without a return or a branch, so the
        // next instruction exists.
        Flow::Next => next!(unsafe { ip.add(1) }, fp, mem, len, hooks, cx),
        Flow::Jump(off) => {
            // SAFETY: the checker verified every branch target lies inside the function.
            let target = unsafe { ip.add(1).offset(off) };
            // A backward branch starts a loop iteration.
            if off < 0 && hooks != 0 {
                // SAFETY: as for `next!`.
                return unsafe { stop(target, fp, mem, HOOKS as usize, hooks, cx) };
            }
            next!(target, fp, mem, len, hooks, cx)
        }
        // SAFETY: as for `next!`.
        Flow::Trap(code) => unsafe { stop(ip, fp, mem, (TRAP + code as u64) as usize, hooks, cx) },
    }
}

/// Slot `s` of frame `fp`.
#[inline(always)]
fn rd(fp: *mut u64, s: impl Into<u64>) -> u64 {
    // SAFETY: the artifact checker verified every slot field is below the
    // function's `num_slots`, and the frame lies inside the stack.
    unsafe { *fp.add(s.into() as usize) }
}

#[inline(always)]
fn wr(fp: *mut u64, s: u16, v: u64) {
    // SAFETY: as for `rd`.
    unsafe { *fp.add(s as usize) = v }
}

/// Writes `$v` to slot `a` and goes on.
macro_rules! put {
    ($i:ident, $fp:ident, $v:expr) => {{
        wr($fp, $i.a, $v);
        Flow::Next
    }};
}

/// Unwraps a fallible result, or stops with its trap.
macro_rules! ok {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(code) => return Flow::Trap(code),
        }
    };
}

/// The right operand of an integer binary op: slot `c`, or `imm`.
macro_rules! rhs {
    (reg, $i:ident, $fp:ident) => {
        rd($fp, $i.c)
    };
    (imm, $i:ident, $fp:ident) => {
        $i.imm
    };
}

/// An i32 division or remainder, which may trap.
macro_rules! i32_try {
    ($rhs:ident, |$a:ident, $b:ident| $e:expr) => {
        handler!(|i, fp, _m, _l| {
            let $a = rd(fp, i.b) as u32;
            let $b = rhs!($rhs, i, fp) as u32;
            put!(i, fp, ok!($e) as u32 as u64)
        })
    };
}

/// An i64 division or remainder, which may trap.
macro_rules! i64_try {
    ($rhs:ident, |$a:ident, $b:ident| $e:expr) => {
        handler!(|i, fp, _m, _l| {
            let $a = rd(fp, i.b);
            let $b: u64 = rhs!($rhs, i, fp);
            put!(i, fp, ok!($e) as u64)
        })
    };
}

macro_rules! f32_bin {
    (|$a:ident, $b:ident| $e:expr) => {
        handler!(|i, fp, _m, _l| {
            let $a = f32::from_bits(rd(fp, i.b) as u32);
            let $b = f32::from_bits(rd(fp, i.c) as u32);
            put!(i, fp, f32_bin!(@bits $e))
        })
    };
    (@bits $e:expr) => {
        Bits::bits($e)
    };
}

/// A float op's result as a slot value: an arithmetic result is a float, a
/// comparison's a bool.
trait Bits {
    fn bits(self) -> u64;
}

impl Bits for f32 {
    #[inline(always)]
    fn bits(self) -> u64 {
        self.to_bits() as u64
    }
}

impl Bits for f64 {
    #[inline(always)]
    fn bits(self) -> u64 {
        self.to_bits()
    }
}

impl Bits for bool {
    #[inline(always)]
    fn bits(self) -> u64 {
        self as u64
    }
}

macro_rules! f64_bin {
    (|$a:ident, $b:ident| $e:expr) => {
        handler!(|i, fp, _m, _l| {
            let $a = f64::from_bits(rd(fp, i.b));
            let $b = f64::from_bits(rd(fp, i.c));
            put!(i, fp, f32_bin!(@bits $e))
        })
    };
}

/// A unary op over slot `b` read as `$t`, its result already a slot value.
macro_rules! un {
    (|$x:ident: $t:ty| $e:expr) => {
        handler!(|i, fp, _m, _l| {
            let $x = rd(fp, i.b) as $t;
            put!(i, fp, $e)
        })
    };
}

/// A fallible unary op.
macro_rules! un_try {
    (|$x:ident: $t:ty| $e:expr) => {
        handler!(|i, fp, _m, _l| {
            let $x = rd(fp, i.b) as $t;
            put!(i, fp, $e)
        })
    };
}

macro_rules! f32_un {
    (|$x:ident| $e:expr) => {
        un!(|x: u32| {
            let $x = f32::from_bits(x);
            ($e).to_bits() as u64
        })
    };
}

macro_rules! f64_un {
    (|$x:ident| $e:expr) => {
        un!(|x: u64| {
            let $x = f64::from_bits(x);
            ($e).to_bits()
        })
    };
}

/// The effective address of an access of `size` bytes at address `base`
/// plus `offset`, if it lies in memory 0 of length `len`. An address slot is
/// read whole: an i32 address is zero-extended in its slot, an i64 one
/// (memory64) is all 64 bits, so one check serves both.
#[inline(always)]
fn addr(base: u64, offset: u64, len: usize, size: u64) -> Result<usize, TrapCode> {
    let (ea, carry) = base.overflowing_add(offset);
    let (end, carry2) = ea.overflowing_add(size);
    if carry | carry2 | (end > len as u64) {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    Ok(ea as usize)
}

/// The op whose number is `N` (a handler's const parameter).
macro_rules! op {
    ($n:expr) => {
        const { Op::ALL[$n as usize] }
    };
}

/// The integer binary ops that cannot trap, compares included, in register
/// and immediate form: `op` on `a` (slot `b`) and `b` (slot `c` or `imm`),
/// as a slot value.
#[inline(always)]
fn int_bin(op: Op, a: u64, b: u64) -> u64 {
    use Op::*;
    let (x, y) = (a as u32, b as u32);
    let (sx, sy, sa, sb) = (x as i32, y as i32, a as i64, b as i64);
    match op {
        I32Add | I32AddImm => x.wrapping_add(y) as u64,
        I32Sub | I32SubImm => x.wrapping_sub(y) as u64,
        I32Mul | I32MulImm => x.wrapping_mul(y) as u64,
        I32And | I32AndImm => (x & y) as u64,
        I32Or | I32OrImm => (x | y) as u64,
        I32Xor | I32XorImm => (x ^ y) as u64,
        I32Shl | I32ShlImm => x.wrapping_shl(y) as u64,
        I32ShrS | I32ShrSImm => sx.wrapping_shr(y) as u32 as u64,
        I32ShrU | I32ShrUImm => x.wrapping_shr(y) as u64,
        I32Rotl | I32RotlImm => x.rotate_left(y) as u64,
        I32Rotr | I32RotrImm => x.rotate_right(y) as u64,
        I32Eq | I32EqImm => (x == y) as u64,
        I32Ne | I32NeImm => (x != y) as u64,
        I32LtS | I32LtSImm => (sx < sy) as u64,
        I32LtU | I32LtUImm => (x < y) as u64,
        I32GtS | I32GtSImm => (sx > sy) as u64,
        I32GtU | I32GtUImm => (x > y) as u64,
        I32LeS | I32LeSImm => (sx <= sy) as u64,
        I32LeU | I32LeUImm => (x <= y) as u64,
        I32GeS | I32GeSImm => (sx >= sy) as u64,
        I32GeU | I32GeUImm => (x >= y) as u64,
        I64Add | I64AddImm => a.wrapping_add(b),
        I64Sub | I64SubImm => a.wrapping_sub(b),
        I64Mul | I64MulImm => a.wrapping_mul(b),
        I64And | I64AndImm => a & b,
        I64Or | I64OrImm => a | b,
        I64Xor | I64XorImm => a ^ b,
        I64Shl | I64ShlImm => a.wrapping_shl(y),
        I64ShrS | I64ShrSImm => sa.wrapping_shr(y) as u64,
        I64ShrU | I64ShrUImm => a.wrapping_shr(y),
        I64Rotl | I64RotlImm => a.rotate_left((b % 64) as u32),
        I64Rotr | I64RotrImm => a.rotate_right((b % 64) as u32),
        I64Eq | I64EqImm => (a == b) as u64,
        I64Ne | I64NeImm => (a != b) as u64,
        I64LtS | I64LtSImm => (sa < sb) as u64,
        I64LtU | I64LtUImm => (a < b) as u64,
        I64GtS | I64GtSImm => (sa > sb) as u64,
        I64GtU | I64GtUImm => (a > b) as u64,
        I64LeS | I64LeSImm => (sa <= sb) as u64,
        I64LeU | I64LeUImm => (a <= b) as u64,
        I64GeS | I64GeSImm => (sa >= sb) as u64,
        I64GeU | I64GeUImm => (a >= b) as u64,
        _ => unreachable!("{} is not an integer binary op", op.name()),
    }
}

/// Whether compare-and-branch `op` branches for `a` (slot `b`) and `b` (slot
/// `c`, or the constant of an immediate form).
#[inline(always)]
fn br_taken(op: Op, a: u64, b: u64) -> bool {
    use Op::*;
    let (x, y) = (a as u32, b as u32);
    let (sx, sy, sa, sb) = (x as i32, y as i32, a as i64, b as i64);
    match op {
        BrIfI32Eq | BrIfI32EqImm => x == y,
        BrIfI32Ne | BrIfI32NeImm => x != y,
        BrIfI32LtS | BrIfI32LtSImm => sx < sy,
        BrIfI32LtU | BrIfI32LtUImm => x < y,
        BrIfI32GtS | BrIfI32GtSImm => sx > sy,
        BrIfI32GtU | BrIfI32GtUImm => x > y,
        BrIfI32LeS | BrIfI32LeSImm => sx <= sy,
        BrIfI32LeU | BrIfI32LeUImm => x <= y,
        BrIfI32GeS | BrIfI32GeSImm => sx >= sy,
        BrIfI32GeU | BrIfI32GeUImm => x >= y,
        BrIfI64Eq => a == b,
        BrIfI64Ne => a != b,
        BrIfI64LtS => sa < sb,
        BrIfI64LtU => a < b,
        BrIfI64GtS => sa > sb,
        BrIfI64GtU => a > b,
        BrIfI64LeS => sa <= sb,
        BrIfI64LeU => a <= b,
        BrIfI64GeS => sa >= sb,
        BrIfI64GeU => a >= b,
        BrIfNez => x != 0,
        BrIfEqz => x == 0,
        _ => unreachable!("{} is not a conditional branch", op.name()),
    }
}

/// The bytes a load or store of `op` accesses.
#[inline(always)]
const fn access_size(op: Op) -> u64 {
    use Op::*;
    match op {
        I32Load8S | I32Load8U | I64Load8S | I64Load8U | I32Store8 | I64Store8 => 1,
        I32Load16S | I32Load16U | I64Load16S | I64Load16U | I32Store16 | I64Store16 => 2,
        I32Load | F32Load | I64Load32S | I64Load32U | I32Store | F32Store | I64Store32 => 4,
        _ => 8,
    }
}

/// The slot value that load `op` reads at `p`.
///
/// # Safety
/// `p` is valid for `access_size(op)` bytes.
#[inline(always)]
unsafe fn load_at(op: Op, p: *const u8) -> u64 {
    use std::ptr::read_unaligned as get;
    use Op::*;
    // SAFETY: as the caller guarantees.
    unsafe {
        match op {
            I32Load | F32Load | I64Load32U => u32::from_le(get(p.cast::<u32>())) as u64,
            I64Load | F64Load => u64::from_le(get(p.cast::<u64>())),
            I32Load8S => *p as i8 as i32 as u32 as u64,
            I32Load8U | I64Load8U => *p as u64,
            I32Load16S => i16::from_le(get(p.cast::<i16>())) as i32 as u32 as u64,
            I32Load16U | I64Load16U => u16::from_le(get(p.cast::<u16>())) as u64,
            I64Load8S => *p as i8 as i64 as u64,
            I64Load16S => i16::from_le(get(p.cast::<i16>())) as i64 as u64,
            I64Load32S => i32::from_le(get(p.cast::<i32>())) as i64 as u64,
            _ => unreachable!("{} is not a load", op.name()),
        }
    }
}

/// Stores slot value `v` at `p` as store `op` does.
///
/// # Safety
/// `p` is valid for `access_size(op)` bytes.
#[inline(always)]
unsafe fn store_at(op: Op, p: *mut u8, v: u64) {
    use std::ptr::write_unaligned as put;
    use Op::*;
    // SAFETY: as the caller guarantees.
    unsafe {
        match op {
            I32Store | F32Store | I64Store32 => put(p.cast::<u32>(), (v as u32).to_le()),
            I64Store | F64Store => put(p.cast::<u64>(), v.to_le()),
            I32Store8 | I64Store8 => *p = v as u8,
            I32Store16 | I64Store16 => put(p.cast::<u16>(), (v as u16).to_le()),
            _ => unreachable!("{} is not a store", op.name()),
        }
    }
}

/// What op `op` (without a trap or a branch of its own) does with the
/// instruction `i`, reading `b` as its `b` operand: an integer binary op, a
/// load or store (address `b`), a conditional branch, `global.set`.
///
/// # Safety
/// `i` is a checked instruction of `op` in the current function, `fp` its
/// frame, `mem` and `len` memory 0, `cx` the `Cx` that `run` was given.
#[inline(always)]
unsafe fn step(
    op: Op,
    i: &Instr,
    b: u64,
    fp: *mut u64,
    mem: *mut u8,
    len: usize,
    cx: *mut Cx,
) -> Flow {
    let jump = |taken: bool| {
        if taken {
            Flow::Jump(i.offset() as isize)
        } else {
            Flow::Next
        }
    };
    match op.fmt() {
        Fmt::Binary => wr(fp, i.a, int_bin(op, b, rd(fp, i.c))),
        Fmt::BinaryImm => wr(fp, i.a, int_bin(op, b, i.imm)),
        Fmt::Load => match addr(b, i.imm, len, access_size(op)) {
            // SAFETY: `ea + size <= len`, and `mem` is memory 0's base.
            Ok(ea) => wr(fp, i.a, unsafe { load_at(op, mem.add(ea)) }),
            Err(code) => return Flow::Trap(code),
        },
        Fmt::Store => match addr(b, i.imm, len, access_size(op)) {
            // SAFETY: as for a load.
            Ok(ea) => unsafe { store_at(op, mem.add(ea), rd(fp, i.c)) },
            Err(code) => return Flow::Trap(code),
        },
        Fmt::BrIf => return jump(br_taken(op, b, 0)),
        Fmt::BrCmp => return jump(br_taken(op, b, rd(fp, i.c))),
        Fmt::BrCmpImm => return jump(br_taken(op, b, i.branch_imm() as u32 as u64)),
        // SAFETY: as the caller guarantees.
        Fmt::GlobalSet => unsafe { (*global(i, cx)).value[0] = b },
        _ => unreachable!("{} has no step", op.name()),
    }
    Flow::Next
}

/// The handler of op number `N`, one `step`.
unsafe fn one<const N: u16>(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    len: usize,
    hooks: u64,
    cx: *mut Cx,
) -> Exit {
    // SAFETY: `ip` is a checked instruction of op `N` (the caller's guarantee).
    let i = unsafe { &*ip };
    // SAFETY: as the caller guarantees.
    unsafe {
        let flow = step(op!(N), i, rd(fp, i.b), fp, mem, len, cx);
        finish(flow, ip, fp, mem, len, hooks, cx)
    }
}

/// The handler of superinstruction number `N`: its first op `X` on its own
/// fields, then the next instruction's `Y` with `X`'s result as `b`, taken
/// from a register rather than read back from the frame. A trap or branch of
/// `Y` is at `Y`'s instruction.
unsafe fn pair<const N: u16>(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    len: usize,
    hooks: u64,
    cx: *mut Cx,
) -> Exit {
    let (x, y) = const {
        match Op::ALL[N as usize].pair() {
            Some(p) => p,
            None => panic!("not a superinstruction"),
        }
    };
    // SAFETY: `ip` is a checked superinstruction, so the next instruction is
    // its `Y` with `b` naming the slot `X` writes (checked at load).
    let (i, j) = unsafe { (&*ip, &*ip.add(1)) };
    let v = match x.fmt() {
        Fmt::Binary => int_bin(x, rd(fp, i.b), rd(fp, i.c)),
        Fmt::BinaryImm => int_bin(x, rd(fp, i.b), i.imm),
        Fmt::Load => match addr(rd(fp, i.b), i.imm, len, access_size(x)) {
            // SAFETY: `ea + size <= len`, and `mem` is memory 0's base.
            Ok(ea) => unsafe { load_at(x, mem.add(ea)) },
            // SAFETY: as the caller guarantees.
            Err(code) => return unsafe { finish(Flow::Trap(code), ip, fp, mem, len, hooks, cx) },
        },
        _ => unreachable!("{} cannot start a superinstruction", x.name()),
    };
    wr(fp, i.a, v);
    // SAFETY: as the caller guarantees; `j` is the instruction after `ip`.
    unsafe {
        let flow = step(y, j, v, fp, mem, len, cx);
        finish(flow, ip.add(1), fp, mem, len, hooks, cx)
    }
}

/// Stops the chain at `ip` for reason `why` (in the place of memory 0's
/// length, so that this has a handler's signature). Every way out of a
/// handler is a call in tail position: LLVM turns a tail call into a jump only
/// when each return of the function returns a call's result unchanged.
#[inline(never)]
unsafe fn stop(
    ip: *const Instr,
    fp: *mut u64,
    _: *mut u8,
    why: usize,
    _: u64,
    cx: *mut Cx,
) -> Exit {
    // SAFETY: `cx` is the `Cx` that `run` was given.
    unsafe { (*cx).fp = fp };
    Exit {
        ip,
        why: why as u64,
    }
}

/// Stops the chain: `run` executes this op.
#[inline(never)]
unsafe fn slow(ip: *const Instr, fp: *mut u64, _: *mut u8, _: usize, _: u64, cx: *mut Cx) -> Exit {
    // SAFETY: `cx` is the `Cx` that `run` was given.
    unsafe { (*cx).fp = fp };
    Exit { ip, why: SLOW }
}

/// A SIMD op (or an op that `run` executes, which `simd::exec` declines).
unsafe fn vector(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    len: usize,
    hooks: u64,
    cx: *mut Cx,
) -> Exit {
    // SAFETY: `ip` is a checked instruction, so `ip + 1` exists (a function
    // never ends without a return or branch); the frame and memory are the
    // current ones, and a data word follows every op that has one.
    let (step, next) = unsafe { (simd::exec(&*ip, ip.add(1), fp, mem, len), ip.add(1)) };
    // One call in tail position on each side of one branch, as `stop` asks.
    let (to, why) = match step {
        simd::Step::Next => (next, 0),
        // SAFETY: the data word is inside the function.
        simd::Step::SkipWord => (unsafe { next.add(1) }, 0),
        simd::Step::Trap(code) => (ip, TRAP + code as u64),
        simd::Step::NotSimd => (ip, SLOW),
    };
    if why != 0 {
        // SAFETY: as for `next!`.
        return unsafe { stop(to, fp, mem, why as usize, hooks, cx) };
    }
    next!(to, fp, mem, len, hooks, cx)
}

/// `call` of a function of the same instance that runs as IR: pushes the
/// caller and enters the callee. Anything else (native code, a frame that
/// does not fit, fuel or interrupt checks) is `run`'s.
unsafe fn call(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    len: usize,
    hooks: u64,
    cx: *mut Cx,
) -> Exit {
    // SAFETY: `ip` is a checked instruction and `cx` the `Cx` that `run` was
    // given, pointed at the current instance.
    let (i, c) = unsafe { (&*ip, &mut *cx) };
    let def = (i.imm as u32).wrapping_sub(c.num_imported_funcs);
    // SAFETY: the checker verified that a `call`'s index is a defined function's.
    let f = unsafe { &*c.codes.add(def as usize) };
    let new_base = c.base + i.a as usize;
    if hooks != 0
        || (c.native && f.native != 0)
        || new_base + f.num_slots as usize > c.stack_len
        || c.frames.len() >= MAX_FRAMES
    {
        // SAFETY: as for `next!`.
        return unsafe { stop(ip, fp, mem, SLOW as usize, hooks, cx) };
    }
    c.frames.push(Frame {
        instance: c.cur_inst,
        def: c.cur_def,
        // SAFETY: a call is never a function's last instruction.
        ret_ip: unsafe { ip.add(1) },
        base: c.base,
    });
    c.base = new_base;
    c.cur_def = def;
    // SAFETY: the callee's frame lies inside the stack (checked above), and
    // its code starts inside the IR section (checked at load).
    let (fp, start) = unsafe { (c.stack.add(new_base), c.ir.add(f.start as usize)) };
    for k in f.num_params..f.num_locals {
        // SAFETY: locals are below `num_slots`.
        unsafe { *fp.add(k as usize) = 0 };
    }
    next!(start, fp, mem, len, hooks, cx)
}

/// `return` (`SLOT`: `return_slot`, which first moves its operand to slot 0)
/// to a caller of the same instance; the last return and one to another
/// instance are `run`'s.
unsafe fn ret<const SLOT: bool>(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    len: usize,
    hooks: u64,
    cx: *mut Cx,
) -> Exit {
    // SAFETY: as for `call`.
    let (i, c) = unsafe { (&*ip, &mut *cx) };
    let Some(f) = c.frames.pop_if(|f| f.instance == c.cur_inst) else {
        // SAFETY: as for `next!`.
        return unsafe { stop(ip, fp, mem, SLOW as usize, hooks, cx) };
    };
    if SLOT {
        wr(fp, 0, rd(fp, i.b));
    }
    c.base = f.base;
    c.cur_def = f.def;
    // SAFETY: a saved frame's base was inside the stack when it was pushed.
    let fp = unsafe { c.stack.add(f.base) };
    next!(f.ret_ip, fp, mem, len, hooks, cx)
}

/// The global that `global.get` or `global.set` `i` names.
///
/// # Safety
/// `cx` is the `Cx` that `run` was given, entered for the current instance.
#[inline(always)]
unsafe fn global(i: &Instr, cx: *mut Cx) -> *mut GlobalEntity {
    // SAFETY: the checker verified the index is in the instance's global
    // space, and each instance global is a store global.
    unsafe {
        let g = *(*cx).globals.add(i.imm as usize);
        &mut **(*cx).store_globals.add(g as usize)
    }
}

/// `global.get` of a one-slot global.
unsafe fn global_get(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    len: usize,
    hooks: u64,
    cx: *mut Cx,
) -> Exit {
    // SAFETY: `ip` is a checked instruction.
    let i = unsafe { &*ip };
    // SAFETY: `cx` is the `Cx` that `run` was given, entered for this instance.
    wr(fp, i.a, unsafe { (*global(i, cx)).value[0] });
    // SAFETY: a function never ends without a return or a branch.
    next!(unsafe { ip.add(1) }, fp, mem, len, hooks, cx)
}

/// The first superinstruction's opcode: they end the op table.
const FIRST_PAIR: usize = {
    let mut k = 0;
    while Op::ALL[k].pair().is_none() {
        k += 1;
    }
    k
};

/// Sets the superinstructions' handlers, `FIRST_PAIR + k` for each `k`.
macro_rules! pairs {
    ($t:ident; $($k:literal)*) => {
        $($t[FIRST_PAIR + $k] = pair::<{ (FIRST_PAIR + $k) as u16 }> as Handler as usize;)*
        const _: () = assert!(FIRST_PAIR + [$($k),*].len() == Op::COUNT as usize);
    };
}

const _: () = {
    let mut k = FIRST_PAIR;
    while k < Op::ALL.len() {
        assert!(
            Op::ALL[k].pair().is_some(),
            "superinstructions end the op table"
        );
        k += 1;
    }
};

/// Each op's handler, by opcode, as an address. Filled at run time, once
/// (`init`): a table of function pointers in the binary needs a dynamic
/// relocation per entry (24 bytes each on x86_64, applied at every
/// start-up), where taking a function's address in code needs none.
static mut HANDLERS: [usize; Op::COUNT as usize] = [0; Op::COUNT as usize];

/// Fills the handler table, the first time the interpreter runs.
pub(super) fn init() {
    static FILLED: std::sync::Once = std::sync::Once::new();
    FILLED.call_once(|| fill(&raw mut HANDLERS));
}

fn fill(table: *mut [usize; Op::COUNT as usize]) {
    // SAFETY: `init`'s `Once` runs this on one thread, and every reader of
    // the table comes after `init` returned.
    let t = unsafe { &mut *table };
    // Ops that read or write a v128 go to the SIMD semantics; the rest
    // without a handler below stop the chain.
    for (k, op) in Op::ALL.iter().enumerate() {
        let wide = (0..4).any(|f| op.is_wide(f));
        t[k] = if wide { vector as Handler } else { slow } as usize;
    }
    pairs!(t; 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43);
    macro_rules! on {
        ($($op:ident => $h:expr,)*) => {
            $(t[Op::$op as usize] = ($h) as Handler as usize;)*
        };
    }
    // The ops whose semantics are `step`'s: one generic handler each.
    macro_rules! ones {
        ($($op:ident)*) => {
            $(t[Op::$op as usize] = one::<{ Op::$op as u16 }> as Handler as usize;)*
        };
    }
    ones! {
        BrIfNez BrIfEqz GlobalSet BrIfI32Eq BrIfI32Ne BrIfI32LtS BrIfI32LtU BrIfI32GtS
        BrIfI32GtU BrIfI32LeS BrIfI32LeU BrIfI32GeS BrIfI32GeU BrIfI32EqImm BrIfI32NeImm
        BrIfI32LtSImm BrIfI32LtUImm BrIfI32GtSImm BrIfI32GtUImm BrIfI32LeSImm BrIfI32LeUImm
        BrIfI32GeSImm BrIfI32GeUImm BrIfI64Eq BrIfI64Ne BrIfI64LtS BrIfI64LtU BrIfI64GtS
        BrIfI64GtU BrIfI64LeS BrIfI64LeU BrIfI64GeS BrIfI64GeU I32Load I64Load F32Load F64Load
        I32Load8S I32Load8U I32Load16S I32Load16U I64Load8S I64Load8U I64Load16S I64Load16U
        I64Load32S I64Load32U I32Store F32Store I64Store F64Store I32Store8 I64Store8 I32Store16
        I64Store16 I64Store32 I32Add I32Sub I32Mul I32And I32Or I32Xor I32Shl I32ShrS I32ShrU
        I32Rotl I32Rotr I32Eq I32Ne I32LtS I32LtU I32GtS I32GtU I32LeS I32LeU I32GeS I32GeU
        I32AddImm I32SubImm I32MulImm I32AndImm I32OrImm I32XorImm I32ShlImm I32ShrSImm
        I32ShrUImm I32RotlImm I32RotrImm I32EqImm I32NeImm I32LtSImm I32LtUImm I32GtSImm
        I32GtUImm I32LeSImm I32LeUImm I32GeSImm I32GeUImm I64Add I64Sub I64Mul I64And I64Or
        I64Xor I64Shl I64ShrS I64ShrU I64Rotl I64Rotr I64Eq I64Ne I64LtS I64LtU I64GtS I64GtU
        I64LeS I64LeU I64GeS I64GeU I64AddImm I64SubImm I64MulImm I64AndImm I64OrImm I64XorImm
        I64ShlImm I64ShrSImm I64ShrUImm I64RotlImm I64RotrImm I64EqImm I64NeImm I64LtSImm
        I64LtUImm I64GtSImm I64GtUImm I64LeSImm I64LeUImm I64GeSImm I64GeUImm
    }
    on! {
        Nop => handler!(|_i, _fp, _m, _l| Flow::Next),
        Trap => slow,
        Br => handler!(|i, _fp, _m, _l| Flow::Jump(i.offset() as isize)),
        BrTable => handler!(|i, fp, _m, _l| {
            let n = i.imm as usize;
            let k = (rd(fp, i.b) as u32 as usize).min(n);
            // SAFETY: the checker verified the n+1 entries follow the table.
            let entry = unsafe { *(i as *const Instr).add(1 + k) };
            // The entry's offset counts from the instruction after the entry.
            Flow::Jump(k as isize + 1 + entry.offset() as isize)
        }),
        Return => ret::<false>,
        ReturnSlot => ret::<true>,
        Call => call,
        CallImport => slow,
        CallIndirect => slow,
        ReturnCall => slow,
        ReturnCallImport => slow,
        ReturnCallIndirect => slow,
        Copy => handler!(|i, fp, _m, _l| put!(i, fp, rd(fp, i.b))),
        Const => handler!(|i, fp, _m, _l| put!(i, fp, i.imm)),
        Select => handler!(|i, fp, _m, _l| put!(
            i,
            fp,
            if rd(fp, i.imm) as u32 != 0 {
                rd(fp, i.b)
            } else {
                rd(fp, i.c)
            }
        )),
        GlobalGet => global_get,
        GlobalGetV128 => slow,
        GlobalSetV128 => slow,


        MemorySize => handler!(|i, fp, _m, len| put!(i, fp, len as u64 / crate::PAGE_SIZE)),
        RefIsNull => handler!(|i, fp, _m, _l| put!(i, fp, (rd(fp, i.b) == 0) as u64)),
        RefAsNonNull => handler!(|i, fp, _m, _l| {
            let v = rd(fp, i.b);
            if v == 0 {
                Flow::Trap(TrapCode::NullReference)
            } else {
                put!(i, fp, v)
            }
        }),
        I32Eqz => un!(|x: u32| (x == 0) as u64),
        I32Clz => un!(|x: u32| x.leading_zeros() as u64),
        I32Ctz => un!(|x: u32| x.trailing_zeros() as u64),
        I32Popcnt => un!(|x: u32| x.count_ones() as u64),
        I32Extend8S => un!(|x: i8| x as i32 as u32 as u64),
        I32Extend16S => un!(|x: i16| x as i32 as u32 as u64),
        I64Eqz => un!(|x: u64| (x == 0) as u64),
        I64Clz => un!(|x: u64| x.leading_zeros() as u64),
        I64Ctz => un!(|x: u64| x.trailing_zeros() as u64),
        I64Popcnt => un!(|x: u64| x.count_ones() as u64),
        I64Extend8S => un!(|x: i8| x as i64 as u64),
        I64Extend16S => un!(|x: i16| x as i64 as u64),
        I64Extend32S => un!(|x: i32| x as i64 as u64),
        F32Abs => f32_un!(|x| x.abs()),
        F32Neg => f32_un!(|x| -x),
        F32Ceil => f32_un!(|x| num::f32_ceil(x)),
        F32Floor => f32_un!(|x| num::f32_floor(x)),
        F32Trunc => f32_un!(|x| num::f32_trunc(x)),
        F32Nearest => f32_un!(|x| num::f32_nearest(x)),
        F32Sqrt => f32_un!(|x| num::f32_sqrt(x)),
        F64Abs => f64_un!(|x| x.abs()),
        F64Neg => f64_un!(|x| -x),
        F64Ceil => f64_un!(|x| num::f64_ceil(x)),
        F64Floor => f64_un!(|x| num::f64_floor(x)),
        F64Trunc => f64_un!(|x| num::f64_trunc(x)),
        F64Nearest => f64_un!(|x| num::f64_nearest(x)),
        F64Sqrt => f64_un!(|x| num::f64_sqrt(x)),
        I32WrapI64 => un!(|x: u32| x as u64),
        I32TruncF32S => un_try!(|x: u32| ok!(num::i32_trunc_f32_s(f32::from_bits(x))) as u32 as u64),
        I32TruncF32U => un_try!(|x: u32| ok!(num::i32_trunc_f32_u(f32::from_bits(x))) as u64),
        I32TruncF64S => un_try!(|x: u64| ok!(num::i32_trunc_f64_s(f64::from_bits(x))) as u32 as u64),
        I32TruncF64U => un_try!(|x: u64| ok!(num::i32_trunc_f64_u(f64::from_bits(x))) as u64),
        I64ExtendI32S => un!(|x: i32| x as i64 as u64),
        I64ExtendI32U => un!(|x: u32| x as u64),
        I64TruncF32S => un_try!(|x: u32| ok!(num::i64_trunc_f32_s(f32::from_bits(x))) as u64),
        I64TruncF32U => un_try!(|x: u32| ok!(num::i64_trunc_f32_u(f32::from_bits(x)))),
        I64TruncF64S => un_try!(|x: u64| ok!(num::i64_trunc_f64_s(f64::from_bits(x))) as u64),
        I64TruncF64U => un_try!(|x: u64| ok!(num::i64_trunc_f64_u(f64::from_bits(x)))),
        F32ConvertI32S => un!(|x: i32| (x as f32).to_bits() as u64),
        F32ConvertI32U => un!(|x: u32| (x as f32).to_bits() as u64),
        F32ConvertI64S => un!(|x: i64| (x as f32).to_bits() as u64),
        F32ConvertI64U => un!(|x: u64| (x as f32).to_bits() as u64),
        F32DemoteF64 => un!(|x: u64| (f64::from_bits(x) as f32).to_bits() as u64),
        F64ConvertI32S => un!(|x: i32| (x as f64).to_bits()),
        F64ConvertI32U => un!(|x: u32| (x as f64).to_bits()),
        F64ConvertI64S => un!(|x: i64| (x as f64).to_bits()),
        F64ConvertI64U => un!(|x: u64| (x as f64).to_bits()),
        F64PromoteF32 => un!(|x: u32| (f32::from_bits(x) as f64).to_bits()),
        I32TruncSatF32S => un!(|x: u32| f32::from_bits(x) as i32 as u32 as u64),
        I32TruncSatF32U => un!(|x: u32| f32::from_bits(x) as u32 as u64),
        I32TruncSatF64S => un!(|x: u64| f64::from_bits(x) as i32 as u32 as u64),
        I32TruncSatF64U => un!(|x: u64| f64::from_bits(x) as u32 as u64),
        I64TruncSatF32S => un!(|x: u32| f32::from_bits(x) as i64 as u64),
        I64TruncSatF32U => un!(|x: u32| f32::from_bits(x) as u64),
        I64TruncSatF64S => un!(|x: u64| f64::from_bits(x) as i64 as u64),
        I64TruncSatF64U => un!(|x: u64| f64::from_bits(x) as u64),

        I32DivS => i32_try!(reg, |a, b| num::i32_div_s(a as i32, b as i32)),
        I32DivU => i32_try!(reg, |a, b| num::i32_div_u(a, b)),
        I32RemS => i32_try!(reg, |a, b| num::i32_rem_s(a as i32, b as i32)),
        I32RemU => i32_try!(reg, |a, b| num::i32_rem_u(a, b)),
        I32DivSImm => i32_try!(imm, |a, b| num::i32_div_s(a as i32, b as i32)),
        I32DivUImm => i32_try!(imm, |a, b| num::i32_div_u(a, b)),
        I32RemSImm => i32_try!(imm, |a, b| num::i32_rem_s(a as i32, b as i32)),
        I32RemUImm => i32_try!(imm, |a, b| num::i32_rem_u(a, b)),

        I64DivS => i64_try!(reg, |a, b| num::i64_div_s(a as i64, b as i64)),
        I64DivU => i64_try!(reg, |a, b| num::i64_div_u(a, b)),
        I64RemS => i64_try!(reg, |a, b| num::i64_rem_s(a as i64, b as i64)),
        I64RemU => i64_try!(reg, |a, b| num::i64_rem_u(a, b)),
        I64DivSImm => i64_try!(imm, |a, b| num::i64_div_s(a as i64, b as i64)),
        I64DivUImm => i64_try!(imm, |a, b| num::i64_div_u(a, b)),
        I64RemSImm => i64_try!(imm, |a, b| num::i64_rem_s(a as i64, b as i64)),
        I64RemUImm => i64_try!(imm, |a, b| num::i64_rem_u(a, b)),

        F32Add => f32_bin!(|a, b| a + b),
        F32Sub => f32_bin!(|a, b| a - b),
        F32Mul => f32_bin!(|a, b| a * b),
        F32Div => f32_bin!(|a, b| a / b),
        F32Min => f32_bin!(|a, b| num::f32_min(a, b)),
        F32Max => f32_bin!(|a, b| num::f32_max(a, b)),
        F32Copysign => f32_bin!(|a, b| a.copysign(b)),
        F32Eq => f32_bin!(|a, b| a == b),
        F32Ne => f32_bin!(|a, b| a != b),
        F32Lt => f32_bin!(|a, b| a < b),
        F32Gt => f32_bin!(|a, b| a > b),
        F32Le => f32_bin!(|a, b| a <= b),
        F32Ge => f32_bin!(|a, b| a >= b),
        F64Add => f64_bin!(|a, b| a + b),
        F64Sub => f64_bin!(|a, b| a - b),
        F64Mul => f64_bin!(|a, b| a * b),
        F64Div => f64_bin!(|a, b| a / b),
        F64Min => f64_bin!(|a, b| num::f64_min(a, b)),
        F64Max => f64_bin!(|a, b| num::f64_max(a, b)),
        F64Copysign => f64_bin!(|a, b| a.copysign(b)),
        F64Eq => f64_bin!(|a, b| a == b),
        F64Ne => f64_bin!(|a, b| a != b),
        F64Lt => f64_bin!(|a, b| a < b),
        F64Gt => f64_bin!(|a, b| a > b),
        F64Le => f64_bin!(|a, b| a <= b),
        F64Ge => f64_bin!(|a, b| a >= b),
    }
}
