//! The interpreter's side of mixed execution: entering a function that may
//! have native code, and the work native code hands back through libcalls —
//! calls it cannot make directly and ops it leaves to the interpreter's
//! implementation.

use super::{bulk, gc, run};
use crate::error::Trap;
use crate::store::{Caller, FuncEntity, Store};
use crate::values::{read_vals, write_results, Val};
use zwasm_abi::ir::{Instr, Op};
use zwasm_abi::num;
use zwasm_abi::TrapCode;

/// The native entry of defined function `def` of `instance`, or 0 when it
/// runs as IR (no native code, or native code switched off).
#[inline]
pub(crate) fn native_entry(store: &Store, instance: u32, def: u32) -> usize {
    let inst = &store.instances[instance as usize];
    if inst.vm.is_none() {
        return 0;
    }
    inst.module.func_codes()[def as usize].native
}

/// Runs defined function `def` of `instance` with its frame at the start of
/// `stack`, natively when it has native code.
pub(crate) fn run_entry(
    store: &mut Store,
    stack: &mut [u64],
    instance: u32,
    def: u32,
) -> Result<(), Trap> {
    let code = native_entry(store, instance, def);
    if code != 0 {
        let range = stack.as_mut_ptr_range();
        return crate::native::invoke(store, instance, code, range.start, range.end);
    }
    run(store, stack, instance, def)
}

/// Calls store function `fid` with its frame at `frame`; the value stack
/// ends at `end`. `caller` is the calling instance (for host functions).
pub(crate) fn call_at(
    store: &mut Store,
    caller: u32,
    fid: u32,
    frame: *mut u64,
    end: *mut u64,
) -> Result<(), Trap> {
    let len = (end as usize).saturating_sub(frame as usize) / 8;
    // SAFETY: `frame..end` is the unused top of the value stack that the calling
    // native function's frame window starts (its prologue checked it lies inside).
    let slots = unsafe { std::slice::from_raw_parts_mut(frame, len) };
    match &store.funcs[fid as usize] {
        FuncEntity::Wasm { instance, def, .. } => {
            let (instance, def) = (*instance, *def);
            run_entry(store, slots, instance, def)
        }
        FuncEntity::Host { .. } => {
            let ty = &store.sigs[store.funcs[fid as usize].sig() as usize];
            let n = host_window(ty);
            if n > len {
                return Err(Trap::new(TrapCode::StackOverflow));
            }
            call_host(store, Some(caller), fid, &mut slots[..n])
        }
    }
}

/// The slots a call to a function of type `ty` uses at its frame's start:
/// its arguments in, then its results out (a v128 takes two).
#[inline]
pub(super) fn host_window(ty: &zwasm_abi::module::FuncType) -> usize {
    ty.param_slots().max(ty.result_slots()) as usize
}

/// Calls a host function with its arguments in `slots` from slot 0, each
/// taking its type's slots, and writes its results there the same way.
/// `slots` is at least [`host_window`] long.
pub(super) fn call_host(
    store: &mut Store,
    instance: Option<u32>,
    func: u32,
    slots: &mut [u64],
) -> Result<(), Trap> {
    let FuncEntity::Host { sig, f } = &store.funcs[func as usize] else {
        return Err(Trap::host(format!(
            "function {func} called as a host function"
        )));
    };
    let f = f.clone();
    let ty = store.sigs[*sig as usize].clone();
    // Arguments and results live on the Rust stack for the common case of a
    // few values (every WASI function), so a host call allocates nothing.
    const INLINE: usize = 16;
    let mut args_inline = [Val::I32(0); INLINE];
    let mut results_inline = [Val::I32(0); INLINE];
    let mut args_heap;
    let mut results_heap;
    let args: &mut [Val] = if ty.params.len() <= INLINE {
        &mut args_inline[..ty.params.len()]
    } else {
        args_heap = vec![Val::I32(0); ty.params.len()];
        &mut args_heap
    };
    read_vals(slots, &ty.params, args);
    let results: &mut [Val] = if ty.results.len() <= INLINE {
        &mut results_inline[..ty.results.len()]
    } else {
        results_heap = vec![Val::I32(0); ty.results.len()];
        &mut results_heap
    };
    for (v, t) in results.iter_mut().zip(&ty.results) {
        *v = Val::default_for(*t);
    }
    let mut caller = Caller {
        store,
        instance: instance.map(crate::store::Instance),
    };
    f(&mut caller, args, results)?;
    write_results(results, &ty.results, slots)
}

/// The `call_indirect` at IR instruction `ir_index` of `instance`'s module,
/// from the frame at `frame`.
pub(crate) fn call_indirect_at(
    store: &mut Store,
    instance: u32,
    ir_index: u32,
    frame: *mut u64,
    end: *mut u64,
) -> Result<(), Trap> {
    let inst = &store.instances[instance as usize];
    let i = inst.module.instr(ir_index);
    let (table, want) = (inst.tables[i.c as usize], inst.sigs[i.imm as usize]);
    // SAFETY: slot `b` lies in the calling frame (checked at load).
    let idx = unsafe { *frame.add(i.b as usize) } as u32 as usize;
    let Some(&r) = store.tables[table as usize].elems.get(idx) else {
        return Err(Trap::new(TrapCode::UndefinedElement));
    };
    if r == 0 {
        return Err(Trap::new(TrapCode::IndirectCallToNull));
    }
    let fid = (r - 1) as u32;
    if store.funcs[fid as usize].sig() != want {
        return Err(Trap::new(TrapCode::BadSignature));
    }
    // SAFETY: the callee window starts inside the calling frame (checked at load).
    call_at(
        store,
        instance,
        fid,
        unsafe { frame.add(i.a as usize) },
        end,
    )
}

