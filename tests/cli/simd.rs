//! v128 values at the edges of the runtime: `--invoke` arguments in every
//! lane shape and results printed in the text format's `i32x4` form, on both
//! engines; and through the embedding API, calls with v128 arguments and
//! results (two slots each), v128 globals and host functions that take and
//! return v128s.

use super::{assert_exit, scratch, stderr, stdout, zwasm};
use zwasm_compiler::{compile, CompileOptions};
use zwasm_loader::{Extern, FuncType, GlobalType, Linker, Module, Store, Val, ValType};

/// A module that passes v128s through, returns constants, and mixes v128
/// parameters with scalars (so that the slot offsets of later parameters
/// and results move by two for each v128 before them).
const SIMD: &str = r#"(module
  (func (export "id") (param v128) (result v128) local.get 0)
  (func (export "k") (result v128) (v128.const i32x4 1 2 3 4))
  (func (export "k2") (result v128 i32 v128)
    (v128.const i64x2 -1 0x0102030405060708)
    (i32.const 7)
    (v128.const f32x4 1.5 -0 nan inf))
  (func (export "second") (param i32 v128 i64 v128) (result v128) local.get 3)
  (func (export "after") (param v128 i64) (result i64) local.get 1)
  (global (export "g") (mut v128) (v128.const i16x8 1 2 3 4 5 6 7 -1)))"#;

/// Lanes of i32x4 packed into a v128, lane 0 in the low bits.
fn i32x4(lanes: [u32; 4]) -> u128 {
    lanes
        .iter()
        .enumerate()
        .fold(0, |acc, (i, &l)| acc | (l as u128) << (32 * i))
}

fn module(wat: &str, interp: bool) -> Module {
    let opts = CompileOptions {
        engine: if interp {
            zwasm_compiler::Engine::Interp
        } else {
            zwasm_compiler::Engine::Native
        },
        ..CompileOptions::default()
    };
    let bytes = compile(wat.as_bytes(), &opts).expect("compiles");
    Module::from_bytes(&bytes).expect("loads")
}

/// Writes the SIMD module to a scratch folder of its own for test `name`.
fn simd_wat(name: &str) -> String {
    let wat = scratch(name).join("simd.wat");
    std::fs::write(&wat, SIMD).unwrap();
    wat.to_str().unwrap().to_string()
}

/// Runs `--invoke` on the module `wat` with each engine; returns the outputs.
fn invoke(wat: &str, args: &[&str]) -> Vec<std::process::Output> {
    ["native", "interp"]
        .iter()
        .map(|engine| {
            let mut argv = vec!["run", "--engine", engine, wat, "--invoke"];
            argv.extend_from_slice(args);
            zwasm(&argv)
        })
        .collect()
}

#[test]
fn v128_arguments_and_results_on_the_command_line() {
    let wat = simd_wat("simd_invoke");
    let one = "i32x4 0x00000001 0x00000002 0x00000003 0x00000004\n";
    let cases: &[(&[&str], &str)] = &[
        (&["id", "i32x4", "1", "2", "3", "4"], one),
        (&["id", "i32x4 1 2 3 4"], one),
        (&["k"], one),
        // Lane 0 is the low byte; negative and hex lanes.
        (
            &["id", "i8x16 -1 0 1 2 3 4 5 6 7 8 9 10 11 12 0x7f -128"],
            "i32x4 0x020100ff 0x06050403 0x0a090807 0x807f0c0b\n",
        ),
        (
            &["id", "i16x8", "-1", "2", "3", "4", "5", "6", "7", "0x8000"],
            "i32x4 0x0002ffff 0x00040003 0x00060005 0x80000007\n",
        ),
        (
            &["id", "i64x2", "-2", "0x0102030405060708"],
            "i32x4 0xfffffffe 0xffffffff 0x05060708 0x01020304\n",
        ),
        (
            &["id", "f32x4 1.5 -0 nan -inf"],
            "i32x4 0x3fc00000 0x80000000 0x7fc00000 0xff800000\n",
        ),
        (
            &["id", "f64x2", "0x1p-1074", "-nan:0x1"],
            "i32x4 0x00000001 0x00000000 0x00000001 0xfff00000\n",
        ),
        (
            &["k2"],
            "i32x4 0xffffffff 0xffffffff 0x05060708 0x01020304\n7\n\
             i32x4 0x3fc00000 0x80000000 0x7fc00000 0x7f800000\n",
        ),
        // Scalars after a v128 are read after its lanes.
        (
            &[
                "second",
                "5",
                "i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
                "6",
                "i32x4",
                "9",
                "8",
                "7",
                "6",
            ],
            "i32x4 0x00000009 0x00000008 0x00000007 0x00000006\n",
        ),
        (&["after", "i64x2", "1", "2", "-3"], "-3\n"),
    ];
    for &(args, want) in cases {
        for o in invoke(&wat, args) {
            assert_exit(&o, 0);
            assert_eq!(stdout(&o), want, "{args:?}");
        }
    }
}

