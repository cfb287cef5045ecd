//! Linear memory. A 32-bit memory lives at the start of a fixed reservation of
//! address space so large that no `base + u32 index + u32 offset + 16` can
//! leave it: native code loads and stores without bounds checks, and an access
//! past the accessible length hits `PROT_NONE` pages and faults. memory64, and
//! any memory whose reservation the host refuses, is a plain mapping that may
//! move when it grows; code must check bounds explicitly (`has_guard`).

use std::ptr::{self, NonNull};
use zwasm_abi::module::MemoryType;

/// Bytes in a wasm page.
pub const PAGE_SIZE: u64 = 65536;
/// Pages a 32-bit memory can address.
pub const MAX_PAGES_32: u64 = 65536;
/// Pages a 64-bit memory may declare (the memory64 proposal's limit, 2^48);
/// in practice the host's memory runs out first.
pub const MAX_PAGES_64: u64 = 1 << 48;

/// Address space reserved for a guarded 32-bit memory: 4 GiB that a `u32`
/// index can reach, 4 GiB more that a `u32` static offset can add, and a
/// 64 KiB tail for the access width (up to 16 bytes). Everything past the
/// accessible length is `PROT_NONE`, so the base never moves.
pub const GUARDED_RESERVATION: usize = zwasm_abi::native::GUARDED_RESERVATION as usize;

/// What native code reads of a memory: its base and accessible length in
/// bytes. Each `LinearMemory` owns one at a fixed heap address (`vm()`), kept
/// up to date by `grow`, so a pointer to it stays valid however the store's
/// memories move.
#[repr(C)]
#[derive(Debug)]
pub struct VmMemory {
    /// The first byte of the memory.
    pub base: *mut u8,
    /// The accessible length in bytes.
    pub len: u64,
}

/// Offset of `VmMemory::base`.
pub const VM_MEMORY_BASE: usize = 0;
/// Offset of `VmMemory::len`.
pub const VM_MEMORY_LEN: usize = 8;
/// Size of a `VmMemory`.
pub const VM_MEMORY_SIZE: usize = 16;

const _: () = {
    assert!(std::mem::offset_of!(VmMemory, base) == VM_MEMORY_BASE);
    assert!(std::mem::offset_of!(VmMemory, len) == VM_MEMORY_LEN);
    assert!(std::mem::size_of::<VmMemory>() == VM_MEMORY_SIZE);
};

/// One linear memory.
pub struct LinearMemory {
    /// Base and length, at a stable address: allocated by `Box::into_raw`,
    /// freed in `drop`, only ever accessed through this raw pointer (native
    /// code holds copies of it).
    vm: NonNull<VmMemory>,
    /// Bytes of address space mapped at the base: the whole reservation when
    /// guarded, else the accessible length (0: nothing is mapped).
    mapped: usize,
    guarded: bool,
    max_pages: u64,
    declared_max: Option<u64>,
    memory64: bool,
}

// SAFETY: a `LinearMemory` exclusively owns its mapping and its `VmMemory`, as
// a `Vec<u8>` owns its buffer; shared references only read.
unsafe impl Send for LinearMemory {}
// SAFETY: as above; every mutation takes `&mut self`.
unsafe impl Sync for LinearMemory {}

impl std::fmt::Debug for LinearMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinearMemory")
            .field("pages", &self.pages())
            .field("max_pages", &self.max_pages)
            .field("memory64", &self.memory64)
            .field("guarded", &self.guarded)
            .finish()
    }
}

impl LinearMemory {
    /// A zeroed 32-bit memory of `min` pages that may grow to `max` (or the
    /// 32-bit limit). Fails if the initial size cannot be allocated.
    pub fn new(min: u64, max: Option<u64>) -> Result<LinearMemory, String> {
        LinearMemory::with_index_type(min, max, false)
    }

    /// A zeroed memory of type `ty` (32- or 64-bit addresses).
    pub fn of_type(ty: &MemoryType) -> Result<LinearMemory, String> {
        LinearMemory::with_index_type(ty.min, ty.max, ty.memory64)
    }

