;; conversions.wat — the Wasm 2.0 conversion additions: sign-extension ops
;; (treat the low 8/16/32 bits as a signed number) and saturating float-to-int
;; conversions (clamp instead of trapping), next to the trapping originals.
;;
;; Run:
;;   zwasm run examples/wat/conversions.wat --invoke extend8 255
;; Expected output (0xff as a signed byte):
;;   -1
;;
;;   zwasm run examples/wat/conversions.wat --invoke sat_i32 1e10
;; Expected output (clamped to the largest i32):
;;   2147483647
;;
;;   zwasm run examples/wat/conversions.wat --invoke sat_i32 nan
;; Expected output (NaN saturates to 0):
;;   0
;;
;;   zwasm run examples/wat/conversions.wat --invoke trunc_i32 1e10
;; Expected trap (exit code 134; the trapping conversion has no i32 to give):
;;   wasm trap: integer overflow
(module
  (func (export "extend8") (param i32) (result i32)
    (i32.extend8_s (local.get 0)))

  (func (export "extend16") (param i32) (result i32)
    (i32.extend16_s (local.get 0)))

  ;; i64.extend32_s: the low 32 bits as a signed number.
  (func (export "extend32") (param i64) (result i64)
    (i64.extend32_s (local.get 0)))

  (func (export "sat_i32") (param f64) (result i32)
    (i32.trunc_sat_f64_s (local.get 0)))

  ;; Unsigned saturation: negative values clamp to 0.
  (func (export "sat_u8") (param f32) (result i32)
    (i32.trunc_sat_f32_u (local.get 0)))

  (func (export "trunc_i32") (param f64) (result i32)
    (i32.trunc_f64_s (local.get 0)))

  ;; The other direction, and reinterpreting bits: 1.0f is 0x3f800000.
  (func (export "int_to_float") (param i64) (result f64)
    (f64.convert_i64_s (local.get 0)))
  (func (export "float_bits") (param f32) (result i32)
    (i32.reinterpret_f32 (local.get 0))))
