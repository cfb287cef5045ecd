//! The shared corpus of real WASI programs (`../shared/corpus`, contract in its
//! README) run through the `zwasm` CLI: every `[[program]]` of `kind =
//! "realworld"` in `manifest.toml`, and the SIMD benchmarks (`kind = "bench"`
//! with `needs = ["simd"]`, short loops of one vector op, so that every SIMD
//! program of the corpus runs on both engines), in a fresh empty working directory that is
//! preopened as each guest path in `dirs`, with exactly the manifest's
//! environment, arguments and stdin; the exit status and stdout must match
//! wasmtime's byte for byte.
//!
//! Two tables keep the exceptions explicit: [`KNOWN_FAILURES`] (a failure with
//! its cause; one that starts passing is an error, so the table stays true) and
//! [`SLOW`] (a program allowed more than [`TIMEOUT`], with its measured time).
//! Prints one line per program with its time, the total wall time, and closes
//! with `corpus: N passed, N failed, N skipped`; exits non-zero on a failure.
//! `cargo test --release -p zwasm --test corpus -- NAME` runs the programs
//! whose name contains NAME.

#[path = "support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::{Outcome, Report, Totals};

const SUITE: &str = "corpus";
/// The longest a program may run (the slowest realworld entry takes about
/// 0.1 s under wasmtime); [`SLOW`] lists the exceptions.
const TIMEOUT: Duration = Duration::from_secs(120);
const THREADS: usize = 2;

/// Programs that fail today, and why: (name, cause), e.g. `("p10_gc_shapes",
/// "needs the gc proposal")`. A listed program that passes is reported as a
/// failure: remove it from the table then. Empty since tail calls, memory64
/// and the gc subset landed (the three p10 modules that needed them pass).
const KNOWN_FAILURES: &[(&str, &str)] = &[];

/// Programs that need more than [`TIMEOUT`] on the interpreter: (name, their
/// own timeout in seconds, measured time and why).
const SLOW: &[(&str, u64, &str)] = &[];

/// One `[[program]]` of the manifest.
#[derive(Clone)]
struct Program {
    name: String,
    /// The engine it runs on (`--engine`).
    engine: &'static str,
    path: PathBuf,
    args: Vec<String>,
    dirs: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Vec<u8>,
    invoke: Option<String>,
    expect_exit: i32,
    expect_stdout: Expect,
}

#[derive(Clone)]
enum Expect {
    File(PathBuf),
    Regex(String),
    /// Neither given: stdout is not compared.
    Nothing,
}

fn main() {
    let Some(base) = support::shared_dir(SUITE) else {
        println!("{SUITE}: ../shared/corpus is absent (beside the repository); skipping");
        println!("\n{SUITE}: 0 passed, 0 failed, 1 skipped");
        return;
    };
    let manifest = base.join("manifest.toml");
    let programs = match load_manifest(&base, &manifest) {
        Ok(p) => p,
        Err(e) => {
            println!("{SUITE}: {}: {e}", manifest.display());
            println!("\n{SUITE}: 0 passed, 1 failed, 0 skipped");
            std::process::exit(1);
        }
    };
    let mut table_errors = check_tables(&programs);
    let filter = support::filter();
    let programs: Vec<Program> = programs
        .into_iter()
        .filter(|p| filter.as_deref().is_none_or(|f| p.name.contains(f)))
        .collect();
    if filter.is_some() {
        // A filtered run does not see every program; the tables are checked in full runs.
        table_errors.clear();
    }
    // Every program runs on each engine.
    let programs: Vec<Program> = support::ENGINES
        .iter()
        .flat_map(|&engine| {
            programs.iter().map(move |p| Program {
                engine,
                ..p.clone()
            })
        })
        .collect();
    println!(
        "{SUITE}: {} runs of the realworld and SIMD programs from {} (engines: {})",
        programs.len(),
        manifest.display(),
        support::ENGINES.join(", ")
    );
    for (name, cause) in KNOWN_FAILURES {
        println!("known failure {name}: {cause}");
    }
    for (name, secs, why) in SLOW {
        println!("slow {name}: timeout {secs} s: {why}");
    }
    let start = Instant::now();
    let reports = support::run_pool(&programs, THREADS, run_program);
    let wall = start.elapsed();
    let busy: Duration = reports.iter().filter_map(|r| r.elapsed).sum();
    let totals = Totals::of(&reports);
    println!(
        "\nwall time {:.1} s ({:.1} s of program runs on {THREADS} threads)",
        wall.as_secs_f64(),
        busy.as_secs_f64()
    );
    for e in &table_errors {
        println!("table error: {e}");
    }
    totals.print(SUITE, &reports);
    if totals.failed > 0 || !table_errors.is_empty() {
        std::process::exit(1);
    }
}

