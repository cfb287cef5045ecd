//! Differential testing of the engines: the same calls on the same module
//! compiled four ways — all IR on the interpreter (the reference), native
//! code, and native with every other defined function forced to IR (odd
//! ones, then even ones, so calls cross between native and interpreted code
//! in both directions) — and the native artifact run with its native code
//! switched off, must give the same results, the same traps (message and
//! backtrace) and leave the same memory and globals behind.
//!
//! Inputs: every export of `examples/wat/*.wat` whose parameters are numbers,
//! with a spread of edge values ([`examples`]); and [`GENERATED`] modules from
//! a fixed-seed generator over the numeric and vector ops ([`gen`]). A full
//! run also checks that the generated modules reach every numeric and vector
//! op of the IR.
//!
//! Prints one line per module and closes with `differential: N passed, N
//! failed, N skipped`; exits non-zero on a failure. `cargo test --release -p
//! zwasm --test differential -- NAME` runs the modules whose name contains
//! NAME (`gen/0042`, `fibonacci`). A failing generated module is written to
//! `<target tmp>/differential/` to be run by hand.

#[path = "differential/examples.rs"]
mod examples;
#[path = "differential/gen.rs"]
mod gen;
#[path = "support/mod.rs"]
mod support;

use gen::{Ty, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use support::{Outcome, Report, Totals};
use zwasm_abi::ir::Op;
use zwasm_compiler::{CompileOptions, Engine};
use zwasm_loader::{Error, Extern, FuncType, Linker, Module, Store, Trap, TrapCode, Val, ValType};

const SUITE: &str = "differential";
/// How many modules the generator makes, and the seed of the first.
const GENERATED: u64 = 1000;
const SEED: u64 = 0x2a57_0000;
/// The longest one module may take on all engines together.
const TIMEOUT: Duration = Duration::from_secs(120);
const THREADS: usize = 2;

/// One way of compiling a module; [`Config::Interp`] is the reference.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Config {
    Interp,
    Native,
    /// Native, with the defined functions of odd index kept as IR.
    MixedOdd,
    /// Native, with the defined functions of even index kept as IR.
    MixedEven,
    /// The native artifact, compiled with `keep_ir`, with native code
    /// switched off (`interp_only`).
    NativeOff,
    /// Native code for the baseline CPU (no POPCNT, LZCNT or BMI1).
    Baseline,
}

const CONFIGS: [Config; 6] = [
    Config::Interp,
    Config::Native,
    Config::MixedOdd,
    Config::MixedEven,
    Config::NativeOff,
    Config::Baseline,
];

impl Config {
    fn name(self) -> &'static str {
        match self {
            Config::Interp => "interp",
            Config::Native => "native",
            Config::MixedOdd => "native, odd functions as IR",
            Config::MixedEven => "native, even functions as IR",
            Config::NativeOff => "native artifact with its IR, native code off",
            Config::Baseline => "native, baseline CPU",
        }
    }

    fn options(self, imported: u32, defined: u32) -> CompileOptions {
        let parity = match self {
            Config::Interp => {
                return CompileOptions {
                    engine: Engine::Interp,
                    ..CompileOptions::default()
                }
            }
            Config::Native => return CompileOptions::default(),
            Config::NativeOff => {
                return CompileOptions {
                    keep_ir: true,
                    ..CompileOptions::default()
                }
            }
            Config::Baseline => {
                return CompileOptions {
                    cpu: zwasm_compiler::Cpu::Baseline,
                    ..CompileOptions::default()
                }
            }
            Config::MixedOdd => 1,
            Config::MixedEven => 0,
        };
        CompileOptions {
            engine: Engine::Native,
            force_ir: (0..defined)
                .filter(|d| d % 2 == parity)
                .map(|d| imported + d)
                .collect(),
            ..CompileOptions::default()
        }
    }
}

enum Source {
    Example(PathBuf),
    Generated(u64),
}

struct Case {
    name: String,
    source: Source,
}

/// One call of the transcript.
struct Call {
    export: String,
    args: Vec<Val>,
}

/// How a call ended.
#[derive(Debug, PartialEq)]
enum Ended {
    Results(Vec<Val>),
    /// The trap's message and the function indices of its backtrace (empty
    /// for stack exhaustion, whose depth differs between engines).
    Trap {
        message: String,
        frames: Vec<u32>,
    },
    Error(String),
}

