//! The generator's vector code: v128 statements and expressions over every
//! SIMD and relaxed-SIMD op, and the tables of those ops by operand shape.

use super::*;

/// A lane shape of a v128.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
}

pub(super) const SHAPES: [Shape; 6] = [
    Shape::I8,
    Shape::I16,
    Shape::I32,
    Shape::I64,
    Shape::F32,
    Shape::F64,
];

impl Shape {
    /// `i8x16`, ..., `f64x2`.
    pub(super) fn name(self) -> &'static str {
        match self {
            Shape::I8 => "i8x16",
            Shape::I16 => "i16x8",
            Shape::I32 => "i32x4",
            Shape::I64 => "i64x2",
            Shape::F32 => "f32x4",
            Shape::F64 => "f64x2",
        }
    }

    pub(super) fn bits(self) -> u32 {
        match self {
            Shape::I8 => 8,
            Shape::I16 => 16,
            Shape::I32 | Shape::F32 => 32,
            Shape::I64 | Shape::F64 => 64,
        }
    }

    pub(super) fn lanes(self) -> usize {
        128 / self.bits() as usize
    }

    /// The scalar type a lane is extracted as or splatted from.
    pub(super) fn scalar(self) -> Ty {
        match self {
            Shape::I8 | Shape::I16 | Shape::I32 => Ty::I32,
            Shape::I64 => Ty::I64,
            Shape::F32 => Ty::F32,
            Shape::F64 => Ty::F64,
        }
    }

    /// The shape of the last lane-shape name in an op's name: the shape of
    /// its (first) vector operand (`i16x8.extend_low_i8x16_s`: `I8`), or
    /// `None` for the `v128.` ops.
    pub(super) fn of_operand(op: &str) -> Option<Shape> {
        SHAPES
            .iter()
            .filter_map(|s| op.rfind(s.name()).map(|at| (at, *s)))
            .max_by_key(|(at, _)| *at)
            .map(|(_, s)| s)
    }

    /// The lane shape of a lane load or store (`v128.load16_lane`: `I16`).
    pub(super) fn of_lane_access(op: &str) -> Shape {
        match op
            .trim_start_matches("v128.load")
            .trim_start_matches("v128.store")
        {
            "8_lane" => Shape::I8,
            "16_lane" => Shape::I16,
            "32_lane" => Shape::I32,
            _ => Shape::I64,
        }
    }
}

/// Lane values where vector integer ops have edges: zero, signs, the
/// saturation and narrowing bounds, the Q15 bounds.
pub(super) const I8_LANES: &[u8] = &[
    0, 1, 2, 0xff, 0xfe, 0x7f, 0x80, 0x81, 0x40, 0xc0, 0x55, 0x0f, 0x10,
];
pub(super) const I16_LANES: &[u16] = &[
    0, 1, 0xffff, 0x7fff, 0x8000, 0x8001, 0x7f, 0x80, 0xff, 0xff80, 0xff7f, 0x100, 0x4000, 0xc000,
    0x5555,
];

impl Rng {
    /// A lane of `shape`: an edge value, or now and then a random one.
    pub(super) fn lane(&mut self, shape: Shape) -> u64 {
        if self.chance(20) {
            return self.next();
        }
        match shape {
            Shape::I8 => *self.pick(I8_LANES) as u64,
            Shape::I16 => *self.pick(I16_LANES) as u64,
            Shape::I32 => *self.pick(I32S) as u32 as u64,
            Shape::I64 => *self.pick(I64S) as u64,
            Shape::F32 => *self.pick(F32S) as u64,
            Shape::F64 => *self.pick(F64S),
        }
    }

    /// A v128 whose lanes of `shape` are edge values; now and then one lane
    /// value in every lane.
    pub(super) fn lanes(&mut self, shape: Shape) -> u128 {
        let bits = shape.bits();
        let mask = u128::MAX >> (128 - bits);
        let splat = self.chance(15).then(|| self.lane(shape));
        (0..shape.lanes()).fold(0u128, |v, i| {
            let x = splat.unwrap_or_else(|| self.lane(shape)) as u128 & mask;
            v | x << (i as u32 * bits)
        })
    }

    /// An interesting v128: edge lanes of a random shape, or random bits.
    pub fn v128(&mut self) -> u128 {
        if self.chance(10) {
            return (self.next() as u128) << 64 | self.next() as u128;
        }
        let shape = *self.pick(&SHAPES);
        self.lanes(shape)
    }
}

