;; simd.wat — 128-bit SIMD: four Mandelbrot points per vector, and lane shifts.
;;
;; Run:
;;   zwasm run examples/wat/simd.wat --invoke mandel_row 12
;; Expected output:
;;   2011
;;
;;   zwasm run examples/wat/simd.wat --invoke shifts 0x12345678 3
;; Expected output:
;;   8885093528263321448
(module
  ;; Escape-time counts (at most 50 iterations) of 64 points of row y of a
  ;; 64 x 32 grid over [-2, 0.5] x [-1, 1], four points at a time, summed.
  ;; A lane stops counting once |z|^2 > 4: the compare gives a lane mask,
  ;; `v128.bitselect` keeps the stopped lanes' mask off, and the loop ends
  ;; when no lane is active (`v128.any_true`).
  (func (export "mandel_row") (param $y i32) (result i32)
    (local $x i32) (local $n i32) (local $sum i32)
    (local $cr v128) (local $ci v128) (local $zr v128) (local $zi v128)
    (local $zr2 v128) (local $zi2 v128) (local $active v128) (local $count v128)
    (local.set $ci (f32x4.splat
      (f32.sub (f32.mul (f32.convert_i32_s (local.get $y)) (f32.const 0.0625))
               (f32.const 1))))
    (loop $columns
      ;; cr = -2 + (x + lane) * 2.5 / 64
      (local.set $cr
        (f32x4.sub
          (f32x4.mul
            (f32x4.add (f32x4.splat (f32.convert_i32_s (local.get $x)))
                       (v128.const f32x4 0 1 2 3))
            (f32x4.splat (f32.const 0.0390625)))
          (f32x4.splat (f32.const 2))))
      (local.set $zr (v128.const i32x4 0 0 0 0))
      (local.set $zi (v128.const i32x4 0 0 0 0))
      (local.set $active (v128.const i32x4 -1 -1 -1 -1))
      (local.set $count (v128.const i32x4 0 0 0 0))
      (local.set $n (i32.const 50))
      (block $done
        (loop $iterate
          (local.set $zr2 (f32x4.mul (local.get $zr) (local.get $zr)))
          (local.set $zi2 (f32x4.mul (local.get $zi) (local.get $zi)))
          (local.set $active
            (v128.bitselect
              (local.get $active)
              (v128.const i32x4 0 0 0 0)
              (f32x4.le (f32x4.add (local.get $zr2) (local.get $zi2))
                        (v128.const f32x4 4 4 4 4))))
          (br_if $done (i32.eqz (v128.any_true (local.get $active))))
          ;; An active lane's mask is -1: subtracting it counts one.
          (local.set $count (i32x4.sub (local.get $count) (local.get $active)))
          (local.set $zi
            (f32x4.add
              (f32x4.mul (f32x4.add (local.get $zr) (local.get $zr)) (local.get $zi))
              (local.get $ci)))
          (local.set $zr
            (f32x4.add (f32x4.sub (local.get $zr2) (local.get $zi2)) (local.get $cr)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br_if $iterate (local.get $n))))
      (local.set $sum
        (i32.add (local.get $sum)
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $count))
                     (i32x4.extract_lane 1 (local.get $count)))
            (i32.add (i32x4.extract_lane 2 (local.get $count))
                     (i32x4.extract_lane 3 (local.get $count))))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (br_if $columns (i32.lt_u (local.get $x) (i32.const 64))))
    (local.get $sum))

  ;; Every lane shape shifted left, right signed and right unsigned, by
  ;; constant counts (at and past the lane width too: counts are taken
  ;; modulo the width) and by `k`, folded into one number.
  (func (export "shifts") (param $x i32) (param $k i32) (result i64)
    (local $v v128) (local $h v128)
    (local.set $v (i32x4.replace_lane 1 (i32x4.splat (local.get $x)) (i32.const -0x7edcba99)))
    (local.set $h (i8x16.shl (local.get $v) (i32.const 3)))
    (local.set $h (v128.xor (local.get $h) (i8x16.shr_s (local.get $v) (i32.const 9))))
    (local.set $h (v128.xor (local.get $h) (i8x16.shr_u (local.get $v) (i32.const 7))))
    (local.set $h (v128.xor (local.get $h) (i16x8.shl (local.get $h) (i32.const 5))))
    (local.set $h (v128.xor (local.get $h) (i16x8.shr_s (local.get $v) (i32.const 18))))
    (local.set $h (v128.xor (local.get $h) (i16x8.shr_u (local.get $v) (i32.const 15))))
    (local.set $h (v128.xor (local.get $h) (i32x4.shl (local.get $h) (i32.const 13))))
    (local.set $h (v128.xor (local.get $h) (i32x4.shr_s (local.get $v) (i32.const 31))))
    (local.set $h (v128.xor (local.get $h) (i32x4.shr_u (local.get $v) (i32.const 36))))
    (local.set $h (v128.xor (local.get $h) (i64x2.shl (local.get $h) (i32.const 7))))
    (local.set $h (v128.xor (local.get $h) (i64x2.shr_s (local.get $v) (i32.const 3))))
    (local.set $h (v128.xor (local.get $h) (i64x2.shr_s (local.get $v) (i32.const 64))))
    (local.set $h (v128.xor (local.get $h) (i64x2.shr_u (local.get $h) (i32.const 41))))
    (local.set $h (v128.xor (local.get $h) (i8x16.shr_s (local.get $h) (local.get $k))))
    (local.set $h (v128.xor (local.get $h) (i16x8.shl (local.get $h) (local.get $k))))
    (local.set $h (v128.xor (local.get $h) (i64x2.shr_s (local.get $v) (local.get $k))))
    (i64.xor (i64x2.extract_lane 0 (local.get $h)) (i64x2.extract_lane 1 (local.get $h))))
)
