;; Vector code (SSE4.1, the baseline): lane arithmetic, shifts by a constant
;; and by a value, a blend of a compare mask, shuffles, splats and lane
;; access, constants from the function's constant area.
(module
  (memory 1)
  (func (export "kernel") (param $p i32) (param $k i32) (result i32)
    (local $v v128) (local $w v128)
    (local.set $v (v128.load (local.get $p)))
    (local.set $w (i16x8.shr_u (i16x8.add (local.get $v) (v128.const i16x8 128 128 128 128 128 128 128 128)) (i32.const 8)))
    (local.set $w (v128.bitselect (local.get $v) (local.get $w) (i8x16.gt_u (local.get $v) (local.get $w))))
    (local.set $w (i8x16.shr_s (local.get $w) (i32.const 3)))
    (local.set $w (i32x4.shl (local.get $w) (local.get $k)))
    (local.set $w (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $v) (local.get $w)))
    (local.set $w (i8x16.add (local.get $w) (i8x16.splat (local.get $k))))
    (v128.store offset=16 (local.get $p) (local.get $w))
    (i32.add (i8x16.extract_lane_u 3 (local.get $w)) (i32x4.extract_lane 2 (local.get $w))))
  (func (export "mandel") (param $cr f32) (param $ci f32) (result i32)
    (local $zr v128) (local $zi v128) (local $zr2 v128) (local $zi2 v128)
    (local $active v128) (local $count v128) (local $n i32)
    (local.set $active (v128.const i32x4 -1 -1 -1 -1))
    (local.set $n (i32.const 64))
    (block $done
      (loop $iterate
        (local.set $zr2 (f32x4.mul (local.get $zr) (local.get $zr)))
        (local.set $zi2 (f32x4.mul (local.get $zi) (local.get $zi)))
        (local.set $active
          (v128.bitselect (local.get $active) (v128.const i32x4 0 0 0 0)
            (f32x4.le (f32x4.add (local.get $zr2) (local.get $zi2)) (v128.const f32x4 4 4 4 4))))
        (br_if $done (i32.eqz (v128.any_true (local.get $active))))
        (local.set $count (i32x4.sub (local.get $count) (local.get $active)))
        (local.set $zi (f32x4.add (f32x4.mul (f32x4.add (local.get $zr) (local.get $zr)) (local.get $zi))
                                  (f32x4.splat (local.get $ci))))
        (local.set $zr (f32x4.add (f32x4.sub (local.get $zr2) (local.get $zi2)) (f32x4.splat (local.get $cr))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $iterate (local.get $n))))
    (i32x4.extract_lane 0 (local.get $count))))
