//! Unit tests of the lane semantics (`lanes.rs`): edge cases of every op.
use super::*;

type Bin = fn(u128, u128) -> u128;

fn pack<T: Lane, const N: usize>(l: [T; N]) -> u128 {
    assert_eq!(N, T::N);
    build(|i| l[i])
}

fn unpack<T: Lane, const N: usize>(v: u128) -> [T; N] {
    assert_eq!(N, T::N);
    std::array::from_fn(|i| lane(v, i))
}

fn bits32<const N: usize>(l: [f32; N]) -> [u32; N] {
    l.map(f32::to_bits)
}

fn bits64<const N: usize>(l: [f64; N]) -> [u64; N] {
    l.map(f64::to_bits)
}

/// `expect[i]` is 'T' or 'F' for lane `i`; lanes past the string repeat its last char.
fn check_cmp<T: Lane>(name: &str, f: Bin, a: u128, b: u128, expect: &str) {
    let r = f(a, b);
    let e = expect.as_bytes();
    for i in 0..T::N {
        let want = e[i.min(e.len() - 1)] == b'T';
        let got = r & lane_mask::<T>(i);
        assert!(
            got == 0 || got == lane_mask::<T>(i),
            "{name}: partial lane {i}"
        );
        assert_eq!(got != 0, want, "{name}: lane {i}");
    }
}

#[test]
fn lane_order_is_little_endian() {
    let bytes: [u8; 16] = std::array::from_fn(|i| i as u8);
    let v = u128::from_le_bytes(bytes);
    assert_eq!(unpack::<u8, 16>(v), bytes);
    assert_eq!(unpack::<u32, 4>(v)[0], 0x0302_0100);
    assert_eq!(unpack::<u64, 2>(v)[1], 0x0f0e_0d0c_0b0a_0908);
    assert_eq!(
        pack([1u32, 2, 3, 4]),
        0x0000_0004_0000_0003_0000_0002_0000_0001
    );
    assert_eq!(pack([-1i16, 0, 0, 0, 0, 0, 0, 0]), 0xffff);
    assert_eq!(i8x16_extract_lane_u(v, 0), 0);
    assert_eq!(i8x16_extract_lane_u(v, 15), 15);
    assert_eq!(i16x8_extract_lane_u(v, 1), 0x0302);
    assert_eq!(i32x4_extract_lane(v, 3), 0x0f0e_0d0c);
    assert_eq!(i64x2_extract_lane(v, 0), 0x0706_0504_0302_0100);
    assert_eq!(i8x16_replace_lane(0, 0, 0xab), 0xab);
    assert_eq!(i8x16_replace_lane(0, 15, 0xab), 0xab << 120);
    assert_eq!(i64x2_replace_lane(0, 1, 5), 5 << 64);
}

#[test]
fn bitwise() {
    let a = 0xff00_ff00_0000_0000_ffff_ffff_0f0f_0f0f_u128;
    let b = 0x0ff0_0ff0_0000_ffff_0000_ffff_00ff_00ff_u128;
    assert_eq!(v128_not(a), !a);
    assert_eq!(v128_and(a, b), 0x0f00_0f00_0000_0000_0000_ffff_000f_000f);
    assert_eq!(v128_andnot(a, b), 0xf000_f000_0000_0000_ffff_0000_0f00_0f00);
    assert_eq!(v128_or(a, b), 0xfff0_fff0_0000_ffff_ffff_ffff_0fff_0fff);
    assert_eq!(v128_xor(a, b), 0xf0f0_f0f0_0000_ffff_ffff_0000_0ff0_0ff0);
    let (x, y, m) = (0x1111_u128, 0x2222_u128, 0x00ff_u128);
    assert_eq!(v128_bitselect(x, y, m), 0x2211);
    assert_eq!(v128_bitselect(u128::MAX, 0, a), a);
    for f in [
        i8x16_relaxed_laneselect,
        i16x8_relaxed_laneselect,
        i32x4_relaxed_laneselect,
        i64x2_relaxed_laneselect,
    ] {
        assert_eq!(f(x, y, m), 0x2211);
        assert_eq!(
            f(a, b, 0x0f0f_u128 << 64),
            v128_bitselect(a, b, 0x0f0f_u128 << 64)
        );
    }
    assert_eq!(v128_any_true(0), 0);
    assert_eq!(v128_any_true(1 << 127), 1);
}

