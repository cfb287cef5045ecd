//! Running native code: the executable code memory, the VMContext each
//! instance with native code gets, the host entry trampoline that native code
//! traps back to, and the libcalls native code calls into the runtime with.
//!
//! The entry trampoline saves the callee-saved registers and the stack
//! pointer (in the VMContext, keeping the previous one for nested entries),
//! pins the VMContext in `r15`, memory 0's base in `r14` and the slot frame
//! in `rbx`, and calls the function. A trap stub in wasm code (or the signal
//! handler, for a fault) jumps to the trap landing, which restores that stack
//! pointer and returns the trap code from the entry: no Rust frame is ever
//! unwound by a trap.

use crate::error::{FrameInfo, Trap};
use crate::store::Store;
use zwasm_abi::native::{libcall, vmctx, LEAF_SLOTS, NO_TRAP, TRAP_BASE, TRAP_PENDING};
use zwasm_abi::TrapCode;

/// Native code mapped read+execute, never writable and executable at once.
pub(crate) struct CodeMemory {
    ptr: *mut u8,
    len: usize,
}

// SAFETY: the mapping is immutable (read+execute) once built and owned by this value.
unsafe impl Send for CodeMemory {}
// SAFETY: as above; shared readers only execute or read it.
unsafe impl Sync for CodeMemory {}

impl CodeMemory {
    /// Copies `code` into fresh pages and makes them read+execute.
    pub(crate) fn new(code: &[u8]) -> Result<CodeMemory, String> {
        let len = code.len().next_multiple_of(4096).max(4096);
        // SAFETY: an anonymous private mapping has no preconditions; the result is checked.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(format!(
                "cannot map {len} bytes of code memory: {}",
                std::io::Error::last_os_error()
            ));
        }
        let ptr = ptr.cast::<u8>();
        // SAFETY: the mapping is `len >= code.len()` bytes, writable, and fresh.
        unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), ptr, code.len()) };
        // SAFETY: `ptr..ptr+len` is our mapping; from here on it is never writable again.
        if unsafe { libc::mprotect(ptr.cast(), len, libc::PROT_READ | libc::PROT_EXEC) } != 0 {
            let err = std::io::Error::last_os_error();
            // SAFETY: unmapping our own mapping.
            unsafe { libc::munmap(ptr.cast(), len) };
            return Err(format!("cannot make code memory executable: {err}"));
        }
        crate::signals::set_landing(signal_landing());
        crate::signals::register_code(ptr as usize, len);
        Ok(CodeMemory { ptr, len })
    }

    /// Maps `len` bytes of `file` at `offset` (a multiple of the page size)
    /// read+execute, straight from the page cache: nothing is copied, and
    /// processes running the same artifact share the pages.
    pub(crate) fn map_file(
        file: &std::fs::File,
        offset: u64,
        len: usize,
    ) -> Result<CodeMemory, String> {
        use std::os::fd::AsRawFd;
        let offset =
            libc::off_t::try_from(offset).map_err(|_| "code offset too large".to_string())?;
        // SAFETY: a private read+execute mapping of an open file; the result is checked.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_EXEC,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                offset,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(format!(
                "cannot map the code section: {}",
                std::io::Error::last_os_error()
            ));
        }
        let ptr = ptr.cast::<u8>();
        crate::signals::set_landing(signal_landing());
        crate::signals::register_code(ptr as usize, len);
        Ok(CodeMemory { ptr, len })
    }

    pub(crate) fn base(&self) -> usize {
        self.ptr as usize
    }

    pub(crate) fn contains(&self, pc: usize) -> bool {
        (self.base()..self.base() + self.len).contains(&pc)
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        crate::signals::unregister_code(self.ptr as usize);
        // SAFETY: unmapping the mapping this value owns; no code runs from it any more
        // (instances hold the module, and so this value, while they live).
        unsafe { libc::munmap(self.ptr.cast(), self.len) };
    }
}

/// Words of the VMContext before the globals table.
const HEADER_WORDS: usize = vmctx::GLOBALS as usize / 8;

