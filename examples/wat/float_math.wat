;; float_math.wat — f32 and f64 arithmetic: sqrt, rounding, min/max and the
;; IEEE special values (inf, nan, -0), which --invoke accepts and prints.
;;
;; Run:
;;   zwasm run examples/wat/float_math.wat --invoke hypot 3 4
;; Expected output:
;;   5
;;
;;   zwasm run examples/wat/float_math.wat --invoke circle_area 0.5
;; Expected output:
;;   0.7853981633974483
;;
;;   zwasm run examples/wat/float_math.wat --invoke div 1 0
;; Expected output (float division by zero does not trap):
;;   inf
;;
;;   zwasm run examples/wat/float_math.wat --invoke rounding -2.5
;; Expected output (nearest rounds half to even; then trunc, floor, ceil):
;;   -2
;;   -2
;;   -3
;;   -2
(module
  (func (export "hypot") (param $x f64) (param $y f64) (result f64)
    (f64.sqrt
      (f64.add
        (f64.mul (local.get $x) (local.get $x))
        (f64.mul (local.get $y) (local.get $y)))))

  (func (export "circle_area") (param $r f64) (result f64)
    (f64.mul (f64.const 3.141592653589793) (f64.mul (local.get $r) (local.get $r))))

  (func (export "div") (param $a f64) (param $b f64) (result f64)
    (f64.div (local.get $a) (local.get $b)))

  (func (export "rounding") (param $x f32) (result f32 f32 f32 f32)
    (f32.nearest (local.get $x))
    (f32.trunc (local.get $x))
    (f32.floor (local.get $x))
    (f32.ceil (local.get $x)))

  ;; min/max propagate NaN and order -0 below +0: try `--invoke fmin nan 1`.
  (func (export "fmin") (param f64 f64) (result f64)
    (f64.min (local.get 0) (local.get 1)))

  ;; copysign(x, y): the magnitude of x with the sign of y: try `--invoke copysign 3 -0`.
  (func (export "copysign") (param f32 f32) (result f32)
    (f32.copysign (local.get 0) (local.get 1)))

  ;; Hex float literals give exact binary values: 0x1p-2 is 0.25.
  (func (export "quarter") (result f64)
    (f64.const 0x1p-2)))
