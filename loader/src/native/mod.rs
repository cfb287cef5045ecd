//! Running native code: the executable code memory (`code`), the VMContext
//! each instance with native code gets (`vm`), the host entry trampoline that
//! native code traps back to (per ISA, in `arch`), and the libcalls native
//! code calls into the runtime with (`libcalls`).
//!
//! On x86_64, the entry trampoline saves the callee-saved registers and the stack
//! pointer (in the VMContext, keeping the previous one for nested entries),
//! pins the VMContext in `r15`, memory 0's base in `r14` and the slot frame
//! in `rbx`, and calls the function. A trap stub in wasm code (or the signal
//! handler, for a fault) jumps to the trap landing, which restores that stack
//! pointer and returns the trap code from the entry: no Rust frame is ever
//! unwound by a trap.

use crate::error::{FrameInfo, Trap};
use crate::store::Store;
use libcalls::context;
use zwasm_abi::native::{vmctx, LEAF_SLOTS, NO_TRAP, TRAP_BASE, TRAP_PENDING};
use zwasm_abi::TrapCode;

mod arch;
mod code;
mod libcalls;
mod vm;

pub(crate) use arch::signal_landing;
use arch::zwasm_native_enter;
#[cfg(target_os = "linux")]
pub(crate) use arch::{fault_pc, resume_at_landing};
pub(crate) use code::CodeMemory;
pub(crate) use vm::VmCtx;

thread_local! {
    /// The lowest stack address wasm code may reach on this thread, once the
    /// thread can take a fault in wasm code (signal handler and alternate
    /// stack in place).
    static THREAD: Result<usize, String> =
        crate::signals::ensure_thread_ready().map(|()| stack_limit());
}

/// Room kept below wasm frames for libcalls, host functions and the interpreter.
const STACK_RESERVE: usize = 256 * 1024;

fn stack_limit() -> usize {
    let marker = std::hint::black_box(0u8);
    let here = &marker as *const u8 as usize;
    #[cfg(target_os = "linux")]
    {
        if let Some(bottom) = main_thread_stack_bottom(here) {
            return (bottom + STACK_RESERVE).min(here);
        }
        // SAFETY: `attr` is initialized by pthread_getattr_np before use and destroyed after.
        unsafe {
            let mut attr: libc::pthread_attr_t = std::mem::zeroed();
            if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) == 0 {
                let mut addr: *mut libc::c_void = std::ptr::null_mut();
                let mut size: libc::size_t = 0;
                let ok = libc::pthread_attr_getstack(&attr, &mut addr, &mut size) == 0;
                libc::pthread_attr_destroy(&mut attr);
                if ok && (addr as usize) < here {
                    return (addr as usize + STACK_RESERVE).min(here);
                }
            }
        }
    }
    here.saturating_sub(1024 * 1024)
}

/// The lowest address the main thread's stack may grow to, without
/// `pthread_getattr_np`: on the main thread that reads all of
/// `/proc/self/maps`, a sixth of a hello-world's run. The kernel puts the
/// program's path (`AT_EXECFN`) at the very top of the initial stack, one
/// pointer below the end of its mapping, and the stack may grow to
/// `RLIMIT_STACK` below that end. `None` off the main thread, with no finite
/// limit, or when `here` is not inside the range found.
#[cfg(target_os = "linux")]
fn main_thread_stack_bottom(here: usize) -> Option<usize> {
    const PAGE: usize = 4096;
    // SAFETY: getpid, gettid and getauxval have no preconditions; getrlimit
    // writes one rlimit we own; AT_EXECFN, when present, points to the
    // NUL-terminated path the kernel copied onto the stack.
    unsafe {
        if libc::getpid() != libc::gettid() {
            return None;
        }
        let execfn = libc::getauxval(libc::AT_EXECFN) as *const std::ffi::c_char;
        if execfn.is_null() {
            return None;
        }
        let end = execfn as usize + std::ffi::CStr::from_ptr(execfn).count_bytes() + 1;
        let top = end.checked_add(PAGE - 1)? & !(PAGE - 1);
        let mut rl: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_STACK, &mut rl) != 0
            || rl.rlim_cur == libc::RLIM_INFINITY
            || rl.rlim_cur > 1 << 32
        {
            return None;
        }
        let bottom = top.checked_sub(rl.rlim_cur as usize)?;
        (bottom + STACK_RESERVE < here && here < top).then_some(bottom)
    }
}

