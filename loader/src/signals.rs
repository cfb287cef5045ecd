//! Out-of-bounds traps from hardware faults. Native wasm code loads and stores
//! into guarded memories without checks; an access past the end faults, and
//! the process-wide SIGSEGV/SIGBUS handler here sends execution to the trap
//! landing stub when the faulting PC lies in registered wasm code. Every other
//! fault belongs to the host and goes to the handler that was there before.
//!
//! The code registry is read by the handler, which may interrupt any thread at
//! any point, so it takes no lock and allocates nothing: the ranges are an
//! immutable sorted list behind an atomic pointer. Writers (serialised by a
//! mutex) publish a new list and free the old one only once no handler is
//! reading; a handler counts itself in `READERS` before it loads the pointer.

use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Registered native code ranges, `(start, end)`, sorted and disjoint.
struct Ranges(Vec<(usize, usize)>);

/// The current list; null when empty. Replaced whole, never mutated in place.
static CODE: AtomicPtr<Ranges> = AtomicPtr::new(std::ptr::null_mut());
/// Handlers that may be reading a list at this moment.
static READERS: AtomicUsize = AtomicUsize::new(0);
/// Serialises writers.
static WRITER: Mutex<()> = Mutex::new(());
/// The trap landing stub's address; 0 until set.
static LANDING: AtomicUsize = AtomicUsize::new(0);

/// Registers `[start, start + len)` as native wasm code: a fault there is a
/// trap. Ranges must not overlap.
pub(crate) fn register_code(start: usize, len: usize) {
    update(|list| {
        let at = list.partition_point(|&(s, _)| s < start);
        debug_assert!(
            at == 0 || list[at - 1].1 <= start,
            "overlapping code ranges"
        );
        debug_assert!(
            at == list.len() || start + len <= list[at].0,
            "overlapping code ranges"
        );
        list.insert(at, (start, start + len));
    });
}

/// Forgets the range registered at `start`. Call it before the code is unmapped.
pub(crate) fn unregister_code(start: usize) {
    update(|list| list.retain(|&(s, _)| s != start));
}

/// Sets the address execution resumes at after a fault in wasm code. The
/// stub is entered with the thread's registers as at the fault except
/// `rdi` = the faulting PC and `rsi` = the faulting frame pointer (`rbp`);
/// it unwinds the wasm frames itself.
pub(crate) fn set_landing(addr: usize) {
    LANDING.store(addr, Ordering::Release);
}

/// Copies the list, edits the copy, publishes it, waits until no handler can
/// still be reading the old one, and frees it.
fn update(edit: impl FnOnce(&mut Vec<(usize, usize)>)) {
    let _writer = WRITER.lock().unwrap_or_else(|e| e.into_inner());
    let old = CODE.load(Ordering::Relaxed);
    // SAFETY: only writers replace `CODE`, and we hold the writer lock, so `old`
    // is the live list (or null) and is not freed while we read it.
    let mut list = unsafe { old.as_ref() }.map_or_else(Vec::new, |r| r.0.clone());
    edit(&mut list);
    let new = if list.is_empty() {
        std::ptr::null_mut()
    } else {
        Box::into_raw(Box::new(Ranges(list)))
    };
    CODE.store(new, Ordering::SeqCst);
    // A handler increments READERS before it loads CODE (both SeqCst). If it
    // loaded `old`, its increment precedes our store and so this load of
    // READERS, which then sees it until the handler is done.
    // A reader holds it for a few loads; if it was preempted, let it run.
    while READERS.load(Ordering::SeqCst) != 0 {
        std::thread::yield_now();
    }
    if !old.is_null() {
        // SAFETY: `old` came from `Box::into_raw` above (an earlier update), is
        // no longer published, and no handler still reads it.
        drop(unsafe { Box::from_raw(old) });
    }
}

/// Whether `pc` lies in registered wasm code. Async-signal-safe: atomics and
/// reads of an immutable list only.
fn is_wasm_code(pc: usize) -> bool {
    READERS.fetch_add(1, Ordering::SeqCst);
    let list = CODE.load(Ordering::SeqCst);
    // SAFETY: a list published in `CODE` is freed only after `READERS` drops to
    // zero, and we are counted in it until after this read.
    let hit = unsafe { list.as_ref() }.is_some_and(|r| {
        let at = r.0.partition_point(|&(s, _)| s <= pc);
        at > 0 && pc < r.0[at - 1].1
    });
    READERS.fetch_sub(1, Ordering::Release);
    hit
}

