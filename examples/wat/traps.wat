;; traps.wat — what happens when wasm goes wrong. A trap stops the program;
;; zwasm prints the reason and a wasm backtrace to stderr and exits with 134.
;;
;; Run:
;;   zwasm run examples/wat/traps.wat --invoke divide 7 2
;; Expected output:
;;   3
;;
;;   zwasm run examples/wat/traps.wat --invoke divide 1 0
;; Expected trap (exit code 134; printed on stderr):
;;   error: examples/wat/traps.wat: wasm trap: integer divide by zero
;;   wasm backtrace:
;;       0: divide (func 0)
;;
;; Also try: `--invoke overflow` (integer overflow), `--invoke boom` (unreachable),
;; `--invoke out_of_bounds` (out of bounds memory access),
;; `--invoke deep 0` (call stack exhausted).
(module
  (memory 1)

  (func $divide (export "divide") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))

  ;; The one signed division whose result does not fit: -2^31 / -1.
  (func $overflow (export "overflow") (result i32)
    (i32.div_s (i32.const -2147483648) (i32.const -1)))

  ;; `unreachable` traps unconditionally (compilers emit it after a panic).
  (func $boom (export "boom")
    unreachable)

  ;; The last byte of the one-page memory is 65535; a 4-byte load at 65534 runs off it.
  (func $out_of_bounds (export "out_of_bounds") (result i32)
    (i32.load (i32.const 65534)))

  ;; Infinite recursion runs out of stack.
  (func $deep (export "deep") (param $n i32) (result i32)
    (i32.add (call $deep (i32.add (local.get $n) (i32.const 1))) (i32.const 1))))