fn load_manifest(base: &Path, manifest: &Path) -> Result<Vec<Program>, String> {
    let text = std::fs::read_to_string(manifest).map_err(|e| e.to_string())?;
    let doc: toml::Table = text.parse().map_err(|e| format!("{e}"))?;
    let entries = doc
        .get("program")
        .and_then(|v| v.as_array())
        .ok_or("no [[program]] tables")?;
    let mut programs = Vec::new();
    for entry in entries {
        let t = entry.as_table().ok_or("[[program]] is not a table")?;
        let name = str_field(t, "name")?.unwrap_or_default();
        let p = (|| -> Result<Option<Program>, String> {
            let simd_bench = str_field(t, "kind")?.as_deref() == Some("bench")
                && str_list(t, "needs")?.iter().any(|n| n == "simd");
            if str_field(t, "kind")?.as_deref() != Some("realworld") && !simd_bench {
                return Ok(None);
            }
            let path = str_field(t, "path")?.ok_or("no `path`")?;
            let expect_stdout = match (
                str_field(t, "expect_stdout_file")?,
                str_field(t, "stdout_regex")?,
            ) {
                (Some(f), _) => Expect::File(base.join(f)),
                (None, Some(r)) => Expect::Regex(r),
                (None, None) => Expect::Nothing,
            };
            let env = match t.get("env") {
                None => Vec::new(),
                Some(v) => v
                    .as_table()
                    .ok_or("`env` is not a table")?
                    .iter()
                    .map(|(k, v)| {
                        let v = v.as_str().ok_or(format!("env `{k}` is not a string"))?;
                        Ok((k.clone(), v.to_owned()))
                    })
                    .collect::<Result<_, String>>()?,
            };
            let expect_exit = match t.get("expect_exit") {
                None => 0,
                Some(v) => v
                    .as_integer()
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or("`expect_exit` is not an integer")?,
            };
            Ok(Some(Program {
                engine: support::ENGINES[0],
                path: base.join(path),
                args: str_list(t, "args")?,
                dirs: str_list(t, "dirs")?,
                env,
                stdin: str_field(t, "stdin")?.unwrap_or_default().into_bytes(),
                invoke: str_field(t, "invoke")?,
                expect_exit,
                expect_stdout,
                name: name.clone(),
            }))
        })()
        .map_err(|e| format!("program `{name}`: {e}"))?;
        programs.extend(p);
    }
    Ok(programs)
}

fn str_field(t: &toml::Table, key: &str) -> Result<Option<String>, String> {
    match t.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_str()
            .map(|s| Some(s.to_owned()))
            .ok_or(format!("`{key}` is not a string")),
    }
}

fn str_list(t: &toml::Table, key: &str) -> Result<Vec<String>, String> {
    match t.get(key) {
        None => Ok(Vec::new()),
        Some(v) => v
            .as_array()
            .ok_or(format!("`{key}` is not an array"))?
            .iter()
            .map(|s| {
                s.as_str()
                    .map(str::to_owned)
                    .ok_or(format!("`{key}` holds a non-string"))
            })
            .collect(),
    }
}

/// Every name in the two tables must be a realworld program of the manifest.
fn check_tables(programs: &[Program]) -> Vec<String> {
    let known = |n: &str| programs.iter().any(|p| p.name == n);
    let names = KNOWN_FAILURES
        .iter()
        .map(|(n, _)| ("KNOWN_FAILURES", *n))
        .chain(SLOW.iter().map(|(n, _, _)| ("SLOW", *n)));
    names
        .filter(|(_, n)| !known(n))
        .map(|(table, n)| {
            format!("{table} names `{n}`, which is not a realworld program of the manifest")
        })
        .collect()
}

fn run_program(p: &Program) -> Report {
    let (outcome, elapsed, detail) = match try_run(p) {
        Ok(r) => r,
        Err(e) => (Outcome::Fail(e), None, String::new()),
    };
    let outcome = match (KNOWN_FAILURES.iter().find(|(n, _)| *n == p.name), outcome) {
        (Some((_, cause)), Outcome::Pass) => Outcome::Fail(format!(
            "listed in KNOWN_FAILURES ({cause}) but passes now: remove it from the table"
        )),
        (Some((_, cause)), Outcome::Fail(why)) => {
            Outcome::KnownFailure(format!("{cause}; got: {why}"))
        }
        (_, outcome) => outcome,
    };
    Report {
        name: format!("{} [{}]", p.name, p.engine),
        outcome,
        elapsed,
        detail,
    }
}