/// What one call did, as compared between engines.
#[derive(Debug, PartialEq)]
struct Step {
    ended: Ended,
    /// A digest of the exported memory (if any) after the call.
    memory: Option<u64>,
    /// The exported globals after the call.
    globals: Vec<Val>,
}

/// Modules now running, with their start time, for the watchdog.
static RUNNING: Mutex<Vec<(String, Instant)>> = Mutex::new(Vec::new());
/// Counts so far, for the closing line if the watchdog stops the run.
static PASSED: AtomicUsize = AtomicUsize::new(0);
static FAILED: AtomicUsize = AtomicUsize::new(0);
/// Exports left out (parameters that are not numbers), reported as skipped.
static SKIPS: Mutex<Vec<Report>> = Mutex::new(Vec::new());
/// Every IR op the generated modules contain.
static OPS_SEEN: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
/// Copies of small functions the native backend inlined into their callers
/// in the generated modules (native configuration).
static INLINED: AtomicUsize = AtomicUsize::new(0);
/// Generated functions with vector ops, and how many of them have native
/// code (native configuration: as far as the backend covers their ops).
static VECTOR_FUNCS: AtomicUsize = AtomicUsize::new(0);
/// Defined functions of the generated modules, and those with native code.
static GEN_FUNCS: AtomicUsize = AtomicUsize::new(0);
static GEN_NATIVE: AtomicUsize = AtomicUsize::new(0);
static VECTOR_NATIVE: AtomicUsize = AtomicUsize::new(0);
/// The vector IR ops in generated functions that have native code.
static VECTOR_OPS_NATIVE: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());

fn main() {
    if !zwasm_compiler::has_native_backend() {
        println!("{SUITE}: no native backend for this ISA; skipping");
        println!("\n{SUITE}: 0 passed, 0 failed, 1 skipped");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let filter = support::filter();
    let mut cases: Vec<Case> = example_files(&root)
        .into_iter()
        .map(|p| Case {
            name: format!("examples/{}", p.file_name().unwrap().to_string_lossy()),
            source: Source::Example(p),
        })
        .collect();
    cases.extend((0..GENERATED).map(|i| Case {
        name: format!("gen/{i:04}"),
        source: Source::Generated(SEED + i),
    }));
    let full = filter.is_none();
    cases.retain(|c| filter.as_deref().is_none_or(|f| c.name.contains(f)));
    println!(
        "{SUITE}: {} modules on {} engines ({})",
        cases.len(),
        CONFIGS.len(),
        CONFIGS.map(Config::name).join("; ")
    );
    std::thread::spawn(watchdog);
    let start = Instant::now();
    let mut reports = support::run_pool(&cases, THREADS, run_case);
    for r in SKIPS.lock().unwrap().drain(..) {
        if let Outcome::Skip(why) = &r.outcome {
            println!("skip {}: {why}", r.name);
        }
        reports.push(r);
    }
    println!("\nwall time {:.1} s", start.elapsed().as_secs_f64());
    if full {
        let mut tables = Vec::new();
        for (file, exports) in example_exports(&root) {
            tables.extend(exports.into_iter().map(|e| (file.clone(), e)));
        }
        for e in examples::check_table(&tables) {
            reports.push(report("table", Outcome::Fail(e), String::new()));
        }
        let missing = missing_ops();
        if !missing.is_empty() {
            let why = format!(
                "the generated modules never contain these IR ops: {}",
                missing.join(", ")
            );
            reports.push(report("gen/coverage", Outcome::Fail(why), String::new()));
        }
        let inlined = INLINED.load(Ordering::Relaxed);
        println!("inlined copies in the generated modules: {inlined}");
        println!(
            "generated functions: {}, with native code: {}",
            GEN_FUNCS.load(Ordering::Relaxed),
            GEN_NATIVE.load(Ordering::Relaxed)
        );
        let vector_ops = Op::ALL.iter().filter(|op| on_vectors(**op)).count();
        println!(
            "generated functions with vector ops: {}, with native code: {} (using {} of the {vector_ops} vector IR ops)",
            VECTOR_FUNCS.load(Ordering::Relaxed),
            VECTOR_NATIVE.load(Ordering::Relaxed),
            VECTOR_OPS_NATIVE.lock().unwrap().len()
        );
        if inlined < 100 && complete_backend() {
            let why = format!("the generated modules gave only {inlined} inlined copies");
            reports.push(report("gen/inlining", Outcome::Fail(why), String::new()));
        }
    }
    let totals = Totals::of(&reports);
    totals.print(SUITE, &reports);
    if totals.failed > 0 {
        std::process::exit(1);
    }
}

fn report(name: &str, outcome: Outcome, detail: String) -> Report {
    Report {
        name: name.to_string(),
        outcome,
        elapsed: None,
        detail,
    }
}

/// Stops the whole run when a module takes longer than [`TIMEOUT`] (a hang
/// in one engine would otherwise hang the suite).
fn watchdog() {
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let running = RUNNING.lock().unwrap();
        if let Some((name, t)) = running.iter().find(|(_, t)| t.elapsed() > TIMEOUT) {
            println!(
                "FAIL {name}: still running after {} s; stopping",
                t.elapsed().as_secs()
            );
            println!(
                "\n{SUITE}: {} passed, {} failed, {} skipped",
                PASSED.load(Ordering::Relaxed),
                FAILED.load(Ordering::Relaxed) + 1,
                SKIPS.lock().unwrap().len()
            );
            std::process::exit(1);
        }
    }
}

