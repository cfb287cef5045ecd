//! The command-line grammar (clap derive): one struct of options per
//! subcommand. Only declarations live here; each subcommand's module acts on them.

use clap::{Args, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Whether `name` is a subcommand (or `help`), which `main::implicit_run`
/// must not mistake for a file to run.
pub(crate) fn is_subcommand(name: &str) -> bool {
    name == "help" || Command::has_subcommand(name)
}

/// zwasm: a small, full, fast WebAssembly runtime.
///
/// `zwasm FILE` is short for `zwasm run FILE`.
#[derive(Parser, Debug)]
#[command(name = "zwasm", version)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug)]
pub(crate) enum Command {
    Run(RunOpts),
    Compile(CompileOpts),
    Validate(ValidateOpts),
    Inspect(InspectOpts),
    Features(FeaturesOpts),
    Cache(CacheOpts),
}

/// Adds a subcommand's options to its `clap::Command`.
type DefineOptions = fn(clap::Command) -> clap::Command;

/// Each subcommand: its name, its one-line description, and its options.
/// The options of a subcommand are defined only when it is the one invoked
/// (or its help is asked for), through clap's `defer`: defining all six cost
/// about 40 µs of every start-up (`zwasm --version` 0.67 → 0.63 ms).
const SUBCOMMAND_DEFS: [(&str, &str, DefineOptions); 6] = [
    (
        "run",
        "Run a module (.wasm, .wat or .zwo)",
        RunOpts::augment_args,
    ),
    (
        "compile",
        "Compile a module into the cache, or to a .zwo file with -o",
        CompileOpts::augment_args,
    ),
    (
        "validate",
        "Check that a module is valid",
        ValidateOpts::augment_args,
    ),
    (
        "inspect",
        "Show a module's imports, exports, memories, tables, globals and functions",
        InspectOpts::augment_args,
    ),
    (
        "features",
        "List the WebAssembly proposals zwasm knows and their status",
        FeaturesOpts::augment_args,
    ),
    (
        "cache",
        "Show or clear the compile cache",
        CacheOpts::augment_args,
    ),
];

impl Subcommand for Command {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        SUBCOMMAND_DEFS
            .iter()
            .fold(cmd, |cmd, &(name, about, args)| {
                cmd.subcommand(clap::Command::new(name).about(about).defer(args))
            })
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_subcommands(cmd)
    }

    fn has_subcommand(name: &str) -> bool {
        SUBCOMMAND_DEFS.iter().any(|d| d.0 == name)
    }
}

impl FromArgMatches for Command {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        Self::from_arg_matches_mut(&mut m.clone())
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.update_from_arg_matches_mut(&mut m.clone())
    }

    fn from_arg_matches_mut(m: &mut clap::ArgMatches) -> Result<Self, clap::Error> {
        use clap::error::ErrorKind;
        let Some((name, mut sub)) = m.remove_subcommand() else {
            return Err(clap::Error::raw(
                ErrorKind::MissingSubcommand,
                "a subcommand is required",
            ));
        };
        let sub = &mut sub;
        Ok(match name.as_str() {
            "run" => Command::Run(RunOpts::from_arg_matches_mut(sub)?),
            "compile" => Command::Compile(CompileOpts::from_arg_matches_mut(sub)?),
            "validate" => Command::Validate(ValidateOpts::from_arg_matches_mut(sub)?),
            "inspect" => Command::Inspect(InspectOpts::from_arg_matches_mut(sub)?),
            "features" => Command::Features(FeaturesOpts::from_arg_matches_mut(sub)?),
            "cache" => Command::Cache(CacheOpts::from_arg_matches_mut(sub)?),
            _ => {
                return Err(clap::Error::raw(
                    ErrorKind::InvalidSubcommand,
                    format!("unknown subcommand '{name}'"),
                ))
            }
        })
    }

    fn update_from_arg_matches_mut(&mut self, m: &mut clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches_mut(m)?;
        Ok(())
    }
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

    /// Link the module FILE (.wasm, .wat or .zwo) as the import namespace
    /// NAME: it is instantiated first, with WASI and the modules preloaded
    /// before it. Repeatable
    #[arg(long = "preload", value_name = "NAME=FILE")]
    pub preloads: Vec<String>,

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

/// `zwasm run FILE [ARGS...]` (or `zwasm FILE ...`) with no option anywhere,
/// the most common command line, read without clap: defining and parsing
/// `run`'s options is about 50 µs of a hello-world's 0.8 ms, most of it the
/// first touch of clap's code. Anything else (an argument starting with `-`,
/// a guest argument that is not UTF-8) is clap's to parse; a test checks that
/// both read the same command lines the same way.
pub(crate) fn plain_run(argv: &[std::ffi::OsString]) -> Option<RunOpts> {
    let [_, run, file, rest @ ..] = argv else {
        return None;
    };
    let option = |a: &std::ffi::OsString| a.as_encoded_bytes().starts_with(b"-");
    if run != "run" || option(file) || rest.iter().any(option) {
        return None;
    }
    let args = rest
        .iter()
        .map(|a| a.to_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()?;
    Some(RunOpts {
        file: PathBuf::from(file),
        invoke: None,
        args,
        guest_args: Vec::new(),
        dirs: Vec::new(),
        envs: Vec::new(),
        allow_all: false,
        preloads: Vec::new(),
        engine: EngineArg::default(),
        no_cache: false,
        perfmap: false,
    })
}

/// `--target`: the instruction set an artifact is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum TargetArg {
    /// 64-bit x86 (amd64)
    #[value(name = "x86_64")]
    X86_64,
    /// 64-bit ARM (ARMv8-A)
    Aarch64,
}

impl TargetArg {
    /// The compiler's ISA of the same name.
    pub(crate) fn isa(self) -> zwasm_compiler::Isa {
        match self {
            TargetArg::X86_64 => zwasm_compiler::Isa::X86_64,
            TargetArg::Aarch64 => zwasm_compiler::Isa::Aarch64,
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

    /// The instruction set to compile for (this machine's by default): an
    /// artifact for another one is written with -o, to run there
    #[arg(long, value_enum, value_name = "ISA")]
    pub target: Option<TargetArg>,
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
