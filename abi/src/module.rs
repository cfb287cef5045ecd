//! Module metadata: everything about a compiled module except its code, as the
//! compiler writes it into a `.zwo` (rkyv-archived) and the loader reads it back.
//! Index spaces follow the wasm spec: imports come first in each space.

use rkyv::{Archive, Deserialize, Serialize};

/// A wasm value type.
#[derive(
    Archive, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    FuncRef,
    ExternRef,
    /// Any other reference (Wasm GC): concrete `(ref null? $t)` or abstract
    /// heap types. Stored like `funcref`: object index + 1, 0 for null.
    Ref(RefType),
}

/// The heap type of a GC reference.
#[derive(
    Archive, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
pub enum HeapType {
    /// A type index of the module.
    Concrete(u32),
    Any,
    Eq,
    I31,
    Struct,
    Array,
    None,
    Func,
    NoFunc,
    Extern,
    NoExtern,
}

impl HeapType {
    /// The text name of an abstract heap type (`None` for a concrete one).
    pub fn abstract_name(self) -> Option<&'static str> {
        Some(match self {
            HeapType::Concrete(_) => return None,
            HeapType::Any => "any",
            HeapType::Eq => "eq",
            HeapType::I31 => "i31",
            HeapType::Struct => "struct",
            HeapType::Array => "array",
            HeapType::None => "none",
            HeapType::Func => "func",
            HeapType::NoFunc => "nofunc",
            HeapType::Extern => "extern",
            HeapType::NoExtern => "noextern",
        })
    }
}

/// A GC reference type: nullability and heap type.
#[derive(
    Archive, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
pub struct RefType {
    pub nullable: bool,
    pub heap: HeapType,
}

impl std::fmt::Display for RefType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.nullable, self.heap.abstract_name()) {
            (true, Some(n)) => write!(f, "{n}ref"),
            (false, Some(n)) => write!(f, "(ref {n})"),
            (true, None) => write!(f, "(ref null {})", self.type_index().unwrap_or(0)),
            (false, None) => write!(f, "(ref {})", self.type_index().unwrap_or(0)),
        }
    }
}

impl RefType {
    /// The type index of a concrete reference.
    pub fn type_index(self) -> Option<u32> {
        match self.heap {
            HeapType::Concrete(i) => Some(i),
            _ => None,
        }
    }
}

impl ValType {
    /// How many 64-bit frame slots a value of this type takes: two for a
    /// v128 (low half first), one for every other type.
    #[inline]
    pub const fn slots(self) -> u32 {
        match self {
            ValType::V128 => 2,
            _ => 1,
        }
    }

    /// The wasm text name of the type; a GC reference type is shown in full by
    /// `Display`, and here only as `ref`.
    pub fn name(self) -> &'static str {
        match self {
            ValType::Ref(_) => "ref",
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        }
    }
}

impl std::fmt::Display for ValType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValType::Ref(r) => r.fmt(f),
            _ => f.write_str(self.name()),
        }
    }
}

/// How a struct field is stored: a value type, or a packed integer.
#[derive(Archive, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StorageType {
    I8,
    I16,
    Val(ValType),
}

impl StorageType {
    /// The width in bits of a packed field, `None` for a value type.
    pub fn packed_bits(self) -> Option<u32> {
        match self {
            StorageType::I8 => Some(8),
            StorageType::I16 => Some(16),
            StorageType::Val(_) => None,
        }
    }
}

/// A struct field.
#[derive(Archive, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldType {
    pub storage: StorageType,
    pub mutable: bool,
}

/// A struct type (Wasm GC) with its declared supertype.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash)]
pub struct StructType {
    pub fields: Vec<FieldType>,
    /// The declared supertype's type index, if any.
    pub supertype: Option<u32>,
    pub is_final: bool,
}

/// A function signature.
#[derive(
    Archive, Serialize, Deserialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
)]
pub struct FuncType {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

impl FuncType {
    /// The frame slots the parameters take (a v128 takes two).
    pub fn param_slots(&self) -> u32 {
        self.params.iter().map(|t| t.slots()).sum()
    }

    /// The frame slots the results take (a v128 takes two).
    pub fn result_slots(&self) -> u32 {
        self.results.iter().map(|t| t.slots()).sum()
    }
}

impl std::fmt::Display for FuncType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |v: &[ValType]| {
            v.iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        write!(
            f,
            "(func (param {}) (result {}))",
            list(&self.params),
            list(&self.results)
        )
    }
}

