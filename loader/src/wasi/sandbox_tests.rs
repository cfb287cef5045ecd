//! Escapes from a preopen, each refused: `..` past the root, absolute paths,
//! symlinks out (host-made and guest-made, absolute and relative), `a/../..`,
//! trailing-slash and parent-directory variants. The functions are called as
//! a guest calls them, over a `WasiCtx` and a `Mem` on a plain byte vector.

use super::mem::Mem;
use super::{path, Errno, WasiConfig, WasiCtx, WasiFn};
use std::path::PathBuf;

const ROOT: u64 = 3;
const FOLLOW: u64 = 1;
const OUT: u32 = 0;
const PATH: u32 = 1024;
const PATH2: u32 = 2048;
const BUF: u32 = 4096;

/// A temp tree: `root/` (preopened as fd 3) next to `outside/secret`.
struct Fixture {
    top: PathBuf,
    cx: WasiCtx,
    mem: Vec<u8>,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let top = std::env::temp_dir().join(format!("zwasm-sandbox-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&top);
        let root = top.join("root");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(top.join("outside")).unwrap();
        std::fs::write(top.join("outside/secret"), b"secret").unwrap();
        std::fs::write(root.join("inside"), b"inside").unwrap();
        let secret = top.join("outside/secret");
        std::os::unix::fs::symlink(&secret, root.join("abs_link")).unwrap();
        std::os::unix::fs::symlink("../outside/secret", root.join("rel_link")).unwrap();
        std::os::unix::fs::symlink("../outside", root.join("dir_link")).unwrap();
        std::os::unix::fs::symlink(top.join("outside"), root.join("abs_dir_link")).unwrap();
        let config = WasiConfig::new().preopen_dir(&root, "/").unwrap();
        Fixture {
            top,
            cx: WasiCtx::new(config),
            mem: vec![0; 65536],
        }
    }

    /// Calls `f`; `paths` are written to guest memory at PATH and PATH2 and
    /// stand for `(ptr, len)` argument pairs where the args say `P1`/`P2`.
    fn call(&mut self, f: WasiFn, paths: &[&str], args: &[Arg]) -> Result<(), Errno> {
        let mut raw = Vec::new();
        for a in args {
            match *a {
                Arg::V(v) => raw.push(v),
                Arg::P(i) => {
                    let at = [PATH, PATH2][i];
                    self.mem[at as usize..][..paths[i].len()].copy_from_slice(paths[i].as_bytes());
                    raw.push(u64::from(at));
                    raw.push(paths[i].len() as u64);
                }
            }
        }
        let mut m = Mem::new(&mut self.mem);
        f(&mut self.cx, &mut m, &raw)
    }

    fn open(&mut self, p: &str, lookup: u64) -> Result<(), Errno> {
        use Arg::*;
        self.call(
            path::path_open,
            &[p],
            &[
                V(ROOT),
                V(lookup),
                P(0),
                V(0),
                V(!0 >> 34),
                V(0),
                V(0),
                V(u64::from(OUT)),
            ],
        )
    }

    fn stat(&mut self, p: &str, lookup: u64) -> Result<(), Errno> {
        use Arg::*;
        let buf = u64::from(BUF);
        self.call(
            path::path_filestat_get,
            &[p],
            &[V(ROOT), V(lookup), P(0), V(buf)],
        )
    }

    fn outside(&self) -> PathBuf {
        self.top.join("outside")
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // The file outside must have survived every attempt.
        let secret = std::fs::read(self.outside().join("secret"));
        let _ = std::fs::remove_dir_all(&self.top);
        if !std::thread::panicking() {
            assert_eq!(secret.unwrap(), b"secret");
        }
    }
}

#[derive(Clone, Copy)]
enum Arg {
    /// A raw argument.
    V(u64),
    /// The `(ptr, len)` of path number `n`.
    P(usize),
}
use Arg::*;

#[test]
fn dot_dot_past_the_root_is_refused() {
    let mut f = Fixture::new("dotdot");
    assert_eq!(f.open("../outside/secret", 0), Err(Errno::PERM));
    assert_eq!(f.open("..", 0), Err(Errno::PERM));
    assert_eq!(f.stat("..", 0), Err(Errno::PERM));
    assert_eq!(f.stat("sub/../..", FOLLOW), Err(Errno::PERM));
    assert_eq!(f.open("sub/../../outside/secret", FOLLOW), Err(Errno::PERM));
    // Staying inside is fine.
    assert_eq!(f.open("sub/../inside", 0), Ok(()));
    let r = f.call(path::path_remove_directory, &[".."], &[V(ROOT), P(0)]);
    assert_eq!(r, Err(Errno::PERM));
    let times = [V(ROOT), V(0), P(0), V(0), V(0), V(2 | 8)];
    let r = f.call(path::path_filestat_set_times, &[".."], &times);
    assert_eq!(r, Err(Errno::PERM));
    let r = f.call(path::path_create_directory, &["../made"], &[V(ROOT), P(0)]);
    assert_eq!(r, Err(Errno::PERM));
    assert!(!f.top.join("made").exists());
}

#[test]
fn absolute_paths_are_refused() {
    let mut f = Fixture::new("abs");
    let secret = f.outside().join("secret");
    let secret = secret.to_str().unwrap();
    assert_eq!(f.open(secret, FOLLOW), Err(Errno::PERM));
    assert_eq!(f.open("/", 0), Err(Errno::PERM));
    assert_eq!(f.stat(secret, 0), Err(Errno::PERM));
    let r = f.call(path::path_unlink_file, &[secret], &[V(ROOT), P(0)]);
    assert_eq!(r, Err(Errno::PERM));
    let r = f.call(
        path::path_rename,
        &["inside", "/tmp/zwasm-escaped"],
        &[V(ROOT), P(0), V(ROOT), P(1)],
    );
    assert_eq!(r, Err(Errno::PERM));
}

#[test]
fn symlinks_pointing_outside_are_not_followed() {
    let mut f = Fixture::new("links");
    for link in ["abs_link", "rel_link"] {
        assert_eq!(f.open(link, FOLLOW), Err(Errno::PERM), "{link}");
        assert_eq!(f.stat(link, FOLLOW), Err(Errno::PERM), "{link}");
        // The link itself is inside: it may be looked at, not through.
        assert_eq!(f.stat(link, 0), Ok(()), "{link}");
        assert_eq!(f.open(link, 0), Err(Errno::LOOP), "{link}");
    }
    for dir in ["dir_link", "abs_dir_link"] {
        // Through a directory symlink, as a parent or with a trailing slash.
        assert_eq!(f.open(&format!("{dir}/secret"), 0), Err(Errno::PERM));
        assert_eq!(f.stat(&format!("{dir}/"), 0), Err(Errno::PERM));
        let r = f.call(
            path::path_unlink_file,
            &[&format!("{dir}/secret")],
            &[V(ROOT), P(0)],
        );
        assert_eq!(r, Err(Errno::PERM));
        let r = f.call(
            path::path_create_directory,
            &[&format!("{dir}/x")],
            &[V(ROOT), P(0)],
        );
        assert_eq!(r, Err(Errno::PERM));
        let r = f.call(
            path::path_readlink,
            &[&format!("{dir}/")],
            &[V(ROOT), P(0), V(u64::from(BUF)), V(64), V(u64::from(OUT))],
        );
        assert_eq!(r, Err(Errno::PERM));
        let r = f.call(
            path::path_link,
            &[&format!("{dir}/"), "hard"],
            &[V(ROOT), V(0), P(0), V(ROOT), P(1)],
        );
        assert_eq!(r, Err(Errno::PERM));
        let r = f.call(
            path::path_rename,
            &["inside", &format!("{dir}/moved")],
            &[V(ROOT), P(0), V(ROOT), P(1)],
        );
        assert_eq!(r, Err(Errno::PERM));
        let times = [V(ROOT), V(0), P(0), V(0), V(0), V(2 | 8)];
        let r = f.call(path::path_filestat_set_times, &[&format!("{dir}/")], &times);
        assert_eq!(r, Err(Errno::PERM));
    }
    assert!(!f.outside().join("moved").exists());
    assert!(!f.outside().join("x").exists());
}

#[test]
fn guest_made_symlinks_cannot_escape() {
    let mut f = Fixture::new("guest");
    // A relative target may be written, but never followed out.
    let r = f.call(
        path::path_symlink,
        &["../outside/secret", "g"],
        &[P(0), V(ROOT), P(1)],
    );
    assert_eq!(r, Ok(()));
    assert_eq!(f.open("g", FOLLOW), Err(Errno::PERM));
    assert_eq!(f.stat("g", FOLLOW), Err(Errno::PERM));
    let r = f.call(
        path::path_symlink,
        &["sub/../..", "gd"],
        &[P(0), V(ROOT), P(1)],
    );
    assert_eq!(r, Ok(()));
    assert_eq!(f.open("gd/outside/secret", 0), Err(Errno::PERM));
    let r = f.call(
        path::path_create_directory,
        &["gd/outside/new"],
        &[V(ROOT), P(0)],
    );
    assert_eq!(r, Err(Errno::PERM));
    // Creating a file through a dangling link that points out is refused too.
    let r = f.call(
        path::path_symlink,
        &["../outside/created", "gc"],
        &[P(0), V(ROOT), P(1)],
    );
    assert_eq!(r, Ok(()));
    let creat = [V(ROOT), V(FOLLOW), P(0), V(1), V(1 << 6), V(0), V(0), V(0)];
    assert_eq!(f.call(path::path_open, &["gc"], &creat), Err(Errno::PERM));
    assert!(!f.outside().join("created").exists());
    // An absolute target is refused outright.
    let r = f.call(
        path::path_symlink,
        &["/etc/passwd", "ga"],
        &[P(0), V(ROOT), P(1)],
    );
    assert_eq!(r, Err(Errno::PERM));
}

#[test]
fn a_then_dot_dot_twice_is_refused() {
    let mut f = Fixture::new("adotdot");
    assert_eq!(f.open("sub/../..", 0), Err(Errno::PERM));
    assert_eq!(f.open("sub/../../root/inside", 0), Err(Errno::PERM));
    assert_eq!(f.stat("sub/../../outside", FOLLOW), Err(Errno::PERM));
    let r = f.call(
        path::path_unlink_file,
        &["sub/../../outside/secret"],
        &[V(ROOT), P(0)],
    );
    assert_eq!(r, Err(Errno::PERM));
}

#[test]
fn a_file_in_the_preopen_reads_back() {
    let mut f = Fixture::new("read");
    assert_eq!(f.open("inside", 0), Ok(()));
    let fd = u64::from(u32::from_le_bytes(f.mem[..4].try_into().unwrap()));
    // One iovec at 8: 16 bytes at BUF.
    f.mem[8..12].copy_from_slice(&BUF.to_le_bytes());
    f.mem[12..16].copy_from_slice(&16u32.to_le_bytes());
    let r = f.call(super::fs::fd_read, &[], &[V(fd), V(8), V(1), V(32)]);
    assert_eq!(r, Ok(()));
    assert_eq!(&f.mem[32..36], &6u32.to_le_bytes());
    assert_eq!(&f.mem[BUF as usize..][..6], b"inside");
}
