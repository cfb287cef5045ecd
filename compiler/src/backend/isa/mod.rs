//! The instruction sets: each emits the code of the functions the backend
//! compiles for it.

pub(crate) mod aarch64;
pub(crate) mod x64;
