//! The one error type of the CLI. Each variant fixes an exit code (wasmtime's
//! convention: 1 for errors, 2 for usage, 134 for a trap); the message is a
//! single `error: ...` line that names the file, plus a backtrace for traps.

use std::fmt::{self, Write};
use std::path::Path;
use zwasm_loader::{FrameInfo, Trap};

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
                CliError::Trap(format!("{}: {}", file.display(), trap_text(&trap)))
            }
            other => CliError::file(file, other),
        }
    }
}

/// Frames of a backtrace shown before the rest is summarised.
const MAX_FRAMES: usize = 30;
/// A run of identical frames (deep recursion) longer than this is folded.
const MAX_REPEATS: usize = 3;

/// A trap as `wasm trap: MESSAGE` plus its wasm backtrace. Unlike the trap's
/// own `Display`, runs of identical frames (a stack overflow has tens of
/// thousands) are folded and the whole is capped, so stderr stays readable.
fn trap_text(trap: &Trap) -> String {
    let mut s = match &trap.message {
        Some(m) => format!("wasm trap: {}: {m}", trap.code),
        None => format!("wasm trap: {}", trap.code),
    };
    if trap.backtrace.is_empty() {
        return s;
    }
    s.push_str("\nwasm backtrace:");
    let frames = &trap.backtrace;
    let (mut i, mut shown) = (0, 0);
    while i < frames.len() {
        if shown == MAX_FRAMES {
            let _ = write!(s, "\n  ... {} more frames", frames.len() - i);
            break;
        }
        let run = frames[i..].iter().take_while(|f| **f == frames[i]).count();
        let show = if run > MAX_REPEATS {
            MAX_REPEATS - 1
        } else {
            run
        };
        for (k, frame) in frames.iter().enumerate().skip(i).take(show) {
            let _ = write!(s, "\n  {k:3}: {}", frame_text(frame));
            shown += 1;
        }
        if run > show {
            let _ = write!(
                s,
                "\n  ... {} more frames of {}",
                run - show,
                frame_text(&frames[i])
            );
            shown += 1;
        }
        i += run;
    }
    s
}

fn frame_text(frame: &FrameInfo) -> String {
    let module = frame
        .module
        .as_deref()
        .map_or_else(String::new, |m| format!("{m}!"));
    match &frame.name {
        Some(n) => format!("{module}{n} (func {})", frame.func_index),
        None => format!("{module}func {}", frame.func_index),
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Failed(m) | CliError::Trap(m) => write!(f, "error: {m}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zwasm_loader::TrapCode;

    fn frame(i: u32) -> FrameInfo {
        FrameInfo {
            func_index: i,
            name: Some(format!("f{i}")),
            module: None,
        }
    }

    #[test]
    fn traps_show_their_backtrace() {
        let mut trap = Trap::new(TrapCode::Unreachable);
        assert_eq!(trap_text(&trap), "wasm trap: unreachable");
        trap.backtrace = vec![frame(1), frame(0)];
        assert_eq!(
            trap_text(&trap),
            "wasm trap: unreachable\nwasm backtrace:\n    0: f1 (func 1)\n    1: f0 (func 0)"
        );
        // The loader's own rendering agrees for short backtraces.
        assert_eq!(trap_text(&trap), trap.to_string());
    }

    #[test]
    fn deep_recursion_is_folded() {
        let mut trap = Trap::new(TrapCode::StackOverflow);
        trap.backtrace = vec![frame(4); 50_000];
        trap.backtrace.push(frame(0));
        assert_eq!(
            trap_text(&trap),
            "wasm trap: call stack exhausted\nwasm backtrace:\n    0: f4 (func 4)\n    \
             1: f4 (func 4)\n  ... 49998 more frames of f4 (func 4)\n  50000: f0 (func 0)"
        );
        trap.backtrace = (0..100).map(frame).collect();
        let text = trap_text(&trap);
        assert_eq!(text.lines().count(), 2 + MAX_FRAMES + 1);
        assert!(text.ends_with("\n  ... 70 more frames"), "{text}");
    }
}
