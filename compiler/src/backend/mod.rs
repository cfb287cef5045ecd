//! Native backends: one implementation of [`Backend`] per ISA, all reading the
//! same register IR. A backend compiles every function it covers and leaves the
//! rest as IR for the interpreter; native and interpreted functions call each
//! other through the slot convention of `zwasm_abi::native`.

pub(crate) mod codegen;
pub(crate) mod inline;
pub(crate) mod isa;
pub(crate) mod regalloc;

use zwasm_abi::ir::{Instr, Op};
use zwasm_abi::module::{ImportKind, ModuleMeta};

/// What a backend sees of a module.
pub(crate) struct ModuleInfo<'a> {
    pub meta: &'a ModuleMeta,
    /// The IR of every defined function, concatenated.
    pub code: &'a [Instr],
    pub num_imported_funcs: u32,
    /// Whether memory 0 is a 64-bit memory.
    pub memory64: bool,
    /// Fuel and interrupt checks to emit (`zwasm_abi::native::flags`).
    pub hooks: u64,
    /// Number of globals in the global space (imports first).
    pub num_globals: u32,
    /// The type index of every function, imported ones first.
    pub func_types: Vec<u32>,
}

impl<'a> ModuleInfo<'a> {
    pub fn new(meta: &'a ModuleMeta, code: &'a [Instr]) -> ModuleInfo<'a> {
        let num_imported_funcs = meta
            .imports
            .iter()
            .filter(|i| matches!(i.kind, ImportKind::Func(_)))
            .count() as u32;
        let memory64 = meta
            .imports
            .iter()
            .find_map(|i| match &i.kind {
                ImportKind::Memory(m) => Some(m.memory64),
                _ => None,
            })
            .or_else(|| meta.memories.first().map(|m| m.memory64))
            .unwrap_or(false);
        ModuleInfo {
            meta,
            code,
            num_imported_funcs,
            memory64,
            hooks: 0,
            num_globals: meta
                .imports
                .iter()
                .filter(|i| matches!(i.kind, ImportKind::Global(_)))
                .count() as u32
                + meta.globals.len() as u32,
            func_types: meta
                .imports
                .iter()
                .filter_map(|i| match i.kind {
                    ImportKind::Func(ty) => Some(ty),
                    _ => None,
                })
                .chain(meta.funcs.iter().map(|f| f.ty))
                .collect(),
        }
    }

    /// The IR of defined function `def`.
    pub fn func_code(&self, def: usize) -> &'a [Instr] {
        let f = &self.meta.funcs[def];
        &self.code[f.code_start as usize..][..f.code_len as usize]
    }
}

/// A module's native code.
pub(crate) struct NativeCode {
    pub code: Vec<u8>,
    /// Per defined function: offset and length in `code` (length 0: IR only).
    pub funcs: Vec<(u32, u32)>,
    /// The IR instructions the code hands to libcalls by index: (offset in
    /// `code` just past the index's 32-bit little-endian immediate, defined
    /// function, pc in that function). The index is the instruction's place
    /// in the artifact's IR, filled in by [`NativeCode::set_ir_index`] once
    /// the IR is laid out.
    pub ir_refs: Vec<(usize, u32, u32)>,
    /// Copies of small functions inlined into their callers: (offset in
    /// `code`, length, defined function), in offset order.
    pub inlined: Vec<(u32, u32, u32)>,
    /// The CPU features the code uses (`zwasm_abi::native::cpu`).
    pub cpu_features: u64,
    /// What the code assumes of the runtime (`zwasm_abi::native::flags`).
    pub flags: u64,
}

impl NativeCode {
    /// Fills in the IR index whose immediate ends at `at`.
    pub fn set_ir_index(&mut self, at: usize, index: u32) {
        self.code[at - 4..at].copy_from_slice(&index.to_le_bytes());
    }
}

/// Whether an op reads or writes a v128.
pub(crate) fn is_vector(op: Op) -> bool {
    let sig = op.sig();
    sig.write == Some(zwasm_abi::ir::Ty::V128) || sig.reads.contains(&Some(zwasm_abi::ir::Ty::V128))
}

/// The bytes a `v128.load*_lane`/`v128.store*_lane` op accesses.
pub(crate) fn lane_size(op: Op) -> u32 {
    match op {
        Op::V128Load8Lane | Op::V128Store8Lane => 1,
        Op::V128Load16Lane | Op::V128Store16Lane => 2,
        Op::V128Load32Lane | Op::V128Store32Lane => 4,
        _ => 8,
    }
}

/// The most frame slots a function with vector values may have natively:
/// the allocator numbers a vector at slot `s` as value `slots + s`, in 16 bits.
pub(crate) const MAX_VECTOR_SLOTS: u32 = 1 << 14;

/// An ISA backend.
pub(crate) trait Backend {
    /// Whether the backend can compile this op on its own (a function with
    /// an op it cannot compile stays IR).
    fn covers(&self, op: Op) -> bool;

    /// Whether the backend can compile defined function `def` as a whole
    /// (its frame, its size, what its memory needs), given that it covers
    /// every op in it.
    fn fits(&self, _m: &ModuleInfo, _def: usize) -> bool {
        true
    }

    /// Compiles the functions marked in `native` (indexed by defined function)
    /// into one code blob; calls between them are direct.
    fn compile(&self, m: &ModuleInfo, native: &[bool]) -> Result<NativeCode, String>;
}

/// Decides which defined functions get native code: those whose every op the
/// backend covers, minus the ones `forced_ir` names (function indices). A tail
/// call can only jump to native code, so a function that tail-calls an IR
/// function stays IR too (repeated until nothing changes).
pub(crate) fn select(backend: &dyn Backend, m: &ModuleInfo, forced_ir: &[u32]) -> Vec<bool> {
    let n = m.meta.funcs.len();
    let mut native: Vec<bool> = (0..n)
        .map(|def| {
            let index = m.num_imported_funcs + def as u32;
            let code = m.func_code(def);
            !forced_ir.contains(&index)
                && code.iter().all(|i| backend.covers(i.op))
                && backend.fits(m, def)
                && (m.meta.funcs[def].num_slots <= MAX_VECTOR_SLOTS
                    || !code.iter().any(|i| is_vector(i.op)))
        })
        .collect();
    loop {
        let mut changed = false;
        for def in 0..n {
            if !native[def] {
                continue;
            }
            let bad_tail = m.func_code(def).iter().any(|i| {
                i.op == Op::ReturnCall
                    && (i.imm as u32)
                        .checked_sub(m.num_imported_funcs)
                        .is_none_or(|d| !native[d as usize])
            });
            if bad_tail {
                native[def] = false;
                changed = true;
            }
        }
        if !changed {
            return native;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::isa::{aarch64::Aarch64, x64::X64};
    use super::*;

    /// AArch64 compiles every op x86_64 compiles, so a module gets native
    /// code for the same functions on either ISA.
    #[test]
    fn aarch64_covers_what_x86_64_covers() {
        let (x64, arm) = (X64::new(0), Aarch64::new());
        let gap: Vec<Op> = Op::ALL
            .iter()
            .copied()
            .filter(|&op| x64.covers(op) && !arm.covers(op))
            .collect();
        assert!(gap.is_empty(), "x86_64 only: {gap:?}");
    }
}
