//! The register-IR interpreter. The ops that need only the frame and memory
//! 0, and calls and returns within an instance, run as threaded handlers that
//! jump from one to the next (`threaded`); `run` executes the rest (calls
//! that leave the instance or enter native code, globals, tables, memory
//! growth, fuel and interrupt checks) with one `match`, and the traps.
//!
//! Frames are windows of one value stack: a call's arguments are already in
//! the caller's slots where the callee's frame begins, and results come back
//! in the same slots. Wasm-to-wasm calls never recurse on the host stack; a
//! frame-count and a stack-size limit turn runaway recursion into a trap.

mod bulk;
mod gc;
mod libcalls;
mod simd;
mod threaded;

pub(crate) use libcalls::{call_at, call_indirect_at, exec_one};
use libcalls::{call_host, exec_instr, host_window, native_entry, run_entry};

use crate::error::{FrameInfo, Trap};
use crate::store::{FuncEntity, InstanceEntity, Store};
use threaded::Frame;
use zwasm_abi::ir::{Instr, Op};
use zwasm_abi::TrapCode;

/// Value-stack size in slots (8 MiB, committed lazily by the OS).
const STACK_SLOTS: usize = 1 << 20;
/// Deepest call nesting before `call stack exhausted`.
const MAX_FRAMES: usize = 50_000;

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
    threaded::init();
    let stack_len = stack.len();
    let stack_ptr = stack.as_mut_ptr();
    let mut cx = threaded::Cx {
        frames: Vec::new(),
        base: 0,
        cur_inst: instance,
        cur_def: def,
        stack: stack_ptr,
        stack_len,
        fp: stack_ptr,
        codes: std::ptr::null(),
        ir: std::ptr::null(),
        num_imported_funcs: 0,
        native: false,
        globals: std::ptr::null(),
        store_globals: std::ptr::null_mut(),
    };
    let mut inst: *const InstanceEntity = &store.instances[cx.cur_inst as usize];
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
            t.backtrace = backtrace(store, &cx.frames, cx.cur_inst, cx.cur_def);
            return Err(t);
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
                    .extend(backtrace(store, &cx.frames, cx.cur_inst, cx.cur_def));
                return Err(t);
            }
            inst = &store.instances[cx.cur_inst as usize];
        }};
        // A tail call: the current frame is gone, so the trace goes on at its caller.
        (tail $id:expr, $code:expr) => {{
            // SAFETY: one past the end of the stack.
            let end = unsafe { stack_ptr.add(stack_len) };
            if let Err(mut t) = crate::native::invoke(store, $id, $code, fp, end) {
                if let Some((top, rest)) = cx.frames.split_last() {
                    t.backtrace
                        .extend(backtrace(store, rest, top.instance, top.def));
                }
                return Err(t);
            }
            inst = &store.instances[cx.cur_inst as usize];
        }};
    }
    // Enters defined function `$def` of the instance at `$callee` with its frame at
    // slot `$a` of the current frame, saving the current function as the caller.
    macro_rules! enter {
        ($a:expr, $callee:expr, $def:expr) => {{
            let def = $def;
            // SAFETY: `$callee` is a live instance and `def` one of its defined functions.
            let f = unsafe { *(*$callee).module.func_codes().get_unchecked(def as usize) };
            let new_base = cx.base + $a as usize;
            if new_base + f.num_slots as usize > stack_len || cx.frames.len() >= MAX_FRAMES {
                trap!(TrapCode::StackOverflow);
            }
            cx.frames.push(Frame {
                instance: cx.cur_inst,
                def: cx.cur_def,
                ret_ip: ip,
                base: cx.base,
            });
            cx.base = new_base;
            // SAFETY: the new frame lies inside the stack (checked just above).
            unsafe {
                fp = stack_ptr.add(cx.base);
                std::ptr::write_bytes(
                    fp.add(f.num_params as usize),
                    0,
                    (f.num_locals - f.num_params) as usize,
                );
            }
            cx.cur_def = def;
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
                    } else if instance == cx.cur_inst {
                        enter!($a, inst, def);
                    } else {
                        let callee: *const InstanceEntity = &store.instances[instance as usize];
                        enter!($a, callee, def);
                        cx.cur_inst = instance;
                        inst = callee;
                        (mem, mem_len) = memory0(store, inst);
                    }
                }
                FuncEntity::Host { .. } => {
                    let new_base = cx.base + $a as usize;
                    let n = host_window(&store.sigs[store.funcs[fid as usize].sig() as usize]);
                    if new_base + n > stack_len {
                        trap!(TrapCode::StackOverflow);
                    }
                    // SAFETY: the host's argument window lies inside the stack (checked above).
                    let slots =
                        unsafe { std::slice::from_raw_parts_mut(stack_ptr.add(new_base), n) };
                    if let Err(mut t) = call_host(store, Some(cx.cur_inst), fid, slots) {
                        // A trap from wasm the host called back into already
                        // holds the frames above the host; ours follow.
                        t.backtrace
                            .extend(backtrace(store, &cx.frames, cx.cur_inst, cx.cur_def));
                        return Err(t);
                    }
                    inst = &store.instances[cx.cur_inst as usize];
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
            if cx.base + f.num_slots as usize > stack_len {
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
            cx.cur_def = def;
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
            let Some(f) = cx.frames.pop() else {
                return Ok(());
            };
            cx.base = f.base;
            // SAFETY: a saved frame's base was inside the stack when it was pushed.
            fp = unsafe { stack_ptr.add(cx.base) };
            ip = f.ret_ip;
            cx.cur_def = f.def;
            if f.instance != cx.cur_inst {
                cx.cur_inst = f.instance;
                inst = &store.instances[cx.cur_inst as usize];
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
                    } else if instance == cx.cur_inst {
                        tail_enter!($a, inst, def);
                    } else {
                        let callee: *const InstanceEntity = &store.instances[instance as usize];
                        tail_enter!($a, callee, def);
                        cx.cur_inst = instance;
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
                    if cx.base + n > stack_len {
                        trap!(TrapCode::StackOverflow);
                    }
                    // SAFETY: the argument window lies in the current frame (checked
                    // at load); `0..n` lies inside the stack (checked above).
                    let slots = unsafe {
                        std::ptr::copy(fp.add($a as usize), fp, np);
                        std::slice::from_raw_parts_mut(fp, n)
                    };
                    if let Err(mut t) = call_host(store, Some(cx.cur_inst), fid, slots) {
                        // The tail-calling frame is gone: the trace goes on at its caller.
                        if let Some((top, rest)) = cx.frames.split_last() {
                            t.backtrace
                                .extend(backtrace(store, rest, top.instance, top.def));
                        }
                        return Err(t);
                    }
                    inst = &store.instances[cx.cur_inst as usize];
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
        // The threaded handlers run every op that needs only the frame and
        // memory 0; they stop at the first that needs more, which the
        // `match` below executes.
        // SAFETY: `ip` is in the current function, `fp` is its frame and
        // `mem`/`mem_len` its instance's memory 0.
        let stop = unsafe {
            cx.enter(store, inst);
            threaded::run(ip, fp, mem, mem_len, (*inst).hooks, &mut cx)
        };
        ip = stop.ip;
        fp = cx.fp;
        match stop.why {
            threaded::SLOW => {}
            threaded::HOOKS => {
                hooks!();
                continue;
            }
            why => {
                trap!(TrapCode::from_u8((why - threaded::TRAP) as u8)
                    .unwrap_or(TrapCode::Unreachable))
            }
        }
        // SAFETY: the artifact checker verified that execution cannot leave the
        // function's code: every branch target is inside it and it ends in a return.
        let i: &Instr = unsafe { &*ip };
        // SAFETY: as above; a function never ends without a return or branch.
        ip = unsafe { ip.add(1) };
        match i.op {
            Op::Trap => trap!(TrapCode::from_u8(i.imm as u8).unwrap_or(TrapCode::Unreachable)),
            Op::ReturnSlot | Op::Return => {
                if i.op == Op::ReturnSlot {
                    w!(0, r!(i.b));
                }
                ret!();
            }
            Op::Call => {
                // SAFETY: `inst` is current.
                let def = i.imm as u32 - unsafe { (*inst).num_imported_funcs };
                let code = native_entry(store, cx.cur_inst, def);
                if code != 0 {
                    native_call!(i.a, cx.cur_inst, code);
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
                let code = native_entry(store, cx.cur_inst, def);
                if code != 0 {
                    // Native code runs in place of this frame: its arguments
                    // move to slot 0, where its results are our results.
                    let n = unsafe { (*inst).module.func_codes()[def as usize].num_params };
                    // SAFETY: the window lies in the frame (checked at load); `copy`
                    // allows overlap.
                    unsafe { std::ptr::copy(fp.add(i.a as usize), fp, n as usize) };
                    native_call!(tail cx.cur_inst, code);
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

            // Every other op is one the op table sends through `exec`: the
            // implementation native code shares.
            _ => {
                debug_assert!(i.op.runs_through_exec(), "{} has no semantics", i.op.name());
                if let Err(mut t) = exec_instr(store, cx.cur_inst, i, fp) {
                    t.backtrace = backtrace(store, &cx.frames, cx.cur_inst, cx.cur_def);
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
