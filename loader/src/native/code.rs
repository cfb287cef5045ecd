//! Executable code memory: native code mapped read+execute, never writable
//! and executable at once.

use super::signal_landing;

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
        #[cfg(target_arch = "aarch64")]
        super::arch::flush_icache(ptr, code.len());
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
