;; i64_math.wat — 64-bit integer arithmetic and bit operations.
;;
;; Run:
;;   zwasm run examples/wat/i64_math.wat --invoke gcd 1071 462
;; Expected output:
;;   21
;;
;;   zwasm run examples/wat/i64_math.wat --invoke pow 3 39
;; Expected output:
;;   4052555153018976267
;;
;; 3^40 = 12157665459056928801 needs all 64 bits; zwasm prints i64 results
;; signed, so the same bits read as -6289078614652622815:
;;   zwasm run examples/wat/i64_math.wat --invoke pow 3 40
;; Expected output:
;;   -6289078614652622815
;;
;;   zwasm run examples/wat/i64_math.wat --invoke bits 0xff00
;; Expected output (popcount, leading zeros, trailing zeros):
;;   8
;;   48
;;   8
(module
  ;; Euclid: gcd(a, b) = gcd(b, a mod b).
  (func (export "gcd") (param $a i64) (param $b i64) (result i64)
    (local $t i64)
    (block $done
      (loop $step
        (br_if $done (i64.eqz (local.get $b)))
        (local.set $t (i64.rem_u (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (br $step)))
    (local.get $a))

  ;; base^exp by repeated squaring; arithmetic wraps modulo 2^64.
  (func (export "pow") (param $base i64) (param $exp i64) (result i64)
    (local $acc i64)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $step
        (br_if $done (i64.eqz (local.get $exp)))
        (if (i32.wrap_i64 (i64.and (local.get $exp) (i64.const 1)))
          (then (local.set $acc (i64.mul (local.get $acc) (local.get $base)))))
        (local.set $base (i64.mul (local.get $base) (local.get $base)))
        (local.set $exp (i64.shr_u (local.get $exp) (i64.const 1)))
        (br $step)))
    (local.get $acc))

  (func (export "bits") (param $x i64) (result i64 i64 i64)
    (i64.popcnt (local.get $x))
    (i64.clz (local.get $x))
    (i64.ctz (local.get $x)))

  ;; Rotations and the unsigned/signed distinction.
  (func (export "rotl") (param $x i64) (param $n i64) (result i64)
    (i64.rotl (local.get $x) (local.get $n)))
  (func (export "shr_s_vs_u") (param $x i64) (result i64 i64)
    (i64.shr_s (local.get $x) (i64.const 60))
    (i64.shr_u (local.get $x) (i64.const 60))))
