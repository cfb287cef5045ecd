# loops.wat, `zwasm compile --target aarch64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 sum
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  aa1f03e1  mov x1, xzr
    c  aa1f03e2  mov x2, xzr
   10  f9400340  ldr x0, [x26]
   14  2a0103e3  mov w3, w1
   18  8b030042  add x2, x2, x3
   1c  11000421  add w1, w1, #0x1
   20  6b00003f  cmp w1, w0
   24  54ffff83  b.lo $-0x10
   28  f9000342  str x2, [x26]
   2c  a8c17bfd  ldp x29, x30, [sp], #0x10
   30  d65f03c0  ret

## func 1 hash
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  aa1f03e3  mov x3, xzr
    c  aa1f03e4  mov x4, xzr
   10  aa1f03e5  mov x5, xzr
   14  aa1f03e6  mov x6, xzr
   18  aa1f03e7  mov x7, xzr
   1c  aa1f03e8  mov x8, xzr
   20  aa1f03ea  mov x10, xzr
   24  aa1f03eb  mov x11, xzr
   28  aa1f03ec  mov x12, xzr
   2c  aa1f03ed  mov x13, xzr
   30  aa1f03ee  mov x14, xzr
   34  f9400340  ldr x0, [x26]
   38  f9400741  ldr x1, [x26, #0x8]
   3c  d293b8a2  mov x2, #0x9dc5
   40  f2b02382  movk x2, #0x811c, lsl #16
   44  2a0203ef  mov w15, w2
   48  8b0f0063  add x3, x3, x15
   4c  8b030084  add x4, x4, x3
   50  8b0400a5  add x5, x5, x4
   54  8b0500c6  add x6, x6, x5
   58  8b0600e7  add x7, x7, x6
   5c  8b070108  add x8, x8, x7
   60  8b08014a  add x10, x10, x8
   64  8b0a016b  add x11, x11, x10
   68  8b0b018c  add x12, x12, x11
   6c  8b0c01ad  add x13, x13, x12
   70  8b0d01ce  add x14, x14, x13
   74  2a0e03ef  mov w15, w14
   78  0b0f0042  add w2, w2, w15
   7c  d2b02011  mov x17, #0x81000000
   80  6b11005f  cmp w2, w17
   84  54fffe03  b.lo $-0x40
   88  34000121  cbz w1, $+0x24
   8c  38604b6f  ldrb w15, [x27, w0, uxtw]
   90  4a0f005e  eor w30, w2, w15
   94  d2803271  mov x17, #0x193
   98  f2a02011  movk x17, #0x100, lsl #16
   9c  1b117fc2  mul w2, w30, w17
   a0  11000400  add w0, w0, #0x1
   a4  51000421  sub w1, w1, #0x1
   a8  35ffff21  cbnz w1, $-0x1c
   ac  8b0e01a1  add x1, x13, x14
   b0  8b01018e  add x14, x12, x1
   b4  8b0e0161  add x1, x11, x14
   b8  8b01014e  add x14, x10, x1
   bc  8b0e0101  add x1, x8, x14
   c0  8b0100ee  add x14, x7, x1
   c4  8b0e00c1  add x1, x6, x14
   c8  8b0100ae  add x14, x5, x1
   cc  8b0e0081  add x1, x4, x14
   d0  8b01006f  add x15, x3, x1
   d4  2a0f03ef  mov w15, w15
   d8  0b0f005e  add w30, w2, w15
   dc  f900035e  str x30, [x26]
   e0  a8c17bfd  ldp x29, x30, [sp], #0x10
   e4  d65f03c0  ret
