//! What native code needs of the machine it runs on: per ISA, the entry
//! trampoline into native code, the landings a trap or a fault returns
//! through, and the registers of a faulting thread's context.

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "aarch64")]
pub(crate) use aarch64::*;
#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
pub(crate) use x86_64::*;

// Defined by each ISA's `global_asm!`, with the registers its file names.
unsafe extern "C" {
    /// Calls native function `code` with the VMContext and slot frame pinned;
    /// returns 0, or the trap code a trap landed with.
    pub(crate) fn zwasm_native_enter(vm: *mut usize, frame: *mut u64, code: usize) -> u32;
    /// Where trap stubs jump, with the trap's PC, its code and the frame
    /// pointer in the ISA's first three argument registers.
    pub(crate) fn zwasm_trap_landing();
    /// Where the signal handler resumes a faulting wasm thread, with the PC
    /// and the frame pointer in the first two argument registers.
    pub(crate) fn zwasm_signal_landing();
}

/// The address the signal handler resumes a faulting wasm thread at.
pub(crate) fn signal_landing() -> usize {
    zwasm_signal_landing as *const () as usize
}
