//! `zwasm inspect`: what a module imports, exports and defines, with each
//! function's size in wasm bytes, IR instructions and frame slots, as text or
//! JSON; `--ir FUNC` prints one function's register IR.

use crate::error::CliError;
use crate::input;
use crate::json::Json;
use crate::opts::InspectOpts;
use std::fmt::Write;
use zwasm_abi::module::{ExportKind, FuncType, ImportKind, MemoryType, ModuleMeta, TableType};
use zwasm_loader::Module;

/// Runs `zwasm inspect`.
pub(crate) fn inspect(o: &InspectOpts) -> Result<(), CliError> {
    let module = input::load_to_inspect(&o.file)?;
    let file = o.file.display().to_string();
    let out = match &o.ir {
        Some(func) => {
            let index = resolve_func(&module, func).map_err(|m| CliError::file(&o.file, m))?;
            ir(&module, index, o.json).map_err(|m| CliError::file(&o.file, m))?
        }
        None if o.json => summary_json(&module, &file).to_string() + "\n",
        None => summary_text(&module, &file),
    };
    crate::emit(&out);
    Ok(())
}

/// Finds a function by index, export name or name-section name (`$` optional).
fn resolve_func(module: &Module, spec: &str) -> Result<u32, String> {
    let meta = module.meta();
    let total = meta.num_imported(ExportKind::Func) + meta.funcs.len() as u32;
    if let Ok(index) = spec.parse::<u32>() {
        return if index < total {
            Ok(index)
        } else {
            Err(format!(
                "no function {index}: the module has {total} functions"
            ))
        };
    }
    let name = spec.strip_prefix('$').unwrap_or(spec);
    let export = meta
        .exports
        .iter()
        .find(|e| e.kind == ExportKind::Func && e.name == name);
    export
        .map(|e| e.index)
        .or_else(|| {
            module
                .func_names()
                .find(|&(_, n)| n == name)
                .map(|(i, _)| i)
        })
        .ok_or_else(|| format!("no function named `{spec}` (by export or name section)"))
}

/// A function's name for people: its name-section name, else an export name.
fn func_name(module: &Module, index: u32) -> Option<&str> {
    module.func_name(index).or_else(|| {
        module
            .meta()
            .exports
            .iter()
            .find(|e| e.kind == ExportKind::Func && e.index == index)
            .map(|e| e.name.as_str())
    })
}

/// A signature in wat syntax, leaving out an empty `(param)` or `(result)`.
fn type_text(ty: Option<&FuncType>) -> String {
    let Some(ty) = ty else { return "?".into() };
    let mut s = "(func".to_string();
    for (word, list) in [("param", &ty.params), ("result", &ty.results)] {
        if !list.is_empty() {
            let names: Vec<&str> = list.iter().map(|t| t.name()).collect();
            let _ = write!(s, " ({word} {})", names.join(" "));
        }
    }
    s + ")"
}

fn func_type_text(meta: &ModuleMeta, index: u32) -> String {
    type_text(
        meta.func_type_index(index)
            .and_then(|t| meta.types.get(t as usize)),
    )
}

fn kind_name(kind: ExportKind) -> &'static str {
    match kind {
        ExportKind::Func => "func",
        ExportKind::Table => "table",
        ExportKind::Memory => "memory",
        ExportKind::Global => "global",
    }
}

fn max_text(max: Option<u64>) -> String {
    max.map_or_else(|| "none".into(), |m| m.to_string())
}

fn memory_text(m: &MemoryType) -> String {
    let mut s = format!("{} pages, max {}", m.min, max_text(m.max));
    if m.memory64 {
        s.push_str(", memory64");
    }
    if m.shared {
        s.push_str(", shared");
    }
    s
}

fn table_text(t: &TableType) -> String {
    format!("{}, {} elements, max {}", t.elem, t.min, max_text(t.max))
}