fn example_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("examples/wat"))
        .expect("examples/wat")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    files.sort();
    files
}

/// (file name, export names) of every example.
fn example_exports(root: &Path) -> Vec<(String, Vec<String>)> {
    example_files(root)
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let zwo = zwasm_compiler::compile(&bytes, &CompileOptions::default()).ok()?;
            let module = Module::from_bytes(&zwo).ok()?;
            let names = module.meta().exports.iter().map(|e| e.name.clone());
            Some((
                p.file_name()?.to_string_lossy().into_owned(),
                names.collect(),
            ))
        })
        .collect()
}

fn run_case(case: &Case) -> Report {
    RUNNING
        .lock()
        .unwrap()
        .push((case.name.clone(), Instant::now()));
    let start = Instant::now();
    let (outcome, detail) = match check(case) {
        Ok(skips) => {
            let mut all = SKIPS.lock().unwrap();
            for (export, why) in skips {
                let name = format!("{} {export}", case.name);
                all.push(report(&name, Outcome::Skip(why), String::new()));
            }
            (Outcome::Pass, String::new())
        }
        Err((why, detail)) => (Outcome::Fail(why), detail),
    };
    RUNNING.lock().unwrap().retain(|(n, _)| *n != case.name);
    match outcome {
        Outcome::Pass => PASSED.fetch_add(1, Ordering::Relaxed),
        _ => FAILED.fetch_add(1, Ordering::Relaxed),
    };
    Report {
        name: case.name.clone(),
        outcome,
        elapsed: Some(start.elapsed()),
        detail,
    }
}

/// A failure's one-line reason and its detail.
type Failure = (String, String);

