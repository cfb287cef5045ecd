//! The `fd_*` functions: descriptors of files, directories and the standard
//! streams. Behaviour follows wasmtime's preview 1: a file's position lives
//! here (reads and writes are positioned), only the first non-empty iovec of a
//! call is transferred, and rights are derived from how a descriptor was
//! opened rather than tracked. The `path_*` functions are in `path.rs`.

use super::mem::Mem;
use super::sandbox::{check, fstat};
use super::{errno, stdio, Errno, FdEntry, FdKind, WasiCtx};
use std::fs::File;
use std::hash::Hasher;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::fs::FileExt;
use std::path::Path;

pub(crate) const FILETYPE_UNKNOWN: u8 = 0;
const FILETYPE_BLOCK_DEVICE: u8 = 1;
const FILETYPE_CHARACTER_DEVICE: u8 = 2;
pub(crate) const FILETYPE_DIRECTORY: u8 = 3;
const FILETYPE_REGULAR_FILE: u8 = 4;
const FILETYPE_SOCKET_STREAM: u8 = 6;
const FILETYPE_SYMBOLIC_LINK: u8 = 7;

pub(crate) const FDFLAGS_APPEND: u16 = 1;
pub(crate) const FDFLAGS_DSYNC: u16 = 2;
pub(crate) const FDFLAGS_NONBLOCK: u16 = 4;
pub(crate) const FDFLAGS_RSYNC: u16 = 8;
pub(crate) const FDFLAGS_SYNC: u16 = 16;

const FSTFLAGS_ATIM: u16 = 1;
const FSTFLAGS_ATIM_NOW: u16 = 2;
const FSTFLAGS_MTIM: u16 = 4;
const FSTFLAGS_MTIM_NOW: u16 = 8;

/// Every right bit WASI preview 1 defines (`fd_datasync` .. `sock_accept`).
pub(crate) const RIGHTS_ALL: u64 = (1 << 30) - 1;

const fn right(bit: u32) -> u64 {
    1 << bit
}
const RIGHT_FD_DATASYNC: u64 = right(0);
const RIGHT_FD_READ: u64 = right(1);
const RIGHT_FD_SEEK: u64 = right(2);
const RIGHT_FD_FDSTAT_SET_FLAGS: u64 = right(3);
const RIGHT_FD_SYNC: u64 = right(4);
const RIGHT_FD_TELL: u64 = right(5);
const RIGHT_FD_WRITE: u64 = right(6);
const RIGHT_FD_ADVISE: u64 = right(7);
const RIGHT_FD_ALLOCATE: u64 = right(8);
const RIGHT_FD_READDIR: u64 = right(14);
const RIGHT_FD_FILESTAT_GET: u64 = right(21);
const RIGHT_FD_FILESTAT_SET_SIZE: u64 = right(22);
const RIGHT_FD_FILESTAT_SET_TIMES: u64 = right(23);
const RIGHT_POLL_FD_READWRITE: u64 = right(27);

/// What `fd_fdstat_get` reports for a directory: the fixed set wasmtime
/// gives, which many guest libcs expect.
const DIR_RIGHTS_BASE: u64 = right(9) // path_create_directory
    | right(10) // path_create_file
    | right(11) // path_link_source
    | right(12) // path_link_target
    | right(13) // path_open
    | RIGHT_FD_READDIR
    | right(15) // path_readlink
    | right(16) // path_rename_source
    | right(17) // path_rename_target
    | right(24) // path_symlink
    | right(25) // path_remove_directory
    | right(26) // path_unlink_file
    | right(18) // path_filestat_get
    | right(20) // path_filestat_set_times
    | RIGHT_FD_FILESTAT_GET
    | RIGHT_FD_FILESTAT_SET_TIMES;
const DIR_RIGHTS_INHERITING: u64 = DIR_RIGHTS_BASE
    | RIGHT_FD_DATASYNC
    | RIGHT_FD_READ
    | RIGHT_FD_SEEK
    | RIGHT_FD_FDSTAT_SET_FLAGS
    | RIGHT_FD_SYNC
    | RIGHT_FD_TELL
    | RIGHT_FD_WRITE
    | RIGHT_FD_ADVISE
    | RIGHT_FD_ALLOCATE
    | RIGHT_FD_FILESTAT_SET_SIZE
    | RIGHT_POLL_FD_READWRITE;

