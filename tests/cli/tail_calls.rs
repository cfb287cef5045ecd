//! Tail calls through the embedding API: chains far deeper than the frame
//! limit run in constant space, across instances and into host functions, and
//! traps name the frames that are still live (a tail-calling frame is gone).

use zwasm_compiler::{compile, CompileOptions};
use zwasm_loader::{Extern, FuncType, Linker, Module, Store, Trap, Val, ValType};

fn module(wat: &str) -> Module {
    let bytes = compile(wat.as_bytes(), &CompileOptions::default()).expect("compiles");
    Module::from_bytes(&bytes).expect("loads")
}

fn trap_of(result: Result<Vec<Val>, zwasm_loader::Error>) -> Trap {
    match result {
        Err(e) => e.as_trap().expect("a trap").clone(),
        Ok(v) => panic!("expected a trap, got {v:?}"),
    }
}

fn names(trap: &Trap) -> Vec<&str> {
    trap.backtrace
        .iter()
        .map(|f| f.name.as_deref().unwrap_or("?"))
        .collect()
}

/// More tail calls than the 50 000-frame limit allows frames.
const DEEP: i32 = 1_000_000;

#[test]
fn tail_calls_run_in_constant_space_within_an_instance() {
    let m = module(
        r#"(module
          (type $t (func (param i32) (result i32)))
          (table funcref (elem $even $odd))
          (func $even (export "even") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0))
              (then (i32.const 1))
              (else (return_call $odd (i32.sub (local.get 0) (i32.const 1))))))
          (func $odd (export "odd") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0))
              (then (i32.const 0))
              (else (return_call_indirect (type $t)
                      (i32.sub (local.get 0) (i32.const 1)) (i32.const 0)))))
          ;; A tail call to a function with more locals than the caller's frame.
          (func $wide (param i32 i64) (result i32)
            (local i64 i64 i64 i64 i64 i64 i64 i64)
            (i32.add (local.get 0) (i32.wrap_i64 (local.get 1))))
          (func (export "wide") (param i32) (result i32)
            (return_call $wide (local.get 0) (i64.const 2)))
          ;; The tail call's result reaches the caller's caller.
          (func (export "plus_one_even") (param i32) (result i32)
            (i32.add (call $even (local.get 0)) (i32.const 1))))"#,
    );
    let mut store = Store::new();
    let inst = Linker::new().instantiate(&mut store, &m).unwrap();
    let call = |store: &mut Store, name: &str, n: i32| {
        let f = store.get_func(inst, name).unwrap();
        store.call(f, &[Val::I32(n)]).unwrap()
    };
    assert_eq!(call(&mut store, "even", DEEP), [Val::I32(1)]);
    assert_eq!(call(&mut store, "even", DEEP + 1), [Val::I32(0)]);
    assert_eq!(call(&mut store, "odd", DEEP + 1), [Val::I32(1)]);
    assert_eq!(call(&mut store, "plus_one_even", DEEP), [Val::I32(2)]);
    assert_eq!(call(&mut store, "wide", 40), [Val::I32(42)]);
}

#[test]
fn tail_calls_cross_instances() {
    // `a.even` tail-calls through a table that `b` fills with `b.odd`, and
    // `b.odd` tail-calls the imported `a.even`: a million hops between two
    // instances, each with its own memory.
    let a = module(
        r#"(module
          (type $t (func (param i32) (result i32)))
          (table (export "table") 1 funcref)
          (memory (export "mem") 1)
          (func $even (export "even") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0))
              (then (i32.load (i32.const 0)))
              (else (return_call_indirect (type $t)
                      (i32.sub (local.get 0) (i32.const 1)) (i32.const 0)))))
          (data (i32.const 0) "\0a\00\00\00"))"#,
    );
    let b = module(
        r#"(module
          (import "a" "even" (func $even (param i32) (result i32)))
          (import "a" "table" (table 1 funcref))
          (memory 1)
          (elem (i32.const 0) $odd)
          (func $odd (export "odd") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0))
              (then (i32.load (i32.const 0)))
              (else (return_call $even (i32.sub (local.get 0) (i32.const 1))))))
          (data (i32.const 0) "\14\00\00\00"))"#,
    );
    let mut store = Store::new();
    let mut linker = Linker::new();
    let ia = linker.instantiate(&mut store, &a).unwrap();
    linker.define_instance(&store, "a", ia);
    let ib = linker.instantiate(&mut store, &b).unwrap();
    let even = store.get_func(ia, "even").unwrap();
    let odd = store.get_func(ib, "odd").unwrap();
    // Each instance reads its own memory when the chain ends in it.
    assert_eq!(store.call(even, &[Val::I32(DEEP)]).unwrap(), [Val::I32(10)]);
    assert_eq!(
        store.call(even, &[Val::I32(DEEP + 1)]).unwrap(),
        [Val::I32(20)]
    );
    assert_eq!(store.call(odd, &[Val::I32(DEEP)]).unwrap(), [Val::I32(20)]);
}

