use super::*;
use crate::testutil::{child_role, run_child};

const PAGE: usize = PAGE_SIZE as usize;

fn mem64(min: u64, max: Option<u64>) -> MemoryType {
    MemoryType {
        min,
        max,
        memory64: true,
        shared: false,
    }
}

fn vm_of(m: &LinearMemory) -> (*mut u8, u64) {
    // SAFETY: `m` is alive, so its `VmMemory` is.
    let vm = unsafe { &*m.vm() };
    (vm.base, vm.len)
}

#[test]
fn grows_within_its_maximum() {
    let mut m = LinearMemory::new(1, Some(3)).unwrap();
    assert_eq!(m.data().len(), PAGE);
    assert_eq!(m.grow(2), Some(1));
    assert_eq!(m.pages(), 3);
    assert_eq!(m.grow(1), None);
    assert_eq!(m.grow(0), Some(3));
    assert!(LinearMemory::new(4, Some(2)).is_err());
    assert!(!m.is_64());
}

#[test]
fn memory64_limits() {
    let mut m = LinearMemory::of_type(&mem64(1, None)).unwrap();
    assert!(m.is_64());
    assert_eq!(m.max_pages(), MAX_PAGES_64);
    // Past the 32-bit limit is allowed, but beyond what the host can give fails cleanly.
    assert_eq!(m.grow(MAX_PAGES_64), None);
    assert_eq!(m.grow(u64::MAX), None);
    assert_eq!(m.grow(1), Some(1));
    assert!(LinearMemory::of_type(&mem64(MAX_PAGES_64, None)).is_err());
    assert!(LinearMemory::of_type(&mem64(MAX_PAGES_64 + 1, None)).is_err());
    assert_eq!(
        LinearMemory::new(0, None).unwrap().max_pages(),
        MAX_PAGES_32
    );
}

#[test]
fn guarded_memory_grows_in_place() {
    let mut m = LinearMemory::new(2, None).unwrap();
    assert!(m.has_guard());
    let (base, len) = vm_of(&m);
    assert_eq!(len, 2 * PAGE_SIZE);
    assert_eq!(base, m.data_mut().as_mut_ptr());
    assert!(m.data().iter().all(|&b| b == 0));
    m.data_mut()[2 * PAGE - 1] = 0xaa;

    assert_eq!(m.grow(3), Some(2));
    let (base2, len2) = vm_of(&m);
    assert_eq!(base2, base, "a guarded memory never moves");
    assert_eq!(len2, 5 * PAGE_SIZE);
    assert_eq!(m.data().len(), 5 * PAGE);
    assert_eq!(m.data()[2 * PAGE - 1], 0xaa);
    assert!(m.data()[2 * PAGE..].iter().all(|&b| b == 0));
    // The last byte of the newest page is writable.
    m.data_mut()[5 * PAGE - 1] = 0x55;
    assert_eq!(m.data()[5 * PAGE - 1], 0x55);
}

#[test]
fn empty_guarded_memory_and_the_full_4gib() {
    let mut m = LinearMemory::new(0, None).unwrap();
    assert!(m.has_guard());
    assert_eq!(m.data().len(), 0);
    assert_eq!(vm_of(&m).1, 0);
    // All 65 536 pages: made accessible, never touched, so this is cheap.
    assert_eq!(m.grow(MAX_PAGES_32), Some(0));
    assert_eq!(vm_of(&m).1, 4 << 30);
    assert_eq!(m.grow(1), None);
    let last = m.data().len() - 1;
    m.data_mut()[last] = 7;
    assert_eq!(m.data()[last], 7);
}

#[test]
fn vm_memory_stays_put_when_the_owner_moves() {
    let mut mems: Vec<LinearMemory> = Vec::with_capacity(1);
    mems.push(LinearMemory::new(1, None).unwrap());
    let vm = mems[0].vm();
    // Force the Vec to reallocate: the LinearMemory moves, its VmMemory does not.
    for _ in 0..16 {
        mems.push(LinearMemory::new(0, Some(0)).unwrap());
    }
    assert_eq!(mems[0].vm(), vm);
    mems[0].grow(1).unwrap();
    // SAFETY: `mems[0]` is alive.
    assert_eq!(unsafe { (*vm).len }, 2 * PAGE_SIZE);
}

