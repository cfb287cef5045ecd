//! The guest's standard streams: the host's own (unbuffered, so output shows
//! even if the guest traps later), a file, bytes, a buffer the embedder reads,
//! or nothing.

use std::fs::File;
use std::io::{self, Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::{FromRawFd, RawFd};
use std::sync::{Arc, Mutex};

/// A host standard stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

/// Where a guest's stdin reads from.
#[derive(Default)]
pub(crate) enum Input {
    /// End of file at once.
    #[default]
    Null,
    Inherit,
    Bytes(io::Cursor<Vec<u8>>),
    File(File),
    Pipe(InputPipe),
}

/// Where a guest's stdout or stderr goes.
#[derive(Default)]
pub(crate) enum Output {
    /// Discarded.
    #[default]
    Null,
    Inherit(Stream),
    File(File),
    Pipe(OutputPipe),
}

/// A buffer that collects what the guest writes to a stream; clones share it.
#[derive(Clone, Default, Debug)]
pub struct OutputPipe(Arc<Mutex<Vec<u8>>>);

impl OutputPipe {
    /// An empty buffer.
    pub fn new() -> OutputPipe {
        OutputPipe::default()
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Bytes the embedder hands to the guest's stdin; clones share the read position.
#[derive(Clone, Default, Debug)]
pub struct InputPipe(Arc<Mutex<io::Cursor<Vec<u8>>>>);

impl InputPipe {
    /// A stdin that reads `bytes`, then end of file.
    pub fn new(bytes: impl Into<Vec<u8>>) -> InputPipe {
        InputPipe(Arc::new(Mutex::new(io::Cursor::new(bytes.into()))))
    }
}

/// Runs `f` on the host's descriptor `fd` as a `File` without taking ownership.
fn with_host_fd<T>(fd: RawFd, f: impl FnOnce(&mut File) -> T) -> T {
    // SAFETY: fd 0/1/2 stay open for the life of the process; ManuallyDrop
    // keeps the borrowed `File` from closing them.
    let mut file = ManuallyDrop::new(unsafe { File::from_raw_fd(fd) });
    f(&mut file)
}

impl Input {
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Input::Null => Ok(0),
            Input::Inherit => with_host_fd(0, |f| f.read(buf)),
            Input::Bytes(c) => c.read(buf),
            Input::File(f) => f.read(buf),
            Input::Pipe(p) => p.0.lock().unwrap_or_else(|p| p.into_inner()).read(buf),
        }
    }

    /// The host descriptor behind this stream, if it is one.
    pub(crate) fn host_fd(&self) -> Option<RawFd> {
        use std::os::fd::AsRawFd;
        match self {
            Input::Inherit => Some(0),
            Input::File(f) => Some(f.as_raw_fd()),
            _ => None,
        }
    }
}

impl Output {
    /// Writes all of `data` (a stream write is never short) and flushes.
    pub(crate) fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        match self {
            Output::Null => {}
            Output::Inherit(s) => {
                let fd = if *s == Stream::Stdout { 1 } else { 2 };
                with_host_fd(fd, |f| f.write_all(data))?;
            }
            Output::File(f) => f.write_all(data)?,
            Output::Pipe(p) => {
                p.0.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .extend_from_slice(data)
            }
        }
        Ok(data.len())
    }

    /// The host descriptor behind this stream, if it is one.
    pub(crate) fn host_fd(&self) -> Option<RawFd> {
        use std::os::fd::AsRawFd;
        match self {
            Output::Inherit(Stream::Stdout) => Some(1),
            Output::Inherit(Stream::Stderr) => Some(2),
            Output::File(f) => Some(f.as_raw_fd()),
            _ => None,
        }
    }
}

/// Whether host descriptor `fd` is a terminal.
pub(crate) fn is_tty(fd: Option<RawFd>) -> bool {
    // SAFETY: isatty only inspects the descriptor number.
    fd.is_some_and(|fd| unsafe { libc::isatty(fd) } == 1)
}
