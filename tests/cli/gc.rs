//! Wasm GC structs through the embedding API and the CLI: allocation, field
//! reads and writes (packed fields sign- or zero-extended), casts along the
//! declared supertype chain, and the spec's traps for a failed cast and a
//! null structure reference.

use zwasm_compiler::{compile, CompileOptions};
use zwasm_loader::{Linker, Module, Store, TrapCode, Val};

const GC: &str = r#"(module
  (type $point (sub (struct (field $x (mut i32)) (field $y (mut i32)))))
  (type $point3 (sub final $point (struct (field $x (mut i32)) (field $y (mut i32)) (field $z i64))))
  (type $other (sub (struct (field i32))))
  (type $packed (struct (field (mut i8)) (field (mut i16)) (field f64)))
  (type $box (struct (field (mut (ref null $point)))))

  (func $mk (param i32 i32) (result (ref $point))
    (struct.new $point (local.get 0) (local.get 1)))

  (func (export "sum") (param i32 i32) (result i32)
    (local $p (ref $point))
    (local.set $p (call $mk (local.get 0) (local.get 1)))
    (struct.set $point $x (local.get $p) (i32.add (struct.get $point $x (local.get $p)) (i32.const 100)))
    (i32.add (struct.get $point $x (local.get $p)) (struct.get $point $y (local.get $p))))

  ;; Packed fields keep 8 or 16 bits; get_s sign-extends, get_u does not.
  (func (export "packed") (param i32) (result i32 i32 i32 i32)
    (local $s (ref $packed))
    (local.set $s (struct.new $packed (local.get 0) (local.get 0) (f64.const 1.5)))
    (struct.get_s $packed 0 (local.get $s))
    (struct.get_u $packed 0 (local.get $s))
    (struct.get_s $packed 1 (local.get $s))
    (struct.get_u $packed 1 (local.get $s)))

  (func (export "defaults") (result i32 i64 i32)
    (struct.get $point $x (struct.new_default $point))
    (struct.get $point3 $z (struct.new_default $point3))
    (ref.is_null (struct.get $box 0 (struct.new_default $box))))

  ;; $point3 <: $point: an upcast value casts back down; $point does not.
  (func (export "downcast") (param i32) (result i64)
    (local $p (ref $point))
    (local.set $p
      (if (result (ref $point)) (local.get 0)
        (then (struct.new $point3 (i32.const 1) (i32.const 2) (i64.const 42)))
        (else (struct.new $point (i32.const 1) (i32.const 2)))))
    (struct.get $point3 $z (ref.cast (ref $point3) (local.get $p))))

  (func (export "test") (param i32) (result i32 i32 i32 i32 i32)
    (local $p (ref null $point))
    (if (local.get 0) (then (local.set $p (struct.new $point3 (i32.const 0) (i32.const 0) (i64.const 0)))))
    (ref.test (ref $point) (local.get $p))
    (ref.test (ref $point3) (local.get $p))
    (ref.test (ref null $point3) (local.get $p))
    (ref.test (ref struct) (local.get $p))
    (ref.eq (local.get $p) (local.get $p)))

  (func (export "cast_other") (result i32)
    (ref.test (ref $other) (struct.new $point (i32.const 0) (i32.const 0))))

  (func (export "null_get") (result i32)
    (struct.get $point $x (ref.null $point)))
  (func (export "null_set")
    (struct.set $point $x (ref.null $point) (i32.const 1)))
  (func (export "null_cast") (result i32)
    (ref.is_null (ref.cast (ref null $point) (ref.null none))))
  (func (export "null_cast_non_null")
    (drop (ref.cast (ref $point) (ref.null $point))))
  (func (export "as_non_null")
    (drop (ref.as_non_null (ref.null $point)))))"#;

fn trap_code(r: Result<Vec<Val>, zwasm_loader::Error>) -> TrapCode {
    r.expect_err("should trap").as_trap().expect("a trap").code
}

#[test]
fn gc_structs_fields_casts_and_traps() {
    let bytes = compile(GC.as_bytes(), &CompileOptions::default()).expect("compiles");
    let m = Module::from_bytes(&bytes).expect("loads");
    let mut store = Store::new();
    let inst = Linker::new().instantiate(&mut store, &m).unwrap();
    let f = |store: &Store, name: &str| store.get_func(inst, name).unwrap();

    let sum = f(&store, "sum");
    let r = store.call(sum, &[Val::I32(3), Val::I32(4)]).unwrap();
    assert_eq!(r, [Val::I32(107)]);

    let packed = f(&store, "packed");
    let r = store.call(packed, &[Val::I32(0x1_8080)]).unwrap();
    let want = [-128, 0x80, -0x7f80, 0x8080].map(Val::I32);
    assert_eq!(r, want);

    let defaults = f(&store, "defaults");
    let r = store.call(defaults, &[]).unwrap();
    assert_eq!(r, [Val::I32(0), Val::I64(0), Val::I32(1)]);

    let downcast = f(&store, "downcast");
    assert_eq!(
        store.call(downcast, &[Val::I32(1)]).unwrap(),
        [Val::I64(42)]
    );
    let e = trap_code(store.call(downcast, &[Val::I32(0)]));
    assert_eq!(e, TrapCode::CastFailure);
    assert_eq!(e.message(), "cast failure");

    let test = f(&store, "test");
    let r = store.call(test, &[Val::I32(1)]).unwrap();
    assert_eq!(r, [1, 1, 1, 1, 1].map(Val::I32));
    let r = store.call(test, &[Val::I32(0)]).unwrap();
    assert_eq!(r, [0, 0, 1, 0, 1].map(Val::I32));
    let cast_other = f(&store, "cast_other");
    assert_eq!(store.call(cast_other, &[]).unwrap(), [Val::I32(0)]);

    for name in ["null_get", "null_set"] {
        let e = trap_code(store.call(f(&store, name), &[]));
        assert_eq!(e, TrapCode::NullStructure, "{name}");
        assert_eq!(e.message(), "null structure reference");
    }
    let null_cast = f(&store, "null_cast");
    assert_eq!(store.call(null_cast, &[]).unwrap(), [Val::I32(1)]);
    let e = trap_code(store.call(f(&store, "null_cast_non_null"), &[]));
    assert_eq!(e, TrapCode::CastFailure);
    let e = trap_code(store.call(f(&store, "as_non_null"), &[]));
    assert_eq!(e, TrapCode::NullReference);
}

#[test]
fn gc_module_runs_from_the_cli() {
    let dir = super::scratch("gc");
    let wasm = dir.join("gc.wat");
    std::fs::write(&wasm, GC).unwrap();
    let o = super::zwasm(&[
        "run".as_ref(),
        "--invoke".as_ref(),
        "downcast".as_ref(),
        wasm.as_os_str(),
        "1".as_ref(),
    ]);
    super::assert_exit(&o, 0);
    assert_eq!(super::stdout(&o).trim(), "42");
    let o = super::zwasm(&[
        "run".as_ref(),
        "--invoke".as_ref(),
        "downcast".as_ref(),
        wasm.as_os_str(),
        "0".as_ref(),
    ]);
    assert!(
        super::stderr(&o).contains("cast failure"),
        "{}",
        super::stderr(&o)
    );
}
