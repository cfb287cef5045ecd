;; call_indirect.wat — a dispatch table: functions are stored in a table and
;; called by their index, the way C function pointers and vtables compile.
;;
;; Run:
;;   zwasm run examples/wat/call_indirect.wat --invoke calc 2 6 7
;; Expected output (op 2 is mul):
;;   42
;;
;;   zwasm run examples/wat/call_indirect.wat --invoke calc 0 -5 3
;; Expected output (op 0 is add):
;;   -2
;;
;;   zwasm run examples/wat/call_indirect.wat --invoke calc 4 1 1
;; Expected trap (exit code 134; slot 4 holds a function of another type):
;;   error: examples/wat/call_indirect.wat: wasm trap: indirect call type mismatch
(module
  (type $binop (func (param i32 i32) (result i32)))

  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i32.mul (local.get 0) (local.get 1)))
  (func $div (type $binop) (i32.div_s (local.get 0) (local.get 1)))
  (func $neg (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))

  ;; Slots 0..4; $neg has a different type, to show the type check.
  (table 5 funcref)
  (elem (i32.const 0) $add $sub $mul $div $neg)

  ;; Calls table[op](a, b). The call is checked: an op past the table's end
  ;; traps, and so does a slot holding a function of another type.
  (func (export "calc") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect (type $binop) (local.get $a) (local.get $b) (local.get $op))))
