//! The official WASI preview 1 testsuite (`../shared/wasi-testsuite`, see its
//! README) run through the `zwasm` CLI: every `NAME.wasm` of the groups `c/`,
//! `rust/` and `assemblyscript/`, with the arguments, environment, preopened
//! root, exit code and output its optional `NAME.json` gives.
//!
//! Each test runs in its own scratch directory holding a writable copy of the
//! test's `root` (stale `*.cleanup` files removed), preopened as `/`, so the
//! shared copy is never written and tests can run in parallel. Prints one line
//! per test and closes with `wasi-testsuite: N passed, N failed, N skipped`;
//! exits non-zero when any test fails. `cargo test --release -p zwasm --test
//! wasi_testsuite -- NAME` runs the tests whose `group/name` contains NAME.

#[path = "support/mod.rs"]
mod support;
// The CLI tests' small JSON reader: enough for `NAME.json`, no serde needed.
#[allow(dead_code, reason = "only the parser and the value enum are used here")]
#[path = "cli/json.rs"]
mod json;

use json::Json;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::{Outcome, Report, Totals};

const SUITE: &str = "wasi-testsuite";
const GROUPS: &[&str] = &["c", "rust", "assemblyscript"];
/// A test that runs longer than this has hung: it fails, the suite goes on.
const TIMEOUT: Duration = Duration::from_secs(60);
const THREADS: usize = 2;

/// One test: `<group>/<name>.wasm` and its settings.
struct Test {
    group: &'static str,
    /// The engine it runs on (`--engine`).
    engine: &'static str,
    name: String,
    wasm: PathBuf,
    config: Result<Config, String>,
}

/// `NAME.json`, with the README's defaults for missing fields.
#[derive(Default, Clone)]
struct Config {
    args: Vec<String>,
    env: Vec<(String, String)>,
    root: Option<String>,
    exit_code: i32,
    /// Compared only when given.
    stdout: Option<String>,
    stderr: Option<String>,
}

fn main() {
    let Some(base) = support::shared_dir(SUITE) else {
        println!("{SUITE}: ../shared/wasi-testsuite is absent (beside the repository); skipping");
        println!("\n{SUITE}: 0 passed, 0 failed, 1 skipped");
        return;
    };
    let filter = support::filter();
    let tests: Vec<Test> = GROUPS
        .iter()
        .flat_map(|g| discover(&base, g))
        .flat_map(|t| {
            support::ENGINES.map(|engine| Test {
                engine,
                config: t.config.clone(),
                name: t.name.clone(),
                wasm: t.wasm.clone(),
                group: t.group,
            })
        })
        .filter(|t| {
            filter
                .as_deref()
                .is_none_or(|f| format!("{}/{}", t.group, t.name).contains(f))
        })
        .collect();
    println!("{SUITE}: {} tests from {}", tests.len(), base.display());
    let start = Instant::now();
    let reports = support::run_pool(&tests, THREADS, |t| run_test(&base, t));
    let totals = Totals::of(&reports);
    println!("\nwall time {:.1} s", start.elapsed().as_secs_f64());
    totals.print(SUITE, &reports);
    if totals.failed > 0 {
        std::process::exit(1);
    }
}

/// The tests of one group, sorted by name.
fn discover(base: &Path, group: &'static str) -> Vec<Test> {
    let dir = base.join(group);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".wasm").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let json = dir.join(format!("{name}.json"));
            let config = if json.exists() {
                std::fs::read_to_string(&json)
                    .map_err(|e| e.to_string())
                    .and_then(|text| parse_config(&text))
                    .map_err(|e| format!("{}: {e}", json.display()))
            } else {
                Ok(Config::default())
            };
            Test {
                group,
                engine: support::ENGINES[0],
                wasm: dir.join(format!("{name}.wasm")),
                name,
                config,
            }
        })
        .collect()
}

