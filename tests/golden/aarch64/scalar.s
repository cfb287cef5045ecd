# scalar.wat, `zwasm compile --target aarch64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 add
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400340  ldr x0, [x26]
    c  f9400741  ldr x1, [x26, #0x8]
   10  0b010000  add w0, w0, w1
   14  f9000340  str x0, [x26]
   18  a8c17bfd  ldp x29, x30, [sp], #0x10
   1c  d65f03c0  ret

## func 1 abs_diff
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400340  ldr x0, [x26]
    c  f9400741  ldr x1, [x26, #0x8]
   10  eb01001f  cmp x0, x1
   14  5400006a  b.ge $+0xc
   18  cb000022  sub x2, x1, x0
   1c  14000002  b $+0x8
   20  cb010002  sub x2, x0, x1
   24  f9000342  str x2, [x26]
   28  a8c17bfd  ldp x29, x30, [sp], #0x10
   2c  d65f03c0  ret

## func 2 div_consts
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400341  ldr x1, [x26]
    c  f9400742  ldr x2, [x26, #0x8]
   10  d2800151  mov x17, #0xa
   14  1ad10820  udiv w0, w1, w17
   18  2a0003e0  mov w0, w0
   1c  b2400bf1  mov x17, #0x7
   20  9ad10c50  sdiv x16, x2, x17
   24  9b118a01  msub x1, x16, x17, x2
   28  8b010000  add x0, x0, x1
   2c  f9000340  str x0, [x26]
   30  a8c17bfd  ldp x29, x30, [sp], #0x10
   34  d65f03c0  ret

## func 3 scaled_load
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400340  ldr x0, [x26]
    c  531e7400  lsl w0, w0, #0x2
   10  91004370  add x16, x27, #0x10
   14  b8604a00  ldr w0, [x16, w0, uxtw]
   18  b27a03f0  mov x16, #0x40
   1c  b8706b61  ldr w1, [x27, x16]
   20  0b010000  add w0, w0, w1
   24  f9000340  str x0, [x26]
   28  a8c17bfd  ldp x29, x30, [sp], #0x10
   2c  d65f03c0  ret

## func 4 calls
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400341  ldr x1, [x26]
    c  b24003e2  mov x2, #0x1
   10  0b020020  add w0, w1, w2
   14  aa0003e1  mov x1, x0
   18  b27f03e2  mov x2, #0x2
   1c  0b020020  add w0, w1, w2
   20  aa0003e1  mov x1, x0
   24  f9000341  str x1, [x26]
   28  a8c17bfd  ldp x29, x30, [sp], #0x10
   2c  d65f03c0  ret

## func 5 switch
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400340  ldr x0, [x26]
    c  7100081f  cmp w0, #0x2
   10  540001c2  b.hs $+0x38
   14  10000071  adr x17, $+0xc
   18  8b204a31  add x17, x17, w0, lsl #2
   1c  d61f0220  br x17
   20  14000002  b $+0x8
   24  14000005  b $+0x14
   28  d2800140  mov x0, #0xa
   2c  f9000340  str x0, [x26]
   30  a8c17bfd  ldp x29, x30, [sp], #0x10
   34  d65f03c0  ret
   38  d2800280  mov x0, #0x14
   3c  f9000340  str x0, [x26]
   40  a8c17bfd  ldp x29, x30, [sp], #0x10
   44  d65f03c0  ret
   48  b27f0fe0  mov x0, #0x1e
   4c  f9000340  str x0, [x26]
   50  a8c17bfd  ldp x29, x30, [sp], #0x10
   54  d65f03c0  ret

## func 6 trap_div
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400341  ldr x1, [x26]
    c  f9400742  ldr x2, [x26, #0x8]
   10  34000122  cbz w2, $+0x24
   14  3100045f  cmn w2, #0x1
   18  54000061  b.ne $+0xc
   1c  7100043f  cmp w1, #0x1
   20  540000e6  b.vs $+0x1c
   24  1ac20c20  sdiv w0, w1, w2
   28  f9000340  str x0, [x26]
   2c  a8c17bfd  ldp x29, x30, [sp], #0x10
   30  d65f03c0  ret
   34  528000e1  mov w1, #0x7
   38  14000003  b $+0xc
   3c  528000c1  mov w1, #0x6
   40  14000001  b $+0x4
   44  10000000  adr x0, $+0x0
   48  aa1d03e2  mov x2, x29
   4c  f9402389  ldr x9, [x28, #0x40]
   50  d61f0120  br x9

## func 7 floats
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  fd400342  ldr d2, [x26]
    c  fd400744  ldr d4, [x26, #0x8]
   10  1e61c043  fsqrt d3, d2
   14  1e254082  frintm s2, s4
   18  1e22c042  fcvt d2, s2
   1c  1e622863  fadd d3, d3, d2
   20  fd000343  str d3, [x26]
   24  a8c17bfd  ldp x29, x30, [sp], #0x10
   28  d65f03c0  ret

## func 8 truncs
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  fd400342  ldr d2, [x26]
    c  fd400743  ldr d3, [x26, #0x8]
   10  d2f7fe10  mov x16, #0xbff0000000000000
   14  9e670201  fmov d1, x16
   18  1e612040  fcmp d2, d1
   1c  540001c6  b.vs $+0x38
   20  540001e9  b.ls $+0x3c
   24  d2e87e10  mov x16, #0x43f0000000000000
   28  9e670201  fmov d1, x16
   2c  1e612040  fcmp d2, d1
   30  5400016a  b.ge $+0x2c
   34  9e790041  fcvtzu x1, d2
   38  1e22c060  fcvt d0, s3
   3c  1e780000  fcvtzs w0, d0
   40  93407c00  sxtw x0, w0
   44  8b000021  add x1, x1, x0
   48  f9000341  str x1, [x26]
   4c  a8c17bfd  ldp x29, x30, [sp], #0x10
   50  d65f03c0  ret
   54  52800101  mov w1, #0x8
   58  14000003  b $+0xc
   5c  528000c1  mov w1, #0x6
   60  14000001  b $+0x4
   64  10000000  adr x0, $+0x0
   68  aa1d03e2  mov x2, x29
   6c  f9402389  ldr x9, [x28, #0x40]
   70  d61f0120  br x9