/// Runs IR instruction `ir_index` of `instance`'s module on the frame at
/// `frame`: the ops native code leaves to the interpreter.
pub(crate) fn exec_one(
    store: &mut Store,
    instance: u32,
    ir_index: u32,
    frame: *mut u64,
) -> Result<(), Trap> {
    let i = store.instances[instance as usize].module.instr(ir_index);
    exec_instr(store, instance, &i, frame)
}

/// The one implementation of the memory, table, GC and conversion ops that
/// both the interpreter loop and native code (through `exec_one`) run.
pub(super) fn exec_instr(
    store: &mut Store,
    instance: u32,
    i: &Instr,
    frame: *mut u64,
) -> Result<(), Trap> {
    let i = *i;
    // SAFETY: every slot field was checked against the frame size at load, and
    // the frame lies in the value stack.
    let r = |s: u16| unsafe { *frame.add(s as usize) };
    // SAFETY: as for `r`.
    let w = |s: u16, v: u64| unsafe { *frame.add(s as usize) = v };
    let t = |e: TrapCode| Trap::new(e);
    let f32_un = |f: fn(f32) -> f32| f(f32::from_bits(r(i.b) as u32)).to_bits() as u64;
    let f64_un = |f: fn(f64) -> f64| f(f64::from_bits(r(i.b))).to_bits();
    let f32_arg = || f32::from_bits(r(i.b) as u32);
    let f64_arg = || f64::from_bits(r(i.b));
    let v = match i.op {
        Op::MemoryGrow => {
            let m = store.instances[instance as usize].memories[i.imm as usize];
            let memory = &mut store.memories[m as usize];
            if memory.is_64() {
                memory.grow(r(i.b)).unwrap_or(u64::MAX)
            } else {
                let old = memory.grow(r(i.b) as u32 as u64);
                old.map_or(u32::MAX as u64, |o| o as u32 as u64)
            }
        }
        Op::MemoryFill
        | Op::MemoryCopy
        | Op::MemoryInit
        | Op::DataDrop
        | Op::TableGet
        | Op::TableSet
        | Op::TableSize
        | Op::TableGrow
        | Op::TableFill
        | Op::TableCopy
        | Op::TableInit
        | Op::ElemDrop
        | Op::RefFunc => match bulk::exec(store, instance, &i, r(i.a), r(i.b), r(i.c)) {
            Ok(Some(v)) => v,
            Ok(None) => return Ok(()),
            Err(e) => return Err(t(e)),
        },
        Op::StructNew | Op::StructNewDefault => {
            let n = if i.op == Op::StructNew {
                let ty = store.instances[instance as usize].gc_types[i.imm as u32 as usize];
                store.gc_types[ty as usize].num_fields
            } else {
                0
            };
            // SAFETY: slots `b..b + n` lie inside the frame (checked at load).
            let args = unsafe { std::slice::from_raw_parts(frame.add(i.b as usize), n) };
            gc::new(store, instance, &i, args)
        }
        Op::StructGet | Op::StructGetS | Op::StructGetU => gc::get(store, &i, r(i.b)).map_err(t)?,
        Op::StructSet => return gc::set(store, &i, r(i.b), r(i.c)).map_err(t),
        Op::RefCast | Op::RefCastNull | Op::RefTest | Op::RefTestNull => {
            gc::cast(store, instance, &i, r(i.b)).map_err(t)?
        }
        Op::I32TruncF32S => num::i32_trunc_f32_s(f32_arg()).map_err(t)? as u32 as u64,
        Op::I32TruncF32U => num::i32_trunc_f32_u(f32_arg()).map_err(t)? as u64,
        Op::I32TruncF64S => num::i32_trunc_f64_s(f64_arg()).map_err(t)? as u32 as u64,
        Op::I32TruncF64U => num::i32_trunc_f64_u(f64_arg()).map_err(t)? as u64,
        Op::I64TruncF32S => num::i64_trunc_f32_s(f32_arg()).map_err(t)? as u64,
        Op::I64TruncF32U => num::i64_trunc_f32_u(f32_arg()).map_err(t)?,
        Op::I64TruncF64S => num::i64_trunc_f64_s(f64_arg()).map_err(t)? as u64,
        Op::I64TruncF64U => num::i64_trunc_f64_u(f64_arg()).map_err(t)?,
        Op::I32TruncSatF32S => f32_arg() as i32 as u32 as u64,
        Op::I32TruncSatF32U => f32_arg() as u32 as u64,
        Op::I32TruncSatF64S => f64_arg() as i32 as u32 as u64,
        Op::I32TruncSatF64U => f64_arg() as u32 as u64,
        Op::I64TruncSatF32S => f32_arg() as i64 as u64,
        Op::I64TruncSatF32U => f32_arg() as u64,
        Op::I64TruncSatF64S => f64_arg() as i64 as u64,
        Op::I64TruncSatF64U => f64_arg() as u64,
        Op::F32Ceil => f32_un(num::f32_ceil),
        Op::F32Floor => f32_un(num::f32_floor),
        Op::F32Trunc => f32_un(num::f32_trunc),
        Op::F32Nearest => f32_un(num::f32_nearest),
        Op::F64Ceil => f64_un(num::f64_ceil),
        Op::F64Floor => f64_un(num::f64_floor),
        Op::F64Trunc => f64_un(num::f64_trunc),
        Op::F64Nearest => f64_un(num::f64_nearest),
        other => {
            return Err(Trap::host(format!(
                "{} cannot run as a libcall",
                other.name()
            )))
        }
    };
    w(i.a, v);
    Ok(())
}
