//! Module translation: validate the whole binary with wasmparser, then walk its
//! sections once to build the `ModuleMeta` and lower every function body.

use crate::lower::{self, Env};
use crate::{CompileError, CompileOptions};
use wasmparser::{
    DataKind, ElementItems, ElementKind, ExternalKind, FuncToValidate, FuncValidatorAllocations,
    FunctionBody, KnownCustom, Name, Operator, Parser, Payload, TableInit, TypeRef, ValidPayload,
    Validator, ValidatorResources, WasmFeatures,
};
use zwasm_abi::ir::Instr;
use zwasm_abi::module as m;

/// A translated module: metadata plus all functions' IR, concatenated.
pub(crate) struct Compiled {
    pub meta: m::ModuleMeta,
    /// Data segments and function names, which the loader reads in place.
    pub tables: m::Tables,
    pub code: Vec<Instr>,
    /// Every data segment's bytes, one after the other.
    pub data: Vec<u8>,
}

/// Validates a wasm binary against the features zwasm supports, and returns
/// the features it validated with.
///
/// With memory64 on, wasmparser reads every memory limit and memarg offset as
/// a 64-bit LEB, which accepts encodings that Wasm 1.0 and 2.0 call malformed
/// (a 32-bit LEB of more than 5 bytes). So memory64 is on only for a module
/// that declares a 64-bit memory or table, found by reading the sections
/// before the code first, and the module is then validated in one pass.
/// GC (with the function-references subset it implies) is treated the same
/// way: added only when the error says the module needs it, so 1.0/2.0
/// modules are judged exactly as before.
pub(crate) fn validate(wasm: &[u8]) -> Result<WasmFeatures, CompileError> {
    let mut features = base_features(wasm);
    loop {
        let Err(e) = validate_with(wasm, features) else {
            return Ok(features);
        };
        let CompileError::Invalid { message: msg, .. } = &e else {
            return Err(e);
        };
        let extra = if msg.starts_with("memory64 must be enabled") {
            WasmFeatures::MEMORY64
        } else if needs_gc(msg) {
            WasmFeatures::GC | WasmFeatures::FUNCTION_REFERENCES
        } else {
            return Err(e);
        };
        if features.contains(extra) {
            return Err(e);
        }
        features |= extra;
    }
}

/// Validates the whole module with the given features: every section, then
/// every function body.
fn validate_with(wasm: &[u8], features: WasmFeatures) -> Result<(), CompileError> {
    let mut validator = Validator::new_with_features(features);
    let mut parser = Parser::new(0);
    parser.set_features(features);
    let mut bodies = Vec::new();
    for payload in parser.parse_all(wasm) {
        if let ValidPayload::Func(func, body) = validator.payload(&payload?)? {
            bodies.push((func, body));
        }
    }
    let mut allocs = FuncValidatorAllocations::default();
    for (func, body) in bodies {
        let mut v = func.into_validator(allocs);
        lower::validate_body(&body, &mut v)?;
        allocs = v.into_allocations();
    }
    Ok(())
}

/// The features a module is first read with: all zwasm supports but GC, and
/// memory64 only for a module that declares a 64-bit memory or table (see
/// [`validate`]).
fn base_features(wasm: &[u8]) -> WasmFeatures {
    use wasmparser::WasmFeatures as F;
    let mut features =
        crate::features::wasm_features().difference(F::MEMORY64 | F::GC | F::FUNCTION_REFERENCES);
    if declares_64_bit(wasm) {
        features |= F::MEMORY64;
    }
    features
}

