//! The calls made on each `examples/wat` module: every export whose
//! parameters are all numeric, with a spread of edge values (a full product
//! for one or two parameters, a fixed-seed sample beyond that). Exports whose
//! running time grows with an argument get small arguments only.

use super::gen::{Rng, Ty, Value, F32S, F64S, I32S, I64S};

/// Exports that loop or recurse as many times as an argument says (file,
/// export): called with [`SMALL`] integers only.
const BOUNDED: &[(&str, &str)] = &[
    ("factorial.wat", "fac_rec"),
    ("factorial.wat", "fac_iter"),
    ("fibonacci.wat", "fib_rec"),
    ("fibonacci.wat", "fib"),
    ("globals.wat", "count_to"),
    ("loops.wat", "sum"),
    ("loops.wat", "collatz"),
    ("loops.wat", "count_while"),
    ("loops.wat", "count_while_no_else"),
    ("tail_calls.wat", "is_even"),
    ("tail_calls.wat", "sum"),
    ("tail_calls.wat", "run_machine"),
];

/// Integer arguments for [`BOUNDED`] exports.
const SMALL: &[i64] = &[0, 1, 2, 3, 7, 10, 20, 27];

/// At most this many calls per export with three or more parameters.
const MAX_COMBOS: usize = 64;
/// Up to this many calls, an export of one or two parameters gets every combination.
const MAX_PRODUCT: usize = 1024;

/// The argument lists to call export `name` of `file` with.
pub fn arguments(file: &str, name: &str, params: &[Ty]) -> Vec<Vec<Value>> {
    let bounded = BOUNDED.contains(&(file, name));
    let pools: Vec<Vec<Value>> = params.iter().map(|t| pool(*t, bounded)).collect();
    let total: usize = pools.iter().map(Vec::len).product();
    if total <= MAX_PRODUCT && pools.len() <= 2 {
        return product(&pools);
    }
    // Every value at least once in each position, then a sample.
    let mut rng = Rng::new(name.len() as u64 * 7919 + file.len() as u64);
    let longest = pools.iter().map(Vec::len).max().unwrap_or(0);
    let mut out: Vec<Vec<Value>> = (0..longest)
        .map(|k| pools.iter().map(|p| p[k % p.len()]).collect())
        .collect();
    while out.len() < MAX_COMBOS {
        out.push(pools.iter().map(|p| *rng.pick(p)).collect());
    }
    out
}

fn pool(ty: Ty, bounded: bool) -> Vec<Value> {
    match (ty, bounded) {
        (Ty::I32, true) => SMALL.iter().map(|&x| Value::I32(x as i32)).collect(),
        (Ty::I64, true) => SMALL.iter().map(|&x| Value::I64(x)).collect(),
        (Ty::I32, false) => I32S.iter().map(|&x| Value::I32(x)).collect(),
        (Ty::I64, false) => I64S.iter().map(|&x| Value::I64(x)).collect(),
        (Ty::F32, _) => F32S.iter().map(|&x| Value::F32(x)).collect(),
        (Ty::F64, _) => F64S.iter().map(|&x| Value::F64(x)).collect(),
    }
}

fn product(pools: &[Vec<Value>]) -> Vec<Vec<Value>> {
    let mut out = vec![Vec::new()];
    for p in pools {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                p.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push(*v);
                    next
                })
            })
            .collect();
    }
    out
}

/// Every name in [`BOUNDED`] must be an export of its file, so the table
/// cannot silently go stale.
pub fn check_table(exports: &[(String, String)]) -> Vec<String> {
    BOUNDED
        .iter()
        .filter(|(f, n)| !exports.iter().any(|(ef, en)| ef == f && en == n))
        .map(|(f, n)| format!("BOUNDED names {f} {n}, which is not an export of an example"))
        .collect()
}
