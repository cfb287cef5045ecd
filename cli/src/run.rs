//! `zwasm run`: load (compiling if needed), link, instantiate (which runs the
//! start function), then call `--invoke NAME` with parsed arguments and print
//! its results, or call `_start` if the module exports one.

use crate::args;
use crate::error::CliError;
use crate::input;
use crate::opts::RunOpts;
use std::path::Path;
use zwasm_loader::{Extern, Func, Linker, Module, Store, Val};

/// What the guest program sees of its command line. Only WASI (to come)
/// reads it; kept here so the linker has it when WASI is added.
#[derive(Clone, Debug, Default)]
#[allow(
    dead_code,
    reason = "read by the WASI linker, which is not written yet"
)]
pub(crate) struct GuestContext {
    /// `argv[0]` for the guest: the module's file name.
    pub program: String,
    /// The guest's arguments after `argv[0]`.
    pub args: Vec<String>,
}

/// Runs `zwasm run`.
pub(crate) fn run(o: &RunOpts) -> Result<(), CliError> {
    let module = input::load(&o.file)?;
    let (invoke_args, guest_args) = o.split_args();
    let guest = GuestContext {
        program: o.file.display().to_string(),
        args: guest_args,
    };

    let mut store = Store::new();
    let linker = build_linker(&mut store, &module, &guest)?;
    let instance = linker
        .instantiate(&mut store, &module)
        .map_err(|e| CliError::runtime(&o.file, e))?;

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
            None => return Ok(()),
        },
    };
    let results = call(&mut store, func, &params, &o.file, name)?;
    let mut out = String::new();
    for r in &results {
        out.push_str(&args::format(r));
        out.push('\n');
    }
    crate::emit(&out);
    Ok(())
}

/// Builds the linker that satisfies the module's imports: the one place that
/// decides what a guest may reach. Nothing is defined yet, so a module with
/// imports fails to link with "unknown import"; WASI preview 1 (driven by
/// `guest`) and host modules given on the command line will be defined here.
pub(crate) fn build_linker(
    _store: &mut Store,
    _module: &Module,
    _guest: &GuestContext,
) -> Result<Linker, CliError> {
    Ok(Linker::new())
}

/// Calls `func` and turns a trap into exit code 134.
fn call(
    store: &mut Store,
    func: Func,
    params: &[Val],
    file: &Path,
    name: &str,
) -> Result<Vec<Val>, CliError> {
    store.call(func, params).map_err(|e| match e {
        zwasm_loader::Error::Trap(_) => CliError::runtime(file, e),
        other => CliError::file(file, format!("calling `{name}`: {other}")),
    })
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

/// Parses the `--invoke` arguments by the function's parameter types.
fn parse_args(store: &Store, func: Func, name: &str, texts: &[String]) -> Result<Vec<Val>, String> {
    let ty = store.func_type(func);
    if texts.len() != ty.params.len() {
        let types: Vec<&str> = ty.params.iter().map(|t| t.name()).collect();
        let plural = if ty.params.len() == 1 { "" } else { "s" };
        return Err(format!(
            "function `{name}` takes {} argument{plural} ({}), {} given",
            ty.params.len(),
            types.join(" "),
            texts.len()
        ));
    }
    texts
        .iter()
        .zip(&ty.params)
        .enumerate()
        .map(|(i, (text, &t))| {
            args::parse(text, t).map_err(|m| format!("argument {} of `{name}`: {m}", i + 1))
        })
        .collect()
}