/// Whether the module imports or defines a 64-bit memory or table. Only the
/// sections before the code are read, with memory64 on; a section that does
/// not parse counts as not 64-bit (validation then reports it).
fn declares_64_bit(wasm: &[u8]) -> bool {
    let mut parser = Parser::new(0);
    parser.set_features(crate::features::wasm_features() | WasmFeatures::MEMORY64);
    for payload in parser.parse_all(wasm) {
        let found = match payload {
            Ok(Payload::ImportSection(imports)) => {
                imports.into_imports().any(|i| match i.map(|i| i.ty) {
                    Ok(TypeRef::Memory(m)) => m.memory64,
                    Ok(TypeRef::Table(t)) => t.table64,
                    _ => false,
                })
            }
            Ok(Payload::MemorySection(memories)) => {
                memories.into_iter().any(|m| m.is_ok_and(|m| m.memory64))
            }
            Ok(Payload::TableSection(tables)) => {
                tables.into_iter().any(|t| t.is_ok_and(|t| t.ty.table64))
            }
            Ok(Payload::CodeSectionStart { .. }) | Err(_) => return false,
            Ok(_) => false,
        };
        if found {
            return true;
        }
    }
    false
}

/// Whether a validation error (without GC) says the module uses Wasm GC or
/// typed function references.
fn needs_gc(msg: &str) -> bool {
    msg.contains("gc feature")
        || msg.contains("gc proposal")
        || msg.contains("`gc`")
        || msg.starts_with("gc support")
        || msg.contains("function references")
}

fn unsupported(what: impl Into<String>) -> CompileError {
    CompileError::Unsupported(what.into())
}

fn val_type(t: wasmparser::ValType) -> Result<m::ValType, CompileError> {
    use wasmparser::ValType as V;
    Ok(match t {
        V::I32 => m::ValType::I32,
        V::I64 => m::ValType::I64,
        V::F32 => m::ValType::F32,
        V::F64 => m::ValType::F64,
        V::V128 => m::ValType::V128,
        V::Ref(r) => ref_type(r)?,
    })
}

fn ref_type(r: wasmparser::RefType) -> Result<m::ValType, CompileError> {
    if r.is_func_ref() {
        Ok(m::ValType::FuncRef)
    } else if r.is_extern_ref() {
        Ok(m::ValType::ExternRef)
    } else {
        Ok(m::ValType::Ref(m::RefType {
            nullable: r.is_nullable(),
            heap: heap_type(r.heap_type())?,
        }))
    }
}

pub(crate) fn heap_type(h: wasmparser::HeapType) -> Result<m::HeapType, CompileError> {
    use wasmparser::AbstractHeapType as A;
    use wasmparser::HeapType as H;
    Ok(match h {
        H::Concrete(i) => match i.as_module_index() {
            Some(i) => m::HeapType::Concrete(i),
            None => return Err(unsupported(format!("heap type {h:?}"))),
        },
        H::Abstract { shared: false, ty } => match ty {
            A::Any => m::HeapType::Any,
            A::Eq => m::HeapType::Eq,
            A::I31 => m::HeapType::I31,
            A::Struct => m::HeapType::Struct,
            A::Array => m::HeapType::Array,
            A::None => m::HeapType::None,
            A::Func => m::HeapType::Func,
            A::NoFunc => m::HeapType::NoFunc,
            A::Extern => m::HeapType::Extern,
            A::NoExtern => m::HeapType::NoExtern,
            _ => return Err(unsupported(format!("heap type {h:?}"))),
        },
        _ => return Err(unsupported(format!("heap type {h:?}"))),
    })
}

fn storage_type(t: wasmparser::StorageType) -> Result<m::StorageType, CompileError> {
    Ok(match t {
        wasmparser::StorageType::I8 => m::StorageType::I8,
        wasmparser::StorageType::I16 => m::StorageType::I16,
        wasmparser::StorageType::Val(v) => m::StorageType::Val(val_type(v)?),
    })
}

fn table_type(t: wasmparser::TableType) -> Result<m::TableType, CompileError> {
    if t.table64 {
        return Err(unsupported("64-bit tables (table64)"));
    }
    Ok(m::TableType {
        elem: ref_type(t.element_type)?,
        min: t.initial,
        max: t.maximum,
    })
}

fn memory_type(t: wasmparser::MemoryType) -> m::MemoryType {
    m::MemoryType {
        min: t.initial,
        max: t.maximum,
        memory64: t.memory64,
        shared: t.shared,
    }
}

