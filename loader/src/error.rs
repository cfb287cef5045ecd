//! Errors of the runtime: a `Trap` (wasm stopped abnormally, with a wasm
//! backtrace) and the `Error` every fallible API returns.

use crate::artifact::LoadError;
use zwasm_abi::TrapCode;

/// One frame of a wasm backtrace, innermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    /// Function index in its module's function index space.
    pub func_index: u32,
    /// The function's name from the name section, if any.
    pub name: Option<String>,
    /// The module's name from the name section, if any.
    pub module: Option<String>,
}

/// Wasm execution stopped abnormally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    pub code: TrapCode,
    /// Extra detail (for a host error, its message).
    pub message: Option<String>,
    /// Wasm frames at the trap, innermost first.
    pub backtrace: Vec<FrameInfo>,
    /// Set when the guest asked to exit (WASI `proc_exit`): not a fault, the
    /// program's own exit status.
    pub exit_status: Option<i32>,
}

impl Trap {
    /// A trap with no backtrace yet.
    pub fn new(code: TrapCode) -> Trap {
        Trap {
            code,
            message: None,
            backtrace: Vec::new(),
            exit_status: None,
        }
    }

    /// A trap raised by a host function with its own message.
    pub fn host(message: impl Into<String>) -> Trap {
        Trap {
            code: TrapCode::HostError,
            message: Some(message.into()),
            backtrace: Vec::new(),
            exit_status: None,
        }
    }

    /// The guest exits with `status` (WASI `proc_exit`): unwinds all wasm
    /// frames like a trap, but the embedder reads it as an exit.
    pub fn exit(status: i32) -> Trap {
        Trap {
            code: TrapCode::HostError,
            message: Some(format!("exit with status {status}")),
            backtrace: Vec::new(),
            exit_status: Some(status),
        }
    }
}

impl std::fmt::Display for Trap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.message {
            Some(m) => write!(f, "wasm trap: {}: {m}", self.code)?,
            None => write!(f, "wasm trap: {}", self.code)?,
        }
        if self.backtrace.is_empty() {
            return Ok(());
        }
        f.write_str("\nwasm backtrace:")?;
        // Runs of one function (deep recursion) print once with a count, and
        // at most `MAX_SHOWN` lines are printed in all.
        const MAX_SHOWN: usize = 64;
        let mut i = 0;
        let mut shown = 0;
        while i < self.backtrace.len() {
            if shown == MAX_SHOWN {
                let rest = self.backtrace.len() - i;
                write!(f, "\n       ... {rest} more frames")?;
                break;
            }
            let frame = &self.backtrace[i];
            let run = self.backtrace[i..]
                .iter()
                .take_while(|g| *g == frame)
                .count();
            write!(f, "\n  {i:3}: ")?;
            if let Some(m) = &frame.module {
                write!(f, "{m}!")?;
            }
            match &frame.name {
                Some(n) => write!(f, "{n} (func {})", frame.func_index)?,
                None => write!(f, "func {}", frame.func_index)?,
            }
            if run > 1 {
                write!(f, " (repeated {run} times)")?;
            }
            i += run;
            shown += 1;
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}

/// Everything that can go wrong when loading, linking or running a module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] LoadError),
    /// An import could not be satisfied.
    #[error("{0}")]
    Link(String),
    /// Instantiation or a call trapped.
    #[error(transparent)]
    Trap(#[from] Trap),
    /// A call's arguments do not match the function's type, or a similar API misuse.
    #[error("{0}")]
    Usage(String),
    /// A resource limit was hit (memory or table too large to allocate).
    #[error("{0}")]
    Resource(String),
}

impl Error {
    /// The trap, if this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match self {
            Error::Trap(t) => Some(t),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(i: u32) -> FrameInfo {
        FrameInfo {
            func_index: i,
            name: (i == 1).then(|| "f".to_string()),
            module: None,
        }
    }

    #[test]
    fn backtrace_folds_recursion() {
        let mut t = Trap::new(TrapCode::StackOverflow);
        t.backtrace = vec![frame(1), frame(1), frame(1), frame(0)];
        assert_eq!(
            t.to_string(),
            "wasm trap: call stack exhausted\nwasm backtrace:\n    0: f (func 1) (repeated 3 times)\n    3: func 0"
        );
        t.backtrace = (0..100).map(frame).collect();
        assert_eq!(t.to_string().lines().count(), 2 + 64 + 1);
    }
}