#[test]
fn bad_v128_arguments_are_one_line_errors() {
    let wat = simd_wat("simd_invoke_errors");
    let cases: &[(&[&str], &str)] = &[
        (&["id"], "function `id` takes 1 argument (v128), 0 given"),
        (
            &["id", "1", "2", "3", "4"],
            "argument 1 of `id`: `1` is not a valid v128: expected a shape",
        ),
        (&["id", "i32x4", "1", "2"], "i32x4 takes 4 lanes, 2 given"),
        (
            &["id", "i32x4 1 2 3"],
            "`i32x4 1 2 3`: i32x4 takes 4 lanes, 3 given",
        ),
        (
            &["id", "i32x4", "1", "2", "3", "4", "5"],
            "function `id` takes 1 argument (v128), 2 given",
        ),
        (
            &["id", "i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 256"],
            "lane 15 of i8x16: `256` is not a valid i8",
        ),
        (
            &["id", "f64x2", "1", "x"],
            "lane 1 of f64x2: `x` is not a valid f64",
        ),
        (
            &["second", "1", "i32x4 1 2 3 4", "2"],
            "function `second` takes 4 arguments (i32 v128 i64 v128), 3 given",
        ),
    ];
    for &(args, message) in cases {
        for o in invoke(&wat, args) {
            assert_exit(&o, 1);
            let err = stderr(&o);
            assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
            assert!(err.starts_with("error: "), "{args:?}: {err}");
            assert!(err.contains(message), "{args:?}: {err}");
            assert!(!err.contains("panicked"), "{args:?}: {err}");
        }
    }
}

#[test]
fn v128_values_cross_the_embedding_api() {
    for interp in [false, true] {
        let m = module(SIMD, interp);
        let mut store = Store::new();
        let inst = Linker::new().instantiate(&mut store, &m).unwrap();
        let f = |store: &Store, name: &str| store.get_func(inst, name).unwrap();
        let v = Val::V128(i32x4([0xdead_beef, 1, 0x8000_0000, 0xffff_ffff]));
        assert_eq!(store.call(f(&store, "id"), &[v]).unwrap(), [v]);
        assert_eq!(
            store.call(f(&store, "k"), &[]).unwrap(),
            [Val::V128(i32x4([1, 2, 3, 4]))]
        );
        let k2 = store.call(f(&store, "k2"), &[]).unwrap();
        assert_eq!(
            k2,
            [
                Val::V128(0x0102_0304_0506_0708_ffff_ffff_ffff_ffff),
                Val::I32(7),
                Val::V128(i32x4([0x3fc0_0000, 0x8000_0000, 0x7fc0_0000, 0x7f80_0000])),
            ]
        );
        let args = [Val::I32(1), Val::V128(2), Val::I64(3), v];
        assert_eq!(store.call(f(&store, "second"), &args).unwrap(), [v]);
        assert_eq!(
            store.call(f(&store, "after"), &[v, Val::I64(-5)]).unwrap(),
            [Val::I64(-5)]
        );
        // A v128 argument where an i32 is expected is a usage error.
        assert!(store
            .call(f(&store, "after"), &[Val::I32(0), Val::I64(0)])
            .is_err());

        let Some(Extern::Global(g)) = store.get_export(inst, "g") else {
            panic!("no global g")
        };
        let init = Val::V128(0xffff_0007_0006_0005_0004_0003_0002_0001);
        assert_eq!(store.global_get(g), init);
        store.global_set(g, v).unwrap();
        assert_eq!(store.global_get(g), v);
        assert!(store.global_set(g, Val::I64(0)).is_err());
    }
}