fn global_type(t: wasmparser::GlobalType) -> Result<m::GlobalType, CompileError> {
    Ok(m::GlobalType {
        ty: val_type(t.content_type)?,
        mutable: t.mutable,
    })
}

fn const_expr(e: &wasmparser::ConstExpr) -> Result<m::ConstExpr, CompileError> {
    let mut ops = Vec::new();
    let mut reader = e.get_operators_reader();
    while !reader.eof() {
        ops.push(match reader.read()? {
            Operator::I32Const { value } => m::ConstOp::I32(value),
            Operator::I64Const { value } => m::ConstOp::I64(value),
            Operator::F32Const { value } => m::ConstOp::F32(value.bits()),
            Operator::F64Const { value } => m::ConstOp::F64(value.bits()),
            Operator::V128Const { value } => m::ConstOp::V128(value.i128() as u128),
            Operator::RefNull { hty } => {
                let ty = match hty {
                    wasmparser::HeapType::Abstract {
                        ty: wasmparser::AbstractHeapType::Extern,
                        ..
                    } => m::ValType::ExternRef,
                    wasmparser::HeapType::Abstract {
                        ty: wasmparser::AbstractHeapType::Func,
                        ..
                    } => m::ValType::FuncRef,
                    h => m::ValType::Ref(m::RefType {
                        nullable: true,
                        heap: heap_type(h)?,
                    }),
                };
                m::ConstOp::RefNull(ty)
            }
            Operator::RefFunc { function_index } => m::ConstOp::RefFunc(function_index),
            Operator::GlobalGet { global_index } => m::ConstOp::GlobalGet(global_index),
            Operator::I32Add => m::ConstOp::I32Add,
            Operator::I32Sub => m::ConstOp::I32Sub,
            Operator::I32Mul => m::ConstOp::I32Mul,
            Operator::I64Add => m::ConstOp::I64Add,
            Operator::I64Sub => m::ConstOp::I64Sub,
            Operator::I64Mul => m::ConstOp::I64Mul,
            Operator::End => continue,
            other => return Err(unsupported(format!("constant expression {other:?}"))),
        });
    }
    Ok(m::ConstExpr(ops))
}

/// Translates a wasm binary into metadata and IR.
///
/// Validation runs as the module is read: sections as they come, and each
/// function body while it is lowered, on several threads for large modules.
/// When anything fails, the module is validated again as a whole, so that an
/// invalid module is reported with the error a whole-module validation gives
/// (not, say, an unsupported feature met first), and a module that needs
/// memory64 or GC is read again with them.
pub(crate) fn translate(wasm: &[u8], _opts: &CompileOptions) -> Result<Compiled, CompileError> {
    let first = base_features(wasm);
    match translate_with(wasm, first) {
        Ok(compiled) => Ok(compiled),
        Err(e) => {
            let features = validate(wasm)?;
            if features == first {
                Err(e)
            } else {
                translate_with(wasm, features)
            }
        }
    }
}

/// Function bodies of at least this many bytes in all are validated and
/// lowered on several threads (below it, a thread costs more than it saves).
const PARALLEL_MIN_BYTES: usize = 64 * 1024;

/// A function body waiting to be validated and lowered.
type Body<'a> = (FuncToValidate<ValidatorResources>, FunctionBody<'a>);

/// Validates and lowers the bodies in order (on one thread): their IR, one
/// function after another, and each function's shape.
fn lower_bodies(
    env: &Env,
    first_index: u32,
    bodies: Vec<Body<'_>>,
) -> Result<(Vec<Instr>, Vec<lower::Lowered>), CompileError> {
    let mut allocs = FuncValidatorAllocations::default();
    let size: usize = bodies.iter().map(|(_, b)| b.as_bytes().len()).sum();
    // Wasm lowers to about one IR instruction per three bytes; reserve more.
    let mut code = Vec::with_capacity(size / 2);
    let mut scratch = lower::Scratch::default();
    let mut out = Vec::with_capacity(bodies.len());
    for (k, (func, body)) in bodies.into_iter().enumerate() {
        let mut validator = func.into_validator(allocs);
        let index = first_index + k as u32;
        out.push(lower::lower(
            env,
            index,
            &body,
            &mut validator,
            &mut code,
            &mut scratch,
        )?);
        allocs = validator.into_allocations();
    }
    Ok((code, out))
}

