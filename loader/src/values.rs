//! Wasm values as the embedding API sees them, and their raw 64-bit slot form.

use crate::store::Func;
use zwasm_abi::module::ValType;

/// A wasm value. Floats carry their bits, so NaN payloads survive a round trip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    FuncRef(Option<Func>),
    /// A host reference, identified by a number the host chose.
    ExternRef(Option<u32>),
    /// A GC reference (Wasm GC): an object of the store's heap, by index.
    Ref(Option<u32>),
}

impl Val {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
            Val::Ref(_) => ValType::Ref(zwasm_abi::module::RefType {
                nullable: true,
                heap: zwasm_abi::module::HeapType::Any,
            }),
        }
    }

    /// The zero value of a type (null for references).
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::FuncRef => Val::FuncRef(None),
            ValType::ExternRef => Val::ExternRef(None),
            ValType::V128 => Val::I64(0),
            ValType::Ref(_) => Val::Ref(None),
        }
    }

    /// The value as a 64-bit slot. References are stored as index + 1, null as 0.
    pub(crate) fn to_raw(self) -> u64 {
        match self {
            Val::I32(x) => x as u32 as u64,
            Val::I64(x) => x as u64,
            Val::F32(x) => x as u64,
            Val::F64(x) => x,
            Val::FuncRef(f) => f.map_or(0, |f| f.0 as u64 + 1),
            Val::ExternRef(e) | Val::Ref(e) => e.map_or(0, |e| e as u64 + 1),
        }
    }

    /// Reads a slot back as a value of type `ty`.
    pub(crate) fn from_raw(raw: u64, ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(raw as u32 as i32),
            ValType::I64 => Val::I64(raw as i64),
            ValType::F32 => Val::F32(raw as u32),
            ValType::F64 => Val::F64(raw),
            ValType::FuncRef => Val::FuncRef(raw.checked_sub(1).map(|i| Func(i as u32))),
            ValType::Ref(_) => Val::Ref(raw.checked_sub(1).map(|i| i as u32)),
            ValType::ExternRef | ValType::V128 => {
                Val::ExternRef(raw.checked_sub(1).map(|i| i as u32))
            }
        }
    }
}

impl std::fmt::Display for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Val::I32(x) => write!(f, "{x}"),
            Val::I64(x) => write!(f, "{x}"),
            Val::F32(x) => write!(f, "{}", f32::from_bits(*x)),
            Val::F64(x) => write!(f, "{}", f64::from_bits(*x)),
            Val::FuncRef(None) | Val::ExternRef(None) | Val::Ref(None) => f.write_str("null"),
            Val::Ref(Some(r)) => write!(f, "ref:{r}"),
            Val::FuncRef(Some(func)) => write!(f, "funcref:{}", func.0),
            Val::ExternRef(Some(e)) => write!(f, "externref:{e}"),
        }
    }
}
