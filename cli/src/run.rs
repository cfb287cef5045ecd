//! `zwasm run`: load (compiling through the cache if needed), link, instantiate (which runs the
//! start function), then call `--invoke NAME` with parsed arguments and print
//! its results, or call `_start` if the module exports one.

use crate::args;
use crate::error::CliError;
use crate::input;
use crate::opts::RunOpts;
use std::path::{Path, PathBuf};
use zwasm_loader::wasi::{self, Wasi, WasiConfig};
use zwasm_loader::{Extern, Func, Linker, Module, Store, Val, ValType};

/// What the guest program sees of the host: its command line, environment
/// and directories, all granted on the command line.
#[derive(Clone, Debug, Default)]
pub(crate) struct GuestContext {
    /// `argv[0]` for the guest: the module's file name.
    pub program: String,
    /// The guest's arguments after `argv[0]`.
    pub args: Vec<String>,
    /// `NAME=VALUE` pairs, in order (a later one of the same name wins).
    pub env: Vec<(String, String)>,
    /// Preopened directories: host path, guest path.
    pub dirs: Vec<(PathBuf, String)>,
}

impl GuestContext {
    /// Reads `--dir`, `--env` and `--allow-all`; a malformed `--env` is an error.
    fn from_opts(o: &RunOpts, args: Vec<String>) -> Result<GuestContext, CliError> {
        let program = o.file.file_name().map_or_else(
            || o.file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut env = Vec::new();
        let mut dirs = Vec::new();
        if o.allow_all {
            env.extend(std::env::vars());
            dirs.push((PathBuf::from("."), ".".to_string()));
        }
        for spec in &o.envs {
            let (name, value) = match spec.split_once('=') {
                Some((name, value)) => (name, Some(value.to_string())),
                None => (spec.as_str(), None),
            };
            if name.is_empty() || name.contains('\0') {
                return Err(CliError::Failed(format!(
                    "invalid --env `{spec}`: expected NAME=VALUE or NAME"
                )));
            }
            // `--env NAME` passes the host's value through, if it has one.
            let Some(value) = value.or_else(|| std::env::var(name).ok()) else {
                continue;
            };
            env.push((name.to_string(), value));
        }
        for spec in &o.dirs {
            let (host, guest) = zwasm_loader::wasi::parse_dir_flag(spec);
            if host.as_os_str().is_empty() || guest.is_empty() {
                return Err(CliError::Failed(format!(
                    "invalid --dir `{spec}`: expected HOST or HOST::GUEST"
                )));
            }
            dirs.push((host, guest));
        }
        Ok(GuestContext {
            program,
            args,
            env,
            dirs,
        })
    }
}

/// Runs `zwasm run`; returns the process exit status (the guest's own when
/// it calls `proc_exit`).
pub(crate) fn run(o: &RunOpts) -> Result<u8, CliError> {
    let (invoke_args, guest_args) = o.split_args();
    let guest = GuestContext::from_opts(o, guest_args)?;
    let module = input::load_for_run(&o.file, o.engine.engine(), o.no_cache)?;
    if o.perfmap {
        module
            .write_perf_map()
            .map_err(|e| CliError::file(&o.file, format!("cannot write the perf map: {e}")))?;
    }

    let mut store = Store::new();
    let mut linker = build_linker(&mut store, &module, &guest)?;
    for spec in &o.preloads {
        if let Some(status) = preload(&mut store, &mut linker, spec, o)? {
            return Ok(status);
        }
    }
    let instance = match linker.instantiate(&mut store, &module) {
        Ok(i) => i,
        // A start function may call `proc_exit` too.
        Err(e) => return exit_or(e, &o.file),
    };

    let (name, func, params) = match &o.invoke {
        Some(name) => {
            let func = exported_func(&store, instance, &module, name)
                .map_err(|m| CliError::file(&o.file, m))?;
            let params = parse_args(&store, func, name, &invoke_args)
                .map_err(|m| CliError::file(&o.file, m))?;
            (name.as_str(), func, params)
        }
        None => match store.get_func(instance, "_start") {
            Some(func) if store.func_type(func).params.is_empty() => ("_start", func, vec![]),
            Some(_) => return Err(CliError::file(&o.file, "`_start` must take no parameters")),
            // A module without `_start` is a library or a reactor: instantiating it
            // (and running its start function) is all there is to do.
            None => return Ok(0),
        },
    };
    let results = match store.call(func, &params) {
        Ok(r) => r,
        Err(e @ zwasm_loader::Error::Trap(_)) => return exit_or(e, &o.file),
        Err(other) => {
            return Err(CliError::file(
                &o.file,
                format!("calling `{name}`: {other}"),
            ))
        }
    };
    let mut out = String::new();
    for r in &results {
        out.push_str(&args::format(r));
        out.push('\n');
    }
    crate::emit(&out);
    Ok(0)
}

/// `--preload NAME=FILE`: loads FILE, instantiates it with what `linker`
/// has so far (WASI, earlier preloads) and defines its exports as module
/// NAME. A start function that exits the guest gives its status.
fn preload(
    store: &mut Store,
    linker: &mut Linker,
    spec: &str,
    o: &RunOpts,
) -> Result<Option<u8>, CliError> {
    let (name, file) = match spec.split_once('=') {
        Some((name, file)) if !name.is_empty() && !file.is_empty() => (name, Path::new(file)),
        _ => {
            return Err(CliError::Failed(format!(
                "invalid --preload `{spec}`: expected NAME=FILE"
            )))
        }
    };
    let module = input::load_for_run(file, o.engine.engine(), o.no_cache)?;
    let instance = match linker.instantiate(store, &module) {
        Ok(i) => i,
        Err(e) => return exit_or(e, file).map(Some),
    };
    linker.define_instance(store, name, instance);
    Ok(None)
}

/// The guest's exit status if `e` is a `proc_exit`, else the error (a trap
/// exits 134).
fn exit_or(e: zwasm_loader::Error, file: &Path) -> Result<u8, CliError> {
    match wasi::exit_status(&e) {
        // Like a POSIX shell, only the low 8 bits of the status survive.
        Some(status) => Ok(status as u8),
        None => Err(CliError::runtime(file, e)),
    }
}

/// Builds the linker that satisfies the module's imports: the one place that
/// decides what a guest may reach. It defines WASI preview 1 over exactly
/// what `guest` grants, with the host's stdio.
pub(crate) fn build_linker(
    store: &mut Store,
    _module: &Module,
    guest: &GuestContext,
) -> Result<Linker, CliError> {
    let mut config = WasiConfig::new()
        .inherit_stdio()
        .arg(&guest.program)
        .args(guest.args.iter().cloned());
    for (name, value) in &guest.env {
        config = config.env(name, value);
    }
    for (host, name) in &guest.dirs {
        config = config
            .preopen_dir(host, name)
            .map_err(|e| CliError::Failed(format!("--dir {}: {e}", host.display())))?;
    }
    let mut linker = Linker::new();
    Wasi::add_to_linker(&mut linker, store, config);
    Ok(linker)
}

/// The exported function `name`, or a message saying what is exported instead.
fn exported_func(
    store: &Store,
    instance: zwasm_loader::Instance,
    module: &Module,
    name: &str,
) -> Result<Func, String> {
    match store.get_export(instance, name) {
        Some(Extern::Func(f)) => Ok(f),
        Some(other) => {
            let kind = match other {
                Extern::Table(_) => "a table",
                Extern::Memory(_) => "a memory",
                Extern::Global(_) => "a global",
                Extern::Func(_) => unreachable!(),
            };
            Err(format!("export `{name}` is {kind}, not a function"))
        }
        None => {
            let funcs: Vec<&str> = module
                .meta()
                .exports
                .iter()
                .filter(|e| e.kind == zwasm_loader::ExportKind::Func)
                .map(|e| e.name.as_str())
                .collect();
            let list = if funcs.is_empty() {
                "none".to_string()
            } else {
                funcs.join(", ")
            };
            Err(format!(
                "no exported function `{name}` (exported functions: {list})"
            ))
        }
    }
}

/// Parses the `--invoke` arguments by the function's parameter types. A
/// v128 takes its shape and lanes as one argument or as several.
fn parse_args(store: &Store, func: Func, name: &str, texts: &[String]) -> Result<Vec<Val>, String> {
    let ty = store.func_type(func);
    let count_error = |given: usize| {
        let types: Vec<&str> = ty.params.iter().map(|t| t.name()).collect();
        let plural = if ty.params.len() == 1 { "" } else { "s" };
        format!(
            "function `{name}` takes {} argument{plural} ({}), {given} given",
            ty.params.len(),
            types.join(" "),
        )
    };
    // Without a v128, one argument is one value: the count comes first.
    if !ty.params.contains(&ValType::V128) && texts.len() != ty.params.len() {
        return Err(count_error(texts.len()));
    }
    let mut vals = Vec::with_capacity(ty.params.len());
    let mut rest = texts;
    for (i, &t) in ty.params.iter().enumerate() {
        let Some(text) = rest.first() else {
            return Err(count_error(i));
        };
        let at = |m: String| format!("argument {} of `{name}`: {m}", i + 1);
        let used = if t == ValType::V128 {
            let (v, used) = args::parse_v128(rest).map_err(at)?;
            vals.push(v);
            used
        } else {
            vals.push(args::parse(text, t).map_err(at)?);
            1
        };
        rest = &rest[used..];
    }
    if !rest.is_empty() {
        return Err(count_error(ty.params.len() + rest.len()));
    }
    Ok(vals)
}
