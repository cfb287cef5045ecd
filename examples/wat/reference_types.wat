;; reference_types.wat — first-class references: tables of funcref/externref,
;; table.get/table.set/table.grow/table.size, ref.null, ref.func and ref.is_null.
;;
;; Run:
;;   zwasm run examples/wat/reference_types.wat --invoke is_null 0
;; Expected output (slot 0 starts filled):
;;   0
;;
;;   zwasm run examples/wat/reference_types.wat --invoke is_null 3
;; Expected output (slot 3 starts empty):
;;   1
;;
;;   zwasm run examples/wat/reference_types.wat --invoke fill_and_call 3
;; Expected output (stores $triple in slot 3, then calls slot 3 with 14):
;;   42
;;
;;   zwasm run examples/wat/reference_types.wat --invoke keep 7
;; Expected output (an externref passes through wasm unchanged):
;;   ref.extern 7
(module
  (type $unary (func (param i32) (result i32)))
  (table $funcs 4 funcref)
  (table $things 2 externref)
  (elem (table $funcs) (i32.const 0) func $double $square)
  ;; Functions taken by ref.func must be declared in an element segment.
  (elem declare func $triple)

  (func $double (type $unary) (i32.mul (local.get 0) (i32.const 2)))
  (func $square (type $unary) (i32.mul (local.get 0) (local.get 0)))
  (func $triple (type $unary) (i32.mul (local.get 0) (i32.const 3)))

  (func (export "is_null") (param $i i32) (result i32)
    (ref.is_null (table.get $funcs (local.get $i))))

  (func (export "fill_and_call") (param $i i32) (result i32)
    (table.set $funcs (local.get $i) (ref.func $triple))
    (call_indirect $funcs (type $unary) (i32.const 14) (local.get $i)))

  ;; Grows the table by $n null slots; returns the new size.
  (func (export "grow") (param $n i32) (result i32)
    (drop (table.grow $funcs (ref.null func) (local.get $n)))
    (table.size $funcs))

  ;; Stores a host reference in a table and reads it back.
  (func (export "keep") (param $r externref) (result externref)
    (table.set $things (i32.const 1) (local.get $r))
    (table.get $things (i32.const 1)))

  ;; Returns a function reference; --invoke prints it as `ref.func`.
  (func (export "get") (param $i i32) (result funcref)
    (table.get $funcs (local.get $i))))