/// The human-readable summary.
fn summary_text(module: &Module, file: &str) -> String {
    let meta = module.meta();
    let num_imported = meta.num_imported(ExportKind::Func);
    let mut s = format!("module {file}\n");
    if let Some(name) = &meta.name {
        let _ = writeln!(s, "name: {name}");
    }
    let _ = writeln!(s, "types: {}", meta.types.len());
    let _ = writeln!(s, "imports: {}", meta.imports.len());
    for i in &meta.imports {
        let what = match &i.kind {
            ImportKind::Func(t) => format!("func {}", type_text(meta.types.get(*t as usize))),
            ImportKind::Table(t) => format!("table {}", table_text(t)),
            ImportKind::Memory(m) => format!("memory {}", memory_text(m)),
            ImportKind::Global(g) => {
                format!("global {}{}", if g.mutable { "mut " } else { "" }, g.ty)
            }
        };
        let _ = writeln!(s, "  {}.{}: {what}", i.module, i.name);
    }
    let _ = writeln!(s, "exports: {}", meta.exports.len());
    for e in &meta.exports {
        let _ = writeln!(s, "  {}: {} {}", e.name, kind_name(e.kind), e.index);
    }
    let base = meta.num_imported(ExportKind::Memory);
    let _ = writeln!(s, "memories: {}", meta.memories.len());
    for (i, m) in meta.memories.iter().enumerate() {
        let _ = writeln!(s, "  memory {}: {}", base + i as u32, memory_text(m));
    }
    let base = meta.num_imported(ExportKind::Table);
    let _ = writeln!(s, "tables: {}", meta.tables.len());
    for (i, t) in meta.tables.iter().enumerate() {
        let _ = writeln!(s, "  table {}: {}", base + i as u32, table_text(&t.ty));
    }
    let base = meta.num_imported(ExportKind::Global);
    let _ = writeln!(s, "globals: {}", meta.globals.len());
    for (i, g) in meta.globals.iter().enumerate() {
        let m = if g.ty.mutable { "mut " } else { "" };
        let _ = writeln!(s, "  global {}: {m}{}", base + i as u32, g.ty.ty);
    }
    if let Some(start) = meta.start {
        let _ = writeln!(s, "start: func {start}");
    }
    // A .zwo loads only on the ISA it was compiled for (the loader refuses
    // another's), and a .wasm is compiled for this machine.
    let _ = writeln!(s, "isa: {}", module.isa().name());
    let cpu = cpu_features(module);
    let _ = writeln!(
        s,
        "cpu features: {}",
        if cpu.is_empty() {
            "none beyond the baseline".to_string()
        } else {
            cpu.join(" ")
        }
    );
    let _ = writeln!(
        s,
        "functions: {} ({num_imported} imported, {} defined)",
        num_imported as usize + meta.funcs.len(),
        meta.funcs.len()
    );
    if !meta.funcs.is_empty() {
        let _ = writeln!(
            s,
            "  {:>5}  {:>10}  {:>9}  {:>5}  {:>12}  name: type",
            "index", "wasm bytes", "IR instrs", "slots", "native bytes"
        );
    }
    for (def, f) in meta.funcs.iter().enumerate() {
        let index = num_imported + def as u32;
        let name = func_name(module, index).unwrap_or("-");
        let _ = writeln!(
            s,
            "  {index:>5}  {:>10}  {:>9}  {:>5}  {:>12}  {name}: {}",
            f.wasm_size,
            ir_len(module, f).map_or_else(|| "-".to_string(), |n| n.to_string()),
            f.num_slots,
            if f.native_len == 0 {
                "-".to_string()
            } else {
                f.native_len.to_string()
            },
            func_type_text(meta, index)
        );
    }
    s
}