    fn with_index_type(min: u64, max: Option<u64>, memory64: bool) -> Result<LinearMemory, String> {
        let limit = if memory64 { MAX_PAGES_64 } else { MAX_PAGES_32 };
        let max_pages = max.unwrap_or(limit).min(limit);
        if min > max_pages {
            return Err(format!("memory minimum of {min} pages exceeds the limit"));
        }
        let too_big = || format!("cannot allocate a memory of {min} pages");
        let len = byte_len(min).ok_or_else(too_big)?;
        let (base, mapped, guarded) = match (!memory64).then(|| reserve_guarded(len)).flatten() {
            Some(base) => (base, GUARDED_RESERVATION, true),
            None => (map_plain(len).ok_or_else(too_big)?, len, false),
        };
        let vm = Box::new(VmMemory {
            base,
            len: len as u64,
        });
        Ok(LinearMemory {
            vm: NonNull::from(Box::leak(vm)),
            mapped,
            guarded,
            max_pages,
            declared_max: max,
            memory64,
        })
    }

    /// Whether addresses are 64-bit (memory64).
    #[inline]
    pub fn is_64(&self) -> bool {
        self.memory64
    }

    /// Whether every access past the accessible length, up to
    /// `u32::MAX + u32::MAX + 16` bytes from the base, faults; and so whether
    /// native code may skip bounds checks. Otherwise it must check, and
    /// re-read the base after a grow: the memory may move.
    #[inline]
    pub fn has_guard(&self) -> bool {
        self.guarded
    }

    /// The base and length native code reads, at an address fixed for the
    /// memory's lifetime.
    #[inline]
    pub fn vm(&self) -> *const VmMemory {
        self.vm.as_ptr()
    }

    #[inline]
    fn base_len(&self) -> (*mut u8, usize) {
        // SAFETY: `vm` is live until drop and only written by `&mut self` methods.
        let vm = unsafe { &*self.vm.as_ptr() };
        (vm.base, vm.len as usize)
    }

    /// The memory's contents.
    #[inline]
    pub fn data(&self) -> &[u8] {
        let (base, len) = self.base_len();
        // SAFETY: `len` bytes at `base` are mapped read-write and owned by `self`.
        unsafe { std::slice::from_raw_parts(base, len) }
    }

    /// The memory's contents, writable.
    #[inline]
    pub fn data_mut(&mut self) -> &mut [u8] {
        let (base, len) = self.base_len();
        // SAFETY: as in `data`, and `&mut self` makes the borrow exclusive.
        unsafe { std::slice::from_raw_parts_mut(base, len) }
    }

    /// Current size in pages.
    #[inline]
    pub fn pages(&self) -> u64 {
        self.base_len().1 as u64 / PAGE_SIZE
    }

    /// The most pages this memory may have.
    pub fn max_pages(&self) -> u64 {
        self.max_pages
    }

    /// The maximum the memory was declared with, if any.
    pub fn declared_max(&self) -> Option<u64> {
        self.declared_max
    }

    /// Grows by `delta` pages and returns the old size, or `None` if the memory
    /// would pass its maximum or the host is out of memory. A guarded memory
    /// grows in place; any other may move: callers re-read `data()` (or the
    /// `VmMemory`) after a grow.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        if delta == 0 {
            return Some(old);
        }
        let (base, len) = self.base_len();
        let new_len = byte_len(new)?;
        let base = if self.guarded {
            // `new <= 65536` pages: the new end is inside the reservation.
            // SAFETY: `[base + len, base + new_len)` lies in our own reservation.
            let tail = unsafe { base.add(len) }.cast::<libc::c_void>();
            // SAFETY: `tail` and the `new_len - len` bytes after it are ours.
            let rc =
                unsafe { libc::mprotect(tail, new_len - len, libc::PROT_READ | libc::PROT_WRITE) };
            if rc != 0 {
                // A failed mprotect may have opened part of the range: close
                // it again, or an access there would not fault.
                // SAFETY: as above.
                unsafe { libc::mprotect(tail, new_len - len, libc::PROT_NONE) };
                return None;
            }
            base
        } else {
            let moved = remap_plain(base, self.mapped, new_len)?;
            self.mapped = new_len;
            moved
        };
        // SAFETY: `vm` is live and exclusively ours here (`&mut self`).
        unsafe {
            *self.vm.as_ptr() = VmMemory {
                base,
                len: new_len as u64,
            };
        }
        Some(old)
    }
}