/// `v128.const` of `bits`, written as lanes of `shape`.
pub(super) fn v128_text(bits: u128, shape: Shape) -> String {
    let b = shape.bits();
    let lanes: Vec<String> = (0..shape.lanes())
        .map(|i| {
            let x = (bits >> (i as u32 * b)) as u64;
            match shape {
                Shape::I8 => (x as i8).to_string(),
                Shape::I16 => (x as u16).to_string(),
                Shape::I32 => (x as i32).to_string(),
                Shape::I64 => format!("{:#x}", x),
                Shape::F32 => f32_lit(x as u32),
                Shape::F64 => f64_lit(x),
            }
        })
        .collect();
    format!("(v128.const {} {})", shape.name(), lanes.join(" "))
}

impl FuncGen<'_> {
    /// Whether this function may use vector op `op`: any, unless it is
    /// focused on a palette.
    pub(super) fn allowed(&self, op: &str) -> bool {
        self.palette.as_ref().is_none_or(|p| p.contains(&op))
    }

    /// A random op of `ops` this function may use, if any.
    pub(super) fn pick_op(&mut self, ops: &[&'static str]) -> Option<&'static str> {
        match &self.palette {
            None => Some(*self.rng.pick(ops)),
            Some(p) => {
                let cands: Vec<&'static str> =
                    p.iter().copied().filter(|op| ops.contains(op)).collect();
                (!cands.is_empty()).then(|| *self.rng.pick(&cands))
            }
        }
    }

    /// A statement of a vector function on vectors.
    pub(super) fn vstmt(&mut self) -> String {
        let l = self.rng.pick(&self.vlocals).clone();
        match self.rng.below(100) {
            35..=54 => {
                if let Some(op) = self.pick_op(V_STORES) {
                    return self.vstore(op);
                }
            }
            55..=62 => {
                let v = self.vexpr(None, 3);
                return format!("(global.set $gv {v})");
            }
            63..=77 => {
                // A scalar local from a vector.
                let ty = self.any_ty();
                if let Some(x) = self.reduce(ty, 3) {
                    let t = self.local_of(ty);
                    return format!("(local.set {t} {x})");
                }
            }
            78..=87 => {
                let v = self.vexpr(None, 3);
                if self.allowed("v128.any_true") {
                    return format!("(drop (v128.any_true (local.tee {l} {v})))");
                }
                return format!("(drop (local.tee {l} {v}))");
            }
            88..=99 => {
                let v = self.vexpr(None, 3);
                return format!("(drop {v})");
            }
            _ => {}
        }
        let v = self.vexpr(None, 4);
        format!("(local.set {l} {v})")
    }

    /// A store of `op`, one of [`V_STORES`].
    pub(super) fn vstore(&mut self, op: &str) -> String {
        let m = self.memarg();
        let a = self.addr();
        if op == "v128.store" {
            let v = self.vexpr(None, 3);
            return format!("({op}{m} {a} {v})");
        }
        let shape = Shape::of_lane_access(op);
        let lane = self.rng.below(shape.lanes());
        let v = self.vexpr(Some(shape), 3);
        format!("({op}{m} {lane} {a} {v})")
    }

    /// A vector load (every form but the lane loads), if this function may
    /// use one.
    pub(super) fn vload(&mut self) -> Option<String> {
        let op = self.pick_op(V_LOADS)?;
        let m = self.memarg();
        let a = self.addr();
        Some(format!("({op}{m} {a})"))
    }

    /// A v128 leaf: a local, a constant, the global or a load. Constants
    /// have lanes of `hint` (the shape the consumer reads) most of the time.
    pub(super) fn vleaf(&mut self, hint: Option<Shape>) -> String {
        match self.rng.below(20) {
            0..=8 => return format!("(local.get {})", self.rng.pick(&self.vlocals)),
            15 | 16 => return "(global.get $gv)".to_string(),
            17..=19 => {
                if let Some(load) = self.vload() {
                    return load;
                }
            }
            _ => {}
        }
        let shape = match hint {
            Some(h) if self.rng.chance(75) => h,
            _ => *self.rng.pick(&SHAPES),
        };
        let bits = if self.rng.chance(5) {
            self.rng.v128()
        } else {
            self.rng.lanes(shape)
        };
        v128_text(bits, shape)
    }

    /// A v128 expression; `hint` is the lane shape its consumer reads.
    pub(super) fn vexpr(&mut self, hint: Option<Shape>, depth: usize) -> String {
        if depth == 0 || self.rng.chance(15) {
            return self.vleaf(hint);
        }
        let d = depth - 1;
        let k = self.rng.below(100);
        let ops: &[&'static str] = match k {
            0..=2 => {
                let (a, b) = (self.vexpr(hint, d), self.vexpr(hint, d));
                let c = self.cond();
                let typed = if self.rng.chance(50) {
                    " (result v128)"
                } else {
                    ""
                };
                return format!("(select{typed} {a} {b} {c})");
            }
            3 => {
                let c = self.cond();
                let (a, b) = (self.vexpr(hint, d), self.vexpr(hint, d));
                return format!("(if (result v128) {c} (then {a}) (else {b}))");
            }
            4 => {
                let l = self.label("v");
                let (a, b) = (self.vexpr(hint, d), self.vexpr(hint, d));
                let c = self.cond();
                return format!("(block {l} (result v128) (drop (br_if {l} {a} {c})) {b})");
            }
            5 => match self.call_expr(Vt::V128) {
                Some(call) => return call,
                None => return self.vleaf(hint),
            },
            6 => return self.vleaf(hint),
            // A focused function: any op of its palette that gives a v128.
            _ if self.palette.is_some() => &[],
            7..=15 => V_COMPARES,
            16..=38 => V_BINARY,
            39..=55 => V_UNARY,
            56..=61 => V_SHIFTS,
            62..=67 => V_TERNARY,
            68..=74 => match hint {
                Some(h) if self.rng.chance(60) => &V_SPLATS[h as usize..][..1],
                _ => V_SPLATS,
            },
            75..=80 => V_REPLACE_LANES,
            81..=85 => &["i8x16.shuffle"],
            86..=90 => V_LOADS,
            91..=94 => V_LOAD_LANES,
            _ => return self.vleaf(hint),
        };
        let all: Vec<&'static str>;
        let ops = if self.palette.is_some() {
            all = V128_OPS.iter().flat_map(|g| g.iter().copied()).collect();
            &all[..]
        } else {
            ops
        };
        match self.pick_op(ops) {
            Some(op) => self.vop(op, hint, d),
            None => self.vleaf(hint),
        }
    }

    /// An application of `op`, a vector op that gives a v128, to operands
    /// of depth `d`.
    pub(super) fn vop(&mut self, op: &'static str, hint: Option<Shape>, d: usize) -> String {
        let shape = Shape::of_operand(op);
        if V_UNARY.contains(&op) {
            let a = self.vexpr(shape, d);
            return format!("({op} {a})");
        }
        if V_BINARY.contains(&op) || V_COMPARES.contains(&op) {
            let a = self.vexpr(shape, d);
            let b = if op.ends_with("swizzle") && self.rng.chance(50) {
                // Lane indices, some past 15 (those give 0).
                let bytes: Vec<String> = (0..16).map(|_| self.rng.below(20).to_string()).collect();
                format!("(v128.const i8x16 {})", bytes.join(" "))
            } else {
                self.vexpr(shape, d)
            };
            return format!("({op} {a} {b})");
        }
        if V_TERNARY.contains(&op) {
            let a = self.vexpr(shape, d);
            let b = self.vexpr(shape, d);
            let c = self.vexpr(shape, d);
            return format!("({op} {a} {b} {c})");
        }
        if V_SHIFTS.contains(&op) {
            let a = self.vexpr(shape, d);
            let n = if self.rng.chance(60) {
                let k = *self.rng.pick(SHIFT_COUNTS);
                format!("(i32.const {k})")
            } else {
                self.expr(Ty::I32, d.min(2)).text
            };
            return format!("({op} {a} {n})");
        }
        if V_SPLATS.contains(&op) || V_REPLACE_LANES.contains(&op) {
            let shape = shape.expect("a shaped op");
            let t = shape.scalar();
            let x = self.expr(t, d.min(2));
            let x = self.canon(t, x);
            if op.ends_with("splat") {
                return format!("({op} {x})");
            }
            let lane = self.rng.below(shape.lanes());
            let v = self.vexpr(Some(shape), d);
            return format!("({op} {lane} {v} {x})");
        }
        if op == "i8x16.shuffle" {
            let lanes: Vec<String> = (0..16).map(|_| self.rng.below(32).to_string()).collect();
            let (a, b) = (self.vexpr(hint, d), self.vexpr(hint, d));
            return format!("({op} {} {a} {b})", lanes.join(" "));
        }
        let m = self.memarg();
        let a = self.addr();
        if V_LOAD_LANES.contains(&op) {
            let shape = Shape::of_lane_access(op);
            let lane = self.rng.below(shape.lanes());
            let v = self.vexpr(hint, d);
            return format!("({op}{m} {lane} {a} {v})");
        }
        debug_assert!(V_LOADS.contains(&op), "{op} gives no v128");
        format!("({op}{m} {a})")
    }

    /// A scalar of `ty` computed from a vector (a lane, a lane test or
    /// mask), if this function may use an op that makes one.
    pub(super) fn reduce(&mut self, ty: Ty, d: usize) -> Option<String> {
        let ops: Vec<&'static str> = V_SCALAR
            .iter()
            .copied()
            .filter(|op| scalar_of(op) == ty)
            .collect();
        let op = self.pick_op(&ops)?;
        let shape = Shape::of_operand(op);
        let v = self.vexpr(shape, d);
        if !op.contains("extract_lane") {
            return Some(format!("({op} {v})"));
        }
        if op == "i64x2.extract_lane" && self.rng.chance(30) {
            // Both lanes, combined.
            return Some(format!(
                "(i64.xor ({op} 0 (local.tee $tv {v})) ({op} 1 (local.get $tv)))"
            ));
        }
        let lane = self.rng.below(shape.expect("a shaped op").lanes());
        Some(format!("({op} {lane} {v})"))
    }
}

/// The scalar type vector op `op` (one of [`V_SCALAR`]) gives.
pub(super) fn scalar_of(op: &str) -> Ty {
    match op {
        "i64x2.extract_lane" => Ty::I64,
        "f32x4.extract_lane" => Ty::F32,
        "f64x2.extract_lane" => Ty::F64,
        _ => Ty::I32,
    }
}

/// Vector shift counts: the count is taken modulo the lane width, so some
/// are at or past every width, and some negative.
pub(super) const SHIFT_COUNTS: &[i32] = &[
    0,
    1,
    2,
    7,
    8,
    9,
    15,
    16,
    17,
    31,
    32,
    33,
    63,
    64,
    65,
    127,
    128,
    255,
    256,
    -1,
    -8,
    i32::MIN,
];

/// Every vector op that gives a v128, in groups.
pub(super) const V128_OPS: &[&[&str]] = &[
    V_UNARY,
    V_BINARY,
    V_COMPARES,
    V_TERNARY,
    V_SHIFTS,
    V_SPLATS,
    V_REPLACE_LANES,
    &["i8x16.shuffle"],
    V_LOADS,
    V_LOAD_LANES,
];

/// Every vector op the generator makes: those giving a v128, a scalar, or
/// nothing (stores).
pub(super) fn all_vector_ops() -> impl Iterator<Item = &'static str> {
    V128_OPS
        .iter()
        .chain([V_SCALAR, V_STORES].iter())
        .flat_map(|group| group.iter().copied())
}

