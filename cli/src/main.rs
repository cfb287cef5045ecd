//! The `zwasm` command line: parses arguments and hands each subcommand to its
//! module. Exit codes follow wasmtime: 0 success, 1 any error (unreadable,
//! malformed, invalid or unlinkable input), 2 a usage error, 134 a wasm trap.
//!
//! The binary has its own C `main` in place of Rust's runtime start-up (see
//! [`main`]), which saves a tenth of a millisecond on every run.

#![cfg_attr(not(test), no_main)]

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

/// The process entry, called by the C runtime.
///
/// Rust's own start-up (`lang_start`) finds the main thread's stack guard
/// through `pthread_getattr_np`, which reads and parses `/proc/self/maps`:
/// about 60 µs of a hello-world's 1.2 ms. zwasm does what else it does here:
/// SIGPIPE ignored (a closed pipe is an `EPIPE` error, for WASI programs too),
/// fds 0–2 opened on `/dev/null` when closed (so no file opened later takes
/// their place), and stdout flushed at the end. Arguments still reach
/// `std::env::args_os`: on glibc, std reads them from the C runtime's
/// `init_array` call. What is left out is std's message on a stack overflow of
/// the main thread, which ends the process on SIGSEGV instead.
#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    runtime_init();
    let status = run_cli();
    use std::io::Write;
    let _ = std::io::stdout().flush();
    status.into()
}

// The unwinder (used only for panic backtraces) linked in statically: loading
// libgcc_s.so at start-up, and its constructor's CPU probing, cost more than
// the 12 KB it adds. With it resolved here, `--as-needed` drops the shared
// library.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
#[link(name = "gcc_eh", kind = "static")]
unsafe extern "C" {}

/// Test builds keep Rust's start-up; the test harness supplies the entry.
#[cfg(test)]
fn main() {
    std::process::exit(run_cli().into());
}

/// What Rust's start-up does that zwasm needs (see [`main`]).
#[cfg(not(test))]
fn runtime_init() {
    let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    });
    // SAFETY: `fds` is a valid array of three pollfd for the call's duration;
    // the path is a NUL-terminated literal; `signal` takes a valid handler value.
    unsafe {
        if libc::poll(fds.as_mut_ptr(), 3, 0) != -1 {
            for p in fds {
                if p.revents & libc::POLLNVAL != 0
                    && libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) == -1
                {
                    libc::abort();
                }
            }
        }
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

fn run_cli() -> u8 {
    let argv = implicit_run(std::env::args_os().collect());
    let command = match opts::plain_run(&argv) {
        Some(o) => Command::Run(o),
        None => Cli::parse_from(argv).command,
    };
    let result = match command {
        Command::Run(o) => run::run(&o),
        Command::Compile(o) => commands::compile(&o).map(|()| 0),
        Command::Validate(o) => commands::validate(&o).map(|()| 0),
        Command::Inspect(o) => inspect::inspect(&o).map(|()| 0),
        Command::Features(o) => commands::features(&o).map(|()| 0),
        Command::Cache(o) => cache::command(&o).map(|()| 0),
    };
    match result {
        Ok(status) => status,
        Err(e) => {
            eprintln!("{e}");
            e.exit_code()
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
    if !top_level && !opts::is_subcommand(&first) {
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
    fn plain_run_lines_read_as_clap_reads_them() {
        let clap = |args: &[&str]| format!("{:?}", run_opts(args));
        let plain = |args: &[&str]| {
            let argv = implicit_run(args.iter().map(OsString::from).collect());
            opts::plain_run(&argv).map(|o| format!("{o:?}"))
        };
        for args in [
            &["zwasm", "x.wasm"][..],
            &["zwasm", "run", "x.wasm"],
            &["zwasm", "x.zwo", "a", "b c", ""],
            &["zwasm", "run", "help", "run"],
            &["zwasm", "dir/x.wat", "compile"],
        ] {
            assert_eq!(plain(args), Some(clap(args)), "{args:?}");
        }
        // Options, wherever they are, and other subcommands go to clap.
        for args in [
            &["zwasm"][..],
            &["zwasm", "run"],
            &["zwasm", "--dir", ".", "x.wasm"],
            &["zwasm", "x.wasm", "--invoke", "f"],
            &["zwasm", "x.wasm", "-"],
            &["zwasm", "x.wasm", "--", "a"],
            &["zwasm", "-x.wasm"],
            &["zwasm", "compile", "x.wasm"],
            &["zwasm", "--help"],
        ] {
            assert_eq!(plain(args), None, "{args:?}");
        }
        let non_utf8 = std::os::unix::ffi::OsStringExt::from_vec(vec![0xff]);
        let argv: Vec<OsString> = vec!["zwasm".into(), "run".into(), "x.wasm".into(), non_utf8];
        assert!(opts::plain_run(&argv).is_none());
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
        let mut cmd = Cli::command();
        cmd.build();
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        assert_eq!(names.len(), 7, "six subcommands and help: {names:?}");
        assert!(names.iter().all(|n| opts::is_subcommand(n)));
        for file in ["x.wasm", "runner", "helpme", ""] {
            assert!(!opts::is_subcommand(file), "{file}");
        }
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
