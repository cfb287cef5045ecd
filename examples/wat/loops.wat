;; loops.wat — counting loops: the sum 1..n and the Collatz sequence length.
;;
;; Run:
;;   zwasm run examples/wat/loops.wat --invoke sum 100
;; Expected output:
;;   5050
;;
;;   zwasm run examples/wat/loops.wat --invoke collatz 27
;; Expected output:
;;   111
;;
;;   zwasm run examples/wat/loops.wat --invoke count_while 10
;; Expected output:
;;   55
(module
  ;; 1 + 2 + ... + n, accumulated in an i64 so large n does not wrap.
  (func (export "sum") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (local.set $i (i32.const 1))
    (block $exit
      (loop $top
        (br_if $exit (i32.gt_u (local.get $i) (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $acc))

  ;; Steps until n reaches 1: n/2 when even, 3n+1 when odd. A `loop` whose
  ;; body ends with `br_if` back to its start is a do-while.
  (func (export "collatz") (param $n i64) (result i32)
    (local $steps i32)
    (if (i64.le_u (local.get $n) (i64.const 1)) (then (return (i32.const 0))))
    (loop $step
      (local.set $n
        (if (result i64) (i64.eqz (i64.and (local.get $n) (i64.const 1)))
          (then (i64.shr_u (local.get $n) (i64.const 1)))
          (else (i64.add (i64.mul (local.get $n) (i64.const 3)) (i64.const 1)))))
      (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
      (br_if $step (i64.ne (local.get $n) (i64.const 1))))
    (local.get $steps))

  ;; A while loop written the way Binaryen emits it: the test is an `if` at
  ;; the loop's head and the back edge sits inside the `if`. The `else` arm
  ;; runs once, when the test fails.
  (func (export "count_while") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $top
      (if (i32.lt_s (local.get $i) (local.get $n))
        (then
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $acc (i32.add (local.get $acc) (local.get $i)))
          (br $top))
        (else (local.set $acc (i32.add (local.get $acc) (i32.const 0))))))
    (local.get $acc))

  (func (export "count_while_no_else") (param $n i32) (result i32)
    (local $i i32)
    (loop $top
      (if (i32.lt_s (local.get $i) (local.get $n))
        (then
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $top))))
    (local.get $i)))