/// The ops of one v128 operand and a scalar result.
pub(super) const V_SCALAR: &[&str] = &[
    "v128.any_true",
    "i8x16.all_true",
    "i16x8.all_true",
    "i32x4.all_true",
    "i64x2.all_true",
    "i8x16.bitmask",
    "i16x8.bitmask",
    "i32x4.bitmask",
    "i64x2.bitmask",
    "i8x16.extract_lane_s",
    "i8x16.extract_lane_u",
    "i16x8.extract_lane_s",
    "i16x8.extract_lane_u",
    "i32x4.extract_lane",
    "i64x2.extract_lane",
    "f32x4.extract_lane",
    "f64x2.extract_lane",
];

pub(super) const V_STORES: &[&str] = &[
    "v128.store",
    "v128.store8_lane",
    "v128.store16_lane",
    "v128.store32_lane",
    "v128.store64_lane",
];

pub(super) const V_LOAD_LANES: &[&str] = &[
    "v128.load8_lane",
    "v128.load16_lane",
    "v128.load32_lane",
    "v128.load64_lane",
];

/// In the order of [`SHAPES`].
pub(super) const V_SPLATS: &[&str] = &[
    "i8x16.splat",
    "i16x8.splat",
    "i32x4.splat",
    "i64x2.splat",
    "f32x4.splat",
    "f64x2.splat",
];

