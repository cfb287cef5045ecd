//! A deterministic generator of WAT modules over the numeric and vector ops:
//! every function takes `(i32 i64 f32 f64)` (some also a `v128`), chains
//! random integer and float ops, loads and stores into a one-page memory
//! (masked addresses, and some that run out of bounds), divides (sometimes
//! by zero), converts, branches, loops a bounded number of times and calls
//! lower-numbered functions directly, through the table and through a host
//! import, so every call terminates.
//!
//! About half the functions also compute with 128-bit vectors ([`VECTOR`]):
//! v128 locals, parameters, results and a global, `v128.const` with edge
//! lanes, every load and store form, and every SIMD and relaxed-SIMD lane
//! op, their results flowing back into scalar code through lane extraction,
//! `any_true`/`all_true`/`bitmask`, memory, the global and v128 results. The
//! others are scalar only, so the native backend compiles them whatever
//! vector ops it covers, and calls cross between the two.
//!
//! Where wasm lets engines differ (the sign and payload of a NaN produced by
//! scalar float arithmetic), the value is made canonical before its bits can
//! be seen: before it is stored to a local, a global or memory,
//! reinterpreted, passed to a call, put into a vector or returned. So every
//! output is deterministic and the engines must agree bit for bit. NaN
//! inputs (parameters, constants, loads) stay as they are, so moves, `abs`,
//! `neg` and `copysign` must keep their exact bits. Vector float results are
//! not made canonical: both engines are meant to give the same bits there
//! (the interpreter's lane semantics are those of the SSE instructions the
//! backend compiles them to), so NaN lanes are compared bit for bit too.

#[path = "gen_vector.rs"]
mod vector;

use vector::*;

use std::fmt::Write;

/// xorshift64*: small, fast and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    I32,
    I64,
    F32,
    F64,
}

impl Ty {
    pub fn name(self) -> &'static str {
        match self {
            Ty::I32 => "i32",
            Ty::I64 => "i64",
            Ty::F32 => "f32",
            Ty::F64 => "f64",
        }
    }

    fn is_float(self) -> bool {
        matches!(self, Ty::F32 | Ty::F64)
    }
}

/// Every generated function's parameters, in order.
pub const PARAMS: [Ty; 4] = [Ty::I32, Ty::I64, Ty::F32, Ty::F64];

/// Values where integer ops have edges: zero, signs, widths, shift counts.
pub const I32S: &[i32] = &[
    0,
    1,
    -1,
    2,
    3,
    7,
    31,
    32,
    33,
    255,
    256,
    0x7fff,
    -0x8000,
    65535,
    65536,
    i32::MIN,
    i32::MIN + 1,
    i32::MAX,
    0x5555_5555,
    (1 << 24) + 1,
    0x8000_0081u32 as i32,
];

pub const I64S: &[i64] = &[
    0,
    1,
    -1,
    2,
    63,
    64,
    65,
    i32::MIN as i64,
    i32::MAX as i64,
    u32::MAX as i64,
    1 << 32,
    1 << 53,
    (1 << 53) + 1,
    i64::MIN,
    i64::MIN + 1,
    i64::MAX,
    0x5555_5555_5555_5555,
    // Just above a rounding tie when converted to f32 / f64 as unsigned.
    0x8000_0080_0000_0001u64 as i64,
    0x8000_0000_0000_0401u64 as i64,
    (1 << 24) + 1,
];

/// f32 bit patterns: zeros, halves (rounding ties), infinities, quiet and
/// signalling NaNs with payloads and both signs, subnormals, and the edges
/// of every float-to-integer conversion.
pub const F32S: &[u32] = &[
    0x0000_0000, // 0
    0x8000_0000, // -0
    0x3f80_0000, // 1
    0xbf80_0000, // -1
    0x3f00_0000, // 0.5
    0x3fc0_0000, // 1.5
    0x4020_0000, // 2.5
    0xc020_0000, // -2.5
    0x7f80_0000, // inf
    0xff80_0000, // -inf
    0x7fc0_0000, // nan
    0xffc0_0000, // -nan
    0x7fa0_0001, // signalling nan
    0x7fc1_2345, // nan with payload
    0x0000_0001, // smallest subnormal
    0x0080_0000, // smallest normal
    0x7f7f_ffff, // max
    0x4f00_0000, // 2^31
    0xcf00_0000, // -2^31
    0x4eff_ffff, // largest below 2^31
    0x4f80_0000, // 2^32
    0x5f00_0000, // 2^63
    0xdf00_0000, // -2^63
    0x5f80_0000, // 2^64
];

pub const F64S: &[u64] = &[
    0x0000_0000_0000_0000, // 0
    0x8000_0000_0000_0000, // -0
    0x3ff0_0000_0000_0000, // 1
    0xbff0_0000_0000_0000, // -1
    0x3fe0_0000_0000_0000, // 0.5
    0x3ff8_0000_0000_0000, // 1.5
    0x4004_0000_0000_0000, // 2.5
    0xc004_0000_0000_0000, // -2.5
    0x7ff0_0000_0000_0000, // inf
    0xfff0_0000_0000_0000, // -inf
    0x7ff8_0000_0000_0000, // nan
    0xfff8_0000_0000_0000, // -nan
    0x7ff4_0000_0000_0001, // signalling nan
    0x7ff8_0000_0012_3456, // nan with payload
    0x0000_0000_0000_0001, // smallest subnormal
    0x0010_0000_0000_0000, // smallest normal
    0x7fef_ffff_ffff_ffff, // max
    0x41e0_0000_0000_0000, // 2^31
    0xc1e0_0000_0020_0000, // -2^31 - 1
    0x41df_ffff_ffc0_0000, // 2^31 - 1
    0x41f0_0000_0000_0000, // 2^32
    0x43e0_0000_0000_0000, // 2^63
    0xc3e0_0000_0000_0000, // -2^63
    0x43f0_0000_0000_0000, // 2^64
    0x4340_0000_0000_0001, // 2^54 + 2 (odd mantissa)
];

/// A wasm value as generated: bits, with the type.
#[derive(Clone, Copy, Debug)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
}