/// Validates and lowers every body, splitting large modules into contiguous
/// runs of about equal bytes, one per thread. The result is the same as on
/// one thread, and the error is the first function's in index order.
fn lower_all(
    env: &Env,
    bodies: Vec<Body<'_>>,
) -> Result<(Vec<Instr>, Vec<lower::Lowered>), CompileError> {
    let first = env.num_imported_funcs;
    let size = |b: &Body| b.1.as_bytes().len();
    let total: usize = bodies.iter().map(size).sum();
    let threads = if total >= PARALLEL_MIN_BYTES {
        crate::threads()
    } else {
        1
    };
    if threads <= 1 {
        return lower_bodies(env, first, bodies);
    }
    // Cut into runs of about total / threads bytes.
    let mut runs: Vec<(u32, Vec<Body>)> = Vec::new();
    let (mut acc, mut index) = (0usize, first);
    for body in bodies {
        let bytes = size(&body);
        if runs.is_empty() || (acc >= total.div_ceil(threads) && runs.len() < threads) {
            runs.push((index, Vec::new()));
            acc = 0;
        }
        acc += bytes;
        index += 1;
        runs.last_mut().expect("a run").1.push(body);
    }
    let results = crate::parallel_map(runs, |(start, run)| lower_bodies(env, start, run));
    let mut results = results.into_iter();
    let (mut code, mut funcs) = results.next().expect("one run at least")?;
    let rest: Vec<_> = results.collect::<Result<_, _>>()?;
    code.reserve_exact(rest.iter().map(|(c, _)| c.len()).sum());
    for (c, f) in rest {
        code.extend_from_slice(&c);
        funcs.extend(f);
    }
    Ok((code, funcs))
}

