//! Writing a file so that no reader ever sees part of it: the bytes go to a
//! temporary file in the same directory, which is then renamed over the
//! target. Used for `compile -o` and for every compile-cache entry.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Writes `bytes` to `path` through a temporary file in the same directory and
/// a rename, so a reader (or a crash) never sees half a file, and concurrent
/// writers of the same path each replace it whole. There is no `fsync`: a file
/// torn by a crash fails the loader's hash check (see docs/architecture.md).
pub(crate) fn write_atomically(
    path: &Path,
    contents: &(impl Contents + ?Sized),
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "output path has no file name",
        )
    })?;
    let tmp = dir.join(temp_name(name));
    let result = (|| {
        let mut f = std::fs::File::create_new(&tmp)?;
        contents.write_to(&mut f)?;
        replace(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Renames `tmp` to `path`. When `path` is a file already, the two names are
/// swapped (`renameat2` with `RENAME_EXCHANGE`) and the old file, now under
/// the temporary name, is removed: readers still only ever see a whole file,
/// but ext4 does not flush the new file's data as it does for a rename over
/// an existing file (its `auto_da_alloc` heuristic for programs that do not
/// `fsync`), which cost 0.1–0.2 ms of every `zwasm compile -o` that
/// overwrites. Anywhere the swap is not supported, a plain rename.
fn replace(tmp: &Path, path: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let is_file = std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_dir());
        let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes());
        if let (true, Ok(from), Ok(to)) = (is_file, c(tmp), c(path)) {
            let exchange = || {
                // SAFETY: both paths are NUL-terminated strings that outlive the call.
                unsafe {
                    libc::renameat2(
                        libc::AT_FDCWD,
                        from.as_ptr(),
                        libc::AT_FDCWD,
                        to.as_ptr(),
                        libc::RENAME_EXCHANGE,
                    ) == 0
                }
            };
            if exchange() {
                return std::fs::remove_file(tmp).inspect_err(|_| {
                    // What was swapped out cannot be removed (a directory put
                    // there since the check): put it back.
                    exchange();
                });
            }
        }
    }
    std::fs::rename(tmp, path)
}

/// What a file is written from: bytes, or an artifact written piece by piece.
pub(crate) trait Contents {
    fn write_to(&self, f: &mut std::fs::File) -> std::io::Result<()>;
}

impl Contents for [u8] {
    fn write_to(&self, f: &mut std::fs::File) -> std::io::Result<()> {
        f.write_all(self)
    }
}

impl Contents for zwasm_compiler::Artifact {
    fn write_to(&self, f: &mut std::fs::File) -> std::io::Result<()> {
        zwasm_compiler::Artifact::write_to(self, f)
    }
}

/// `.NAME.PID-N.tmp`: hidden, unique to this process and write, and
/// recognisable by [`is_temp_of`].
fn temp_name(name: &OsStr) -> OsString {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut tmp = OsString::from(".");
    tmp.push(name);
    tmp.push(format!(".{}-{n}.tmp", std::process::id()));
    tmp
}

/// Whether `file` is a temporary file [`write_atomically`] made on its way to
/// writing a file named by `is_target` (left behind by a process that died
/// before its rename).
pub(crate) fn is_temp_of(file: &str, is_target: impl Fn(&str) -> bool) -> bool {
    let Some(inner) = file.strip_prefix('.').and_then(|f| f.strip_suffix(".tmp")) else {
        return false;
    };
    let Some((target, unique)) = inner.rsplit_once('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unique_ok = unique
        .split_once('-')
        .is_some_and(|(pid, n)| digits(pid) && digits(n));
    unique_ok && is_target(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_recognised() {
        let name = temp_name(OsStr::new("abc.zwo")).into_string().unwrap();
        assert!(
            name.starts_with(".abc.zwo.") && name.ends_with(".tmp"),
            "{name}"
        );
        assert!(is_temp_of(&name, |t| t == "abc.zwo"));
        assert!(!is_temp_of(&name, |t| t == "other.zwo"));
        assert!(!is_temp_of(".abc.zwo.tmp", |_| true));
        assert!(!is_temp_of(".abc.zwo.12-x.tmp", |_| true));
        assert!(!is_temp_of("abc.zwo.12-3.tmp", |_| true));
        assert_ne!(temp_name(OsStr::new("a")), temp_name(OsStr::new("a")));
    }

    #[test]
    fn writes_replace_whole_and_leave_no_temp_file() {
        let dir = std::env::temp_dir().join(format!("zwasm-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.bin");
        write_atomically(&path, &b"first"[..]).unwrap();
        write_atomically(&path, &b"second"[..]).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.bin"]);

        // A directory in the way is an error and stays as it was.
        let sub = dir.join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("keep"), "x").unwrap();
        assert!(write_atomically(&sub, &b"third"[..]).is_err());
        assert_eq!(std::fs::read(sub.join("keep")).unwrap(), b"x");

        // A symbolic link is replaced, as by a rename; what it named is untouched.
        #[cfg(unix)]
        {
            let link = dir.join("link.bin");
            std::os::unix::fs::symlink(&path, &link).unwrap();
            write_atomically(&link, &b"fourth"[..]).unwrap();
            assert!(!std::fs::symlink_metadata(&link).unwrap().is_symlink());
            assert_eq!(std::fs::read(&link).unwrap(), b"fourth");
            assert_eq!(std::fs::read(&path).unwrap(), b"second");
        }
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["link.bin", "out.bin", "sub"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