impl Rng {
    /// An interesting value of `ty`, or now and then a random one.
    pub fn value(&mut self, ty: Ty) -> Value {
        let random = self.chance(20);
        match ty {
            Ty::I32 if random => Value::I32(self.next() as i32),
            Ty::I32 => Value::I32(*self.pick(I32S)),
            Ty::I64 if random => Value::I64(self.next() as i64),
            Ty::I64 => Value::I64(*self.pick(I64S)),
            Ty::F32 if random => Value::F32(self.next() as u32),
            Ty::F32 => Value::F32(*self.pick(F32S)),
            Ty::F64 if random => Value::F64(self.next()),
            Ty::F64 => Value::F64(*self.pick(F64S)),
        }
    }
}

/// A float literal in WAT syntax that denotes exactly `bits`.
fn f32_lit(bits: u32) -> String {
    let v = f32::from_bits(bits);
    let sign = if bits >> 31 == 1 { "-" } else { "" };
    if v.is_nan() {
        format!("{sign}nan:0x{:x}", bits & 0x7f_ffff)
    } else if v.is_infinite() {
        format!("{sign}inf")
    } else {
        format!("{v:?}")
    }
}

fn f64_lit(bits: u64) -> String {
    let v = f64::from_bits(bits);
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    if v.is_nan() {
        format!("{sign}nan:0x{:x}", bits & 0xf_ffff_ffff_ffff)
    } else if v.is_infinite() {
        format!("{sign}inf")
    } else {
        format!("{v:?}")
    }
}

/// The constant instruction for a value.
pub fn const_text(v: Value) -> String {
    match v {
        Value::I32(x) => format!("(i32.const {x})"),
        Value::I64(x) => format!("(i64.const {x})"),
        Value::F32(x) => format!("(f32.const {})", f32_lit(x)),
        Value::F64(x) => format!("(f64.const {})", f64_lit(x)),
    }
}

/// A value type of a signature: a number or a vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vt {
    N(Ty),
    V128,
}

impl Vt {
    fn name(self) -> &'static str {
        match self {
            Vt::N(t) => t.name(),
            Vt::V128 => "v128",
        }
    }
}

const I32: Vt = Vt::N(Ty::I32);
const I64: Vt = Vt::N(Ty::I64);
const F32: Vt = Vt::N(Ty::F32);
const F64: Vt = Vt::N(Ty::F64);
const V128: Vt = Vt::V128;

/// Result lists a function may have; function types are indexed by them.
/// The first [`SCALAR_RESULTS`] have no v128.
const RESULTS: &[&[Vt]] = &[
    &[],
    &[I32],
    &[I64],
    &[F32],
    &[F64],
    &[I32, I64, F32, F64],
    &[F64, I32],
    &[V128],
    &[V128, I32],
    &[F32, V128, V128],
];
const SCALAR_RESULTS: usize = 7;

/// Percent of the functions that compute with vectors.
pub const VECTOR: usize = 50;
/// Percent of those that use only a few vector ops ([`FuncGen::palette`]).
const FOCUSED: usize = 50;

/// A function type: `(i32 i64 f32 f64)`, with a trailing `v128` parameter
/// when `v128`, and the results `RESULTS[results]`. Type `$t{index}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sig {
    v128: bool,
    results: usize,
}

impl Sig {
    const COUNT: usize = 2 * RESULTS.len();

    fn of(index: usize) -> Sig {
        Sig {
            v128: index >= RESULTS.len(),
            results: index % RESULTS.len(),
        }
    }

    fn index(self) -> usize {
        self.results + if self.v128 { RESULTS.len() } else { 0 }
    }

    fn results(self) -> &'static [Vt] {
        RESULTS[self.results]
    }

    /// Whether code with no vectors can call it and use its results.
    fn scalar(self) -> bool {
        !self.v128 && self.results < SCALAR_RESULTS
    }

    /// The parameters: named (`(param $p0 i32) ... (param $pv v128)`) for
    /// a function, else as in a type.
    fn params_decl(self, named: bool) -> String {
        let v = if self.v128 { Some("v128") } else { None };
        let names = PARAMS.iter().map(|t| t.name()).chain(v);
        if named {
            let ps: Vec<String> = names
                .enumerate()
                .map(|(k, t)| match t {
                    "v128" => "(param $pv v128)".to_string(),
                    _ => format!("(param $p{k} {t})"),
                })
                .collect();
            ps.join(" ")
        } else {
            format!("(param {})", names.collect::<Vec<_>>().join(" "))
        }
    }
}

/// A generated function as the harness calls it.
pub struct Export {
    pub name: String,
    /// Whether it takes a v128 after `(i32 i64 f32 f64)`.
    pub v128_param: bool,
}

/// A generated module and what the harness needs to call it.
pub struct Generated {
    pub wat: String,
    /// Exported functions, one per defined function, in order.
    pub exports: Vec<Export>,
    /// Whether some function tail-calls another (which can keep a native
    /// function as IR when its callee is forced to IR).
    pub tail_calls: bool,
}

/// An expression's text and whether it may be a NaN whose bits the spec
/// leaves open.
struct E {
    text: String,
    loose: bool,
}

fn e(text: String) -> E {
    E { text, loose: false }
}

/// Locals every function has beyond its parameters.
const LOCALS: [Ty; 8] = [
    Ty::I32,
    Ty::I64,
    Ty::F32,
    Ty::F64,
    Ty::I32,
    Ty::I64,
    Ty::F32,
    Ty::F64,
];

/// The v128 locals of a vector function (beyond `$pv` and the scratch `$tv`).
const VLOCALS: usize = 3;

/// Loop counters (one per loop nesting level), never written by random statements.
const MAX_LOOP_DEPTH: usize = 2;