pub(super) const V_REPLACE_LANES: &[&str] = &[
    "i8x16.replace_lane",
    "i16x8.replace_lane",
    "i32x4.replace_lane",
    "i64x2.replace_lane",
    "f32x4.replace_lane",
    "f64x2.replace_lane",
];

/// Shifts by an i32 count.
pub(super) const V_SHIFTS: &[&str] = &[
    "i8x16.shl",
    "i8x16.shr_s",
    "i8x16.shr_u",
    "i16x8.shl",
    "i16x8.shr_s",
    "i16x8.shr_u",
    "i32x4.shl",
    "i32x4.shr_s",
    "i32x4.shr_u",
    "i64x2.shl",
    "i64x2.shr_s",
    "i64x2.shr_u",
];

/// Lane compares.
pub(super) const V_COMPARES: &[&str] = &[
    "i8x16.eq",
    "i8x16.ne",
    "i8x16.lt_s",
    "i8x16.lt_u",
    "i8x16.gt_s",
    "i8x16.gt_u",
    "i8x16.le_s",
    "i8x16.le_u",
    "i8x16.ge_s",
    "i8x16.ge_u",
    "i16x8.eq",
    "i16x8.ne",
    "i16x8.lt_s",
    "i16x8.lt_u",
    "i16x8.gt_s",
    "i16x8.gt_u",
    "i16x8.le_s",
    "i16x8.le_u",
    "i16x8.ge_s",
    "i16x8.ge_u",
    "i32x4.eq",
    "i32x4.ne",
    "i32x4.lt_s",
    "i32x4.lt_u",
    "i32x4.gt_s",
    "i32x4.gt_u",
    "i32x4.le_s",
    "i32x4.le_u",
    "i32x4.ge_s",
    "i32x4.ge_u",
    "i64x2.eq",
    "i64x2.ne",
    "i64x2.lt_s",
    "i64x2.gt_s",
    "i64x2.le_s",
    "i64x2.ge_s",
    "f32x4.eq",
    "f32x4.ne",
    "f32x4.lt",
    "f32x4.gt",
    "f32x4.le",
    "f32x4.ge",
    "f64x2.eq",
    "f64x2.ne",
    "f64x2.lt",
    "f64x2.gt",
    "f64x2.le",
    "f64x2.ge",
];

