;; strings.wat — linear memory and data segments: a NUL-terminated string is
;; placed in memory at instantiation, and functions walk it byte by byte.
;;
;; Run:
;;   zwasm run examples/wat/strings.wat --invoke strlen 0
;; Expected output:
;;   19
;;
;;   zwasm run examples/wat/strings.wat --invoke count_char 0 0x65
;; Expected output (how many 'e' in "Hello, WebAssembly!"):
;;   3
;;
;;   zwasm run examples/wat/strings.wat --invoke checksum 0 5
;; Expected output (the byte sum of "Hello"):
;;   500
(module
  (memory (export "memory") 1)            ;; one 64 KiB page
  (data (i32.const 0) "Hello, WebAssembly!\00")
  (data (i32.const 32) "\01\02\03\04")    ;; escapes write raw bytes

  ;; Length of the NUL-terminated string at $p.
  (func (export "strlen") (param $p i32) (result i32)
    (local $n i32)
    (block $end
      (loop $next
        (br_if $end (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))

  ;; How many times byte $c occurs in the string at $p.
  (func (export "count_char") (param $p i32) (param $c i32) (result i32)
    (local $b i32) (local $count i32)
    (block $end
      (loop $next
        (local.set $b (i32.load8_u (local.get $p)))
        (br_if $end (i32.eqz (local.get $b)))
        (local.set $count
          (i32.add (local.get $count) (i32.eq (local.get $b) (local.get $c))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $count))

  ;; Sum of $len bytes starting at $p.
  (func (export "checksum") (param $p i32) (param $len i32) (result i32)
    (local $sum i32)
    (block $end
      (loop $next
        (br_if $end (i32.eqz (local.get $len)))
        (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (local.get $sum))

  ;; Reads the four bytes at 32 as one little-endian i32: 0x04030201.
  (func (export "load_word") (result i32)
    (i32.load (i32.const 32))))
