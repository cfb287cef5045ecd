//! A loop whose head is an `if` (AssemblyScript's `for` shape): the rotated
//! back edge must leave through the `if`'s else arm or end, not re-enter.

use zwasm_loader::{Linker, Module, Store, Val};

fn run(wat: &str) -> i32 {
    let zwo = zwasm_compiler::compile(wat.as_bytes(), &Default::default()).unwrap();
    let module = Module::from_bytes(&zwo).unwrap();
    let mut store = Store::new();
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let f = store.get_func(instance, "f").unwrap();
    match store.call(f, &[]).unwrap()[..] {
        [Val::I32(v)] => v,
        ref other => panic!("{other:?}"),
    }
}

#[test]
fn loop_headed_by_if_exits_at_its_end() {
    let wat = r#"(module (func (export "f") (result i32) (local $i i32) (local $s i32)
        (loop
          (if (i32.lt_u (local.get $i) (i32.const 16))
            (then
              (local.set $s (i32.add (local.get $s) (local.get $i)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br 1))))
        (local.get $s)))"#;
    assert_eq!(run(wat), 120);
}

#[test]
fn loop_headed_by_if_else_exits_through_the_else_arm() {
    let wat = r#"(module (func (export "f") (result i32) (local $i i32) (local $s i32)
        (loop
          (if (i32.lt_u (local.get $i) (i32.const 16))
            (then
              (local.set $s (i32.add (local.get $s) (local.get $i)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br 1))
            (else (local.set $s (i32.add (local.get $s) (i32.const 1000))))))
        (local.get $s)))"#;
    assert_eq!(run(wat), 1120);
}
