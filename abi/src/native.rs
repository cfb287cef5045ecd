//! What native code and the loader agree on: the VMContext layout, the pinned
//! registers, the libcall table and the trap protocol.
//!
//! Native wasm functions use zwasm's slot convention: a function's frame is the
//! same array of 64-bit slots the interpreter uses (parameters, locals,
//! temporaries), held in a pinned register; a call's arguments sit in the
//! caller's slots where the callee's frame begins and results come back there.
//! So native and interpreted functions call each other with no conversion.
//!
//! x86_64 registers: `r15` holds the VMContext, `r14` memory 0's base, `rbx`
//! the slot frame and `rbp` the frame-pointer chain. Every other general
//! register and every xmm register is free for the function and clobbered by a
//! call.

/// Field offsets in the VMContext (`loader::native::VmCtx`), in bytes.
pub mod vmctx {
    /// `*mut u8`: memory 0's base (null without a memory).
    pub const MEM0_BASE: i32 = 0;
    /// `u64`: memory 0's accessible length in bytes.
    pub const MEM0_LEN: i32 = 8;
    /// `usize`: the lowest stack pointer wasm code may use before trapping.
    pub const STACK_LIMIT: i32 = 16;
    /// `*mut u64`: one past the last slot a function's frame may use, which
    /// is [`super::LEAF_SLOTS`] slots before the value stack's real end.
    pub const SLOTS_END: i32 = 24;
    /// `usize`: the stack pointer the host entry saved; a trap returns to it.
    pub const ENTRY_SP: i32 = 32;
    /// `u64`: the trap code of the last trap.
    pub const TRAP_CODE: i32 = 40;
    /// `usize`: an address inside the function that trapped.
    pub const TRAP_PC: i32 = 48;
    /// `usize`: the trapping function's frame pointer.
    pub const TRAP_FP: i32 = 56;
    /// `usize`: the trap landing: jumped to with `rdi` = a PC in the trapping
    /// function, `esi` = trap code, `rdx` = its frame pointer.
    pub const TRAP_LANDING: i32 = 64;
    /// `*mut Store`: the store the instance lives in (for libcalls).
    pub const STORE: i32 = 72;
    /// `u64`: the instance's index in its store (for libcalls).
    pub const INSTANCE: i32 = 80;
    /// `*mut i64`: the store's fuel; code compiled with fuel takes one unit at
    /// each function entry and loop iteration and traps when it goes negative.
    pub const FUEL: i32 = 88;
    /// `*const u32`: the store's interrupt flag; code compiled to be
    /// interruptible traps at a function entry or loop iteration when it is set.
    pub const INTERRUPT: i32 = 96;
    /// `*const u64`: table 0's elements (function index + 1, 0 for null).
    pub const TABLE0_BASE: i32 = 104;
    /// `u64`: table 0's length.
    pub const TABLE0_LEN: i32 = 112;
    /// `*const FuncRef`: the store's functions, by store index
    /// (see [`super::funcref`]).
    pub const FUNC_REFS: i32 = 120;
    /// `[usize; libcall::COUNT]`: the libcalls, C ABI.
    pub const LIBCALLS: i32 = 128;
    /// `[*mut u64; globals]`: where each global of the instance's global
    /// space keeps its value, after the libcall table. A value is 16 bytes,
    /// low half first: a scalar is the 8 bytes at the pointer (the next 8
    /// are 0), a v128 all 16. The store-wide
    /// signature id of each type index follows, one `u64` each.
    pub const GLOBALS: i32 = LIBCALLS + 8 * super::libcall::COUNT as i32;
}

/// A store function as native code sees it: 32 bytes at `FUNC_REFS + 32 *
/// store index`.
pub mod funcref {
    /// `u64`: the store-wide signature id.
    pub const SIG: i32 = 0;
    /// `usize`: the native entry, 0 when the function is not native code.
    pub const CODE: i32 = 8;
    /// `usize`: the VMContext of its instance (0 for a host function).
    pub const VMCTX: i32 = 16;
    /// Size of an entry.
    pub const SIZE: i32 = 32;
}