/// On the native engine every function of a corpus program must get native
/// code: none may fall back to the interpreter.
fn all_native(p: &Program) -> Result<(), String> {
    let bytes = std::fs::read(&p.path).map_err(|e| format!("cannot read: {e}"))?;
    let zwo = zwasm_compiler::compile(&bytes, &zwasm_compiler::CompileOptions::default())
        .map_err(|e| format!("does not compile: {e}"))?;
    let module = zwasm_loader::Module::from_bytes(&zwo).map_err(|e| format!("{e}"))?;
    let defined = module.meta().funcs.len();
    match defined - module.native_funcs() {
        0 => Ok(()),
        n => Err(format!(
            "{n} of {defined} functions fell back to the interpreter"
        )),
    }
}

fn try_run(p: &Program) -> Result<(Outcome, Option<Duration>, String), String> {
    if p.engine == "native" && zwasm_compiler::has_complete_backend(zwasm_compiler::Isa::host()) {
        if let Err(why) = all_native(p) {
            return Ok((Outcome::Fail(why), None, String::new()));
        }
    }
    if let Expect::Regex(re) = &p.expect_stdout {
        // No entry uses a regex today; supporting one would add the regex crate.
        let why = format!("stdout_regex is not supported by this harness (regex `{re}`)");
        return Ok((Outcome::Skip(why), None, String::new()));
    }
    let scratch = support::scratch(SUITE, &format!("{}-{}", p.name, p.engine))
        .map_err(|e| format!("scratch dir: {e}"))?;
    // The guest's working directory is a fresh empty one; the captured streams
    // live beside it so the guest never sees them.
    let cwd = scratch.join("cwd");
    std::fs::create_dir(&cwd).map_err(|e| format!("scratch dir: {e}"))?;
    let mut cmd = support::zwasm_command(&scratch.join("cache"));
    cmd.arg("run").arg("--engine").arg(p.engine);
    for guest in &p.dirs {
        cmd.arg("--dir").arg(format!("{}::{guest}", cwd.display()));
    }
    for (k, v) in &p.env {
        cmd.arg("--env").arg(format!("{k}={v}"));
    }
    match &p.invoke {
        Some(f) => {
            cmd.arg("--invoke").arg(f).arg(&p.path).args(&p.args);
        }
        None => {
            cmd.arg(&p.path);
            if !p.args.is_empty() {
                cmd.arg("--").args(&p.args);
            }
        }
    }
    cmd.current_dir(&cwd);
    let timeout = SLOW
        .iter()
        .find(|(n, _, _)| *n == p.name)
        .map_or(TIMEOUT, |&(_, secs, _)| Duration::from_secs(secs));
    let run = support::run(cmd, &p.stdin, &scratch, timeout)
        .map_err(|e| format!("cannot run zwasm: {e}"))?;
    let (outcome, detail) = judge(p, &run, timeout)?;
    let detail = support::settle_scratch(&outcome, detail, &scratch);
    Ok((outcome, Some(run.elapsed), detail))
}

fn judge(p: &Program, run: &support::Run, timeout: Duration) -> Result<(Outcome, String), String> {
    if run.status == support::Status::TimedOut {
        let why = format!(
            "timed out after {} s (if it is only slow, list it in SLOW with its measured time)",
            timeout.as_secs()
        );
        return Ok((Outcome::Fail(why), support::streams_detail(run)));
    }
    if run.status != support::Status::Exit(p.expect_exit) {
        let why = format!(
            "{}, expected exit {}: {}",
            run.status,
            p.expect_exit,
            run.output_head()
        );
        return Ok((Outcome::Fail(why), support::streams_detail(run)));
    }
    if let Expect::File(file) = &p.expect_stdout {
        let expected =
            std::fs::read(file).map_err(|e| format!("expected stdout {}: {e}", file.display()))?;
        if expected != run.stdout {
            let detail = support::diff_detail("stdout", &expected, &run.stdout);
            return Ok((Outcome::Fail("stdout differs".into()), detail));
        }
    }
    Ok((Outcome::Pass, String::new()))
}
