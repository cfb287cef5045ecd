//! The `path_*` functions. Each resolves its guest path beneath a directory
//! descriptor through `sandbox.rs`; none can reach outside a preopen.
//! Errnos follow wasmtime's preview 1 (cap-std): an escape or an absolute
//! path is `PERM`, a file where a directory descriptor is expected `BADF`
//! (`NOTDIR` for `path_open`).

use super::fs::{self, flags16, new_times, write_filestat, DirFd, FileFd, RIGHTS_ALL};
use super::mem::Mem;
use super::sandbox::{check, cstr, fstat, open_beneath, parent};
use super::{Errno, FdEntry, FdKind, WasiCtx};
use std::fs::File;
use std::os::fd::{AsRawFd, RawFd};

const LOOKUPFLAGS_SYMLINK_FOLLOW: u16 = 1;

const OFLAGS_CREAT: u16 = 1;
const OFLAGS_DIRECTORY: u16 = 2;
const OFLAGS_EXCL: u16 = 4;
const OFLAGS_TRUNC: u16 = 8;

const RIGHT_FD_READ: u64 = 1 << 1;
const RIGHT_FD_WRITE: u64 = 1 << 6;

impl WasiCtx {
    /// The host descriptor of directory `fd`; anything else is `BADF`.
    fn dir(&mut self, fd: u64) -> Result<RawFd, Errno> {
        match &self.fd(fd as u32)?.kind {
            FdKind::Dir(d) => Ok(d.dir.as_raw_fd()),
            _ => Err(Errno::BADF),
        }
    }
}

/// `O_NOFOLLOW` unless the lookup flags ask to follow a final symlink.
fn nofollow(lookup: u64) -> Result<i32, Errno> {
    let follow = flags16(lookup, LOOKUPFLAGS_SYMLINK_FOLLOW)? & LOOKUPFLAGS_SYMLINK_FOLLOW != 0;
    Ok(if follow { 0 } else { libc::O_NOFOLLOW })
}

pub(crate) fn path_open(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let nofollow = nofollow(a[1])?;
    let oflags = flags16(a[4], 0xf)?;
    let (rights, inheriting) = (a[5], a[6]);
    if (rights | inheriting) & !RIGHTS_ALL != 0 {
        return Err(Errno::INVAL);
    }
    let fdflags = flags16(a[7], 0x1f)?;
    let path = m.str(a[2] as u32, a[3] as u32)?.to_owned();
    let dir = match &cx.fd(a[0] as u32)?.kind {
        FdKind::Dir(d) => d.dir.as_raw_fd(),
        FdKind::File(_) => return Err(Errno::NOTDIR),
        _ => return Err(Errno::BADF),
    };
    if oflags & OFLAGS_DIRECTORY != 0 && oflags & (OFLAGS_CREAT | OFLAGS_EXCL | OFLAGS_TRUNC) != 0 {
        return Err(Errno::INVAL);
    }

    // The rights decide the access mode as wasmtime does: FD_WRITE (or
    // creating or truncating) writes; without FD_WRITE it also reads, so the
    // host lets the file be opened at all.
    let read = rights & RIGHT_FD_READ != 0;
    let write = rights & RIGHT_FD_WRITE != 0;
    let mut flags = libc::O_NOCTTY | nofollow;
    let mut host_write = write;
    if oflags & OFLAGS_CREAT != 0 {
        flags |= libc::O_CREAT;
        if oflags & OFLAGS_EXCL != 0 {
            flags |= libc::O_EXCL;
        }
        host_write = true;
    }
    if oflags & OFLAGS_TRUNC != 0 {
        flags |= libc::O_TRUNC;
        host_write = true;
    }
    let host_read = read || !write;
    flags |= match (host_read, host_write) {
        (true, true) => libc::O_RDWR,
        (false, true) => libc::O_WRONLY,
        _ => libc::O_RDONLY,
    };
    if oflags & OFLAGS_DIRECTORY != 0 {
        flags |= libc::O_DIRECTORY;
    }
    if fdflags & fs::FDFLAGS_SYNC != 0 {
        flags |= libc::O_SYNC;
    }
    if fdflags & fs::FDFLAGS_DSYNC != 0 {
        flags |= libc::O_DSYNC;
    }
    if fdflags & fs::FDFLAGS_RSYNC != 0 {
        flags |= libc::O_RSYNC;
    }

    let fd = open_beneath(dir, &path, flags, 0o666)?;
    let st = fstat(fd.as_raw_fd())?;
    let kind = if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
        FdKind::Dir(DirFd {
            dir: File::from(fd),
            preopen: None,
        })
    } else if oflags & OFLAGS_DIRECTORY != 0 {
        return Err(Errno::NOTDIR);
    } else {
        FdKind::File(FileFd {
            file: File::from(fd),
            position: 0,
            append: fdflags & fs::FDFLAGS_APPEND != 0,
            nonblock: fdflags & fs::FDFLAGS_NONBLOCK != 0,
            read,
            write,
        })
    };
    let n = cx.insert(FdEntry { kind })?;
    m.write_u32(a[8] as u32, n)
}

pub(crate) fn path_create_directory(
    cx: &mut WasiCtx,
    m: &mut Mem<'_>,
    a: &[u64],
) -> Result<(), Errno> {
    let dir = cx.dir(a[0])?;
    let p = parent(dir, m.str(a[1] as u32, a[2] as u32)?)?;
    // SAFETY: `p.name` is a NUL-terminated single component.
    check(unsafe { libc::mkdirat(p.fd(), p.name.as_ptr(), 0o777) })
}

