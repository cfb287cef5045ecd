;; factorial.wat — recursion and an iterative loop over i64, side by side.
;;
;; Run:
;;   zwasm run examples/wat/factorial.wat --invoke fac_rec 20
;;   zwasm run examples/wat/factorial.wat --invoke fac_iter 20
;; Expected output (each):
;;   2432902008176640000
;;
;; 20! is the largest factorial that fits in an i64; 21! wraps around.
(module
  ;; n! = n * (n-1)!, with 0! = 1. Written in folded (s-expression) form.
  (func $fac_rec (export "fac_rec") (param $n i64) (result i64)
    (if (result i64) (i64.le_s (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else
        (i64.mul
          (local.get $n)
          (call $fac_rec (i64.sub (local.get $n) (i64.const 1)))))))

  ;; The same with a loop: acc *= n while n > 1. Written as a flat instruction list.
  (func (export "fac_iter") (param $n i64) (result i64)
    (local $acc i64)
    i64.const 1
    local.set $acc
    block $done
      loop $again
        local.get $n
        i64.const 1
        i64.le_s
        br_if $done
        local.get $acc
        local.get $n
        i64.mul
        local.set $acc
        local.get $n
        i64.const 1
        i64.sub
        local.set $n
        br $again
      end
    end
    local.get $acc))
