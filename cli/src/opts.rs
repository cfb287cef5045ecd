//! The command-line grammar (clap derive): one struct of options per
//! subcommand. Only declarations live here; each subcommand's module acts on them.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Names that `main::implicit_run` must not mistake for a file to run.
pub(crate) const SUBCOMMANDS: &[&str] = &[
    "run", "compile", "validate", "inspect", "features", "cache", "help",
];

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
    /// Compile a module into the cache, or to a .zwo file with -o
    Compile(CompileOpts),
    /// Check that a module is valid
    Validate(ValidateOpts),
    /// Show a module's imports, exports, memories, tables, globals and functions
    Inspect(InspectOpts),
    /// List the WebAssembly proposals zwasm knows and their status
    Features(FeaturesOpts),
    /// Show or clear the compile cache
    Cache(CacheOpts),
}

/// `--engine`: what runs the module's functions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum EngineArg {
    /// Native code where the backend has it, the interpreter elsewhere
    #[default]
    Native,
    /// The interpreter for every function
    Interp,
}

impl EngineArg {
    /// The compiler's engine of the same name.
    pub(crate) fn engine(self) -> zwasm_compiler::Engine {
        match self {
            EngineArg::Native => zwasm_compiler::Engine::Native,
            EngineArg::Interp => zwasm_compiler::Engine::Interp,
        }
    }
}

/// `--cpu`: the CPU an artifact's native code is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum CpuArg {
    /// This machine's CPU, with every extension zwasm uses that it has
    Native,
    /// Any x86_64 CPU with SSE4.1
    Baseline,
}

impl CpuArg {
    /// The compiler's target of the same name.
    pub(crate) fn cpu(self) -> zwasm_compiler::Cpu {
        match self {
            CpuArg::Native => zwasm_compiler::Cpu::Native,
            CpuArg::Baseline => zwasm_compiler::Cpu::Baseline,
        }
    }
}

#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  zwasm run examples/wat/add.wat --invoke add 2 3
  zwasm run --dir data::/data --env LANG=C app.wasm input.txt
  zwasm run app.zwo -- --guest-flag file.txt
  zwasm run --engine interp --no-cache app.wasm

WASI: the guest sees no directory and no environment variable unless granted
with --dir, --env or --allow-all. Paths never resolve outside a granted
directory. zwasm's own options may follow the file; put guest arguments that
look like them after `--`.

A .wasm or .wat file is compiled once and its artifact kept in the compile
cache (`zwasm cache dir` shows where); later runs load it from there.")]
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

    /// What runs the functions; for a .zwo, interp ignores its native code
    #[arg(long, value_enum, default_value_t)]
    pub engine: EngineArg,

    /// Compile in memory: neither read nor write the compile cache
    #[arg(long)]
    pub no_cache: bool,

    /// Write /tmp/perf-PID.map so `perf report` names native wasm functions
    #[arg(long)]
    pub perfmap: bool,
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
#[command(after_help = "\
Without -o, the artifact goes into the compile cache, where `zwasm run FILE`
(with the same --engine) finds it; the entry's path is printed on stderr.")]
pub(crate) struct CompileOpts {
    /// The module to compile: .wasm or .wat
    pub file: PathBuf,

    /// Write the artifact to OUT, a file to ship, instead of to the cache
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// The engine the artifact is for
    #[arg(long, value_enum, default_value_t)]
    pub engine: EngineArg,

    /// Keep the IR of functions with native code too, so the artifact can
    /// also run with `--engine interp` (about twice the size)
    #[arg(long)]
    pub keep_ir: bool,

    /// The CPU the native code is for. By default, a file written with -o is
    /// for any x86_64 CPU, and a cache entry (what `zwasm run` reads) for
    /// this machine, with the extensions it has (POPCNT, LZCNT, BMI1)
    #[arg(long, value_enum, value_name = "CPU")]
    pub cpu: Option<CpuArg>,
}

impl CompileOpts {
    /// The CPU to compile for: as asked, else baseline for a file to ship
    /// and this machine's for the cache.
    pub(crate) fn cpu(&self) -> zwasm_compiler::Cpu {
        match (self.cpu, &self.output) {
            (Some(c), _) => c.cpu(),
            (None, Some(_)) => zwasm_compiler::Cpu::Baseline,
            (None, None) => zwasm_compiler::Cpu::Native,
        }
    }
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

#[derive(Args, Debug)]
pub(crate) struct CacheOpts {
    #[command(subcommand)]
    pub command: CacheCommand,
}

#[derive(Subcommand, Debug, Clone, Copy)]
pub(crate) enum CacheCommand {
    /// Print the cache directory ($XDG_CACHE_HOME/zwasm, else ~/.cache/zwasm)
    Dir,
    /// Remove every cached artifact (other files in the directory stay)
    Clear,
}