pub(crate) fn path_filestat_get(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let nofollow = nofollow(a[1])?;
    let dir = cx.dir(a[0])?;
    let path = m.str(a[2] as u32, a[3] as u32)?;
    let fd = open_beneath(dir, path, libc::O_PATH | nofollow, 0)?;
    let st = fstat(fd.as_raw_fd())?;
    write_filestat(m, a[4] as u32, &st)
}

pub(crate) fn path_filestat_set_times(
    cx: &mut WasiCtx,
    m: &mut Mem<'_>,
    a: &[u64],
) -> Result<(), Errno> {
    let nofollow = nofollow(a[1])?;
    let times = new_times(a[4], a[5], a[6])?;
    let dir = cx.dir(a[0])?;
    let path = m.str(a[2] as u32, a[3] as u32)?;
    let fd = open_beneath(dir, path, libc::O_PATH | nofollow, 0)?;
    // SAFETY: the empty path is NUL-terminated and `times` holds two timespecs;
    // AT_EMPTY_PATH makes the call act on `fd` itself (a symlink included).
    check(unsafe {
        libc::utimensat(
            fd.as_raw_fd(),
            c"".as_ptr(),
            times.as_ptr(),
            libc::AT_EMPTY_PATH,
        )
    })
}

pub(crate) fn path_link(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let nofollow = nofollow(a[1])?;
    let old_dir = cx.dir(a[0])?;
    let new_dir = cx.dir(a[4])?;
    let old_path = m.str(a[2] as u32, a[3] as u32)?;
    let new_path = m.str(a[5] as u32, a[6] as u32)?;
    // wasmtime refuses to follow a symlink when linking.
    if nofollow == 0 {
        return Err(Errno::INVAL);
    }
    let old = parent(old_dir, old_path)?;
    let new = parent(new_dir, new_path)?;
    if old.trailing_slash {
        // The kernel would follow a trailing-slash symlink here, unchecked.
        // Resolved beneath instead, it can only be a directory, which cannot
        // be hard-linked.
        old.open(libc::O_PATH | libc::O_DIRECTORY)?;
        return Err(Errno::PERM);
    }
    // SAFETY: both names are NUL-terminated single components.
    check(unsafe { libc::linkat(old.fd(), old.name.as_ptr(), new.fd(), new.name.as_ptr(), 0) })
}

pub(crate) fn path_readlink(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let dir = cx.dir(a[0])?;
    let (buf, buf_len, out) = (a[3] as u32, a[4] as u32, a[5] as u32);
    let p = parent(dir, m.str(a[1] as u32, a[2] as u32)?)?;
    if p.trailing_slash {
        // A trailing slash follows the link (beneath): what it names is a
        // directory, never a symlink.
        p.open(libc::O_PATH | libc::O_DIRECTORY)?;
        return Err(Errno::INVAL);
    }
    let mut target = vec![0u8; libc::PATH_MAX as usize + 1];
    // SAFETY: `target` is writable for its full length; the name is NUL-terminated.
    let n = unsafe {
        libc::readlinkat(
            p.fd(),
            p.name.as_ptr(),
            target.as_mut_ptr().cast(),
            target.len(),
        )
    };
    if n < 0 {
        return Err(super::errno::last());
    }
    target.truncate(n as usize);
    std::str::from_utf8(&target).map_err(|_| Errno::ILSEQ)?;
    // cap-std reads a link only when its target is relative.
    if target.first() == Some(&b'/') {
        return Err(Errno::PERM);
    }
    target.truncate(buf_len as usize);
    m.write(buf, &target)?;
    m.write_u32(out, target.len() as u32)
}

pub(crate) fn path_remove_directory(
    cx: &mut WasiCtx,
    m: &mut Mem<'_>,
    a: &[u64],
) -> Result<(), Errno> {
    let dir = cx.dir(a[0])?;
    let p = parent(dir, m.str(a[1] as u32, a[2] as u32)?)?;
    // SAFETY: `p.name` is a NUL-terminated single component.
    check(unsafe { libc::unlinkat(p.fd(), p.name.as_ptr(), libc::AT_REMOVEDIR) })
}

pub(crate) fn path_rename(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let old_dir = cx.dir(a[0])?;
    let new_dir = cx.dir(a[3])?;
    let old = parent(old_dir, m.str(a[1] as u32, a[2] as u32)?)?;
    let new = parent(new_dir, m.str(a[4] as u32, a[5] as u32)?)?;
    // SAFETY: both names are NUL-terminated single components.
    check(unsafe { libc::renameat(old.fd(), old.name.as_ptr(), new.fd(), new.name.as_ptr()) })
}

pub(crate) fn path_symlink(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let dir = cx.dir(a[2])?;
    let target = m.str(a[0] as u32, a[1] as u32)?;
    let link = m.str(a[3] as u32, a[4] as u32)?;
    // An absolute target could only ever point outside: cap-std refuses it.
    if target.starts_with('/') {
        return Err(Errno::PERM);
    }
    let target = cstr(target)?;
    let p = parent(dir, link)?;
    // SAFETY: both strings are NUL-terminated; the link's name is one component.
    check(unsafe { libc::symlinkat(target.as_ptr(), p.fd(), p.name.as_ptr()) })
}

pub(crate) fn path_unlink_file(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let dir = cx.dir(a[0])?;
    let p = parent(dir, m.str(a[1] as u32, a[2] as u32)?)?;
    // SAFETY: `p.name` is a NUL-terminated single component.
    check(unsafe { libc::unlinkat(p.fd(), p.name.as_ptr(), 0) })
}
