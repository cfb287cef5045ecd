//! The `zwasm` command line: parses arguments and hands each subcommand to its
//! module. Exit codes follow wasmtime: 0 success, 1 any error (unreadable,
//! malformed, invalid or unlinkable input), 2 a usage error, 134 a wasm trap.

mod args;
mod atomic;
mod cache;
mod commands;
mod error;
mod input;
mod inspect;
mod json;
mod opts;
mod run;

use clap::Parser;
use opts::{Cli, Command};
use std::ffi::OsString;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse_from(implicit_run(std::env::args_os().collect()));
    let result = match cli.command {
        Command::Run(o) => run::run(&o),
        Command::Compile(o) => commands::compile(&o).map(|()| 0),
        Command::Validate(o) => commands::validate(&o).map(|()| 0),
        Command::Inspect(o) => inspect::inspect(&o).map(|()| 0),
        Command::Features(o) => commands::features(&o).map(|()| 0),
        Command::Cache(o) => cache::command(&o).map(|()| 0),
    };
    match result {
        Ok(status) => ExitCode::from(status),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Writes a command's output to stdout. A closed pipe (`zwasm inspect x | head`)
/// is not an error worth a panic: the reader has seen what it wanted.
pub(crate) fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// `zwasm FILE ...` means `zwasm run FILE ...`: when the first argument is
/// neither a subcommand nor an option, insert `run` before clap sees it.
fn implicit_run(mut argv: Vec<OsString>) -> Vec<OsString> {
    let Some(first) = argv.get(1).and_then(|a| a.to_str().map(str::to_owned)) else {
        // No argument (clap prints help) or a non-UTF-8 one (surely a path).
        if argv.len() > 1 {
            argv.insert(1, "run".into());
        }
        return argv;
    };
    // `zwasm --dir . app.wasm`: run's options may come first too, as with
    // wasmtime; only the top-level flags (help, version) stay top-level.
    let top_level = ["-h", "--help", "-V", "--version"].contains(&first.as_str());
    if !top_level && !opts::SUBCOMMANDS.contains(&first.as_str()) {
        argv.insert(1, "run".into());
    }
    argv
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(args: &[&str]) -> Vec<String> {
        let v = implicit_run(args.iter().map(OsString::from).collect());
        v.into_iter().map(|a| a.into_string().unwrap()).collect()
    }

    #[test]
    fn a_file_first_means_run() {
        assert_eq!(argv(&["zwasm", "x.wasm"]), ["zwasm", "run", "x.wasm"]);
        assert_eq!(
            argv(&["zwasm", "run", "x.wasm"]),
            ["zwasm", "run", "x.wasm"]
        );
        assert_eq!(argv(&["zwasm", "inspect", "x"]), ["zwasm", "inspect", "x"]);
        assert_eq!(
            argv(&["zwasm", "cache", "clear"]),
            ["zwasm", "cache", "clear"]
        );
        assert_eq!(argv(&["zwasm", "--help"]), ["zwasm", "--help"]);
        assert_eq!(argv(&["zwasm", "-V"]), ["zwasm", "-V"]);
        assert_eq!(
            argv(&["zwasm", "--dir", ".", "x.wasm"]),
            ["zwasm", "run", "--dir", ".", "x.wasm"]
        );
        assert_eq!(argv(&["zwasm"]), ["zwasm"]);
    }

    fn run_opts(args: &[&str]) -> opts::RunOpts {
        let argv = implicit_run(args.iter().map(OsString::from).collect());
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Run(o) => o,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn invoke_arguments_may_look_like_options() {
        let split = |args: &[&str]| {
            let o = run_opts(args);
            let (invoke, guest) = o.split_args();
            (o.invoke, invoke, guest)
        };
        let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        let f = Some("f".to_string());
        assert_eq!(
            split(&["zwasm", "f.wat", "--invoke", "f", "-5", "-inf", "-0", "--", "-x", "--"]),
            (f.clone(), s(&["-5", "-inf", "-0"]), s(&["-x", "--"]))
        );
        assert_eq!(
            split(&["zwasm", "f.wat", "--invoke", "f", "--", "-x"]),
            (f.clone(), s(&[]), s(&["-x"]))
        );
        assert_eq!(
            split(&["zwasm", "run", "--invoke", "f", "f.wat", "1"]),
            (f.clone(), s(&["1"]), s(&[]))
        );
        assert_eq!(
            split(&["zwasm", "f.wasm", "a", "-b"]),
            (None, s(&[]), s(&["a", "-b"]))
        );
        assert_eq!(
            split(&["zwasm", "f.wasm", "--", "-a"]),
            (None, s(&[]), s(&["-a"]))
        );
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn every_subcommand_is_known_to_implicit_run() {
        use clap::CommandFactory;
        let mut names: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        names.push("help".into());
        names.sort();
        let mut known: Vec<&str> = opts::SUBCOMMANDS.to_vec();
        known.sort();
        assert_eq!(names, known);
    }

    #[test]
    fn engine_flags_are_spelled_as_the_compiler_names_them() {
        use clap::ValueEnum;
        for e in opts::EngineArg::value_variants() {
            let flag = e.to_possible_value().unwrap();
            assert_eq!(flag.get_name(), e.engine().name());
        }
        let o = run_opts(&["zwasm", "x.wasm"]);
        assert_eq!((o.engine, o.no_cache), (opts::EngineArg::Native, false));
        let o = run_opts(&["zwasm", "--engine", "interp", "--no-cache", "x.wasm"]);
        assert_eq!((o.engine, o.no_cache), (opts::EngineArg::Interp, true));
    }
}
