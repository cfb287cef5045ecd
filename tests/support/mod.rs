//! What the data-driven suites (`wasi_testsuite.rs`, `corpus.rs`) share: running
//! the built `zwasm` (with a private compile cache) with a timeout and its output captured in files, fresh
//! scratch directories, copying a fixture tree writable, a small thread pool,
//! and the per-test lines and closing summary.

#![allow(
    dead_code,
    reason = "shared by several test binaries; each uses a part"
)]

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A command running the built `zwasm` with its compile cache in
/// `cache_home` (as `XDG_CACHE_HOME`), so a test never writes to the real
/// `~/.cache` and never runs an artifact cached by an earlier test run.
/// The engines every program runs on, as `--engine` spells them.
pub const ENGINES: [&str; 2] = ["interp", "native"];

pub fn zwasm_command(cache_home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zwasm"));
    cmd.env("XDG_CACHE_HOME", cache_home);
    cmd
}

/// `../shared/<name>` beside the repository, or `None` when it is absent.
pub fn shared_dir(name: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(name);
    dir.is_dir().then(|| dir.canonicalize().unwrap_or(dir))
}

/// A fresh, empty directory `<target tmp>/<suite>/<name>`.
pub fn scratch(suite: &str, name: &str) -> io::Result<PathBuf> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(suite)
        .join(name);
    if dir.exists() {
        make_writable(&dir)?;
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Ends a run's scratch directory: removed after a pass, kept after anything
/// else, with its path added to the detail so the failure can be examined.
pub fn settle_scratch(outcome: &Outcome, detail: String, scratch: &Path) -> String {
    if matches!(outcome, Outcome::Pass) {
        remove_scratch(scratch);
        detail
    } else {
        format!("{detail}\n(scratch kept: {})", scratch.display())
            .trim_start()
            .to_string()
    }
}

/// Removes a scratch directory, even when the guest left it read-only.
fn remove_scratch(dir: &Path) {
    let _ = make_writable(dir);
    let _ = fs::remove_dir_all(dir);
}

fn make_writable(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let ty = entry.file_type()?;
        if ty.is_dir() {
            fs::set_permissions(entry.path(), fs::Permissions::from_mode(0o755))?;
            make_writable(&entry.path())?;
        }
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755))
}

/// Copies the tree `from` into `to` (created), symlinks as symlinks. The
/// fixtures are read-only; the copies are made writable (0644 files, 0755
/// directories) since the guest is meant to create and delete files in them.
pub fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::create_dir_all(to)?;
    fs::set_permissions(to, fs::Permissions::from_mode(0o755))?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let ty = entry.file_type()?;
        if ty.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&src)?, &dst)?;
        } else if ty.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            fs::copy(&src, &dst)?;
            fs::set_permissions(&dst, fs::Permissions::from_mode(0o644))?;
        }
    }
    Ok(())
}

/// Deletes every `*.cleanup` file under `dir`: leftovers of an earlier run
/// that the WASI testsuite says a runner must remove first.
pub fn delete_cleanup_files(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let ty = entry.file_type()?;
        if path.extension().is_some_and(|e| e == "cleanup") {
            if ty.is_dir() {
                fs::remove_dir_all(&path)?;
            } else {
                fs::remove_file(&path)?;
            }
        } else if ty.is_dir() {
            delete_cleanup_files(&path)?;
        }
    }
    Ok(())
}

/// How a run of `zwasm` ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Exit(i32),
    /// Killed by a signal (a crash of zwasm itself, not a wasm trap).
    Signal(i32),
    /// Still running at the timeout, then killed.
    TimedOut,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Exit(c) => write!(f, "exit {c}"),
            Status::Signal(s) => write!(f, "killed by signal {s}"),
            Status::TimedOut => write!(f, "timed out"),
        }
    }
}

/// A finished run: status, captured streams and wall time.
pub struct Run {
    pub status: Status,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub elapsed: Duration,
}

impl Run {
    /// The first lines of stderr (else of stdout), for a one-line failure reason.
    pub fn output_head(&self) -> String {
        let head = |bytes: &[u8]| {
            let text = String::from_utf8_lossy(bytes);
            let lines: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .take(3)
                .collect();
            lines.join(" | ")
        };
        match (head(&self.stderr), head(&self.stdout)) {
            (err, _) if !err.is_empty() => err,
            (_, out) if !out.is_empty() => format!("no stderr; stdout: {out}"),
            _ => "no output".to_string(),
        }
    }
}

/// Runs `cmd` with `stdin` (empty: `/dev/null`), its stdout and stderr sent to
/// files in `io_dir` (so a chatty guest cannot fill a pipe and block), and
/// kills it at `timeout`. A hang is reported, never waited out.
pub fn run(mut cmd: Command, stdin: &[u8], io_dir: &Path, timeout: Duration) -> io::Result<Run> {
    use std::os::unix::process::ExitStatusExt;
    let (out_path, err_path) = (io_dir.join("stdout"), io_dir.join("stderr"));
    if stdin.is_empty() {
        cmd.stdin(Stdio::null());
    } else {
        let in_path = io_dir.join("stdin");
        fs::write(&in_path, stdin)?;
        cmd.stdin(File::open(in_path)?);
    }
    cmd.stdout(File::create(&out_path)?)
        .stderr(File::create(&err_path)?);
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    let status = loop {
        if let Some(st) = child.try_wait()? {
            break match (st.code(), st.signal()) {
                (Some(c), _) => Status::Exit(c),
                (None, Some(s)) => Status::Signal(s),
                (None, None) => Status::Signal(0),
            };
        }
        if start.elapsed() >= timeout {
            let _ = child.kill();
            let _ = child.wait();
            break Status::TimedOut;
        }
        // Short runs dominate: poll often at first, then less.
        let waited = start.elapsed();
        std::thread::sleep(if waited < Duration::from_millis(200) {
            Duration::from_millis(2)
        } else {
            Duration::from_millis(20)
        });
    };
    let elapsed = start.elapsed();
    Ok(Run {
        status,
        stdout: fs::read(&out_path)?,
        stderr: fs::read(&err_path)?,
        elapsed,
    })
}

