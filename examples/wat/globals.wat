;; globals.wat — mutable and immutable globals: a counter that keeps its value
;; between calls within one instance, and an exported constant.
;;
;; Run:
;;   zwasm run examples/wat/globals.wat --invoke count_to 5
;; Expected output:
;;   5
;;
;;   zwasm run examples/wat/globals.wat --invoke next_id
;; Expected output (each `zwasm run` makes a fresh instance, so the counter restarts):
;;   1001
(module
  (global $counter (mut i32) (i32.const 0))
  (global $base_id i32 (i32.const 1000))                   ;; immutable
  (global $issued (mut i32) (i32.const 0))
  (global (export "answer") i32 (i32.const 42))            ;; exported constant

  ;; Adds one to the counter and returns the new value.
  (func $increment (export "increment") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))

  ;; Calls increment $n times; the global carries the count between calls.
  (func (export "count_to") (param $n i32) (result i32)
    (local $last i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $last (call $increment))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $last))

  ;; Hands out ids 1001, 1002, ...
  (func (export "next_id") (result i32)
    (global.set $issued (i32.add (global.get $issued) (i32.const 1)))
    (i32.add (global.get $base_id) (global.get $issued))))
