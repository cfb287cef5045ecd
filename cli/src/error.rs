//! The one error type of the CLI. Each variant fixes an exit code (wasmtime's
//! convention: 1 for errors, 2 for usage, 134 for a trap); the message is a
//! single `error: ...` line that names the file, plus a backtrace for traps.

use std::fmt;
use std::path::Path;

/// Why a subcommand failed.
#[derive(Debug)]
pub(crate) enum CliError {
    /// Unreadable, malformed, invalid or unlinkable input, or a bad `--invoke`.
    Failed(String),
    /// Wasm trapped; the message holds the trap and its wasm backtrace.
    Trap(String),
}

impl CliError {
    /// An error about `file`.
    pub(crate) fn file(file: &Path, message: impl fmt::Display) -> CliError {
        CliError::Failed(format!("{}: {message}", file.display()))
    }

    /// The process exit code for this error.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            CliError::Failed(_) => 1,
            // What a shell reports for SIGABRT, as wasmtime does for a trap.
            CliError::Trap(_) => 134,
        }
    }

    /// Converts a runtime error (from instantiation or a call) about `file`.
    pub(crate) fn runtime(file: &Path, err: zwasm_loader::Error) -> CliError {
        match err {
            zwasm_loader::Error::Trap(trap) => {
                CliError::Trap(format!("{}: {trap}", file.display()))
            }
            other => CliError::file(file, other),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Failed(m) | CliError::Trap(m) => write!(f, "error: {m}"),
        }
    }
}
