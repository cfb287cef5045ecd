//! A function whose native code is longer than an AArch64 conditional
//! branch or PC-relative load reaches (±1 MiB): its branches to labels
//! across it (out of a block, back to a loop head, to the trap stubs after
//! its code) and its constants must still reach, and its results and traps
//! must be the interpreter's. `big` has so many IR instructions that it is
//! emitted far from the start; `dense` has fewer, each of much code, so its
//! first emission fails to reach and it is emitted again as far.

use zwasm_compiler::{compile, CompileOptions, Engine};
use zwasm_loader::{Linker, Module, Store, Val};

/// Copies of the filler statement: about 1.6 MiB of AArch64 code.
const FILLER: usize = 100_000;
/// Copies of `dense`'s statement: about 1.4 MiB of AArch64 code in fewer IR
/// instructions than the backend first emits far.
const DENSE: usize = 24_000;

/// `big(x)`: a branch out of the whole body when `x` is 7; a division by
/// `x` (traps at 0), a vector constant, a `call_indirect` and a byte store
/// at `x` (traps beyond the page) at its start; the filler in a loop that
/// runs twice, whose back edge is at its end.
fn wat() -> String {
    let mut w = String::from(
        r#"(module
  (type $t (func (param i32) (result i32)))
  (memory 1)
  (table 1 funcref)
  (elem (i32.const 0) $inc)
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "big") (param $x i32) (result i32)
    (local $acc i32) (local $n i32) (local $v v128)
    (block $out
      (br_if $out (i32.eq (local.get $x) (i32.const 7)))
      (local.set $acc (i32.div_u (i32.const 1000000) (local.get $x)))
      (local.set $v (v128.const i32x4 11 22 33 44))
      (local.set $acc (i32.add (local.get $acc) (i32x4.extract_lane 2 (local.get $v))))
      (local.set $acc (call_indirect (type $t) (local.get $acc) (i32.const 0)))
      (i32.store8 (local.get $x) (local.get $acc))
      (local.set $n (i32.const 2))
      (loop $again
"#,
    );
    for k in 0..FILLER {
        let c = (k as u32).wrapping_mul(0x9e37_79b9) | 0x0001_0000;
        w.push_str(&format!(
            "        (local.set $acc (i32.xor (i32.rotl (local.get $acc) (i32.const 5)) (i32.const {c})))\n"
        ));
    }
    w.push_str(
        r#"        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $again (local.get $n))))
    (i32.add (local.get $acc) (i32.load8_u (local.get $x))))
  (func (export "dense") (param $x i32) (result i32)
    (local $v v128) (local $w v128)
    (block $out
      (br_if $out (i32.eq (local.get $x) (i32.const 7)))
      (drop (i32.div_s (i32.const 1) (i32.sub (local.get $x) (i32.const 1))))
      (local.set $v (i32x4.splat (local.get $x)))
      (local.set $w (v128.const i32x4 0x01fe02fd 0x03fc04fb 0x05fa06f9 0x07f808f7))
"#,
    );
    for _ in 0..DENSE {
        w.push_str(
            "      (local.set $v (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $w) (local.get $v) (local.get $v)))\n",
        );
    }
    w.push_str(
        r#"    )
    (i32x4.extract_lane 1 (local.get $v))))"#,
    );
    w
}

fn outcomes(module: &Module) -> Vec<String> {
    let mut store = Store::new();
    let instance = Linker::new().instantiate(&mut store, module).unwrap();
    let mut out = Vec::new();
    for name in ["big", "dense"] {
        let f = store.get_func(instance, name).unwrap();
        for x in [0, 1, 7, 300, 65535, 65536, -1] {
            out.push(match store.call(f, &[Val::I32(x)]) {
                Ok(r) => format!("{name}({x}) = {r:?}"),
                Err(e) => format!("{name}({x}): {e}"),
            });
        }
    }
    out
}

#[test]
fn a_function_longer_than_a_branch_reaches_runs_as_on_the_interpreter() {
    let wat = wat();
    let build = |engine| {
        let opts = CompileOptions {
            engine,
            ..CompileOptions::default()
        };
        Module::from_bytes(&compile(wat.as_bytes(), &opts).unwrap()).unwrap()
    };
    let native = build(Engine::Native);
    let interp = build(Engine::Interp);
    assert_eq!(native.native_funcs(), 3, "every function is native");
    let funcs = &native.meta().funcs;
    if cfg!(target_arch = "aarch64") {
        for f in &funcs[1..] {
            let len = f.native_len;
            assert!(len > 1 << 20, "only {len} bytes of code: not far");
        }
        // Under the backend's first guess for a far function.
        assert!(
            funcs[2].code_len < 65_536,
            "dense: {} IR",
            funcs[2].code_len
        );
    }
    let expected = outcomes(&interp);
    // The traps and the early exits are among the outcomes.
    for o in ["big(0)", "dense(1)"] {
        let trap = format!("{o}: wasm trap: integer divide by zero");
        assert!(
            expected.iter().any(|e| e.starts_with(&trap)),
            "{expected:?}"
        );
    }
    assert!(
        expected.iter().any(|o| o.contains("out of bounds")),
        "{expected:?}"
    );
    assert!(
        expected.contains(&"big(7) = [I32(0)]".to_string()),
        "{expected:?}"
    );
    assert!(
        expected.contains(&"dense(7) = [I32(0)]".to_string()),
        "{expected:?}"
    );
    assert_eq!(outcomes(&native), expected);
}