/// The vector loads, but for the lane loads.
pub(super) const V_LOADS: &[&str] = &[
    "v128.load",
    "v128.load8x8_s",
    "v128.load8x8_u",
    "v128.load16x4_s",
    "v128.load16x4_u",
    "v128.load32x2_s",
    "v128.load32x2_u",
    "v128.load8_splat",
    "v128.load16_splat",
    "v128.load32_splat",
    "v128.load64_splat",
    "v128.load32_zero",
    "v128.load64_zero",
];

/// Vector ops of one v128 operand and a v128 result.
pub(super) const V_UNARY: &[&str] = &[
    "v128.not",
    "i8x16.abs",
    "i8x16.neg",
    "i8x16.popcnt",
    "i16x8.abs",
    "i16x8.neg",
    "i32x4.abs",
    "i32x4.neg",
    "i64x2.abs",
    "i64x2.neg",
    "i16x8.extadd_pairwise_i8x16_s",
    "i16x8.extadd_pairwise_i8x16_u",
    "i32x4.extadd_pairwise_i16x8_s",
    "i32x4.extadd_pairwise_i16x8_u",
    "i16x8.extend_low_i8x16_s",
    "i16x8.extend_high_i8x16_s",
    "i16x8.extend_low_i8x16_u",
    "i16x8.extend_high_i8x16_u",
    "i32x4.extend_low_i16x8_s",
    "i32x4.extend_high_i16x8_s",
    "i32x4.extend_low_i16x8_u",
    "i32x4.extend_high_i16x8_u",
    "i64x2.extend_low_i32x4_s",
    "i64x2.extend_high_i32x4_s",
    "i64x2.extend_low_i32x4_u",
    "i64x2.extend_high_i32x4_u",
    "f32x4.ceil",
    "f32x4.floor",
    "f32x4.trunc",
    "f32x4.nearest",
    "f32x4.abs",
    "f32x4.neg",
    "f32x4.sqrt",
    "f64x2.ceil",
    "f64x2.floor",
    "f64x2.trunc",
    "f64x2.nearest",
    "f64x2.abs",
    "f64x2.neg",
    "f64x2.sqrt",
    "i32x4.trunc_sat_f32x4_s",
    "i32x4.trunc_sat_f32x4_u",
    "f32x4.convert_i32x4_s",
    "f32x4.convert_i32x4_u",
    "i32x4.trunc_sat_f64x2_s_zero",
    "i32x4.trunc_sat_f64x2_u_zero",
    "f64x2.convert_low_i32x4_s",
    "f64x2.convert_low_i32x4_u",
    "f32x4.demote_f64x2_zero",
    "f64x2.promote_low_f32x4",
    "i32x4.relaxed_trunc_f32x4_s",
    "i32x4.relaxed_trunc_f32x4_u",
    "i32x4.relaxed_trunc_f64x2_s_zero",
    "i32x4.relaxed_trunc_f64x2_u_zero",
];

