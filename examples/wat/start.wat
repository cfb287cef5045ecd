;; start.wat — a command-style program: `zwasm run` without --invoke calls the
;; exported `_start`, after the module's own `start` function has run during
;; instantiation. It counts the primes below 10000 with a sieve in linear memory.
;;
;; Run:
;;   zwasm run examples/wat/start.wat
;; Expected output: none (the result stays in memory; the exit code is 0).
;;
;; The same sieve can be called directly:
;;   zwasm run examples/wat/start.wat --invoke count_primes 100
;; Expected output:
;;   25
(module
  (memory (export "memory") 1)
  (global $limit (mut i32) (i32.const 0))
  (global $primes (export "primes") (mut i32) (i32.const 0))

  ;; The `start` function runs when the module is instantiated, before anything else.
  (func $init
    (global.set $limit (i32.const 10000)))
  (start $init)

  ;; Sieve of Eratosthenes over bytes 0..$n: byte i = 1 means "i is composite".
  (func $count_primes (export "count_primes") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32)
    (memory.fill (i32.const 0) (i32.const 0) (local.get $n))
    (local.set $i (i32.const 2))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eqz (i32.load8_u (local.get $i)))
          (then
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            ;; Cross out i*i, i*i + i, ...
            (local.set $j (i32.mul (local.get $i) (local.get $i)))
            (block $crossed
              (loop $inner
                (br_if $crossed (i32.ge_u (local.get $j) (local.get $n)))
                (i32.store8 (local.get $j) (i32.const 1))
                (local.set $j (i32.add (local.get $j) (local.get $i)))
                (br $inner)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.get $count))

  ;; The program's entry point: returns nothing, leaves its answer in a global.
  (func (export "_start")
    (global.set $primes (call $count_primes (global.get $limit)))))