/// A VMContext: the fixed fields of `zwasm_abi::native::vmctx`, then a
/// pointer to each global's value. Kept in a box of words so its address is
/// stable and its size fits the instance.
pub(crate) struct VmCtx {
    words: Box<[usize]>,
    /// The wasm frames of the last trap in native code, walked at the trap
    /// landing while they are still on the stack.
    frames: Vec<FrameInfo>,
}

impl VmCtx {
    /// A VMContext for instance `instance` with `globals` pointing at the
    /// values of its global space.
    /// A VMContext for instance `instance`: `globals` point at the values of
    /// its global space, `sigs` are the store-wide ids of its type indices.
    pub(crate) fn new(instance: u32, globals: &[*mut u64], sigs: &[u32]) -> VmCtx {
        let mut words = vec![0usize; HEADER_WORDS + globals.len() + sigs.len()].into_boxed_slice();
        for (w, s) in words[HEADER_WORDS + globals.len()..].iter_mut().zip(sigs) {
            *w = *s as usize;
        }
        let lib = vmctx::LIBCALLS as usize / 8;
        words[lib + libcall::CALL] = lib_call as *const () as usize;
        words[lib + libcall::CALL_INDIRECT] = lib_call_indirect as *const () as usize;
        words[lib + libcall::EXEC] = lib_exec as *const () as usize;
        words[vmctx::TRAP_LANDING as usize / 8] = zwasm_trap_landing as *const () as usize;
        words[vmctx::INSTANCE as usize / 8] = instance as usize;
        for (w, g) in words[HEADER_WORDS..].iter_mut().zip(globals) {
            *w = *g as usize;
        }
        VmCtx {
            words,
            frames: Vec::new(),
        }
    }

    pub(crate) fn ptr(&mut self) -> *mut usize {
        self.words.as_mut_ptr()
    }

    fn set(&mut self, offset: i32, v: usize) {
        self.words[offset as usize / 8] = v;
    }

    fn get(&self, offset: i32) -> usize {
        self.words[offset as usize / 8]
    }
}

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

unsafe extern "C" {
    /// Calls native function `code` with the VMContext and slot frame pinned;
    /// returns 0, or the trap code a trap landed with.
    fn zwasm_native_enter(vm: *mut usize, frame: *mut u64, code: usize) -> u32;
    /// Where trap stubs jump (`rdi` = pc, `esi` = code, `rdx` = frame pointer).
    fn zwasm_trap_landing();
    /// Where the signal handler resumes a faulting wasm thread (`rdi` = pc,
    /// `rsi` = frame pointer).
    fn zwasm_signal_landing();
}

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

/// The store and instance a libcall was made from.
///
/// # Safety
/// `vm` must be the VMContext of a running instance, whose store pointer was
/// set by `invoke`.
unsafe fn context<'a>(vm: *mut usize) -> (&'a mut Store, u32) {
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

extern "C" fn lib_call(vm: *mut usize, frame: *mut u64, func: u32) -> u32 {
    // SAFETY: called by native code with its own VMContext.
    let (store, instance) = unsafe { context(vm) };
    let fid = store.instances[instance as usize].funcs[func as usize];
    let r = crate::interp::call_at(store, instance, fid, frame, slots_end(vm));
    finish(store, instance, r)
}

extern "C" fn lib_call_indirect(vm: *mut usize, frame: *mut u64, ir_index: u32) -> u32 {
    // SAFETY: called by native code with its own VMContext.
    let (store, instance) = unsafe { context(vm) };
    let r = crate::interp::call_indirect_at(store, instance, ir_index, frame, slots_end(vm));
    finish(store, instance, r)
}

extern "C" fn lib_exec(vm: *mut usize, frame: *mut u64, ir_index: u32) -> u32 {
    // SAFETY: called by native code with its own VMContext.
    let (store, instance) = unsafe { context(vm) };
    let r = crate::interp::exec_one(store, instance, ir_index, frame);
    finish(store, instance, r)
}

/// The address the signal handler resumes a faulting wasm thread at.
fn signal_landing() -> usize {
    zwasm_signal_landing as *const () as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vmctx_layout_matches_the_abi() {
        assert_eq!(HEADER_WORDS * 8, vmctx::GLOBALS as usize);
        assert_eq!(
            vmctx::LIBCALLS as usize + 8 * libcall::COUNT,
            vmctx::GLOBALS as usize
        );
    }
}