impl Drop for LinearMemory {
    fn drop(&mut self) {
        let (base, _) = self.base_len();
        if self.mapped > 0 {
            // SAFETY: `mapped` bytes at `base` are our own mapping, no longer
            // reachable once `self` is gone.
            unsafe { libc::munmap(base.cast(), self.mapped) };
        }
        // SAFETY: `vm` came from `Box::leak` in `with_index_type` and is freed once.
        drop(unsafe { Box::from_raw(self.vm.as_ptr()) });
    }
}

/// The byte length of `pages` pages, if the host can address it.
fn byte_len(pages: u64) -> Option<usize> {
    pages
        .checked_mul(PAGE_SIZE)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n <= isize::MAX as usize)
}

/// Reserves `GUARDED_RESERVATION` bytes of inaccessible address space and
/// opens the first `len` of them; `None` if the host refuses (`ulimit -v`, a
/// small address space). Nothing is committed or touched: fresh anonymous
/// pages read as zero.
fn reserve_guarded(len: usize) -> Option<*mut u8> {
    if len > GUARDED_RESERVATION - (4 << 30) {
        return None;
    }
    // SAFETY: a fresh anonymous mapping; no existing memory is affected.
    let base = unsafe {
        libc::mmap(
            ptr::null_mut(),
            GUARDED_RESERVATION,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if base == libc::MAP_FAILED {
        return None;
    }
    // SAFETY: the first `len` bytes of the reservation we just made.
    if len > 0 && unsafe { libc::mprotect(base, len, libc::PROT_READ | libc::PROT_WRITE) } != 0 {
        // SAFETY: the reservation is ours and unused.
        unsafe { libc::munmap(base, GUARDED_RESERVATION) };
        return None;
    }
    Some(base.cast())
}

/// The base of an empty plain memory: never dereferenced, non-null and aligned.
fn empty_base() -> *mut u8 {
    NonNull::<u128>::dangling().as_ptr().cast()
}

/// A read-write anonymous mapping of `len` bytes (none for 0).
fn map_plain(len: usize) -> Option<*mut u8> {
    if len == 0 {
        return Some(empty_base());
    }
    // SAFETY: a fresh anonymous mapping; no existing memory is affected.
    let p = unsafe {
        libc::mmap(
            ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    (p != libc::MAP_FAILED).then_some(p.cast())
}

/// Resizes the plain mapping `base`/`mapped` to `new_len > mapped` bytes,
/// moving it if needed; the new tail reads as zero. On failure the old
/// mapping is intact.
fn remap_plain(base: *mut u8, mapped: usize, new_len: usize) -> Option<*mut u8> {
    if mapped == 0 {
        return map_plain(new_len);
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `base`/`mapped` is our own mapping; on success the old
        // range is gone and only the returned one is used.
        let p = unsafe { libc::mremap(base.cast(), mapped, new_len, libc::MREMAP_MAYMOVE) };
        (p != libc::MAP_FAILED).then_some(p.cast())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let p = map_plain(new_len)?;
        // SAFETY: both ranges are our own mappings of at least `mapped` bytes;
        // the old one is unmapped only after the copy.
        unsafe {
            ptr::copy_nonoverlapping(base, p, mapped);
            libc::munmap(base.cast(), mapped);
        }
        Some(p)
    }
}

#[cfg(test)]
mod tests;