#[test]
fn host_functions_take_and_return_v128() {
    let wat = r#"(module
      (import "host" "swap" (func $swap (param i32 v128 v128) (result v128 i32 v128)))
      (import "host" "g" (global $g (mut v128)))
      (import "host" "c" (global $c v128))
      ;; Initialised from an imported v128 global: both halves are copied.
      (global (export "from_c") v128 (global.get $c))
      (func (export "call") (param v128 v128) (result v128 i32 v128)
        (call $swap (i32.const 9) (local.get 0) (local.get 1)))
      (func (export "read_g") (result v128) (global.get $g))
      (func (export "write_g") (param v128) (global.set $g (local.get 0))))"#;
    for interp in [false, true] {
        let m = module(wat, interp);
        let mut store = Store::new();
        let swap = store.host_func(
            FuncType {
                params: vec![ValType::I32, ValType::V128, ValType::V128],
                results: vec![ValType::V128, ValType::I32, ValType::V128],
            },
            |_, args, results| {
                results[0] = args[2];
                results[1] = args[0];
                results[2] = args[1];
                Ok(())
            },
        );
        let g = store
            .new_global(
                GlobalType {
                    ty: ValType::V128,
                    mutable: true,
                },
                Val::V128(u128::MAX - 1),
            )
            .unwrap();
        let c = Val::V128(0x0123_4567_89ab_cdef_fedc_ba98_7654_3210);
        let imm = GlobalType {
            ty: ValType::V128,
            mutable: false,
        };
        let c_global = store.new_global(imm, c).unwrap();
        let mut linker = Linker::new();
        linker.define("host", "swap", Extern::Func(swap));
        linker.define("host", "g", Extern::Global(g));
        linker.define("host", "c", Extern::Global(c_global));
        let inst = linker.instantiate(&mut store, &m).unwrap();
        let f = |store: &Store, name: &str| store.get_func(inst, name).unwrap();
        let (a, b) = (Val::V128(i32x4([1, 2, 3, 4])), Val::V128(1 << 127 | 5));
        assert_eq!(
            store.call(f(&store, "call"), &[a, b]).unwrap(),
            [b, Val::I32(9), a]
        );
        // The host function called from the host directly.
        assert_eq!(
            store.call(swap, &[Val::I32(3), a, b]).unwrap(),
            [b, Val::I32(3), a]
        );
        assert_eq!(
            store.call(f(&store, "read_g"), &[]).unwrap(),
            [Val::V128(u128::MAX - 1)]
        );
        store.call(f(&store, "write_g"), &[a]).unwrap();
        assert_eq!(store.global_get(g), a);
        let Some(Extern::Global(from_c)) = store.get_export(inst, "from_c") else {
            panic!("no global from_c")
        };
        assert_eq!(store.global_get(from_c), c);
        // A host result of the wrong type is a trap, not a panic.
        let bad = store.host_func(
            FuncType {
                params: vec![],
                results: vec![ValType::V128],
            },
            |_, _, results| {
                results[0] = Val::I64(1);
                Ok(())
            },
        );
        let e = store.call(bad, &[]).unwrap_err();
        assert!(
            e.to_string().contains("returned i64 for a v128 result"),
            "{e}"
        );
    }
}