/// Generates module number `seed`.
pub fn module(seed: u64) -> Generated {
    let mut rng = Rng::new(seed);
    let n = 3 + rng.below(6);
    let vector: Vec<bool> = (0..n).map(|_| rng.chance(VECTOR)).collect();
    let sigs: Vec<Sig> = vector
        .iter()
        .map(|&v| {
            if v {
                Sig {
                    v128: rng.chance(40),
                    results: rng.below(RESULTS.len()),
                }
            } else {
                Sig {
                    v128: false,
                    results: rng.below(SCALAR_RESULTS),
                }
            }
        })
        .collect();
    let mut m = String::from("(module\n");
    for k in 0..Sig::COUNT {
        let sig = Sig::of(k);
        let _ = writeln!(
            m,
            "  (type $t{k} (func {}{}))",
            sig.params_decl(false),
            result_decl(sig.results())
        );
    }
    m.push_str("  (import \"env\" \"mix\" (func $mix (param i64) (result i64)))\n");
    // One module in four has a 64-bit memory (memory64): i64 addresses,
    // offsets beyond 4 GiB, and address arithmetic that can overflow.
    let mem64 = rng.chance(25);
    let at = if mem64 { "i64" } else { "i32" };
    let _ = writeln!(m, "  (memory (export \"mem\") {at} 1 2)");
    let mut data = String::new();
    for _ in 0..64 {
        let word = match rng.below(4) {
            0 => *rng.pick(F32S),
            1 => *rng.pick(F64S) as u32,
            2 => (*rng.pick(F64S) >> 32) as u32,
            _ => rng.next() as u32,
        };
        for b in word.to_le_bytes() {
            let _ = write!(data, "\\{b:02x}");
        }
    }
    let _ = writeln!(m, "  (data ({at}.const 0) \"{data}\")");
    let _ = writeln!(m, "  (data ({at}.const 65280) \"{data}\")");
    let _ = writeln!(m, "  (data $passive \"{}\")", &data[..96]);
    for (k, ty) in PARAMS.iter().enumerate() {
        let _ = writeln!(
            m,
            "  (global $g{k} (export \"g{k}\") (mut {}) {})",
            ty.name(),
            const_text(rng.value(*ty))
        );
    }
    let shape = *rng.pick(&SHAPES);
    let init = v128_text(rng.lanes(shape), shape);
    let _ = writeln!(m, "  (global $gv (export \"gv\") (mut v128) {init})");
    let names: Vec<String> = (0..n).map(|i| format!("$f{i}")).collect();
    let _ = writeln!(m, "  (table $tab {} funcref)", n + 2);
    let _ = writeln!(m, "  (elem (i32.const 0) func {})", names.join(" "));
    let mut tail_calls = false;
    for (i, &vector) in vector.iter().enumerate() {
        // About one function in three is a small leaf (no calls, a statement
        // or two, shallow results), which the native backend copies into its
        // callers: the copies must behave as the calls.
        let small = rng.chance(35);
        let palette = (vector && rng.chance(FOCUSED)).then(|| {
            let ops: Vec<&'static str> = all_vector_ops().collect();
            (0..1 + rng.below(4)).map(|_| *rng.pick(&ops)).collect()
        });
        let mut g = FuncGen {
            rng: &mut rng,
            index: i,
            sigs: &sigs,
            vector,
            locals: Vec::new(),
            vlocals: Vec::new(),
            palette,
            calls_left: if small { 0 } else { 2 },
            small,
            loop_depth: 0,
            labels: 0,
            mem64,
            out: String::new(),
        };
        let (text, tail) = g.function();
        tail_calls |= tail;
        m.push_str(&text);
    }
    m.push_str(")\n");
    Generated {
        wat: m,
        exports: (0..n)
            .map(|i| Export {
                name: format!("f{i}"),
                v128_param: sigs[i].v128,
            })
            .collect(),
        tail_calls,
    }
}

fn result_decl(r: &[Vt]) -> String {
    if r.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = r.iter().map(|t| t.name()).collect();
    format!(" (result {})", names.join(" "))
}

struct FuncGen<'a> {
    rng: &'a mut Rng,
    /// This function's index among the defined functions; it calls only lower ones.
    index: usize,
    /// Every function's type.
    sigs: &'a [Sig],
    /// Whether this function computes with vectors (else it has no vector
    /// op, and calls only functions of scalar types).
    vector: bool,
    /// Names and types of the parameters and locals random code may read.
    locals: Vec<(String, Ty)>,
    /// The v128 parameter and locals random code may read and write.
    vlocals: Vec<String>,
    /// The only vector ops (names of wasm ops, of [`all_vector_ops`]) a
    /// focused vector function uses, beyond moves, constants, `select` and
    /// the global: a few, so that the function gets native code as soon as
    /// the backend covers those.
    palette: Option<Vec<&'static str>>,
    /// Call sites left (calls sit outside loops, at most two per function,
    /// so the work of a call stays small).
    calls_left: usize,
    /// A small leaf function: no calls, few statements, shallow results.
    small: bool,
    loop_depth: usize,
    labels: usize,
    /// Whether memory 0 is a 64-bit memory (addresses and sizes are i64).
    mem64: bool,
    out: String,
}

