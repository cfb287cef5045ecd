//! The smallest WASI host: loads a precompiled `.zwo`, runs its `_start` with
//! the host's stdio and the given arguments, and exits with the program's
//! status (134 on a trap). It links `zwasm-loader` alone, no compiler, so its
//! size is what an embedder that ships artifacts pays.
//!
//! ```sh
//! zwasm compile app.wasm -o app.zwo
//! cargo run --release -p zwasm-loader --example run_zwo -- app.zwo ARGS...
//! ```
//!
//! The guest sees no directory and no environment variable.

use std::path::Path;
use std::process::ExitCode;
use zwasm_loader::wasi::{self, Exit, Wasi, WasiConfig};
use zwasm_loader::{Error, Linker, Module, Store};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        eprintln!("usage: run_zwo FILE.zwo [ARGS...]");
        return ExitCode::from(2);
    };
    match run(Path::new(file), &args[1..]) {
        // Like a POSIX shell, only the low 8 bits of the status survive.
        Ok(status) => ExitCode::from(status as u8),
        Err(e) => {
            eprintln!("{file}: {e}");
            ExitCode::from(if e.as_trap().is_some() { 134 } else { 1 })
        }
    }
}

/// Loads, links and instantiates `file`, then runs `_start`; `argv[0]` is the
/// file's name.
fn run(file: &Path, args: &[String]) -> Result<i32, Error> {
    let module = Module::from_file(file)?;
    let program = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let config = WasiConfig::new()
        .inherit_stdio()
        .arg(program)
        .args(args.iter().cloned());
    let mut store = Store::new();
    let mut linker = Linker::new();
    let wasi = Wasi::add_to_linker(&mut linker, &mut store, config);
    let instance = match linker.instantiate(&mut store, &module) {
        Ok(instance) => instance,
        // A start function may call `proc_exit`.
        Err(e) => return wasi::exit_status(&e).ok_or(e),
    };
    let Exit::Status(status) = wasi.run_start(&mut store, instance)?;
    Ok(status)
}
