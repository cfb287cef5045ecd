//! Reading a module from disk: the file's first bytes decide whether it is a
//! `.zwo` artifact, a wasm binary or wat text; anything but an artifact is
//! compiled (in memory, or for `run` through the compile cache) so every
//! subcommand works on a loaded `Module`.

use crate::cache::Cache;
use crate::error::CliError;
use std::borrow::Cow;
use std::path::Path;
use zwasm_abi::artifact::MAGIC;
use zwasm_compiler::{CompileOptions, Engine};
use zwasm_loader::{MappedFile, Module};

/// What a file holds, judged by its first bytes (and, for a clearer message
/// on garbage, by its extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Zwo,
    Wasm,
    Wat,
}

impl Kind {
    /// Classifies `bytes` read from `path`.
    pub(crate) fn of(path: &Path, bytes: &[u8]) -> Kind {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if bytes.starts_with(&MAGIC) || ext.eq_ignore_ascii_case("zwo") {
            // A file named .zwo goes to the loader, which says exactly what is wrong.
            Kind::Zwo
        } else if bytes.starts_with(b"\0asm")
            // wat text never starts with a NUL: this is a binary whose magic is damaged.
            || bytes.first() == Some(&0)
            || (ext.eq_ignore_ascii_case("wasm") && std::str::from_utf8(bytes).is_err())
        {
            Kind::Wasm
        } else {
            Kind::Wat
        }
    }
}

/// Reads a whole file, with an error that names it. A regular file is
/// mapped rather than read: the compiler reads a module once, front to back,
/// and mapped page-cache pages cost a fault per 64 KiB instead of one per
/// fresh 4 KiB page and a copy. (As for `.zwo` files, which the loader maps
/// too, a file truncated while it is being compiled ends the process.)
pub(crate) fn read(path: &Path) -> Result<Bytes, CliError> {
    let err = |e: std::io::Error| CliError::file(path, format!("cannot read file: {e}"));
    let mut file = std::fs::File::open(path).map_err(err)?;
    let meta = file.metadata().map_err(err)?;
    let len = usize::try_from(meta.len()).unwrap_or(0);
    let bytes = match map(&file, len) {
        Some(mapped) if meta.is_file() => mapped,
        _ => {
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut v).map_err(err)?;
            Bytes::Owned(v)
        }
    };
    if bytes.is_empty() {
        // Empty wat text would parse as the empty module; an empty file is a mistake.
        return Err(CliError::file(path, "file is empty"));
    }
    Ok(bytes)
}

/// A file's contents, mapped or read.
pub(crate) enum Bytes {
    Mapped(MappedFile),
    Owned(Vec<u8>),
}

/// Maps `len` bytes of `file` read-only, or `None` (also for an empty file).
fn map(file: &std::fs::File, len: usize) -> Option<Bytes> {
    (len > 0)
        .then(|| MappedFile::new(file, len).ok())
        .flatten()
        .map(Bytes::Mapped)
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

/// The wasm binary in wasm or wat bytes: wat text is assembled.
pub(crate) fn to_wasm<'a>(
    path: &Path,
    kind: Kind,
    bytes: &'a [u8],
) -> Result<Cow<'a, [u8]>, CliError> {
    if kind == Kind::Wasm && !bytes.starts_with(b"\0asm") {
        return Err(CliError::file(
            path,
            "not a wasm binary (it does not start with \\0asm)",
        ));
    }
    let named_wasm = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("wasm"));
    zwasm_compiler::wat_to_wasm(bytes).map_err(|e| {
        if kind == Kind::Wat && named_wasm {
            // Text in a `.wasm` file is more likely not a module at all than wat.
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default();
            CliError::file(
                path,
                format!("not a WebAssembly module: no \\0asm header, and not wat text ({first})"),
            )
        } else {
            compile_error(path, e)
        }
    })
}

/// Compiles a wasm binary read from `path` to `.zwo` bytes.
pub(crate) fn compile(
    path: &Path,
    wasm: &[u8],
    opts: &CompileOptions,
) -> Result<Vec<u8>, CliError> {
    zwasm_compiler::compile(wasm, opts).map_err(|e| compile_error(path, e))
}

/// Compiles `wasm` into an artifact to write out piece by piece.
pub(crate) fn compile_artifact(
    path: &Path,
    wasm: &[u8],
    opts: &CompileOptions,
) -> Result<zwasm_compiler::Artifact, CliError> {
    zwasm_compiler::compile_artifact(wasm, opts).map_err(|e| compile_error(path, e))
}