#[test]
fn vm_memory_layout() {
    assert_eq!(std::mem::offset_of!(VmMemory, base), 0);
    assert_eq!(std::mem::offset_of!(VmMemory, len), 8);
    assert_eq!(std::mem::size_of::<VmMemory>(), 16);
    assert_eq!(VM_MEMORY_BASE, 0);
    assert_eq!(VM_MEMORY_LEN, 8);
    assert_eq!(GUARDED_RESERVATION, (8usize << 30) + 65536);
}

#[test]
fn memory64_moves_and_keeps_its_data() {
    let mut m = LinearMemory::of_type(&mem64(1, Some(100))).unwrap();
    assert!(!m.has_guard(), "a memory64 memory checks its bounds");
    m.data_mut()[0] = 1;
    m.data_mut()[PAGE - 1] = 2;
    assert_eq!(m.grow(40), Some(1));
    let (base, len) = vm_of(&m);
    assert_eq!(len, 41 * PAGE_SIZE);
    assert_eq!(base, m.data_mut().as_mut_ptr());
    assert_eq!((m.data()[0], m.data()[PAGE - 1]), (1, 2));
    assert!(m.data()[PAGE..].iter().all(|&b| b == 0));
    m.data_mut()[41 * PAGE - 1] = 3;
    assert_eq!(m.grow(60), None);

    // From nothing mapped to something.
    let mut e = LinearMemory::of_type(&mem64(0, None)).unwrap();
    assert_eq!(e.data().len(), 0);
    assert_eq!(e.grow(0), Some(0));
    assert_eq!(e.grow(2), Some(0));
    assert_eq!(e.data().len(), 2 * PAGE);
    assert!(e.data().iter().all(|&b| b == 0));
}

#[test]
fn many_memories_are_cheap() {
    // Reserving and releasing 8 GiB of address space, many times over.
    for _ in 0..2000 {
        let m = LinearMemory::new(1, None).unwrap();
        assert!(m.has_guard());
    }
    let live: Vec<_> = (0..500)
        .map(|_| LinearMemory::new(1, None).unwrap())
        .collect();
    assert!(live.iter().all(|m| m.has_guard()));
}

/// Under `ulimit -v` the 8 GiB reservation fails: memories fall back to plain
/// mappings, and what cannot be had is an error, not a crash.
#[test]
fn address_space_limit_falls_back_and_fails_cleanly() {
    if child_role().as_deref() == Some("rlimit") {
        limit_address_space(1 << 30);
        if !address_space_limit_holds() {
            println!("child: RLIMIT_AS not enforced");
            return;
        }
        let mut m = LinearMemory::new(1, None).expect("a small memory fits");
        assert!(!m.has_guard());
        m.data_mut()[PAGE - 1] = 9;
        assert_eq!(m.grow(2), Some(1));
        assert_eq!(m.data()[PAGE - 1], 9);
        assert!(m.data()[PAGE..].iter().all(|&b| b == 0));
        assert_eq!(m.grow(MAX_PAGES_32 - 3), None, "4 GiB does not fit");
        assert_eq!(m.pages(), 3);
        assert!(LinearMemory::new(MAX_PAGES_32, None).is_err());
        assert!(LinearMemory::of_type(&mem64(1 << 20, None)).is_err());
        println!("child: limits held");
        return;
    }
    let out = run_child(
        "memory::tests::address_space_limit_falls_back_and_fails_cleanly",
        "rlimit",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.success() && stdout.contains("child: RLIMIT_AS not enforced") {
        // qemu-user keeps the limit to itself (it would bind the emulator).
        println!("skipped: this machine does not enforce RLIMIT_AS (an emulator?)");
        return;
    }
    assert!(
        out.status.success() && stdout.contains("child: limits held"),
        "{}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether the address-space cap binds: a 16 GiB reservation must fail.
fn address_space_limit_holds() -> bool {
    let len = 16usize << 30;
    // SAFETY: an anonymous reservation, unmapped at once if it is made.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return true;
    }
    // SAFETY: our own mapping, just made.
    unsafe { libc::munmap(p, len) };
    false
}

/// Caps this process's address space at what it uses now plus `extra` bytes.
fn limit_address_space(extra: u64) {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().next().unwrap().parse().unwrap();
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as u64;
    let cap = pages * page + extra;
    let lim = libc::rlimit {
        rlim_cur: cap,
        rlim_max: cap,
    };
    // SAFETY: `lim` is a valid rlimit; lowering our own limit is always allowed.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_AS, &lim) }, 0);
}
