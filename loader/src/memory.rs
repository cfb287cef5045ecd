//! Linear memory. Users see a base pointer, a byte length and `grow`; how the
//! bytes are reserved is private, so a guard-page reservation can replace the
//! growable buffer without touching the interpreter or the API.

/// Bytes in a wasm page.
pub const PAGE_SIZE: u64 = 65536;
/// Pages a 32-bit memory can address.
pub const MAX_PAGES_32: u64 = 65536;

/// One linear memory.
#[derive(Debug)]
pub struct LinearMemory {
    bytes: Vec<u8>,
    max_pages: u64,
    declared_max: Option<u64>,
}

impl LinearMemory {
    /// A zeroed memory of `min` pages that may grow to `max` (or the 32-bit limit).
    /// Fails if the initial size cannot be allocated.
    pub fn new(min: u64, max: Option<u64>) -> Result<LinearMemory, String> {
        let max_pages = max.unwrap_or(MAX_PAGES_32).min(MAX_PAGES_32);
        if min > max_pages {
            return Err(format!("memory minimum of {min} pages exceeds the limit"));
        }
        let mut bytes = Vec::new();
        let len = (min * PAGE_SIZE) as usize;
        bytes
            .try_reserve_exact(len)
            .map_err(|_| format!("cannot allocate a memory of {min} pages"))?;
        bytes.resize(len, 0);
        Ok(LinearMemory {
            bytes,
            max_pages,
            declared_max: max,
        })
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
        let len = (new * PAGE_SIZE) as usize;
        self.bytes.try_reserve_exact(len - self.bytes.len()).ok()?;
        self.bytes.resize(len, 0);
        Some(old)
    }
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
    }
}
