//! The small subcommands: `compile` (write a `.zwo` atomically), `validate`
//! and `features`.

use crate::error::CliError;
use crate::input::{self, Kind};
use crate::json::Json;
use crate::opts::{CompileOpts, FeaturesOpts, ValidateOpts};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Runs `zwasm compile FILE [-o OUT]`.
pub(crate) fn compile(o: &CompileOpts) -> Result<(), CliError> {
    let bytes = input::read(&o.file)?;
    let kind = Kind::of(&o.file, &bytes);
    if kind == Kind::Zwo {
        return Err(CliError::file(&o.file, "is already a .zwo artifact"));
    }
    let zwo = input::compile(&o.file, kind, &bytes)?;
    let out = o
        .output
        .clone()
        .unwrap_or_else(|| o.file.with_extension("zwo"));
    write_atomically(&out, &zwo).map_err(|e| CliError::file(&out, format!("cannot write: {e}")))
}

/// Writes `bytes` to `path` through a temporary file in the same directory and
/// a rename, so a reader (or a crash) never sees half an artifact.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Runs `zwasm validate FILE`: prints `FILE: valid` or fails with the reason.
pub(crate) fn validate(o: &ValidateOpts) -> Result<(), CliError> {
    let bytes = input::read(&o.file)?;
    match Kind::of(&o.file, &bytes) {
        // An artifact is checked the way the loader checks it before running it.
        Kind::Zwo => input::load_artifact(&o.file, &bytes).map(|_| ())?,
        Kind::Wasm if !bytes.starts_with(b"\0asm") => {
            return Err(CliError::file(
                &o.file,
                "not a wasm binary (it does not start with \\0asm)",
            ))
        }
        _ => zwasm_compiler::validate(&bytes).map_err(|e| input::compile_error(&o.file, e))?,
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
