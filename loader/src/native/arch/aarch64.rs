//! AArch64: the entry trampoline, the trap landing and the signal landing.
//!
//! Native code runs with the VMContext pinned in `x28`, memory 0's base in
//! `x27` and the slot frame in `x26` (all callee-saved in the AAPCS64, so a
//! call into the runtime keeps them), and keeps the frame-pointer chain in
//! `x29`/`x30`. The entry trampoline saves the callee-saved registers and
//! the stack pointer (in the VMContext, keeping the previous one for nested
//! entries), pins those three and calls the function. A trap stub jumps to
//! the trap landing with `x0` = its PC, `w1` = the trap code and `x2` = the
//! frame pointer; the signal handler resumes a faulting thread at the signal
//! landing with `x0` = the PC and `x1` = the frame pointer. The landing
//! records the trap, restores the entry's stack pointer and returns the trap
//! code from the entry: no Rust frame is ever unwound by a trap.

use super::super::record_trap;
use zwasm_abi::native::{vmctx, TRAP_BASE};
use zwasm_abi::TrapCode;

#[cfg(unix)]
std::arch::global_asm!(
    ".text",
    ".p2align 4",
    ".globl zwasm_native_enter",
    "zwasm_native_enter:",
    "stp x29, x30, [sp, #-16]!",
    "mov x29, sp",
    "stp x19, x20, [sp, #-16]!",
    "stp x21, x22, [sp, #-16]!",
    "stp x23, x24, [sp, #-16]!",
    "stp x25, x26, [sp, #-16]!",
    "stp x27, x28, [sp, #-16]!",
    "stp d8, d9, [sp, #-16]!",
    "stp d10, d11, [sp, #-16]!",
    "stp d12, d13, [sp, #-16]!",
    "stp d14, d15, [sp, #-16]!",
    // The previous entry's stack pointer, in a 16-byte slot.
    "ldr x9, [x0, #{entry_sp}]",
    "stp x9, xzr, [sp, #-16]!",
    "mov x9, sp",
    "str x9, [x0, #{entry_sp}]",
    "mov x28, x0",
    "mov x26, x1",
    "ldr x27, [x0, #{mem0_base}]",
    "blr x2",
    "mov w0, #0",
    "zwasm_native_exit:",
    "ldp x9, x10, [sp], #16",
    "str x9, [x28, #{entry_sp}]",
    "ldp d14, d15, [sp], #16",
    "ldp d12, d13, [sp], #16",
    "ldp d10, d11, [sp], #16",
    "ldp d8, d9, [sp], #16",
    "ldp x27, x28, [sp], #16",
    "ldp x25, x26, [sp], #16",
    "ldp x23, x24, [sp], #16",
    "ldp x21, x22, [sp], #16",
    "ldp x19, x20, [sp], #16",
    "ldp x29, x30, [sp], #16",
    "ret",
    ".p2align 4",
    ".globl zwasm_trap_landing",
    "zwasm_trap_landing:",
    "str x0, [x28, #{trap_pc}]",
    "mov w1, w1",
    "str x1, [x28, #{trap_code}]",
    "str x2, [x28, #{trap_fp}]",
    // The wasm frames above are still intact: walk them now, on the stack
    // below them. Once the stack is reset, the host's frames overwrite them.
    "mov x0, x28",
    "mov x9, sp",
    "and x9, x9, #-16",
    "mov sp, x9",
    "bl {record_trap}",
    "ldr x9, [x28, #{entry_sp}]",
    "mov sp, x9",
    "ldr w0, [x28, #{trap_code}]",
    "b zwasm_native_exit",
    ".p2align 4",
    ".globl zwasm_signal_landing",
    "zwasm_signal_landing:",
    "mov x2, x1",
    "mov w1, #{oob}",
    "b zwasm_trap_landing",
    entry_sp = const vmctx::ENTRY_SP,
    mem0_base = const vmctx::MEM0_BASE,
    trap_pc = const vmctx::TRAP_PC,
    trap_code = const vmctx::TRAP_CODE,
    trap_fp = const vmctx::TRAP_FP,
    oob = const TrapCode::MemoryOutOfBounds as u32 + TRAP_BASE,
    record_trap = sym record_trap,
);

/// The program counter of a faulting wasm thread.
///
/// # Safety
/// `uc` is the interrupted context the kernel passed to an `SA_SIGINFO`
/// handler, which owns it until it returns.
#[cfg(target_os = "linux")]
pub(crate) unsafe fn fault_pc(uc: *mut libc::ucontext_t) -> usize {
    // SAFETY: per the contract.
    unsafe { (*uc).uc_mcontext.pc as usize }
}

/// Makes the interrupted thread resume at `landing` with `x0` = the faulting
/// `pc` and `x1` = its frame pointer (`x29`); every other register is left
/// as it was (`x28` holds the VMContext).
///
/// # Safety
/// As for [`fault_pc`].
#[cfg(target_os = "linux")]
pub(crate) unsafe fn resume_at_landing(uc: *mut libc::ucontext_t, landing: usize, pc: usize) {
    // SAFETY: per the contract.
    let m = unsafe { &mut (*uc).uc_mcontext };
    m.regs[0] = pc as u64;
    m.regs[1] = m.regs[29];
    m.pc = landing as u64;
}

/// Makes code just written to memory visible to instruction fetch: AArch64
/// keeps separate instruction and data caches, which the kernel does not
/// synchronise for a process's own writes.
pub(crate) fn flush_icache(start: *const u8, len: usize) {
    unsafe extern "C" {
        /// libgcc's (and compiler-rt's) cache maintenance for a range.
        fn __clear_cache(start: *mut libc::c_char, end: *mut libc::c_char);
    }
    // SAFETY: cleaning and invalidating the caches for a range of our own
    // mapping has no other effect.
    unsafe { __clear_cache(start as *mut _, start.add(len) as *mut _) };
}

#[cfg(test)]
mod tests {
    use super::super::{zwasm_native_enter, zwasm_trap_landing};
    use super::*;

    /// Runs `code` (AArch64 instruction words) through the entry trampoline
    /// with a VMContext of zeroes (but its trap landing) and a slot frame.
    fn enter(code: &[u32], frame: &mut [u64; 4]) -> (u32, Vec<usize>) {
        let bytes: Vec<u8> = code.iter().flat_map(|w| w.to_le_bytes()).collect();
        let mem = crate::native::CodeMemory::new(&bytes).expect("code memory");
        let mut vm = vec![0usize; vmctx::GLOBALS as usize / 8];
        vm[vmctx::TRAP_LANDING as usize / 8] = zwasm_trap_landing as *const () as usize;
        // SAFETY: the code follows the native calling convention: it returns,
        // or jumps to the trap landing with the VMContext still in x28.
        let r = unsafe { zwasm_native_enter(vm.as_mut_ptr(), frame.as_mut_ptr(), mem.base()) };
        (r, vm)
    }

    #[test]
    fn the_entry_pins_the_frame_and_returns() {
        let mut frame = [0u64; 4];
        // mov x9, #42; str x9, [x26, #8]; ret
        let (r, vm) = enter(&[0xD280_0549, 0xF900_0749, 0xD65F_03C0], &mut frame);
        assert_eq!(r, 0);
        assert_eq!(frame[1], 42);
        assert_eq!(
            vm[vmctx::ENTRY_SP as usize / 8],
            0,
            "the previous entry's stack pointer is back"
        );
    }
}
