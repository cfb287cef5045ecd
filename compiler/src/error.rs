//! Compile errors: each says what is wrong and where (byte offset, function).

/// Why a module could not be compiled.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// The input is neither a wasm binary nor valid wat text.
    #[error("{0}")]
    Wat(String),
    /// The binary is malformed or fails validation.
    #[error("invalid module: {message} (at offset {offset:#x})")]
    Invalid { message: String, offset: usize },
    /// The module uses something zwasm does not support yet.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A limit of zwasm's IR was exceeded.
    #[error("function {func}: {message}")]
    Limit { func: u32, message: String },
    /// The native backend failed (an internal error).
    #[error("native code generation failed: {0}")]
    Backend(String),
}

impl From<wasmparser::BinaryReaderError> for CompileError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        CompileError::Invalid {
            message: e.message().to_string(),
            offset: e.offset() as usize,
        }
    }
}
