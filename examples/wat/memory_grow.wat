;; memory_grow.wat — linear memory grows in 64 KiB pages at run time, up to
;; the maximum the module declares; memory.grow returns the old size or -1.
;;
;; Run:
;;   zwasm run examples/wat/memory_grow.wat --invoke grow 2
;; Expected output (the old size in pages, then the new one):
;;   1
;;   3
;;
;;   zwasm run examples/wat/memory_grow.wat --invoke grow 10
;; Expected output (past the declared maximum of 4 pages, so it fails):
;;   -1
;;   1
;;
;;   zwasm run examples/wat/memory_grow.wat --invoke touch_new_page
;; Expected output (new pages read as zero, and can be written):
;;   0
;;   99
(module
  (memory 1 4)   ;; 1 page now, at most 4

  (func (export "grow") (param $pages i32) (result i32 i32)
    (memory.grow (local.get $pages))
    (memory.size))

  (func (export "touch_new_page") (result i32 i32)
    (drop (memory.grow (i32.const 1)))
    ;; Address 65536 is the first byte of page 2.
    (i32.load (i32.const 65536))
    (i32.store (i32.const 65536) (i32.const 99))
    (i32.load (i32.const 65536))))
