;; br_table.wat — a `switch` statement: br_table jumps to one of several
;; enclosing blocks by an index, with a default for anything out of range.
;;
;; Run:
;;   zwasm run examples/wat/br_table.wat --invoke days_in_month 2
;; Expected output:
;;   28
;;
;;   zwasm run examples/wat/br_table.wat --invoke days_in_month 4
;; Expected output:
;;   30
;;
;;   zwasm run examples/wat/br_table.wat --invoke days_in_month 13
;; Expected output (not a month):
;;   0
(module
  (func (export "days_in_month") (param $month i32) (result i32)
    ;; Blocks are listed innermost first; br_table's targets count outwards.
    (block $invalid
      (block $d31
        (block $d30
          (block $d28
            ;; month:   0        1    2    3    4    5    6    7    8    9    10   11   12   else
            (br_table $invalid $d31 $d28 $d31 $d30 $d31 $d30 $d31 $d31 $d30 $d31 $d30 $d31 $invalid
              (local.get $month)))
          (return (i32.const 28)))
        (return (i32.const 30)))
      (return (i32.const 31)))
    (i32.const 0))

  ;; br_table can also carry a value out to the chosen block.
  (func (export "grade") (param $score i32) (result i32)
    ;; Maps a score 0..100 to 1 (A) .. 4 (D) by its tens digit.
    (block $d (result i32)
      (block $c (result i32)
        (block $b (result i32)
          (block $a (result i32)
            (i32.const 0)                                     ;; the value carried
            (i32.div_u (local.get $score) (i32.const 10))     ;; the index
            ;;        0  1  2  3  4  5  6  7  8  9  10
            (br_table $d $d $d $d $d $d $d $c $b $a $a $d))
          (drop) (return (i32.const 1)))
        (drop) (return (i32.const 2)))
      (drop) (return (i32.const 3)))
    (drop) (i32.const 4)))
