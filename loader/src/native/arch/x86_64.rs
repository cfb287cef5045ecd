//! x86_64: the entry trampoline, the trap landing and the signal landing.

use super::super::record_trap;
use zwasm_abi::native::{vmctx, TRAP_BASE};
use zwasm_abi::TrapCode;

#[cfg(all(target_arch = "x86_64", unix))]
std::arch::global_asm!(
    ".text",
    ".p2align 4",
    ".globl zwasm_native_enter",
    "zwasm_native_enter:",
    "push rbp",
    "mov rbp, rsp",
    "push rbx",
    "push r12",
    "push r13",
    "push r14",
    "push r15",
    "push qword ptr [rdi + {entry_sp}]",
    "mov [rdi + {entry_sp}], rsp",
    "mov r15, rdi",
    "mov rbx, rsi",
    "mov r14, [rdi + {mem0_base}]",
    "call rdx",
    "xor eax, eax",
    "zwasm_native_exit:",
    "pop qword ptr [r15 + {entry_sp}]",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbx",
    "pop rbp",
    "ret",
    ".p2align 4",
    ".globl zwasm_trap_landing",
    "zwasm_trap_landing:",
    "mov [r15 + {trap_pc}], rdi",
    "mov [r15 + {trap_code}], rsi",
    "mov [r15 + {trap_fp}], rdx",
    // The wasm frames above are still intact: walk them now, on the stack
    // below them. Once the stack is reset, the host's frames overwrite them.
    "mov rdi, r15",
    "and rsp, -16",
    "call {record_trap}",
    "mov rsp, [r15 + {entry_sp}]",
    "mov eax, [r15 + {trap_code}]",
    "jmp zwasm_native_exit",
    ".p2align 4",
    ".globl zwasm_signal_landing",
    "zwasm_signal_landing:",
    "mov rdx, rsi",
    "mov esi, {oob}",
    "jmp zwasm_trap_landing",
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
    unsafe { (*uc).uc_mcontext.gregs[libc::REG_RIP as usize] as usize }
}

/// Makes the interrupted thread resume at `landing` with `rdi` = the faulting
/// `pc` and `rsi` = its frame pointer (`rbp`); every other register is left
/// as it was (`r15` holds the VMContext).
///
/// # Safety
/// As for [`fault_pc`].
#[cfg(target_os = "linux")]
pub(crate) unsafe fn resume_at_landing(uc: *mut libc::ucontext_t, landing: usize, pc: usize) {
    // SAFETY: per the contract.
    let gregs = unsafe { &mut (*uc).uc_mcontext.gregs };
    gregs[libc::REG_RDI as usize] = pc as i64;
    gregs[libc::REG_RSI as usize] = gregs[libc::REG_RBP as usize];
    gregs[libc::REG_RIP as usize] = landing as i64;
}