#[test]
fn i8x16_arith() {
    let a = pack([127i8, -128, -128, 127, 5, -5, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7]);
    let b = pack([1i8, -1, 1, -1, 3, 3, 0, -1, 0, 0, 0, 0, 0, 0, 0, 1]);
    let r = |v| unpack::<i8, 16>(v);
    assert_eq!(r(i8x16_add(a, b))[..8], [-128, 127, -127, 126, 8, -2, 0, 0]);
    assert_eq!(r(i8x16_sub(a, b))[..8], [126, -127, 127, -128, 2, -8, 0, 2]);
    assert_eq!(r(i8x16_add(a, b))[15], 8);
    assert_eq!(r(i8x16_add_sat_s(a, b))[..4], [127, -128, -127, 126]);
    assert_eq!(r(i8x16_sub_sat_s(a, b))[..4], [126, -127, -128, 127]);
    let (x, y) = (pack([250u8; 16]), pack([10u8; 16]));
    assert_eq!(unpack::<u8, 16>(i8x16_add_sat_u(x, y)), [255; 16]);
    assert_eq!(unpack::<u8, 16>(i8x16_sub_sat_u(y, x)), [0; 16]);
    assert_eq!(unpack::<u8, 16>(i8x16_sub_sat_u(x, y)), [240; 16]);
    assert_eq!(unpack::<u8, 16>(i8x16_add_sat_u(y, y)), [20; 16]);
    // -128 is the smallest signed but 0x80 > 1 unsigned.
    assert_eq!(r(i8x16_min_s(a, b))[..3], [1, -128, -128]);
    assert_eq!(r(i8x16_max_s(a, b))[..3], [127, -1, 1]);
    assert_eq!(unpack::<u8, 16>(i8x16_min_u(a, b))[..3], [1, 0x80, 1]);
    assert_eq!(unpack::<u8, 16>(i8x16_max_u(a, b))[..3], [127, 0xff, 0x80]);
    let (p, q) = (
        pack([255u8, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        pack([255u8, 1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    );
    assert_eq!(unpack::<u8, 16>(i8x16_avgr_u(p, q))[..5], [255, 1, 2, 1, 0]);
    assert_eq!(r(i8x16_abs(a))[..6], [127, -128, -128, 127, 5, 5]);
    assert_eq!(r(i8x16_neg(a))[..6], [-127, -128, -128, -127, -5, 5]);
    let c = pack([0u8, 0xff, 0x55, 0x80, 1, 3, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe]);
    let pc = unpack::<u8, 16>(i8x16_popcnt(c));
    assert_eq!(pc[..7], [0, 8, 4, 1, 1, 2, 3]);
    assert_eq!(pc[15], 7);
}

#[test]
fn i16x8_arith() {
    let a = pack([32767i16, -32768, -32768, 32767, 0x100, -3, 0, 7]);
    let b = pack([1i16, -1, 1, -1, 0x100, 5, 0, 1]);
    let r = |v| unpack::<i16, 8>(v);
    assert_eq!(
        r(i16x8_add(a, b)),
        [-32768, 32767, -32767, 32766, 0x200, 2, 0, 8]
    );
    assert_eq!(
        r(i16x8_sub(a, b)),
        [32766, -32767, 32767, -32768, 0, -8, 0, 6]
    );
    assert_eq!(
        r(i16x8_mul(a, b)),
        [32767, -32768, -32768, -32767, 0, -15, 0, 7]
    );
    assert_eq!(
        r(i16x8_add_sat_s(a, b))[..4],
        [32767, -32768, -32767, 32766]
    );
    assert_eq!(
        r(i16x8_sub_sat_s(a, b))[..4],
        [32766, -32767, -32768, 32767]
    );
    let (x, y) = (pack([65530u16; 8]), pack([10u16; 8]));
    assert_eq!(unpack::<u16, 8>(i16x8_add_sat_u(x, y)), [65535; 8]);
    assert_eq!(unpack::<u16, 8>(i16x8_sub_sat_u(y, x)), [0; 8]);
    assert_eq!(unpack::<u16, 8>(i16x8_sub_sat_u(x, y)), [65520; 8]);
    assert_eq!(r(i16x8_min_s(a, b))[..3], [1, -32768, -32768]);
    assert_eq!(r(i16x8_max_s(a, b))[..3], [32767, -1, 1]);
    assert_eq!(unpack::<u16, 8>(i16x8_min_u(a, b))[..3], [1, 0x8000, 1]);
    assert_eq!(
        unpack::<u16, 8>(i16x8_max_u(a, b))[..3],
        [32767, 0xffff, 0x8000]
    );
    let p = pack([65535u16, 0, 1, 1, 0, 0, 0, 0]);
    let q = pack([65535u16, 1, 2, 1, 0, 0, 0, 0]);
    assert_eq!(
        unpack::<u16, 8>(i16x8_avgr_u(p, q))[..5],
        [65535, 1, 2, 1, 0]
    );
    assert_eq!(
        r(i16x8_abs(a))[..6],
        [32767, -32768, -32768, 32767, 0x100, 3]
    );
    assert_eq!(
        r(i16x8_neg(a))[..6],
        [-32767, -32768, -32768, -32767, -0x100, 3]
    );
}

#[test]
fn q15mulr() {
    let a = pack([-32768i16, -32768, 16384, -32768, 1, -1, 32767, 0x2000]);
    let b = pack([-32768i16, 32767, 16384, 1, 0x4000, 0x4000, 32767, 3]);
    let want = [32767i16, -32767, 8192, -1, 1, 0, 32766, 1];
    assert_eq!(unpack::<i16, 8>(i16x8_q15mulr_sat_s(a, b)), want);
    assert_eq!(unpack::<i16, 8>(i16x8_relaxed_q15mulr_s(a, b)), want);
}

#[test]
fn i32x4_and_i64x2_arith() {
    let a = pack([i32::MAX, i32::MIN, -7, 0x1_0000]);
    let b = pack([1i32, -1, 3, 0x1_0000]);
    let r = |v| unpack::<i32, 4>(v);
    assert_eq!(r(i32x4_add(a, b)), [i32::MIN, i32::MAX, -4, 0x2_0000]);
    assert_eq!(r(i32x4_sub(a, b)), [i32::MAX - 1, i32::MIN + 1, -10, 0]);
    assert_eq!(r(i32x4_mul(a, b)), [i32::MAX, i32::MIN, -21, 0]);
    assert_eq!(r(i32x4_min_s(a, b)), [1, i32::MIN, -7, 0x1_0000]);
    assert_eq!(r(i32x4_max_s(a, b)), [i32::MAX, -1, 3, 0x1_0000]);
    assert_eq!(r(i32x4_min_u(a, b)), [1, i32::MIN, 3, 0x1_0000]);
    assert_eq!(r(i32x4_max_u(a, b)), [i32::MAX, -1, -7, 0x1_0000]);
    assert_eq!(r(i32x4_abs(a)), [i32::MAX, i32::MIN, 7, 0x1_0000]);
    assert_eq!(r(i32x4_neg(a)), [-i32::MAX, i32::MIN, 7, -0x1_0000]);

    let a = pack([i64::MAX, i64::MIN]);
    let b = pack([1i64, -1]);
    let r = |v| unpack::<i64, 2>(v);
    assert_eq!(r(i64x2_add(a, b)), [i64::MIN, i64::MAX]);
    assert_eq!(r(i64x2_sub(a, b)), [i64::MAX - 1, i64::MIN + 1]);
    assert_eq!(r(i64x2_mul(a, b)), [i64::MAX, i64::MIN]);
    assert_eq!(
        r(i64x2_mul(pack([1i64 << 32, -3]), pack([1i64 << 32, 5]))),
        [0, -15]
    );
    assert_eq!(r(i64x2_abs(a)), [i64::MAX, i64::MIN]);
    assert_eq!(r(i64x2_abs(b)), [1, 1]);
    assert_eq!(r(i64x2_neg(a)), [-i64::MAX, i64::MIN]);
}

#[test]
fn integer_compares() {
    // Lanes: (1, 2), (2, 2), (-1, 1), then (0, 0) for the rest.
    let a8 = pack([1i8, 2, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let b8 = pack([2i8, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let a16 = pack([1i16, 2, -1, 0, 0, 0, 0, 0]);
    let b16 = pack([2i16, 2, 1, 0, 0, 0, 0, 0]);
    let a32 = pack([1i32, 2, -1, 0]);
    let b32 = pack([2i32, 2, 1, 0]);
    let table: [(&str, [Bin; 3], &str); 10] = [
        ("eq", [i8x16_eq, i16x8_eq, i32x4_eq], "FTFT"),
        ("ne", [i8x16_ne, i16x8_ne, i32x4_ne], "TFTF"),
        ("lt_s", [i8x16_lt_s, i16x8_lt_s, i32x4_lt_s], "TFTF"),
        ("lt_u", [i8x16_lt_u, i16x8_lt_u, i32x4_lt_u], "TFFF"),
        ("gt_s", [i8x16_gt_s, i16x8_gt_s, i32x4_gt_s], "FFFF"),
        ("gt_u", [i8x16_gt_u, i16x8_gt_u, i32x4_gt_u], "FFTF"),
        ("le_s", [i8x16_le_s, i16x8_le_s, i32x4_le_s], "TTTT"),
        ("le_u", [i8x16_le_u, i16x8_le_u, i32x4_le_u], "TTFT"),
        ("ge_s", [i8x16_ge_s, i16x8_ge_s, i32x4_ge_s], "FTFT"),
        ("ge_u", [i8x16_ge_u, i16x8_ge_u, i32x4_ge_u], "FTTT"),
    ];
    for (name, [f8, f16, f32], expect) in table {
        check_cmp::<u8>(name, f8, a8, b8, expect);
        check_cmp::<u16>(name, f16, a16, b16, expect);
        check_cmp::<u32>(name, f32, a32, b32, expect);
    }
    // Swapped operands, so gt holds somewhere.
    check_cmp::<u8>("gt_s", i8x16_gt_s, b8, a8, "TFTF");
    check_cmp::<u16>("gt_s", i16x8_gt_s, b16, a16, "TFTF");
    check_cmp::<u32>("gt_s", i32x4_gt_s, b32, a32, "TFTF");
    check_cmp::<u8>("gt_u", i8x16_gt_u, b8, a8, "TFFF");

    let (a, b) = (pack([1i64, -1]), pack([2i64, 1]));
    let (c, d) = (pack([2i64, 1]), pack([2i64, -1]));
    let table: [(&str, Bin, &str, &str); 6] = [
        ("eq", i64x2_eq, "FF", "TF"),
        ("ne", i64x2_ne, "TT", "FT"),
        ("lt_s", i64x2_lt_s, "TT", "FF"),
        ("gt_s", i64x2_gt_s, "FF", "FT"),
        ("le_s", i64x2_le_s, "TT", "TF"),
        ("ge_s", i64x2_ge_s, "FF", "TT"),
    ];
    for (name, f, e1, e2) in table {
        check_cmp::<u64>(name, f, a, b, e1);
        check_cmp::<u64>(name, f, c, d, e2);
    }
    assert_eq!(i8x16_eq(a8, a8), u128::MAX);
}

#[test]
fn shifts() {
    let v8 = pack([0x81u8; 16]);
    for (n, shl, shr_s, shr_u) in [
        (1, 0x02u8, 0xc0u8, 0x40u8),
        (7, 0x80, 0xff, 0x01),
        (8, 0x81, 0x81, 0x81),
        (9, 0x02, 0xc0, 0x40),
        (u32::MAX, 0x80, 0xff, 0x01),
    ] {
        assert_eq!(i8x16_shl(v8, n), pack([shl; 16]), "shl {n}");
        assert_eq!(i8x16_shr_s(v8, n), pack([shr_s; 16]), "shr_s {n}");
        assert_eq!(i8x16_shr_u(v8, n), pack([shr_u; 16]), "shr_u {n}");
    }
    let v16 = pack([0x8001u16; 8]);
    for (n, shl, shr_s, shr_u) in [
        (1, 0x0002u16, 0xc000u16, 0x4000u16),
        (16, 0x8001, 0x8001, 0x8001),
        (17, 0x0002, 0xc000, 0x4000),
        (15, 0x8000, 0xffff, 0x0001),
    ] {
        assert_eq!(i16x8_shl(v16, n), pack([shl; 8]), "shl {n}");
        assert_eq!(i16x8_shr_s(v16, n), pack([shr_s; 8]), "shr_s {n}");
        assert_eq!(i16x8_shr_u(v16, n), pack([shr_u; 8]), "shr_u {n}");
    }
    let v32 = pack([0x8000_0001u32; 4]);
    for (n, shl, shr_s, shr_u) in [
        (1, 0x0000_0002u32, 0xc000_0000u32, 0x4000_0000u32),
        (32, 0x8000_0001, 0x8000_0001, 0x8000_0001),
        (33, 0x0000_0002, 0xc000_0000, 0x4000_0000),
    ] {
        assert_eq!(i32x4_shl(v32, n), pack([shl; 4]), "shl {n}");
        assert_eq!(i32x4_shr_s(v32, n), pack([shr_s; 4]), "shr_s {n}");
        assert_eq!(i32x4_shr_u(v32, n), pack([shr_u; 4]), "shr_u {n}");
    }
    let v64 = pack([0x8000_0000_0000_0001u64; 2]);
    for (n, shl, shr_s, shr_u) in [
        (
            1,
            0x2u64,
            0xc000_0000_0000_0000u64,
            0x4000_0000_0000_0000u64,
        ),
        (
            64,
            0x8000_0000_0000_0001,
            0x8000_0000_0000_0001,
            0x8000_0000_0000_0001,
        ),
        (65, 0x2, 0xc000_0000_0000_0000, 0x4000_0000_0000_0000),
    ] {
        assert_eq!(i64x2_shl(v64, n), pack([shl; 2]), "shl {n}");
        assert_eq!(i64x2_shr_s(v64, n), pack([shr_s; 2]), "shr_s {n}");
        assert_eq!(i64x2_shr_u(v64, n), pack([shr_u; 2]), "shr_u {n}");
    }
    // Lanes shift independently: no bits cross lane boundaries.
    assert_eq!(
        i32x4_shl(pack([0xffff_ffffu32, 0, 0, 0]), 4),
        pack([0xffff_fff0u32, 0, 0, 0])
    );
    assert_eq!(
        i32x4_shr_u(pack([0u32, 0xffff_ffff, 0, 0]), 4),
        pack([0u32, 0x0fff_ffff, 0, 0])
    );
}

#[test]
fn all_true_and_bitmask() {
    assert_eq!(i8x16_all_true(pack([1u8; 16])), 1);
    assert_eq!(i8x16_all_true(pack([1u8; 16]) & !(0xff << 72)), 0);
    assert_eq!(i16x8_all_true(pack([0x0100u16; 8])), 1);
    assert_eq!(i16x8_all_true(pack([1u16, 1, 1, 1, 1, 1, 1, 0])), 0);
    assert_eq!(
        i32x4_all_true(pack([0x8000_0000u32, 1, 0x100, 0x1_0000])),
        1
    );
    assert_eq!(i32x4_all_true(pack([1u32, 0, 1, 1])), 0);
    assert_eq!(i64x2_all_true(pack([1u64 << 63, 1])), 1);
    assert_eq!(i64x2_all_true(pack([0u64, 1])), 0);
    assert_eq!(i64x2_all_true(0), 0);

    let mut l = [1i8; 16];
    l[0] = -1;
    l[3] = -128;
    l[15] = -2;
    assert_eq!(i8x16_bitmask(pack(l)), 0b1000_0000_0000_1001);
    assert_eq!(i8x16_bitmask(u128::MAX), 0xffff);
    assert_eq!(
        i16x8_bitmask(pack([-1i16, 0x7fff, 0, -32768, 1, 1, 1, -5])),
        0b1000_1001
    );
    assert_eq!(i32x4_bitmask(pack([0i32, -1, i32::MAX, i32::MIN])), 0b1010);
    assert_eq!(i64x2_bitmask(pack([-1i64, 1])), 0b01);
    assert_eq!(i64x2_bitmask(pack([1i64, i64::MIN])), 0b10);
}

#[test]
fn extend_and_loads() {
    let src: [i8; 16] = [
        -1, 2, -128, 127, 5, -6, 7, -8, -9, 10, -11, 12, -13, 14, -15, 127,
    ];
    let v = pack(src);
    let s16_lo: [i16; 8] = std::array::from_fn(|i| src[i].into());
    let s16_hi: [i16; 8] = std::array::from_fn(|i| src[i + 8].into());
    let u16_lo: [u16; 8] = std::array::from_fn(|i| (src[i] as u8).into());
    let u16_hi: [u16; 8] = std::array::from_fn(|i| (src[i + 8] as u8).into());
    assert_eq!(unpack::<i16, 8>(i16x8_extend_low_i8x16_s(v)), s16_lo);
    assert_eq!(unpack::<i16, 8>(i16x8_extend_high_i8x16_s(v)), s16_hi);
    assert_eq!(unpack::<u16, 8>(i16x8_extend_low_i8x16_u(v)), u16_lo);
    assert_eq!(unpack::<u16, 8>(i16x8_extend_high_i8x16_u(v)), u16_hi);
    assert_eq!(
        unpack::<u16, 8>(i16x8_extend_low_i8x16_u(v))[..3],
        [255, 2, 128]
    );
    assert_eq!(unpack::<i16, 8>(i16x8_extend_high_i8x16_s(v))[0], -9);

    let v = pack([-1i16, 2, -32768, 32767, -5, 6, 7, -8]);
    assert_eq!(
        unpack::<i32, 4>(i32x4_extend_low_i16x8_s(v)),
        [-1, 2, -32768, 32767]
    );
    assert_eq!(
        unpack::<i32, 4>(i32x4_extend_high_i16x8_s(v)),
        [-5, 6, 7, -8]
    );
    assert_eq!(
        unpack::<u32, 4>(i32x4_extend_low_i16x8_u(v)),
        [65535, 2, 32768, 32767]
    );
    assert_eq!(
        unpack::<u32, 4>(i32x4_extend_high_i16x8_u(v)),
        [65531, 6, 7, 65528]
    );

    let v = pack([-1i32, i32::MIN, 3, -4]);
    assert_eq!(
        unpack::<i64, 2>(i64x2_extend_low_i32x4_s(v)),
        [-1, i32::MIN.into()]
    );
    assert_eq!(unpack::<i64, 2>(i64x2_extend_high_i32x4_s(v)), [3, -4]);
    assert_eq!(
        unpack::<u64, 2>(i64x2_extend_low_i32x4_u(v)),
        [0xffff_ffff, 0x8000_0000]
    );
    assert_eq!(
        unpack::<u64, 2>(i64x2_extend_high_i32x4_u(v)),
        [3, 0xffff_fffc]
    );

    let m = u64::from_le_bytes([0x80, 0x7f, 0xff, 1, 2, 3, 4, 0xfe]);
    assert_eq!(
        unpack::<i16, 8>(v128_load8x8_s(m)),
        [-128, 127, -1, 1, 2, 3, 4, -2]
    );
    assert_eq!(
        unpack::<u16, 8>(v128_load8x8_u(m)),
        [128, 127, 255, 1, 2, 3, 4, 254]
    );
    let m = u64::from_le_bytes([0x00, 0x80, 0xff, 0x7f, 1, 0, 0xfe, 0xff]);
    assert_eq!(unpack::<i32, 4>(v128_load16x4_s(m)), [-32768, 32767, 1, -2]);
    assert_eq!(
        unpack::<u32, 4>(v128_load16x4_u(m)),
        [32768, 32767, 1, 65534]
    );
    let m = 0x8000_0000_0000_0005_u64;
    assert_eq!(unpack::<i64, 2>(v128_load32x2_s(m)), [5, i32::MIN.into()]);
    assert_eq!(unpack::<u64, 2>(v128_load32x2_u(m)), [5, 0x8000_0000]);
}

#[test]
fn extmul() {
    let mut a = [0i8; 16];
    let mut b = [0i8; 16];
    (a[0], b[0], a[1], b[1], a[2], b[2]) = (-128, -128, 127, -128, -1, -1);
    (a[8], b[8], a[9], b[9], a[15], b[15]) = (-128, 127, 3, -4, -1, 1);
    let (a, b) = (pack(a), pack(b));
    let r = unpack::<i16, 8>(i16x8_extmul_low_i8x16_s(a, b));
    assert_eq!(r[..3], [16384, -16256, 1]);
    let r = unpack::<i16, 8>(i16x8_extmul_high_i8x16_s(a, b));
    assert_eq!(r, [-16256, -12, 0, 0, 0, 0, 0, -1]);
    let r = unpack::<u16, 8>(i16x8_extmul_low_i8x16_u(a, b));
    assert_eq!(r[..3], [16384, 127 * 128, 65025]);
    let r = unpack::<u16, 8>(i16x8_extmul_high_i8x16_u(a, b));
    assert_eq!(r, [128 * 127, 3 * 252, 0, 0, 0, 0, 0, 255]);

    let a = pack([-32768i16, -1, 2, 3, -32768, 32767, -1, 0]);
    let b = pack([-32768i16, -1, -3, 4, 32767, 32767, 1, 9]);
    let r = |v| unpack::<i32, 4>(v);
    assert_eq!(r(i32x4_extmul_low_i16x8_s(a, b)), [1 << 30, 1, -6, 12]);
    assert_eq!(
        r(i32x4_extmul_high_i16x8_s(a, b)),
        [-1_073_709_056, 1_073_676_289, -1, 0]
    );
    let r = |v| unpack::<u32, 4>(v);
    assert_eq!(
        r(i32x4_extmul_low_i16x8_u(a, b)),
        [1 << 30, 4_294_836_225, 2 * 65533, 12]
    );
    assert_eq!(
        r(i32x4_extmul_high_i16x8_u(a, b))[..3],
        [32768 * 32767, 32767 * 32767, 65535]
    );

    let a = pack([i32::MIN, -1, 7, u32::MAX as i32]);
    let b = pack([i32::MIN, -1, -2, u32::MAX as i32]);
    assert_eq!(
        unpack::<i64, 2>(i64x2_extmul_low_i32x4_s(a, b)),
        [1 << 62, 1]
    );
    assert_eq!(unpack::<i64, 2>(i64x2_extmul_high_i32x4_s(a, b)), [-14, 1]);
    assert_eq!(
        unpack::<u64, 2>(i64x2_extmul_low_i32x4_u(a, b)),
        [1 << 62, 0xffff_fffe_0000_0001]
    );
    assert_eq!(
        unpack::<u64, 2>(i64x2_extmul_high_i32x4_u(a, b)),
        [7 * 0xffff_fffe, 0xffff_fffe_0000_0001]
    );
}

#[test]
fn extadd_pairwise() {
    let v = pack([
        -128i8, -128, 127, 127, -1, 1, 5, 6, 0, 0, 0, 0, 0, 0, -1, -1,
    ]);
    assert_eq!(
        unpack::<i16, 8>(i16x8_extadd_pairwise_i8x16_s(v)),
        [-256, 254, 0, 11, 0, 0, 0, -2]
    );
    assert_eq!(
        unpack::<u16, 8>(i16x8_extadd_pairwise_i8x16_u(v)),
        [256, 254, 256, 11, 0, 0, 0, 510]
    );
    let v = pack([-32768i16, -32768, 32767, 32767, -1, 1, -1, -1]);
    assert_eq!(
        unpack::<i32, 4>(i32x4_extadd_pairwise_i16x8_s(v)),
        [-65536, 65534, 0, -2]
    );
    assert_eq!(
        unpack::<u32, 4>(i32x4_extadd_pairwise_i16x8_u(v)),
        [65536, 65534, 65536, 131070]
    );
}

#[test]
fn narrow() {
    let a = pack([300i16, -300, 127, -128, 128, -129, 0, 1]);
    let b = pack([-1i16, 255, 256, 32767, -32768, 2, 3, 4]);
    assert_eq!(
        unpack::<i8, 16>(i8x16_narrow_i16x8_s(a, b)),
        [127, -128, 127, -128, 127, -128, 0, 1, -1, 127, 127, 127, -128, 2, 3, 4]
    );
    assert_eq!(
        unpack::<u8, 16>(i8x16_narrow_i16x8_u(a, b)),
        [255, 0, 127, 0, 128, 0, 0, 1, 0, 255, 255, 255, 0, 2, 3, 4]
    );
    let a = pack([70000i32, -70000, 32767, -32768]);
    let b = pack([65535i32, 65536, -1, i32::MIN]);
    assert_eq!(
        unpack::<i16, 8>(i16x8_narrow_i32x4_s(a, b)),
        [32767, -32768, 32767, -32768, 32767, 32767, -1, -32768]
    );
    assert_eq!(
        unpack::<u16, 8>(i16x8_narrow_i32x4_u(a, b)),
        [65535, 0, 32767, 0, 65535, 65535, 0, 0]
    );
}

#[test]
fn dot() {
    let a = pack([-32768i16, -32768, 1, 2, -1, 1, 32767, 32767]);
    let b = pack([-32768i16, -32768, 3, 4, 5, 6, 32767, 32767]);
    assert_eq!(
        unpack::<i32, 4>(i32x4_dot_i16x8_s(a, b)),
        [i32::MIN, 11, 1, 2_147_352_578]
    );
}

#[test]
fn relaxed_dot() {
    let a = pack([
        127i8, 127, -128, -128, -1, 2, 100, 27, 1, 1, -1, -1, 0, 0, 0, 0,
    ]);
    let b = pack([
        0xffu8, 0xff, 0xff, 0xff, 0x80, 3, 0x80, 0xff, 0x7f, 0x80, 0x7f, 0x80, 0, 0, 0, 0,
    ]);
    let d = i16x8_relaxed_dot_i8x16_i7x16_s(a, b);
    assert_eq!(
        unpack::<i16, 8>(d),
        [32767, -32768, -122, 19685, 255, -255, 0, 0]
    );
    let c = pack([1i32, 0, i32::MAX, 10]);
    // Lanes: 32767 + -32768 + 1, -122 + 19685 + 0, 255 - 255 + MAX, 0 + 10.
    let r = i32x4_relaxed_dot_i8x16_i7x16_add_s(a, b, c);
    assert_eq!(unpack::<i32, 4>(r), [0, 19563, i32::MAX, 10]);
    // Two saturated-negative i16 lanes sign-extend before the sum; the add wraps.
    let a = pack([-128i8; 16]);
    let b = pack([0xffu8; 16]);
    let c = pack([0i32, i32::MIN, 65536, 1]);
    let r = i32x4_relaxed_dot_i8x16_i7x16_add_s(a, b, c);
    assert_eq!(unpack::<i32, 4>(r), [-65536, i32::MAX - 65535, 0, -65535]);
    let r = i32x4_relaxed_dot_i8x16_i7x16_add_s(pack([127i8; 16]), b, pack([i32::MAX; 4]));
    assert_eq!(unpack::<i32, 4>(r), [i32::MIN + 65533; 4]);
}

#[test]
fn swizzle_and_shuffle() {
    let a = pack::<u8, 16>(std::array::from_fn(|i| 0x10 + i as u8));
    let b = pack::<u8, 16>(std::array::from_fn(|i| 0x20 + i as u8));
    let s = pack([0u8, 15, 16, 255, 0x80, 3, 31, 17, 1, 1, 1, 1, 1, 1, 1, 14]);
    let want = [
        0x10u8, 0x1f, 0, 0, 0, 0x13, 0, 0, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1e,
    ];
    assert_eq!(unpack::<u8, 16>(i8x16_swizzle(a, s)), want);
    assert_eq!(unpack::<u8, 16>(i8x16_relaxed_swizzle(a, s)), want);
    let l = pack([31u8, 16, 0, 15, 17, 1, 30, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert_eq!(
        unpack::<u8, 16>(i8x16_shuffle(a, b, l)),
        [
            0x2f, 0x20, 0x10, 0x1f, 0x21, 0x11, 0x2e, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
            0x19, 0x1a
        ]
    );
    assert_eq!(i8x16_shuffle(a, b, 0), pack([0x10u8; 16]));
}

#[test]
fn splat_extract_replace() {
    assert_eq!(i8x16_splat(0x1_23), pack([0x23u8; 16]));
    assert_eq!(i16x8_splat(0xffff_abcd), pack([0xabcdu16; 8]));
    assert_eq!(
        i32x4_splat(0xdead_beef_1234_5678),
        pack([0x1234_5678u32; 4])
    );
    assert_eq!(
        i64x2_splat(0xdead_beef_1234_5678),
        pack([0xdead_beef_1234_5678u64; 2])
    );
    assert_eq!(f32x4_splat(1.5f32.to_bits().into()), pack([1.5f32; 4]));
    assert_eq!(f64x2_splat((-2.25f64).to_bits()), pack([-2.25f64; 2]));

    let v = pack([0x7fu8, 0x80, 0xff, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80]);
    assert_eq!(i8x16_extract_lane_s(v, 0), 0x7f);
    assert_eq!(i8x16_extract_lane_s(v, 1), 0xffff_ff80);
    assert_eq!(i8x16_extract_lane_s(v, 2), 0xffff_ffff);
    assert_eq!(i8x16_extract_lane_s(v, 15), 0xffff_ff80);
    assert_eq!(i8x16_extract_lane_u(v, 1), 0x80);
    assert_eq!(i8x16_extract_lane_u(v, 2), 0xff);
    let v = pack([0x8000u16, 0x7fff, 0xffff, 0, 0, 0, 0, 0x1234]);
    assert_eq!(i16x8_extract_lane_s(v, 0), 0xffff_8000);
    assert_eq!(i16x8_extract_lane_s(v, 1), 0x7fff);
    assert_eq!(i16x8_extract_lane_s(v, 2), 0xffff_ffff);
    assert_eq!(i16x8_extract_lane_u(v, 0), 0x8000);
    assert_eq!(i16x8_extract_lane_u(v, 7), 0x1234);
    let v = pack([1u32, 0x8000_0000, 3, 0xffff_ffff]);
    assert_eq!(i32x4_extract_lane(v, 1), 0x8000_0000);
    assert_eq!(i32x4_extract_lane(v, 3), 0xffff_ffff);
    assert_eq!(i64x2_extract_lane(pack([1u64, u64::MAX]), 1), u64::MAX);
    let v = pack([1.0f32, -0.5, f32::INFINITY, -0.0]);
    assert_eq!(f32x4_extract_lane(v, 1), (-0.5f32).to_bits() as u64);
    assert_eq!(f32x4_extract_lane(v, 3), 0x8000_0000);
    assert_eq!(f64x2_extract_lane(pack([1.0f64, -0.0]), 1), 1 << 63);
    let nan = f32::from_bits(0x7fa0_0001);
    assert_eq!(f32x4_extract_lane(pack([nan; 4]), 2), 0x7fa0_0001);

    let v = u128::MAX;
    let r = i8x16_replace_lane(v, 3, 0xffff_ff12);
    assert_eq!(unpack::<u8, 16>(r)[2..5], [0xff, 0x12, 0xff]);
    assert_eq!(r | (0xff << 24), u128::MAX);
    let r = i16x8_replace_lane(v, 7, 0xffff_0000);
    assert_eq!(r, u128::MAX >> 16);
    let r = i32x4_replace_lane(0, 1, 0xffff_ffff_8765_4321);
    assert_eq!(r, 0x8765_4321 << 32);
    let r = i64x2_replace_lane(v, 0, 0x1234);
    assert_eq!(r, (u128::MAX << 64) | 0x1234);
    let r = f32x4_replace_lane(pack([1.0f32; 4]), 2, 2.5f32.to_bits().into());
    assert_eq!(r, pack([1.0f32, 1.0, 2.5, 1.0]));
    let r = f64x2_replace_lane(pack([1.0f64; 2]), 1, f64::NAN.to_bits());
    assert_eq!(unpack::<u64, 2>(r), [1.0f64.to_bits(), f64::NAN.to_bits()]);
}

#[test]
fn float_arith() {
    let a = pack([1.5f32, -2.0, 1.0, 0.0]);
    let b = pack([0.25f32, 4.0, 0.0, 0.0]);
    let r = |v| unpack::<f32, 4>(v);
    assert_eq!(r(f32x4_add(a, b))[..3], [1.75, 2.0, 1.0]);
    assert_eq!(r(f32x4_sub(a, b))[..3], [1.25, -6.0, 1.0]);
    assert_eq!(r(f32x4_mul(a, b))[..3], [0.375, -8.0, 0.0]);
    let d = r(f32x4_div(a, b));
    assert_eq!(d[..3], [6.0, -0.5, f32::INFINITY]);
    assert!(d[3].is_nan());
    assert!(r(f32x4_add(
        pack([f32::INFINITY; 4]),
        pack([f32::NEG_INFINITY; 4])
    ))[0]
        .is_nan());

    let a = pack([1.5f64, -2.0]);
    let b = pack([0.25f64, 0.0]);
    let r = |v| unpack::<f64, 2>(v);
    assert_eq!(r(f64x2_add(a, b)), [1.75, -2.0]);
    assert_eq!(r(f64x2_sub(a, b)), [1.25, -2.0]);
    assert_eq!(bits64(r(f64x2_mul(a, b))), bits64([0.375, -0.0]));
    assert_eq!(r(f64x2_div(a, b)), [6.0, f64::NEG_INFINITY]);
}

#[test]
fn float_min_max() {
    let nan = f32::NAN;
    let a = pack([nan, 1.0, -0.0, 0.0]);
    let b = pack([1.0f32, nan, 0.0, -0.0]);
    let min = unpack::<f32, 4>(f32x4_min(a, b));
    let max = unpack::<f32, 4>(f32x4_max(a, b));
    assert!(min[0].is_nan() && min[1].is_nan() && max[0].is_nan() && max[1].is_nan());
    assert_eq!(
        bits32([min[2], min[3], max[2], max[3]]),
        bits32([-0.0, -0.0, 0.0, 0.0])
    );
    let (c, d) = (
        pack([1.0f32, -3.0, 2.0, f32::NEG_INFINITY]),
        pack([2.0f32, 5.0, -7.0, 0.0]),
    );
    assert_eq!(
        unpack::<f32, 4>(f32x4_min(c, d)),
        [1.0, -3.0, -7.0, f32::NEG_INFINITY]
    );
    assert_eq!(unpack::<f32, 4>(f32x4_max(c, d)), [2.0, 5.0, 2.0, 0.0]);
    // Signalling NaN comes back quiet.
    let snan = pack([f32::from_bits(0x7fa0_0000); 4]);
    assert_ne!(unpack::<u32, 4>(f32x4_min(snan, c))[0] & 0x0040_0000, 0);

    // pmin(a, b) = b < a ? b : a; pmax(a, b) = a < b ? b : a.
    let pmin = unpack::<f32, 4>(f32x4_pmin(a, b));
    let pmax = unpack::<f32, 4>(f32x4_pmax(a, b));
    assert!(pmin[0].is_nan() && pmax[0].is_nan());
    assert_eq!(bits32(pmin)[1..], bits32([1.0, -0.0, 0.0]));
    assert_eq!(bits32(pmax)[1..], bits32([1.0, -0.0, 0.0]));
    assert_eq!(
        unpack::<f32, 4>(f32x4_pmin(c, d)),
        [1.0, -3.0, -7.0, f32::NEG_INFINITY]
    );
    assert_eq!(unpack::<f32, 4>(f32x4_pmax(c, d)), [2.0, 5.0, 2.0, 0.0]);

    // Relaxed: a < b ? a : b and a > b ? a : b, so b on NaN and on ±0 ties.
    let rmin = unpack::<f32, 4>(f32x4_relaxed_min(a, b));
    let rmax = unpack::<f32, 4>(f32x4_relaxed_max(a, b));
    assert_eq!(rmin[0], 1.0);
    assert!(rmin[1].is_nan());
    assert_eq!(bits32(rmin)[2..], bits32([0.0, -0.0]));
    assert_eq!(rmax[0], 1.0);
    assert!(rmax[1].is_nan());
    assert_eq!(bits32(rmax)[2..], bits32([0.0, -0.0]));
    assert_eq!(
        unpack::<f32, 4>(f32x4_relaxed_min(c, d)),
        [1.0, -3.0, -7.0, f32::NEG_INFINITY]
    );
    assert_eq!(
        unpack::<f32, 4>(f32x4_relaxed_max(c, d)),
        [2.0, 5.0, 2.0, 0.0]
    );

    let nan = f64::NAN;
    let (a, b) = (pack([nan, -0.0]), pack([1.0f64, 0.0]));
    let (c, d) = (pack([0.0f64, 1.0]), pack([-0.0f64, nan]));
    let r = |v| unpack::<f64, 2>(v);
    assert!(r(f64x2_min(a, b))[0].is_nan() && r(f64x2_min(c, d))[1].is_nan());
    assert!(r(f64x2_max(a, b))[0].is_nan() && r(f64x2_max(c, d))[1].is_nan());
    assert_eq!(bits64(r(f64x2_min(a, b)))[1], (-0.0f64).to_bits());
    assert_eq!(bits64(r(f64x2_min(c, d)))[0], (-0.0f64).to_bits());
    assert_eq!(bits64(r(f64x2_max(a, b)))[1], 0);
    assert_eq!(bits64(r(f64x2_max(c, d)))[0], 0);
    assert_eq!(
        r(f64x2_min(pack([1.0f64, 5.0]), pack([2.0f64, -1.0]))),
        [1.0, -1.0]
    );
    assert_eq!(
        r(f64x2_max(pack([1.0f64, 5.0]), pack([2.0f64, -1.0]))),
        [2.0, 5.0]
    );
    assert!(r(f64x2_pmin(a, b))[0].is_nan() && r(f64x2_pmax(a, b))[0].is_nan());
    assert_eq!(bits64(r(f64x2_pmin(a, b)))[1], (-0.0f64).to_bits());
    assert_eq!(bits64(r(f64x2_pmax(a, b)))[1], (-0.0f64).to_bits());
    assert_eq!(r(f64x2_pmin(c, d))[1], 1.0);
    assert_eq!(r(f64x2_pmax(c, d))[1], 1.0);
    assert_eq!(
        r(f64x2_pmin(pack([3.0f64, 1.0]), pack([2.0f64, 4.0]))),
        [2.0, 1.0]
    );
    assert_eq!(
        r(f64x2_pmax(pack([3.0f64, 1.0]), pack([2.0f64, 4.0]))),
        [3.0, 4.0]
    );
    assert_eq!(r(f64x2_relaxed_min(a, b))[0], 1.0);
    assert_eq!(r(f64x2_relaxed_max(a, b))[0], 1.0);
    assert!(r(f64x2_relaxed_min(c, d))[1].is_nan() && r(f64x2_relaxed_max(c, d))[1].is_nan());
    assert_eq!(bits64(r(f64x2_relaxed_min(c, d)))[0], (-0.0f64).to_bits());
    assert_eq!(bits64(r(f64x2_relaxed_max(a, b)))[1], 0);
    assert_eq!(
        r(f64x2_relaxed_min(pack([3.0f64, 1.0]), pack([2.0f64, 4.0]))),
        [2.0, 1.0]
    );
    assert_eq!(
        r(f64x2_relaxed_max(pack([3.0f64, 1.0]), pack([2.0f64, 4.0]))),
        [3.0, 4.0]
    );
}

#[test]
fn float_compares() {
    let a = pack([1.0f32, f32::NAN, -0.0, 2.0]);
    let b = pack([2.0f32, 1.0, 0.0, 2.0]);
    let table: [(&str, Bin, &str); 6] = [
        ("eq", f32x4_eq, "FFTT"),
        ("ne", f32x4_ne, "TTFF"),
        ("lt", f32x4_lt, "TFFF"),
        ("gt", f32x4_gt, "FFFF"),
        ("le", f32x4_le, "TFTT"),
        ("ge", f32x4_ge, "FFTT"),
    ];
    for (name, f, expect) in table {
        check_cmp::<u32>(name, f, a, b, expect);
    }
    check_cmp::<u32>("gt", f32x4_gt, b, a, "TFFF");
    let (a, b) = (pack([1.0f64, f64::NAN]), pack([2.0f64, f64::NAN]));
    let (c, d) = (pack([-0.0f64, 3.0]), pack([0.0f64, 2.0]));
    let table: [(&str, Bin, &str, &str); 6] = [
        ("eq", f64x2_eq, "FF", "TF"),
        ("ne", f64x2_ne, "TT", "FT"),
        ("lt", f64x2_lt, "TF", "FF"),
        ("gt", f64x2_gt, "FF", "FT"),
        ("le", f64x2_le, "TF", "TF"),
        ("ge", f64x2_ge, "FF", "TT"),
    ];
    for (name, f, e1, e2) in table {
        check_cmp::<u64>(name, f, a, b, e1);
        check_cmp::<u64>(name, f, c, d, e2);
    }
}

#[test]
fn float_unary() {
    let nan = f32::from_bits(0xffc0_0001);
    let v = pack([-0.0f32, -1.5, nan, 3.0]);
    assert_eq!(
        unpack::<u32, 4>(f32x4_abs(v)),
        [0, 1.5f32.to_bits(), 0x7fc0_0001, 3.0f32.to_bits()]
    );
    assert_eq!(
        unpack::<u32, 4>(f32x4_neg(v)),
        [0, 1.5f32.to_bits(), 0x7fc0_0001, (-3.0f32).to_bits()]
    );
    let v = pack([-0.0f64, f64::from_bits(0x7ff8_0000_0000_0001)]);
    assert_eq!(unpack::<u64, 2>(f64x2_abs(v)), [0, 0x7ff8_0000_0000_0001]);
    assert_eq!(unpack::<u64, 2>(f64x2_neg(v)), [0, 0xfff8_0000_0000_0001]);
    assert_eq!(
        unpack::<f64, 2>(f64x2_neg(pack([1.0f64, -2.0]))),
        [-1.0, 2.0]
    );
    assert_eq!(
        unpack::<f64, 2>(f64x2_abs(pack([1.0f64, -2.0]))),
        [1.0, 2.0]
    );

    let s = unpack::<f32, 4>(f32x4_sqrt(pack([4.0f32, 2.0, -1.0, -0.0])));
    assert_eq!(
        bits32([s[0], s[1], s[3]]),
        bits32([2.0, std::f32::consts::SQRT_2, -0.0])
    );
    assert!(s[2].is_nan());
    let s = unpack::<f64, 2>(f64x2_sqrt(pack([9.0f64, -4.0])));
    assert_eq!(s[0], 3.0);
    assert!(s[1].is_nan());

    type Un = fn(u128) -> u128;
    let cases: [(&str, Un, Un, [f64; 8]); 4] = [
        (
            "ceil",
            f32x4_ceil,
            f64x2_ceil,
            [2.0, -1.0, -0.0, 1.0, 3.0, -2.0, 0.0, -0.0],
        ),
        (
            "floor",
            f32x4_floor,
            f64x2_floor,
            [1.0, -2.0, -1.0, 0.0, 2.0, -3.0, 0.0, -0.0],
        ),
        (
            "trunc",
            f32x4_trunc,
            f64x2_trunc,
            [1.0, -1.0, -0.0, 0.0, 2.0, -2.0, 0.0, -0.0],
        ),
        (
            "nearest",
            f32x4_nearest,
            f64x2_nearest,
            [2.0, -2.0, -0.0, 0.0, 2.0, -2.0, 0.0, -0.0],
        ),
    ];
    let inputs = [1.5, -1.5, -0.5, 0.5, 2.5, -2.5, 0.0, -0.0];
    for (name, f32op, f64op, want) in cases {
        for k in 0..2 {
            let x: [f32; 4] = std::array::from_fn(|i| inputs[4 * k + i] as f32);
            let w: [f32; 4] = std::array::from_fn(|i| want[4 * k + i] as f32);
            assert_eq!(
                bits32(unpack::<f32, 4>(f32op(pack(x)))),
                bits32(w),
                "{name} f32"
            );
        }
        for k in 0..4 {
            let x = [inputs[2 * k], inputs[2 * k + 1]];
            let w = [want[2 * k], want[2 * k + 1]];
            assert_eq!(
                bits64(unpack::<f64, 2>(f64op(pack(x)))),
                bits64(w),
                "{name} f64"
            );
        }
        let big = pack([1e30f32, -1e30, f32::INFINITY, 8388609.0]);
        assert_eq!(f32op(big), big, "{name} big");
        // NaN stays NaN, and a signalling NaN comes back quiet.
        let r = unpack::<u32, 4>(f32op(pack([f32::from_bits(0x7fa0_0000); 4])));
        assert!(
            f32::from_bits(r[0]).is_nan() && r[0] & 0x0040_0000 != 0,
            "{name} nan"
        );
        let r = unpack::<u64, 2>(f64op(pack([f64::from_bits(0xfff4_0000_0000_0000); 2])));
        assert!(
            f64::from_bits(r[0]).is_nan() && r[0] & (1 << 51) != 0,
            "{name} nan"
        );
    }
    assert_eq!(
        unpack::<f32, 4>(f32x4_nearest(pack([3.5f32, 4.5, -3.5, 0.49999997]))),
        [4.0, 4.0, -4.0, 0.0]
    );
}

#[test]
fn trunc_sat() {
    let v = pack([f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 3e9]);
    let w = pack([-3e9f32, -1.9, 2_147_483_520.0, -0.0]);
    for f in [i32x4_trunc_sat_f32x4_s, i32x4_relaxed_trunc_f32x4_s] {
        assert_eq!(unpack::<i32, 4>(f(v)), [0, i32::MAX, i32::MIN, i32::MAX]);
        assert_eq!(unpack::<i32, 4>(f(w)), [i32::MIN, -1, 2_147_483_520, 0]);
    }
    let w = pack([-1.0f32, -0.9, 4_294_967_040.0, 4.3e9]);
    for f in [i32x4_trunc_sat_f32x4_u, i32x4_relaxed_trunc_f32x4_u] {
        assert_eq!(unpack::<u32, 4>(f(v)), [0, u32::MAX, 0, 3_000_000_000]);
        assert_eq!(unpack::<u32, 4>(f(w)), [0, 0, 4_294_967_040, u32::MAX]);
    }
    for f in [
        i32x4_trunc_sat_f64x2_s_zero,
        i32x4_relaxed_trunc_f64x2_s_zero,
    ] {
        assert_eq!(
            unpack::<i32, 4>(f(pack([f64::NAN, 1e10]))),
            [0, i32::MAX, 0, 0]
        );
        assert_eq!(
            unpack::<i32, 4>(f(pack([f64::NEG_INFINITY, -2.9]))),
            [i32::MIN, -2, 0, 0]
        );
        assert_eq!(
            unpack::<i32, 4>(f(pack([2_147_483_647.9f64, -2_147_483_648.9]))),
            [i32::MAX, i32::MIN, 0, 0]
        );
    }
    for f in [
        i32x4_trunc_sat_f64x2_u_zero,
        i32x4_relaxed_trunc_f64x2_u_zero,
    ] {
        assert_eq!(
            unpack::<u32, 4>(f(pack([-1.0f64, 4_294_967_295.9]))),
            [0, u32::MAX, 0, 0]
        );
        assert_eq!(
            unpack::<u32, 4>(f(pack([f64::NAN, f64::INFINITY]))),
            [0, u32::MAX, 0, 0]
        );
        assert_eq!(
            unpack::<u32, 4>(f(pack([1e20f64, 7.5]))),
            [u32::MAX, 7, 0, 0]
        );
    }
}

#[test]
fn conversions() {
    let v = pack([-1i32, i32::MIN, i32::MAX, 16_777_217]);
    assert_eq!(
        unpack::<f32, 4>(f32x4_convert_i32x4_s(v)),
        [-1.0, -2_147_483_648.0, 2_147_483_648.0, 16_777_216.0]
    );
    // u32::MAX rounds up to 2^32; 0xffff_ff80 is a tie and goes to even (2^32).
    let v = pack([u32::MAX, 0xffff_ff80, 16_777_219, 0x8000_0001]);
    assert_eq!(
        unpack::<f32, 4>(f32x4_convert_i32x4_u(v)),
        [
            4_294_967_296.0,
            4_294_967_296.0,
            16_777_220.0,
            2_147_483_648.0
        ]
    );
    assert_eq!(
        unpack::<f32, 4>(f32x4_convert_i32x4_u(pack([0xffff_ff7fu32, 0, 1, 2])))[0],
        4_294_967_040.0
    );

    let v = pack([-1i32, i32::MIN, 99, 99]);
    assert_eq!(
        unpack::<f64, 2>(f64x2_convert_low_i32x4_s(v)),
        [-1.0, -2_147_483_648.0]
    );
    assert_eq!(
        unpack::<f64, 2>(f64x2_convert_low_i32x4_u(v)),
        [4_294_967_295.0, 2_147_483_648.0]
    );

    let v = pack([1e300f64, 1.0 + f64::EPSILON]);
    assert_eq!(
        unpack::<f32, 4>(f32x4_demote_f64x2_zero(v)),
        [f32::INFINITY, 1.0, 0.0, 0.0]
    );
    let halfway = 1.0 + 2f64.powi(-24);
    let v = pack([halfway, -1e-50]);
    assert_eq!(
        bits32(unpack::<f32, 4>(f32x4_demote_f64x2_zero(v))),
        bits32([1.0, -0.0, 0.0, 0.0])
    );
    let r = unpack::<f32, 4>(f32x4_demote_f64x2_zero(pack([f64::NAN, 0.1])));
    assert!(r[0].is_nan());
    assert_eq!(r[1..], [0.1, 0.0, 0.0]);

    let v = pack([0.1f32, f32::NEG_INFINITY, 5.0, 6.0]);
    assert_eq!(
        unpack::<f64, 2>(f64x2_promote_low_f32x4(v)),
        [f64::from(0.1f32), f64::NEG_INFINITY]
    );
    let r = unpack::<f64, 2>(f64x2_promote_low_f32x4(pack([f32::NAN, -0.0, 0.0, 0.0])));
    assert!(r[0].is_nan());
    assert_eq!(r[1].to_bits(), (-0.0f64).to_bits());
}

#[test]
fn relaxed_madd_is_unfused() {
    // a * b = 1 - 2^-46 rounds to 1.0 in f32; fused it would survive.
    let e = f32::EPSILON;
    let (a, b) = (
        pack([1.0 + e, 2.0, 1.0, 0.0]),
        pack([1.0 - e, 3.0, 1.0, 0.0]),
    );
    let c = pack([-1.0f32, 4.0, f32::NAN, -0.0]);
    let r = unpack::<f32, 4>(f32x4_relaxed_madd(a, b, c));
    assert_eq!(bits32([r[0], r[1], r[3]]), bits32([0.0, 10.0, 0.0]));
    assert!(r[2].is_nan());
    let c = pack([1.0f32, 4.0, 0.0, 0.0]);
    let r = unpack::<f32, 4>(f32x4_relaxed_nmadd(a, b, c));
    assert_eq!(bits32(r), bits32([0.0, -2.0, -1.0, 0.0]));

    let e = f64::EPSILON;
    let (a, b) = (pack([1.0 + e, 2.0]), pack([1.0 - e, 3.0]));
    let r = unpack::<f64, 2>(f64x2_relaxed_madd(a, b, pack([-1.0f64, 4.0])));
    assert_eq!(bits64(r), bits64([0.0, 10.0]));
    let r = unpack::<f64, 2>(f64x2_relaxed_nmadd(a, b, pack([1.0f64, 4.0])));
    assert_eq!(bits64(r), bits64([0.0, -2.0]));
}

#[test]
fn nan_bits_follow_sse() {
    // min/max: the first NaN operand, quiet; madd: a, b, then c; nmadd: c, a, then b.
    let n = |x: u32| f32::from_bits(x);
    let (p, q, r) = (0x7fc0_0001, 0xffa0_0002, 0x7f80_0003);
    let a = pack([n(p), 1.0, n(p), 1.0]);
    let b = pack([n(q), n(q), 1.0, 1.0]);
    let c = pack([n(r), n(r), n(r), n(r)]);
    let bits = |v| unpack::<u32, 4>(v);
    for f in [f32x4_min, f32x4_max] {
        assert_eq!(bits(f(a, b))[..3], [p, 0xffe0_0002, p]);
    }
    assert_eq!(
        bits(f32x4_relaxed_madd(a, b, c)),
        [p, 0xffe0_0002, p, 0x7fc0_0003]
    );
    assert_eq!(bits(f32x4_relaxed_nmadd(a, b, c)), [0x7fc0_0003; 4]);
    let c = pack([1.0f32; 4]);
    assert_eq!(bits(f32x4_relaxed_nmadd(a, b, c))[..3], [p, 0xffe0_0002, p]);
    let d = pack([f64::from_bits(0xfff0_0000_0000_0001), 2.0]);
    let e = pack([f64::from_bits(0x7ff8_0000_0000_0002); 2]);
    let bits = |v| unpack::<u64, 2>(v);
    assert_eq!(
        bits(f64x2_min(d, e)),
        [0xfff8_0000_0000_0001, 0x7ff8_0000_0000_0002]
    );
    assert_eq!(bits(f64x2_relaxed_madd(d, e, e))[0], 0xfff8_0000_0000_0001);
    assert_eq!(bits(f64x2_relaxed_nmadd(d, d, e))[0], 0x7ff8_0000_0000_0002);
}
