//! Interpreter benchmark: zwasm's interpreter and wasmi run the same modules in
//! one process, and the table gives zwasm's time as a ratio of wasmi's
//! (below 1.0 means zwasm is faster). Each program runs a few times on a warm
//! instance and the fastest run counts, which filters out noise from a shared
//! machine. Run with `cargo bench -p zwasm-benches --bench interp`.

use std::time::{Duration, Instant};

/// (name, wat source, argument)
const PROGRAMS: &[(&str, &str, i32)] = &[
    ("fib", include_str!("wat/fib.wat"), 30),
    ("sieve", include_str!("wat/sieve.wat"), 5_000_000),
    ("matmul", include_str!("wat/matmul.wat"), 160),
    ("checksum", include_str!("wat/checksum.wat"), 30_000_000),
];

const RUNS: usize = 5;

fn best_of(mut run: impl FnMut() -> i64) -> (Duration, i64) {
    let mut best = Duration::MAX;
    let mut result = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        result = run();
        best = best.min(start.elapsed());
    }
    (best, result)
}

fn zwasm(wasm: &[u8], arg: i32) -> (Duration, i64) {
    use zwasm_loader::{Linker, Module, Store, Val};
    // IR only, and native code switched off at load: the default options
    // compile native code, which is not what this benchmark measures.
    let opts = zwasm_compiler::CompileOptions {
        engine: zwasm_compiler::Engine::Interp,
        ..Default::default()
    };
    let artifact = zwasm_compiler::compile(wasm, &opts).expect("compiles");
    let module = Module::from_bytes(&artifact).expect("loads").interp_only();
    let mut store = Store::new();
    let instance = Linker::new()
        .instantiate(&mut store, &module)
        .expect("instantiates");
    let func = store.get_func(instance, "run").expect("exports run");
    best_of(
        || match store.call(func, &[Val::I32(arg)]).expect("runs")[..] {
            [Val::I64(r)] => r,
            ref other => panic!("unexpected result {other:?}"),
        },
    )
}

fn wasmi(wasm: &[u8], arg: i32) -> (Duration, i64) {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, wasm).expect("wasmi compiles");
    let mut store = wasmi::Store::new(&engine, ());
    let linker = wasmi::Linker::<()>::new(&engine);
    let instance = linker
        .instantiate_and_start(&mut store, &module)
        .expect("wasmi instantiates");
    let func = instance
        .get_typed_func::<i32, i64>(&store, "run")
        .expect("exports run");
    best_of(|| func.call(&mut store, arg).expect("wasmi runs"))
}

fn main() {
    // `cargo test --benches` passes `--bench`-less flags; run only under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("interp benchmark: skipped (run it with `cargo bench`)");
        return;
    }
    println!("| program | zwasm interp | wasmi | zwasm/wasmi |");
    println!("|---|---|---|---|");
    let mut log_sum = 0.0;
    for (name, wat, arg) in PROGRAMS {
        let wasm = wat::parse_str(wat).expect("benchmark wat parses");
        let (zt, zr) = zwasm(&wasm, *arg);
        let (wt, wr) = wasmi(&wasm, *arg);
        assert_eq!(zr, wr, "{name}: zwasm and wasmi disagree");
        let ratio = zt.as_secs_f64() / wt.as_secs_f64();
        log_sum += ratio.ln();
        println!("| {name}({arg}) | {zt:.2?} | {wt:.2?} | {ratio:.2} |");
    }
    let geomean = (log_sum / PROGRAMS.len() as f64).exp();
    println!("| geomean | | | {geomean:.2} |");
}
