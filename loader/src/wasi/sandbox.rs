//! Path resolution that never leaves a directory descriptor: every guest path
//! is opened with Linux `openat2(2)` and `RESOLVE_BENEATH`, so `..` past the
//! root, absolute paths and symlinks (absolute, or relative ones that climb
//! out) are refused by the kernel at the moment of the lookup, with no window
//! between a check and the use. Operations on a final component (unlink,
//! mkdir, rename, ...) open the parent that way and act on the last name only.
//! An escape is `PERM`, as wasmtime (cap-std) reports it.

use super::errno::{self, Errno};
use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// `struct open_how` of `openat2(2)`.
#[repr(C)]
struct OpenHow {
    flags: u64,
    mode: u64,
    resolve: u64,
}

const RESOLVE_NO_MAGICLINKS: u64 = 0x02;
const RESOLVE_BENEATH: u64 = 0x08;

/// A guest path as a C string; an interior NUL is `INVAL`.
pub(crate) fn cstr(path: &str) -> Result<CString, Errno> {
    CString::new(path).map_err(|_| Errno::INVAL)
}

/// Opens `path` beneath the directory `dir` with `open(2)` flags `flags`
/// (`O_CLOEXEC` is added). Symlinks are followed only while they stay
/// beneath `dir`; `O_NOFOLLOW` keeps a final symlink unfollowed.
pub(crate) fn open_beneath(
    dir: RawFd,
    path: &str,
    flags: i32,
    mode: u32,
) -> Result<OwnedFd, Errno> {
    if path.starts_with('/') {
        return Err(Errno::PERM);
    }
    let c = cstr(path)?;
    let flags = flags | libc::O_CLOEXEC;
    let how = OpenHow {
        flags: flags as u32 as u64,
        // The kernel insists on a zero mode unless a file may be created.
        mode: if flags & libc::O_CREAT != 0 {
            u64::from(mode)
        } else {
            0
        },
        resolve: RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
    };
    // EAGAIN: a concurrent rename made the kernel unsure the lookup stayed
    // beneath; it asks the caller to retry.
    for _ in 0..64 {
        // SAFETY: `c` is a NUL-terminated string and `how` a valid open_how of
        // the size passed; the kernel reads both and returns a new descriptor.
        let r = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                dir,
                c.as_ptr(),
                &how as *const OpenHow,
                std::mem::size_of::<OpenHow>(),
            )
        };
        if r >= 0 {
            // SAFETY: the kernel just returned this descriptor; nothing else owns it.
            return Ok(unsafe { OwnedFd::from_raw_fd(r as RawFd) });
        }
        match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::EAGAIN | libc::EINTR) => continue,
            Some(code) => return Err(host_errno(code)),
            None => return Err(Errno::IO),
        }
    }
    Err(Errno::AGAIN)
}

/// The WASI errno of a host errno from a resolution: `EXDEV` is
/// `RESOLVE_BENEATH` refusing an escape.
fn host_errno(code: i32) -> Errno {
    if code == libc::EXDEV {
        Errno::PERM
    } else {
        errno::from_host(code)
    }
}

/// The directory that holds a path's last component, and that component.
pub(crate) struct Parent {
    /// The opened parent, when it is not the starting directory itself.
    owned: Option<OwnedFd>,
    base: RawFd,
    /// The last component; keeps one trailing `/` when the path had any, so
    /// the kernel applies its trailing-slash rules.
    pub(crate) name: CString,
    pub(crate) trailing_slash: bool,
}

impl Parent {
    pub(crate) fn fd(&self) -> RawFd {
        self.owned.as_ref().map_or(self.base, AsRawFd::as_raw_fd)
    }

    /// Opens the final component itself beneath the parent (for the few
    /// operations the kernel would otherwise let follow a trailing-slash symlink).
    pub(crate) fn open(&self, flags: i32) -> Result<OwnedFd, Errno> {
        let name = self.name.to_str().map_err(|_| Errno::ILSEQ)?;
        open_beneath(self.fd(), name, flags, 0)
    }
}

/// Splits `path` (relative to `dir`) into its parent, opened beneath `dir`,
/// and its last component. A path ending in `.` or `..` names a directory
/// reached by the whole path; its last component is then `.`.
pub(crate) fn parent(dir: RawFd, path: &str) -> Result<Parent, Errno> {
    if path.is_empty() {
        return Err(Errno::NOENT);
    }
    if path.starts_with('/') {
        return Err(Errno::PERM);
    }
    let trimmed = path.trim_end_matches('/');
    let trailing_slash = trimmed.len() != path.len();
    let (dir_part, last) = match trimmed.rfind('/') {
        Some(i) => (&trimmed[..i], &trimmed[i + 1..]),
        None => ("", trimmed),
    };
    let (dir_part, last) = if last == "." || last == ".." {
        (trimmed, ".")
    } else {
        (dir_part, last)
    };
    let owned = if dir_part.is_empty() {
        None
    } else {
        Some(open_beneath(
            dir,
            dir_part,
            libc::O_PATH | libc::O_DIRECTORY,
            0,
        )?)
    };
    let name = if trailing_slash && last != "." {
        format!("{last}/")
    } else {
        last.to_string()
    };
    Ok(Parent {
        owned,
        base: dir,
        name: cstr(&name)?,
        trailing_slash,
    })
}

/// The result of a libc call that returns -1 and sets errno on failure.
pub(crate) fn check(r: libc::c_int) -> Result<(), Errno> {
    if r < 0 {
        Err(errno::last())
    } else {
        Ok(())
    }
}

/// `fstat` of a descriptor (an `O_PATH` one included).
pub(crate) fn fstat(fd: RawFd) -> Result<libc::stat, Errno> {
    // SAFETY: all-zero bytes are a valid `stat`; the kernel overwrites it.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is a valid stat buffer and the empty path is NUL-terminated.
    check(unsafe { libc::fstatat(fd, c"".as_ptr(), &mut st, libc::AT_EMPTY_PATH) })?;
    Ok(st)
}
