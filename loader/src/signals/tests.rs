use super::*;

#[test]
fn registry_finds_exactly_the_registered_ranges() {
    // Fake addresses in the first pages, where no code can be mapped.
    register_code(0x3000, 0x100);
    register_code(0x1000, 0x10);
    register_code(0x2000, 0x800);
    for (pc, hit) in [
        (0x0fff, false),
        (0x1000, true),
        (0x100f, true),
        (0x1010, false),
        (0x2000, true),
        (0x27ff, true),
        (0x2800, false),
        (0x30ff, true),
        (0x3100, false),
    ] {
        assert_eq!(is_wasm_code(pc), hit, "{pc:#x}");
    }
    unregister_code(0x2000);
    assert!(!is_wasm_code(0x2000));
    assert!(is_wasm_code(0x1000) && is_wasm_code(0x3000));
    unregister_code(0x1000);
    unregister_code(0x3000);
    assert!(!is_wasm_code(0x1000) && !is_wasm_code(0x3000));
}

#[test]
fn readers_never_see_a_torn_or_freed_list() {
    use std::sync::atomic::{AtomicBool, AtomicU64};
    use std::sync::Arc;
    register_code(0x8000, 0x100);
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let reader = {
        let (stop, reads) = (stop.clone(), reads.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                assert!(is_wasm_code(0x8010));
                assert!(!is_wasm_code(0x8100));
                reads.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    // Keep replacing the list until the reader has raced with it for a while.
    let mut updates = 0;
    while updates < 2000 || reads.load(Ordering::Relaxed) < 20_000 {
        let start = 0x9000 + (updates % 7) * 0x100;
        register_code(start, 0x80);
        assert!(is_wasm_code(start + 0x7f) && !is_wasm_code(start + 0x80));
        unregister_code(start);
        updates += 1;
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    unregister_code(0x8000);
}

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
mod x86_64 {
    use super::super::*;
    use crate::memory::{LinearMemory, GUARDED_RESERVATION, PAGE_SIZE};
    use crate::testutil::{child_role, run_child};
    use std::os::unix::process::ExitStatusExt;
    use std::sync::atomic::AtomicU64;

    /// Executable copy of `bytes`, unmapped on drop.
    struct Blob {
        ptr: *mut u8,
        len: usize,
    }

    impl Blob {
        fn new(bytes: &[u8]) -> Blob {
            let len = 4096;
            assert!(bytes.len() <= len);
            // SAFETY: a fresh anonymous mapping.
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
            assert_ne!(ptr, libc::MAP_FAILED);
            let ptr = ptr.cast::<u8>();
            // SAFETY: `ptr` is `len >= bytes.len()` writable bytes, ours alone.
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr, bytes.len()) };
            // SAFETY: our mapping; from here on it is only executed.
            let rc = unsafe { libc::mprotect(ptr.cast(), len, libc::PROT_READ | libc::PROT_EXEC) };
            assert_eq!(rc, 0);
            Blob { ptr, len }
        }
        fn addr(&self) -> usize {
            self.ptr as usize
        }
    }

    impl Drop for Blob {
        fn drop(&mut self) {
            // SAFETY: our mapping, no longer executed.
            unsafe { libc::munmap(self.ptr.cast(), self.len) };
        }
    }

    const MARK_RBP: u64 = 0x1122_3344_5566_7788;
    const MARK_R15: u64 = 0x0bad_c0de_0bad_c0de;
    /// Offset of the load in `faulting_load`.
    const LOAD_AT: usize = 0x17;

    /// `extern "sysv64" fn(*const u8) -> Pair`: saves rbp and r15, sets them
    /// to markers, loads a byte from the argument.
    fn faulting_load() -> Vec<u8> {
        let mut b = vec![0x55, 0x41, 0x57]; // push rbp; push r15
        b.extend([0x48, 0xbd]); // movabs rbp, MARK_RBP
        b.extend(MARK_RBP.to_le_bytes());
        b.extend([0x49, 0xbf]); // movabs r15, MARK_R15
        b.extend(MARK_R15.to_le_bytes());
        assert_eq!(b.len(), LOAD_AT);
        b.extend([0x8a, 0x07]); // mov al, [rdi]
        b.extend([0x41, 0x5f, 0x5d, 0xc3]); // pop r15; pop rbp; ret
        b
    }

    /// The landing: returns (rdi, rsi) in (rax, rdx), stores r15 at `r15_out`,
    /// and finishes `faulting_load`'s epilogue.
    fn landing(r15_out: &AtomicU64) -> Vec<u8> {
        let mut b = vec![0x48, 0x89, 0xf8, 0x48, 0x89, 0xf2]; // mov rax, rdi; mov rdx, rsi
        b.extend([0x48, 0xb9]); // movabs rcx, r15_out
        b.extend((r15_out.as_ptr() as u64).to_le_bytes());
        b.extend([0x4c, 0x89, 0x39]); // mov [rcx], r15
        b.extend([0x41, 0x5f, 0x5d, 0xc3]); // pop r15; pop rbp; ret
        b
    }

    #[repr(C)]
    #[derive(Debug, PartialEq, Eq)]
    struct Pair(u64, u64);

    #[test]
    fn a_fault_in_wasm_code_resumes_at_the_landing() {
        static R15: AtomicU64 = AtomicU64::new(0);
        ensure_thread_ready().unwrap();
        let code = Blob::new(&faulting_load());
        let land = Blob::new(&landing(&R15));
        register_code(code.addr(), code.len);
        set_landing(land.addr());
        // SAFETY: the blob is a complete sysv64 function of this type.
        let f: extern "sysv64" fn(*const u8) -> Pair = unsafe { std::mem::transmute(code.ptr) };

        let mut mem = LinearMemory::new(1, None).unwrap();
        assert!(mem.has_guard());
        mem.data_mut()[0] = 0x5a;
        let base = mem.data().as_ptr();
        // In bounds: no fault, the byte comes back in al.
        assert_eq!(f(base).0 & 0xff, 0x5a);
        // Past the end, as far as u32 index + u32 offset + 16 bytes can reach,
        // and the last reserved byte.
        let far = u32::MAX as usize * 2 + 15;
        for off in [PAGE_SIZE as usize, 4 << 30, far, GUARDED_RESERVATION - 1] {
            R15.store(0, Ordering::Relaxed);
            // The pointer is only handed to the blob, whose load faults.
            let p = base.wrapping_add(off);
            let got = f(p);
            assert_eq!(
                got,
                Pair((code.addr() + LOAD_AT) as u64, MARK_RBP),
                "offset {off:#x}"
            );
            assert_eq!(R15.load(Ordering::Relaxed), MARK_R15, "r15 survives");
        }
        // The same memory grown: the former guard byte is now in bounds.
        mem.grow(1).unwrap();
        assert_eq!(mem.data().as_ptr(), base);
        mem.data_mut()[PAGE_SIZE as usize] = 0x33;
        assert_eq!(f(base.wrapping_add(PAGE_SIZE as usize)).0 & 0xff, 0x33);
        unregister_code(code.addr());
    }

    /// Reads a byte at `p` from host (unregistered) code.
    fn host_read(p: *const u8) -> u8 {
        let v: u8;
        // SAFETY: only run in a child that is meant to die of the fault.
        unsafe { std::arch::asm!("mov {v}, byte ptr [{p}]", p = in(reg) p, v = out(reg_byte) v) };
        v
    }

    fn child_faults_past_the_end() {
        let mut mem = LinearMemory::new(1, None).unwrap();
        assert!(mem.has_guard());
        let end = mem.data_mut().as_mut_ptr().wrapping_add(PAGE_SIZE as usize);
        // Wasm code exists and a landing is set: the host's fault must still not land there.
        let code = Blob::new(&faulting_load());
        register_code(code.addr(), code.len);
        set_landing(code.addr());
        println!("child: about to fault");
        let v = host_read(end);
        println!("child: survived, read {v}");
    }

    unsafe extern "C" fn exit_77(_: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
        // SAFETY: _exit is async-signal-safe.
        unsafe { libc::_exit(77) };
    }

    const GUARD_TEST: &str = "signals::tests::x86_64::host_faults_past_the_guard_are_passed_on";

    /// A read one byte past a guarded memory, from host code, once the handler
    /// is installed: the guard faults, and the fault reaches whatever handled
    /// SIGSEGV before (Rust's own, the default action, or a custom handler).
    #[test]
    fn host_faults_past_the_guard_are_passed_on() {
        match child_role().as_deref() {
            Some("runtime") => {
                ensure_thread_ready().unwrap();
                return child_faults_past_the_end();
            }
            Some("default") => {
                // SAFETY: resetting to the default action.
                unsafe { libc::signal(libc::SIGSEGV, libc::SIG_DFL) };
                ensure_thread_ready().unwrap();
                return child_faults_past_the_end();
            }
            Some("custom") => {
                // SAFETY: a zeroed sigaction is valid; `exit_77` is a SA_SIGINFO handler.
                let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
                sa.sa_sigaction = exit_77 as *const () as usize;
                sa.sa_flags = libc::SA_SIGINFO;
                // SAFETY: installing a valid action.
                unsafe { libc::sigaction(libc::SIGSEGV, &sa, std::ptr::null_mut()) };
                ensure_thread_ready().unwrap();
                return child_faults_past_the_end();
            }
            _ => {}
        }
        for role in ["runtime", "default"] {
            let out = run_child(GUARD_TEST, role);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                out.status.signal(),
                Some(libc::SIGSEGV),
                "{role}: {}\n{stdout}",
                out.status
            );
            assert!(stdout.contains("child: about to fault"), "{role}: {stdout}");
            assert!(!stdout.contains("survived"), "{role}: {stdout}");
        }
        let out = run_child(GUARD_TEST, "custom");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(77),
            "custom: {}\n{stdout}",
            out.status
        );
        assert!(stdout.contains("child: about to fault"), "custom: {stdout}");
    }
}
