//! The VMContext each instance with native code gets.

use super::arch::zwasm_trap_landing;
use super::libcalls::{lib_call, lib_call_indirect, lib_exec};
use crate::error::FrameInfo;
use zwasm_abi::native::{libcall, vmctx};

/// Words of the VMContext before the globals table.
const HEADER_WORDS: usize = vmctx::GLOBALS as usize / 8;

/// A VMContext: the fixed fields of `zwasm_abi::native::vmctx`, then a
/// pointer to each global's value. Kept in a box of words so its address is
/// stable and its size fits the instance.
pub(crate) struct VmCtx {
    words: Box<[usize]>,
    /// The wasm frames of the last trap in native code, walked at the trap
    /// landing while they are still on the stack.
    pub(super) frames: Vec<FrameInfo>,
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
        words[lib + libcall::MEMMOVE] = libc::memmove as *const () as usize;
        words[lib + libcall::MEMSET] = libc::memset as *const () as usize;
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

    pub(super) fn set(&mut self, offset: i32, v: usize) {
        self.words[offset as usize / 8] = v;
    }

    pub(super) fn get(&self, offset: i32) -> usize {
        self.words[offset as usize / 8]
    }
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
