(module
  ;; A 64-bit memory has no guard pages: every access is bounds-checked.
  (memory i64 1)
  (func (export "sum3") (param $p i64) (result i64)
    (i64.add
      (i64.add (i64.load (local.get $p)) (i64.load offset=8 (local.get $p)))
      (i64.extend_i32_u (i32.load16_u offset=70001 (local.get $p)))))
  (func (export "store") (param $p i64) (param $x i32)
    (i32.store8 offset=3 (local.get $p) (local.get $x))
    (v128.store32_lane offset=16 1 (local.get $p) (i32x4.splat (local.get $x)))))
