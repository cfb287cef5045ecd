;; Loops: a counted loop, a loop whose hot value lost its register to
;; pressure elsewhere in the function (it gets one inside the loop: loaded
;; on entry, stored on the exits), and a loop with an early exit.
(module
  (memory 1)
  (func (export "sum") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (loop $top
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $top (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc))
  (func (export "hash") (param $p i32) (param $n i32) (result i32)
    (local $h i32) (local $a i64) (local $b i64) (local $c i64) (local $d i64)
    (local $e i64) (local $f i64) (local $g i64) (local $k i64) (local $l i64)
    (local $m i64) (local $o i64)
    (local.set $h (i32.const 0x811c9dc5))
    ;; Eleven values live at once, each used several times: more than the
    ;; registers, and weighted like `h` (all in loops of depth one).
    (loop $mix
      (local.set $a (i64.add (local.get $a) (i64.extend_i32_u (local.get $h))))
      (local.set $b (i64.add (local.get $b) (local.get $a)))
      (local.set $c (i64.add (local.get $c) (local.get $b)))
      (local.set $d (i64.add (local.get $d) (local.get $c)))
      (local.set $e (i64.add (local.get $e) (local.get $d)))
      (local.set $f (i64.add (local.get $f) (local.get $e)))
      (local.set $g (i64.add (local.get $g) (local.get $f)))
      (local.set $k (i64.add (local.get $k) (local.get $g)))
      (local.set $l (i64.add (local.get $l) (local.get $k)))
      (local.set $m (i64.add (local.get $m) (local.get $l)))
      (local.set $o (i64.add (local.get $o) (local.get $m)))
      (local.set $h (i32.add (local.get $h) (i32.wrap_i64 (local.get $o))))
      (br_if $mix (i32.lt_u (local.get $h) (i32.const 0x81000000))))
    (block $done
      (loop $bytes
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $h
          (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $p)))
                   (i32.const 16777619)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $bytes)))
    (i32.add (local.get $h)
      (i32.wrap_i64 (i64.add (local.get $a) (i64.add (local.get $b) (i64.add (local.get $c)
        (i64.add (local.get $d) (i64.add (local.get $e) (i64.add (local.get $f)
        (i64.add (local.get $g) (i64.add (local.get $k) (i64.add (local.get $l)
        (i64.add (local.get $m) (local.get $o)))))))))))))))