/// Vector ops of two v128 operands and a v128 result, but for the compares.
pub(super) const V_BINARY: &[&str] = &[
    "v128.and",
    "v128.andnot",
    "v128.or",
    "v128.xor",
    "i8x16.narrow_i16x8_s",
    "i8x16.narrow_i16x8_u",
    "i16x8.narrow_i32x4_s",
    "i16x8.narrow_i32x4_u",
    "i8x16.add",
    "i8x16.add_sat_s",
    "i8x16.add_sat_u",
    "i8x16.sub",
    "i8x16.sub_sat_s",
    "i8x16.sub_sat_u",
    "i8x16.min_s",
    "i8x16.min_u",
    "i8x16.max_s",
    "i8x16.max_u",
    "i8x16.avgr_u",
    "i16x8.add",
    "i16x8.add_sat_s",
    "i16x8.add_sat_u",
    "i16x8.sub",
    "i16x8.sub_sat_s",
    "i16x8.sub_sat_u",
    "i16x8.mul",
    "i16x8.min_s",
    "i16x8.min_u",
    "i16x8.max_s",
    "i16x8.max_u",
    "i16x8.avgr_u",
    "i16x8.q15mulr_sat_s",
    "i16x8.extmul_low_i8x16_s",
    "i16x8.extmul_high_i8x16_s",
    "i16x8.extmul_low_i8x16_u",
    "i16x8.extmul_high_i8x16_u",
    "i32x4.add",
    "i32x4.sub",
    "i32x4.mul",
    "i32x4.min_s",
    "i32x4.min_u",
    "i32x4.max_s",
    "i32x4.max_u",
    "i32x4.dot_i16x8_s",
    "i32x4.extmul_low_i16x8_s",
    "i32x4.extmul_high_i16x8_s",
    "i32x4.extmul_low_i16x8_u",
    "i32x4.extmul_high_i16x8_u",
    "i64x2.add",
    "i64x2.sub",
    "i64x2.mul",
    "i64x2.extmul_low_i32x4_s",
    "i64x2.extmul_high_i32x4_s",
    "i64x2.extmul_low_i32x4_u",
    "i64x2.extmul_high_i32x4_u",
    "f32x4.add",
    "f32x4.sub",
    "f32x4.mul",
    "f32x4.div",
    "f32x4.min",
    "f32x4.max",
    "f32x4.pmin",
    "f32x4.pmax",
    "f64x2.add",
    "f64x2.sub",
    "f64x2.mul",
    "f64x2.div",
    "f64x2.min",
    "f64x2.max",
    "f64x2.pmin",
    "f64x2.pmax",
    "i8x16.swizzle",
    "i8x16.relaxed_swizzle",
    "f32x4.relaxed_min",
    "f32x4.relaxed_max",
    "f64x2.relaxed_min",
    "f64x2.relaxed_max",
    "i16x8.relaxed_q15mulr_s",
    "i16x8.relaxed_dot_i8x16_i7x16_s",
];

/// Vector ops of three v128 operands.
pub(super) const V_TERNARY: &[&str] = &[
    "v128.bitselect",
    "f32x4.relaxed_madd",
    "f32x4.relaxed_nmadd",
    "f64x2.relaxed_madd",
    "f64x2.relaxed_nmadd",
    "i8x16.relaxed_laneselect",
    "i16x8.relaxed_laneselect",
    "i32x4.relaxed_laneselect",
    "i64x2.relaxed_laneselect",
    "i32x4.relaxed_dot_i8x16_i7x16_add_s",
];
