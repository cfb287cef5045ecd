//! The libcalls native code calls into the runtime with.

use super::refresh;
use crate::error::Trap;
use crate::store::Store;
use zwasm_abi::native::{vmctx, LEAF_SLOTS, NO_TRAP, TRAP_PENDING};

/// The store and instance a libcall was made from.
///
/// # Safety
/// `vm` must be the VMContext of a running instance, whose store pointer was
/// set by `invoke`.
pub(super) unsafe fn context<'a>(vm: *mut usize) -> (&'a mut Store, u32) {
    // SAFETY: per the contract, the fields were set by `invoke` and the store is
    // alive and not otherwise borrowed while native code runs.
    unsafe {
        let store = &mut *(*vm.add(vmctx::STORE as usize / 8) as *mut Store);
        let instance = *vm.add(vmctx::INSTANCE as usize / 8) as u32;
        (store, instance)
    }
}

/// Ends a libcall: refreshes the VMContext and turns an error into a pending trap.
fn finish(store: &mut Store, instance: u32, r: Result<(), Trap>) -> u32 {
    refresh(store, instance);
    match r {
        Ok(()) => NO_TRAP,
        Err(t) => {
            store.pending_trap = Some(t);
            TRAP_PENDING
        }
    }
}

/// The value stack's real end (the VMContext keeps a lowered bound).
fn slots_end(vm: *mut usize) -> *mut u64 {
    // SAFETY: `vm` is a live VMContext (libcall contract).
    let bound = unsafe { *vm.add(vmctx::SLOTS_END as usize / 8) };
    (bound + LEAF_SLOTS as usize * 8) as *mut u64
}

pub(super) extern "C" fn lib_call(vm: *mut usize, frame: *mut u64, func: u32) -> u32 {
    // SAFETY: called by native code with its own VMContext.
    let (store, instance) = unsafe { context(vm) };
    let fid = store.instances[instance as usize].funcs[func as usize];
    let r = crate::interp::call_at(store, instance, fid, frame, slots_end(vm));
    finish(store, instance, r)
}

pub(super) extern "C" fn lib_call_indirect(vm: *mut usize, frame: *mut u64, ir_index: u32) -> u32 {
    // SAFETY: called by native code with its own VMContext.
    let (store, instance) = unsafe { context(vm) };
    let r = crate::interp::call_indirect_at(store, instance, ir_index, frame, slots_end(vm));
    finish(store, instance, r)
}

pub(super) extern "C" fn lib_exec(vm: *mut usize, frame: *mut u64, ir_index: u32) -> u32 {
    // SAFETY: called by native code with its own VMContext.
    let (store, instance) = unsafe { context(vm) };
    let r = crate::interp::exec_one(store, instance, ir_index, frame);
    finish(store, instance, r)
}
