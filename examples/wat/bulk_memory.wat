;; bulk_memory.wat — the bulk memory operations: memory.fill, memory.copy,
;; and memory.init from a passive data segment (copied in only on request).
;;
;; Run:
;;   zwasm run examples/wat/bulk_memory.wat --invoke fill_sum 7 10
;; Expected output (ten bytes of 7):
;;   70
;;
;;   zwasm run examples/wat/bulk_memory.wat --invoke copy_overlapping
;; Expected output (0x05040302: the bytes 2 3 4 5 read as one little-endian i32):
;;   84148994
;;
;;   zwasm run examples/wat/bulk_memory.wat --invoke init_passive 100
;; Expected output (the sum of the bytes of "zwasm" written at 100):
;;   562
(module
  (memory 1)
  (data $word "zwasm")          ;; passive: no offset, so nothing is written at start-up

  ;; Sum of the $n bytes at $p.
  (func $sum (param $p i32) (param $n i32) (result i32)
    (local $acc i32)
    (block $end
      (loop $next
        (br_if $end (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc))

  ;; Fills $n bytes at address 0 with $byte, then adds them up.
  (func (export "fill_sum") (param $byte i32) (param $n i32) (result i32)
    (memory.fill (i32.const 0) (local.get $byte) (local.get $n))
    (call $sum (i32.const 0) (local.get $n)))

  ;; memory.copy handles overlap like memmove. Writes 1 2 3 4 5 at 0, copies
  ;; those five bytes to 2 (overlapping), leaving 1 2 1 2 3 4 5, and returns the
  ;; i32 at 3: bytes 2 3 4 5. (A naive forward byte loop would have left
  ;; 1 2 1 2 1 2 1.)
  (func (export "copy_overlapping") (result i32)
    (i32.store8 (i32.const 0) (i32.const 1))
    (i32.store8 (i32.const 1) (i32.const 2))
    (i32.store8 (i32.const 2) (i32.const 3))
    (i32.store8 (i32.const 3) (i32.const 4))
    (i32.store8 (i32.const 4) (i32.const 5))
    (memory.copy (i32.const 2) (i32.const 0) (i32.const 5))
    (i32.load (i32.const 3)))

  ;; Copies the passive segment to $dest, drops it (frees it), and returns
  ;; the sum of its bytes. A second memory.init of a dropped segment traps.
  (func (export "init_passive") (param $dest i32) (result i32)
    (memory.init $word (local.get $dest) (i32.const 0) (i32.const 5))
    (data.drop $word)
    (call $sum (local.get $dest) (i32.const 5))))
