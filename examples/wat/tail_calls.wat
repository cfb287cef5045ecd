;; tail_calls.wat — `return_call` and `return_call_indirect` (Wasm 3.0 tail
;; calls): the callee replaces the caller's frame, so a chain of tail calls of
;; any length runs in constant stack space. Without them, a million nested
;; calls would exhaust the call stack.
;;
;; Run:
;;   zwasm run examples/wat/tail_calls.wat --invoke is_even 1000001
;; Expected output (a million tail calls between $even and $odd):
;;   0
;;
;;   zwasm run examples/wat/tail_calls.wat --invoke sum 1000000
;; Expected output (an accumulator loop written as tail recursion):
;;   500000500000
;;
;;   zwasm run examples/wat/tail_calls.wat --invoke run_machine 10
;; Expected output (a state machine whose states tail-call each other by index):
;;   55
(module
  (func $even (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (return_call $odd (i32.sub (local.get $n) (i32.const 1))))))
  (func $odd (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call $even (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "is_even") (param i32) (result i32)
    (call $even (local.get 0)))

  ;; sum(n, acc) = n == 0 ? acc : sum(n - 1, acc + n)
  (func $sum (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $sum
              (i64.sub (local.get $n) (i64.const 1))
              (i64.add (local.get $acc) (local.get $n))))))
  (func (export "sum") (param i64) (result i64)
    (return_call $sum (local.get 0) (i64.const 0)))

  ;; A state machine: each state is a function of (steps left, state value)
  ;; that tail-calls the next state through the table. It computes the sum
  ;; 1 + ... + steps by alternating between an "add" and a "count" state.
  (type $state (func (param i32 i32 i32) (result i32)))
  (table funcref (elem $add $count))
  (func $add (type $state) (param $steps i32) (param $i i32) (param $acc i32) (result i32)
    (return_call_indirect (type $state)
      (local.get $steps) (local.get $i) (i32.add (local.get $acc) (local.get $i))
      (i32.const 1)))
  (func $count (type $state) (param $steps i32) (param $i i32) (param $acc i32) (result i32)
    (if (result i32) (i32.ge_u (local.get $i) (local.get $steps))
      (then (local.get $acc))
      (else (return_call_indirect (type $state)
              (local.get $steps) (i32.add (local.get $i) (i32.const 1)) (local.get $acc)
              (i32.const 0)))))
  (func (export "run_machine") (param i32) (result i32)
    (return_call $count (local.get 0) (i32.const 0) (i32.const 0))))
