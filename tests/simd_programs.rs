//! Real programs using 128-bit SIMD (`simd-programs/`, built from source by
//! its `build.sh`): each in a scalar build (`<name>_scalar.wasm`, no v128
//! instruction) and a vector build (`<name>_simd.wasm`, explicit
//! `wasm_simd128.h` / `core::arch::wasm32` kernels) that print the same bytes.
//!
//! For every program in [`PROGRAMS`]:
//! - `<name> [v128 ops]`: the vector build's IR (compiled for the interpreter)
//!   has v128 instructions and the scalar build's none;
//! - `<name>_<build> [interp]` and `<name>_<build> [default]`: both builds run
//!   with `zwasm run --engine interp` and with `zwasm run` (the default
//!   engine), in a fresh empty working directory with no arguments; each must
//!   exit 0 with stdout equal to `expected/<name>.stdout` byte for byte.
//!
//! A program file in the folder that [`PROGRAMS`] does not list is a failed
//! check (`table`, in full runs only).
//! Prints one line per check with its time and closes with
//! `simd-programs: N passed, N failed, N skipped`; exits non-zero on a
//! failure. `cargo test --release -p zwasm --test simd_programs -- NAME` runs
//! the checks whose name contains NAME.

#[path = "support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::{Outcome, Report, Totals};

const SUITE: &str = "simd-programs";
/// The longest a run may take: each takes 1 to 3 s on the interpreter.
const TIMEOUT: Duration = Duration::from_secs(120);
const THREADS: usize = 2;

/// The programs: `<name>.c` or `<name>.rs`, `<name>_scalar.wasm`,
/// `<name>_simd.wasm` and `expected/<name>.stdout`.
const PROGRAMS: &[&str] = &["imgfilter", "mandel", "matmul"];
const BUILDS: [&str; 2] = ["scalar", "simd"];
/// `--engine interp`, then no `--engine` (the default).
const ENGINES: [Option<&str>; 2] = [Some("interp"), None];

/// One check: the v128 instructions of a program's builds, or one run.
enum Check {
    Ops {
        program: &'static str,
    },
    Run {
        program: &'static str,
        build: &'static str,
        engine: Option<&'static str>,
    },
}

impl Check {
    fn name(&self) -> String {
        match self {
            Check::Ops { program } => format!("{program} [v128 ops]"),
            Check::Run {
                program,
                build,
                engine,
            } => format!("{program}_{build} [{}]", engine.unwrap_or("default")),
        }
    }
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/simd-programs");
    let dir = dir.canonicalize().unwrap_or(dir);
    let mut checks: Vec<Check> = Vec::new();
    for &program in PROGRAMS {
        checks.push(Check::Ops { program });
        for engine in ENGINES {
            for build in BUILDS {
                checks.push(Check::Run {
                    program,
                    build,
                    engine,
                });
            }
        }
    }
    let filter = support::filter();
    let table_errors = match &filter {
        // A filtered run does not see every program; the table is checked in full runs.
        Some(_) => Vec::new(),
        None => unlisted_files(&dir),
    };
    checks.retain(|c| filter.as_deref().is_none_or(|f| c.name().contains(f)));
    println!(
        "{SUITE}: {} checks of the programs in {} (builds: {}; engines: interp, default)",
        checks.len(),
        dir.display(),
        BUILDS.join(", ")
    );
    let start = Instant::now();
    let mut reports = support::run_pool(&checks, THREADS, |c| check(&dir, c));
    let wall = start.elapsed();
    let busy: Duration = reports.iter().filter_map(|r| r.elapsed).sum();
    println!(
        "\nwall time {:.1} s ({:.1} s of checks on {THREADS} threads)",
        wall.as_secs_f64(),
        busy.as_secs_f64()
    );
    // A table error counts as a failed check.
    for e in table_errors {
        println!("FAIL table: {e}");
        reports.push(Report {
            name: "table".into(),
            outcome: Outcome::Fail(e),
            elapsed: None,
            detail: String::new(),
        });
    }
    let totals = Totals::of(&reports);
    totals.print(SUITE, &reports);
    if totals.failed > 0 {
        std::process::exit(1);
    }
}

/// Program files in `dir` (sources, builds, expected outputs) of a program
/// that [`PROGRAMS`] does not list.
fn unlisted_files(dir: &Path) -> Vec<String> {
    let mut errors = Vec::new();
    let mut names = |d: &Path| -> Vec<String> {
        match std::fs::read_dir(d) {
            Ok(entries) => entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect(),
            Err(e) => {
                errors.push(format!("{}: {e}", d.display()));
                Vec::new()
            }
        }
    };
    let mut files = names(dir);
    files.extend(names(&dir.join("expected")));
    files.sort();
    let program_of = |file: &str| {
        [".c", ".rs", "_scalar.wasm", "_simd.wasm", ".stdout"]
            .iter()
            .find_map(|suffix| file.strip_suffix(suffix))
            .map(str::to_owned)
    };
    for file in files {
        if let Some(program) = program_of(&file) {
            if !PROGRAMS.contains(&program.as_str()) {
                errors.push(format!(
                    "`{file}` belongs to a program `{program}` that PROGRAMS does not list"
                ));
            }
        }
    }
    errors
}