/// An open regular file (or other non-directory).
pub(crate) struct FileFd {
    pub(crate) file: File,
    /// The guest's position: every read and write is positioned, so the
    /// host descriptor's own offset is never used.
    pub(crate) position: u64,
    /// `FDFLAGS_APPEND`: every write goes to the end.
    pub(crate) append: bool,
    /// `FDFLAGS_NONBLOCK`, reported but (as in wasmtime) not applied to files.
    pub(crate) nonblock: bool,
    /// Opened for reading / writing (from `FD_READ` / `FD_WRITE` rights).
    pub(crate) read: bool,
    pub(crate) write: bool,
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
    }
}

/// The WASI file type of a host `st_mode`. A FIFO has no preview 1 code.
pub(crate) fn filetype(mode: libc::mode_t) -> u8 {
    match mode & libc::S_IFMT {
        libc::S_IFREG => FILETYPE_REGULAR_FILE,
        libc::S_IFDIR => FILETYPE_DIRECTORY,
        libc::S_IFLNK => FILETYPE_SYMBOLIC_LINK,
        libc::S_IFCHR => FILETYPE_CHARACTER_DEVICE,
        libc::S_IFBLK => FILETYPE_BLOCK_DEVICE,
        libc::S_IFSOCK => FILETYPE_SOCKET_STREAM,
        _ => FILETYPE_UNKNOWN,
    }
}

/// The inode number a guest sees: wasmtime's metadata hash, a SipHash of
/// the host device and inode, so `d_ino` and `st_ino` agree and stay stable.
pub(crate) fn ino_hash(st: &libc::stat) -> u64 {
    #[allow(deprecated)] // SipHasher13 is unstable; DefaultHasher::new() is it with zero keys
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write_u64(st.st_dev);
    h.write_u64(st.st_ino);
    h.finish()
}

fn timestamp(sec: i64, nsec: i64) -> Result<u64, Errno> {
    if sec < 0 {
        return Ok(0);
    }
    (sec as u64)
        .checked_mul(1_000_000_000)
        .and_then(|ns| ns.checked_add(nsec as u64))
        .ok_or(Errno::OVERFLOW)
}

/// Writes a `filestat` (64 bytes) describing `st` at `ptr`.
pub(crate) fn write_filestat(m: &mut Mem<'_>, ptr: u32, st: &libc::stat) -> Result<(), Errno> {
    let atim = timestamp(st.st_atime, st.st_atime_nsec)?;
    let mtim = timestamp(st.st_mtime, st.st_mtime_nsec)?;
    let ctim = timestamp(st.st_ctime, st.st_ctime_nsec)?;
    let mut buf = [0u8; 64];
    buf[0..8].copy_from_slice(&1u64.to_le_bytes()); // dev, as wasmtime: one device
    buf[8..16].copy_from_slice(&ino_hash(st).to_le_bytes());
    buf[16] = filetype(st.st_mode);
    #[allow(clippy::unnecessary_cast)] // st_nlink is u32 on some targets
    let nlink = st.st_nlink as u64;
    buf[24..32].copy_from_slice(&nlink.to_le_bytes());
    buf[32..40].copy_from_slice(&(st.st_size as u64).to_le_bytes());
    buf[40..48].copy_from_slice(&atim.to_le_bytes());
    buf[48..56].copy_from_slice(&mtim.to_le_bytes());
    buf[56..64].copy_from_slice(&ctim.to_le_bytes());
    m.write(ptr, &buf)
}

/// The two `timespec`s of `utimensat` for `fstflags`: a value, now, or
/// unchanged. Setting a time both to a value and to now is `INVAL`.
pub(crate) fn new_times(atim: u64, mtim: u64, fst: u64) -> Result<[libc::timespec; 2], Errno> {
    let fst = flags16(fst, 0xf)?;
    let one = |set: bool, now: bool, t: u64| -> Result<libc::timespec, Errno> {
        Ok(match (set, now) {
            (true, true) => return Err(Errno::INVAL),
            (true, false) => libc::timespec {
                tv_sec: (t / 1_000_000_000) as libc::time_t,
                tv_nsec: (t % 1_000_000_000) as libc::c_long,
            },
            (false, true) => libc::timespec {
                tv_sec: 0,
                tv_nsec: libc::UTIME_NOW,
            },
            (false, false) => libc::timespec {
                tv_sec: 0,
                tv_nsec: libc::UTIME_OMIT,
            },
        })
    };
    Ok([
        one(fst & FSTFLAGS_ATIM != 0, fst & FSTFLAGS_ATIM_NOW != 0, atim)?,
        one(fst & FSTFLAGS_MTIM != 0, fst & FSTFLAGS_MTIM_NOW != 0, mtim)?,
    ])
}

