//! WASI errno values, and the mapping from host errors.

use std::io;

/// A WASI preview 1 error number (`errno`), as a guest receives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub u16);

macro_rules! errnos {
    ($($name:ident = $n:expr, $host:expr;)*) => {
        impl Errno {
            $(pub const $name: Errno = Errno($n);)*
        }

        /// The WASI errno of a host `errno` value (`IO` when it has no match).
        pub(crate) fn from_host(code: i32) -> Errno {
            $(if $host != 0 && code == $host { return Errno::$name; })*
            Errno::IO
        }
    };
}

errnos! {
    SUCCESS = 0, 0;
    TOOBIG = 1, libc::E2BIG;
    ACCES = 2, libc::EACCES;
    ADDRINUSE = 3, libc::EADDRINUSE;
    ADDRNOTAVAIL = 4, libc::EADDRNOTAVAIL;
    AFNOSUPPORT = 5, libc::EAFNOSUPPORT;
    AGAIN = 6, libc::EAGAIN;
    ALREADY = 7, libc::EALREADY;
    BADF = 8, libc::EBADF;
    BADMSG = 9, libc::EBADMSG;
    BUSY = 10, libc::EBUSY;
    CANCELED = 11, libc::ECANCELED;
    CHILD = 12, libc::ECHILD;
    CONNABORTED = 13, libc::ECONNABORTED;
    CONNREFUSED = 14, libc::ECONNREFUSED;
    CONNRESET = 15, libc::ECONNRESET;
    DEADLK = 16, libc::EDEADLK;
    DESTADDRREQ = 17, libc::EDESTADDRREQ;
    DOM = 18, libc::EDOM;
    DQUOT = 19, libc::EDQUOT;
    EXIST = 20, libc::EEXIST;
    FAULT = 21, libc::EFAULT;
    FBIG = 22, libc::EFBIG;
    HOSTUNREACH = 23, libc::EHOSTUNREACH;
    IDRM = 24, libc::EIDRM;
    ILSEQ = 25, libc::EILSEQ;
    INPROGRESS = 26, libc::EINPROGRESS;
    INTR = 27, libc::EINTR;
    INVAL = 28, libc::EINVAL;
    IO = 29, libc::EIO;
    ISCONN = 30, libc::EISCONN;
    ISDIR = 31, libc::EISDIR;
    LOOP = 32, libc::ELOOP;
    MFILE = 33, libc::EMFILE;
    MLINK = 34, libc::EMLINK;
    MSGSIZE = 35, libc::EMSGSIZE;
    MULTIHOP = 36, libc::EMULTIHOP;
    NAMETOOLONG = 37, libc::ENAMETOOLONG;
    NETDOWN = 38, libc::ENETDOWN;
    NETRESET = 39, libc::ENETRESET;
    NETUNREACH = 40, libc::ENETUNREACH;
    NFILE = 41, libc::ENFILE;
    NOBUFS = 42, libc::ENOBUFS;
    NODEV = 43, libc::ENODEV;
    NOENT = 44, libc::ENOENT;
    NOEXEC = 45, libc::ENOEXEC;
    NOLCK = 46, libc::ENOLCK;
    NOLINK = 47, libc::ENOLINK;
    NOMEM = 48, libc::ENOMEM;
    NOMSG = 49, libc::ENOMSG;
    NOPROTOOPT = 50, libc::ENOPROTOOPT;
    NOSPC = 51, libc::ENOSPC;
    NOSYS = 52, libc::ENOSYS;
    NOTCONN = 53, libc::ENOTCONN;
    NOTDIR = 54, libc::ENOTDIR;
    NOTEMPTY = 55, libc::ENOTEMPTY;
    NOTRECOVERABLE = 56, libc::ENOTRECOVERABLE;
    NOTSOCK = 57, libc::ENOTSOCK;
    NOTSUP = 58, libc::EOPNOTSUPP;
    NOTTY = 59, libc::ENOTTY;
    NXIO = 60, libc::ENXIO;
    OVERFLOW = 61, libc::EOVERFLOW;
    OWNERDEAD = 62, libc::EOWNERDEAD;
    PERM = 63, libc::EPERM;
    PIPE = 64, libc::EPIPE;
    PROTO = 65, libc::EPROTO;
    PROTONOSUPPORT = 66, libc::EPROTONOSUPPORT;
    PROTOTYPE = 67, libc::EPROTOTYPE;
    RANGE = 68, libc::ERANGE;
    ROFS = 69, libc::EROFS;
    SPIPE = 70, libc::ESPIPE;
    SRCH = 71, libc::ESRCH;
    STALE = 72, libc::ESTALE;
    TIMEDOUT = 73, libc::ETIMEDOUT;
    TXTBSY = 74, libc::ETXTBSY;
    XDEV = 75, libc::EXDEV;
    NOTCAPABLE = 76, 0;
}

impl From<io::Error> for Errno {
    fn from(e: io::Error) -> Errno {
        match e.raw_os_error() {
            Some(code) => from_host(code),
            None => match e.kind() {
                io::ErrorKind::NotFound => Errno::NOENT,
                io::ErrorKind::PermissionDenied => Errno::PERM,
                io::ErrorKind::AlreadyExists => Errno::EXIST,
                io::ErrorKind::InvalidInput => Errno::INVAL,
                io::ErrorKind::WouldBlock => Errno::AGAIN,
                io::ErrorKind::Interrupted => Errno::INTR,
                io::ErrorKind::BrokenPipe => Errno::PIPE,
                io::ErrorKind::Unsupported => Errno::NOTSUP,
                _ => Errno::IO,
            },
        }
    }
}

/// The WASI errno of the calling thread's last host error.
pub(crate) fn last() -> Errno {
    Errno::from(io::Error::last_os_error())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_errnos_map_by_name() {
        assert_eq!(from_host(libc::ENOENT), Errno::NOENT);
        assert_eq!(from_host(libc::ELOOP), Errno::LOOP);
        assert_eq!(from_host(libc::ENOTEMPTY), Errno::NOTEMPTY);
        assert_eq!(from_host(libc::EOPNOTSUPP), Errno::NOTSUP);
        assert_eq!(from_host(0x7fff), Errno::IO);
        assert_eq!(
            Errno::from(io::Error::from_raw_os_error(libc::EEXIST)),
            Errno::EXIST
        );
    }
}