/// Runs one module on every engine and compares. Returns the exports left
/// out (non-numeric parameters) with the reason.
fn check(case: &Case) -> Result<Vec<(String, String)>, Failure> {
    let fail = |why: String| (why, String::new());
    let (bytes, generated) = match &case.source {
        Source::Example(p) => (
            std::fs::read(p).map_err(|e| fail(format!("{}: {e}", p.display())))?,
            None,
        ),
        Source::Generated(seed) => {
            let g = gen::module(*seed);
            (g.wat.clone().into_bytes(), Some(g))
        }
    };
    // Where a generated module's text is kept when it fails.
    let keep = |why: String| -> Failure {
        let detail = match &generated {
            Some(g) => {
                let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(SUITE);
                let path = dir.join(format!("{}.wat", case.name.replace('/', "-")));
                let _ = std::fs::create_dir_all(&dir);
                let _ = std::fs::write(&path, &g.wat);
                format!("module: {}", path.display())
            }
            None => String::new(),
        };
        (why, detail)
    };
    let reference = zwasm_compiler::compile(&bytes, &CompileOptions::default())
        .map_err(|e| keep(format!("does not compile: {e}")))?;
    let meta = Module::from_bytes(&reference)
        .map_err(|e| keep(format!("does not load: {e}")))?
        .meta()
        .clone();
    let imported = meta.num_imported(zwasm_loader::ExportKind::Func);
    let defined = meta.funcs.len() as u32;

    let mut modules = Vec::new();
    for config in CONFIGS {
        let zwo = zwasm_compiler::compile(&bytes, &config.options(imported, defined))
            .map_err(|e| keep(format!("{}: does not compile: {e}", config.name())))?;
        let module = Module::from_bytes(&zwo)
            .map_err(|e| keep(format!("{}: does not load: {e}", config.name())))?;
        if config == Config::NativeOff {
            let off = module.interp_only();
            if off.native_enabled() {
                return Err(keep("interp_only() left native code on".into()));
            }
            modules.push(off);
        } else {
            modules.push(module);
        }
    }
    let native: Vec<usize> = modules[..4].iter().map(Module::native_funcs).collect();
    check_native_counts(&native, defined as usize, generated.as_ref()).map_err(keep)?;
    if generated.is_some() {
        check_scalar_native(&modules[0], &modules[1], imported).map_err(keep)?;
        INLINED.fetch_add(modules[1].inlined_copies(), Ordering::Relaxed);
        GEN_FUNCS.fetch_add(defined as usize, Ordering::Relaxed);
        GEN_NATIVE.fetch_add(modules[1].native_funcs(), Ordering::Relaxed);
        let mut seen = OPS_SEEN.lock().unwrap();
        for def in 0..defined {
            let code = modules[0].func_code(def);
            seen.extend(code.iter().map(|i| i.op as u16));
            if code.iter().any(|i| on_vectors(i.op)) {
                VECTOR_FUNCS.fetch_add(1, Ordering::Relaxed);
                if modules[1].meta().funcs[def as usize].native_len != 0 {
                    VECTOR_NATIVE.fetch_add(1, Ordering::Relaxed);
                    let vector = code.iter().filter(|i| on_vectors(i.op));
                    VECTOR_OPS_NATIVE
                        .lock()
                        .unwrap()
                        .extend(vector.map(|i| i.op as u16));
                }
            }
        }
    }

    let (calls, skipped) = match &case.source {
        Source::Example(p) => example_calls(&modules[0], p),
        Source::Generated(seed) => {
            let exports = &generated.as_ref().unwrap().exports;
            (generated_calls(exports, *seed), vec![])
        }
    };
    let transcripts: Vec<Vec<Step>> = modules.iter().map(|m| run(m, &calls)).collect();
    for (k, config) in CONFIGS.iter().enumerate().skip(1) {
        if let Some(i) = (0..calls.len()).find(|&i| transcripts[k][i] != transcripts[0][i]) {
            let why = format!(
                "{} differs from interp at call {} of {}: {}",
                config.name(),
                i + 1,
                calls.len(),
                show_call(&calls[i])
            );
            let (mut why, mut detail) = keep(why);
            detail = format!(
                "interp: {:?}\n{}: {:?}\n{detail}",
                transcripts[0][i],
                config.name(),
                transcripts[k][i]
            );
            why.push_str(&format!(
                " ({} calls differ in all)",
                (0..calls.len())
                    .filter(|&i| transcripts[k][i] != transcripts[0][i])
                    .count()
            ));
            return Err((why, detail.trim_end().to_string()));
        }
    }
    Ok(skipped)
}

/// What `force_ir` must have done: no native code on the interpreter, and
/// the forced functions kept as IR.
fn check_native_counts(
    native: &[usize],
    defined: usize,
    generated: Option<&gen::Generated>,
) -> Result<(), String> {
    let [interp, all, odd, even] = native else {
        unreachable!()
    };
    let evens = defined.div_ceil(2);
    let odds = defined / 2;
    if *interp != 0 {
        return Err(format!("Engine::Interp left {interp} native functions"));
    }
    if *odd > evens || *even > odds || odd + even > *all {
        return Err(format!(
            "force_ir not honoured: {all} native functions, {odd} with the odd ones forced to IR, {even} with the even ones"
        ));
    }
    // popcnt needs the CPU feature.
    let popcnt = host_has_popcnt();
    if let Some(g) = generated {
        if popcnt && !g.tail_calls && odd + even != *all {
            return Err(format!(
                "force_ir kept too much as IR: {odd} + {even} native functions of {all}"
            ));
        }
    }
    Ok(())
}

/// Whether this machine's backend covers every op the generator uses, and
/// (on x86_64) has POPCNT, which the native code of `popcnt` needs (ARM64's
/// `cnt` is in the baseline). Where it does not, functions left to the
/// interpreter are expected and the checks that every one is native are not
/// made.
fn host_has_popcnt() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::arch::is_x86_feature_detected!("popcnt") && complete_backend();
    #[cfg(not(target_arch = "x86_64"))]
    complete_backend()
}

/// Whether this machine's backend covers every op of Wasm 1.0 and 2.0.
fn complete_backend() -> bool {
    zwasm_compiler::has_complete_backend(zwasm_compiler::Isa::host())
}