/// A flags argument of `mask` bits; any other bit is `INVAL` (as the
/// witx decoder in wasmtime rejects it before the call).
pub(crate) fn flags16(raw: u64, mask: u16) -> Result<u16, Errno> {
    let v = raw as u32;
    if v & !u32::from(mask) != 0 {
        return Err(Errno::INVAL);
    }
    Ok(v as u16)
}

/// The first iovec with a non-zero length, or an empty one.
fn first_non_empty(iovs: &[(u32, u32)]) -> (u32, u32) {
    iovs.iter()
        .copied()
        .find(|&(_, len)| len != 0)
        .unwrap_or((0, 0))
}

/// Retries a host call interrupted by a signal.
fn retry<T>(mut f: impl FnMut() -> io::Result<T>) -> Result<T, Errno> {
    loop {
        match f() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r.map_err(Errno::from),
        }
    }
}

impl WasiCtx {
    /// The open file `fd`; `BADF` for anything else.
    fn file(&mut self, fd: u64) -> Result<&mut FileFd, Errno> {
        match &mut self.fd(fd as u32)?.kind {
            FdKind::File(f) => Ok(f),
            _ => Err(Errno::BADF),
        }
    }

    /// The file `fd` for a seek or tell: a stream is `SPIPE`.
    fn seekable(&mut self, fd: u64) -> Result<&mut FileFd, Errno> {
        match &mut self.fd(fd as u32)?.kind {
            FdKind::File(f) => Ok(f),
            FdKind::Stdin(_) | FdKind::Output(_) => Err(Errno::SPIPE),
            FdKind::Dir(_) => Err(Errno::BADF),
        }
    }

    /// The host descriptor of file or directory `fd`; a stream is `BADF`.
    fn host_fd(&mut self, fd: u64) -> Result<RawFd, Errno> {
        match &self.fd(fd as u32)?.kind {
            FdKind::File(f) => Ok(f.file.as_raw_fd()),
            FdKind::Dir(d) => Ok(d.dir.as_raw_fd()),
            _ => Err(Errno::BADF),
        }
    }
}

pub(crate) fn fd_advise(cx: &mut WasiCtx, _: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let advice = match a[3] as u32 {
        0 => libc::POSIX_FADV_NORMAL,
        1 => libc::POSIX_FADV_SEQUENTIAL,
        2 => libc::POSIX_FADV_RANDOM,
        3 => libc::POSIX_FADV_WILLNEED,
        4 => libc::POSIX_FADV_DONTNEED,
        5 => libc::POSIX_FADV_NOREUSE,
        _ => return Err(Errno::INVAL),
    };
    let f = cx.file(a[0])?;
    let offset = i64::try_from(a[1]).map_err(|_| Errno::INVAL)?;
    let len = i64::try_from(a[2]).map_err(|_| Errno::INVAL)?;
    // SAFETY: posix_fadvise only reads its integer arguments.
    let r = unsafe { libc::posix_fadvise(f.file.as_raw_fd(), offset, len, advice) };
    if r != 0 {
        return Err(errno::from_host(r));
    }
    Ok(())
}

pub(crate) fn fd_allocate(cx: &mut WasiCtx, _: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    // wasmtime does not implement it for any file.
    cx.file(a[0])?;
    Err(Errno::NOTSUP)
}

pub(crate) fn fd_close(cx: &mut WasiCtx, _: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let fd = a[0] as u32;
    cx.fds.remove(&fd).ok_or(Errno::BADF)?;
    cx.free.insert(fd);
    Ok(())
}

pub(crate) fn fd_datasync(cx: &mut WasiCtx, _: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let f = cx.file(a[0])?;
    retry(|| f.file.sync_data())
}

pub(crate) fn fd_sync(cx: &mut WasiCtx, _: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let f = cx.file(a[0])?;
    retry(|| f.file.sync_all())
}

