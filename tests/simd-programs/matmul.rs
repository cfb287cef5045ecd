//! matmul: f32 matrix products, a dot product and an f64 norm, in Rust.
//!
//! Every round multiplies two generated 64x64 f32 matrices (C = A B, with
//! B regenerated from the round number), then computes the dot product of
//! C with A (4 partial sums, as f32x4 lanes) and the squared Frobenius norm
//! of C in f64 (2 partial sums, as f64x2 lanes). Every round's C is folded into
//! an FNV-1a hash of its bits; the sums are added up over the rounds.
//!
//! The same source gives two builds: without `-C target-feature=+simd128`
//! the scalar functions run; with it (`cfg(target_feature = "simd128")`),
//! the `core::arch::wasm32` kernels (f32x4 mul/add and splat, f64x2
//! promote/mul/add, i8x16 shuffle, extract_lane). The scalar code does the
//! per-lane operations of the vector code in the same order, so every float
//! is bit-identical and both builds print the same bytes.
//!
//! Usage: matmul [ROUNDS]   (default 500)

const N: usize = 64;

struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
    /// A value in [-1, 1) with at most 11 significant bits: products are exact
    /// and only the sums round.
    fn unit(&mut self) -> f32 {
        ((self.next() % 2048) as i32 - 1024) as f32 / 1024.0
    }
}

#[cfg(not(target_feature = "simd128"))]
mod kernels {
    use super::N;

    /// c = a b: for every row i, c[i] = sum over k (in order) of a[i][k] * b[k].
    pub fn matmul(a: &[f32], b: &[f32], c: &mut [f32]) {
        for i in 0..N {
            let row = &mut c[i * N..(i + 1) * N];
            row.fill(0.0);
            for k in 0..N {
                let aik = a[i * N + k];
                let bk = &b[k * N..(k + 1) * N];
                for j in 0..N {
                    row[j] += aik * bk[j];
                }
            }
        }
    }

    /// The dot product with four partial sums (element i goes to sum i % 4),
    /// added as (s0 + s1) + (s2 + s3).
    pub fn dot(x: &[f32], y: &[f32]) -> f32 {
        let mut s = [0.0f32; 4];
        for (xs, ys) in x.chunks_exact(4).zip(y.chunks_exact(4)) {
            for l in 0..4 {
                s[l] += xs[l] * ys[l];
            }
        }
        (s[0] + s[1]) + (s[2] + s[3])
    }

    /// The sum of squares in f64 with two partial sums: of every four
    /// elements, 0 and 2 go to the first, 1 and 3 to the second.
    pub fn sum_squares(x: &[f32]) -> f64 {
        let mut s = [0.0f64; 2];
        for xs in x.chunks_exact(4) {
            for half in 0..2 {
                for l in 0..2 {
                    let v = xs[half * 2 + l] as f64;
                    s[l] += v * v;
                }
            }
        }
        s[0] + s[1]
    }
}

#[cfg(target_feature = "simd128")]
mod kernels {
    use super::N;
    use core::arch::wasm32::*;

    pub fn matmul(a: &[f32], b: &[f32], c: &mut [f32]) {
        assert!(a.len() >= N * N && b.len() >= N * N && c.len() >= N * N);
        for i in 0..N {
            // One row of c in 16 vectors, kept in a local array.
            let mut acc = [f32x4_splat(0.0); N / 4];
            for k in 0..N {
                let aik = f32x4_splat(a[i * N + k]);
                let bk = b[k * N..].as_ptr() as *const v128;
                for (j, accj) in acc.iter_mut().enumerate() {
                    // SAFETY: b holds N * N floats, so row k has N / 4 vectors.
                    let bkj = unsafe { v128_load(bk.add(j)) };
                    *accj = f32x4_add(*accj, f32x4_mul(aik, bkj));
                }
            }
            let out = c[i * N..].as_mut_ptr() as *mut v128;
            for (j, accj) in acc.iter().enumerate() {
                // SAFETY: c holds N * N floats, so row i has N / 4 vectors.
                unsafe { v128_store(out.add(j), *accj) };
            }
        }
    }

