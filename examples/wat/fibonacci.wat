;; fibonacci.wat — exponential recursion (a classic call benchmark) and a linear loop.
;;
;; Run:
;;   zwasm run examples/wat/fibonacci.wat --invoke fib_rec 20
;; Expected output:
;;   6765
;;
;;   zwasm run examples/wat/fibonacci.wat --invoke fib 90
;; Expected output:
;;   2880067194370816120
(module
  ;; fib(n) = fib(n-1) + fib(n-2): about 1.6^n calls, so keep n below 35 or so.
  (func $fib_rec (export "fib_rec") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib_rec (i32.sub (local.get $n) (i32.const 1)))
          (call $fib_rec (i32.sub (local.get $n) (i32.const 2)))))))

  ;; Two running values (a, b) = (fib(i), fib(i+1)), stepped n times.
  (func (export "fib") (param $n i32) (result i64)
    (local $a i64) (local $b i64) (local $t i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $step
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $t (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $step)))
    (local.get $a)))
