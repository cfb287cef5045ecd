//! WASI preview 1 (`wasi_snapshot_preview1`): every function, over a
//! deny-by-default context. A guest sees only the arguments, environment
//! variables and preopened directories its embedder grants.
//!
//! ```no_run
//! use zwasm_loader::wasi::{Wasi, WasiConfig};
//! use zwasm_loader::{Linker, Module, Store};
//! let module = Module::from_file("app.zwo".as_ref())?;
//! let mut store = Store::new();
//! let mut linker = Linker::new();
//! let config = WasiConfig::new().arg("app").preopen_dir("data", "/data")?;
//! let wasi = Wasi::add_to_linker(&mut linker, &mut store, config);
//! let instance = linker.instantiate(&mut store, &module)?;
//! let exit = wasi.run_start(&mut store, instance)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Layout: this file holds the context and the import table; `mem.rs` the
//! guest-memory helpers, `errno.rs` errno; `fs.rs` the `fd_*` functions,
//! `readdir.rs` `fd_readdir`, `path.rs` the `path_*` functions and
//! `sandbox.rs` the path resolution that never leaves a preopen; `misc.rs`
//! args, environment, clocks, random, `poll_oneoff`, processes and sockets;
//! `stdio.rs` the standard streams.

mod errno;
mod fs;
mod mem;
mod misc;
mod path;
mod readdir;
mod sandbox;
#[cfg(test)]
mod sandbox_tests;
mod stdio;

pub use errno::Errno;
pub use stdio::{InputPipe, OutputPipe};

use crate::error::{Error, Trap};
use crate::store::{Caller, Extern, Instance, Store};
use crate::values::Val;
use crate::Linker;
use mem::Mem;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use zwasm_abi::module::{FuncType, ValType};

/// The import module name of WASI preview 1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// What a guest may see: built by the embedder, consumed by
/// [`Wasi::add_to_linker`]. Empty by default: no arguments, no environment,
/// no directories, stdin empty, stdout and stderr discarded. [`WasiConfig::inherit_stdio`]
/// gives the host's streams.
#[derive(Default)]
pub struct WasiConfig {
    args: Vec<String>,
    env: Vec<(String, String)>,
    preopens: Vec<(File, String)>,
    stdin: stdio::Input,
    stdout: stdio::Output,
    stderr: stdio::Output,
}

impl WasiConfig {
    /// An empty configuration.
    pub fn new() -> WasiConfig {
        WasiConfig::default()
    }

    /// Appends one argument (the first is the program name, `argv[0]`).
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends arguments.
    pub fn args<S: Into<String>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets one environment variable (a later one of the same name wins).
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.env.retain(|(n, _)| *n != name);
        self.env.push((name, value.into()));
        self
    }

    /// Opens the host directory `host` and shows it to the guest as `guest`
    /// (fd 3 for the first preopen, then 4, ...). Fails when `host` is not a
    /// directory that can be opened.
    pub fn preopen_dir(
        mut self,
        host: impl AsRef<Path>,
        guest: impl Into<String>,
    ) -> Result<Self, Error> {
        let host = host.as_ref();
        let dir = fs::open_preopen(host).map_err(|e| {
            Error::Usage(format!(
                "cannot open directory `{}` to preopen: {e}",
                host.display()
            ))
        })?;
        self.preopens.push((dir, guest.into()));
        Ok(self)
    }

    /// The host's stdin, stdout and stderr, unbuffered.
    pub fn inherit_stdio(mut self) -> Self {
        self.stdin = stdio::Input::Inherit;
        self.stdout = stdio::Output::Inherit(stdio::Stream::Stdout);
        self.stderr = stdio::Output::Inherit(stdio::Stream::Stderr);
        self
    }

    /// The guest's stdin reads these bytes, then end of file.
    pub fn stdin_bytes(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = stdio::Input::Bytes(std::io::Cursor::new(bytes.into()));
        self
    }

    /// The guest's stdin reads from `pipe` (see [`InputPipe`]).
    pub fn stdin_pipe(mut self, pipe: InputPipe) -> Self {
        self.stdin = stdio::Input::Pipe(pipe);
        self
    }

    /// The guest's stdin reads this file.
    pub fn stdin_file(mut self, file: File) -> Self {
        self.stdin = stdio::Input::File(file);
        self
    }

    /// The guest's stdout goes to `out` (a file or a shared buffer).
    pub fn stdout(mut self, out: impl Into<OutputTarget>) -> Self {
        self.stdout = out.into().0;
        self
    }

    /// The guest's stderr goes to `out` (a file or a shared buffer).
    pub fn stderr(mut self, out: impl Into<OutputTarget>) -> Self {
        self.stderr = out.into().0;
        self
    }
}

