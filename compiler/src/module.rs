//! Module translation.

use crate::{CompileError, CompileOptions};
use zwasm_abi::ir::Instr;
use zwasm_abi::module::ModuleMeta;

/// A translated module: metadata plus all functions' IR, concatenated.
pub(crate) struct Compiled {
    pub meta: ModuleMeta,
    pub code: Vec<Instr>,
}

pub(crate) fn validate(_wasm: &[u8]) -> Result<(), CompileError> {
    todo!()
}

pub(crate) fn translate(_wasm: &[u8], _opts: &CompileOptions) -> Result<Compiled, CompileError> {
    todo!()
}