/// Installs the fault handler (once per process) and gives the calling
/// thread an alternate signal stack large enough for it. Call it on every
/// thread before it enters native wasm code.
pub(crate) fn ensure_thread_ready() -> Result<(), String> {
    sys::ensure_thread_ready()
}

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod sys {
    use super::{is_wasm_code, LANDING};
    use libc::{c_int, c_void, siginfo_t};
    use std::cell::RefCell;
    use std::ptr;
    use std::sync::atomic::Ordering;
    use std::sync::OnceLock;

    /// Alternate signal stack size: the handler plus whatever handler it
    /// passes a fault on to, with room for the kernel's signal frame.
    const ALT_STACK_SIZE: usize = 64 * 1024;

    /// The actions for SIGSEGV and SIGBUS found at installation.
    static PREVIOUS: OnceLock<[libc::sigaction; 2]> = OnceLock::new();
    /// Whether the handler is installed; set once.
    static INSTALLED: OnceLock<bool> = OnceLock::new();

    pub(super) fn ensure_thread_ready() -> Result<(), String> {
        if !*INSTALLED.get_or_init(install) {
            return Err("cannot install the SIGSEGV/SIGBUS handler".into());
        }
        ALT_STACK
            .try_with(|alt| {
                let mut alt = alt.borrow_mut();
                if alt.is_none() {
                    *alt = Some(AltStack::new()?);
                }
                Ok(())
            })
            .map_err(|_| "the thread is exiting".to_string())?
    }

    /// Installs the handler; false if the system refused (then native code
    /// must not run: its traps would kill the process).
    fn install() -> bool {
        let mut previous = [empty_action(), empty_action()];
        for (sig, prev) in [libc::SIGSEGV, libc::SIGBUS].into_iter().zip(&mut previous) {
            // SAFETY: querying only; `prev` is a valid out-pointer.
            if unsafe { libc::sigaction(sig, ptr::null(), prev) } != 0 {
                return false;
            }
        }
        // Saved before ours goes in, so the handler always finds them.
        PREVIOUS.get_or_init(|| previous);
        let mut action = empty_action();
        let handler: unsafe extern "C" fn(c_int, *mut siginfo_t, *mut c_void) = on_fault;
        action.sa_sigaction = handler as usize;
        action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
        [libc::SIGSEGV, libc::SIGBUS].into_iter().all(|sig| {
            // SAFETY: `on_fault` has the SA_SIGINFO signature and is
            // async-signal-safe; the previous actions are saved.
            unsafe { libc::sigaction(sig, &action, ptr::null_mut()) == 0 }
        })
    }

    fn empty_action() -> libc::sigaction {
        // SAFETY: `sigaction` is plain data; all zeroes is SIG_DFL, no flags,
        // an empty mask.
        unsafe { std::mem::zeroed() }
    }

    /// The handler. A fault at a PC in wasm code resumes at the landing stub
    /// with the PC and the frame pointer (the ISA's registers for them:
    /// `crate::native::resume_at_landing`). Anything else is passed on.
    unsafe extern "C" fn on_fault(sig: c_int, info: *mut siginfo_t, ctx: *mut c_void) {
        let uc = ctx.cast::<libc::ucontext_t>();
        // SAFETY: with SA_SIGINFO the kernel passes the interrupted context,
        // which we own until we return.
        let pc = unsafe { crate::native::fault_pc(uc) };
        let landing = LANDING.load(Ordering::Acquire);
        if landing != 0 && is_wasm_code(pc) {
            // SAFETY: as above.
            unsafe { crate::native::resume_at_landing(uc, landing, pc) };
            return;
        }
        // SAFETY: our own arguments, as the kernel gave them.
        unsafe { pass_on(sig, info, ctx) }
    }

    /// Gives a host fault to the previous handler. A default (or ignored)
    /// action is restored and we return: the instruction faults again and the
    /// process dies of the signal as it would have without us. A real handler
    /// is called in place and ours stays installed, so a handler that
    /// recovers (a GC barrier, another runtime's guard pages) keeps working.
    unsafe fn pass_on(sig: c_int, info: *mut siginfo_t, ctx: *mut c_void) {
        let index = usize::from(sig != libc::SIGSEGV);
        let prev = PREVIOUS.get().map(|p| p[index]);
        match prev {
            Some(p) if p.sa_sigaction != libc::SIG_DFL && p.sa_sigaction != libc::SIG_IGN => {
                if p.sa_flags & libc::SA_SIGINFO != 0 {
                    // SAFETY: with SA_SIGINFO, `sa_sigaction` is a three-argument handler.
                    let f: extern "C" fn(c_int, *mut siginfo_t, *mut c_void) =
                        unsafe { std::mem::transmute(p.sa_sigaction) };
                    f(sig, info, ctx);
                } else {
                    // SAFETY: without SA_SIGINFO, `sa_sigaction` is a one-argument handler.
                    let f: extern "C" fn(c_int) = unsafe { std::mem::transmute(p.sa_sigaction) };
                    f(sig);
                }
            }
            _ => {
                let dfl = empty_action();
                // SAFETY: sigaction is async-signal-safe; SIG_DFL for a fault
                // signal terminates the process when the fault recurs.
                unsafe { libc::sigaction(sig, &dfl, ptr::null_mut()) };
            }
        }
    }

    thread_local! {
        static ALT_STACK: RefCell<Option<AltStack>> = const { RefCell::new(None) };
    }

    /// This thread's alternate signal stack. `mapping` is null when the thread
    /// already had one large enough (Rust's runtime installs a small one).
    struct AltStack {
        mapping: *mut c_void,
        mapped: usize,
    }

    impl AltStack {
        fn new() -> Result<AltStack, String> {
            // SAFETY: a zeroed `stack_t` is valid plain data, filled by the query.
            let mut old: libc::stack_t = unsafe { std::mem::zeroed() };
            // SAFETY: querying only.
            unsafe { libc::sigaltstack(ptr::null(), &mut old) };
            if old.ss_flags & libc::SS_DISABLE == 0 && old.ss_size >= ALT_STACK_SIZE {
                return Ok(AltStack {
                    mapping: ptr::null_mut(),
                    mapped: 0,
                });
            }
            let page = page_size();
            let mapped = ALT_STACK_SIZE + page;
            // SAFETY: a fresh anonymous mapping.
            let mapping = unsafe {
                libc::mmap(
                    ptr::null_mut(),
                    mapped,
                    libc::PROT_NONE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                )
            };
            if mapping == libc::MAP_FAILED {
                return Err("cannot map an alternate signal stack".into());
            }
            let stack = AltStack { mapping, mapped };
            // The lowest page stays PROT_NONE: a handler overflowing its stack
            // faults instead of writing below it.
            // SAFETY: inside the mapping just made.
            let sp = unsafe { mapping.cast::<u8>().add(page) }.cast::<c_void>();
            // SAFETY: as above.
            if unsafe { libc::mprotect(sp, ALT_STACK_SIZE, libc::PROT_READ | libc::PROT_WRITE) }
                != 0
            {
                return Err("cannot map an alternate signal stack".into());
            }
            let new = libc::stack_t {
                ss_sp: sp,
                ss_flags: 0,
                ss_size: ALT_STACK_SIZE,
            };
            // SAFETY: `new` describes read-write memory that lives until this
            // thread's `AltStack` is dropped, which disables it first.
            if unsafe { libc::sigaltstack(&new, ptr::null_mut()) } != 0 {
                return Err("cannot install an alternate signal stack".into());
            }
            Ok(stack)
        }
    }

    impl Drop for AltStack {
        fn drop(&mut self) {
            if self.mapping.is_null() {
                return;
            }
            // SAFETY: zeroed `stack_t` is valid plain data, filled by the query.
            let mut current: libc::stack_t = unsafe { std::mem::zeroed() };
            // SAFETY: querying only.
            unsafe { libc::sigaltstack(ptr::null(), &mut current) };
            let ours = current.ss_flags & libc::SS_DISABLE == 0
                && current.ss_sp.cast::<u8>() as usize
                    == self.mapping as usize + (self.mapped - ALT_STACK_SIZE);
            if ours {
                let off = libc::stack_t {
                    ss_sp: ptr::null_mut(),
                    ss_flags: libc::SS_DISABLE,
                    ss_size: 0,
                };
                // SAFETY: disabling the alternate stack is always allowed
                // outside a handler, and destructors do not run in one.
                unsafe { libc::sigaltstack(&off, ptr::null_mut()) };
            }
            // SAFETY: our mapping, no longer the thread's signal stack.
            unsafe { libc::munmap(self.mapping, self.mapped) };
        }
    }

    fn page_size() -> usize {
        // SAFETY: sysconf has no preconditions.
        let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        usize::try_from(n).unwrap_or(4096)
    }
}

#[cfg(not(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
mod sys {
    /// No handler on this platform yet: native code does not run here.
    pub(super) fn ensure_thread_ready() -> Result<(), String> {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
