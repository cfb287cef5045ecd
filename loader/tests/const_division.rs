//! Division and remainder by constants compile to multiplications (or shifts
//! and masks); they must equal Rust's `/` and `%` (wrapping, for the signed
//! ones) for every dividend, on both engines, at 32 and 64 bits.

use zwasm_compiler::{compile, CompileOptions, Engine};
use zwasm_loader::{Linker, Module, Store, Val};

/// Signed divisors, including the ones that take the general path.
const SIGNED: &[i32] = &[
    2,
    3,
    7,
    10,
    16,
    1000,
    0x7fff_ffff,
    0x4000_0000,
    -1,
    -2,
    -3,
    -7,
    -16,
    i32::MIN,
    1,
];

const DIVISORS: &[u32] = &[
    2,
    3,
    5,
    7,
    10,
    16,
    100,
    139_968,
    1 << 31,
    0x7fff_ffff,
    0x8000_0001,
    0xffff_fffb,
    0xffff_ffff,
];

fn dividends() -> Vec<u32> {
    let mut v = vec![
        0,
        1,
        2,
        3,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_fffe,
        0xffff_ffff,
    ];
    for d in DIVISORS {
        v.extend([d.wrapping_sub(1), *d, d.wrapping_add(1), d.wrapping_mul(3)]);
    }
    let mut x: u32 = 0x9e37_79b9;
    for _ in 0..2000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.push(x);
    }
    v
}

/// 64-bit divisors: small, around powers of two, and past the range the
/// multiplication covers (`2^63` and above take the general path).
const DIVISORS_64: &[u64] = &[
    2,
    3,
    5,
    7,
    10,
    16,
    100,
    1_000_000_007,
    1 << 32,
    (1 << 32) + 1,
    0x7fff_ffff_ffff_ffff,
    0x4000_0000_0000_0001,
    0x5555_5555_5555_5555,
    1 << 62,
    1 << 63,
    0x8000_0000_0000_0001,
    u64::MAX,
];

const SIGNED_64: &[i64] = &[
    2,
    3,
    7,
    10,
    1 << 40,
    1_000_000_007,
    i64::MAX,
    0x4000_0000_0000_0001,
    -1,
    -3,
    -16,
    i64::MIN,
    1,
];

fn dividends_64() -> Vec<u64> {
    let mut v = vec![0, 1, 2, 3, i64::MAX as u64, 1 << 63, u64::MAX - 1, u64::MAX];
    for d in DIVISORS_64 {
        v.extend([d.wrapping_sub(1), *d, d.wrapping_add(1), d.wrapping_mul(3)]);
    }
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..2000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.push(x);
    }
    v
}

/// A test that compiles `div_u`/`rem_u` by every unsigned divisor and
/// `div_s`/`rem_s` by every signed one into one module, and checks every
/// dividend against Rust on both engines.
macro_rules! division_test {
    ($name:ident, $wasm:literal, $u:ty, $s:ty, $val:ident, $divisors:expr, $signed:expr, $dividends:expr) => {
        #[test]
        fn $name() {
            let mut text = String::from("(module\n");
            for d in $divisors {
                text.push_str(&format!(
                    "(func (export \"div_{d}\") (param {w}) (result {w}) ({w}.div_u (local.get 0) ({w}.const {d})))\n\
                     (func (export \"rem_{d}\") (param {w}) (result {w}) ({w}.rem_u (local.get 0) ({w}.const {d})))\n",
                    w = $wasm
                ));
            }
            for (k, d) in $signed.iter().enumerate() {
                text.push_str(&format!(
                    "(func (export \"sdiv_{k}\") (param {w}) (result {w}) ({w}.div_s (local.get 0) ({w}.const {d})))\n\
                     (func (export \"srem_{k}\") (param {w}) (result {w}) ({w}.rem_s (local.get 0) ({w}.const {d})))\n",
                    w = $wasm
                ));
            }
            text.push(')');
            let ns: Vec<$u> = $dividends;
            for engine in [Engine::Interp, Engine::Native] {
                let opts = CompileOptions {
                    engine,
                    ..CompileOptions::default()
                };
                let module = Module::from_bytes(&compile(text.as_bytes(), &opts).unwrap()).unwrap();
                let mut store = Store::new();
                let instance = Linker::new().instantiate(&mut store, &module).unwrap();
                for d in $divisors {
                    let div = store.get_func(instance, &format!("div_{d}")).unwrap();
                    let rem = store.get_func(instance, &format!("rem_{d}")).unwrap();
                    for &n in &ns {
                        let q = store.call(div, &[Val::$val(n as $s)]).unwrap();
                        let r = store.call(rem, &[Val::$val(n as $s)]).unwrap();
                        assert_eq!(q, vec![Val::$val((n / d) as $s)], "{engine:?}: {n} / {d}");
                        assert_eq!(r, vec![Val::$val((n % d) as $s)], "{engine:?}: {n} % {d}");
                    }
                }
                for (k, &d) in $signed.iter().enumerate() {
                    let div = store.get_func(instance, &format!("sdiv_{k}")).unwrap();
                    let rem = store.get_func(instance, &format!("srem_{k}")).unwrap();
                    for &n in &ns {
                        let n = n as $s;
                        let q = store.call(div, &[Val::$val(n)]);
                        if n == <$s>::MIN && d == -1 {
                            assert!(q.is_err(), "{engine:?}: MIN / -1 must trap");
                        } else {
                            let q = q.unwrap();
                            assert_eq!(q, vec![Val::$val(n.wrapping_div(d))], "{engine:?}: {n} / {d}");
                        }
                        let r = store.call(rem, &[Val::$val(n)]).unwrap();
                        assert_eq!(r, vec![Val::$val(n.wrapping_rem(d))], "{engine:?}: {n} % {d}");
                    }
                }
            }
        }
    };
}

division_test!(
    constant_divisors_match_rust_on_both_engines,
    "i32",
    u32,
    i32,
    I32,
    DIVISORS,
    SIGNED,
    dividends()
);
division_test!(
    constant_divisors_match_rust_on_both_engines_64,
    "i64",
    u64,
    i64,
    I64,
    DIVISORS_64,
    SIGNED_64,
    dividends_64()
);
