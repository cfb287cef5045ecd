//! The compile cache: `zwasm run x.wasm` keeps the artifact it compiles in
//! `$XDG_CACHE_HOME/zwasm/<key>.zwo` (else `~/.cache/zwasm/`) and loads it
//! from there next time. The key is [`zwasm_compiler::cache_key`]. A cache
//! entry is only ever an optimisation: one that is missing, damaged or from
//! another build is rebuilt, and a cache that cannot be written is skipped,
//! silently, since the guest owns stderr. Also `zwasm cache dir|clear`.

use crate::atomic;
use crate::error::CliError;
use crate::opts::{CacheCommand, CacheOpts};
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use zwasm_compiler::CompileOptions;
use zwasm_loader::Module;

/// The cache directory, from the environment.
pub(crate) fn dir() -> Option<PathBuf> {
    dir_from(std::env::var_os("XDG_CACHE_HOME"), std::env::var_os("HOME"))
}

/// `$XDG_CACHE_HOME/zwasm` when that is an absolute path (the XDG base
/// directory spec says to ignore a relative one), else `$HOME/.cache/zwasm`,
/// else none.
fn dir_from(xdg: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    let absolute = |v: Option<OsString>| v.map(PathBuf::from).filter(|p| p.is_absolute());
    if let Some(xdg) = absolute(xdg) {
        return Some(xdg.join("zwasm"));
    }
    absolute(home).map(|home| home.join(".cache").join("zwasm"))
}

/// The identity of the running executable's build: its size, modification
/// time and inode. During development the version number stays the same
/// while the compiler changes; this keeps a rebuilt zwasm from loading what
/// the previous build cached. `None` (no cache) if the executable cannot be
/// examined.
fn build_id() -> Option<Vec<u8>> {
    use std::os::unix::fs::MetadataExt;
    // `/proc/self/exe` is the running file even if a rebuild has since
    // replaced it at its path. Opened and examined through the descriptor,
    // it is also the program's own file under an emulator (qemu-user), where
    // a `stat` of the path would describe the emulator's.
    let meta = std::fs::File::open("/proc/self/exe")
        .and_then(|f| f.metadata())
        .or_else(|_| std::fs::metadata(std::env::current_exe()?))
        .ok()?;
    let mut id = Vec::with_capacity(40);
    for n in [
        meta.size(),
        meta.mtime() as u64,
        meta.mtime_nsec() as u64,
        meta.dev(),
        meta.ino(),
    ] {
        id.extend_from_slice(&n.to_le_bytes());
    }
    Some(id)
}

/// A cache directory (which may not exist yet) and this build's identity.
pub(crate) struct Cache {
    dir: PathBuf,
    build: Vec<u8>,
}

impl Cache {
    /// The cache for this process, or `None` when there is nowhere to keep it.
    pub(crate) fn open() -> Option<Cache> {
        Some(Cache {
            dir: dir()?,
            build: build_id()?,
        })
    }

    /// Where the artifact of the wasm with blake3 hash `source` compiled
    /// with `opts` lives.
    pub(crate) fn entry(&self, source: &[u8; 32], opts: &CompileOptions) -> PathBuf {
        let key = zwasm_compiler::cache_key_of(source, opts, &self.build);
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{hex}.zwo"))
    }

    /// The module cached at `entry`, if it is there, loads, and was compiled
    /// from the wasm with hash `source` (the source hash in its header).
    pub(crate) fn get(&self, entry: &Path, source: &[u8; 32]) -> Option<Module> {
        let module = Module::from_file(entry).ok()?;
        (module.source_hash() == *source).then_some(module)
    }

    /// Stores `zwo` at `entry`, creating the cache directory if needed
    /// (mode 0700, as the XDG spec asks: an entry is code zwasm will run).
    pub(crate) fn put(
        &self,
        entry: &Path,
        zwo: &(impl atomic::Contents + ?Sized),
    ) -> io::Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        atomic::write_atomically(entry, zwo)
    }
}

/// Whether `name` is a cache entry's file name: 64 lowercase hex digits and
/// `.zwo`.
fn is_entry(name: &str) -> bool {
    name.strip_suffix(".zwo").is_some_and(|key| {
        key.len() == 64 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// Runs `zwasm cache dir|clear`.
pub(crate) fn command(o: &CacheOpts) -> Result<(), CliError> {
    let dir = dir().ok_or_else(|| {
        CliError::Failed(
            "no cache directory: neither XDG_CACHE_HOME nor HOME is an absolute path".into(),
        )
    })?;
    match o.command {
        CacheCommand::Dir => crate::emit(&format!("{}\n", dir.display())),
        CacheCommand::Clear => {
            let removed = clear(&dir).map_err(|e| CliError::file(&dir, e))?;
            let plural = if removed == 1 { "y" } else { "ies" };
            crate::emit(&format!(
                "removed {removed} cache entr{plural} from {}\n",
                dir.display()
            ));
        }
    }
    Ok(())
}

/// Removes the cache entries in `dir` and the temporary files of writes that
/// never finished; anything else there is left alone. Returns the number of
/// entries removed; a missing directory has none.
fn clear(dir: &Path) -> io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if !entry.file_type()?.is_file() {
            continue;
        }
        let is_temp = atomic::is_temp_of(&name, is_entry);
        if !is_entry(&name) && !is_temp {
            continue;
        }
        match std::fs::remove_file(entry.path()) {
            Ok(()) => removed += usize::from(!is_temp),
            // A concurrent `clear`, or a writer's rename, got there first.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_follows_xdg_then_home() {
        let s = |v: &str| Some(OsString::from(v));
        assert_eq!(
            dir_from(s("/x/cache"), s("/home/u")),
            Some(PathBuf::from("/x/cache/zwasm"))
        );
        // Relative or empty XDG_CACHE_HOME is ignored.
        for xdg in [s("rel/cache"), s(""), None] {
            assert_eq!(
                dir_from(xdg, s("/home/u")),
                Some(PathBuf::from("/home/u/.cache/zwasm"))
            );
        }
        assert_eq!(dir_from(None, None), None);
        assert_eq!(dir_from(s("rel"), s("also-rel")), None);
    }

    #[test]
    fn entries_are_hex_keys() {
        let key = "0123456789abcdef".repeat(4);
        assert!(is_entry(&format!("{key}.zwo")));
        assert!(!is_entry(&format!("{key}.wasm")));
        assert!(!is_entry(&format!("{}.zwo", key.to_uppercase())));
        assert!(!is_entry(&format!("{}.zwo", &key[1..])));
        assert!(!is_entry("app.zwo"));
    }
}