/// The verdict on one test.
pub enum Outcome {
    Pass,
    Fail(String),
    Skip(String),
    /// Failed as a table in the suite says it does, for the reason given there.
    KnownFailure(String),
}

/// One finished test, as printed.
pub struct Report {
    pub name: String,
    pub outcome: Outcome,
    pub elapsed: Option<Duration>,
    /// Extra text printed under the test's line (expected vs actual output).
    pub detail: String,
}

/// Runs `f` over `items` on `threads` threads, printing each report's line as
/// it finishes; returns the reports in the order of `items`.
pub fn run_pool<T: Sync>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> Report + Sync,
) -> Vec<Report> {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<Report>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let report = f(item);
                print_report(&report);
                done.lock().unwrap()[i] = Some(report);
            });
        }
    });
    done.into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every item is run"))
        .collect()
}

fn print_report(r: &Report) {
    let time = match r.elapsed {
        Some(t) => format!(" ({:.2} s)", t.as_secs_f64()),
        None => String::new(),
    };
    let line = match &r.outcome {
        Outcome::Pass => format!("pass {}{time}", r.name),
        Outcome::Fail(why) => format!("FAIL {}{time}: {why}", r.name),
        Outcome::Skip(why) => format!("skip {}: {why}", r.name),
        Outcome::KnownFailure(why) => format!("known-failure {}{time}: {why}", r.name),
    };
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{line}");
    if !r.detail.is_empty() && !matches!(r.outcome, Outcome::Pass) {
        for l in r.detail.lines() {
            let _ = writeln!(out, "    {l}");
        }
    }
    let _ = out.flush();
}

/// Counts of one suite; known failures count as skipped (listed in the suite,
/// with their cause, and printed).
#[derive(Default)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub known: usize,
}

impl Totals {
    pub fn of(reports: &[Report]) -> Totals {
        let mut t = Totals::default();
        for r in reports {
            match r.outcome {
                Outcome::Pass => t.passed += 1,
                Outcome::Fail(_) => t.failed += 1,
                Outcome::Skip(_) => t.skipped += 1,
                Outcome::KnownFailure(_) => {
                    t.skipped += 1;
                    t.known += 1;
                }
            }
        }
        t
    }

    /// Prints the failures again in one list, then the closing line
    /// `<suite>: N passed, N failed, N skipped`.
    pub fn print(&self, suite: &str, reports: &[Report]) {
        let failed: Vec<&Report> = reports
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Fail(_)))
            .collect();
        if !failed.is_empty() {
            println!("\nfailures:");
            for r in failed {
                if let Outcome::Fail(why) = &r.outcome {
                    println!("    {}: {why}", r.name);
                }
            }
        }
        if self.known > 0 {
            println!("({} known failures, counted as skipped)", self.known);
        }
        println!(
            "\n{suite}: {} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        );
    }
}

/// The name filter given on the command line (`cargo test --test X -- NAME`):
/// the first argument that is not an option (libtest's flags are ignored).
pub fn filter() -> Option<String> {
    std::env::args().skip(1).find(|a| !a.starts_with('-'))
}

/// Shows bytes as text for a failure detail, escaping control characters
/// other than newline and tab.
pub fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The captured streams for a failure detail: each one that is not empty (its
/// first 40 lines), leaving out a stderr already shown whole in the failure line.
pub fn streams_detail(run: &Run) -> String {
    const LINES: usize = 40;
    let clip = |bytes: &[u8]| {
        let text = show(bytes);
        let n = text.lines().count();
        let mut kept: Vec<&str> = text.lines().take(LINES).collect();
        let more = format!("... ({} more lines)", n.saturating_sub(LINES));
        if n > LINES {
            kept.push(&more);
        }
        kept.join("\n")
    };
    let mut s = String::new();
    if !run.stdout.is_empty() {
        s.push_str(&format!("--- stdout\n{}\n", clip(&run.stdout)));
    }
    if String::from_utf8_lossy(&run.stderr).lines().count() > 3 {
        s.push_str(&format!("--- stderr\n{}\n", clip(&run.stderr)));
    }
    s.trim_end().to_string()
}

/// A detail block: what was expected and what came, clipped to `max` bytes each.
pub fn diff_detail(what: &str, expected: &[u8], actual: &[u8]) -> String {
    const MAX: usize = 2000;
    let clip = |b: &[u8]| {
        if b.len() > MAX {
            format!("{}... ({} bytes in all)", show(&b[..MAX]), b.len())
        } else {
            show(b)
        }
    };
    let first_diff = expected
        .iter()
        .zip(actual)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(actual.len()));
    format!(
        "{what} differs at byte {first_diff} (expected {} bytes, got {})\n--- expected {what}\n{}\n--- actual {what}\n{}",
        expected.len(),
        actual.len(),
        clip(expected),
        clip(actual)
    )
}