/// A table's element type and limits.
#[derive(Archive, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableType {
    pub elem: ValType,
    pub min: u64,
    pub max: Option<u64>,
}

/// A memory's limits, in pages.
#[derive(Archive, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryType {
    pub min: u64,
    pub max: Option<u64>,
    pub memory64: bool,
    pub shared: bool,
}

/// A global's value type and mutability.
#[derive(Archive, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalType {
    pub ty: ValType,
    pub mutable: bool,
}

/// What an import brings in.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub enum ImportKind {
    /// A function of the given type index.
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub kind: ImportKind,
}

/// Which index space an export names.
#[derive(Archive, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    Func,
    Table,
    Memory,
    Global,
}

#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Export {
    pub name: String,
    pub kind: ExportKind,
    pub index: u32,
}

/// One instruction of a constant expression (extended-const included).
#[derive(Archive, Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
pub enum ConstOp {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    /// `v128.const`: lane 0 in the least significant bits (the value's
    /// little-endian bytes read as one `u128`).
    V128(u128),
    /// A null reference of the given type.
    RefNull(ValType),
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

/// A constant expression, evaluated by the loader at instantiation.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ConstExpr(pub Vec<ConstOp>);

#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct GlobalDef {
    pub ty: GlobalType,
    pub init: ConstExpr,
}

#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TableDef {
    pub ty: TableType,
    /// The initial value of every element; `None` means null.
    pub init: Option<ConstExpr>,
}

/// How a segment is applied.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub enum SegmentMode {
    Passive,
    Active { index: u32, offset: ConstExpr },
    Declared,
}

#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ElemSegment {
    pub mode: SegmentMode,
    pub ty: ValType,
    pub items: Vec<ConstExpr>,
}

#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DataSegment {
    pub mode: SegmentMode,
    /// Where the segment's bytes are in the artifact's data section.
    pub start: u64,
    pub len: u64,
}

/// The frame layout and code range of one defined function.
///
/// A frame is `num_slots` 64-bit cells: parameters, then the other locals, then
/// temporaries. Results are returned in slots `0..results`.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct FuncDef {
    /// Index into `ModuleMeta::types`.
    pub ty: u32,
    /// Frame slots of the parameters (a v128 takes two).
    pub num_params: u32,
    /// Frame slots of the parameters plus the declared locals.
    pub num_locals: u32,
    pub num_slots: u32,
    /// First instruction in the IR section and number of instructions.
    pub code_start: u32,
    pub code_len: u32,
    /// Size of the function's body in the wasm binary, for `inspect`.
    pub wasm_size: u32,
    /// Offset of the function's native code in the code section and its
    /// length in bytes; a length of 0 means the function runs as IR.
    pub native_start: u32,
    pub native_len: u32,
}

/// Everything about a module except its code.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ModuleMeta {
    pub name: Option<String>,
    /// Function types by type index. A struct type's index holds an empty
    /// placeholder here; its definition is in `structs`.
    pub types: Vec<FuncType>,
    /// Struct types (Wasm GC): (type index, definition), sorted by index.
    pub structs: Vec<(u32, StructType)>,
    pub imports: Vec<Import>,
    pub funcs: Vec<FuncDef>,
    pub tables: Vec<TableDef>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<GlobalDef>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
}

/// The tables of a module that the loader reads in place rather than
/// deserializing: there can be tens of thousands of entries (one data
/// segment per Go global, one name per function), each of which would cost
/// an allocation on every load.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Tables {
    pub datas: Vec<DataSegment>,
    /// Function names from the name section: (function index, name), sorted
    /// by index.
    pub func_names: Vec<(u32, String)>,
    /// Small functions whose code native code has copies of (inlined into
    /// their callers): (offset in the code section, length, defined
    /// function), sorted by offset. A fault inside a copy is the callee's.
    pub inlined: Vec<(u32, u32, u32)>,
}

/// The metadata section of an artifact: [`ModuleMeta`], deserialized on
/// load, and [`Tables`], used in place.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ArtifactMeta {
    pub meta: ModuleMeta,
    pub tables: Tables,
}

impl ArchivedTables {
    /// The name-section name of function `index`, if it has one.
    pub fn func_name(&self, index: u32) -> Option<&str> {
        let names = self.func_names.as_slice();
        names
            .binary_search_by_key(&index, |n| n.0.to_native())
            .ok()
            .map(|i| names[i].1.as_str())
    }

