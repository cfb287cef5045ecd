;; multi_value.wat — functions and blocks that return more than one value.
;; `zwasm run --invoke` prints each result on its own line.
;;
;; Run:
;;   zwasm run examples/wat/multi_value.wat --invoke swap 1 2
;; Expected output:
;;   2
;;   1
;;
;;   zwasm run examples/wat/multi_value.wat --invoke divmod 17 5
;; Expected output:
;;   3
;;   2
;;
;;   zwasm run examples/wat/multi_value.wat --invoke minmax 9 4
;; Expected output:
;;   4
;;   9
(module
  (func (export "swap") (param i32 i32) (result i32 i32)
    local.get 1
    local.get 0)

  ;; Quotient and remainder of an unsigned division.
  (func (export "divmod") (param $a i32) (param $b i32) (result i32 i32)
    (i32.div_u (local.get $a) (local.get $b))
    (i32.rem_u (local.get $a) (local.get $b)))

  ;; A block with a two-value result: both arms leave (min, max) on the stack.
  (func (export "minmax") (param $a i32) (param $b i32) (result i32 i32)
    (if (result i32 i32) (i32.lt_s (local.get $a) (local.get $b))
      (then (local.get $a) (local.get $b))
      (else (local.get $b) (local.get $a))))

  ;; A block can take parameters too: this one consumes two values and yields their sum.
  (func (export "sum_via_block") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    block (param i32 i32) (result i32)
      i32.add
    end))
