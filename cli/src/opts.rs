//! The command-line grammar (clap derive): one struct of options per
//! subcommand. Only declarations live here; each subcommand's module acts on them.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Names that `main::implicit_run` must not mistake for a file to run.
pub(crate) const SUBCOMMANDS: &[&str] =
    &["run", "compile", "validate", "inspect", "features", "help"];

/// zwasm: a small, full, fast WebAssembly runtime.
///
/// `zwasm FILE` is short for `zwasm run FILE`.
#[derive(Parser, Debug)]
#[command(name = "zwasm", version)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Run a module (.wasm, .wat or .zwo)
    Run(RunOpts),
    /// Compile a module to a .zwo artifact
    Compile(CompileOpts),
    /// Check that a module is valid
    Validate(ValidateOpts),
    /// Show a module's imports, exports, memories, tables, globals and functions
    Inspect(InspectOpts),
    /// List the WebAssembly proposals zwasm knows and their status
    Features(FeaturesOpts),
}

#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  zwasm run examples/wat/add.wat --invoke add 2 3
  zwasm run --dir data::/data --env LANG=C app.wasm input.txt
  zwasm run app.zwo -- --guest-flag file.txt

WASI: the guest sees no directory and no environment variable unless granted
with --dir, --env or --allow-all. Paths never resolve outside a granted
directory. zwasm's own options may follow the file; put guest arguments that
look like them after `--`.")]
pub(crate) struct RunOpts {
    /// The module to run: .wasm, .wat or .zwo
    pub file: PathBuf,

    /// Call this exported function instead of `_start` and print its results
    #[arg(long, value_name = "NAME")]
    pub invoke: Option<String>,

    /// With --invoke, the function's arguments (i32 42, -7, 0xff; floats also
    /// 1.5, 0x1p-3, nan, inf, -inf, -0; refs null or N for an externref);
    /// otherwise arguments for the guest program
    #[arg(value_name = "ARGS", allow_hyphen_values = true)]
    pub args: Vec<String>,

    /// Arguments for the guest program (its argv after the module name)
    #[arg(last = true, value_name = "GUEST_ARGS")]
    pub guest_args: Vec<String>,

    /// Grant the guest the host directory HOST, seen as GUEST (default: the
    /// same path). Repeatable
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    pub dirs: Vec<String>,

    /// Set the guest environment variable NAME to VALUE, or pass the host's
    /// NAME through. Repeatable
    #[arg(long = "env", value_name = "NAME[=VALUE]")]
    pub envs: Vec<String>,

    /// Grant the current directory (as `.`) and the whole host environment
    #[arg(long)]
    pub allow_all: bool,
}

impl RunOpts {
    /// Splits the positional arguments into `--invoke` arguments and guest
    /// arguments. Clap hands over a `--` that follows an invoke argument (they
    /// may start with `-`, as `-1` or `-inf` do) as one of `args`, so the first
    /// `--` in `args` is the separator too.
    pub(crate) fn split_args(&self) -> (Vec<String>, Vec<String>) {
        let (before, after) = match self.args.iter().position(|a| a == "--") {
            Some(i) => (&self.args[..i], &self.args[i + 1..]),
            None => (&self.args[..], &[][..]),
        };
        let after = after.iter().chain(&self.guest_args).cloned();
        match self.invoke {
            Some(_) => (before.to_vec(), after.collect()),
            None => (Vec::new(), before.iter().cloned().chain(after).collect()),
        }
    }
}

#[derive(Args, Debug)]
pub(crate) struct CompileOpts {
    /// The module to compile: .wasm or .wat
    pub file: PathBuf,

    /// Where to write the artifact (default: FILE with the extension .zwo)
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub(crate) struct ValidateOpts {
    /// The module to check: .wasm, .wat or .zwo
    pub file: PathBuf,
}

#[derive(Args, Debug)]
pub(crate) struct InspectOpts {
    /// The module to inspect: .wasm, .wat or .zwo
    pub file: PathBuf,

    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,

    /// Print the register IR of one function, by index or by name
    #[arg(long, value_name = "FUNC")]
    pub ir: Option<String>,
}

#[derive(Args, Debug)]
pub(crate) struct FeaturesOpts {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}