    /// The defined function whose inlined copy holds code section offset
    /// `offset`, if any.
    pub fn inlined_at(&self, offset: u32) -> Option<u32> {
        let copies = self.inlined.as_slice();
        let i = copies.partition_point(|c| c.0.to_native() <= offset);
        let c = copies.get(i.checked_sub(1)?)?;
        let into = offset.checked_sub(c.0.to_native())?;
        (into < c.1.to_native()).then(|| c.2.to_native())
    }
}

impl ArchivedConstOp {
    /// The op itself.
    pub fn get(&self) -> ConstOp {
        match self {
            ArchivedConstOp::I32(x) => ConstOp::I32(x.to_native()),
            ArchivedConstOp::I64(x) => ConstOp::I64(x.to_native()),
            ArchivedConstOp::F32(x) => ConstOp::F32(x.to_native()),
            ArchivedConstOp::F64(x) => ConstOp::F64(x.to_native()),
            ArchivedConstOp::V128(x) => ConstOp::V128(x.to_native()),
            ArchivedConstOp::RefNull(t) => {
                // A `ValType` has nothing to allocate or check: its
                // deserialization cannot fail.
                let Ok(t) = rkyv::deserialize::<ValType, rkyv::rancor::Panic>(t);
                ConstOp::RefNull(t)
            }
            ArchivedConstOp::RefFunc(i) => ConstOp::RefFunc(i.to_native()),
            ArchivedConstOp::GlobalGet(i) => ConstOp::GlobalGet(i.to_native()),
            ArchivedConstOp::I32Add => ConstOp::I32Add,
            ArchivedConstOp::I32Sub => ConstOp::I32Sub,
            ArchivedConstOp::I32Mul => ConstOp::I32Mul,
            ArchivedConstOp::I64Add => ConstOp::I64Add,
            ArchivedConstOp::I64Sub => ConstOp::I64Sub,
            ArchivedConstOp::I64Mul => ConstOp::I64Mul,
        }
    }
}

impl ModuleMeta {
    /// Number of imports of the given kind.
    pub fn num_imported(&self, kind: ExportKind) -> u32 {
        self.imports
            .iter()
            .filter(|i| {
                matches!(
                    (&i.kind, kind),
                    (ImportKind::Func(_), ExportKind::Func)
                        | (ImportKind::Table(_), ExportKind::Table)
                        | (ImportKind::Memory(_), ExportKind::Memory)
                        | (ImportKind::Global(_), ExportKind::Global)
                )
            })
            .count() as u32
    }

    /// The struct type at type index `index`, if that index is a struct type.
    pub fn struct_type(&self, index: u32) -> Option<&StructType> {
        self.structs
            .binary_search_by_key(&index, |(i, _)| *i)
            .ok()
            .map(|i| &self.structs[i].1)
    }

    /// Whether type index `index` is a function type.
    pub fn is_func_type(&self, index: u32) -> bool {
        (index as usize) < self.types.len() && self.struct_type(index).is_none()
    }

    /// The type index of function `index` (imported or defined).
    pub fn func_type_index(&self, index: u32) -> Option<u32> {
        let mut n = 0;
        for import in &self.imports {
            if let ImportKind::Func(ty) = import.kind {
                if n == index {
                    return Some(ty);
                }
                n += 1;
            }
        }
        self.funcs.get((index - n) as usize).map(|f| f.ty)
    }

    /// The type of global `index` (imported or defined).
    pub fn global_type(&self, index: u32) -> Option<GlobalType> {
        let imported = self.imports.iter().filter_map(|i| match i.kind {
            ImportKind::Global(g) => Some(g),
            _ => None,
        });
        imported
            .chain(self.globals.iter().map(|g| g.ty))
            .nth(index as usize)
    }

    /// The type of table `index` (imported or defined).
    pub fn table_type(&self, index: u32) -> Option<TableType> {
        let imported = self.imports.iter().filter_map(|i| match i.kind {
            ImportKind::Table(t) => Some(t),
            _ => None,
        });
        imported
            .chain(self.tables.iter().map(|t| t.ty))
            .nth(index as usize)
    }

    /// The type of memory `index` (imported or defined).
    pub fn memory_type(&self, index: u32) -> Option<MemoryType> {
        let imported = self.imports.iter().filter_map(|i| match i.kind {
            ImportKind::Memory(m) => Some(m),
            _ => None,
        });
        imported
            .chain(self.memories.iter().copied())
            .nth(index as usize)
    }
}
