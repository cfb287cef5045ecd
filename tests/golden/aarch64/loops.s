# loops.wat, `zwasm compile --target aarch64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 sum
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  aa1f03e1  mov x1, xzr
    c  aa1f03e2  mov x2, xzr
   10  f9400340  ldr x0, [x26]
   14  d503201f  nop
   18  d503201f  nop
   1c  d503201f  nop
   20  2a0103e3  mov w3, w1
   24  8b030042  add x2, x2, x3
   28  11000421  add w1, w1, #0x1
   2c  6b00003f  cmp w1, w0
   30  54ffff83  b.lo $-0x10
   34  f9000342  str x2, [x26]
   38  a8c17bfd  ldp x29, x30, [sp], #0x10
   3c  d65f03c0  ret

## func 1 hash
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  a9bf53f3  stp x19, x20, [sp, #-0x10]!
    c  f81f0ff5  str x21, [sp, #-0x10]!
   10  aa1f03e3  mov x3, xzr
   14  aa1f03e4  mov x4, xzr
   18  aa1f03e5  mov x5, xzr
   1c  aa1f03e6  mov x6, xzr
   20  aa1f03e7  mov x7, xzr
   24  aa1f03e8  mov x8, xzr
   28  aa1f03ec  mov x12, xzr
   2c  aa1f03ed  mov x13, xzr
   30  aa1f03ee  mov x14, xzr
   34  aa1f03ef  mov x15, xzr
   38  aa1f03f3  mov x19, xzr
   3c  f9400340  ldr x0, [x26]
   40  f9400741  ldr x1, [x26, #0x8]
   44  d293b8a2  mov x2, #0x9dc5
   48  f2b02382  movk x2, #0x811c, lsl #16
   4c  d503201f  nop
   50  2a0203f4  mov w20, w2
   54  8b140063  add x3, x3, x20
   58  8b030084  add x4, x4, x3
   5c  8b0400a5  add x5, x5, x4
   60  8b0500c6  add x6, x6, x5
   64  8b0600e7  add x7, x7, x6
   68  8b070108  add x8, x8, x7
   6c  8b08018c  add x12, x12, x8
   70  8b0c01ad  add x13, x13, x12
   74  8b0d01ce  add x14, x14, x13
   78  8b0e01ef  add x15, x15, x14
   7c  8b0f0273  add x19, x19, x15
   80  2a1303f4  mov w20, w19
   84  0b140042  add w2, w2, w20
   88  d2b0200a  mov x10, #0x81000000
   8c  6b0a005f  cmp w2, w10
   90  54fffe03  b.lo $-0x40
   94  34000161  cbz w1, $+0x2c
   98  d503201f  nop
   9c  d503201f  nop
   a0  38604b74  ldrb w20, [x27, w0, uxtw]
   a4  4a140055  eor w21, w2, w20
   a8  d280326a  mov x10, #0x193
   ac  f2a0200a  movk x10, #0x100, lsl #16
   b0  1b0a7ea2  mul w2, w21, w10
   b4  11000400  add w0, w0, #0x1
   b8  51000421  sub w1, w1, #0x1
   bc  35ffff21  cbnz w1, $-0x1c
   c0  8b1301e1  add x1, x15, x19
   c4  8b0101cf  add x15, x14, x1
   c8  8b0f01a1  add x1, x13, x15
   cc  8b01018f  add x15, x12, x1
   d0  8b0f0101  add x1, x8, x15
   d4  8b0100ef  add x15, x7, x1
   d8  8b0f00c1  add x1, x6, x15
   dc  8b0100af  add x15, x5, x1
   e0  8b0f0081  add x1, x4, x15
   e4  8b010074  add x20, x3, x1
   e8  2a1403f4  mov w20, w20
   ec  0b140055  add w21, w2, w20
   f0  f9000355  str x21, [x26]
   f4  f84107f5  ldr x21, [sp], #0x10
   f8  a8c153f3  ldp x19, x20, [sp], #0x10
   fc  a8c17bfd  ldp x29, x30, [sp], #0x10
  100  d65f03c0  ret