fn wasm_path(dir: &Path, program: &str, build: &str) -> PathBuf {
    dir.join(format!("{program}_{build}.wasm"))
}

fn check(dir: &Path, c: &Check) -> Report {
    let start = Instant::now();
    let (outcome, elapsed, detail) = match c {
        Check::Ops { program } => {
            let (outcome, detail) = match check_ops(dir, program) {
                Ok(detail) => (Outcome::Pass, detail),
                Err(why) => (Outcome::Fail(why), String::new()),
            };
            (outcome, Some(start.elapsed()), detail)
        }
        Check::Run {
            program,
            build,
            engine,
        } => match try_run(dir, program, build, *engine, &c.name()) {
            Ok(r) => r,
            Err(e) => (Outcome::Fail(e), None, String::new()),
        },
    };
    Report {
        name: c.name(),
        outcome,
        elapsed,
        detail,
    }
}

/// The number of v128 instructions in a module's IR, over all its functions.
fn v128_instrs(path: &Path) -> Result<usize, String> {
    const SHAPES: [&str; 7] = ["v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2"];
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let opts = zwasm_compiler::CompileOptions {
        engine: zwasm_compiler::Engine::Interp,
        ..Default::default()
    };
    let zwo = zwasm_compiler::compile(&bytes, &opts)
        .map_err(|e| format!("{}: does not compile: {e}", path.display()))?;
    let module = zwasm_loader::Module::from_bytes(&zwo).map_err(|e| format!("{e}"))?;
    let defined = module.meta().funcs.len() as u32;
    Ok((0..defined)
        .map(|def| {
            zwasm_abi::print::function(module.func_code(def))
                .lines()
                .filter(|line| SHAPES.iter().any(|s| line.contains(s)))
                .count()
        })
        .sum())
}

/// The scalar build has no v128 instruction, the vector build some.
fn check_ops(dir: &Path, program: &str) -> Result<String, String> {
    let scalar = v128_instrs(&wasm_path(dir, program, "scalar"))?;
    let simd = v128_instrs(&wasm_path(dir, program, "simd"))?;
    match (scalar, simd) {
        (0, n) if n > 0 => Ok(format!("{n} v128 instructions in the vector build")),
        (s, n) => Err(format!(
            "the scalar build has {s} v128 instructions (expected none), the vector build {n} \
             (expected some)"
        )),
    }
}

fn try_run(
    dir: &Path,
    program: &str,
    build: &str,
    engine: Option<&str>,
    name: &str,
) -> Result<(Outcome, Option<Duration>, String), String> {
    let path = wasm_path(dir, program, build);
    if !path.is_file() {
        return Err(format!("{} is missing (see build.sh)", path.display()));
    }
    let expected_path = dir.join("expected").join(format!("{program}.stdout"));
    let expected = std::fs::read(&expected_path)
        .map_err(|e| format!("expected stdout {}: {e}", expected_path.display()))?;
    let scratch = support::scratch(SUITE, &name.replace([' ', '[', ']'], ""))
        .map_err(|e| format!("scratch dir: {e}"))?;
    // The guest runs in a fresh empty directory with no preopen; the captured
    // streams live beside it.
    let cwd = scratch.join("cwd");
    std::fs::create_dir(&cwd).map_err(|e| format!("scratch dir: {e}"))?;
    let mut cmd = support::zwasm_command(&scratch.join("cache"));
    cmd.arg("run");
    if let Some(engine) = engine {
        cmd.arg("--engine").arg(engine);
    }
    cmd.arg(&path).current_dir(&cwd);
    let run =
        support::run(cmd, &[], &scratch, TIMEOUT).map_err(|e| format!("cannot run zwasm: {e}"))?;
    let (outcome, detail) = if run.status == support::Status::TimedOut {
        let why = format!("timed out after {} s", TIMEOUT.as_secs());
        (Outcome::Fail(why), support::streams_detail(&run))
    } else if run.status != support::Status::Exit(0) {
        let why = format!("{}, expected exit 0: {}", run.status, run.output_head());
        (Outcome::Fail(why), support::streams_detail(&run))
    } else if run.stdout != expected {
        let detail = support::diff_detail("stdout", &expected, &run.stdout);
        (Outcome::Fail("stdout differs".into()), detail)
    } else {
        (Outcome::Pass, String::new())
    };
    let detail = support::settle_scratch(&outcome, detail, &scratch);
    Ok((outcome, Some(run.elapsed), detail))
}