/// Where a guest output stream goes: a file ([`File`]) or a buffer the
/// embedder reads afterwards ([`OutputPipe`]).
pub struct OutputTarget(stdio::Output);

impl From<File> for OutputTarget {
    fn from(f: File) -> Self {
        OutputTarget(stdio::Output::File(f))
    }
}

impl From<OutputPipe> for OutputTarget {
    fn from(p: OutputPipe) -> Self {
        OutputTarget(stdio::Output::Pipe(p))
    }
}

/// WASI defined in a linker: the handle to run a command and read its exit.
#[derive(Clone)]
pub struct Wasi {
    #[allow(dead_code)] // the handle owns a share of the context for embedder accessors to come
    ctx: Arc<Mutex<WasiCtx>>,
}

/// How a WASI command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `_start` returned, or the guest called `proc_exit(status)`.
    Status(i32),
}

impl Wasi {
    /// Defines all 46 `wasi_snapshot_preview1` functions in `linker`, as host
    /// functions of `store`, over the context built from `config`.
    pub fn add_to_linker(linker: &mut Linker, store: &mut Store, config: WasiConfig) -> Wasi {
        let ctx = Arc::new(Mutex::new(WasiCtx::new(config)));
        for &(name, params, has_result, f) in FUNCS {
            let ty = FuncType {
                params: params
                    .bytes()
                    .map(|c| {
                        if c == b'I' {
                            ValType::I64
                        } else {
                            ValType::I32
                        }
                    })
                    .collect(),
                results: if has_result {
                    vec![ValType::I32]
                } else {
                    vec![]
                },
            };
            let ctx = ctx.clone();
            let func = store.host_func(ty, move |caller, args, results| {
                call(&ctx, caller, f, args, results)
            });
            linker.define(MODULE, name, Extern::Func(func));
        }
        Wasi { ctx }
    }

    /// Runs a command: calls the instance's `_start` export. A normal return
    /// is exit status 0, `proc_exit(n)` is `n`; a trap is an error.
    pub fn run_start(&self, store: &mut Store, instance: Instance) -> Result<Exit, Error> {
        let start = store
            .get_func(instance, "_start")
            .ok_or_else(|| Error::Usage("the module exports no `_start` function".into()))?;
        match store.call(start, &[]) {
            Ok(_) => Ok(Exit::Status(0)),
            Err(e) => match exit_status(&e) {
                Some(status) => Ok(Exit::Status(status)),
                None => Err(e),
            },
        }
    }
}

/// The exit status, when `e` is a guest's `proc_exit` rather than a fault.
pub fn exit_status(e: &Error) -> Option<i32> {
    e.as_trap().and_then(|t| t.exit_status)
}