#[test]
fn tail_calls_to_host_functions_and_backtraces() {
    let m = module(
        r#"(module
          (import "host" "double" (func $double (param i32) (result i32)))
          (import "host" "fail" (func $fail (param i32) (result i32)))
          (type $t (func (param i32) (result i32)))
          (table funcref (elem $double $boom))
          (func $to_host (param i32) (result i32)
            (return_call $double (local.get 0)))
          (func $to_host_indirect (param i32) (result i32)
            (return_call_indirect (type $t) (local.get 0) (i32.const 0)))
          (func $to_failing_host (param i32) (result i32)
            (return_call $fail (local.get 0)))
          (func $boom (param i32) (result i32) unreachable)
          (func $to_boom (param i32) (result i32)
            (return_call_indirect (type $t) (local.get 0) (i32.const 1)))
          (func (export "host") (param i32) (result i32)
            (i32.add (call $to_host (local.get 0)) (i32.const 1)))
          (func (export "host_indirect") (param i32) (result i32)
            (i32.add (call $to_host_indirect (local.get 0)) (i32.const 1)))
          (func (export "host_direct") (param i32) (result i32)
            (return_call $double (local.get 0)))
          (func $failing_host (export "failing_host") (param i32) (result i32)
            (i32.add (call $to_failing_host (local.get 0)) (i32.const 1)))
          (func $outer (export "boom") (param i32) (result i32)
            (i32.add (call $to_boom (local.get 0)) (i32.const 1))))"#,
    );
    let mut store = Store::new();
    let ty = FuncType {
        params: vec![ValType::I32],
        results: vec![ValType::I32],
    };
    let double = store.host_func(ty.clone(), |_, args, results| {
        let Val::I32(x) = args[0] else { unreachable!() };
        results[0] = Val::I32(x * 2);
        Ok(())
    });
    let fail = store.host_func(ty, |_, _, _| Err(Trap::host("no")));
    let mut linker = Linker::new();
    linker.define("host", "double", Extern::Func(double));
    linker.define("host", "fail", Extern::Func(fail));
    let inst = linker.instantiate(&mut store, &m).unwrap();
    let f = |store: &Store, name: &str| store.get_func(inst, name).unwrap();

    let host = f(&store, "host");
    assert_eq!(store.call(host, &[Val::I32(20)]).unwrap(), [Val::I32(41)]);
    let host_indirect = f(&store, "host_indirect");
    assert_eq!(
        store.call(host_indirect, &[Val::I32(5)]).unwrap(),
        [Val::I32(11)]
    );
    // A tail call to the host from the outermost frame returns to the embedder.
    let host_direct = f(&store, "host_direct");
    assert_eq!(
        store.call(host_direct, &[Val::I32(4)]).unwrap(),
        [Val::I32(8)]
    );

    // The frame that tail-called is no longer on the stack.
    let failing = f(&store, "failing_host");
    let trap = trap_of(store.call(failing, &[Val::I32(1)]));
    assert_eq!(trap.message.as_deref(), Some("no"));
    assert_eq!(names(&trap), ["failing_host"]);
    let boom = f(&store, "boom");
    let trap = trap_of(store.call(boom, &[Val::I32(1)]));
    assert_eq!(trap.code, zwasm_loader::TrapCode::Unreachable);
    assert_eq!(names(&trap), ["boom", "outer"]);
    assert_eq!(trap.backtrace[0].func_index, 5);
    assert_eq!(trap.backtrace[1].func_index, 11);
}