/// The `fdflags` of a host descriptor's sync bits, mapped as wasmtime does
/// (its host `O_DSYNC` shows as `RSYNC`, `O_RSYNC` as `DSYNC`).
fn host_sync_flags(fd: RawFd) -> Result<u16, Errno> {
    // SAFETY: F_GETFL only reads the descriptor's status flags.
    let fl = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    check(fl)?;
    let has = |bits: i32| fl & bits == bits;
    let mut out = 0;
    if has(libc::O_DSYNC) {
        out |= FDFLAGS_RSYNC;
    }
    if has(libc::O_RSYNC) {
        out |= FDFLAGS_DSYNC;
    }
    if has(libc::O_SYNC) {
        out |= FDFLAGS_SYNC;
    }
    Ok(out)
}

pub(crate) fn fd_fdstat_get(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let (filetype, flags, base, inheriting) = match &cx.fd(a[0] as u32)?.kind {
        FdKind::Stdin(input) => (stdio_type(input.host_fd()), 0, RIGHT_FD_READ, RIGHT_FD_READ),
        FdKind::Output(out) => (stdio_type(out.host_fd()), 0, RIGHT_FD_WRITE, RIGHT_FD_WRITE),
        // Every directory shows the fixed set wasmtime gives.
        FdKind::Dir(_) => (
            FILETYPE_DIRECTORY,
            0,
            DIR_RIGHTS_BASE,
            DIR_RIGHTS_INHERITING,
        ),
        FdKind::File(f) => {
            let fd = f.file.as_raw_fd();
            let mut rights = RIGHTS_ALL;
            if !f.read {
                rights &= !(RIGHT_FD_READ | RIGHT_FD_READDIR);
            }
            if !f.write {
                rights &= !RIGHT_FD_WRITE;
            }
            let ty = filetype(fstat(fd)?.st_mode);
            let mut flags = host_sync_flags(fd)?;
            if f.append {
                flags |= FDFLAGS_APPEND;
            }
            if f.nonblock {
                flags |= FDFLAGS_NONBLOCK;
            }
            (ty, flags, rights, rights)
        }
    };
    let mut buf = [0u8; 24];
    buf[0] = filetype;
    buf[2..4].copy_from_slice(&flags.to_le_bytes());
    buf[8..16].copy_from_slice(&base.to_le_bytes());
    buf[16..24].copy_from_slice(&inheriting.to_le_bytes());
    m.write(a[1] as u32, &buf)
}

/// A standard stream is a character device when it is a terminal, else of
/// unknown type.
fn stdio_type(host: Option<RawFd>) -> u8 {
    if stdio::is_tty(host) {
        FILETYPE_CHARACTER_DEVICE
    } else {
        FILETYPE_UNKNOWN
    }
}

pub(crate) fn fd_fdstat_set_flags(
    cx: &mut WasiCtx,
    _: &mut Mem<'_>,
    a: &[u64],
) -> Result<(), Errno> {
    let flags = flags16(a[1], 0x1f)?;
    let f = cx.file(a[0])?;
    // Only APPEND and NONBLOCK can change after opening.
    if flags & (FDFLAGS_DSYNC | FDFLAGS_RSYNC | FDFLAGS_SYNC) != 0 {
        return Err(Errno::INVAL);
    }
    f.append = flags & FDFLAGS_APPEND != 0;
    f.nonblock = flags & FDFLAGS_NONBLOCK != 0;
    Ok(())
}

pub(crate) fn fd_fdstat_set_rights(
    cx: &mut WasiCtx,
    _: &mut Mem<'_>,
    a: &[u64],
) -> Result<(), Errno> {
    if (a[1] | a[2]) & !RIGHTS_ALL != 0 {
        return Err(Errno::INVAL);
    }
    // Rights are not tracked: as in wasmtime, changing them is unsupported.
    cx.host_fd(a[0])?;
    Err(Errno::NOTSUP)
}

pub(crate) fn fd_filestat_get(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let (fd, ptr) = (a[0], a[1] as u32);
    let host = match &cx.fd(fd as u32)?.kind {
        FdKind::Stdin(i) => Err(stdio_type(i.host_fd())),
        FdKind::Output(o) => Err(stdio_type(o.host_fd())),
        FdKind::File(f) => Ok(f.file.as_raw_fd()),
        FdKind::Dir(d) => Ok(d.dir.as_raw_fd()),
    };
    match host {
        Ok(fd) => write_filestat(m, ptr, &fstat(fd)?),
        Err(ty) => {
            let mut buf = [0u8; 64];
            buf[16] = ty;
            m.write(ptr, &buf)
        }
    }
}