/// A compile error about `path`. The wat parser does not know the file name
/// and says `<anon>`; put the real one in its place.
pub(crate) fn compile_error(path: &Path, e: zwasm_compiler::CompileError) -> CliError {
    let message = e
        .to_string()
        .replace("--> <anon>:", &format!("--> {}:", path.display()));
    CliError::file(path, message)
}

/// Loads `.zwo` bytes, refusing a damaged or foreign artifact.
pub(crate) fn load_artifact(path: &Path, bytes: &[u8]) -> Result<Module, CliError> {
    Module::from_bytes(bytes).map_err(|e| CliError::file(path, e))
}

/// Reads `path` and returns it as a module to describe, compiling it in
/// memory if needed (keeping every function's IR, for `inspect` to show). An
/// artifact for another ISA loads too, its native code unmapped.
pub(crate) fn load_to_inspect(path: &Path) -> Result<Module, CliError> {
    let bytes = read(path)?;
    match Kind::of(path, &bytes) {
        Kind::Zwo => Module::for_inspection(&bytes).map_err(|e| CliError::file(path, e)),
        kind => {
            let wasm = to_wasm(path, kind, &bytes)?;
            let opts = CompileOptions {
                keep_ir: true,
                ..CompileOptions::default()
            };
            load_artifact(path, &compile(path, &wasm, &opts)?)
        }
    }
}

/// Whether `path` holds a `.zwo` artifact, judged as [`Kind::of`] does from
/// its first bytes and its name, without reading the rest.
fn is_artifact(path: &Path) -> Result<bool, CliError> {
    use std::io::Read;
    let mut head = Vec::with_capacity(MAGIC.len());
    std::fs::File::open(path)
        .and_then(|f| f.take(MAGIC.len() as u64).read_to_end(&mut head))
        .map_err(|e| CliError::file(path, format!("cannot read file: {e}")))?;
    if head.is_empty() {
        return Err(CliError::file(path, "file is empty"));
    }
    Ok(Kind::of(path, &head) == Kind::Zwo)
}

/// Reads `path` for `zwasm run`: an artifact is loaded as it is; wasm or wat
/// is compiled for `engine`, through the compile cache unless `no_cache`.
/// With the interpreter engine, native code is switched off in either case.
pub(crate) fn load_for_run(
    path: &Path,
    engine: Engine,
    no_cache: bool,
) -> Result<Module, CliError> {
    let module = if is_artifact(path)? {
        // Mapped, not read: the loader uses the file's pages in place.
        Module::from_file(path).map_err(|e| CliError::file(path, e))?
    } else {
        let bytes = read(path)?;
        let kind = Kind::of(path, &bytes);
        let wasm = to_wasm(path, kind, &bytes)?;
        let opts = CompileOptions {
            engine,
            ..CompileOptions::default()
        };
        // The cache is opened only here: a `.zwo` never needs it.
        let cache = if no_cache { None } else { Cache::open() };
        match cache {
            Some(cache) => load_through_cache(path, &wasm, &opts, &cache)?,
            None => load_artifact(path, &compile(path, &wasm, &opts)?)?,
        }
    };
    Ok(match engine {
        Engine::Interp => module.interp_only(),
        Engine::Native => module,
    })
}

/// The cached module for `wasm`, or a fresh compile that is then cached.
/// Nothing about the cache can fail the run: an entry that does not load is
/// rebuilt, and a failed write is ignored.
fn load_through_cache(
    path: &Path,
    wasm: &[u8],
    opts: &CompileOptions,
    cache: &Cache,
) -> Result<Module, CliError> {
    let source = *blake3::hash(wasm).as_bytes();
    let entry = cache.entry(&source, opts);
    if let Some(module) = cache.get(&entry, &source) {
        return Ok(module);
    }
    let zwo = compile(path, wasm, opts)?;
    // Loaded before it is stored, so an artifact the loader refuses is
    // reported, never cached.
    let module = load_artifact(path, &zwo)?;
    let _ = cache.put(&entry, zwo.as_slice());
    Ok(module)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_content_first() {
        let p = Path::new;
        assert_eq!(Kind::of(p("a.wat"), b"\0asm\x01\0\0\0"), Kind::Wasm);
        assert_eq!(Kind::of(p("a.bin"), &MAGIC), Kind::Zwo);
        assert_eq!(Kind::of(p("a.zwo"), b"junk"), Kind::Zwo);
        assert_eq!(Kind::of(p("a.wasm"), b"(module)"), Kind::Wat);
        assert_eq!(Kind::of(p("a.wasm"), b"\xff\xfe"), Kind::Wasm);
        assert_eq!(Kind::of(p("a"), b"(module)"), Kind::Wat);
    }
}
