//! Native code for the baseline CPU (SSE4.1 only) and for this machine: the
//! bit-count ops that have CPU extensions (POPCNT, LZCNT, BMI1's TZCNT) stay
//! native without them, record only what they use, and agree with Rust.

use zwasm_abi::native::cpu;
use zwasm_compiler::{compile, CompileOptions, Cpu, Engine};
use zwasm_loader::{Linker, Module, Store, Val};

const WAT: &str = r#"(module
  (func (export "popcnt32") (param i32) (result i32) (i32.popcnt (local.get 0)))
  (func (export "popcnt64") (param i64) (result i64) (i64.popcnt (local.get 0)))
  (func (export "clz32") (param i32) (result i32) (i32.clz (local.get 0)))
  (func (export "clz64") (param i64) (result i64) (i64.clz (local.get 0)))
  (func (export "ctz32") (param i32) (result i32) (i32.ctz (local.get 0)))
  (func (export "ctz64") (param i64) (result i64) (i64.ctz (local.get 0))))"#;

fn module(engine: Engine, cpu: Cpu) -> Module {
    let opts = CompileOptions {
        engine,
        cpu,
        ..CompileOptions::default()
    };
    Module::from_bytes(&compile(WAT.as_bytes(), &opts).unwrap()).unwrap()
}

/// Every function's results on `inputs`, checked against Rust's.
fn check(module: &Module, inputs: &[u64]) {
    let mut store = Store::new();
    let instance = Linker::new().instantiate(&mut store, module).unwrap();
    for &x in inputs {
        let (x32, x64) = (x as u32, x);
        for (name, arg, want) in [
            (
                "popcnt32",
                Val::I32(x32 as i32),
                Val::I32(x32.count_ones() as i32),
            ),
            (
                "popcnt64",
                Val::I64(x64 as i64),
                Val::I64(x64.count_ones() as i64),
            ),
            (
                "clz32",
                Val::I32(x32 as i32),
                Val::I32(x32.leading_zeros() as i32),
            ),
            (
                "clz64",
                Val::I64(x64 as i64),
                Val::I64(x64.leading_zeros() as i64),
            ),
            (
                "ctz32",
                Val::I32(x32 as i32),
                Val::I32(x32.trailing_zeros() as i32),
            ),
            (
                "ctz64",
                Val::I64(x64 as i64),
                Val::I64(x64.trailing_zeros() as i64),
            ),
        ] {
            let f = store.get_func(instance, name).unwrap();
            assert_eq!(store.call(f, &[arg]).unwrap(), vec![want], "{name}({x:#x})");
        }
    }
}

#[test]
fn baseline_and_native_code_count_bits_alike() {
    let mut inputs = vec![0, 1, u64::MAX, 1 << 63, 0x8000_0000, 0x5555_5555_5555_5555];
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..200 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        inputs.push(x);
        inputs.push(x >> (x % 64));
    }
    let baseline = module(Engine::Native, Cpu::Baseline);
    assert_eq!(baseline.cpu_features() & !cpu::BASELINE, 0);
    assert_eq!(baseline.native_funcs(), 6, "every function native");
    check(&baseline, &inputs);

    let native = module(Engine::Native, Cpu::Native);
    assert_eq!(native.cpu_features() & !cpu::host(), 0);
    assert_eq!(native.native_funcs(), 6);
    check(&native, &inputs);

    check(&module(Engine::Interp, Cpu::Baseline), &inputs);
}