impl FuncGen<'_> {
    fn function(&mut self) -> (String, bool) {
        let i = self.index;
        let sig = self.sigs[i];
        for (k, t) in PARAMS.iter().enumerate() {
            self.locals.push((format!("$p{k}"), *t));
        }
        for (k, t) in LOCALS.iter().enumerate() {
            self.locals.push((format!("$l{k}"), *t));
        }
        let mut head = format!(
            "  (func $f{i} (export \"f{i}\") (type $t{}) {}{}\n",
            sig.index(),
            sig.params_decl(true),
            result_decl(sig.results())
        );
        for (k, t) in LOCALS.iter().enumerate() {
            let _ = writeln!(head, "    (local $l{k} {})", t.name());
        }
        head.push_str("    (local $tf32 f32) (local $tf64 f64)");
        for k in 0..MAX_LOOP_DEPTH {
            let _ = write!(head, " (local $c{k} i32)");
        }
        if self.vector {
            if sig.v128 {
                self.vlocals.push("$pv".to_string());
            }
            for k in 0..VLOCALS {
                let _ = write!(head, " (local $v{k} v128)");
                self.vlocals.push(format!("$v{k}"));
            }
            head.push_str(" (local $tv v128)");
        } else if self.rng.chance(15) {
            // An unused v128 local: a wider frame, and still no vector op.
            head.push_str(" (local $v0 v128)");
        }
        head.push('\n');
        let (n, depth) = if self.small {
            (self.rng.below(2), 1)
        } else {
            (4 + self.rng.below(10), 3)
        };
        let body = self.stmts(depth, n);
        self.out.push_str(&body);
        // The results: a tail call to a lower function with the same
        // results, or one expression per result.
        let same: Vec<usize> = (0..i)
            .filter(|&j| self.sigs[j].results == sig.results && self.can_tail_call(j))
            .collect();
        let mut tail = false;
        if !same.is_empty() && !self.small && self.rng.chance(15) {
            let j = *self.rng.pick(&same);
            let args = self.args(self.sigs[j], 1);
            let _ = writeln!(self.out, "    (return_call $f{j} {args})");
            tail = true;
        } else {
            for t in sig.results() {
                let v = self.value(*t, depth);
                let _ = writeln!(self.out, "    {v}");
            }
        }
        (format!("{head}{}  )\n", self.out), tail)
    }

    /// Whether this function can tail-call function `j` (make its
    /// arguments and return its results).
    fn can_tail_call(&self, j: usize) -> bool {
        self.vector || self.sigs[j].scalar()
    }

    /// Whether this function can call function `j` (make its arguments and
    /// keep its results).
    fn can_call(&self, j: usize) -> bool {
        self.can_tail_call(j)
    }

    /// An expression of `t` whose bits are deterministic.
    fn value(&mut self, t: Vt, depth: usize) -> String {
        match t {
            Vt::N(ty) => {
                let v = self.expr(ty, depth);
                self.canon(ty, v)
            }
            Vt::V128 => self.vexpr(None, depth),
        }
    }

    fn label(&mut self, kind: &str) -> String {
        self.labels += 1;
        format!("${kind}{}", self.labels)
    }

    fn stmts(&mut self, depth: usize, n: usize) -> String {
        let mut s = String::new();
        for _ in 0..n {
            let st = self.stmt(depth);
            let _ = writeln!(s, "    {st}");
        }
        s
    }

    /// A local of type `ty` random statements may write (not a loop counter).
    fn local_of(&mut self, ty: Ty) -> String {
        let cands: Vec<&String> = self
            .locals
            .iter()
            .filter(|(_, t)| *t == ty)
            .map(|(n, _)| n)
            .collect();
        self.rng.pick(&cands).to_string()
    }

    fn any_ty(&mut self) -> Ty {
        *self.rng.pick(&PARAMS)
    }

    fn stmt(&mut self, depth: usize) -> String {
        let nested = depth > 0;
        if self.vector && self.rng.chance(35) {
            return self.vstmt();
        }
        if !self.mem64 && self.rng.chance(4) {
            return self.pair_stmt();
        }
        loop {
            match self.rng.below(100) {
                0..=29 => {
                    let ty = self.any_ty();
                    let v = self.expr(ty, 4);
                    let v = self.canon(ty, v);
                    let l = self.local_of(ty);
                    return format!("(local.set {l} {v})");
                }
                30..=44 => return self.store(),
                45..=49 => {
                    let k = self.rng.below(4);
                    let v = self.expr(PARAMS[k], 3);
                    let v = self.canon(PARAMS[k], v);
                    return format!("(global.set $g{k} {v})");
                }
                50..=59 if nested => {
                    let c = self.cond();
                    let n1 = 1 + self.rng.below(3);
                    let t = self.stmts(depth - 1, n1);
                    if self.rng.chance(50) {
                        return format!("(if {c} (then\n{t}    ))");
                    }
                    let n2 = 1 + self.rng.below(3);
                    let f = self.stmts(depth - 1, n2);
                    return format!("(if {c} (then\n{t}    ) (else\n{f}    ))");
                }
                60..=67 if nested && self.loop_depth < MAX_LOOP_DEPTH => {
                    return self.looped(depth);
                }
                68..=71 if nested => {
                    let b = self.label("b");
                    let n1 = 1 + self.rng.below(2);
                    let s1 = self.stmts(depth - 1, n1);
                    let c = self.cond();
                    let n2 = 1 + self.rng.below(3);
                    let s2 = self.stmts(depth - 1, n2);
                    return format!("(block {b}\n{s1}    (br_if {b} {c})\n{s2}    )");
                }
                72..=74 if nested => {
                    let (x0, x1, x2) = (self.label("x"), self.label("x"), self.label("x"));
                    let sel = self.expr(Ty::I32, 2).text;
                    let sel = if self.rng.chance(70) {
                        format!("(i32.and {sel} (i32.const 3))")
                    } else {
                        sel
                    };
                    let (n1, n2) = (1 + self.rng.below(2), 1 + self.rng.below(2));
                    let s1 = self.stmts(depth - 1, n1);
                    let s2 = self.stmts(depth - 1, n2);
                    return format!(
                        "(block {x0} (block {x1} (block {x2} (br_table {x2} {x1} {x0} {x2} {sel}))\n{s1}    )\n{s2}    )"
                    );
                }
                75..=79 => {
                    let ty = self.any_ty();
                    let v = self.expr(ty, 4).text;
                    return format!("(drop {v})");
                }
                80..=83 if self.calls_left > 0 && self.loop_depth == 0 && self.index > 0 => {
                    return self.call_stmt();
                }
                84..=86 => return self.memory_op(),
                87..=88 if nested => {
                    let c = self.cond();
                    let mut vals = String::new();
                    for t in self.sigs[self.index].results() {
                        let v = self.value(*t, 2);
                        let _ = write!(vals, " {v}");
                    }
                    return format!("(if {c} (then (return{vals})))");
                }
                89 if nested && self.rng.chance(40) => {
                    let c = self.cond();
                    return format!("(if {c} (then unreachable))");
                }
                90..=99 => {
                    // A local.tee inside an expression, the value dropped.
                    let ty = self.any_ty();
                    let v = self.expr(ty, 3);
                    let v = self.canon(ty, v);
                    let l = self.local_of(ty);
                    let op = self.rng.pick(&["eqz", "clz", "popcnt"]).to_string();
                    return match ty {
                        Ty::I32 | Ty::I64 => {
                            format!("(drop ({}.{op} (local.tee {l} {v})))", ty.name())
                        }
                        _ => format!("(drop ({}.neg (local.tee {l} {v})))", ty.name()),
                    };
                }
                _ => {}
            }
        }
    }

    /// A bounded loop in one of the three shapes compilers emit.
    fn looped(&mut self, depth: usize) -> String {
        let c = format!("$c{}", self.loop_depth);
        let n = 1 + self.rng.below(6);
        let l = self.label("loop");
        self.loop_depth += 1;
        let len = 1 + self.rng.below(3);
        let body = self.stmts(depth - 1, len);
        let inc = format!("(local.set {c} (i32.add (local.get {c}) (i32.const 1)))");
        let text = match self.rng.below(3) {
            0 => format!(
                "(local.set {c} (i32.const 0)) (loop {l}\n{body}    {inc} (br_if {l} (i32.lt_u (local.get {c}) (i32.const {n}))))"
            ),
            1 => {
                let b = self.label("b");
                let exit = self.cond();
                format!(
                    "(local.set {c} (i32.const 0)) (block {b} (loop {l} (br_if {b} (i32.ge_s (local.get {c}) (i32.const {n})))\n{body}    (br_if {b} {exit}) {inc} (br {l})))"
                )
            }
            _ => format!(
                "(local.set {c} (i32.const 0)) (loop {l} (if (i32.lt_u (local.get {c}) (i32.const {n})) (then\n{body}    {inc} (br {l}))))"
            ),
        };
        self.loop_depth -= 1;
        text
    }

    /// Arguments for a call of type `sig`, each canonical.
    fn args(&mut self, sig: Sig, depth: usize) -> String {
        let mut out = Vec::new();
        for t in PARAMS {
            let v = self.expr(t, depth);
            out.push(self.canon(t, v));
        }
        if sig.v128 {
            out.push(self.vexpr(None, depth));
        }
        out.join(" ")
    }

    /// A call whose results go to locals (or are dropped).
    fn call_stmt(&mut self) -> String {
        let cands: Vec<usize> = (0..self.index).filter(|&j| self.can_call(j)).collect();
        if cands.is_empty() {
            return self.store();
        }
        self.calls_left -= 1;
        let j = *self.rng.pick(&cands);
        let (call, sig) = if self.rng.chance(60) {
            let args = self.args(self.sigs[j], 2);
            (format!("(call $f{j} {args})"), self.sigs[j])
        } else {
            // Now and then a type the callee does not have: a signature trap.
            let sig = loop {
                let sig = if self.rng.chance(85) {
                    self.sigs[j]
                } else {
                    Sig::of(self.rng.below(Sig::COUNT))
                };
                // A signature this function can call (see `can_call`).
                if !sig.v128 && (self.vector || sig.scalar()) {
                    break sig;
                }
            };
            let args = self.args(sig, 2);
            let idx = self.indirect_index(j);
            let ty = sig.index();
            (format!("(call_indirect (type $t{ty}) {args} {idx})"), sig)
        };
        let mut s = call;
        for t in sig.results().iter().rev() {
            if self.rng.chance(20) {
                s.push_str(" (drop)");
            } else {
                let l = match t {
                    Vt::N(t) => self.local_of(*t),
                    Vt::V128 => self.rng.pick(&self.vlocals).clone(),
                };
                let _ = write!(s, " (local.set {l})");
            }
        }
        s
    }

    /// The table index of a `call_indirect` meant for function `j`: usually
    /// `j`, sometimes a computed index below this function (whose type may
    /// differ), a null entry or an index past the table.
    fn indirect_index(&mut self, j: usize) -> String {
        let n = self.sigs.len();
        match self.rng.below(10) {
            0 => format!("(i32.const {})", n + self.rng.below(2)),
            1 => format!("(i32.const {})", n + 2 + self.rng.below(1000)),
            2 | 3 => {
                let x = self.expr(Ty::I32, 1).text;
                format!("(i32.rem_u {x} (i32.const {}))", self.index)
            }
            _ => format!("(i32.const {j})"),
        }
    }

    /// The type of addresses, lengths and page counts.
    fn at(&self) -> Ty {
        if self.mem64 {
            Ty::I64
        } else {
            Ty::I32
        }
    }

    /// `memory.size` as an i32.
    fn memory_size(&self) -> String {
        if self.mem64 {
            "(i32.wrap_i64 (memory.size))".to_string()
        } else {
            "(memory.size)".to_string()
        }
    }

    /// Bulk memory and growth: run by the interpreter's code through a libcall.
    fn memory_op(&mut self) -> String {
        let len = self.len();
        match self.rng.below(6) {
            0 | 1 => {
                let (d, v) = (self.addr(), self.expr(Ty::I32, 1).text);
                format!("(memory.fill {d} {v} {len})")
            }
            2 | 3 => {
                let (d, s) = (self.addr(), self.addr());
                format!("(memory.copy {d} {s} {len})")
            }
            4 => {
                // The segment is 32 bytes; now and then this reads past it.
                let d = self.addr();
                let n = self.rng.below(27);
                format!(
                    "(memory.init $passive {d} (i32.const {}) (i32.const {n}))",
                    self.rng.below(7)
                )
            }
            _ => match self.rng.below(10) {
                0 => format!("(drop (memory.grow ({}.const 1)))", self.at().name()),
                1 => "(data.drop $passive)".to_string(),
                _ => format!("(drop {})", self.memory_size()),
            },
        }
    }

    fn len(&mut self) -> String {
        let t = self.at();
        let x = self.expr(t, 1).text;
        if self.rng.chance(85) {
            format!("({}.and {x} ({}.const 255))", t.name(), t.name())
        } else {
            x
        }
    }

    /// An address: mostly masked into the first page, sometimes one that may
    /// run past the end of memory.
    fn addr(&mut self) -> String {
        let t = self.at();
        let n = t.name();
        match self.rng.below(1000) {
            0..=984 => {
                let x = self.expr(t, 2).text;
                format!("({n}.and {x} ({n}.const 0xfff0))")
            }
            985..=989 => {
                // In bounds after `memory.grow`, or at the last bytes of the first page.
                let x = self.expr(t, 2).text;
                let mask = if self.rng.chance(50) {
                    "0x1ffff"
                } else {
                    "0xffff"
                };
                format!("({n}.and {x} ({n}.const {mask}))")
            }
            990..=994 => format!("({n}.const {})", 65536 - 1 - self.rng.below(9)),
            995 | 996 if self.mem64 => {
                // Wraps past 2^64 with most offsets.
                format!("(i64.const {})", -1 - self.rng.below(16) as i64)
            }
            _ => self.expr(t, 1).text,
        }
    }

    /// A memarg: usually no offset, sometimes a small one or one that takes
    /// the access out of bounds.
    fn memarg(&mut self) -> String {
        match self.rng.below(1000) {
            0..=699 => String::new(),
            700..=995 => format!(" offset={}", self.rng.below(9)),
            996 => " offset=65536".to_string(),
            997 => " offset=4294967295".to_string(),
            998 if self.mem64 => " offset=0x100000000".to_string(),
            999 if self.mem64 => " offset=0xfffffffffffffff8".to_string(),
            _ => " offset=65535".to_string(),
        }
    }

    /// A statement whose IR has one of the interpreter's superinstructions
    /// (an op whose result the next op reads, `Op::pair`): `{a}`..`{c}` are
    /// i32 locals, `{d}` the i32 local written, `{A}`..`{D}` i64 ones, `{L}`
    /// a block label; addresses stay in the first page.
    fn pair_stmt(&mut self) -> String {
        const MASK: &str = "(i32.const 0x7ff0)";
        let t = *self.rng.pick(&[
            "(local.set {d} (i32.rotl (i32.xor {a} {b}) (i32.const 7)))",
            "(local.set {d} (i32.xor {c} (i32.add {a} {b})))",
            "(local.set {d} (i32.add {b} (i32.rotl {a} (i32.const 5))))",
            "(block {L} (br_if {L} (i32.eqz (i32.and {a} (i32.const 6)))) (local.set {d} (i32.const 1)))",
            "(local.set {d} (i32.load8_u (i32.add (i32.and {a} MASK) (i32.const 5))))",
            "(global.set $g0 (i32.sub (global.get $g0) (i32.const 16)))",
            "(global.set $g0 (i32.add (global.get $g0) (i32.const 16)))",
            "(local.set {d} (i32.load (i32.add (i32.and {a} MASK) (i32.and {b} MASK))))",
            "(local.set {d} (i32.load (i32.add (i32.and {a} MASK) (i32.const 4))))",
            "(block {L} (br_if {L} (i32.ne (i32.add {a} (i32.const 3)) (i32.const 10))) (local.set {d} (i32.const 2)))",
            "(local.set {d} (i32.add {b} (i32.load (i32.and {a} MASK))))",
            "(local.set {d} (i32.load8_u (i32.add (i32.and {a} MASK) (i32.and {b} MASK))))",
            "(local.set {d} (i32.add {b} (i32.shl {a} (i32.const 2))))",
            "(block {L} (br_if {L} (i32.add {a} (i32.const 1))) (local.set {d} (i32.const 3)))",
            "(block {L} (br_if {L} (i32.le_s (i32.sub {a} (i32.const 1)) (i32.const 0))) (local.set {d} (i32.const 4)))",
            "(local.set {d} (i32.add (i32.add {a} {b}) (i32.const 12)))",
            "(block {L} (br_if {L} (i32.load (i32.and {a} MASK))) (local.set {d} (i32.const 5)))",
            "(block {L} (br_if {L} (i32.gt_u (i32.add {a} (i32.const 7)) (i32.const 1000))) (local.set {d} (i32.const 6)))",
            "(local.set {d} (i32.add {b} (i32.add {a} (i32.const 9))))",
            "(block {L} (br_if {L} (i32.and {a} (i32.const 12))) (local.set {d} (i32.const 7)))",
            "(local.set {d} (i32.and (i32.add {a} (i32.const 3)) (i32.const 255)))",
            "(block {L} (br_if {L} (i32.load8_u (i32.and {a} MASK))) (local.set {d} (i32.const 8)))",
            "(block {L} (br_if {L} (i32.eqz (i32.load8_u (i32.and {a} MASK)))) (local.set {d} (i32.const 9)))",
            "(local.set {D} (i64.rotl (i64.xor {A} {B}) (i64.const 9)))",
            "(block {L} (br_if {L} (i32.lt_u (i32.add {a} (i32.const 1)) {b})) (local.set {d} (i32.const 10)))",
            "(local.set {D} (i64.reinterpret_f64 (f64.load (i32.add (i32.and {a} MASK) (i32.const 8)))))",
            "(local.set {d} (i32.add (i32.mul {a} (i32.const 12)) (i32.const 5)))",
            "(local.set {D} (i64.xor {C} (i64.add {A} {B})))",
            "(block {L} (br_if {L} (i32.lt_u (i32.add {a} {b}) (i32.const 100))) (local.set {d} (i32.const 11)))",
            "(local.set {d} (i32.mul {b} (i32.add {a} (i32.const 1))))",
            "(local.set {d} (i32.add (i32.add {a} (i32.const 1)) (i32.const 5)))",
            "(block {L} (br_if {L} (i32.ge_s (i32.add {a} (i32.const 2)) (i32.const 50))) (local.set {d} (i32.const 12)))",
            "(local.set {d} (i32.mul {b} (i32.load (i32.and {a} MASK))))",
            "(local.set {d} (i32.add {b} (i32.mul {a} (i32.const 24))))",
            "(i32.store (i32.add (i32.and {a} MASK) (i32.const 12)) {b})",
            "(local.set {d} (i32.and (i32.load (i32.and {a} MASK)) (i32.const 255)))",
            "(local.set {D} (i64.add {B} (i64.rotl {A} (i64.const 13))))",
            "(local.set {d} (i32.add {c} (i32.mul {a} {b})))",
            "(local.set {d} (i32.sub (i32.load (i32.and {a} MASK)) {b}))",
            "(local.set {d} (i32.xor {b} (i32.shl {a} (i32.const 3))))",
            "(block {L} (br_if {L} (i32.eq (i32.load8_u (i32.and {a} MASK)) (i32.const 7))) (local.set {d} (i32.const 13)))",
            "(block {L} (br_if {L} (i32.ne (i32.load8_u (i32.and {a} MASK)) (i32.const 9))) (local.set {d} (i32.const 14)))",
            "(block {L} (br_if {L} (i32.eq (i32.and {a} (i32.const 15)) (i32.const 3))) (local.set {d} (i32.const 15)))",
            "(local.set {d} (i32.xor {b} (i32.load8_u (i32.and {a} MASK))))",
        ]);
        let mut out = t.replace("MASK", MASK);
        let label = self.label("p");
        out = out.replace("{L}", &label);
        for k in ["{a}", "{b}", "{c}", "{d}"] {
            let l = self.local_of(Ty::I32);
            out = out.replace(k, &format!("(local.get {l})")).replace(
                &format!("(local.set (local.get {l})"),
                &format!("(local.set {l}"),
            );
        }
        for k in ["{A}", "{B}", "{C}", "{D}"] {
            let l = self.local_of(Ty::I64);
            out = out.replace(k, &format!("(local.get {l})")).replace(
                &format!("(local.set (local.get {l})"),
                &format!("(local.set {l}"),
            );
        }
        out
    }

    fn store(&mut self) -> String {
        let ty = self.any_ty();
        let op = match ty {
            Ty::I32 => *self.rng.pick(&["i32.store", "i32.store8", "i32.store16"]),
            Ty::I64 => *self
                .rng
                .pick(&["i64.store", "i64.store8", "i64.store16", "i64.store32"]),
            Ty::F32 => "f32.store",
            Ty::F64 => "f64.store",
        };
        let m = self.memarg();
        let a = self.addr();
        let v = self.expr(ty, 3);
        let v = self.canon(ty, v);
        format!("({op}{m} {a} {v})")
    }

    fn load(&mut self, ty: Ty) -> String {
        let op = match ty {
            Ty::I32 => *self.rng.pick(&[
                "i32.load",
                "i32.load8_s",
                "i32.load8_u",
                "i32.load16_s",
                "i32.load16_u",
            ]),
            Ty::I64 => *self.rng.pick(&[
                "i64.load",
                "i64.load8_s",
                "i64.load8_u",
                "i64.load16_s",
                "i64.load16_u",
                "i64.load32_s",
                "i64.load32_u",
            ]),
            Ty::F32 => "f32.load",
            Ty::F64 => "f64.load",
        };
        let m = self.memarg();
        let a = self.addr();
        format!("({op}{m} {a})")
    }

    /// A branch condition: usually a compare (which fuses with the branch).
    fn cond(&mut self) -> String {
        match self.rng.below(10) {
            0..=5 => self.compare(2),
            6 => {
                let x = self.expr(Ty::I32, 2).text;
                format!("(i32.eqz {x})")
            }
            _ => self.expr(Ty::I32, 2).text,
        }
    }

    fn compare(&mut self, depth: usize) -> String {
        let ty = self.any_ty();
        let a = self.expr(ty, depth).text;
        let b = if !ty.is_float() && self.rng.chance(40) {
            const_text(self.rng.value(ty))
        } else {
            self.expr(ty, depth).text
        };
        let op = if ty.is_float() {
            *self.rng.pick(&["eq", "ne", "lt", "gt", "le", "ge"])
        } else {
            *self.rng.pick(&[
                "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u",
            ])
        };
        format!("({}.{op} {a} {b})", ty.name())
    }

    /// Makes a loose float canonical: a NaN becomes the positive canonical NaN.
    /// `(select nan x (x != x))` with `x` kept in a scratch local.
    fn canon(&mut self, ty: Ty, v: E) -> String {
        if !v.loose {
            return v.text;
        }
        let t = ty.name();
        format!(
            "(select ({t}.const nan) (local.tee $t{t} {}) ({t}.ne (local.get $t{t}) (local.get $t{t})))",
            v.text
        )
    }

    fn leaf(&mut self, ty: Ty) -> E {
        match self.rng.below(20) {
            0..=9 => {
                let cands: Vec<String> = self
                    .locals
                    .iter()
                    .filter(|(_, t)| *t == ty)
                    .map(|(n, _)| n.clone())
                    .chain(
                        (0..self.loop_depth)
                            .filter(|_| ty == Ty::I32)
                            .map(|k| format!("$c{k}")),
                    )
                    .collect();
                let l = self.rng.pick(&cands).clone();
                e(format!("(local.get {l})"))
            }
            10..=15 => e(const_text(self.rng.value(ty))),
            16 | 17 => {
                let k = PARAMS.iter().position(|t| *t == ty).unwrap();
                e(format!("(global.get $g{k})"))
            }
            _ => e(self.load(ty)),
        }
    }

    fn expr(&mut self, ty: Ty, depth: usize) -> E {
        if depth == 0 || self.rng.chance(15) {
            return self.leaf(ty);
        }
        let d = depth - 1;
        // Shared forms first: select, if and block with a value.
        match self.rng.below(100) {
            0..=3 => {
                let (a, b) = (self.expr(ty, d), self.expr(ty, d));
                let c = self.cond();
                let loose = a.loose || b.loose;
                let typed = if self.rng.chance(50) {
                    format!(" (result {})", ty.name())
                } else {
                    String::new()
                };
                return E {
                    text: format!("(select{typed} {} {} {c})", a.text, b.text),
                    loose,
                };
            }
            4 | 5 => {
                let c = self.cond();
                let (a, b) = (self.expr(ty, d), self.expr(ty, d));
                let t = ty.name();
                return E {
                    text: format!("(if (result {t}) {c} (then {}) (else {}))", a.text, b.text),
                    loose: a.loose || b.loose,
                };
            }
            6 => {
                let l = self.label("v");
                let (a, b) = (self.expr(ty, d), self.expr(ty, d));
                let c = self.cond();
                let t = ty.name();
                return E {
                    text: format!(
                        "(block {l} (result {t}) (drop (br_if {l} {} {c})) {})",
                        a.text, b.text
                    ),
                    loose: a.loose || b.loose,
                };
            }
            7..=9 => {
                if let Some(call) = self.call_expr(Vt::N(ty)) {
                    return e(call);
                }
            }
            10..=14 if self.vector => {
                if let Some(x) = self.reduce(ty, d) {
                    return e(x);
                }
            }
            _ => {}
        }
        match ty {
            Ty::I32 | Ty::I64 => self.int_expr(ty, d),
            Ty::F32 | Ty::F64 => self.float_expr(ty, d),
        }
    }

    /// A call (direct or through the table) of a lower function whose one
    /// result is of type `t`, while call sites are left.
    fn call_expr(&mut self, t: Vt) -> Option<String> {
        if self.calls_left == 0 || self.loop_depth > 0 || self.index == 0 {
            return None;
        }
        let cands: Vec<usize> = (0..self.index)
            .filter(|&j| self.sigs[j].results() == [t] && self.can_call(j))
            .collect();
        if cands.is_empty() {
            return None;
        }
        self.calls_left -= 1;
        let j = *self.rng.pick(&cands);
        let sig = self.sigs[j];
        let args = self.args(sig, 1);
        if self.rng.chance(60) {
            return Some(format!("(call $f{j} {args})"));
        }
        let idx = self.indirect_index(j);
        Some(format!(
            "(call_indirect (type $t{}) {args} {idx})",
            sig.index()
        ))
    }

    fn int_expr(&mut self, ty: Ty, d: usize) -> E {
        let t = ty.name();
        let wide = ty == Ty::I64;
        let other_int = if wide { Ty::I32 } else { Ty::I64 };
        match self.rng.below(100) {
            0..=5 => {
                // Shapes the backend rewrites: an add of a value shifted by
                // 1 to 3 (one `lea`), and division by a constant (a multiply).
                let a = self.expr(ty, d).text;
                let b = self.expr(ty, d).text;
                if self.rng.chance(50) {
                    let k = 1 + self.rng.below(3);
                    e(format!("({t}.add {a} ({t}.shl {b} ({t}.const {k})))"))
                } else {
                    let op = *self.rng.pick(&["div_s", "div_u", "rem_s", "rem_u"]);
                    let common = [
                        "2",
                        "3",
                        "7",
                        "10",
                        "16",
                        "1000",
                        "0x7fffffff",
                        "-1",
                        "-3",
                        "-16",
                        "0x40000001",
                    ];
                    let wide_only = ["0x100000001", "0x7fffffffffffffff", "-0x8000000000000000"];
                    let k = self
                        .rng
                        .below(common.len() + if wide { wide_only.len() } else { 0 });
                    let divisor = common
                        .get(k)
                        .unwrap_or_else(|| &wide_only[k - common.len()]);
                    e(format!("({t}.{op} {a} ({t}.const {divisor}))"))
                }
            }
            6..=39 => {
                let op = *self.rng.pick(&[
                    "add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor",
                    "shl", "shr_s", "shr_u", "rotl", "rotr",
                ]);
                let a = self.expr(ty, d).text;
                let mut b = if self.rng.chance(40) {
                    const_text(self.rng.value(ty))
                } else {
                    self.expr(ty, d).text
                };
                if op.starts_with("div") || op.starts_with("rem") {
                    // Mostly a divisor that cannot be zero: odd (so still
                    // possibly -1), or positive.
                    match self.rng.below(20) {
                        0..=9 => b = format!("({t}.or {b} ({t}.const 1))"),
                        10..=18 => {
                            b = format!("({t}.or ({t}.shr_u {b} ({t}.const 1)) ({t}.const 1))")
                        }
                        _ => {}
                    }
                }
                e(format!("({t}.{op} {a} {b})"))
            }
            40..=54 if !wide => e(self.compare(d.min(2))),
            40..=54 => {
                // An i64 from a compare, so compares feed i64 code too.
                let c = self.compare(d.min(2));
                e(format!("(i64.extend_i32_u {c})"))
            }
            55..=64 => {
                let ops: &[&str] = if wide {
                    &[
                        "clz",
                        "ctz",
                        "popcnt",
                        "extend8_s",
                        "extend16_s",
                        "extend32_s",
                        "eqz",
                    ]
                } else {
                    &["clz", "ctz", "popcnt", "extend8_s", "extend16_s", "eqz"]
                };
                let op = *self.rng.pick(ops);
                let a = self.expr(ty, d).text;
                let text = format!("({t}.{op} {a})");
                if wide && op == "eqz" {
                    e(format!("(i64.extend_i32_u {text})"))
                } else {
                    e(text)
                }
            }
            65..=72 => {
                let a = self.expr(other_int, d).text;
                if wide {
                    let op = *self.rng.pick(&["extend_i32_s", "extend_i32_u"]);
                    e(format!("(i64.{op} {a})"))
                } else if self.rng.chance(50) {
                    e(format!("(i32.wrap_i64 {a})"))
                } else {
                    e(format!("(i64.eqz {a})"))
                }
            }
            73..=82 => {
                // Float to integer: saturating, or trapping on NaN and overflow.
                let from = if self.rng.chance(50) {
                    Ty::F32
                } else {
                    Ty::F64
                };
                let a = self.expr(from, d);
                let sat = if self.rng.chance(93) { "_sat" } else { "" };
                let sign = if self.rng.chance(50) { "s" } else { "u" };
                // NaN inputs give defined results (0 or a trap), so loose is fine.
                e(format!(
                    "({t}.trunc{sat}_{}_{sign} {})",
                    from.name(),
                    a.text
                ))
            }
            83..=87 => {
                let from = if wide { Ty::F64 } else { Ty::F32 };
                let a = self.expr(from, d);
                let a = self.canon(from, a);
                e(format!("({t}.reinterpret_{} {a})", from.name()))
            }
            88..=89 if !wide => e(self.memory_size()),
            88..=89 => {
                let a = self.expr(Ty::I64, d).text;
                e(format!("(call $mix {a})"))
            }
            _ => self.leaf(ty),
        }
    }

    fn float_expr(&mut self, ty: Ty, d: usize) -> E {
        let t = ty.name();
        let other = if ty == Ty::F32 { Ty::F64 } else { Ty::F32 };
        match self.rng.below(100) {
            0..=34 => {
                let op = *self
                    .rng
                    .pick(&["add", "sub", "mul", "div", "min", "max", "copysign"]);
                let (a, b) = (self.expr(ty, d), self.expr(ty, d));
                if op == "copysign" {
                    // The sign comes from `b`: a loose NaN there would give
                    // a number with an open sign, so `b` is made canonical.
                    let b = self.canon(ty, b);
                    return E {
                        text: format!("({t}.{op} {} {b})", a.text),
                        loose: a.loose,
                    };
                }
                E {
                    text: format!("({t}.{op} {} {})", a.text, b.text),
                    loose: true,
                }
            }
            35..=54 => {
                let op = *self
                    .rng
                    .pick(&["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt"]);
                let a = self.expr(ty, d);
                let loose = if op == "abs" || op == "neg" {
                    a.loose
                } else {
                    true
                };
                E {
                    text: format!("({t}.{op} {})", a.text),
                    loose,
                }
            }
            55..=69 => {
                let from = if self.rng.chance(50) {
                    Ty::I32
                } else {
                    Ty::I64
                };
                let sign = if self.rng.chance(50) { "s" } else { "u" };
                let a = self.expr(from, d).text;
                e(format!("({t}.convert_{}_{sign} {a})", from.name()))
            }
            70..=77 => {
                let a = self.expr(other, d);
                let op = if ty == Ty::F32 { "demote" } else { "promote" };
                E {
                    text: format!("({t}.{op}_{} {})", other.name(), a.text),
                    loose: true,
                }
            }
            78..=84 => {
                let from = if ty == Ty::F32 { Ty::I32 } else { Ty::I64 };
                let a = self.expr(from, d).text;
                e(format!("({t}.reinterpret_{} {a})", from.name()))
            }
            _ => self.leaf(ty),
        }
    }
}
