;; add.wat — the smallest useful module: one exported function that adds two i32s.
;;
;; Run:
;;   zwasm run examples/wat/add.wat --invoke add 2 3
;; Expected output:
;;   5
;;
;; Arguments are parsed by the parameter types, so negative and hex numbers work too:
;;   zwasm run examples/wat/add.wat --invoke add -7 0x10
;; Expected output:
;;   9
(module
  (func $add (export "add") (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.add))