fn parse_config(text: &str) -> Result<Config, String> {
    let Json::Obj(fields) = json::parse_json(text)? else {
        return Err("not a JSON object".into());
    };
    let mut c = Config::default();
    let string = |v: &Json, what: &str| match v {
        Json::Str(s) => Ok(s.clone()),
        _ => Err(format!("`{what}` must be a string")),
    };
    for (key, v) in &fields {
        match (key.as_str(), v) {
            ("args", Json::Arr(items)) => {
                c.args = items
                    .iter()
                    .map(|a| string(a, "args[]"))
                    .collect::<Result<_, _>>()?;
            }
            ("env", Json::Obj(vars)) => {
                c.env = vars
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), string(v, "env value")?)))
                    .collect::<Result<_, String>>()?;
            }
            ("root", Json::Null) => c.root = None,
            ("root", v) => c.root = Some(string(v, "root")?),
            ("exit_code", Json::Num(n)) if n.fract() == 0.0 && n.abs() < 2e9 => {
                c.exit_code = *n as i32;
            }
            ("stdout", v) => c.stdout = Some(string(v, "stdout")?),
            ("stderr", v) => c.stderr = Some(string(v, "stderr")?),
            ("args" | "env" | "exit_code", _) => return Err(format!("`{key}` has the wrong type")),
            // A field this runner does not know would be silently ignored: say so.
            (other, _) => return Err(format!("unknown field `{other}`")),
        }
    }
    Ok(c)
}

fn run_test(base: &Path, t: &Test) -> Report {
    let name = format!("{}/{} [{}]", t.group, t.name, t.engine);
    let (outcome, elapsed, detail) = match try_run(base, t) {
        Ok((outcome, elapsed, detail)) => (outcome, Some(elapsed), detail),
        Err(e) => (Outcome::Fail(e), None, String::new()),
    };
    Report {
        name,
        outcome,
        elapsed,
        detail,
    }
}

/// Prepares the scratch directory, runs the test and judges it; `Err` is a
/// failure of the harness or of the test's config.
fn try_run(base: &Path, t: &Test) -> Result<(Outcome, Duration, String), String> {
    let config = t
        .config
        .as_ref()
        .map_err(|e| format!("bad test config: {e}"))?;
    let scratch = support::scratch(SUITE, &format!("{}-{}-{}", t.group, t.name, t.engine))
        .map_err(|e| format!("scratch dir: {e}"))?;
    let work = scratch.join("work");
    std::fs::create_dir_all(&work).map_err(|e| format!("scratch dir: {e}"))?;
    let mut cmd = support::zwasm_command(&scratch.join("cache"));
    cmd.arg("run").arg("--engine").arg(t.engine);
    if let Some(root) = &config.root {
        let host = work.join(root);
        support::copy_tree(&base.join(t.group).join(root), &host)
            .and_then(|()| support::delete_cleanup_files(&host))
            .map_err(|e| format!("copying the root `{root}`: {e}"))?;
        cmd.arg("--dir").arg(format!("{}::/", host.display()));
    }
    for (k, v) in &config.env {
        cmd.arg("--env").arg(format!("{k}={v}"));
    }
    cmd.arg(&t.wasm);
    if !config.args.is_empty() {
        cmd.arg("--").args(&config.args);
    }
    cmd.current_dir(&work);
    let run =
        support::run(cmd, &[], &scratch, TIMEOUT).map_err(|e| format!("cannot run zwasm: {e}"))?;
    let (outcome, detail) = judge(config, &run);
    let detail = support::settle_scratch(&outcome, detail, &scratch);
    Ok((outcome, run.elapsed, detail))
}

/// Compares the exit status, then stdout and stderr where the config gives them.
fn judge(config: &Config, run: &support::Run) -> (Outcome, String) {
    if run.status == support::Status::TimedOut {
        let why = format!("timed out after {} s", TIMEOUT.as_secs());
        return (Outcome::Fail(why), support::streams_detail(run));
    }
    if run.status != support::Status::Exit(config.exit_code) {
        let why = format!(
            "{}, expected exit {}: {}",
            run.status,
            config.exit_code,
            run.output_head()
        );
        return (Outcome::Fail(why), support::streams_detail(run));
    }
    for (what, expected, actual) in [
        ("stdout", &config.stdout, &run.stdout),
        ("stderr", &config.stderr, &run.stderr),
    ] {
        if let Some(expected) = expected {
            if expected.as_bytes() != actual.as_slice() {
                let detail = support::diff_detail(what, expected.as_bytes(), actual);
                return (Outcome::Fail(format!("{what} differs")), detail);
            }
        }
    }
    (Outcome::Pass, String::new())
}
