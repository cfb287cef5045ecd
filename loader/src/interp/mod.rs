//! The register-IR interpreter. One `match` over the opcode per instruction;
//! the hot state (instruction pointer, frame pointer, memory 0's base and
//! length) lives in locals of `run`, so the compiler keeps it in registers.
//!
//! Frames are windows of one value stack: a call's arguments are already in
//! the caller's slots where the callee's frame begins, and results come back
//! in the same slots. Wasm-to-wasm calls never recurse on the host stack; a
//! frame-count and a stack-size limit turn runaway recursion into a trap.

mod bulk;
mod gc;
mod libcalls;
mod simd;

pub(crate) use libcalls::{call_at, call_indirect_at, exec_one};
use libcalls::{call_host, exec_instr, host_window, native_entry, run_entry};

use crate::error::{FrameInfo, Trap};
use crate::store::{FuncEntity, InstanceEntity, Store};
use zwasm_abi::ir::{Instr, Op};
use zwasm_abi::num;
use zwasm_abi::TrapCode;

/// Value-stack size in slots (8 MiB, committed lazily by the OS).
const STACK_SLOTS: usize = 1 << 20;
/// Deepest call nesting before `call stack exhausted`.
const MAX_FRAMES: usize = 50_000;

/// A suspended caller.
struct Frame {
    instance: u32,
    def: u32,
    ret_ip: *const Instr,
    base: usize,
}

/// Calls store function `func` with raw arguments; returns raw results.
pub(crate) fn call(store: &mut Store, func: u32, args: &[u64]) -> Result<Vec<u64>, Trap> {
    let (instance, def) = match &store.funcs[func as usize] {
        FuncEntity::Wasm { instance, def, .. } => (*instance, *def),
        FuncEntity::Host { .. } => {
            let ty = &store.sigs[store.funcs[func as usize].sig() as usize];
            let n = ty.result_slots() as usize;
            let mut slots = args.to_vec();
            slots.resize(slots.len().max(host_window(ty)), 0);
            call_host(store, None, func, &mut slots)?;
            slots.truncate(n);
            return Ok(slots);
        }
    };
    let mut stack = std::mem::take(&mut store.stack);
    if stack.len() < STACK_SLOTS {
        stack = vec![0; STACK_SLOTS];
    }
    stack[..args.len()].copy_from_slice(args);
    let result = run_entry(store, &mut stack, instance, def);
    let n = store.sigs[store.funcs[func as usize].sig() as usize].result_slots() as usize;
    let out = stack[..n].to_vec();
    store.stack = stack;
    result.map(|()| out)
}

/// The wasm backtrace: the trapping function, then its callers.
fn backtrace(store: &Store, frames: &[Frame], instance: u32, def: u32) -> Vec<FrameInfo> {
    let info = |instance: u32, def: u32| {
        let inst = &store.instances[instance as usize];
        let meta = inst.module.meta();
        let func_index = inst.num_imported_funcs + def;
        FrameInfo {
            func_index,
            name: inst.module.func_name(func_index).map(str::to_string),
            module: meta.name.clone(),
        }
    };
    let mut out = vec![info(instance, def)];
    out.extend(frames.iter().rev().map(|f| info(f.instance, f.def)));
    out
}

