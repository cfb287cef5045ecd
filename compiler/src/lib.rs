//! The zwasm compiler: reads `.wasm` or `.wat`, validates it with wasmparser,
//! lowers every function to register IR and writes a `.zwo` artifact that the
//! loader runs.

mod artifact;
mod cache_key;
mod error;
mod features;
mod fold;
mod lower;
mod module;

pub use cache_key::cache_key;
pub use error::CompileError;
pub use features::{features, Feature, FeatureStatus};

/// Which engine the compiled functions are meant for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Engine {
    /// Native code for the host ISA; functions the backend does not cover
    /// stay IR and run on the interpreter.
    #[default]
    Native,
    /// IR only: every function runs on the interpreter.
    Interp,
}

impl Engine {
    /// The engine's name as the CLI spells it (`--engine native|interp`).
    pub fn name(self) -> &'static str {
        match self {
            Engine::Native => "native",
            Engine::Interp => "interp",
        }
    }
}

/// Options that change what the compiler produces. Every field takes part in
/// the compile cache's key.
#[derive(Clone, Debug, Default)]
pub struct CompileOptions {
    pub engine: Engine,
}

/// Compiles a wasm binary or wat text into `.zwo` artifact bytes.
pub fn compile(input: &[u8], opts: &CompileOptions) -> Result<Vec<u8>, CompileError> {
    let wasm = wat_to_wasm(input)?;
    let compiled = module::translate(&wasm, opts)?;
    Ok(artifact::write(&wasm, &compiled))
}

/// Checks that `input` (wasm binary or wat text) is a valid module.
pub fn validate(input: &[u8]) -> Result<(), CompileError> {
    let wasm = wat_to_wasm(input)?;
    module::validate(&wasm).map(|_| ())
}

/// Returns the wasm binary for `input`: itself if it is already a binary,
/// otherwise the result of parsing it as wat text.
pub fn wat_to_wasm(input: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, CompileError> {
    if input.starts_with(b"\0asm") {
        return Ok(std::borrow::Cow::Borrowed(input));
    }
    wat::parse_bytes(input).map_err(|e| CompileError::Wat(e.to_string()))
}
