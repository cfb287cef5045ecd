//! Running out of value stack or machine stack is a clean `call stack
//! exhausted` trap on both engines, also where leaf functions (which skip
//! their own checks) with large frames sit at the deepest point.

use zwasm_compiler::{compile, CompileOptions, Engine};
use zwasm_loader::{Error, Linker, Module, Store, TrapCode, Val};

/// `$leaf` has about 4000 slots and calls nothing; `rec` recurses and calls
/// it at every level, so the deepest frame is always a leaf's.
fn module_text() -> String {
    let locals = "(local i64) ".repeat(4000);
    format!(
        r#"(module
  (func $leaf (param i64) (result i64) {locals}
    (local.set 4000 (local.get 0))
    (local.get 4000))
  (func $rec (export "rec") (param i32) (result i64)
    (if (result i64) (i32.eqz (local.get 0))
      (then (i64.const 0))
      (else (i64.add
        (call $leaf (i64.extend_i32_u (local.get 0)))
        (call $rec (i32.sub (local.get 0) (i32.const 1))))))))"#
    )
}

#[test]
fn deep_recursion_through_large_leaves_traps_cleanly() {
    let text = module_text();
    for engine in [Engine::Interp, Engine::Native] {
        let opts = CompileOptions {
            engine,
            ..CompileOptions::default()
        };
        let zwo = compile(text.as_bytes(), &opts).expect("compiles");
        let module = Module::from_bytes(&zwo).expect("loads");
        let mut store = Store::new();
        let instance = Linker::new().instantiate(&mut store, &module).unwrap();
        let rec = store.get_func(instance, "rec").unwrap();
        // Shallow: works, and sums 1..=n.
        let r = store.call(rec, &[Val::I32(100)]).unwrap();
        assert_eq!(r, vec![Val::I64(5050)], "{engine:?}");
        // Deep: the value stack runs out, cleanly.
        match store.call(rec, &[Val::I32(1_000_000)]) {
            Err(Error::Trap(t)) => assert_eq!(t.code, TrapCode::StackOverflow, "{engine:?}"),
            other => panic!("{engine:?}: expected stack exhaustion, got {other:?}"),
        }
        // And the store still works afterwards.
        let r = store.call(rec, &[Val::I32(10)]).unwrap();
        assert_eq!(r, vec![Val::I64(55)], "{engine:?}");
    }
}