/// Runs defined function `def` of `instance` with its arguments at the bottom of `stack`.
fn run(store: &mut Store, stack: &mut [u64], instance: u32, def: u32) -> Result<(), Trap> {
    let mut frames: Vec<Frame> = Vec::new();
    let mut cur_inst = instance;
    let mut cur_def = def;
    let stack_len = stack.len();
    let stack_ptr = stack.as_mut_ptr();
    let mut base = 0usize;
    let mut inst: *const InstanceEntity = &store.instances[cur_inst as usize];
    // SAFETY: `inst` points into `store.instances`, which no code below shrinks or moves
    // except a host call, after which `inst` is re-read.
    let entry = unsafe { (*inst).module.func_codes()[def as usize] };
    if entry.num_slots as usize > stack_len {
        return Err(Trap::new(TrapCode::StackOverflow));
    }
    // SAFETY: `start` is inside the IR section (checked at load).
    let mut ip: *const Instr = unsafe { (*inst).module.ir().as_ptr().add(entry.start as usize) };
    let mut fp: *mut u64 = stack_ptr;
    // SAFETY: the frame [0, num_slots) lies in the stack (checked above).
    unsafe {
        std::ptr::write_bytes(
            fp.add(entry.num_params as usize),
            0,
            (entry.num_locals - entry.num_params) as usize,
        )
    };
    let (mut mem, mut mem_len) = memory0(store, inst);

    macro_rules! r {
        ($s:expr) => {
            // SAFETY: the artifact checker verified every slot field is below the
            // function's `num_slots`, and every frame lies inside the stack.
            unsafe { *fp.add($s as usize) }
        };
    }
    macro_rules! w {
        ($s:expr, $v:expr) => {{
            let v: u64 = $v;
            // SAFETY: as for `r!`.
            unsafe { *fp.add($s as usize) = v }
        }};
    }
    macro_rules! trap {
        ($code:expr) => {{
            let mut t = Trap::new($code);
            t.backtrace = backtrace(store, &frames, cur_inst, cur_def);
            return Err(t);
        }};
    }
    macro_rules! try_trap {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(code) => trap!(code),
            }
        };
    }
    macro_rules! i32_bin {
        ($i:ident, $rhs:expr, |$a:ident, $b:ident| $e:expr) => {{
            let $a = r!($i.b) as u32;
            let $b = $rhs as u32;
            w!($i.a, ($e) as u32 as u64)
        }};
    }
    macro_rules! i64_bin {
        ($i:ident, $rhs:expr, |$a:ident, $b:ident| $e:expr) => {{
            let $a = r!($i.b);
            let $b: u64 = $rhs;
            w!($i.a, ($e) as u64)
        }};
    }
    macro_rules! f32_op {
        ($i:ident, |$a:ident, $b:ident| $e:expr) => {{
            let $a = f32::from_bits(r!($i.b) as u32);
            let $b = f32::from_bits(r!($i.c) as u32);
            w!($i.a, ($e).to_bits() as u64)
        }};
    }
    macro_rules! f64_op {
        ($i:ident, |$a:ident, $b:ident| $e:expr) => {{
            let $a = f64::from_bits(r!($i.b));
            let $b = f64::from_bits(r!($i.c));
            w!($i.a, ($e).to_bits())
        }};
    }
    macro_rules! f32_cmp {
        ($i:ident, |$a:ident, $b:ident| $e:expr) => {{
            let $a = f32::from_bits(r!($i.b) as u32);
            let $b = f32::from_bits(r!($i.c) as u32);
            w!($i.a, ($e) as u64)
        }};
    }
    macro_rules! f64_cmp {
        ($i:ident, |$a:ident, $b:ident| $e:expr) => {{
            let $a = f64::from_bits(r!($i.b));
            let $b = f64::from_bits(r!($i.c));
            w!($i.a, ($e) as u64)
        }};
    }
    macro_rules! un {
        ($i:ident, |$x:ident: $t:ty| $e:expr) => {{
            let $x = r!($i.b) as $t;
            w!($i.a, $e)
        }};
    }
    macro_rules! f32_un {
        ($i:ident, |$x:ident| $e:expr) => {{
            let $x = f32::from_bits(r!($i.b) as u32);
            w!($i.a, ($e).to_bits() as u64)
        }};
    }
    macro_rules! f64_un {
        ($i:ident, |$x:ident| $e:expr) => {{
            let $x = f64::from_bits(r!($i.b));
            w!($i.a, ($e).to_bits())
        }};
    }
    // Fuel and interrupt checks of a module compiled with them.
    macro_rules! hooks {
        () => {
            // SAFETY: `inst` is current.
            let h = unsafe { (*inst).hooks };
            if h != 0 {
                if let Err(code) = check_hooks(store, h) {
                    trap!(code);
                }
            }
        };
    }
    macro_rules! jump {
        ($i:ident) => {{
            // A backward branch starts a loop iteration.
            if $i.offset() < 0 {
                hooks!();
            }
            // SAFETY: the checker verified every branch target lies inside the function.
            ip = unsafe { ip.offset($i.offset() as isize) }
        }};
    }
    macro_rules! br_cmp {
        ($i:ident, $t:ty, |$a:ident, $b:ident| $e:expr) => {{
            let $a = r!($i.b) as $t;
            let $b = r!($i.c) as $t;
            if $e {
                jump!($i);
            }
        }};
    }
    macro_rules! br_cmp_imm {
        ($i:ident, $t:ty, |$a:ident, $b:ident| $e:expr) => {{
            let $a = r!($i.b) as u32 as $t;
            let $b = $i.branch_imm() as u32 as $t;
            if $e {
                jump!($i);
            }
        }};
    }
    // The address slot is read whole: an i32 address is zero-extended in its
    // slot, an i64 one (memory64) is all 64 bits, so one check serves both.
    macro_rules! addr {
        ($i:ident, $size:expr) => {{
            let (ea, carry) = r!($i.b).overflowing_add($i.imm);
            let (end, carry2) = ea.overflowing_add($size);
            if carry | carry2 | (end > mem_len as u64) {
                trap!(TrapCode::MemoryOutOfBounds);
            }
            ea as usize
        }};
    }
    macro_rules! load {
        ($i:ident, $t:ty, |$x:ident| $e:expr) => {{
            let ea = addr!($i, std::mem::size_of::<$t>() as u64);
            // SAFETY: `ea + size <= mem_len`, and `mem` is memory 0's base.
            let $x = <$t>::from_le(unsafe { std::ptr::read_unaligned(mem.add(ea).cast::<$t>()) });
            w!($i.a, $e)
        }};
    }
    macro_rules! store {
        ($i:ident, $t:ty) => {{
            let ea = addr!($i, std::mem::size_of::<$t>() as u64);
            let v = (r!($i.c) as $t).to_le();
            // SAFETY: `ea + size <= mem_len`, and `mem` is memory 0's base.
            unsafe { std::ptr::write_unaligned(mem.add(ea).cast::<$t>(), v) }
        }};
    }
    // Runs native function `$code` of instance `$id` with its frame at slot `$a`.
    macro_rules! native_call {
        ($a:expr, $id:expr, $code:expr) => {{
            // SAFETY: the callee window starts inside the current frame (checked
            // at load); the callee's prologue checks its frame fits the stack.
            let frame = unsafe { fp.add($a as usize) };
            // SAFETY: one past the end of the stack.
            let end = unsafe { stack_ptr.add(stack_len) };
            if let Err(mut t) = crate::native::invoke(store, $id, $code, frame, end) {
                t.backtrace
                    .extend(backtrace(store, &frames, cur_inst, cur_def));
                return Err(t);
            }
            inst = &store.instances[cur_inst as usize];
        }};
        // A tail call: the current frame is gone, so the trace goes on at its caller.
        (tail $id:expr, $code:expr) => {{
            // SAFETY: one past the end of the stack.
            let end = unsafe { stack_ptr.add(stack_len) };
            if let Err(mut t) = crate::native::invoke(store, $id, $code, fp, end) {
                if let Some((top, rest)) = frames.split_last() {
                    t.backtrace
                        .extend(backtrace(store, rest, top.instance, top.def));
                }
                return Err(t);
            }
            inst = &store.instances[cur_inst as usize];
        }};
    }
    // Enters defined function `$def` of the instance at `$callee` with its frame at
    // slot `$a` of the current frame, saving the current function as the caller.
    macro_rules! enter {
        ($a:expr, $callee:expr, $def:expr) => {{
            let def = $def;
            // SAFETY: `$callee` is a live instance and `def` one of its defined functions.
            let f = unsafe { *(*$callee).module.func_codes().get_unchecked(def as usize) };
            let new_base = base + $a as usize;
            if new_base + f.num_slots as usize > stack_len || frames.len() >= MAX_FRAMES {
                trap!(TrapCode::StackOverflow);
            }
            frames.push(Frame {
                instance: cur_inst,
                def: cur_def,
                ret_ip: ip,
                base,
            });
            base = new_base;
            // SAFETY: the new frame lies inside the stack (checked just above).
            unsafe {
                fp = stack_ptr.add(base);
                std::ptr::write_bytes(
                    fp.add(f.num_params as usize),
                    0,
                    (f.num_locals - f.num_params) as usize,
                );
            }
            cur_def = def;
            // SAFETY: `start` is inside the callee's IR section (checked at load).
            ip = unsafe { (*$callee).module.ir().as_ptr().add(f.start as usize) };
            // SAFETY: `$callee` is a live instance.
            let h = unsafe { (*$callee).hooks };
            if h != 0 {
                if let Err(code) = check_hooks(store, h) {
                    trap!(code);
                }
            }
        }};
    }
    // Calls store function `$fid` (any instance, or the host) with its frame at `$a`.
    macro_rules! call_func {
        ($a:expr, $fid:expr) => {{
            let fid = $fid;
            match &store.funcs[fid as usize] {
                FuncEntity::Wasm { instance, def, .. } => {
                    let (instance, def) = (*instance, *def);
                    let code = native_entry(store, instance, def);
                    if code != 0 {
                        native_call!($a, instance, code);
                        (mem, mem_len) = memory0(store, inst);
                    } else if instance == cur_inst {
                        enter!($a, inst, def);
                    } else {
                        let callee: *const InstanceEntity = &store.instances[instance as usize];
                        enter!($a, callee, def);
                        cur_inst = instance;
                        inst = callee;
                        (mem, mem_len) = memory0(store, inst);
                    }
                }
                FuncEntity::Host { .. } => {
                    let new_base = base + $a as usize;
                    let n = host_window(&store.sigs[store.funcs[fid as usize].sig() as usize]);
                    if new_base + n > stack_len {
                        trap!(TrapCode::StackOverflow);
                    }
                    // SAFETY: the host's argument window lies inside the stack (checked above).
                    let slots =
                        unsafe { std::slice::from_raw_parts_mut(stack_ptr.add(new_base), n) };
                    if let Err(mut t) = call_host(store, Some(cur_inst), fid, slots) {
                        // A trap from wasm the host called back into already
                        // holds the frames above the host; ours follow.
                        t.backtrace
                            .extend(backtrace(store, &frames, cur_inst, cur_def));
                        return Err(t);
                    }
                    inst = &store.instances[cur_inst as usize];
                    (mem, mem_len) = memory0(store, inst);
                }
            }
        }};
    }

    // Replaces the current frame by defined function `$def` of the instance at
    // `$callee` (a tail call): its arguments move from slot `$a` down to slot 0
    // and no frame is pushed, so a chain of tail calls runs in constant space.
    macro_rules! tail_enter {
        ($a:expr, $callee:expr, $def:expr) => {{
            let def = $def;
            // SAFETY: `$callee` is a live instance and `def` one of its defined functions.
            let f = unsafe { *(*$callee).module.func_codes().get_unchecked(def as usize) };
            if base + f.num_slots as usize > stack_len {
                trap!(TrapCode::StackOverflow);
            }
            // SAFETY: the checker verified that the argument window `$a..$a + params`
            // lies in the current frame; the callee's frame fits (checked above).
            // `copy` allows the windows to overlap.
            unsafe {
                std::ptr::copy(fp.add($a as usize), fp, f.num_params as usize);
                std::ptr::write_bytes(
                    fp.add(f.num_params as usize),
                    0,
                    (f.num_locals - f.num_params) as usize,
                );
            }
            cur_def = def;
            // SAFETY: `start` is inside the callee's IR section (checked at load).
            ip = unsafe { (*$callee).module.ir().as_ptr().add(f.start as usize) };
            // SAFETY: `$callee` is a live instance.
            let h = unsafe { (*$callee).hooks };
            if h != 0 {
                if let Err(code) = check_hooks(store, h) {
                    trap!(code);
                }
            }
        }};
    }
    // Returns to the caller (results are in slots 0..), or out of `run`.
    macro_rules! ret {
        () => {{
            let Some(f) = frames.pop() else {
                return Ok(());
            };
            base = f.base;
            // SAFETY: a saved frame's base was inside the stack when it was pushed.
            fp = unsafe { stack_ptr.add(base) };
            ip = f.ret_ip;
            cur_def = f.def;
            if f.instance != cur_inst {
                cur_inst = f.instance;
                inst = &store.instances[cur_inst as usize];
            }
            (mem, mem_len) = memory0(store, inst);
        }};
    }
    // Tail-calls store function `$fid` (any instance, or the host) with its
    // arguments at `$a`.
    macro_rules! tail_call_func {
        ($a:expr, $fid:expr) => {{
            let fid = $fid;
            match &store.funcs[fid as usize] {
                FuncEntity::Wasm { instance, def, .. } => {
                    let (instance, def) = (*instance, *def);
                    let code = native_entry(store, instance, def);
                    if code != 0 {
                        let n = store.instances[instance as usize].module.func_codes()
                            [def as usize]
                            .num_params;
                        // SAFETY: as for `ReturnCall`.
                        unsafe { std::ptr::copy(fp.add($a as usize), fp, n as usize) };
                        native_call!(tail instance, code);
                        ret!();
                    } else if instance == cur_inst {
                        tail_enter!($a, inst, def);
                    } else {
                        let callee: *const InstanceEntity = &store.instances[instance as usize];
                        tail_enter!($a, callee, def);
                        cur_inst = instance;
                        inst = callee;
                        (mem, mem_len) = memory0(store, inst);
                    }
                }
                FuncEntity::Host { .. } => {
                    // The host function runs in place of the current frame: its
                    // arguments move to slot 0, where its results are our results.
                    let ty = &store.sigs[store.funcs[fid as usize].sig() as usize];
                    let np = ty.param_slots() as usize;
                    let n = host_window(ty);
                    if base + n > stack_len {
                        trap!(TrapCode::StackOverflow);
                    }
                    // SAFETY: the argument window lies in the current frame (checked
                    // at load); `0..n` lies inside the stack (checked above).
                    let slots = unsafe {
                        std::ptr::copy(fp.add($a as usize), fp, np);
                        std::slice::from_raw_parts_mut(fp, n)
                    };
                    if let Err(mut t) = call_host(store, Some(cur_inst), fid, slots) {
                        // The tail-calling frame is gone: the trace goes on at its caller.
                        if let Some((top, rest)) = frames.split_last() {
                            t.backtrace
                                .extend(backtrace(store, rest, top.instance, top.def));
                        }
                        return Err(t);
                    }
                    inst = &store.instances[cur_inst as usize];
                    ret!();
                }
            }
        }};
    }
    // The store function that `call_indirect` `$i` calls, after its checks.
    macro_rules! indirect_target {
        ($i:ident) => {{
            // SAFETY: `inst` is current.
            let (table, want) = unsafe {
                (
                    (&(*inst).tables)[$i.c as usize],
                    (&(*inst).sigs)[$i.imm as usize],
                )
            };
            let elems = &store.tables[table as usize].elems;
            let idx = r!($i.b) as u32 as usize;
            let Some(&r) = elems.get(idx) else {
                trap!(TrapCode::UndefinedElement)
            };
            if r == 0 {
                trap!(TrapCode::IndirectCallToNull);
            }
            let fid = (r - 1) as u32;
            if store.funcs[fid as usize].sig() != want {
                trap!(TrapCode::BadSignature);
            }
            fid
        }};
    }

    hooks!();
    loop {
        // SAFETY: the artifact checker verified that execution cannot leave the
        // function's code: every branch target is inside it and it ends in a return.
        let i: &Instr = unsafe { &*ip };
        // SAFETY: as above; a function never ends without a return or branch.
        ip = unsafe { ip.add(1) };
        match i.op {
            Op::Nop => {}
            Op::Trap => trap!(TrapCode::from_u8(i.imm as u8).unwrap_or(TrapCode::Unreachable)),
            Op::Br => jump!(i),
            Op::BrIfNez => {
                if r!(i.b) as u32 != 0 {
                    jump!(i)
                }
            }
            Op::BrIfEqz => {
                if r!(i.b) as u32 == 0 {
                    jump!(i)
                }
            }
            Op::BrTable => {
                let n = i.imm as usize;
                let k = (r!(i.b) as u32 as usize).min(n);
                // SAFETY: the checker verified the n+1 entries follow the table.
                let entry = unsafe { *ip.add(k) };
                ip = unsafe { ip.add(k + 1) };
                jump!(entry);
            }
            Op::ReturnSlot | Op::Return => {
                if i.op == Op::ReturnSlot {
                    w!(0, r!(i.b));
                }
                ret!();
            }
            Op::Call => {
                // SAFETY: `inst` is current.
                let def = i.imm as u32 - unsafe { (*inst).num_imported_funcs };
                let code = native_entry(store, cur_inst, def);
                if code != 0 {
                    native_call!(i.a, cur_inst, code);
                    (mem, mem_len) = memory0(store, inst);
                } else {
                    enter!(i.a, inst, def);
                }
            }
            Op::CallImport => {
                // SAFETY: `inst` is current; the index was checked against the function space.
                let fid = unsafe { (&(*inst).funcs)[i.imm as usize] };
                call_func!(i.a, fid);
            }
            Op::CallIndirect => {
                let fid = indirect_target!(i);
                call_func!(i.a, fid);
            }
            Op::ReturnCall => {
                // SAFETY: `inst` is current.
                let def = i.imm as u32 - unsafe { (*inst).num_imported_funcs };
                let code = native_entry(store, cur_inst, def);
                if code != 0 {
                    // Native code runs in place of this frame: its arguments
                    // move to slot 0, where its results are our results.
                    let n = unsafe { (*inst).module.func_codes()[def as usize].num_params };
                    // SAFETY: the window lies in the frame (checked at load); `copy`
                    // allows overlap.
                    unsafe { std::ptr::copy(fp.add(i.a as usize), fp, n as usize) };
                    native_call!(tail cur_inst, code);
                    ret!();
                } else {
                    tail_enter!(i.a, inst, def);
                }
            }
            Op::ReturnCallImport => {
                // SAFETY: as for `CallImport`.
                let fid = unsafe { (&(*inst).funcs)[i.imm as usize] };
                tail_call_func!(i.a, fid);
            }
            Op::ReturnCallIndirect => {
                let fid = indirect_target!(i);
                tail_call_func!(i.a, fid);
            }
            Op::Copy => w!(i.a, r!(i.b)),
            Op::Const => w!(i.a, i.imm),
            Op::Select => w!(
                i.a,
                if r!(i.imm) as u32 != 0 {
                    r!(i.b)
                } else {
                    r!(i.c)
                }
            ),
            Op::GlobalGet => {
                // SAFETY: `inst` is current; the index was checked against the global space.
                let g = unsafe { (&(*inst).globals)[i.imm as usize] };
                w!(i.a, store.globals[g as usize].value[0])
            }
            Op::GlobalSet => {
                // SAFETY: as for `GlobalGet`.
                let g = unsafe { (&(*inst).globals)[i.imm as usize] };
                store.globals[g as usize].value[0] = r!(i.b);
            }
            Op::GlobalGetV128 => {
                // SAFETY: as for `GlobalGet`.
                let g = unsafe { (&(*inst).globals)[i.imm as usize] };
                let [lo, hi] = store.globals[g as usize].value;
                w!(i.a, lo);
                w!(i.a + 1, hi);
            }
            Op::GlobalSetV128 => {
                // SAFETY: as for `GlobalGet`.
                let g = unsafe { (&(*inst).globals)[i.imm as usize] };
                store.globals[g as usize].value = [r!(i.b), r!(i.b + 1)];
            }

            Op::BrIfI32Eq => br_cmp!(i, u32, |a, b| a == b),
            Op::BrIfI32Ne => br_cmp!(i, u32, |a, b| a != b),
            Op::BrIfI32LtS => br_cmp!(i, u32, |a, b| (a as i32) < (b as i32)),
            Op::BrIfI32LtU => br_cmp!(i, u32, |a, b| a < b),
            Op::BrIfI32GtS => br_cmp!(i, u32, |a, b| (a as i32) > (b as i32)),
            Op::BrIfI32GtU => br_cmp!(i, u32, |a, b| a > b),
            Op::BrIfI32LeS => br_cmp!(i, u32, |a, b| (a as i32) <= (b as i32)),
            Op::BrIfI32LeU => br_cmp!(i, u32, |a, b| a <= b),
            Op::BrIfI32GeS => br_cmp!(i, u32, |a, b| (a as i32) >= (b as i32)),
            Op::BrIfI32GeU => br_cmp!(i, u32, |a, b| a >= b),
            Op::BrIfI32EqImm => br_cmp_imm!(i, u32, |a, b| a == b),
            Op::BrIfI32NeImm => br_cmp_imm!(i, u32, |a, b| a != b),
            Op::BrIfI32LtSImm => br_cmp_imm!(i, i32, |a, b| a < b),
            Op::BrIfI32LtUImm => br_cmp_imm!(i, u32, |a, b| a < b),
            Op::BrIfI32GtSImm => br_cmp_imm!(i, i32, |a, b| a > b),
            Op::BrIfI32GtUImm => br_cmp_imm!(i, u32, |a, b| a > b),
            Op::BrIfI32LeSImm => br_cmp_imm!(i, i32, |a, b| a <= b),
            Op::BrIfI32LeUImm => br_cmp_imm!(i, u32, |a, b| a <= b),
            Op::BrIfI32GeSImm => br_cmp_imm!(i, i32, |a, b| a >= b),
            Op::BrIfI32GeUImm => br_cmp_imm!(i, u32, |a, b| a >= b),
            Op::BrIfI64Eq => br_cmp!(i, u64, |a, b| a == b),
            Op::BrIfI64Ne => br_cmp!(i, u64, |a, b| a != b),
            Op::BrIfI64LtS => br_cmp!(i, i64, |a, b| a < b),
            Op::BrIfI64LtU => br_cmp!(i, u64, |a, b| a < b),
            Op::BrIfI64GtS => br_cmp!(i, i64, |a, b| a > b),
            Op::BrIfI64GtU => br_cmp!(i, u64, |a, b| a > b),
            Op::BrIfI64LeS => br_cmp!(i, i64, |a, b| a <= b),
            Op::BrIfI64LeU => br_cmp!(i, u64, |a, b| a <= b),
            Op::BrIfI64GeS => br_cmp!(i, i64, |a, b| a >= b),
            Op::BrIfI64GeU => br_cmp!(i, u64, |a, b| a >= b),

            Op::I32Load => load!(i, u32, |x| x as u64),
            Op::I64Load => load!(i, u64, |x| x),
            Op::F32Load => load!(i, u32, |x| x as u64),
            Op::F64Load => load!(i, u64, |x| x),
            Op::I32Load8S => load!(i, i8, |x| x as i32 as u32 as u64),
            Op::I32Load8U => load!(i, u8, |x| x as u64),
            Op::I32Load16S => load!(i, i16, |x| x as i32 as u32 as u64),
            Op::I32Load16U => load!(i, u16, |x| x as u64),
            Op::I64Load8S => load!(i, i8, |x| x as i64 as u64),
            Op::I64Load8U => load!(i, u8, |x| x as u64),
            Op::I64Load16S => load!(i, i16, |x| x as i64 as u64),
            Op::I64Load16U => load!(i, u16, |x| x as u64),
            Op::I64Load32S => load!(i, i32, |x| x as i64 as u64),
            Op::I64Load32U => load!(i, u32, |x| x as u64),
            Op::I32Store | Op::F32Store => store!(i, u32),
            Op::I64Store | Op::F64Store => store!(i, u64),
            Op::I32Store8 | Op::I64Store8 => store!(i, u8),
            Op::I32Store16 | Op::I64Store16 => store!(i, u16),
            Op::I64Store32 => store!(i, u32),
            Op::MemorySize => w!(i.a, mem_len as u64 / crate::PAGE_SIZE),
            Op::RefIsNull => w!(i.a, (r!(i.b) == 0) as u64),
            Op::RefAsNonNull => {
                let v = r!(i.b);
                if v == 0 {
                    trap!(TrapCode::NullReference);
                }
                w!(i.a, v);
            }
            Op::I32Eqz => un!(i, |x: u32| (x == 0) as u64),
            Op::I32Clz => un!(i, |x: u32| x.leading_zeros() as u64),
            Op::I32Ctz => un!(i, |x: u32| x.trailing_zeros() as u64),
            Op::I32Popcnt => un!(i, |x: u32| x.count_ones() as u64),
            Op::I32Extend8S => un!(i, |x: i8| x as i32 as u32 as u64),
            Op::I32Extend16S => un!(i, |x: i16| x as i32 as u32 as u64),
            Op::I64Eqz => un!(i, |x: u64| (x == 0) as u64),
            Op::I64Clz => un!(i, |x: u64| x.leading_zeros() as u64),
            Op::I64Ctz => un!(i, |x: u64| x.trailing_zeros() as u64),
            Op::I64Popcnt => un!(i, |x: u64| x.count_ones() as u64),
            Op::I64Extend8S => un!(i, |x: i8| x as i64 as u64),
            Op::I64Extend16S => un!(i, |x: i16| x as i64 as u64),
            Op::I64Extend32S => un!(i, |x: i32| x as i64 as u64),
            Op::F32Abs => f32_un!(i, |x| x.abs()),
            Op::F32Neg => f32_un!(i, |x| -x),
            Op::F32Ceil => f32_un!(i, |x| num::f32_ceil(x)),
            Op::F32Floor => f32_un!(i, |x| num::f32_floor(x)),
            Op::F32Trunc => f32_un!(i, |x| num::f32_trunc(x)),
            Op::F32Nearest => f32_un!(i, |x| num::f32_nearest(x)),
            Op::F32Sqrt => f32_un!(i, |x| num::f32_sqrt(x)),
            Op::F64Abs => f64_un!(i, |x| x.abs()),
            Op::F64Neg => f64_un!(i, |x| -x),
            Op::F64Ceil => f64_un!(i, |x| num::f64_ceil(x)),
            Op::F64Floor => f64_un!(i, |x| num::f64_floor(x)),
            Op::F64Trunc => f64_un!(i, |x| num::f64_trunc(x)),
            Op::F64Nearest => f64_un!(i, |x| num::f64_nearest(x)),
            Op::F64Sqrt => f64_un!(i, |x| num::f64_sqrt(x)),
            Op::I32WrapI64 => un!(i, |x: u32| x as u64),
            Op::I32TruncF32S => {
                let x = f32::from_bits(r!(i.b) as u32);
                w!(i.a, try_trap!(num::i32_trunc_f32_s(x)) as u32 as u64)
            }
            Op::I32TruncF32U => {
                let x = f32::from_bits(r!(i.b) as u32);
                w!(i.a, try_trap!(num::i32_trunc_f32_u(x)) as u64)
            }
            Op::I32TruncF64S => {
                let x = f64::from_bits(r!(i.b));
                w!(i.a, try_trap!(num::i32_trunc_f64_s(x)) as u32 as u64)
            }
            Op::I32TruncF64U => {
                let x = f64::from_bits(r!(i.b));
                w!(i.a, try_trap!(num::i32_trunc_f64_u(x)) as u64)
            }
            Op::I64ExtendI32S => un!(i, |x: i32| x as i64 as u64),
            Op::I64ExtendI32U => un!(i, |x: u32| x as u64),
            Op::I64TruncF32S => {
                let x = f32::from_bits(r!(i.b) as u32);
                w!(i.a, try_trap!(num::i64_trunc_f32_s(x)) as u64)
            }
            Op::I64TruncF32U => {
                let x = f32::from_bits(r!(i.b) as u32);
                w!(i.a, try_trap!(num::i64_trunc_f32_u(x)))
            }
            Op::I64TruncF64S => {
                let x = f64::from_bits(r!(i.b));
                w!(i.a, try_trap!(num::i64_trunc_f64_s(x)) as u64)
            }
            Op::I64TruncF64U => {
                let x = f64::from_bits(r!(i.b));
                w!(i.a, try_trap!(num::i64_trunc_f64_u(x)))
            }
            Op::F32ConvertI32S => un!(i, |x: i32| (x as f32).to_bits() as u64),
            Op::F32ConvertI32U => un!(i, |x: u32| (x as f32).to_bits() as u64),
            Op::F32ConvertI64S => un!(i, |x: i64| (x as f32).to_bits() as u64),
            Op::F32ConvertI64U => un!(i, |x: u64| (x as f32).to_bits() as u64),
            Op::F32DemoteF64 => un!(i, |x: u64| (f64::from_bits(x) as f32).to_bits() as u64),
            Op::F64ConvertI32S => un!(i, |x: i32| (x as f64).to_bits()),
            Op::F64ConvertI32U => un!(i, |x: u32| (x as f64).to_bits()),
            Op::F64ConvertI64S => un!(i, |x: i64| (x as f64).to_bits()),
            Op::F64ConvertI64U => un!(i, |x: u64| (x as f64).to_bits()),
            Op::F64PromoteF32 => un!(i, |x: u32| (f32::from_bits(x) as f64).to_bits()),
            Op::I32TruncSatF32S => un!(i, |x: u32| f32::from_bits(x) as i32 as u32 as u64),
            Op::I32TruncSatF32U => un!(i, |x: u32| f32::from_bits(x) as u32 as u64),
            Op::I32TruncSatF64S => un!(i, |x: u64| f64::from_bits(x) as i32 as u32 as u64),
            Op::I32TruncSatF64U => un!(i, |x: u64| f64::from_bits(x) as u32 as u64),
            Op::I64TruncSatF32S => un!(i, |x: u32| f32::from_bits(x) as i64 as u64),
            Op::I64TruncSatF32U => un!(i, |x: u32| f32::from_bits(x) as u64),
            Op::I64TruncSatF64S => un!(i, |x: u64| f64::from_bits(x) as i64 as u64),
            Op::I64TruncSatF64U => un!(i, |x: u64| f64::from_bits(x) as u64),

            Op::I32Add => i32_bin!(i, r!(i.c), |a, b| a.wrapping_add(b)),
            Op::I32Sub => i32_bin!(i, r!(i.c), |a, b| a.wrapping_sub(b)),
            Op::I32Mul => i32_bin!(i, r!(i.c), |a, b| a.wrapping_mul(b)),
            Op::I32DivS => i32_bin!(i, r!(i.c), |a, b| try_trap!(num::i32_div_s(
                a as i32, b as i32
            ))),
            Op::I32DivU => i32_bin!(i, r!(i.c), |a, b| try_trap!(num::i32_div_u(a, b))),
            Op::I32RemS => i32_bin!(i, r!(i.c), |a, b| try_trap!(num::i32_rem_s(
                a as i32, b as i32
            ))),
            Op::I32RemU => i32_bin!(i, r!(i.c), |a, b| try_trap!(num::i32_rem_u(a, b))),
            Op::I32And => i32_bin!(i, r!(i.c), |a, b| a & b),
            Op::I32Or => i32_bin!(i, r!(i.c), |a, b| a | b),
            Op::I32Xor => i32_bin!(i, r!(i.c), |a, b| a ^ b),
            Op::I32Shl => i32_bin!(i, r!(i.c), |a, b| a.wrapping_shl(b)),
            Op::I32ShrS => i32_bin!(i, r!(i.c), |a, b| (a as i32).wrapping_shr(b)),
            Op::I32ShrU => i32_bin!(i, r!(i.c), |a, b| a.wrapping_shr(b)),
            Op::I32Rotl => i32_bin!(i, r!(i.c), |a, b| a.rotate_left(b)),
            Op::I32Rotr => i32_bin!(i, r!(i.c), |a, b| a.rotate_right(b)),
            Op::I32Eq => i32_bin!(i, r!(i.c), |a, b| a == b),
            Op::I32Ne => i32_bin!(i, r!(i.c), |a, b| a != b),
            Op::I32LtS => i32_bin!(i, r!(i.c), |a, b| (a as i32) < (b as i32)),
            Op::I32LtU => i32_bin!(i, r!(i.c), |a, b| a < b),
            Op::I32GtS => i32_bin!(i, r!(i.c), |a, b| (a as i32) > (b as i32)),
            Op::I32GtU => i32_bin!(i, r!(i.c), |a, b| a > b),
            Op::I32LeS => i32_bin!(i, r!(i.c), |a, b| (a as i32) <= (b as i32)),
            Op::I32LeU => i32_bin!(i, r!(i.c), |a, b| a <= b),
            Op::I32GeS => i32_bin!(i, r!(i.c), |a, b| (a as i32) >= (b as i32)),
            Op::I32GeU => i32_bin!(i, r!(i.c), |a, b| a >= b),
            Op::I32AddImm => i32_bin!(i, i.imm, |a, b| a.wrapping_add(b)),
            Op::I32SubImm => i32_bin!(i, i.imm, |a, b| a.wrapping_sub(b)),
            Op::I32MulImm => i32_bin!(i, i.imm, |a, b| a.wrapping_mul(b)),
            Op::I32DivSImm => i32_bin!(i, i.imm, |a, b| try_trap!(num::i32_div_s(
                a as i32, b as i32
            ))),
            Op::I32DivUImm => i32_bin!(i, i.imm, |a, b| try_trap!(num::i32_div_u(a, b))),
            Op::I32RemSImm => i32_bin!(i, i.imm, |a, b| try_trap!(num::i32_rem_s(
                a as i32, b as i32
            ))),
            Op::I32RemUImm => i32_bin!(i, i.imm, |a, b| try_trap!(num::i32_rem_u(a, b))),
            Op::I32AndImm => i32_bin!(i, i.imm, |a, b| a & b),
            Op::I32OrImm => i32_bin!(i, i.imm, |a, b| a | b),
            Op::I32XorImm => i32_bin!(i, i.imm, |a, b| a ^ b),
            Op::I32ShlImm => i32_bin!(i, i.imm, |a, b| a.wrapping_shl(b)),
            Op::I32ShrSImm => i32_bin!(i, i.imm, |a, b| (a as i32).wrapping_shr(b)),
            Op::I32ShrUImm => i32_bin!(i, i.imm, |a, b| a.wrapping_shr(b)),
            Op::I32RotlImm => i32_bin!(i, i.imm, |a, b| a.rotate_left(b)),
            Op::I32RotrImm => i32_bin!(i, i.imm, |a, b| a.rotate_right(b)),
            Op::I32EqImm => i32_bin!(i, i.imm, |a, b| a == b),
            Op::I32NeImm => i32_bin!(i, i.imm, |a, b| a != b),
            Op::I32LtSImm => i32_bin!(i, i.imm, |a, b| (a as i32) < (b as i32)),
            Op::I32LtUImm => i32_bin!(i, i.imm, |a, b| a < b),
            Op::I32GtSImm => i32_bin!(i, i.imm, |a, b| (a as i32) > (b as i32)),
            Op::I32GtUImm => i32_bin!(i, i.imm, |a, b| a > b),
            Op::I32LeSImm => i32_bin!(i, i.imm, |a, b| (a as i32) <= (b as i32)),
            Op::I32LeUImm => i32_bin!(i, i.imm, |a, b| a <= b),
            Op::I32GeSImm => i32_bin!(i, i.imm, |a, b| (a as i32) >= (b as i32)),
            Op::I32GeUImm => i32_bin!(i, i.imm, |a, b| a >= b),

            Op::I64Add => i64_bin!(i, r!(i.c), |a, b| a.wrapping_add(b)),
            Op::I64Sub => i64_bin!(i, r!(i.c), |a, b| a.wrapping_sub(b)),
            Op::I64Mul => i64_bin!(i, r!(i.c), |a, b| a.wrapping_mul(b)),
            Op::I64DivS => i64_bin!(i, r!(i.c), |a, b| try_trap!(num::i64_div_s(
                a as i64, b as i64
            ))),
            Op::I64DivU => i64_bin!(i, r!(i.c), |a, b| try_trap!(num::i64_div_u(a, b))),
            Op::I64RemS => i64_bin!(i, r!(i.c), |a, b| try_trap!(num::i64_rem_s(
                a as i64, b as i64
            ))),
            Op::I64RemU => i64_bin!(i, r!(i.c), |a, b| try_trap!(num::i64_rem_u(a, b))),
            Op::I64And => i64_bin!(i, r!(i.c), |a, b| a & b),
            Op::I64Or => i64_bin!(i, r!(i.c), |a, b| a | b),
            Op::I64Xor => i64_bin!(i, r!(i.c), |a, b| a ^ b),
            Op::I64Shl => i64_bin!(i, r!(i.c), |a, b| a.wrapping_shl(b as u32)),
            Op::I64ShrS => i64_bin!(i, r!(i.c), |a, b| (a as i64).wrapping_shr(b as u32)),
            Op::I64ShrU => i64_bin!(i, r!(i.c), |a, b| a.wrapping_shr(b as u32)),
            Op::I64Rotl => i64_bin!(i, r!(i.c), |a, b| a.rotate_left((b % 64) as u32)),
            Op::I64Rotr => i64_bin!(i, r!(i.c), |a, b| a.rotate_right((b % 64) as u32)),
            Op::I64Eq => i64_bin!(i, r!(i.c), |a, b| a == b),
            Op::I64Ne => i64_bin!(i, r!(i.c), |a, b| a != b),
            Op::I64LtS => i64_bin!(i, r!(i.c), |a, b| (a as i64) < (b as i64)),
            Op::I64LtU => i64_bin!(i, r!(i.c), |a, b| a < b),
            Op::I64GtS => i64_bin!(i, r!(i.c), |a, b| (a as i64) > (b as i64)),
            Op::I64GtU => i64_bin!(i, r!(i.c), |a, b| a > b),
            Op::I64LeS => i64_bin!(i, r!(i.c), |a, b| (a as i64) <= (b as i64)),
            Op::I64LeU => i64_bin!(i, r!(i.c), |a, b| a <= b),
            Op::I64GeS => i64_bin!(i, r!(i.c), |a, b| (a as i64) >= (b as i64)),
            Op::I64GeU => i64_bin!(i, r!(i.c), |a, b| a >= b),
            Op::I64AddImm => i64_bin!(i, i.imm, |a, b| a.wrapping_add(b)),
            Op::I64SubImm => i64_bin!(i, i.imm, |a, b| a.wrapping_sub(b)),
            Op::I64MulImm => i64_bin!(i, i.imm, |a, b| a.wrapping_mul(b)),
            Op::I64DivSImm => i64_bin!(i, i.imm, |a, b| try_trap!(num::i64_div_s(
                a as i64, b as i64
            ))),
            Op::I64DivUImm => i64_bin!(i, i.imm, |a, b| try_trap!(num::i64_div_u(a, b))),
            Op::I64RemSImm => i64_bin!(i, i.imm, |a, b| try_trap!(num::i64_rem_s(
                a as i64, b as i64
            ))),
            Op::I64RemUImm => i64_bin!(i, i.imm, |a, b| try_trap!(num::i64_rem_u(a, b))),
            Op::I64AndImm => i64_bin!(i, i.imm, |a, b| a & b),
            Op::I64OrImm => i64_bin!(i, i.imm, |a, b| a | b),
            Op::I64XorImm => i64_bin!(i, i.imm, |a, b| a ^ b),
            Op::I64ShlImm => i64_bin!(i, i.imm, |a, b| a.wrapping_shl(b as u32)),
            Op::I64ShrSImm => i64_bin!(i, i.imm, |a, b| (a as i64).wrapping_shr(b as u32)),
            Op::I64ShrUImm => i64_bin!(i, i.imm, |a, b| a.wrapping_shr(b as u32)),
            Op::I64RotlImm => i64_bin!(i, i.imm, |a, b| a.rotate_left((b % 64) as u32)),
            Op::I64RotrImm => i64_bin!(i, i.imm, |a, b| a.rotate_right((b % 64) as u32)),
            Op::I64EqImm => i64_bin!(i, i.imm, |a, b| a == b),
            Op::I64NeImm => i64_bin!(i, i.imm, |a, b| a != b),
            Op::I64LtSImm => i64_bin!(i, i.imm, |a, b| (a as i64) < (b as i64)),
            Op::I64LtUImm => i64_bin!(i, i.imm, |a, b| a < b),
            Op::I64GtSImm => i64_bin!(i, i.imm, |a, b| (a as i64) > (b as i64)),
            Op::I64GtUImm => i64_bin!(i, i.imm, |a, b| a > b),
            Op::I64LeSImm => i64_bin!(i, i.imm, |a, b| (a as i64) <= (b as i64)),
            Op::I64LeUImm => i64_bin!(i, i.imm, |a, b| a <= b),
            Op::I64GeSImm => i64_bin!(i, i.imm, |a, b| (a as i64) >= (b as i64)),
            Op::I64GeUImm => i64_bin!(i, i.imm, |a, b| a >= b),

            Op::F32Add => f32_op!(i, |a, b| a + b),
            Op::F32Sub => f32_op!(i, |a, b| a - b),
            Op::F32Mul => f32_op!(i, |a, b| a * b),
            Op::F32Div => f32_op!(i, |a, b| a / b),
            Op::F32Min => f32_op!(i, |a, b| num::f32_min(a, b)),
            Op::F32Max => f32_op!(i, |a, b| num::f32_max(a, b)),
            Op::F32Copysign => f32_op!(i, |a, b| a.copysign(b)),
            Op::F32Eq => f32_cmp!(i, |a, b| a == b),
            Op::F32Ne => f32_cmp!(i, |a, b| a != b),
            Op::F32Lt => f32_cmp!(i, |a, b| a < b),
            Op::F32Gt => f32_cmp!(i, |a, b| a > b),
            Op::F32Le => f32_cmp!(i, |a, b| a <= b),
            Op::F32Ge => f32_cmp!(i, |a, b| a >= b),
            Op::F64Add => f64_op!(i, |a, b| a + b),
            Op::F64Sub => f64_op!(i, |a, b| a - b),
            Op::F64Mul => f64_op!(i, |a, b| a * b),
            Op::F64Div => f64_op!(i, |a, b| a / b),
            Op::F64Min => f64_op!(i, |a, b| num::f64_min(a, b)),
            Op::F64Max => f64_op!(i, |a, b| num::f64_max(a, b)),
            Op::F64Copysign => f64_op!(i, |a, b| a.copysign(b)),
            Op::F64Eq => f64_cmp!(i, |a, b| a == b),
            Op::F64Ne => f64_cmp!(i, |a, b| a != b),
            Op::F64Lt => f64_cmp!(i, |a, b| a < b),
            Op::F64Gt => f64_cmp!(i, |a, b| a > b),
            Op::F64Le => f64_cmp!(i, |a, b| a <= b),
            Op::F64Ge => f64_cmp!(i, |a, b| a >= b),
            // Every other op is one the op table sends through `exec`: the
            // implementation native code shares.
            _ => {
                // SAFETY: the frame and memory are the current ones; a data
                // word follows every op that has one (checked at load).
                match unsafe { simd::exec(i, ip, fp, mem, mem_len) } {
                    simd::Step::Next => continue,
                    simd::Step::SkipWord => {
                        // SAFETY: the data word is inside the function.
                        ip = unsafe { ip.add(1) };
                        continue;
                    }
                    simd::Step::Trap(code) => trap!(code),
                    simd::Step::NotSimd => {}
                }
                debug_assert!(i.op.runs_through_exec(), "{} has no semantics", i.op.name());
                if let Err(mut t) = exec_instr(store, cur_inst, i, fp) {
                    t.backtrace = backtrace(store, &frames, cur_inst, cur_def);
                    return Err(t);
                }
                (mem, mem_len) = memory0(store, inst);
            }
        }
    }
}

/// Takes a unit of fuel and checks the interrupt flag, as `hooks` asks.
#[cold]
fn check_hooks(store: &mut Store, hooks: u64) -> Result<(), TrapCode> {
    use zwasm_abi::native::flags;
    if hooks & flags::FUEL != 0 {
        *store.fuel -= 1;
        if *store.fuel < 0 {
            return Err(TrapCode::OutOfFuel);
        }
    }
    if hooks & flags::INTERRUPT != 0
        && store.interrupt.load(std::sync::atomic::Ordering::Relaxed) != 0
    {
        return Err(TrapCode::Interrupted);
    }
    Ok(())
}

/// Memory 0 of an instance as (base, length); a null base and 0 without one.
#[inline]
fn memory0(store: &mut Store, inst: *const InstanceEntity) -> (*mut u8, usize) {
    // SAFETY: `inst` points at a live instance of `store` (callers re-read it after
    // anything that could move `store.instances`).
    match unsafe { (*inst).memories.first() } {
        Some(&m) => {
            let data = store.memories[m as usize].data_mut();
            (data.as_mut_ptr(), data.len())
        }
        None => (std::ptr::null_mut(), 0),
    }
}
