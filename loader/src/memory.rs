//! Linear memory. Users see a base pointer, a byte length and `grow`; how the
//! bytes are reserved is private, so a guard-page reservation can replace the
//! growable buffer without touching the interpreter or the API.

use zwasm_abi::module::MemoryType;

/// Bytes in a wasm page.
pub const PAGE_SIZE: u64 = 65536;
/// Pages a 32-bit memory can address.
pub const MAX_PAGES_32: u64 = 65536;
/// Pages a 64-bit memory may declare (the memory64 proposal's limit, 2^48);
/// in practice the host's memory runs out first.
pub const MAX_PAGES_64: u64 = 1 << 48;

/// One linear memory.
#[derive(Debug)]
pub struct LinearMemory {
    bytes: Vec<u8>,
    max_pages: u64,
    declared_max: Option<u64>,
    memory64: bool,
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
        let mut bytes = Vec::new();
        bytes.try_reserve_exact(len).map_err(|_| too_big())?;
        bytes.resize(len, 0);
        Ok(LinearMemory {
            bytes,
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

    /// The memory's contents.
    #[inline]
    pub fn data(&self) -> &[u8] {
        &self.bytes
    }

    /// The memory's contents, writable.
    #[inline]
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }

    /// Current size in pages.
    #[inline]
    pub fn pages(&self) -> u64 {
        self.bytes.len() as u64 / PAGE_SIZE
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
    /// would pass its maximum or the host is out of memory. The base may move:
    /// callers re-read `data()` after a grow.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        let len = byte_len(new)?;
        self.bytes.try_reserve_exact(len - self.bytes.len()).ok()?;
        self.bytes.resize(len, 0);
        Some(old)
    }
}

/// The byte length of `pages` pages, if the host can address it.
fn byte_len(pages: u64) -> Option<usize> {
    pages
        .checked_mul(PAGE_SIZE)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n <= isize::MAX as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_within_its_maximum() {
        let mut m = LinearMemory::new(1, Some(3)).unwrap();
        assert_eq!(m.data().len(), PAGE_SIZE as usize);
        assert_eq!(m.grow(2), Some(1));
        assert_eq!(m.pages(), 3);
        assert_eq!(m.grow(1), None);
        assert_eq!(m.grow(0), Some(3));
        assert!(LinearMemory::new(4, Some(2)).is_err());
        assert!(!m.is_64());
    }

    #[test]
    fn memory64_limits() {
        let ty = |min, max| MemoryType {
            min,
            max,
            memory64: true,
            shared: false,
        };
        let mut m = LinearMemory::of_type(&ty(1, None)).unwrap();
        assert!(m.is_64());
        assert_eq!(m.max_pages(), MAX_PAGES_64);
        // Past the 32-bit limit is allowed, but beyond what the host can give fails cleanly.
        assert_eq!(m.grow(MAX_PAGES_64), None);
        assert_eq!(m.grow(u64::MAX), None);
        assert_eq!(m.grow(1), Some(1));
        assert!(LinearMemory::of_type(&ty(MAX_PAGES_64, None)).is_err());
        assert!(LinearMemory::of_type(&ty(MAX_PAGES_64 + 1, None)).is_err());
        assert_eq!(
            LinearMemory::new(0, None).unwrap().max_pages(),
            MAX_PAGES_32
        );
    }
}