/// Libcalls: runtime functions native code calls through the VMContext. Each
/// takes the VMContext first and returns 0, or [`TRAP_PENDING`] when it failed
/// (the trap is kept by the runtime).
pub mod libcall {
    /// `call(vmctx, frame: *mut u64, func: u32) -> u32`: calls function
    /// `func` of the instance's function space (an import, or a function with
    /// no native code) with its frame at `frame`.
    pub const CALL: usize = 0;
    /// `call_indirect(vmctx, frame, ir_index: u32) -> u32`: the
    /// `call_indirect` at IR instruction `ir_index` (absolute in the module),
    /// with its callee frame at `frame`.
    pub const CALL_INDIRECT: usize = 1;
    /// `exec(vmctx, frame, ir_index: u32) -> u32`: runs one IR instruction of
    /// the module (bulk memory, tables, GC, conversions) on the frame.
    pub const EXEC: usize = 2;
    /// `memmove(dst, src, len) -> dst`, the C library's: `memory.copy`
    /// within memory 0 once native code has checked the bounds.
    pub const MEMMOVE: usize = 3;
    /// `memset(dst, byte: i32, len) -> dst`, the C library's:
    /// `memory.fill` of memory 0 once native code has checked the bounds.
    pub const MEMSET: usize = 4;
    /// Number of libcalls.
    pub const COUNT: usize = 5;
}

/// What a libcall or the host entry returns when the trap is a runtime error
/// kept aside (a host function's error, `proc_exit`, a trap inside the
/// interpreter) rather than one of the [`crate::TrapCode`]s.
pub const TRAP_PENDING: u32 = 0xffff;

/// The code native code and the host entry return when no trap happened.
pub const NO_TRAP: u32 = 0;

/// The host entry's trap codes are `TrapCode as u32 + TRAP_BASE`, so that 0
/// means success.
pub const TRAP_BASE: u32 = 1;

/// CPU features native code may use, as recorded in the artifact header.
pub mod cpu {
    /// `popcnt`.
    pub const POPCNT: u64 = 1 << 0;
    /// `lzcnt`.
    pub const LZCNT: u64 = 1 << 1;
    /// `tzcnt` (BMI1).
    pub const BMI1: u64 = 1 << 2;
    /// `roundss`/`roundsd` (SSE4.1).
    pub const SSE41: u64 = 1 << 3;
    /// The VEX encodings (three-operand forms) of the 128-bit vector
    /// instructions, with the OS saving the vector state (AVX).
    pub const AVX: u64 = 1 << 4;
    /// AVX2.
    pub const AVX2: u64 = 1 << 5;
    /// What every x86_64 CPU zwasm supports has: the target of artifacts
    /// compiled for any machine (`zwasm compile --cpu baseline`).
    pub const BASELINE: u64 = SSE41;
    /// The features this machine's CPU has, read once per process.
    pub fn host() -> u64 {
        use std::sync::atomic::{AtomicU64, Ordering};
        // Every feature set has bits clear that no CPU can set: `u64::MAX`
        // means not read yet.
        static HOST: AtomicU64 = AtomicU64::new(u64::MAX);
        let f = HOST.load(Ordering::Relaxed);
        if f != u64::MAX {
            return f;
        }
        let f = detect();
        HOST.store(f, Ordering::Relaxed);
        f
    }

    /// The `cpuid` words the features come from: leaf 1 `ecx`, leaf 7 `ebx`,
    /// leaf 0x8000_0001 `ecx`; `os_avx`: whether the OS saves the vector
    /// registers' upper halves (without it, AVX instructions fault).
    #[cfg(target_arch = "x86_64")]
    fn from_leaves(l1_ecx: u32, l7_ebx: u32, e1_ecx: u32, os_avx: bool) -> u64 {
        let bit = |reg: u32, n: u32| reg >> n & 1 == 1;
        let avx = os_avx && bit(l1_ecx, 28);
        [
            (POPCNT, bit(l1_ecx, 23)),
            (SSE41, bit(l1_ecx, 19)),
            (BMI1, bit(l7_ebx, 3)),
            (LZCNT, bit(e1_ecx, 5)),
            (AVX, avx),
            (AVX2, avx && bit(l7_ebx, 5)),
        ]
        .into_iter()
        .filter(|&(_, yes)| yes)
        .fold(0, |f, (feature, _)| f | feature)
    }

