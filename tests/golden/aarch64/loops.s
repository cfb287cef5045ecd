# loops.wat, `zwasm compile --target aarch64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 sum
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  aa1f03e0  mov x0, xzr
    c  aa1f03e2  mov x2, xzr
   10  f9400343  ldr x3, [x26]
   14  2a0003e1  mov w1, w0
   18  8b010042  add x2, x2, x1
   1c  11000400  add w0, w0, #0x1
   20  6b03001f  cmp w0, w3
   24  54ffff83  b.lo $-0x10
   28  f9000342  str x2, [x26]
   2c  a8c17bfd  ldp x29, x30, [sp], #0x10
   30  d65f03c0  ret

## func 1 hash
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  aa1f03ed  mov x13, xzr
    c  aa1f03ee  mov x14, xzr
   10  aa1f03ef  mov x15, xzr
   14  aa1f03fe  mov x30, xzr
   18  aa1f03e5  mov x5, xzr
   1c  aa1f03e6  mov x6, xzr
   20  aa1f03e7  mov x7, xzr
   24  aa1f03e8  mov x8, xzr
   28  aa1f03ea  mov x10, xzr
   2c  aa1f03eb  mov x11, xzr
   30  aa1f03ec  mov x12, xzr
   34  f9400344  ldr x4, [x26]
   38  f9400743  ldr x3, [x26, #0x8]
   3c  d293b8a2  mov x2, #0x9dc5
   40  f2b02382  movk x2, #0x811c, lsl #16
   44  2a0203e0  mov w0, w2
   48  8b0001ad  add x13, x13, x0
   4c  8b0d01ce  add x14, x14, x13
   50  8b0e01ef  add x15, x15, x14
   54  8b0f03de  add x30, x30, x15
   58  8b1e00a5  add x5, x5, x30
   5c  8b0500c6  add x6, x6, x5
   60  8b0600e7  add x7, x7, x6
   64  8b070108  add x8, x8, x7
   68  8b08014a  add x10, x10, x8
   6c  8b0a016b  add x11, x11, x10
   70  8b0b018c  add x12, x12, x11
   74  2a0c03e0  mov w0, w12
   78  0b000042  add w2, w2, w0
   7c  d2b02011  mov x17, #0x81000000
   80  6b11005f  cmp w2, w17
   84  54fffe03  b.lo $-0x40
   88  34000123  cbz w3, $+0x24
   8c  38644b60  ldrb w0, [x27, w4, uxtw]
   90  4a000041  eor w1, w2, w0
   94  d2803271  mov x17, #0x193
   98  f2a02011  movk x17, #0x100, lsl #16
   9c  1b117c22  mul w2, w1, w17
   a0  11000484  add w4, w4, #0x1
   a4  51000463  sub w3, w3, #0x1
   a8  35ffff23  cbnz w3, $-0x1c
   ac  8b0c016b  add x11, x11, x12
   b0  8b0b014a  add x10, x10, x11
   b4  8b0a0108  add x8, x8, x10
   b8  8b0800e7  add x7, x7, x8
   bc  8b0700c6  add x6, x6, x7
   c0  8b0600a5  add x5, x5, x6
   c4  8b0503de  add x30, x30, x5
   c8  8b1e01ef  add x15, x15, x30
   cc  8b0f01ce  add x14, x14, x15
   d0  8b0e01ad  add x13, x13, x14
   d4  2a0d03e0  mov w0, w13
   d8  0b000042  add w2, w2, w0
   dc  f9000342  str x2, [x26]
   e0  a8c17bfd  ldp x29, x30, [sp], #0x10
   e4  d65f03c0  ret