/// Whether an IR op reads or writes a v128.
fn on_vectors(op: Op) -> bool {
    let sig = op.sig();
    let is_vec = |t: &Option<zwasm_abi::ir::Ty>| *t == Some(zwasm_abi::ir::Ty::V128);
    sig.reads.iter().any(is_vec) || is_vec(&sig.write)
}

/// Every generated function must have native code in the native
/// configuration (the generator uses no op the backend leaves to the
/// interpreter, vector ops included), unless it tail-calls a function that
/// has none (the backend keeps such a caller as IR too). `ir` is the module
/// compiled for the interpreter (whole IR), `native` for native code.
fn check_scalar_native(ir: &Module, native: &Module, imported: u32) -> Result<(), String> {
    if !host_has_popcnt() {
        return Ok(());
    }
    let funcs = &native.meta().funcs;
    let has_native = |def: usize| funcs[def].native_len != 0;
    let missing: Vec<String> = (0..funcs.len())
        .filter(|&def| {
            !has_native(def)
                && !ir.func_code(def as u32).iter().any(|i| {
                    i.op == Op::ReturnCall
                        && (i.imm as u32)
                            .checked_sub(imported)
                            .is_none_or(|d| !has_native(d as usize))
                })
        })
        .map(|def| format!("f{def}"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "functions left without native code: {}",
        missing.join(", ")
    ))
}

/// The calls for an example: every export with numeric parameters, each
/// with its argument spread. Also returns the exports left out, and why.
fn example_calls(module: &Module, path: &Path) -> (Vec<Call>, Vec<(String, String)>) {
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let meta = module.meta();
    let mut calls = Vec::new();
    let mut skipped = Vec::new();
    for export in &meta.exports {
        if export.kind != zwasm_loader::ExportKind::Func {
            continue;
        }
        let ty = &meta.types[meta.func_type_index(export.index).unwrap() as usize];
        let params: Option<Vec<Ty>> = ty.params.iter().map(|t| numeric(*t)).collect();
        let Some(params) = params else {
            skipped.push((export.name.clone(), format!("takes a reference: {ty}")));
            continue;
        };
        for args in examples::arguments(&file, &export.name, &params) {
            calls.push(Call {
                export: export.name.clone(),
                args: args.into_iter().map(val).collect(),
            });
        }
    }
    (calls, skipped)
}

fn numeric(t: ValType) -> Option<Ty> {
    match t {
        ValType::I32 => Some(Ty::I32),
        ValType::I64 => Some(Ty::I64),
        ValType::F32 => Some(Ty::F32),
        ValType::F64 => Some(Ty::F64),
        _ => None,
    }
}

fn val(v: Value) -> Val {
    match v {
        Value::I32(x) => Val::I32(x),
        Value::I64(x) => Val::I64(x),
        Value::F32(x) => Val::F32(x),
        Value::F64(x) => Val::F64(x),
    }
}

/// The calls for a generated module: each function with zeros, ones and
/// four argument lists drawn from the edge values (a v128 parameter: edge
/// lanes of some shape).
fn generated_calls(exports: &[gen::Export], seed: u64) -> Vec<Call> {
    let mut rng = gen::Rng::new(seed ^ 0xca11);
    let mut calls = Vec::new();
    for export in exports {
        let mut lists = vec![
            vec![Val::I32(0), Val::I64(0), Val::F32(0), Val::F64(0)],
            vec![
                Val::I32(1),
                Val::I64(1),
                Val::F32(1f32.to_bits()),
                Val::F64(1f64.to_bits()),
            ],
        ];
        if export.v128_param {
            lists[0].push(Val::V128(0));
            // 1 in every i32 lane.
            lists[1].push(Val::V128(0x1_0000_0001_0000_0001_0000_0001));
        }
        for _ in 0..4 {
            let mut args: Vec<Val> = gen::PARAMS.iter().map(|t| val(rng.value(*t))).collect();
            if export.v128_param {
                args.push(Val::V128(rng.v128()));
            }
            lists.push(args);
        }
        calls.extend(lists.into_iter().map(|args| Call {
            export: export.name.clone(),
            args,
        }));
    }
    calls
}

