//! memory64 through the embedding API: i64 addresses reach the whole memory
//! and are bounds-checked over 64 bits (no wrap to 32), `memory.grow` and
//! `memory.size` speak i64, and imports must agree on the index type.

use zwasm_compiler::{compile, CompileOptions};
use zwasm_loader::{Extern, Linker, MemoryType, Module, Store, TrapCode, Val};

fn module(wat: &str) -> Module {
    let bytes = compile(wat.as_bytes(), &CompileOptions::default()).expect("compiles");
    Module::from_bytes(&bytes).expect("loads")
}

const MEM64: &str = r#"(module
  (memory (export "mem") i64 1 3)
  (data (i64.const 0xfff8) "\01\02\03\04\05\06\07\08")
  (func (export "load") (param i64) (result i64) (i64.load (local.get 0)))
  (func (export "load_far") (param i64) (result i32)
    (i32.load8_u offset=0x100000000 (local.get 0)))
  (func (export "store") (param i64 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2))))"#;

#[test]
fn memory64_loads_stores_and_bounds() {
    let m = module(MEM64);
    let mut store = Store::new();
    let inst = Linker::new().instantiate(&mut store, &m).unwrap();
    let f = |store: &Store, name: &str| store.get_func(inst, name).unwrap();
    let (load, load_far, st) = (f(&store, "load"), f(&store, "load_far"), f(&store, "store"));
    let oob = |r: Result<Vec<Val>, zwasm_loader::Error>| {
        let e = r.expect_err("should trap");
        assert_eq!(
            e.as_trap().expect("a trap").code,
            TrapCode::MemoryOutOfBounds
        );
    };

    assert_eq!(
        store.call(load, &[Val::I64(0xfff8)]).unwrap(),
        [Val::I64(0x0807060504030201)]
    );
    // Addresses whose low 32 bits are in bounds must not wrap.
    oob(store.call(load, &[Val::I64(0x1_0000_0000)]));
    oob(store.call(load, &[Val::I64(-8)]));
    oob(store.call(load, &[Val::I64(0xfff9)]));
    oob(store.call(load_far, &[Val::I64(0)]));
    // address + offset overflows u64: a trap, not a wrapped access.
    oob(store.call(load_far, &[Val::I64(-0x1_0000_0000)]));
    oob(store.call(st, &[Val::I64(i64::MAX), Val::I32(1)]));

    let (size, grow) = (f(&store, "size"), f(&store, "grow"));
    assert_eq!(store.call(size, &[]).unwrap(), [Val::I64(1)]);
    assert_eq!(store.call(grow, &[Val::I64(1)]).unwrap(), [Val::I64(1)]);
    // Failure is an i64 -1, also for a delta beyond the 32-bit range.
    assert_eq!(store.call(grow, &[Val::I64(2)]).unwrap(), [Val::I64(-1)]);
    assert_eq!(
        store.call(grow, &[Val::I64(1 << 32)]).unwrap(),
        [Val::I64(-1)]
    );
    assert_eq!(store.call(grow, &[Val::I64(-1)]).unwrap(), [Val::I64(-1)]);
    assert_eq!(store.call(size, &[]).unwrap(), [Val::I64(2)]);
    // The grown page is reachable and zeroed.
    assert_eq!(
        store.call(load, &[Val::I64(0x1fff8)]).unwrap(),
        [Val::I64(0)]
    );
    store.call(st, &[Val::I64(0x1fffc), Val::I32(-1)]).unwrap();
    assert_eq!(
        store.call(load, &[Val::I64(0x1fff8)]).unwrap(),
        [Val::I64(-1 << 32)]
    );

    let (fill, copy) = (f(&store, "fill"), f(&store, "copy"));
    store
        .call(fill, &[Val::I64(0x100), Val::I32(0xab), Val::I64(8)])
        .unwrap();
    assert_eq!(
        store.call(load, &[Val::I64(0x100)]).unwrap(),
        [Val::I64(0xabababababababab_u64 as i64)]
    );
    store
        .call(copy, &[Val::I64(0x200), Val::I64(0xfff8), Val::I64(8)])
        .unwrap();
    assert_eq!(
        store.call(load, &[Val::I64(0x200)]).unwrap(),
        [Val::I64(0x0807060504030201)]
    );
    let e = store
        .call(fill, &[Val::I64(1 << 32), Val::I32(0), Val::I64(1)])
        .expect_err("out of bounds");
    assert_eq!(e.as_trap().unwrap().code, TrapCode::MemoryOutOfBounds);
    let e = store
        .call(copy, &[Val::I64(0), Val::I64(-1), Val::I64(2)])
        .expect_err("out of bounds");
    assert_eq!(e.as_trap().unwrap().code, TrapCode::MemoryOutOfBounds);
}

#[test]
fn memory64_imports_match_the_index_type() {
    let import64 = module(
        r#"(module (import "env" "mem" (memory i64 1))
             (func (export "size") (result i64) (memory.size)))"#,
    );
    let import32 = module(r#"(module (import "env" "mem" (memory 1)))"#);
    let mut store = Store::new();
    let ty = |memory64| MemoryType {
        min: 1,
        max: None,
        memory64,
        shared: false,
    };
    let mem64 = store.new_memory(ty(true)).unwrap();
    let mem32 = store.new_memory(ty(false)).unwrap();
    assert!(store.memory_type(mem64).memory64);
    assert!(!store.memory_type(mem32).memory64);

    let mut linker = Linker::new();
    linker.define("env", "mem", Extern::Memory(mem64));
    let inst = linker.instantiate(&mut store, &import64).unwrap();
    let size = store.get_func(inst, "size").unwrap();
    assert_eq!(store.call(size, &[]).unwrap(), [Val::I64(1)]);
    assert!(linker.instantiate(&mut store, &import32).is_err());

    linker.define("env", "mem", Extern::Memory(mem32));
    assert!(linker.instantiate(&mut store, &import32).is_ok());
    assert!(linker.instantiate(&mut store, &import64).is_err());
}

#[test]
fn table64_is_refused_clearly() {
    let e = compile(
        b"(module (table i64 1 funcref))",
        &CompileOptions::default(),
    )
    .expect_err("table64 is not supported");
    assert!(e.to_string().contains("64-bit tables"), "{e}");
}