pub(crate) fn fd_filestat_set_size(
    cx: &mut WasiCtx,
    _: &mut Mem<'_>,
    a: &[u64],
) -> Result<(), Errno> {
    let f = cx.file(a[0])?;
    retry(|| f.file.set_len(a[1]))
}

pub(crate) fn fd_filestat_set_times(
    cx: &mut WasiCtx,
    _: &mut Mem<'_>,
    a: &[u64],
) -> Result<(), Errno> {
    let times = new_times(a[1], a[2], a[3])?;
    let fd = cx.host_fd(a[0])?;
    // SAFETY: `times` points to two valid timespecs.
    check(unsafe { libc::futimens(fd, times.as_ptr()) })
}

pub(crate) fn fd_read(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let (fd, iovs, n, out) = (a[0] as u32, a[1] as u32, a[2] as u32, a[3] as u32);
    let nread = match &mut cx.fd(fd)?.kind {
        FdKind::File(f) => {
            let (buf, len) = first_non_empty(&m.iovecs(iovs, n)?);
            let dst = m.slice_mut(buf, len)?;
            let got = retry(|| f.file.read_at(dst, f.position))?;
            f.position = f.position.checked_add(got as u64).ok_or(Errno::OVERFLOW)?;
            got
        }
        FdKind::Stdin(input) => {
            let (buf, len) = first_non_empty(&m.iovecs(iovs, n)?);
            let dst = m.slice_mut(buf, len)?;
            retry(|| input.read(dst))?
        }
        _ => return Err(Errno::BADF),
    };
    m.write_u32(out, nread as u32)
}

pub(crate) fn fd_pread(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let (fd, iovs, n, offset, out) = (a[0] as u32, a[1] as u32, a[2] as u32, a[3], a[4] as u32);
    let f = match &mut cx.fd(fd)?.kind {
        FdKind::File(f) => f,
        FdKind::Stdin(_) => return Err(Errno::SPIPE),
        _ => return Err(Errno::BADF),
    };
    let (buf, len) = first_non_empty(&m.iovecs(iovs, n)?);
    let dst = m.slice_mut(buf, len)?;
    let got = if dst.is_empty() {
        0
    } else {
        retry(|| f.file.read_at(dst, offset))?
    };
    m.write_u32(out, got as u32)
}

/// Writes at the end of `file`, whatever its length is by then.
fn append(file: &File, data: &[u8]) -> Result<usize, Errno> {
    let iov = libc::iovec {
        iov_base: data.as_ptr() as *mut libc::c_void,
        iov_len: data.len(),
    };
    let fd = file.as_raw_fd();
    let r = retry(|| {
        // SAFETY: `iov` describes `data`, which outlives the call; the kernel only reads it.
        let r = unsafe { libc::pwritev2(fd, &iov, 1, -1, libc::RWF_APPEND) };
        if r < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(r as usize)
        }
    });
    match r {
        // A kernel before 4.16, or an emulator (qemu-user), without
        // `RWF_APPEND`: the descriptor's own append mode, for this write
        // (WASI calls run one at a time, and the descriptor is ours alone).
        Err(Errno::NOTSUP | Errno::NOSYS | Errno::INVAL) => append_by_flag(fd, data),
        r => r,
    }
}

/// [`append`] through `O_APPEND`, set for one `write` and then restored.
fn append_by_flag(fd: std::os::fd::RawFd, data: &[u8]) -> Result<usize, Errno> {
    // SAFETY: fcntl on a descriptor we own; the result is checked.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(Errno::from(io::Error::last_os_error()));
    }
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_APPEND) } < 0 {
        return Err(Errno::from(io::Error::last_os_error()));
    }
    let r = retry(|| {
        // SAFETY: `data` is valid for its length; the kernel only reads it.
        let r = unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) };
        if r < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(r as usize)
        }
    });
    // SAFETY: as above: the descriptor's flags as they were.
    unsafe { libc::fcntl(fd, libc::F_SETFL, flags) };
    r
}