/// `env.mix`, the host function generated modules import: a deterministic
/// scramble of its argument that refuses (traps) one value in 256.
fn define_mix(store: &mut Store, linker: &mut Linker) {
    let ty = FuncType {
        params: vec![ValType::I64],
        results: vec![ValType::I64],
    };
    let mix = store.host_func(ty, |_, args, results| {
        let Val::I64(x) = args[0] else {
            return Err(Trap::host("mix: not an i64"));
        };
        if x & 0xff == 0x5a {
            return Err(Trap::host(format!("mix refuses {x}")));
        }
        results[0] = Val::I64((x.wrapping_mul(0x9e37_79b9_7f4a_7c15u64 as i64)).rotate_left(17));
        Ok(())
    });
    linker.define("env", "mix", Extern::Func(mix));
}

/// Makes every call on a fresh instance of `module`, in order.
fn run(module: &Module, calls: &[Call]) -> Vec<Step> {
    let mut store = Store::new();
    let mut linker = Linker::new();
    define_mix(&mut store, &mut linker);
    let instance = match linker.instantiate(&mut store, module) {
        Ok(i) => i,
        Err(e) => {
            return calls
                .iter()
                .map(|_| Step {
                    ended: Ended::Error(e.to_string()),
                    memory: None,
                    globals: Vec::new(),
                })
                .collect()
        }
    };
    let exports = store.exports(instance);
    calls
        .iter()
        .map(|call| {
            let r = match store.get_func(instance, &call.export) {
                Some(f) => store
                    .call(f, &call.args)
                    .map_err(|e| (e.to_string(), trap_of(&e))),
                None => Err((format!("no export {}", call.export), None)),
            };
            let memory = exports.iter().find_map(|(_, x)| match x {
                Extern::Memory(m) => Some(digest(store.memory_data(*m))),
                _ => None,
            });
            let globals = exports
                .iter()
                .filter_map(|(_, x)| match x {
                    Extern::Global(g) => Some(store.global_get(*g)),
                    _ => None,
                })
                .collect();
            Step {
                ended: ended(r),
                memory,
                globals,
            }
        })
        .collect()
}

fn trap_of(e: &Error) -> Option<Trap> {
    e.as_trap().cloned()
}

fn ended(r: Result<Vec<Val>, (String, Option<Trap>)>) -> Ended {
    match r {
        Ok(v) => Ended::Results(v),
        Err((_, Some(t))) => Ended::Trap {
            message: t.to_string().lines().next().unwrap_or("").to_string(),
            frames: if t.code == TrapCode::StackOverflow {
                Vec::new()
            } else {
                t.backtrace.iter().map(|f| f.func_index).collect()
            },
        },
        Err((m, None)) => Ended::Error(m),
    }
}

/// A fast digest of memory contents, eight bytes at a time.
fn digest(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let x = u64::from_le_bytes(w.try_into().unwrap());
        h = (h ^ x).wrapping_mul(0x0100_0000_01b3).rotate_left(23);
    }
    for &b in words.remainder() {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn show_call(c: &Call) -> String {
    let args: Vec<String> = c
        .args
        .iter()
        .map(|v| match v {
            Val::F32(b) => format!("f32 {} ({b:#010x})", f32::from_bits(*b)),
            Val::F64(b) => format!("f64 {} ({b:#018x})", f64::from_bits(*b)),
            Val::V128(b) => format!("v128 {b:#034x}"),
            other => format!("{:?}", other),
        })
        .collect();
    format!("{}({})", c.export, args.join(", "))
}

/// The numeric and vector IR ops no generated module contained. Left out
/// on purpose: ops on references and tables (the generator makes none), and
/// tail calls through imports and tables. The IR-only forms are not left
/// out: `copy.v128`, `select.v128`, `global.get.v128` and `global.set.v128`
/// come from moves, selects and globals of v128s, and `nop` is the data word
/// after `v128.const` and `i8x16.shuffle`.
fn missing_ops() -> Vec<&'static str> {
    let seen = OPS_SEEN.lock().unwrap();
    Op::ALL
        .iter()
        .filter(|op| {
            let sig = op.sig();
            let is_ref = |t: &Option<zwasm_abi::ir::Ty>| *t == Some(zwasm_abi::ir::Ty::Ref);
            let on_refs = sig.reads.iter().any(is_ref) || is_ref(&sig.write);
            let on_tables = ["table.", "elem."].iter().any(|p| op.name().starts_with(p));
            !seen.contains(&(**op as u16))
                && !on_refs
                && !on_tables
                && !matches!(op, Op::ReturnCallImport | Op::ReturnCallIndirect)
        })
        .map(|op| op.name())
        .collect()
}
