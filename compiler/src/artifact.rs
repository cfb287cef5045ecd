//! Writing a `.zwo`: header, archived metadata, IR section.

use crate::module::Compiled;

pub(crate) fn write(_wasm: &[u8], _compiled: &Compiled) -> Vec<u8> {
    todo!()
}