/// `fd_write` (`at` is `None`) and `fd_pwrite`.
fn write_impl(
    cx: &mut WasiCtx,
    m: &mut Mem<'_>,
    fd: u32,
    iovs: u32,
    n: u32,
    at: Option<u64>,
) -> Result<usize, Errno> {
    match &mut cx.fd(fd)?.kind {
        FdKind::File(f) => {
            let (buf, len) = first_non_empty(&m.iovecs(iovs, n)?);
            let data = m.slice(buf, len)?;
            // In append mode even a positioned write appends (Linux pwrite).
            let written = if f.append {
                append(&f.file, data)?
            } else {
                let pos = at.unwrap_or(f.position);
                retry(|| f.file.write_at(data, pos))?
            };
            if at.is_none() {
                f.position = if f.append {
                    fstat(f.file.as_raw_fd())?.st_size as u64
                } else {
                    f.position
                        .checked_add(written as u64)
                        .ok_or(Errno::OVERFLOW)?
                };
            }
            Ok(written)
        }
        FdKind::Output(out) => {
            if at.is_some() {
                return Err(Errno::SPIPE);
            }
            let (buf, len) = first_non_empty(&m.iovecs(iovs, n)?);
            Ok(out.write(m.slice(buf, len)?)?)
        }
        _ => Err(Errno::BADF),
    }
}

pub(crate) fn fd_write(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let n = write_impl(cx, m, a[0] as u32, a[1] as u32, a[2] as u32, None)?;
    m.write_u32(a[3] as u32, n as u32)
}

pub(crate) fn fd_pwrite(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let n = write_impl(cx, m, a[0] as u32, a[1] as u32, a[2] as u32, Some(a[3]))?;
    m.write_u32(a[4] as u32, n as u32)
}

pub(crate) fn fd_prestat_get(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    match &cx.fd(a[0] as u32)?.kind {
        FdKind::Dir(DirFd {
            preopen: Some(name),
            ..
        }) => {
            let len = u32::try_from(name.len()).map_err(|_| Errno::OVERFLOW)?;
            let mut buf = [0u8; 8]; // tag 0: a directory
            buf[4..8].copy_from_slice(&len.to_le_bytes());
            m.write(a[1] as u32, &buf)
        }
        _ => Err(Errno::BADF),
    }
}

pub(crate) fn fd_prestat_dir_name(
    cx: &mut WasiCtx,
    m: &mut Mem<'_>,
    a: &[u64],
) -> Result<(), Errno> {
    match &cx.fd(a[0] as u32)?.kind {
        FdKind::Dir(DirFd {
            preopen: Some(name),
            ..
        }) => {
            if name.len() > a[2] as u32 as usize {
                return Err(Errno::NAMETOOLONG);
            }
            m.write(a[1] as u32, name.as_bytes())
        }
        _ => Err(Errno::NOTDIR),
    }
}

pub(crate) fn fd_renumber(cx: &mut WasiCtx, _: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let (from, to) = (a[0] as u32, a[1] as u32);
    if !cx.fds.contains_key(&from) || !cx.fds.contains_key(&to) {
        return Err(Errno::BADF);
    }
    if from != to {
        let entry = cx.fds.remove(&from).ok_or(Errno::BADF)?;
        cx.free.insert(from);
        cx.fds.insert(to, entry);
    }
    Ok(())
}

pub(crate) fn fd_seek(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let (offset, whence) = (a[1] as i64, a[2] as u32);
    if whence > 2 {
        return Err(Errno::INVAL);
    }
    let f = cx.seekable(a[0])?;
    let pos = match whence {
        0 => u64::try_from(offset).map_err(|_| Errno::INVAL)?,
        1 => f.position.checked_add_signed(offset).ok_or(Errno::INVAL)?,
        _ => (fstat(f.file.as_raw_fd())?.st_size as u64)
            .checked_add_signed(offset)
            .ok_or(Errno::INVAL)?,
    };
    f.position = pos;
    m.write_u64(a[3] as u32, pos)
}

pub(crate) fn fd_tell(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let pos = cx.seekable(a[0])?.position;
    m.write_u64(a[1] as u32, pos)
}

/// Whether a file's position is at or past its end (for `poll_oneoff`).
pub(crate) fn at_eof(f: &FileFd) -> bool {
    fstat(f.file.as_raw_fd()).is_ok_and(|st| st.st_size as u64 <= f.position)
}
