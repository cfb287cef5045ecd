;; select.wat — `select` picks one of two values by a condition without a
;; branch (like C's `c ? a : b` when both sides are cheap and side-effect free).
;;
;; Run:
;;   zwasm run examples/wat/select.wat --invoke max -3 8
;; Expected output:
;;   8
;;
;;   zwasm run examples/wat/select.wat --invoke abs -42
;; Expected output:
;;   42
;;
;;   zwasm run examples/wat/select.wat --invoke clamp 250 0 100
;; Expected output:
;;   100
(module
  ;; select(a, b, cond) is a if cond != 0, else b.
  (func $max (export "max") (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.gt_s (local.get $a) (local.get $b))))

  (func $min (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_s (local.get $a) (local.get $b))))

  (func (export "abs") (param $x i32) (result i32)
    (select
      (i32.sub (i32.const 0) (local.get $x))
      (local.get $x)
      (i32.lt_s (local.get $x) (i32.const 0))))

  ;; min(max(x, lo), hi)
  (func (export "clamp") (param $x i32) (param $lo i32) (param $hi i32) (result i32)
    (call $min (call $max (local.get $x) (local.get $lo)) (local.get $hi)))

  ;; The typed form `select (result T)` also works on floats and references.
  (func (export "fmax") (param $a f64) (param $b f64) (result f64)
    (select (result f64) (local.get $a) (local.get $b) (f64.gt (local.get $a) (local.get $b)))))
