//! What the zwasm compiler and loader must agree on: the register IR, the module
//! metadata archived in a `.zwo`, the artifact header and the trap codes.
//! Nothing here depends on wasmparser or on the runtime.

pub mod artifact;
pub mod ir;
pub mod module;
pub mod native;
pub mod num;
pub mod print;
pub mod trap;

pub use trap::TrapCode;

/// The zwasm release that wrote an artifact; a loader only accepts its own.
pub const COMPILER_VERSION: &str = env!("CARGO_PKG_VERSION");