/// Runs native function `code` of instance `instance` on the slot frame at
/// `frame` (arguments in, results out); `slots_end` bounds the value stack.
pub(crate) fn invoke(
    store: &mut Store,
    instance: u32,
    code: usize,
    frame: *mut u64,
    slots_end: *mut u64,
) -> Result<(), Trap> {
    let limit = THREAD
        .with(|t| t.clone())
        .map_err(|e| Trap::host(format!("cannot run native code on this thread: {e}")))?;
    // Leaf functions skip their own checks (see `zwasm_abi::native::LEAF_SLOTS`):
    // the frame must start below the lowered bound and the machine stack must
    // be above its limit here, on entry.
    let marker = std::hint::black_box(0u8);
    let leaf_room = LEAF_SLOTS as usize * 8;
    if (&marker as *const u8 as usize) < limit
        || (frame as usize).saturating_add(leaf_room) > slots_end as usize
    {
        return Err(Trap::new(TrapCode::StackOverflow));
    }
    let slots_end = (slots_end as usize - leaf_room) as *mut u64;
    refresh(store, instance);
    let fuel: *mut i64 = &mut *store.fuel;
    let interrupt: *const std::sync::atomic::AtomicU32 = &*store.interrupt;
    let store_ptr: *mut Store = store;
    let inst = &mut store.instances[instance as usize];
    let vm = inst.vm.as_mut().expect("instance has native code");
    // A host function may call back into this instance on a fresh value
    // stack; the activation it interrupted gets its own bound back after.
    let outer_slots_end = vm.get(vmctx::SLOTS_END);
    vm.set(vmctx::STORE, store_ptr as usize);
    vm.set(vmctx::SLOTS_END, slots_end as usize);
    vm.set(vmctx::STACK_LIMIT, limit);
    vm.set(vmctx::FUEL, fuel as usize);
    vm.set(vmctx::INTERRUPT, interrupt as usize);
    let vm_ptr = vm.ptr();
    // SAFETY: `code` is the entry of a native function of this instance's module
    // (checked at load), `frame` has room for its slots up to `slots_end` (checked
    // by its prologue), and the VMContext lives as long as the instance.
    let result = unsafe { zwasm_native_enter(vm_ptr, frame, code) };
    // SAFETY: the store outlives the call; nothing else holds it now.
    let store = unsafe { &mut *store_ptr };
    let vm = store.instances[instance as usize].vm.as_mut().unwrap();
    vm.set(vmctx::SLOTS_END, outer_slots_end);
    if result == NO_TRAP {
        return Ok(());
    }
    let mut frames = std::mem::take(&mut vm.frames);
    let mut trap = if result == TRAP_PENDING {
        store
            .pending_trap
            .take()
            .unwrap_or_else(|| Trap::host("native code lost its trap"))
    } else {
        let code = TrapCode::from_u8((result - TRAP_BASE) as u8).unwrap_or(TrapCode::Unreachable);
        Trap::new(code)
    };
    if result == TRAP_PENDING {
        // The pending trap's own trace starts inside the callee; native frames follow.
        trap.backtrace.append(&mut frames);
    } else {
        trap.backtrace = frames;
    }
    Err(trap)
}

/// Called by the trap landing, on the stack below the trapping wasm frames:
/// records their backtrace in the VMContext for `invoke`.
extern "C" fn record_trap(vm: *mut usize) {
    // SAFETY: the landing passes the VMContext of the running instance, whose
    // store pointer `invoke` set.
    let (store, instance) = unsafe { context(vm) };
    let ctx = store.instances[instance as usize].vm.as_ref().unwrap();
    let (pc, fp) = (ctx.get(vmctx::TRAP_PC), ctx.get(vmctx::TRAP_FP));
    // A trap of the code itself (a fault, or a stub's): `pc` is where it
    // happened. A pending trap comes from the runtime, through a stub too.
    let own = ctx.get(vmctx::TRAP_CODE) as u32 != TRAP_PENDING;
    let frames = backtrace(store, instance, pc, fp, own);
    store.instances[instance as usize]
        .vm
        .as_mut()
        .unwrap()
        .frames = frames;
}

/// Walks the frame-pointer chain from a trap in `instance`'s native code.
fn backtrace(
    store: &Store,
    instance: u32,
    mut pc: usize,
    mut fp: usize,
    own_trap: bool,
) -> Vec<FrameInfo> {
    let inst = &store.instances[instance as usize];
    let module = &inst.module;
    let meta = module.meta();
    let mut out = Vec::new();
    let frame = |def: u32| {
        let func_index = inst.num_imported_funcs + def;
        FrameInfo {
            func_index,
            name: module.func_name(func_index).map(str::to_string),
            module: meta.name.clone(),
        }
    };
    // A fault inside an inlined copy is its callee's, a frame of its own.
    // Only a trap's own pc can be in one: copies make no calls, so no return
    // address lies inside one (though one may be a copy's first byte).
    if own_trap && module.native_func_at(pc).is_some() {
        if let Some(callee) = module.inlined_at(pc) {
            out.push(frame(callee));
        }
    }
    while let Some(def) = module.native_func_at(pc) {
        out.push(frame(def));
        if fp == 0 || out.len() > 100_000 {
            break;
        }
        // SAFETY: `fp` is a frame pointer of a native wasm frame, whose prologue
        // pushed the caller's frame pointer at [fp] and the return address at [fp + 8].
        unsafe {
            pc = *((fp + 8) as *const usize);
            fp = *(fp as *const usize);
        }
    }
    out
}

/// Brings an instance's VMContext up to date with its memory 0.
fn refresh(store: &mut Store, instance: u32) {
    let inst = &store.instances[instance as usize];
    let (base, len) = match inst.memories.first() {
        Some(&m) => {
            let mem = &mut store.memories[m as usize];
            let data = mem.data_mut();
            (data.as_mut_ptr() as usize, data.len())
        }
        None => (0, 0),
    };
    let (t_base, t_len) = match inst.tables.first() {
        Some(&t) => {
            let elems = &store.tables[t as usize].elems;
            (elems.as_ptr() as usize, elems.len())
        }
        None => (0, 0),
    };
    let func_refs = store.func_refs.as_ptr() as usize;
    let vm = store.instances[instance as usize].vm.as_mut().unwrap();
    vm.set(vmctx::MEM0_BASE, base);
    vm.set(vmctx::MEM0_LEN, len);
    vm.set(vmctx::TABLE0_BASE, t_base);
    vm.set(vmctx::TABLE0_LEN, t_len);
    vm.set(vmctx::FUNC_REFS, func_refs);
}