    /// Reads the leaves glibc's dynamic loader read at start-up and keeps
    /// (`<sys/platform/x86.h>`, glibc 2.33), when the C library has them,
    /// and `cpuid` itself otherwise: in a virtual machine every `cpuid`
    /// traps to the hypervisor, about 8 µs each here, and reading three
    /// leaves again cost a hello-world's start-up 2% of its time. The
    /// function is looked up at run time, so that zwasm still links against
    /// older C libraries.
    #[cfg(target_arch = "x86_64")]
    fn detect() -> u64 {
        /// glibc's `struct cpuid_feature`: the `cpuid` words of a leaf, then
        /// which of its features are usable.
        #[repr(C)]
        struct CpuidFeature {
            cpuid: [u32; 4],
            active: [u32; 4],
        }
        type GetLeaf = unsafe extern "C" fn(index: u32) -> *const CpuidFeature;
        unsafe extern "C" {
            fn dlsym(
                handle: *mut core::ffi::c_void,
                symbol: *const core::ffi::c_char,
            ) -> *mut core::ffi::c_void;
        }
        // SAFETY: a null handle is `RTLD_DEFAULT` (every loaded object); the
        // name is a NUL-terminated literal.
        let found = unsafe {
            dlsym(
                core::ptr::null_mut(),
                c"__x86_get_cpuid_feature_leaf".as_ptr(),
            )
        };
        if found.is_null() {
            return detect_with_cpuid();
        }
        // SAFETY: glibc's function of this name has this signature.
        let get: GetLeaf =
            unsafe { core::mem::transmute::<*mut core::ffi::c_void, GetLeaf>(found) };
        // glibc's leaf indices (COMMON_CPUID_INDEX_*) and the word order of
        // `struct cpuid_array` (eax, ebx, ecx, edx).
        const LEAF_1: u32 = 0;
        const LEAF_7: u32 = 1;
        const LEAF_8000_0001: u32 = 2;
        const EBX: usize = 1;
        const ECX: usize = 2;
        let word = |index: u32, reg: usize| {
            // SAFETY: glibc returns a pointer to its static table (or to a
            // zeroed entry for an index it does not know), valid for the
            // whole process; the table is written once, before `main`.
            unsafe { (*get(index)).cpuid[reg] }
        };
        // glibc marks AVX usable only when the OS saves the vector state.
        // SAFETY: as for `word`.
        let os_avx = unsafe { (*get(LEAF_1)).active[ECX] } >> 28 & 1 == 1;
        from_leaves(
            word(LEAF_1, ECX),
            word(LEAF_7, EBX),
            word(LEAF_8000_0001, ECX),
            os_avx,
        )
    }

    /// Whether the OS saves the SSE and AVX state (`xgetbv`, when `cpuid`
    /// leaf 1 `ecx` reports OSXSAVE).
    #[cfg(target_arch = "x86_64")]
    fn os_saves_avx(l1_ecx: u32) -> bool {
        if l1_ecx >> 27 & 1 == 0 {
            return false;
        }
        let (lo, _hi): (u32, u32);
        // SAFETY: `xgetbv` with ecx = 0 is available when OSXSAVE is set
        // (checked above); it reads XCR0 and has no side effects.
        unsafe {
            core::arch::asm!("xgetbv", in("ecx") 0, out("eax") lo, out("edx") _hi, options(nomem, nostack));
        }
        lo & 0b110 == 0b110
    }