/// The same summary as JSON.
fn summary_json(module: &Module, file: &str) -> Json {
    let meta = module.meta();
    let num_imported = meta.num_imported(ExportKind::Func);
    let memory = |index: Option<u32>, m: &MemoryType| {
        let mut fields = vec![
            ("min".to_string(), m.min.into()),
            ("max".to_string(), m.max.into()),
            ("memory64".to_string(), m.memory64.into()),
            ("shared".to_string(), m.shared.into()),
        ];
        if let Some(i) = index {
            fields.insert(0, ("index".into(), i.into()));
        }
        fields
    };
    let table = |index: Option<u32>, t: &TableType| {
        let mut fields = vec![
            ("elem".to_string(), t.elem.name().into()),
            ("min".to_string(), t.min.into()),
            ("max".to_string(), t.max.into()),
        ];
        if let Some(i) = index {
            fields.insert(0, ("index".into(), i.into()));
        }
        fields
    };
    let imports = meta.imports.iter().map(|i| {
        let mut fields = vec![
            ("module".to_string(), Json::from(i.module.as_str())),
            ("name".to_string(), i.name.as_str().into()),
        ];
        match &i.kind {
            ImportKind::Func(t) => {
                fields.push(("kind".into(), "func".into()));
                fields.push(("type".into(), type_text(meta.types.get(*t as usize)).into()));
            }
            ImportKind::Table(t) => {
                fields.push(("kind".into(), "table".into()));
                fields.extend(table(None, t));
            }
            ImportKind::Memory(m) => {
                fields.push(("kind".into(), "memory".into()));
                fields.extend(memory(None, m));
            }
            ImportKind::Global(g) => {
                fields.push(("kind".into(), "global".into()));
                fields.push(("type".into(), g.ty.name().into()));
                fields.push(("mutable".into(), g.mutable.into()));
            }
        }
        Json::Obj(fields)
    });
    let exports = meta.exports.iter().map(|e| {
        Json::obj([
            ("name", e.name.as_str().into()),
            ("kind", kind_name(e.kind).into()),
            ("index", e.index.into()),
        ])
    });
    let mem_base = meta.num_imported(ExportKind::Memory);
    let memories = meta
        .memories
        .iter()
        .enumerate()
        .map(|(i, m)| Json::Obj(memory(Some(mem_base + i as u32), m)));
    let table_base = meta.num_imported(ExportKind::Table);
    let tables = meta
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| Json::Obj(table(Some(table_base + i as u32), &t.ty)));
    let global_base = meta.num_imported(ExportKind::Global);
    let globals = meta.globals.iter().enumerate().map(|(i, g)| {
        Json::obj([
            ("index", (global_base + i as u32).into()),
            ("type", g.ty.ty.name().into()),
            ("mutable", g.ty.mutable.into()),
        ])
    });
    let defined = meta.funcs.iter().enumerate().map(|(def, f)| {
        let index = num_imported + def as u32;
        Json::obj([
            ("index", index.into()),
            ("name", func_name(module, index).into()),
            ("type", func_type_text(meta, index).into()),
            ("wasm_size", f.wasm_size.into()),
            ("ir_instrs", ir_len(module, f).into()),
            ("slots", f.num_slots.into()),
            ("native_bytes", f.native_len.into()),
            // Where the function's code sits in the .zwo file, as `perf`
            // reports addresses in the file-backed mapping.
            (
                "native_file_offset",
                if f.native_len == 0 {
                    Json::Null
                } else {
                    (module.code_offset() + f.native_start as u64).into()
                },
            ),
        ])
    });
    Json::obj([
        ("file", file.into()),
        ("name", meta.name.clone().into()),
        ("types", meta.types.len().into()),
        ("imports", Json::Arr(imports.collect())),
        ("exports", Json::Arr(exports.collect())),
        ("memories", Json::Arr(memories.collect())),
        ("tables", Json::Arr(tables.collect())),
        ("globals", Json::Arr(globals.collect())),
        ("start", meta.start.into()),
        ("isa", module.isa().name().into()),
        (
            "cpu_features",
            Json::Arr(cpu_features(module).into_iter().map(Json::from).collect()),
        ),
        (
            "functions",
            Json::obj([
                ("count", (num_imported as usize + meta.funcs.len()).into()),
                ("imported", num_imported.into()),
                ("defined", Json::Arr(defined.collect())),
            ]),
        ),
    ])
}

/// The CPU features the native code needs beyond the x86_64 baseline
/// (SSE4.1), by name.
fn cpu_features(module: &Module) -> Vec<&'static str> {
    use zwasm_abi::native::cpu;
    let extra = module.cpu_features() & !cpu::BASELINE;
    cpu::NAMES
        .iter()
        .filter(|&&(bit, _)| extra & bit != 0)
        .map(|&(_, name)| name)
        .collect()
}

/// The length of a function's IR, or `None` when the artifact kept only the
/// few instructions its native code hands to the runtime.
fn ir_len(module: &Module, f: &zwasm_abi::module::FuncDef) -> Option<u32> {
    (module.has_full_ir() || f.native_len == 0).then_some(f.code_len)
}

/// One function's IR, with a header line (text) or as JSON.
fn ir(module: &Module, index: u32, json: bool) -> Result<String, String> {
    let meta = module.meta();
    let num_imported = meta.num_imported(ExportKind::Func);
    let Some(def) = index.checked_sub(num_imported) else {
        return Err(format!("function {index} is imported; it has no IR"));
    };
    let f = &meta.funcs[def as usize];
    if ir_len(module, f).is_none() {
        return Err(format!(
            "function {index} has native code only: this artifact did not keep its IR \
             (inspect the .wasm, or compile with --engine interp)"
        ));
    }
    let code = zwasm_abi::print::function(module.func_code(def));
    let name = func_name(module, index);
    let ty = func_type_text(meta, index);
    if json {
        let lines: Vec<Json> = code.lines().map(Json::from).collect();
        let j = Json::obj([
            ("index", index.into()),
            ("name", name.into()),
            ("type", ty.into()),
            ("params", f.num_params.into()),
            ("locals", f.num_locals.into()),
            ("slots", f.num_slots.into()),
            ("wasm_size", f.wasm_size.into()),
            ("ir", Json::Arr(lines)),
        ]);
        return Ok(j.to_string() + "\n");
    }
    let label = name.map_or_else(String::new, |n| format!(" {n}"));
    Ok(format!(
        "func {index}{label}: {ty}\n; {} params, {} locals, {} slots, {} instructions, {} wasm bytes\n{code}",
        f.num_params,
        f.num_locals - f.num_params,
        f.num_slots,
        f.code_len,
        f.wasm_size
    ))
}
