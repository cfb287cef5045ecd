//! The interpreter's handlers pass control to each other by tail calls
//! (`interp/threaded.rs`): a long loop through every kind of handler (integer
//! and float arithmetic, a libm call, conversions, loads and stores, selects,
//! every kind of branch, a SIMD op, calls and returns) runs in a small host stack, which a
//! handler that called the next one instead of jumping to it would overflow,
//! and computes what native code computes.

use zwasm_compiler::{compile, CompileOptions, Engine};
use zwasm_loader::{Linker, Module, Store, Val};

const WAT: &str = r#"(module
  (memory 1)
  ;; A callee with a local to clear and an early return.
  (func $mix (param $x i32) (result i32) (local $t i32)
    (if (i32.eqz (local.get $x)) (then (return (i32.const 17))))
    (local.set $t (i32.mul (local.get $x) (i32.const 2654435761)))
    (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 15))))
  (func (export "run") (param $n i32) (result i64)
    (local $acc i64) (local $f f64) (local $g f32) (local $k i32)
    (local.set $f (f64.const 1.5))
    (local.set $g (f32.const 2.25))
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      ;; integer ops, register and immediate forms, compares
      (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 31))
                               (i64.extend_i32_u (local.get $n))))
      (local.set $acc (i64.xor (local.get $acc) (i64.shr_u (local.get $acc) (i64.const 7))))
      (local.set $k (i32.rem_u (i32.wrap_i64 (local.get $acc)) (i32.const 1000)))
      (local.set $k (i32.add (local.get $k) (i32.clz (local.get $n))))
      ;; floats: arithmetic, a libm rounding, sqrt, a compare, conversions
      (local.set $f (f64.add (f64.mul (local.get $f) (f64.const 1.0001))
                             (f64.convert_i32_u (local.get $k))))
      (local.set $f (f64.floor (f64.sqrt (local.get $f))))
      (local.set $g (f32.add (local.get $g) (f32.demote_f64 (local.get $f))))
      (local.set $acc (i64.add (local.get $acc)
        (i64.trunc_f64_s (local.get $f))))
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (f32.lt (local.get $g) (f32.const 100.0)))))
      ;; memory: stores and loads of several widths
      (i32.store8 (local.get $k) (local.get $n))
      (i64.store offset=1000 (local.get $k) (local.get $acc))
      (local.set $acc (i64.add (local.get $acc) (i64.load8_u (local.get $k))))
      (local.set $acc (i64.sub (local.get $acc) (i64.load offset=1000 (local.get $k))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (memory.size))))
      ;; select, a SIMD op, br_table and a compare-and-branch
      (local.set $k (select (local.get $k) (i32.const 7) (i32.and (local.get $n) (i32.const 1))))
      (local.set $k (i32.add (local.get $k) (i32x4.extract_lane 2
        (i32x4.add (i32x4.splat (local.get $k)) (v128.const i32x4 1 2 3 4)))))
      (block $b2 (block $b1 (block $b0
        (br_table $b0 $b1 $b2 (i32.and (local.get $n) (i32.const 3))))
        (local.set $acc (i64.add (local.get $acc) (i64.const 3))))
        (local.set $acc (i64.rotl (local.get $acc) (i64.const 5))))
      (if (i32.lt_u (local.get $k) (i32.const 500))
        (then (local.set $acc (i64.add (local.get $acc) (i64.const 1)))))
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (call $mix (i32.and (local.get $n) (i32.const 7))))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (i64.add (local.get $acc) (i64.reinterpret_f64 (local.get $f)))))"#;

fn run(engine: Engine, n: i32) -> i64 {
    let opts = CompileOptions {
        engine,
        ..CompileOptions::default()
    };
    let mut module = Module::from_bytes(&compile(WAT.as_bytes(), &opts).unwrap()).unwrap();
    if engine == Engine::Interp {
        module = module.interp_only();
    }
    let mut store = Store::new();
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let f = store.get_func(instance, "run").unwrap();
    match store.call(f, &[Val::I32(n)]).unwrap()[..] {
        [Val::I64(r)] => r,
        ref other => panic!("unexpected results {other:?}"),
    }
}

#[test]
fn a_long_loop_runs_in_a_small_host_stack() {
    const N: i32 = 200_000;
    // About 60 instructions an iteration, 12 million in all: a frame of even
    // 16 bytes per instruction would need 190 MB of stack.
    let interp = std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(|| run(Engine::Interp, N))
        .unwrap()
        .join()
        .expect("the interpreter ran in a 256 KiB stack");
    assert_eq!(interp, run(Engine::Native, N));
}
