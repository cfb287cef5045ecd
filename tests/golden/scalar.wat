;; Scalar code: arithmetic and compares fused into branches, constant
;; addresses, division by constants, calls, br_table and traps.
(module
  (memory 1)
  (func $add (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "abs_diff") (param i64 i64) (result i64)
    (if (result i64) (i64.lt_s (local.get 0) (local.get 1))
      (then (i64.sub (local.get 1) (local.get 0)))
      (else (i64.sub (local.get 0) (local.get 1)))))
  (func (export "div_consts") (param i32 i64) (result i64)
    (i64.add
      (i64.extend_i32_u (i32.div_u (local.get 0) (i32.const 10)))
      (i64.rem_s (local.get 1) (i64.const 7))))
  (func (export "scaled_load") (param i32) (result i32)
    (i32.add
      (i32.load offset=16 (i32.shl (local.get 0) (i32.const 2)))
      (i32.load (i32.const 64))))
  (func (export "calls") (param i32) (result i32)
    (call $add (call $add (local.get 0) (i32.const 1)) (i32.const 2)))
  (func (export "switch") (param i32) (result i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30))
  (func (export "trap_div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "floats") (param f64 f32) (result f64)
    (f64.add (f64.sqrt (local.get 0)) (f64.promote_f32 (f32.floor (local.get 1)))))
  (func (export "truncs") (param $x f64) (param $y f32) (result i64)
    (i64.add
      (i64.trunc_f64_u (local.get $x))
      (i64.extend_i32_s (i32.trunc_sat_f32_s (local.get $y))))))