    /// Reads the features with `cpuid` itself, four leaves.
    #[cfg(target_arch = "x86_64")]
    fn detect_with_cpuid() -> u64 {
        use core::arch::x86_64::{__cpuid, __cpuid_count};
        // `cpuid` exists on every x86_64 CPU, as do leaves 1 and 0x8000_0001
        // (which reports long mode); leaf 7 only on CPUs that report it in
        // leaf 0.
        #[allow(unused_unsafe)]
        // SAFETY: `cpuid` is available on every x86_64 CPU and has no side effects.
        unsafe {
            let max = __cpuid(0).eax;
            let l7_ebx = if max >= 7 { __cpuid_count(7, 0).ebx } else { 0 };
            let l1_ecx = __cpuid(1).ecx;
            from_leaves(
                l1_ecx,
                l7_ebx,
                __cpuid(0x8000_0001).ecx,
                os_saves_avx(l1_ecx),
            )
        }
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn detect() -> u64 {
        0
    }

    #[cfg(all(test, target_arch = "x86_64"))]
    #[test]
    fn host_features_agree_with_std() {
        use std::arch::is_x86_feature_detected as has;
        let expected = [
            (POPCNT, has!("popcnt")),
            (LZCNT, has!("lzcnt")),
            (BMI1, has!("bmi1")),
            (SSE41, has!("sse4.1")),
            (AVX, has!("avx")),
            (AVX2, has!("avx2")),
        ]
        .into_iter()
        .filter(|&(_, yes)| yes)
        .fold(0, |f, (bit, _)| f | bit);
        assert_eq!(host(), expected);
        // The C library's copy of the leaves and `cpuid` itself agree.
        assert_eq!(detect_with_cpuid(), expected);
    }

    /// Every feature with its name.
    pub const NAMES: &[(u64, &str)] = &[
        (POPCNT, "popcnt"),
        (LZCNT, "lzcnt"),
        (BMI1, "bmi1"),
        (SSE41, "sse4.1"),
        (AVX, "avx"),
        (AVX2, "avx2"),
    ];
}

/// Code-changing configuration recorded in the artifact header's `flags`.
pub mod flags {
    /// Loads and stores on a 32-bit memory 0 carry no bounds check: the code
    /// needs memory 0 to sit in a [`super::GUARDED_RESERVATION`], where any
    /// out-of-bounds access faults.
    pub const GUARD_PAGES: u64 = 1 << 0;
    /// Function entries and loop iterations consume fuel.
    pub const FUEL: u64 = 1 << 1;
    /// Function entries and loop iterations check the interrupt flag.
    pub const INTERRUPT: u64 = 1 << 2;
    /// Functions with native code keep, as IR, only the instructions their
    /// code hands to libcalls by index (not a body to run): the module runs
    /// only with its native code.
    pub const PARTIAL_IR: u64 = 1 << 3;
    /// Every flag this release knows.
    pub const ALL: u64 = GUARD_PAGES | FUEL | INTERRUPT | PARTIAL_IR;
}

/// Address space reserved for a 32-bit memory with guard pages: 4 GiB of
/// addressable memory and 4 GiB + 64 KiB of guard, so that a 32-bit index
/// plus a 32-bit offset plus an access of up to 16 bytes stays inside it.
pub const GUARDED_RESERVATION: u64 = (4 << 30) + (4 << 30) + 65536;

/// A fingerprint of everything native code and the runtime agree on here
/// and in the IR: the VMContext layout, the libcalls, the trap protocol, the
/// flags, the CPU feature bits and the op table. The artifact header records
/// it, and the loader refuses code built against another layout (an older
/// build of the same version, say) instead of running it.
pub const ABI_FINGERPRINT: u64 = {
    let words: [u64; 26] = [
        vmctx::MEM0_BASE as u64,
        vmctx::MEM0_LEN as u64,
        vmctx::STACK_LIMIT as u64,
        vmctx::SLOTS_END as u64,
        vmctx::ENTRY_SP as u64,
        vmctx::TRAP_CODE as u64,
        vmctx::TRAP_PC as u64,
        vmctx::TRAP_FP as u64,
        vmctx::TRAP_LANDING as u64,
        vmctx::STORE as u64,
        vmctx::INSTANCE as u64,
        vmctx::FUEL as u64,
        vmctx::INTERRUPT as u64,
        vmctx::TABLE0_BASE as u64,
        vmctx::TABLE0_LEN as u64,
        vmctx::FUNC_REFS as u64,
        vmctx::LIBCALLS as u64,
        vmctx::GLOBALS as u64,
        funcref::SIG as u64 | (funcref::CODE as u64) << 8,
        funcref::VMCTX as u64 | (funcref::SIZE as u64) << 8,
        0,
        (libcall::CALL
            | libcall::CALL_INDIRECT << 8
            | libcall::EXEC << 16
            | libcall::MEMMOVE << 24
            | libcall::MEMSET << 32
            | libcall::COUNT << 40) as u64,
        TRAP_PENDING as u64 | (NO_TRAP as u64) << 32,
        TRAP_BASE as u64 | GUARDED_RESERVATION << 8 | (LEAF_SLOTS as u64) << 48,
        flags::ALL,
        cpu::POPCNT | cpu::LZCNT | cpu::BMI1 | cpu::SSE41 | cpu::AVX | cpu::AVX2,
    ];
    // FNV-1a over the words, then over every op name in opcode order.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < words.len() {
        let mut b = 0;
        while b < 8 {
            h = (h ^ ((words[i] >> (8 * b)) & 0xff)).wrapping_mul(0x100_0000_01b3);
            b += 1;
        }
        i += 1;
    }
    let names = crate::ir::Op::NAMES;
    let mut n = 0;
    while n < names.len() {
        let bytes = names[n].as_bytes();
        let mut k = 0;
        while k < bytes.len() {
            h = (h ^ bytes[k] as u64).wrapping_mul(0x100_0000_01b3);
            k += 1;
        }
        h = (h ^ 0xff).wrapping_mul(0x100_0000_01b3);
        n += 1;
    }
    h
};

/// Slots kept free past `vmctx::SLOTS_END` at the end of the value stack. A
/// leaf function (one that calls no wasm function directly) with a frame of
/// at most this many slots checks neither the value stack nor the machine
/// stack on entry: its caller's checks cover it, since it cannot go deeper.
pub const LEAF_SLOTS: u32 = 4096;
