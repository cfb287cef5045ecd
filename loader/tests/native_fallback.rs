//! Per-function fallback: a function kept as IR (`force_ir`) in an otherwise
//! native module. Calls cross native → IR → native directly, through
//! `call_indirect` and through a host import that calls back into wasm; the
//! results and the traps (message and backtrace) must be those of the
//! all-native and the all-interpreted module.

use zwasm_compiler::{CompileOptions, Engine};
use zwasm_loader::{Extern, FuncType, Linker, Module, Store, Trap, Val, ValType};

/// `$mid` is the function kept as IR. `run` and `run_indirect` (native) call
/// it directly and through the table; it reaches the native `$leaf` directly
/// (mode 0), through the table (mode 1) or through the host import, which
/// calls the exported `leaf` (mode 2). `$leaf` traps on 0 (division by zero),
/// on 7 (unreachable) and past 16383 (out of bounds).
const WAT: &str = r#"(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (type $unary (func (param i32) (result i32)))
  (type $binary (func (param i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (table 2 funcref)
  (elem (i32.const 0) $leaf $mid)
  (func $leaf (export "leaf") (type $unary)
    (if (i32.eq (local.get 0) (i32.const 7)) (then unreachable))
    (i32.add
      (i32.div_u (i32.const 1000) (local.get 0))
      (i32.load8_u (i32.mul (local.get 0) (i32.const 4)))))
  (func $mid (type $binary)
    (i32.add (i32.const 1)
      (if (result i32) (i32.eqz (local.get 0))
        (then (call $leaf (local.get 1)))
        (else
          (if (result i32) (i32.eq (local.get 0) (i32.const 1))
            (then (call_indirect (type $unary) (local.get 1) (i32.const 0)))
            (else (call $host (local.get 1))))))))
  (func $run (export "run") (type $binary)
    (i32.mul (call $mid (local.get 0) (local.get 1)) (i32.const 2)))
  (func $run_indirect (export "run_indirect") (type $binary)
    (i32.mul
      (call_indirect (type $binary) (local.get 0) (local.get 1) (i32.const 1))
      (i32.const 3))))"#;

/// `$mid`'s index in the function index space (the import is function 0).
const MID: u32 = 2;
const DEFINED: usize = 4;

fn compile(wat: &str, engine: Engine, force_ir: Vec<u32>) -> Module {
    let opts = CompileOptions {
        engine,
        force_ir,
        ..CompileOptions::default()
    };
    let zwo = zwasm_compiler::compile(wat.as_bytes(), &opts).expect("compiles");
    Module::from_bytes(&zwo).expect("loads")
}

/// The three builds: all interpreted, all native, native with `$mid` as IR.
fn builds() -> Vec<(&'static str, Module)> {
    vec![
        ("interp", compile(WAT, Engine::Interp, vec![])),
        ("native", compile(WAT, Engine::Native, vec![])),
        ("mixed", compile(WAT, Engine::Native, vec![MID])),
    ]
}

/// How a call ended: results, or the trap's message and backtrace names.
#[derive(Debug, PartialEq)]
enum Ended {
    Results(Vec<Val>),
    Trap(String, Vec<String>),
}

/// Calls `export(mode, x)` on a fresh instance, with the host import
/// calling the instance's `leaf` export and returning ten times its result
/// (or failing, for 42).
fn call(module: &Module, export: &str, mode: i32, x: i32) -> Ended {
    let mut store = Store::new();
    let ty = FuncType {
        params: vec![ValType::I32],
        results: vec![ValType::I32],
    };
    let host = store.host_func(ty, |caller, args, results| {
        if args[0] == Val::I32(42) {
            return Err(Trap::host("the host refuses 42"));
        }
        let instance = caller.instance().expect("called from wasm");
        let store = caller.store();
        let leaf = store.get_func(instance, "leaf").unwrap();
        match store.call(leaf, args) {
            Ok(r) => {
                let Val::I32(v) = r[0] else { unreachable!() };
                results[0] = Val::I32(v * 10);
                Ok(())
            }
            Err(e) => Err(e
                .as_trap()
                .cloned()
                .unwrap_or_else(|| Trap::host(e.to_string()))),
        }
    });
    let mut linker = Linker::new();
    linker.define("env", "host", Extern::Func(host));
    let instance = linker
        .instantiate(&mut store, module)
        .expect("instantiates");
    let f = store.get_func(instance, export).unwrap();
    match store.call(f, &[Val::I32(mode), Val::I32(x)]) {
        Ok(v) => Ended::Results(v),
        Err(e) => {
            let t = e.as_trap().expect("a trap").clone();
            let names = t
                .backtrace
                .iter()
                .map(|f| f.name.clone().unwrap_or(format!("func {}", f.func_index)))
                .collect();
            Ended::Trap(t.to_string().lines().next().unwrap().to_string(), names)
        }
    }
}

#[test]
fn the_forced_function_stays_ir_and_the_rest_is_native() {
    let b = builds();
    assert_eq!(b[0].1.meta().funcs.len(), DEFINED);
    assert_eq!(b[0].1.native_funcs(), 0);
    if !zwasm_compiler::has_native_backend() {
        println!("skipped: no native backend for {}", std::env::consts::ARCH);
        return;
    }
    assert_eq!(b[1].1.native_funcs(), DEFINED);
    assert_eq!(b[2].1.native_funcs(), DEFINED - 1);
    // Switching native code off leaves nothing native to run, but the module
    // still runs the same.
    assert!(!b[1].1.interp_only().native_enabled());
}

#[test]
fn results_agree_across_the_boundary() {
    let b = builds();
    for export in ["run", "run_indirect"] {
        for mode in 0..3 {
            for x in [1, 2, 3, 5, 999, 1000, 1001, 16383] {
                let want = call(&b[0].1, export, mode, x);
                let leaf = 1000 / x + if x < 4 { x * 4 + 1 } else { 0 };
                let through = if mode == 2 { leaf * 10 } else { leaf };
                let scale = if export == "run" { 2 } else { 3 };
                assert_eq!(
                    want,
                    Ended::Results(vec![Val::I32((through + 1) * scale)]),
                    "interp {export}({mode}, {x})"
                );
                for (name, m) in &b[1..] {
                    assert_eq!(
                        call(m, export, mode, x),
                        want,
                        "{name} {export}({mode}, {x})"
                    );
                }
            }
        }
    }
}

#[test]
fn traps_and_backtraces_agree_across_the_boundary() {
    let b = builds();
    let cases = [
        (0, "wasm trap: integer divide by zero"),
        (7, "wasm trap: unreachable"),
        (16384, "wasm trap: out of bounds memory access"),
    ];
    for (export, outer) in [("run", "run"), ("run_indirect", "run_indirect")] {
        for mode in 0..3 {
            for (x, message) in cases {
                // The trapping leaf, its callers up to the exported function;
                // the host function between `leaf` and `mid` is not a wasm frame.
                let want = Ended::Trap(
                    message.to_string(),
                    vec!["leaf".into(), "mid".into(), outer.into()],
                );
                for (name, m) in &b {
                    assert_eq!(
                        call(m, export, mode, x),
                        want,
                        "{name} {export}({mode}, {x})"
                    );
                }
            }
        }
        // A host function's own error: the trace starts at its wasm caller.
        let want = Ended::Trap(
            "wasm trap: host function error: the host refuses 42".into(),
            vec!["mid".into(), outer.into()],
        );
        for (name, m) in &b {
            assert_eq!(call(m, export, 2, 42), want, "{name} {export}(2, 42)");
        }
    }
}

/// Native and IR functions recursing into each other without end: every
/// build runs out of stack with a trap, not a crash.
#[test]
fn mutual_recursion_across_the_boundary_exhausts_the_stack_cleanly() {
    let wat = r#"(module
      (func $a (export "a") (param i32) (result i32)
        (i32.add (call $b (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
      (func $b (param i32) (result i32)
        (i32.add (call $a (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))"#;
    for (name, engine, force) in [
        ("interp", Engine::Interp, vec![]),
        ("native", Engine::Native, vec![]),
        ("a as IR", Engine::Native, vec![0]),
        ("b as IR", Engine::Native, vec![1]),
    ] {
        let module = compile(wat, engine, force);
        let mut store = Store::new();
        let instance = Linker::new().instantiate(&mut store, &module).unwrap();
        let a = store.get_func(instance, "a").unwrap();
        let e = store.call(a, &[Val::I32(0)]).unwrap_err();
        let t = e.as_trap().unwrap_or_else(|| panic!("{name}: {e}"));
        assert_eq!(t.code, zwasm_loader::TrapCode::StackOverflow, "{name}: {t}");
        // The instance is still usable afterwards.
        let e = store.call(a, &[Val::I32(0)]).unwrap_err();
        assert!(e.as_trap().is_some(), "{name}: {e}");
    }
}

/// A host function that calls back into the same instance runs the callee on
/// a fresh value stack. The interrupted activation must keep its own bound:
/// after the host returns, its calls succeed, and runaway recursion with big
/// frames ends in a trap at the end of its value stack, not past it.
#[test]
fn reentry_through_the_host_keeps_the_outer_value_stack_bound() {
    let locals = vec!["i64"; 200].join(" ");
    let wat = format!(
        r#"(module
      (import "env" "host" (func $host (param i32) (result i32)))
      (func $leaf (export "leaf") (param i32) (result i32)
        (i32.mul (local.get 0) (i32.const 3)))
      (func $deep (param i32) (result i32) (local {locals})
        (if (result i32) (i32.eqz (local.get 0))
          (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))))
      (func (export "run") (param i32 i32) (result i32)
        (i32.add (call $host (local.get 0)) (call $deep (local.get 1)))))"#
    );
    for (name, module) in [
        ("interp", compile(&wat, Engine::Interp, vec![])),
        ("native", compile(&wat, Engine::Native, vec![])),
        ("mixed", compile(&wat, Engine::Native, vec![1])),
    ] {
        assert_eq!(
            call(&module, "run", 1, 10),
            Ended::Results(vec![Val::I32(40)]),
            "{name}"
        );
        match call(&module, "run", 1, 1_000_000) {
            Ended::Trap(message, _) => {
                assert_eq!(message, "wasm trap: call stack exhausted", "{name}")
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

/// An artifact with native code keeps only the IR instructions its code hands
/// to the runtime (here `call_indirect`'s slow path), so it is smaller and
/// refuses to run on the interpreter alone; with `keep_ir` it has every body
/// and runs either way, with the same results.
#[test]
fn native_artifacts_keep_ir_only_for_the_runtime_unless_asked() {
    if !zwasm_compiler::has_native_backend() {
        println!("skipped: no native backend for {}", std::env::consts::ARCH);
        return;
    }
    let bytes = |keep_ir| {
        let opts = CompileOptions {
            keep_ir,
            ..CompileOptions::default()
        };
        zwasm_compiler::compile(WAT.as_bytes(), &opts).expect("compiles")
    };
    let (partial, full) = (bytes(false), bytes(true));
    // The IR section's length, from the header's section table.
    let ir_len = |b: &[u8]| u64::from_le_bytes(b[152..160].try_into().unwrap());
    assert_eq!(ir_len(&partial), 2 * 16);
    assert!(ir_len(&full) > 20 * 16, "{}", ir_len(&full));
    let partial = Module::from_bytes(&partial).expect("loads");
    let full = Module::from_bytes(&full).expect("loads");
    assert!(!partial.has_full_ir());
    assert!(full.has_full_ir());
    // Every defined function has native code, so each keeps at most the few
    // instructions its code names (`run_indirect` and `$mid` have a
    // `call_indirect` each), and the whole IR stays with `keep_ir`.
    let kept: Vec<usize> = (0..DEFINED as u32)
        .map(|d| partial.func_code(d).len())
        .collect();
    assert_eq!(kept.iter().sum::<usize>(), 2, "{kept:?}");
    assert!((0..DEFINED as u32).all(|d| full.func_code(d).len() > 1));

    let run = |module: &Module| {
        let mut store = Store::new();
        let ty = FuncType {
            params: vec![ValType::I32],
            results: vec![ValType::I32],
        };
        let host = store.host_func(ty, |_, args, results| {
            results[0] = args[0];
            Ok(())
        });
        let mut linker = Linker::new();
        linker.define("env", "host", Extern::Func(host));
        let instance = linker.instantiate(&mut store, module)?;
        let f = store.get_func(instance, "run_indirect").unwrap();
        store.call(f, &[Val::I32(1), Val::I32(3)])
    };
    let expected = run(&full).expect("runs");
    assert_eq!(run(&partial).expect("runs"), expected);
    assert_eq!(run(&full.interp_only()).expect("runs"), expected);
    let refused = run(&partial.interp_only()).expect_err("needs its IR");
    assert!(
        refused
            .to_string()
            .contains("cannot run on the interpreter alone"),
        "{refused}"
    );
}
