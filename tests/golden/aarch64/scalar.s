# scalar.wat, `zwasm compile --target aarch64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 add
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400349  ldr x9, [x26]
    c  f940074a  ldr x10, [x26, #0x8]
   10  0b0a0129  add w9, w9, w10
   14  f9000b49  str x9, [x26, #0x10]
   18  f9400b49  ldr x9, [x26, #0x10]
   1c  f9000349  str x9, [x26]
   20  a8c17bfd  ldp x29, x30, [sp], #0x10
   24  d65f03c0  ret

## func 1 abs_diff
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400349  ldr x9, [x26]
    c  f940074a  ldr x10, [x26, #0x8]
   10  eb0a013f  cmp x9, x10
   14  540000ca  b.ge $+0x18
   18  f9400749  ldr x9, [x26, #0x8]
   1c  f940034a  ldr x10, [x26]
   20  cb0a0129  sub x9, x9, x10
   24  f9000b49  str x9, [x26, #0x10]
   28  14000005  b $+0x14
   2c  f9400349  ldr x9, [x26]
   30  f940074a  ldr x10, [x26, #0x8]
   34  cb0a0129  sub x9, x9, x10
   38  f9000b49  str x9, [x26, #0x10]
   3c  f9400b49  ldr x9, [x26, #0x10]
   40  f9000349  str x9, [x26]
   44  a8c17bfd  ldp x29, x30, [sp], #0x10
   48  d65f03c0  ret

## func 2 div_consts
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400349  ldr x9, [x26]
    c  d280014a  mov x10, #0xa
   10  3400028a  cbz w10, $+0x50
   14  1aca0929  udiv w9, w9, w10
   18  f9000b49  str x9, [x26, #0x10]
   1c  f9400b49  ldr x9, [x26, #0x10]
   20  2a0903e9  mov w9, w9
   24  f9000b49  str x9, [x26, #0x10]
   28  f9400749  ldr x9, [x26, #0x8]
   2c  d28000ea  mov x10, #0x7
   30  b400018a  cbz x10, $+0x30
   34  9aca0d2b  sdiv x11, x9, x10
   38  9b0aa569  msub x9, x11, x10, x9
   3c  f9000f49  str x9, [x26, #0x18]
   40  f9400b49  ldr x9, [x26, #0x10]
   44  f9400f4a  ldr x10, [x26, #0x18]
   48  8b0a0129  add x9, x9, x10
   4c  f9000b49  str x9, [x26, #0x10]
   50  f9400b49  ldr x9, [x26, #0x10]
   54  f9000349  str x9, [x26]
   58  a8c17bfd  ldp x29, x30, [sp], #0x10
   5c  d65f03c0  ret
   60  528000e1  mov w1, #0x7
   64  14000001  b $+0x4
   68  10000000  adr x0, $+0x0
   6c  aa1d03e2  mov x2, x29
   70  f9402389  ldr x9, [x28, #0x40]
   74  d61f0120  br x9

## func 3 scaled_load
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400349  ldr x9, [x26]
    c  d280004a  mov x10, #0x2
   10  1aca2129  lsl w9, w9, w10
   14  f9000749  str x9, [x26, #0x8]
   18  f9400749  ldr x9, [x26, #0x8]
   1c  8b090369  add x9, x27, x9
   20  91004129  add x9, x9, #0x10
   24  b940012a  ldr w10, [x9]
   28  f900074a  str x10, [x26, #0x8]
   2c  d2800809  mov x9, #0x40
   30  f9000b49  str x9, [x26, #0x10]
   34  f9400b49  ldr x9, [x26, #0x10]
   38  8b090369  add x9, x27, x9
   3c  b940012a  ldr w10, [x9]
   40  f9000b4a  str x10, [x26, #0x10]
   44  f9400749  ldr x9, [x26, #0x8]
   48  f9400b4a  ldr x10, [x26, #0x10]
   4c  0b0a0129  add w9, w9, w10
   50  f9000749  str x9, [x26, #0x8]
   54  f9400749  ldr x9, [x26, #0x8]
   58  f9000349  str x9, [x26]
   5c  a8c17bfd  ldp x29, x30, [sp], #0x10
   60  d65f03c0  ret

## func 4 calls: left to the interpreter

## func 5 switch: left to the interpreter

## func 6 trap_div
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400349  ldr x9, [x26]
    c  f940074a  ldr x10, [x26, #0x8]
   10  3400016a  cbz w10, $+0x2c
   14  3100055f  cmn w10, #0x1
   18  54000061  b.ne $+0xc
   1c  7100053f  cmp w9, #0x1
   20  54000126  b.vs $+0x24
   24  1aca0d29  sdiv w9, w9, w10
   28  f9000b49  str x9, [x26, #0x10]
   2c  f9400b49  ldr x9, [x26, #0x10]
   30  f9000349  str x9, [x26]
   34  a8c17bfd  ldp x29, x30, [sp], #0x10
   38  d65f03c0  ret
   3c  528000e1  mov w1, #0x7
   40  14000003  b $+0xc
   44  528000c1  mov w1, #0x6
   48  14000001  b $+0x4
   4c  10000000  adr x0, $+0x0
   50  aa1d03e2  mov x2, x29
   54  f9402389  ldr x9, [x28, #0x40]
   58  d61f0120  br x9

## func 7 floats
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400349  ldr x9, [x26]
    c  9e670120  fmov d0, x9
   10  1e61c000  fsqrt d0, d0
   14  9e660009  fmov x9, d0
   18  f9000b49  str x9, [x26, #0x10]
   1c  f9400749  ldr x9, [x26, #0x8]
   20  1e270120  fmov s0, w9
   24  1e254000  frintm s0, s0
   28  1e260009  fmov w9, s0
   2c  f9000f49  str x9, [x26, #0x18]
   30  f9400f49  ldr x9, [x26, #0x18]
   34  1e270120  fmov s0, w9
   38  1e22c000  fcvt d0, s0
   3c  9e660009  fmov x9, d0
   40  f9000f49  str x9, [x26, #0x18]
   44  f9400b49  ldr x9, [x26, #0x10]
   48  9e670120  fmov d0, x9
   4c  f9400f49  ldr x9, [x26, #0x18]
   50  9e670121  fmov d1, x9
   54  1e612800  fadd d0, d0, d1
   58  9e660009  fmov x9, d0
   5c  f9000b49  str x9, [x26, #0x10]
   60  f9400b49  ldr x9, [x26, #0x10]
   64  f9000349  str x9, [x26]
   68  a8c17bfd  ldp x29, x30, [sp], #0x10
   6c  d65f03c0  ret
