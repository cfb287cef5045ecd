//! The small subcommands: `compile` (into the cache, or to a `.zwo` file),
//! `validate` and `features`.

use crate::atomic::write_atomically;
use crate::cache::Cache;
use crate::error::CliError;
use crate::input::{self, Kind};
use crate::json::Json;
use crate::opts::{CompileOpts, FeaturesOpts, ValidateOpts};
use std::path::Path;
use zwasm_compiler::CompileOptions;

/// Runs `zwasm compile FILE [-o OUT] [--engine E] [--cpu C]`: writes the
/// artifact to OUT (for any x86_64 CPU unless `--cpu native`), or without
/// `-o` into the compile cache (pre-warming it for `zwasm run FILE`, for this
/// machine) and says on stderr where it went.
pub(crate) fn compile(o: &CompileOpts) -> Result<(), CliError> {
    keep_freed_memory();
    let bytes = input::read(&o.file)?;
    let kind = Kind::of(&o.file, &bytes);
    if kind == Kind::Zwo {
        return Err(CliError::file(&o.file, "is already a .zwo artifact"));
    }
    let target = o.target.map_or(zwasm_compiler::Isa::host(), |t| t.isa());
    if target != zwasm_compiler::Isa::host() {
        if o.output.is_none() {
            return Err(CliError::Failed(format!(
                "the compile cache holds artifacts for this machine ({}); write one for {} with -o OUT",
                zwasm_compiler::Isa::host().name(),
                target.name()
            )));
        }
        if o.cpu == Some(crate::opts::CpuArg::Native) {
            return Err(CliError::Failed(format!(
                "--cpu native describes this machine ({}); leave it out to compile for any {} CPU",
                zwasm_compiler::Isa::host().name(),
                target.name()
            )));
        }
    }
    let wasm = input::to_wasm(&o.file, kind, &bytes)?;
    let opts = CompileOptions {
        engine: o.engine.engine(),
        keep_ir: o.keep_ir,
        cpu: o.cpu(),
        target,
        ..CompileOptions::default()
    };
    let zwo = input::compile_artifact(&o.file, &wasm, &opts)?;
    let cannot_write =
        |out: &Path, e: std::io::Error| CliError::file(out, format!("cannot write: {e}"));
    match &o.output {
        Some(out) => write_atomically(out, &zwo).map_err(|e| cannot_write(out, e)),
        None => {
            let cache = Cache::open().ok_or_else(|| {
                CliError::Failed(
                    "no cache directory (neither XDG_CACHE_HOME nor HOME is an absolute path); \
                     use -o OUT to write a file"
                        .into(),
                )
            })?;
            let entry = cache.entry(blake3::hash(&wasm).as_bytes(), &opts);
            cache
                .put(&entry, &zwo)
                .map_err(|e| cannot_write(&entry, e))?;
            eprintln!("{}: cached as {}", o.file.display(), entry.display());
            Ok(())
        }
    }
}

/// Tunes malloc for a process that compiles and exits: freed memory stays
/// in the process for the next allocation instead of going back to the
/// kernel (which zeroes it again, a page fault per page, when it is next
/// needed), and buffers up to 1 MB come from the heap rather than from
/// mappings of their own. `switch.wasm` compiles 7% faster. (A `run` keeps
/// glibc's defaults: it may live long after compiling.) Other C libraries
/// keep theirs.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; no memory is touched.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Runs `zwasm validate FILE`: prints `FILE: valid` or fails with the reason.
pub(crate) fn validate(o: &ValidateOpts) -> Result<(), CliError> {
    let bytes = input::read(&o.file)?;
    match Kind::of(&o.file, &bytes) {
        // An artifact is checked the way the loader checks it before running it.
        Kind::Zwo => input::load_artifact(&o.file, &bytes).map(|_| ())?,
        // The same reading of the input as `run` and `compile`, so a file
        // that is neither wasm nor wat gets the same one-line error.
        kind => {
            let wasm = input::to_wasm(&o.file, kind, &bytes)?;
            zwasm_compiler::validate(&wasm).map_err(|e| input::compile_error(&o.file, e))?
        }
    }
    crate::emit(&format!("{}: valid\n", o.file.display()));
    Ok(())
}

/// Runs `zwasm features`: every proposal zwasm knows, with its status.
pub(crate) fn features(o: &FeaturesOpts) -> Result<(), CliError> {
    let list = zwasm_compiler::features();
    if o.json {
        let items: Vec<Json> = list
            .iter()
            .map(|f| {
                Json::obj([
                    ("name", f.name.into()),
                    ("spec", f.spec.into()),
                    ("status", f.status.name().into()),
                ])
            })
            .collect();
        crate::emit(&format!("{}\n", Json::Arr(items)));
        return Ok(());
    }
    let width = list
        .iter()
        .map(|f| f.name.len())
        .max()
        .unwrap_or(0)
        .max("PROPOSAL".len());
    let mut out = format!("{:<width$}  {:<8}  STATUS\n", "PROPOSAL", "SPEC");
    for f in list {
        out.push_str(&format!(
            "{:<width$}  {:<8}  {}{}\n",
            f.name,
            f.spec,
            f.status.name(),
            f.status
                .note()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        ));
    }
    crate::emit(&out);
    Ok(())
}
