# scalar.wat, `zwasm compile --target aarch64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 add
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400340  ldr x0, [x26]
    c  f9400741  ldr x1, [x26, #0x8]
   10  0b010002  add w2, w0, w1
   14  f9000342  str x2, [x26]
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
    8  f9400340  ldr x0, [x26]
    c  f9400741  ldr x1, [x26, #0x8]
   10  d2800151  mov x17, #0xa
   14  1ad10802  udiv w2, w0, w17
   18  2a0203e2  mov w2, w2
   1c  b2400bf1  mov x17, #0x7
   20  9ad10c30  sdiv x16, x1, x17
   24  9b118600  msub x0, x16, x17, x1
   28  8b000042  add x2, x2, x0
   2c  f9000342  str x2, [x26]
   30  a8c17bfd  ldp x29, x30, [sp], #0x10
   34  d65f03c0  ret

## func 3 scaled_load
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400340  ldr x0, [x26]
    c  531e7401  lsl w1, w0, #0x2
   10  91004370  add x16, x27, #0x10
   14  b8614a01  ldr w1, [x16, w1, uxtw]
   18  b27a03f0  mov x16, #0x40
   1c  b8706b60  ldr w0, [x27, x16]
   20  0b000021  add w1, w1, w0
   24  f9000341  str x1, [x26]
   28  a8c17bfd  ldp x29, x30, [sp], #0x10
   2c  d65f03c0  ret

## func 4 calls
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400340  ldr x0, [x26]
    c  aa0003e1  mov x1, x0
   10  b24003e0  mov x0, #0x1
   14  0b000022  add w2, w1, w0
   18  aa0203e1  mov x1, x2
   1c  b27f03e0  mov x0, #0x2
   20  0b000022  add w2, w1, w0
   24  aa0203e1  mov x1, x2
   28  f9000341  str x1, [x26]
   2c  a8c17bfd  ldp x29, x30, [sp], #0x10
   30  d65f03c0  ret

## func 5 switch
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f81f0ff3  str x19, [sp, #-0x10]!
    c  f9400353  ldr x19, [x26]
   10  71000a7f  cmp w19, #0x2
   14  54000202  b.hs $+0x40
   18  10000071  adr x17, $+0xc
   1c  8b334a31  add x17, x17, w19, lsl #2
   20  d61f0220  br x17
   24  14000002  b $+0x8
   28  14000006  b $+0x18
   2c  d2800153  mov x19, #0xa
   30  f9000353  str x19, [x26]
   34  f84107f3  ldr x19, [sp], #0x10
   38  a8c17bfd  ldp x29, x30, [sp], #0x10
   3c  d65f03c0  ret
   40  d2800293  mov x19, #0x14
   44  f9000353  str x19, [x26]
   48  f84107f3  ldr x19, [sp], #0x10
   4c  a8c17bfd  ldp x29, x30, [sp], #0x10
   50  d65f03c0  ret
   54  b27f0ff3  mov x19, #0x1e
   58  f9000353  str x19, [x26]
   5c  f84107f3  ldr x19, [sp], #0x10
   60  a8c17bfd  ldp x29, x30, [sp], #0x10
   64  d65f03c0  ret

## func 6 trap_div
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400340  ldr x0, [x26]
    c  f9400741  ldr x1, [x26, #0x8]
   10  34000121  cbz w1, $+0x24
   14  3100043f  cmn w1, #0x1
   18  54000061  b.ne $+0xc
   1c  7100041f  cmp w0, #0x1
   20  540000e6  b.vs $+0x1c
   24  1ac10c02  sdiv w2, w0, w1
   28  f9000342  str x2, [x26]
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
    c  fd400743  ldr d3, [x26, #0x8]
   10  1e61c044  fsqrt d4, d2
   14  1e254062  frintm s2, s3
   18  1e22c042  fcvt d2, s2
   1c  1e622884  fadd d4, d4, d2
   20  fd000344  str d4, [x26]
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
   34  9e790040  fcvtzu x0, d2
   38  1e22c060  fcvt d0, s3
   3c  1e780001  fcvtzs w1, d0
   40  93407c21  sxtw x1, w1
   44  8b010000  add x0, x0, x1
   48  f9000340  str x0, [x26]
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