/// Reads, validates and translates a module with the given features.
fn translate_with(wasm: &[u8], features: WasmFeatures) -> Result<Compiled, CompileError> {
    let mut validator = Validator::new_with_features(features);
    let mut parser = Parser::new(0);
    parser.set_features(features);
    let mut bodies: Vec<Body> = Vec::new();
    let mut meta = m::ModuleMeta::default();
    let mut tables = m::Tables::default();
    let mut data_bytes: Vec<u8> = Vec::new();
    // Type index of every function, imported first.
    let mut func_types: Vec<u32> = Vec::new();
    let mut num_imported_funcs = 0u32;

    for payload in parser.parse_all(wasm) {
        let payload = payload?;
        if let ValidPayload::Func(func, body) = validator.payload(&payload)? {
            bodies.push((func, body));
        }
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader {
                    let group = group?;
                    if group.types().len() > 1 {
                        return Err(unsupported(
                            "recursive type groups of several types (gc proposal)",
                        ));
                    }
                    for sub in group.into_types() {
                        let index = meta.types.len() as u32;
                        match sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(ty) => {
                                let params = ty.params().iter().map(|t| val_type(*t));
                                let results = ty.results().iter().map(|t| val_type(*t));
                                meta.types.push(m::FuncType {
                                    params: params.collect::<Result<_, _>>()?,
                                    results: results.collect::<Result<_, _>>()?,
                                });
                            }
                            wasmparser::CompositeInnerType::Struct(st) => {
                                let fields = st
                                    .fields
                                    .iter()
                                    .map(|f| {
                                        Ok(m::FieldType {
                                            storage: storage_type(f.element_type)?,
                                            mutable: f.mutable,
                                        })
                                    })
                                    .collect::<Result<_, CompileError>>()?;
                                let supertype = match sub.supertype_idxs.first() {
                                    None => None,
                                    Some(p) => Some(p.as_module_index().ok_or_else(|| {
                                        unsupported("supertype outside the module")
                                    })?),
                                };
                                meta.structs.push((
                                    index,
                                    m::StructType {
                                        fields,
                                        supertype,
                                        is_final: sub.is_final,
                                    },
                                ));
                                meta.types.push(m::FuncType::default());
                            }
                            wasmparser::CompositeInnerType::Array(_) => {
                                return Err(unsupported("GC array types"))
                            }
                            wasmparser::CompositeInnerType::Cont(_) => {
                                return Err(unsupported("continuation types"))
                            }
                        }
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import?;
                    let kind = match import.ty {
                        TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                            func_types.push(t);
                            num_imported_funcs += 1;
                            m::ImportKind::Func(t)
                        }
                        TypeRef::Table(t) => m::ImportKind::Table(table_type(t)?),
                        TypeRef::Memory(t) => m::ImportKind::Memory(memory_type(t)),
                        TypeRef::Global(t) => m::ImportKind::Global(global_type(t)?),
                        TypeRef::Tag(_) => return Err(unsupported("tag imports")),
                    };
                    meta.imports.push(m::Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        kind,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    let ty = ty?;
                    func_types.push(ty);
                    meta.funcs.push(m::FuncDef {
                        ty,
                        num_params: meta.types[ty as usize].param_slots(),
                        num_locals: 0,
                        num_slots: 0,
                        code_start: 0,
                        code_len: 0,
                        wasm_size: 0,
                        native_start: 0,
                        native_len: 0,
                    });
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table?;
                    let init = match &table.init {
                        TableInit::RefNull => None,
                        TableInit::Expr(e) => Some(const_expr(e)?),
                    };
                    meta.tables.push(m::TableDef {
                        ty: table_type(table.ty)?,
                        init,
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for mem in reader {
                    meta.memories.push(memory_type(mem?));
                }
            }
            Payload::GlobalSection(reader) => {
                for g in reader {
                    let g = g?;
                    meta.globals.push(m::GlobalDef {
                        ty: global_type(g.ty)?,
                        init: const_expr(&g.init_expr)?,
                    });
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e?;
                    let kind = match e.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => m::ExportKind::Func,
                        ExternalKind::Table => m::ExportKind::Table,
                        ExternalKind::Memory => m::ExportKind::Memory,
                        ExternalKind::Global => m::ExportKind::Global,
                        ExternalKind::Tag => return Err(unsupported("tag exports")),
                    };
                    meta.exports.push(m::Export {
                        name: e.name.to_string(),
                        kind,
                        index: e.index,
                    });
                }
            }
            Payload::StartSection { func, .. } => meta.start = Some(func),
            Payload::ElementSection(reader) => {
                for elem in reader {
                    let elem = elem?;
                    let mode = match elem.kind {
                        ElementKind::Passive => m::SegmentMode::Passive,
                        ElementKind::Declared => m::SegmentMode::Declared,
                        ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => m::SegmentMode::Active {
                            index: table_index.unwrap_or(0),
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    let (ty, items) = match elem.items {
                        ElementItems::Functions(r) => {
                            let items = r
                                .into_iter()
                                .map(|f| Ok(m::ConstExpr(vec![m::ConstOp::RefFunc(f?)])))
                                .collect::<Result<Vec<_>, CompileError>>()?;
                            (m::ValType::FuncRef, items)
                        }
                        ElementItems::Expressions(rt, r) => {
                            let items = r.into_iter().map(|e| const_expr(&e?)).collect::<Result<
                                Vec<_>,
                                CompileError,
                            >>(
                            )?;
                            (ref_type(rt)?, items)
                        }
                    };
                    meta.elems.push(m::ElemSegment { mode, ty, items });
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data?;
                    let mode = match data.kind {
                        DataKind::Passive => m::SegmentMode::Passive,
                        DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => m::SegmentMode::Active {
                            index: memory_index,
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    tables.datas.push(m::DataSegment {
                        mode,
                        start: data_bytes.len() as u64,
                        len: data.data.len() as u64,
                    });
                    data_bytes.extend_from_slice(data.data);
                }
            }
            Payload::CustomSection(reader) => {
                if let KnownCustom::Name(names) = reader.as_known() {
                    // A malformed name section is ignored, as the spec allows.
                    let _ = read_names(names, &mut meta, &mut tables);
                }
            }
            _ => {}
        }
    }
    let ranges: Vec<_> = bodies.iter().map(|(_, body)| body.range()).collect();
    let global_types = meta
        .imports
        .iter()
        .filter_map(|i| match &i.kind {
            m::ImportKind::Global(g) => Some(g.ty),
            _ => None,
        })
        .chain(meta.globals.iter().map(|g| g.ty.ty));
    let mut v128_globals = Vec::new();
    for (k, t) in global_types.enumerate() {
        if t == m::ValType::V128 {
            v128_globals.resize(v128_globals.len().max(k / 64 + 1), 0u64);
            v128_globals[k / 64] |= 1 << (k % 64);
        }
    }
    let env = Env {
        v128_globals,
        types: &meta.types,
        structs: &meta.structs,
        func_types: &func_types,
        num_imported_funcs,
    };
    let (code, lowered) = lower_all(&env, bodies)?;
    let mut start = 0;
    for (def, (l, range)) in meta.funcs.iter_mut().zip(lowered.iter().zip(&ranges)) {
        debug_assert_eq!(def.num_params, l.num_params);
        def.num_locals = l.num_locals;
        def.num_slots = l.num_slots;
        def.code_start = start;
        def.code_len = l.code_len;
        def.wasm_size = (range.end - range.start) as u32;
        start += l.code_len;
    }
    check_ref_types(&meta)?;
    tables.func_names.sort_by_key(|(i, _)| *i);
    tables.func_names.dedup_by_key(|(i, _)| *i);
    Ok(Compiled {
        meta,
        tables,
        code,
        data: data_bytes,
    })
}

/// Refuses typed function references (`(ref $functype)`, non-null `func` or
/// `extern`): they belong to the function-references proposal, whose subtyping
/// at link time and whose ops (`call_ref`) zwasm does not implement yet.
fn check_ref_types(meta: &m::ModuleMeta) -> Result<(), CompileError> {
    let check = |t: &m::ValType| -> Result<(), CompileError> {
        let m::ValType::Ref(r) = t else {
            return Ok(());
        };
        let typed_func = match r.heap {
            m::HeapType::Concrete(i) => meta.struct_type(i).is_none(),
            m::HeapType::Func | m::HeapType::Extern => !r.nullable,
            _ => false,
        };
        if typed_func {
            return Err(unsupported(format!(
                "reference type {t} (function references proposal)"
            )));
        }
        Ok(())
    };
    let consts = |e: &m::ConstExpr| {
        e.0.iter().try_for_each(|op| match op {
            m::ConstOp::RefNull(t) => check(t),
            _ => Ok(()),
        })
    };
    for ty in &meta.types {
        ty.params.iter().chain(&ty.results).try_for_each(check)?;
    }
    for (_, st) in &meta.structs {
        for f in &st.fields {
            if let m::StorageType::Val(t) = &f.storage {
                check(t)?;
            }
        }
    }
    for import in &meta.imports {
        match &import.kind {
            m::ImportKind::Global(g) => check(&g.ty)?,
            m::ImportKind::Table(t) => check(&t.elem)?,
            _ => {}
        }
    }
    for g in &meta.globals {
        check(&g.ty.ty)?;
        consts(&g.init)?;
    }
    for t in &meta.tables {
        check(&t.ty.elem)?;
    }
    for e in &meta.elems {
        check(&e.ty)?;
    }
    Ok(())
}

fn read_names(
    names: wasmparser::NameSectionReader,
    meta: &mut m::ModuleMeta,
    tables: &mut m::Tables,
) -> Result<(), CompileError> {
    for name in names {
        match name? {
            Name::Module { name, .. } => meta.name = Some(name.to_string()),
            Name::Function(map) => {
                for naming in map {
                    let naming = naming?;
                    tables
                        .func_names
                        .push((naming.index, naming.name.to_string()));
                }
            }
            _ => {}
        }
    }
    Ok(())
}
