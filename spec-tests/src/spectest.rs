//! The `spectest` host module every spec script may import: no-op print
//! functions, four immutable globals of value 666 (666.6 for floats), a
//! funcref table of 10..20 elements and a memory of 1..2 pages. One instance
//! of it per script, as in the reference interpreter.

use zwasm_loader::{
    Error, Extern, FuncType, GlobalType, Linker, MemoryType, Store, TableType, Val, ValType,
};

/// The print functions and their parameter types; none returns anything.
const PRINTS: &[(&str, &[ValType])] = &[
    ("print", &[]),
    ("print_i32", &[ValType::I32]),
    ("print_i64", &[ValType::I64]),
    ("print_f32", &[ValType::F32]),
    ("print_f64", &[ValType::F64]),
    ("print_i32_f32", &[ValType::I32, ValType::F32]),
    ("print_f64_f64", &[ValType::F64, ValType::F64]),
];

/// Defines the `spectest` module in `linker`, creating its objects in `store`.
pub(crate) fn define(store: &mut Store, linker: &mut Linker) -> Result<(), Error> {
    for (name, params) in PRINTS {
        let ty = FuncType {
            params: params.to_vec(),
            results: Vec::new(),
        };
        let func = store.host_func(ty, |_, _, _| Ok(()));
        linker.define("spectest", name, Extern::Func(func));
    }

    let globals = [
        ("global_i32", Val::I32(666)),
        ("global_i64", Val::I64(666)),
        ("global_f32", Val::F32(666.6f32.to_bits())),
        ("global_f64", Val::F64(666.6f64.to_bits())),
    ];
    for (name, value) in globals {
        let global = store.new_global(
            GlobalType {
                ty: value.ty(),
                mutable: false,
            },
            value,
        )?;
        linker.define("spectest", name, Extern::Global(global));
    }

    let table_ty = TableType {
        elem: ValType::FuncRef,
        min: 10,
        max: Some(20),
    };
    let table = store.new_table(table_ty, Val::FuncRef(None))?;
    linker.define("spectest", "table", Extern::Table(table));

    let memory_ty = MemoryType {
        min: 1,
        max: Some(2),
        memory64: false,
        shared: false,
    };
    let memory = store.new_memory(memory_ty)?;
    linker.define("spectest", "memory", Extern::Memory(memory));
    Ok(())
}

#[cfg(test)]
#[allow(
    unused_imports,
    dead_code,
    reason = "the `spec` target has cfg(test) but no test harness"
)]
mod tests {
    use super::*;

    #[test]
    fn defines_every_spectest_item() {
        let mut store = Store::new();
        let mut linker = Linker::new();
        define(&mut store, &mut linker).unwrap();
        for (name, _) in PRINTS {
            assert!(
                matches!(linker.get("spectest", name), Some(Extern::Func(_))),
                "{name}"
            );
        }
        let Some(Extern::Global(g)) = linker.get("spectest", "global_i32") else {
            panic!()
        };
        assert_eq!(store.global_get(g), Val::I32(666));
        let Some(Extern::Global(g)) = linker.get("spectest", "global_f64") else {
            panic!()
        };
        assert_eq!(store.global_get(g), Val::F64(666.6f64.to_bits()));
        let Some(Extern::Table(t)) = linker.get("spectest", "table") else {
            panic!()
        };
        assert_eq!(store.table_type(t).min, 10);
        let Some(Extern::Memory(m)) = linker.get("spectest", "memory") else {
            panic!()
        };
        assert_eq!(store.memory_type(m).min, 1);
    }
}