    pub fn dot(x: &[f32], y: &[f32]) -> f32 {
        let n = x.len().min(y.len()) / 4;
        let (xp, yp) = (x.as_ptr() as *const v128, y.as_ptr() as *const v128);
        let mut s = f32x4_splat(0.0);
        for i in 0..n {
            // SAFETY: i < n, and both slices hold at least 4 n floats.
            let (xv, yv) = unsafe { (v128_load(xp.add(i)), v128_load(yp.add(i))) };
            s = f32x4_add(s, f32x4_mul(xv, yv));
        }
        (f32x4_extract_lane::<0>(s) + f32x4_extract_lane::<1>(s))
            + (f32x4_extract_lane::<2>(s) + f32x4_extract_lane::<3>(s))
    }

    pub fn sum_squares(x: &[f32]) -> f64 {
        let xp = x.as_ptr() as *const v128;
        let mut s = f64x2_splat(0.0);
        for i in 0..x.len() / 4 {
            // SAFETY: i < len / 4.
            let v = unsafe { v128_load(xp.add(i)) };
            let lo = f64x2_promote_low_f32x4(v);
            // lanes 2 and 3 moved down to 0 and 1
            let hi = f64x2_promote_low_f32x4(i32x4_shuffle::<2, 3, 0, 1>(v, v));
            s = f64x2_add(s, f64x2_mul(lo, lo));
            s = f64x2_add(s, f64x2_mul(hi, hi));
        }
        f64x2_extract_lane::<0>(s) + f64x2_extract_lane::<1>(s)
    }
}

fn fnv(mut h: u32, x: &[f32]) -> u32 {
    for v in x {
        for byte in v.to_bits().to_le_bytes() {
            h = (h ^ byte as u32).wrapping_mul(16777619);
        }
    }
    h
}

fn main() {
    let rounds: u32 = match std::env::args().nth(1) {
        None => 500,
        Some(s) => match s.parse() {
            Ok(n) if n >= 1 => n,
            _ => {
                eprintln!("usage: matmul [ROUNDS >= 1]");
                std::process::exit(2);
            }
        },
    };
    let mut rng = Rng(0x9e3779b9);
    let a: Vec<f32> = (0..N * N).map(|_| rng.unit()).collect();
    let mut b = vec![0.0f32; N * N];
    let mut c = vec![0.0f32; N * N];
    let mut hash = 2166136261u32;
    let (mut dots, mut norms) = (0.0f64, 0.0f64);
    let mut first_dot = 0.0f32;
    for round in 0..rounds {
        let mut rb = Rng(0x2545f491 ^ round.wrapping_mul(0x01000193));
        for v in b.iter_mut() {
            *v = rb.unit();
        }
        kernels::matmul(&a, &b, &mut c);
        hash = fnv(hash, &c);
        let d = kernels::dot(&c, &a);
        if round == 0 {
            first_dot = d;
        }
        dots += d as f64;
        norms += kernels::sum_squares(&c);
    }
    println!("matmul {N}x{N} f32, {rounds} rounds");
    println!("c hash       {hash:08x}");
    println!("first dot    {first_dot:.6e} ({:08x})", first_dot.to_bits());
    println!("sum of dots  {dots:.10e}");
    println!("sum of norms {norms:.10e} ({:016x})", norms.to_bits());
    for &(i, j) in &[(0, 0), (1, 2), (31, 17), (63, 63), (40, 5)] {
        let v = c[i * N + j];
        println!("c[{i:2}][{j:2}] = {v:>14.6e} ({:08x})", v.to_bits());
    }
    let trace: f32 = (0..N).map(|i| c[i * N + i]).sum();
    println!("trace        {trace:.6e}");
}
