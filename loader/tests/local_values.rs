//! Patterns where register allocation and the backend's peepholes meet: a
//! shift absorbed into an add whose source is a local used there last, a
//! stack slot reused for an int, a float and an i64, temporaries as call
//! arguments and across calls, stores and loads of temporaries in one block,
//! and values live around a loop. Each runs on both engines, which must agree.

use zwasm_compiler::{compile, CompileOptions, Engine};
use zwasm_loader::{Linker, Module, Store, Val};

const WAT: &str = r#"(module
  (memory 1)
  (func $id (param i32) (result i32) (local.get 0))
  ;; The shift's source is a local whose last use is the shift, which the add
  ;; absorbs (one `lea`): the add must still find it.
  (func (export "scaled") (param i32 i32) (result i32)
    (local i32)
    (local.set 2 (i32.add (local.get 1) (i32.const 5)))
    (i32.add (local.get 0) (i32.shl (local.get 2) (i32.const 2))))
  ;; The same temporary slot holds an i32, an f64 and an i64 in turn.
  (func (export "mixed") (param i32) (result i64)
    (i64.add
      (i64.extend_i32_s (i32.mul (local.get 0) (i32.const 3)))
      (i64.add
        (i64.trunc_f64_s (f64.mul (f64.convert_i32_s (local.get 0)) (f64.const 1.5)))
        (i64.mul (i64.extend_i32_u (local.get 0)) (i64.const 7)))))
  ;; Temporaries as call arguments (read by the call from the frame), and a
  ;; value computed before a call and used after it.
  (func (export "calls") (param i32) (result i32)
    (local i32)
    (local.set 1 (i32.add (local.get 0) (i32.const 11)))
    (i32.add
      (call $id (i32.mul (local.get 0) (i32.const 2)))
      (i32.add (local.get 1) (call $id (i32.sub (local.get 1) (i32.const 1))))))
  ;; Temporaries stored to memory and loaded back inside one block.
  (func (export "memory") (param i32) (result i32)
    (i32.store (i32.const 64) (i32.add (local.get 0) (i32.const 1)))
    (i32.store (i32.const 68) (i32.mul (local.get 0) (local.get 0)))
    (i32.add (i32.load (i32.const 64)) (i32.load (i32.const 68))))
  ;; A temporary live across a loop's blocks next to ones local to each.
  (func (export "loop") (param i32) (result i32)
    (local i32 i32)
    (block
      (loop
        (br_if 1 (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (i32.shl (i32.and (local.get 0) (i32.const 7)) (i32.const 1))))
        (local.set 2 (i32.xor (local.get 2) (i32.mul (local.get 0) (i32.const 31))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br 0)))
    (i32.add (local.get 1) (local.get 2))))"#;

fn results(engine: Engine) -> Vec<Vec<Val>> {
    let opts = CompileOptions {
        engine,
        ..CompileOptions::default()
    };
    let module = Module::from_bytes(&compile(WAT.as_bytes(), &opts).unwrap()).unwrap();
    let mut store = Store::new();
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let mut out = Vec::new();
    for x in [0, 1, 2, 7, 100, -3, 12345, i32::MAX, i32::MIN] {
        for (name, args) in [
            ("scaled", vec![Val::I32(x), Val::I32(x.wrapping_mul(3))]),
            ("mixed", vec![Val::I32(x % 100_000)]),
            ("calls", vec![Val::I32(x)]),
            ("memory", vec![Val::I32(x)]),
            ("loop", vec![Val::I32(x.rem_euclid(1000))]),
        ] {
            let f = store.get_func(instance, name).unwrap();
            out.push(store.call(f, &args).unwrap());
        }
    }
    out
}

#[test]
fn local_values_agree_on_both_engines() {
    let interp = results(Engine::Interp);
    // The expected values of the first patterns, worked out by hand.
    assert_eq!(interp[5], vec![Val::I32(1 + ((3 + 5) << 2))]);
    assert_eq!(interp[6], vec![Val::I64(3 + 1 + 7)]);
    assert_eq!(results(Engine::Native), interp);
}