/// One WASI function: reads raw arguments and guest memory, returns an errno.
type WasiFn = fn(&mut WasiCtx, &mut Mem<'_>, &[u64]) -> Result<(), Errno>;

/// `proc_exit`, the one function that does not return: it unwinds the guest.
const EXIT: Option<WasiFn> = None;

fn call(
    ctx: &Mutex<WasiCtx>,
    caller: &mut Caller<'_>,
    f: Option<WasiFn>,
    args: &[Val],
    results: &mut [Val],
) -> Result<(), Trap> {
    let mut raw = [0u64; 9];
    for (r, a) in raw.iter_mut().zip(args) {
        *r = a.to_raw();
    }
    let Some(f) = f else {
        return Err(Trap::exit(raw[0] as i32));
    };
    // A poisoned lock means an earlier call panicked: the state is still
    // usable (each call leaves it consistent before it can panic).
    let mut ctx = ctx.lock().unwrap_or_else(|p| p.into_inner());
    let mut empty = [];
    let bytes = caller.memory().unwrap_or(&mut empty);
    let mut mem = Mem::new(bytes);
    let errno = match f(&mut ctx, &mut mem, &raw[..args.len()]) {
        Ok(()) => 0,
        Err(e) => e.0 as i32,
    };
    if let Some(r) = results.first_mut() {
        *r = Val::I32(errno);
    }
    Ok(())
}

/// Name, parameter types (`i` i32, `I` i64), whether it returns an errno, and
/// the implementation.
#[rustfmt::skip]
const FUNCS: &[(&str, &str, bool, Option<WasiFn>)] = &[
    ("args_get", "ii", true, Some(misc::args_get)),
    ("args_sizes_get", "ii", true, Some(misc::args_sizes_get)),
    ("environ_get", "ii", true, Some(misc::environ_get)),
    ("environ_sizes_get", "ii", true, Some(misc::environ_sizes_get)),
    ("clock_res_get", "ii", true, Some(misc::clock_res_get)),
    ("clock_time_get", "iIi", true, Some(misc::clock_time_get)),
    ("fd_advise", "iIIi", true, Some(fs::fd_advise)),
    ("fd_allocate", "iII", true, Some(fs::fd_allocate)),
    ("fd_close", "i", true, Some(fs::fd_close)),
    ("fd_datasync", "i", true, Some(fs::fd_datasync)),
    ("fd_fdstat_get", "ii", true, Some(fs::fd_fdstat_get)),
    ("fd_fdstat_set_flags", "ii", true, Some(fs::fd_fdstat_set_flags)),
    ("fd_fdstat_set_rights", "iII", true, Some(fs::fd_fdstat_set_rights)),
    ("fd_filestat_get", "ii", true, Some(fs::fd_filestat_get)),
    ("fd_filestat_set_size", "iI", true, Some(fs::fd_filestat_set_size)),
    ("fd_filestat_set_times", "iIIi", true, Some(fs::fd_filestat_set_times)),
    ("fd_pread", "iiiIi", true, Some(fs::fd_pread)),
    ("fd_prestat_get", "ii", true, Some(fs::fd_prestat_get)),
    ("fd_prestat_dir_name", "iii", true, Some(fs::fd_prestat_dir_name)),
    ("fd_pwrite", "iiiIi", true, Some(fs::fd_pwrite)),
    ("fd_read", "iiii", true, Some(fs::fd_read)),
    ("fd_readdir", "iiiIi", true, Some(readdir::fd_readdir)),
    ("fd_renumber", "ii", true, Some(fs::fd_renumber)),
    ("fd_seek", "iIii", true, Some(fs::fd_seek)),
    ("fd_sync", "i", true, Some(fs::fd_sync)),
    ("fd_tell", "ii", true, Some(fs::fd_tell)),
    ("fd_write", "iiii", true, Some(fs::fd_write)),
    ("path_create_directory", "iii", true, Some(path::path_create_directory)),
    ("path_filestat_get", "iiiii", true, Some(path::path_filestat_get)),
    ("path_filestat_set_times", "iiiiIIi", true, Some(path::path_filestat_set_times)),
    ("path_link", "iiiiiii", true, Some(path::path_link)),
    ("path_open", "iiiiiIIii", true, Some(path::path_open)),
    ("path_readlink", "iiiiii", true, Some(path::path_readlink)),
    ("path_remove_directory", "iii", true, Some(path::path_remove_directory)),
    ("path_rename", "iiiiii", true, Some(path::path_rename)),
    ("path_symlink", "iiiii", true, Some(path::path_symlink)),
    ("path_unlink_file", "iii", true, Some(path::path_unlink_file)),
    ("poll_oneoff", "iiii", true, Some(misc::poll_oneoff)),
    ("proc_exit", "i", false, EXIT),
    ("proc_raise", "i", true, Some(misc::proc_raise)),
    ("sched_yield", "", true, Some(misc::sched_yield)),
    ("random_get", "ii", true, Some(misc::random_get)),
    ("sock_accept", "iii", true, Some(misc::sock_accept)),
    ("sock_recv", "iiiiii", true, Some(misc::sock_recv)),
    ("sock_send", "iiiii", true, Some(misc::sock_send)),
    ("sock_shutdown", "ii", true, Some(misc::sock_shutdown)),
];

/// The state behind a guest's WASI calls.
pub(crate) struct WasiCtx {
    pub(crate) args: Vec<String>,
    /// `NAME=VALUE` strings, in order.
    pub(crate) env: Vec<String>,
    /// The descriptor table.
    pub(crate) fds: BTreeMap<u32, FdEntry>,
    /// Numbers freed by `fd_close` or `fd_renumber`, reused highest first.
    pub(crate) free: BTreeSet<u32>,
}

/// One open descriptor. Rights are not stored: as in wasmtime, what a
/// descriptor may do follows from how it was opened.
pub(crate) struct FdEntry {
    pub(crate) kind: FdKind,
}

pub(crate) enum FdKind {
    Stdin(stdio::Input),
    /// stdout (fd 1) or stderr (fd 2), or either after `fd_renumber`.
    Output(stdio::Output),
    File(fs::FileFd),
    Dir(fs::DirFd),
}

impl WasiCtx {
    fn new(config: WasiConfig) -> WasiCtx {
        let mut fds = BTreeMap::new();
        fds.insert(
            0,
            FdEntry {
                kind: FdKind::Stdin(config.stdin),
            },
        );
        fds.insert(
            1,
            FdEntry {
                kind: FdKind::Output(config.stdout),
            },
        );
        fds.insert(
            2,
            FdEntry {
                kind: FdKind::Output(config.stderr),
            },
        );
        for (n, (dir, guest)) in (3..).zip(config.preopens) {
            fds.insert(n, fs::preopen_entry(dir, guest));
        }
        WasiCtx {
            args: config.args,
            env: config
                .env
                .into_iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect(),
            fds,
            free: BTreeSet::new(),
        }
    }

    /// The entry of `fd`, or `BADF`.
    pub(crate) fn fd(&mut self, fd: u32) -> Result<&mut FdEntry, Errno> {
        self.fds.get_mut(&fd).ok_or(Errno::BADF)
    }

    /// Stores `entry` under a new descriptor number, wasmtime's way: the
    /// highest freed number first, else one past the highest in use.
    pub(crate) fn insert(&mut self, entry: FdEntry) -> Result<u32, Errno> {
        let n = match self.free.pop_last() {
            Some(n) => n,
            None => match self.fds.last_key_value() {
                None => 0,
                Some((&last, _)) => match last.checked_add(1) {
                    Some(n) => n,
                    None => (0..u32::MAX)
                        .rev()
                        .find(|n| !self.fds.contains_key(n))
                        .ok_or(Errno::NFILE)?,
                },
            },
        };
        self.fds.insert(n, entry);
        Ok(n)
    }
}

/// Looks up a host directory for `--dir`-style flags: `HOST[::GUEST]`.
pub fn parse_dir_flag(spec: &str) -> (PathBuf, String) {
    match spec.split_once("::") {
        Some((host, guest)) => (PathBuf::from(host), guest.to_string()),
        None => (PathBuf::from(spec), spec.to_string()),
    }
}
