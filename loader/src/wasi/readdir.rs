//! `fd_readdir`: a directory's entries with wasmtime's cookies (`.` is 0,
//! `..` 1, then the host's order), `d_ino` and `d_type`, and the last entry
//! cut short when the guest's buffer fills.

use super::fs::{filetype, ino_hash, FILETYPE_DIRECTORY};
use super::mem::Mem;
use super::sandbox::{check, fstat};
use super::{errno, Errno, FdKind, WasiCtx};
use std::io;
use std::os::fd::{AsRawFd, RawFd};

/// One directory entry as `fd_readdir` lists it.
struct Dirent {
    ino: u64,
    ty: u8,
    name: Vec<u8>,
}

/// The entries of directory `fd` other than `.` and `..`, in the host's
/// order, read afresh from the start.
fn list_dir(fd: RawFd) -> Result<Vec<Dirent>, Errno> {
    // A new descriptor of the same directory: its own read position.
    // SAFETY: openat with a NUL-terminated path returns a new descriptor or -1.
    let dfd = unsafe {
        libc::openat(
            fd,
            c".".as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    check(dfd)?;
    // SAFETY: `dfd` is an open directory descriptor that the stream now owns.
    let dir = unsafe { libc::fdopendir(dfd) };
    if dir.is_null() {
        let e = errno::last();
        // SAFETY: fdopendir failed, so `dfd` is still ours to close.
        unsafe { libc::close(dfd) };
        return Err(e);
    }
    let mut out = Vec::new();
    let result = loop {
        // SAFETY: errno is thread-local; clearing it tells end of stream from error.
        unsafe { *libc::__errno_location() = 0 };
        // SAFETY: `dir` is a valid open stream until closedir below.
        let ent = unsafe { libc::readdir(dir) };
        if ent.is_null() {
            let e = io::Error::last_os_error().raw_os_error().unwrap_or(0);
            break if e == 0 {
                Ok(())
            } else {
                Err(errno::from_host(e))
            };
        }
        // SAFETY: readdir returned a valid entry whose d_name is NUL-terminated.
        let name = unsafe { std::ffi::CStr::from_ptr((*ent).d_name.as_ptr()) };
        let bytes = name.to_bytes();
        if bytes == b"." || bytes == b".." {
            continue;
        }
        // SAFETY: all-zero bytes are a valid `stat`; the kernel overwrites it.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: `name` is NUL-terminated and `st` a valid buffer.
        let r = unsafe { libc::fstatat(dfd, name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) };
        if r < 0 {
            break Err(errno::last());
        }
        if std::str::from_utf8(bytes).is_err() {
            break Err(Errno::ILSEQ);
        }
        out.push(Dirent {
            ino: ino_hash(&st),
            ty: filetype(st.st_mode),
            name: bytes.to_vec(),
        });
    };
    // SAFETY: `dir` is open and closed exactly once, which also closes `dfd`.
    unsafe { libc::closedir(dir) };
    result.map(|()| out)
}

pub(crate) fn fd_readdir(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let (buf, buf_len, cookie, out) = (a[1] as u32, a[2] as u32, a[3], a[4] as u32);
    let fd = match &cx.fd(a[0] as u32)?.kind {
        FdKind::Dir(d) => d.dir.as_raw_fd(),
        _ => return Err(Errno::BADF),
    };
    let here = fstat(fd)?;
    let entries = list_dir(fd)?;
    let cookie = usize::try_from(cookie).map_err(|_| Errno::OVERFLOW)?;
    // `.` and `..` come first, both with the directory's own inode (as wasmtime).
    let dot = |name: &[u8]| Dirent {
        ino: ino_hash(&here),
        ty: FILETYPE_DIRECTORY,
        name: name.to_vec(),
    };
    let all = [dot(b"."), dot(b"..")].into_iter().chain(entries);
    let mut at = buf;
    let mut cap = buf_len;
    for (next, e) in (1u64..).zip(all).skip(cookie) {
        let mut head = [0u8; 24];
        head[0..8].copy_from_slice(&next.to_le_bytes());
        head[8..16].copy_from_slice(&e.ino.to_le_bytes());
        head[16..20].copy_from_slice(&(e.name.len() as u32).to_le_bytes());
        head[20] = e.ty;
        // A full buffer truncates the last entry, header or name.
        let n = cap.min(24);
        m.write(at, &head[..n as usize])?;
        at = at.wrapping_add(n);
        cap -= n;
        if cap == 0 {
            break;
        }
        let n = cap.min(e.name.len() as u32);
        m.write(at, &e.name[..n as usize])?;
        at = at.wrapping_add(n);
        cap -= n;
        if cap == 0 {
            break;
        }
    }
    m.write_u32(out, buf_len - cap)
}
