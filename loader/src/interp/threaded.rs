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
use zwasm_abi::ir::{Instr, Op};
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
    // SAFETY: the checker verified every op is below `Op::COUNT`, the table's length.
    unsafe {
        let h = *HANDLERS.get_unchecked((*ip).op as usize);
        h(ip, fp, mem, len, hooks, cx)
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
            match flow {
                // SAFETY: a function never ends without a return or a branch,
                // so the next instruction exists.
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
                Flow::Trap(code) => unsafe {
                    stop(ip, fp, mem, (TRAP + code as u64) as usize, hooks, cx)
                },
            }
        }
        h as Handler
    }};
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

macro_rules! i32_bin {
    ($rhs:ident, |$a:ident, $b:ident| $e:expr) => {
        handler!(|i, fp, _m, _l| {
            let $a = rd(fp, i.b) as u32;
            let $b = i32_bin!(@rhs $rhs, i, fp) as u32;
            put!(i, fp, ($e) as u32 as u64)
        })
    };
    (@rhs reg, $i:ident, $fp:ident) => { rd($fp, $i.c) };
    (@rhs imm, $i:ident, $fp:ident) => { $i.imm };
}

macro_rules! i64_bin {
    ($rhs:ident, |$a:ident, $b:ident| $e:expr) => {
        handler!(|i, fp, _m, _l| {
            let $a = rd(fp, i.b);
            let $b: u64 = i32_bin!(@rhs $rhs, i, fp);
            put!(i, fp, ($e) as u64)
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

macro_rules! br_cmp {
    ($t:ty, |$a:ident, $b:ident| $e:expr) => {
        handler!(|i, fp, _m, _l| {
            let $a = rd(fp, i.b) as $t;
            let $b = rd(fp, i.c) as $t;
            if $e {
                Flow::Jump(i.offset() as isize)
            } else {
                Flow::Next
            }
        })
    };
}

macro_rules! br_cmp_imm {
    ($t:ty, |$a:ident, $b:ident| $e:expr) => {
        handler!(|i, fp, _m, _l| {
            let $a = rd(fp, i.b) as u32 as $t;
            let $b = i.branch_imm() as u32 as $t;
            if $e {
                Flow::Jump(i.offset() as isize)
            } else {
                Flow::Next
            }
        })
    };
}

/// The effective address of an access of `size` bytes at slot `b` plus
/// `imm`, if it lies in memory 0. The address slot is read whole: an i32
/// address is zero-extended in its slot, an i64 one (memory64) is all 64 bits,
/// so one check serves both.
#[inline(always)]
fn addr(i: &Instr, fp: *mut u64, len: usize, size: u64) -> Result<usize, TrapCode> {
    let (ea, carry) = rd(fp, i.b).overflowing_add(i.imm);
    let (end, carry2) = ea.overflowing_add(size);
    if carry | carry2 | (end > len as u64) {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    Ok(ea as usize)
}

macro_rules! load {
    ($t:ty, |$x:ident| $e:expr) => {
        handler!(|i, fp, mem, len| {
            let ea = ok!(addr(i, fp, len, std::mem::size_of::<$t>() as u64));
            // SAFETY: `ea + size <= len`, and `mem` is memory 0's base.
            let $x = <$t>::from_le(unsafe { std::ptr::read_unaligned(mem.add(ea).cast::<$t>()) });
            put!(i, fp, $e)
        })
    };
}

macro_rules! store {
    ($t:ty) => {
        handler!(|i, fp, mem, len| {
            let ea = ok!(addr(i, fp, len, std::mem::size_of::<$t>() as u64));
            let v = (rd(fp, i.c) as $t).to_le();
            // SAFETY: `ea + size <= len`, and `mem` is memory 0's base.
            unsafe { std::ptr::write_unaligned(mem.add(ea).cast::<$t>(), v) };
            Flow::Next
        })
    };
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

/// `global.set` of a one-slot global.
unsafe fn global_set(
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
    unsafe { (*global(i, cx)).value[0] = rd(fp, i.b) };
    // SAFETY: a function never ends without a return or a branch.
    next!(unsafe { ip.add(1) }, fp, mem, len, hooks, cx)
}

static HANDLERS: [Handler; Op::COUNT as usize] = {
    // Ops that read or write a v128 go to the SIMD semantics; the rest
    // without a handler below stop the chain.
    let mut t: [Handler; Op::COUNT as usize] = [slow; Op::COUNT as usize];
    let mut k = 0;
    while k < Op::ALL.len() {
        let op = Op::ALL[k];
        if op.is_wide(0) || op.is_wide(1) || op.is_wide(2) || op.is_wide(3) {
            t[k] = vector;
        }
        k += 1;
    }
    macro_rules! on {
        ($($op:ident => $h:expr,)*) => {
            $(t[Op::$op as usize] = $h;)*
        };
    }
    on! {
        Nop => handler!(|_i, _fp, _m, _l| Flow::Next),
        Trap => slow,
        Br => handler!(|i, _fp, _m, _l| Flow::Jump(i.offset() as isize)),
        BrIfNez => handler!(|i, fp, _m, _l| if rd(fp, i.b) as u32 != 0 {
            Flow::Jump(i.offset() as isize)
        } else {
            Flow::Next
        }),
        BrIfEqz => handler!(|i, fp, _m, _l| if rd(fp, i.b) as u32 == 0 {
            Flow::Jump(i.offset() as isize)
        } else {
            Flow::Next
        }),
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
        GlobalSet => global_set,
        GlobalGetV128 => slow,
        GlobalSetV128 => slow,

        BrIfI32Eq => br_cmp!(u32, |a, b| a == b),
        BrIfI32Ne => br_cmp!(u32, |a, b| a != b),
        BrIfI32LtS => br_cmp!(u32, |a, b| (a as i32) < (b as i32)),
        BrIfI32LtU => br_cmp!(u32, |a, b| a < b),
        BrIfI32GtS => br_cmp!(u32, |a, b| (a as i32) > (b as i32)),
        BrIfI32GtU => br_cmp!(u32, |a, b| a > b),
        BrIfI32LeS => br_cmp!(u32, |a, b| (a as i32) <= (b as i32)),
        BrIfI32LeU => br_cmp!(u32, |a, b| a <= b),
        BrIfI32GeS => br_cmp!(u32, |a, b| (a as i32) >= (b as i32)),
        BrIfI32GeU => br_cmp!(u32, |a, b| a >= b),
        BrIfI32EqImm => br_cmp_imm!(u32, |a, b| a == b),
        BrIfI32NeImm => br_cmp_imm!(u32, |a, b| a != b),
        BrIfI32LtSImm => br_cmp_imm!(i32, |a, b| a < b),
        BrIfI32LtUImm => br_cmp_imm!(u32, |a, b| a < b),
        BrIfI32GtSImm => br_cmp_imm!(i32, |a, b| a > b),
        BrIfI32GtUImm => br_cmp_imm!(u32, |a, b| a > b),
        BrIfI32LeSImm => br_cmp_imm!(i32, |a, b| a <= b),
        BrIfI32LeUImm => br_cmp_imm!(u32, |a, b| a <= b),
        BrIfI32GeSImm => br_cmp_imm!(i32, |a, b| a >= b),
        BrIfI32GeUImm => br_cmp_imm!(u32, |a, b| a >= b),
        BrIfI64Eq => br_cmp!(u64, |a, b| a == b),
        BrIfI64Ne => br_cmp!(u64, |a, b| a != b),
        BrIfI64LtS => br_cmp!(i64, |a, b| a < b),
        BrIfI64LtU => br_cmp!(u64, |a, b| a < b),
        BrIfI64GtS => br_cmp!(i64, |a, b| a > b),
        BrIfI64GtU => br_cmp!(u64, |a, b| a > b),
        BrIfI64LeS => br_cmp!(i64, |a, b| a <= b),
        BrIfI64LeU => br_cmp!(u64, |a, b| a <= b),
        BrIfI64GeS => br_cmp!(i64, |a, b| a >= b),
        BrIfI64GeU => br_cmp!(u64, |a, b| a >= b),

        I32Load => load!(u32, |x| x as u64),
        I64Load => load!(u64, |x| x),
        F32Load => load!(u32, |x| x as u64),
        F64Load => load!(u64, |x| x),
        I32Load8S => load!(i8, |x| x as i32 as u32 as u64),
        I32Load8U => load!(u8, |x| x as u64),
        I32Load16S => load!(i16, |x| x as i32 as u32 as u64),
        I32Load16U => load!(u16, |x| x as u64),
        I64Load8S => load!(i8, |x| x as i64 as u64),
        I64Load8U => load!(u8, |x| x as u64),
        I64Load16S => load!(i16, |x| x as i64 as u64),
        I64Load16U => load!(u16, |x| x as u64),
        I64Load32S => load!(i32, |x| x as i64 as u64),
        I64Load32U => load!(u32, |x| x as u64),
        I32Store => store!(u32),
        F32Store => store!(u32),
        I64Store => store!(u64),
        F64Store => store!(u64),
        I32Store8 => store!(u8),
        I64Store8 => store!(u8),
        I32Store16 => store!(u16),
        I64Store16 => store!(u16),
        I64Store32 => store!(u32),
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

        I32Add => i32_bin!(reg, |a, b| a.wrapping_add(b)),
        I32Sub => i32_bin!(reg, |a, b| a.wrapping_sub(b)),
        I32Mul => i32_bin!(reg, |a, b| a.wrapping_mul(b)),
        I32DivS => i32_bin!(reg, |a, b| ok!(num::i32_div_s(a as i32, b as i32))),
        I32DivU => i32_bin!(reg, |a, b| ok!(num::i32_div_u(a, b))),
        I32RemS => i32_bin!(reg, |a, b| ok!(num::i32_rem_s(a as i32, b as i32))),
        I32RemU => i32_bin!(reg, |a, b| ok!(num::i32_rem_u(a, b))),
        I32And => i32_bin!(reg, |a, b| a & b),
        I32Or => i32_bin!(reg, |a, b| a | b),
        I32Xor => i32_bin!(reg, |a, b| a ^ b),
        I32Shl => i32_bin!(reg, |a, b| a.wrapping_shl(b)),
        I32ShrS => i32_bin!(reg, |a, b| (a as i32).wrapping_shr(b)),
        I32ShrU => i32_bin!(reg, |a, b| a.wrapping_shr(b)),
        I32Rotl => i32_bin!(reg, |a, b| a.rotate_left(b)),
        I32Rotr => i32_bin!(reg, |a, b| a.rotate_right(b)),
        I32Eq => i32_bin!(reg, |a, b| a == b),
        I32Ne => i32_bin!(reg, |a, b| a != b),
        I32LtS => i32_bin!(reg, |a, b| (a as i32) < (b as i32)),
        I32LtU => i32_bin!(reg, |a, b| a < b),
        I32GtS => i32_bin!(reg, |a, b| (a as i32) > (b as i32)),
        I32GtU => i32_bin!(reg, |a, b| a > b),
        I32LeS => i32_bin!(reg, |a, b| (a as i32) <= (b as i32)),
        I32LeU => i32_bin!(reg, |a, b| a <= b),
        I32GeS => i32_bin!(reg, |a, b| (a as i32) >= (b as i32)),
        I32GeU => i32_bin!(reg, |a, b| a >= b),
        I32AddImm => i32_bin!(imm, |a, b| a.wrapping_add(b)),
        I32SubImm => i32_bin!(imm, |a, b| a.wrapping_sub(b)),
        I32MulImm => i32_bin!(imm, |a, b| a.wrapping_mul(b)),
        I32DivSImm => i32_bin!(imm, |a, b| ok!(num::i32_div_s(a as i32, b as i32))),
        I32DivUImm => i32_bin!(imm, |a, b| ok!(num::i32_div_u(a, b))),
        I32RemSImm => i32_bin!(imm, |a, b| ok!(num::i32_rem_s(a as i32, b as i32))),
        I32RemUImm => i32_bin!(imm, |a, b| ok!(num::i32_rem_u(a, b))),
        I32AndImm => i32_bin!(imm, |a, b| a & b),
        I32OrImm => i32_bin!(imm, |a, b| a | b),
        I32XorImm => i32_bin!(imm, |a, b| a ^ b),
        I32ShlImm => i32_bin!(imm, |a, b| a.wrapping_shl(b)),
        I32ShrSImm => i32_bin!(imm, |a, b| (a as i32).wrapping_shr(b)),
        I32ShrUImm => i32_bin!(imm, |a, b| a.wrapping_shr(b)),
        I32RotlImm => i32_bin!(imm, |a, b| a.rotate_left(b)),
        I32RotrImm => i32_bin!(imm, |a, b| a.rotate_right(b)),
        I32EqImm => i32_bin!(imm, |a, b| a == b),
        I32NeImm => i32_bin!(imm, |a, b| a != b),
        I32LtSImm => i32_bin!(imm, |a, b| (a as i32) < (b as i32)),
        I32LtUImm => i32_bin!(imm, |a, b| a < b),
        I32GtSImm => i32_bin!(imm, |a, b| (a as i32) > (b as i32)),
        I32GtUImm => i32_bin!(imm, |a, b| a > b),
        I32LeSImm => i32_bin!(imm, |a, b| (a as i32) <= (b as i32)),
        I32LeUImm => i32_bin!(imm, |a, b| a <= b),
        I32GeSImm => i32_bin!(imm, |a, b| (a as i32) >= (b as i32)),
        I32GeUImm => i32_bin!(imm, |a, b| a >= b),

        I64Add => i64_bin!(reg, |a, b| a.wrapping_add(b)),
        I64Sub => i64_bin!(reg, |a, b| a.wrapping_sub(b)),
        I64Mul => i64_bin!(reg, |a, b| a.wrapping_mul(b)),
        I64DivS => i64_bin!(reg, |a, b| ok!(num::i64_div_s(a as i64, b as i64))),
        I64DivU => i64_bin!(reg, |a, b| ok!(num::i64_div_u(a, b))),
        I64RemS => i64_bin!(reg, |a, b| ok!(num::i64_rem_s(a as i64, b as i64))),
        I64RemU => i64_bin!(reg, |a, b| ok!(num::i64_rem_u(a, b))),
        I64And => i64_bin!(reg, |a, b| a & b),
        I64Or => i64_bin!(reg, |a, b| a | b),
        I64Xor => i64_bin!(reg, |a, b| a ^ b),
        I64Shl => i64_bin!(reg, |a, b| a.wrapping_shl(b as u32)),
        I64ShrS => i64_bin!(reg, |a, b| (a as i64).wrapping_shr(b as u32)),
        I64ShrU => i64_bin!(reg, |a, b| a.wrapping_shr(b as u32)),
        I64Rotl => i64_bin!(reg, |a, b| a.rotate_left((b % 64) as u32)),
        I64Rotr => i64_bin!(reg, |a, b| a.rotate_right((b % 64) as u32)),
        I64Eq => i64_bin!(reg, |a, b| a == b),
        I64Ne => i64_bin!(reg, |a, b| a != b),
        I64LtS => i64_bin!(reg, |a, b| (a as i64) < (b as i64)),
        I64LtU => i64_bin!(reg, |a, b| a < b),
        I64GtS => i64_bin!(reg, |a, b| (a as i64) > (b as i64)),
        I64GtU => i64_bin!(reg, |a, b| a > b),
        I64LeS => i64_bin!(reg, |a, b| (a as i64) <= (b as i64)),
        I64LeU => i64_bin!(reg, |a, b| a <= b),
        I64GeS => i64_bin!(reg, |a, b| (a as i64) >= (b as i64)),
        I64GeU => i64_bin!(reg, |a, b| a >= b),
        I64AddImm => i64_bin!(imm, |a, b| a.wrapping_add(b)),
        I64SubImm => i64_bin!(imm, |a, b| a.wrapping_sub(b)),
        I64MulImm => i64_bin!(imm, |a, b| a.wrapping_mul(b)),
        I64DivSImm => i64_bin!(imm, |a, b| ok!(num::i64_div_s(a as i64, b as i64))),
        I64DivUImm => i64_bin!(imm, |a, b| ok!(num::i64_div_u(a, b))),
        I64RemSImm => i64_bin!(imm, |a, b| ok!(num::i64_rem_s(a as i64, b as i64))),
        I64RemUImm => i64_bin!(imm, |a, b| ok!(num::i64_rem_u(a, b))),
        I64AndImm => i64_bin!(imm, |a, b| a & b),
        I64OrImm => i64_bin!(imm, |a, b| a | b),
        I64XorImm => i64_bin!(imm, |a, b| a ^ b),
        I64ShlImm => i64_bin!(imm, |a, b| a.wrapping_shl(b as u32)),
        I64ShrSImm => i64_bin!(imm, |a, b| (a as i64).wrapping_shr(b as u32)),
        I64ShrUImm => i64_bin!(imm, |a, b| a.wrapping_shr(b as u32)),
        I64RotlImm => i64_bin!(imm, |a, b| a.rotate_left((b % 64) as u32)),
        I64RotrImm => i64_bin!(imm, |a, b| a.rotate_right((b % 64) as u32)),
        I64EqImm => i64_bin!(imm, |a, b| a == b),
        I64NeImm => i64_bin!(imm, |a, b| a != b),
        I64LtSImm => i64_bin!(imm, |a, b| (a as i64) < (b as i64)),
        I64LtUImm => i64_bin!(imm, |a, b| a < b),
        I64GtSImm => i64_bin!(imm, |a, b| (a as i64) > (b as i64)),
        I64GtUImm => i64_bin!(imm, |a, b| a > b),
        I64LeSImm => i64_bin!(imm, |a, b| (a as i64) <= (b as i64)),
        I64LeUImm => i64_bin!(imm, |a, b| a <= b),
        I64GeSImm => i64_bin!(imm, |a, b| (a as i64) >= (b as i64)),
        I64GeUImm => i64_bin!(imm, |a, b| a >= b),

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
    t
};
