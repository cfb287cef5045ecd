//! One timed run of a sightglass program on zwasm, in-process: the span
//! between its calls of `bench.start` and `bench.end`, measured by the host
//! functions (so neither process start-up nor loading is in it). Driven by
//! `sightglass.py`, which alternates these runs with wasmtime's.
//!
//! ```text
//! sightglass ARTIFACT.zwo DIR EXPECTED_STDOUT [interp]
//! ```
//!
//! Runs the precompiled module with `DIR` preopened as `.` (its inputs are
//! read by relative path) and prints `span_ns ok` or `span_ns mismatch`
//! (stdout compared with the expected file byte for byte, but for a line
//! reporting a time, see `timeless`); a run that fails,
//! or never calls both functions, is an error (exit 1).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use zwasm_loader::wasi::{OutputPipe, Wasi, WasiConfig};
use zwasm_loader::{Extern, FuncType, Linker, Module, Store};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, zwo, dir, expected, rest @ ..] = &args[..] else {
        eprintln!("usage: sightglass ARTIFACT.zwo DIR EXPECTED_STDOUT [interp]");
        std::process::exit(2);
    };
    let interp = rest.first().is_some_and(|a| a == "interp");
    match run(Path::new(zwo), Path::new(dir), Path::new(expected), interp) {
        Ok((span, same)) => println!("{span} {}", if same { "ok" } else { "mismatch" }),
        Err(e) => {
            eprintln!("error: {zwo}: {e}");
            std::process::exit(1);
        }
    }
}

/// The span in nanoseconds, and whether stdout was the expected bytes.
fn run(zwo: &Path, dir: &Path, expected: &Path, interp: bool) -> Result<(u128, bool), String> {
    let mut module = Module::from_file(zwo).map_err(|e| e.to_string())?;
    if interp {
        module = module.interp_only();
    }
    let out = OutputPipe::new();
    let name = zwo
        .file_stem()
        .map_or("program".into(), |s| s.to_string_lossy().into_owned());
    let config = WasiConfig::new()
        .arg(format!("{name}.wasm"))
        .stdout(out.clone())
        .stderr(OutputPipe::new())
        .preopen_dir(dir, ".")
        .map_err(|e| e.to_string())?;
    let mut store = Store::new();
    let mut linker = Linker::new();
    Wasi::add_to_linker(&mut linker, &mut store, config);
    let marks: Arc<Mutex<[Option<Instant>; 2]>> = Arc::default();
    for (k, name) in ["start", "end"].into_iter().enumerate() {
        let marks = marks.clone();
        let f = store.host_func(FuncType::default(), move |_, _, _| {
            marks.lock().unwrap()[k] = Some(Instant::now());
            Ok(())
        });
        linker.define("bench", name, Extern::Func(f));
    }
    let instance = linker
        .instantiate(&mut store, &module)
        .map_err(|e| e.to_string())?;
    let start = store
        .get_func(instance, "_start")
        .ok_or("no `_start` export")?;
    if let Err(e) = store.call(start, &[]) {
        if zwasm_loader::wasi::exit_status(&e) != Some(0) {
            return Err(e.to_string());
        }
    }
    let [Some(t0), Some(t1)] = *marks.lock().unwrap() else {
        return Err("did not call both bench.start and bench.end".into());
    };
    let want = std::fs::read(expected).map_err(|e| format!("{}: {e}", expected.display()))?;
    Ok((
        (t1 - t0).as_nanos(),
        timeless(&out.contents()) == timeless(&want),
    ))
}

/// Output with the lines that report a time (`That took 0.036 seconds.`,
/// which `hashset` prints on stdout) reduced to their words.
fn timeless(out: &[u8]) -> Vec<Vec<u8>> {
    out.split(|&b| b == b'\n')
        .map(|line| {
            if line.starts_with(b"That took ") && line.ends_with(b" seconds.") {
                b"That took N seconds.".to_vec()
            } else {
                line.to_vec()
            }
        })
        .collect()
}
