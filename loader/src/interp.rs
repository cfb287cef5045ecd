//! The register-IR interpreter.

use crate::error::Trap;
use crate::store::Store;

pub(crate) fn call(_store: &mut Store, _func: u32, _args: &[u64]) -> Result<Vec<u64>, Trap> {
    todo!()
}
