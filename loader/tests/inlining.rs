//! Small leaf functions are copied into their callers in native code: the
//! results, the locals a copy starts with, its early returns and branches,
//! and the backtrace of a fault inside a copy (which names the callee) must
//! be the interpreter's.

use zwasm_compiler::{compile, CompileOptions, Engine};
use zwasm_loader::{Linker, Module, Store, Val};

const WAT: &str = r#"(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  ;; A leaf with a declared local that must start at zero in every copy.
  (func $acc (param i32) (result i32) (local i32)
    (local.set 1 (i32.add (local.get 1) (local.get 0)))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (local.get 1))
  ;; An early return, a branch and a select.
  (func $clamp (param i32 i32) (result i32)
    (if (i32.lt_s (local.get 0) (i32.const 0)) (then (return (i32.const 0))))
    (select (local.get 1) (local.get 0) (i32.gt_s (local.get 0) (local.get 1))))
  ;; Two results and a store through a pointer: the fault of a bad pointer
  ;; is the leaf's.
  (func $split (param i32 i64) (result i32 i32)
    (i64.store (local.get 0) (local.get 1))
    (i32.wrap_i64 (local.get 1))
    (i32.wrap_i64 (i64.shr_u (local.get 1) (i64.const 32))))
  (func (export "sum") (param i32) (result i32)
    (i32.add (call $acc (local.get 0)) (call $acc (i32.mul (local.get 0) (i32.const 3)))))
  (func (export "clamp") (param i32 i32) (result i32)
    (call $clamp (local.get 0) (local.get 1)))
  (func (export "split") (param i32 i64) (result i32)
    (i32.sub (call $split (local.get 0) (local.get 1)))
    (i32.add (global.get $g)))
  (func (export "outer") (param i32) (result i32)
    (call $split (local.get 0) (i64.const 5))
    (drop)))"#;

fn module(wat: &str, engine: Engine) -> Module {
    let opts = CompileOptions {
        engine,
        ..CompileOptions::default()
    };
    Module::from_bytes(&compile(wat.as_bytes(), &opts).unwrap()).unwrap()
}

/// Every export's results (or its trap's message and backtrace) over a few
/// arguments, in order.
fn outcomes(module: &Module) -> Vec<String> {
    let mut store = Store::new();
    let instance = Linker::new().instantiate(&mut store, module).unwrap();
    let mut out = Vec::new();
    for x in [0i32, 1, -7, 40, 65530, 70000, i32::MAX] {
        for (name, args) in [
            ("sum", vec![Val::I32(x)]),
            ("clamp", vec![Val::I32(x), Val::I32(100)]),
            ("split", vec![Val::I32(x), Val::I64((x as i64) << 33 | 9)]),
            ("outer", vec![Val::I32(x)]),
        ] {
            let f = store.get_func(instance, name).unwrap();
            out.push(match store.call(f, &args) {
                Ok(r) => format!("{name}({x}) = {r:?}"),
                Err(e) => format!("{name}({x}): {e}"),
            });
        }
    }
    out
}

#[test]
fn inlined_copies_behave_as_calls() {
    if !zwasm_compiler::has_native_backend() {
        println!("skipped: no native backend for {}", std::env::consts::ARCH);
        return;
    }
    let native = module(WAT, Engine::Native);
    // $acc twice, $clamp and $split twice: the test would not test much
    // without them.
    assert_eq!(native.inlined_copies(), 5);
    let interp = outcomes(&module(WAT, Engine::Interp));
    assert_eq!(outcomes(&native), interp);
    // By hand: a copy's local starts at zero each time; negative clamps to 0.
    assert!(
        interp.contains(&"sum(40) = [I32(160)]".to_string()),
        "{interp:?}"
    );
    assert!(interp.contains(&"clamp(-7) = [I32(0)]".to_string()));
    // A store past the memory faults inside the copy of $split (function 2),
    // called from `outer` (function 6).
    let fault = interp
        .iter()
        .find(|o| o.starts_with("outer(70000)"))
        .unwrap();
    assert!(fault.contains("out of bounds"), "{fault}");
    let frames: Vec<&str> = fault.lines().skip(2).collect();
    assert_eq!(frames.len(), 2, "{fault}");
    assert!(
        frames[0].contains("func 2") && frames[1].contains("func 6"),
        "{fault}"
    );
}

/// A caller of many sites of one small leaf (as `ed25519`'s main calls
/// `__multi3` 805 times): every site is copied when the copies come to at
/// most twice the caller's own size, beyond the fixed allowance of 4096
/// instructions, and the results stay the interpreter's.
#[test]
fn a_large_caller_gets_every_copy() {
    if !zwasm_compiler::has_native_backend() {
        println!("skipped: no native backend for {}", std::env::consts::ARCH);
        return;
    }
    const SITES: usize = 1000;
    let mut body = String::new();
    for k in 0..SITES {
        // Some arithmetic of the caller's own around each call.
        body.push_str(&format!(
            "(local.set 1 (i32.xor (i32.mul (local.get 1) (i32.const {m})) \
               (call $mix (i32.add (local.get 0) (i32.const {k})) (local.get 1))))\n",
            m = 2 * k + 1
        ));
    }
    let wat = format!(
        r#"(module
  ;; Six IR instructions: the copies come to more than 4096.
  (func $mix (param i32 i32) (result i32)
    (i32.add
      (i32.rotl (i32.xor (local.get 0) (local.get 1)) (i32.const 5))
      (i32.mul (i32.sub (local.get 1) (local.get 0)) (i32.const 9))))
  (func (export "run") (param i32) (result i32) (local i32)
    {body}
    (local.get 1)))"#
    );
    let run = |module: &Module, x: i32| {
        let mut store = Store::new();
        let instance = Linker::new().instantiate(&mut store, module).unwrap();
        let f = store.get_func(instance, "run").unwrap();
        store.call(f, &[Val::I32(x)]).unwrap()
    };
    let (native, interp) = (module(&wat, Engine::Native), module(&wat, Engine::Interp));
    assert_eq!(native.inlined_copies(), SITES);
    for x in [0, 7, -1, 123_456] {
        assert_eq!(run(&native, x), run(&interp, x), "run({x})");
    }
}
