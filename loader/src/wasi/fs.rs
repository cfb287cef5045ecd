//! The `fd_*` and `path_*` functions, and path resolution that never leaves
//! a preopened directory.

use super::mem::Mem;
use super::{Errno, FdEntry, FdKind, WasiCtx};
use std::fs::File;
use std::io;
use std::path::Path;

/// Every right bit WASI preview 1 defines.
pub(crate) const RIGHTS_ALL: u64 = (1 << 29) - 1;

/// An open regular file (or other non-directory).
pub(crate) struct FileFd {
    pub(crate) file: File,
}

/// An open directory; `preopen` is its guest name when it was preopened.
pub(crate) struct DirFd {
    pub(crate) dir: File,
    pub(crate) preopen: Option<String>,
}

/// Opens a host directory to preopen.
pub(crate) fn open_preopen(host: &Path) -> io::Result<File> {
    let f = File::open(host)?;
    if !f.metadata()?.is_dir() {
        return Err(io::Error::from_raw_os_error(libc::ENOTDIR));
    }
    Ok(f)
}

pub(crate) fn preopen_entry(dir: File, guest: String) -> FdEntry {
    FdEntry {
        kind: FdKind::Dir(DirFd {
            dir,
            preopen: Some(guest),
        }),
        flags: 0,
        rights_base: RIGHTS_ALL,
        rights_inheriting: RIGHTS_ALL,
    }
}

pub(crate) fn fd_advise(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_allocate(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_close(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_datasync(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_fdstat_get(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_fdstat_set_flags(
    _cx: &mut WasiCtx,
    _m: &mut Mem<'_>,
    _a: &[u64],
) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_fdstat_set_rights(
    _cx: &mut WasiCtx,
    _m: &mut Mem<'_>,
    _a: &[u64],
) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_filestat_get(
    _cx: &mut WasiCtx,
    _m: &mut Mem<'_>,
    _a: &[u64],
) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_filestat_set_size(
    _cx: &mut WasiCtx,
    _m: &mut Mem<'_>,
    _a: &[u64],
) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_filestat_set_times(
    _cx: &mut WasiCtx,
    _m: &mut Mem<'_>,
    _a: &[u64],
) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_pread(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_prestat_get(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_prestat_dir_name(
    _cx: &mut WasiCtx,
    _m: &mut Mem<'_>,
    _a: &[u64],
) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_pwrite(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_read(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_readdir(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_renumber(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_seek(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_sync(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_tell(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn fd_write(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let data = m.gather(a[1] as u32, a[2] as u32)?;
    let n = match &mut cx.fd(a[0] as u32)?.kind {
        FdKind::Output(out) => out.write(&data)?,
        _ => return Err(Errno::BADF),
    };
    m.write_u32(a[3] as u32, n as u32)
}

pub(crate) fn path_create_directory(
    _cx: &mut WasiCtx,
    _m: &mut Mem<'_>,
    _a: &[u64],
) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn path_filestat_get(
    _cx: &mut WasiCtx,
    _m: &mut Mem<'_>,
    _a: &[u64],
) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn path_filestat_set_times(
    _cx: &mut WasiCtx,
    _m: &mut Mem<'_>,
    _a: &[u64],
) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn path_link(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn path_open(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn path_readlink(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn path_remove_directory(
    _cx: &mut WasiCtx,
    _m: &mut Mem<'_>,
    _a: &[u64],
) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn path_rename(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn path_symlink(_cx: &mut WasiCtx, _m: &mut Mem<'_>, _a: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

pub(crate) fn path_unlink_file(
    _cx: &mut WasiCtx,
    _m: &mut Mem<'_>,
    _a: &[u64],
) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

/// Whether a file's position is at or past its end (for `poll_oneoff`).
pub(crate) fn at_eof(_f: &FileFd) -> bool {
    false
}
