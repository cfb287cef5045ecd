# loops.wat, `zwasm compile --target aarch64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 sum
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f900075f  str xzr, [x26, #0x8]
    c  f9000b5f  str xzr, [x26, #0x10]
   10  f9400749  ldr x9, [x26, #0x8]
   14  2a0903e9  mov w9, w9
   18  f9001349  str x9, [x26, #0x20]
   1c  f9400b49  ldr x9, [x26, #0x10]
   20  f940134a  ldr x10, [x26, #0x20]
   24  8b0a0129  add x9, x9, x10
   28  f9000b49  str x9, [x26, #0x10]
   2c  f9400749  ldr x9, [x26, #0x8]
   30  d280002a  mov x10, #0x1
   34  0b0a0129  add w9, w9, w10
   38  f9000749  str x9, [x26, #0x8]
   3c  f9400749  ldr x9, [x26, #0x8]
   40  f940034a  ldr x10, [x26]
   44  6b0a013f  cmp w9, w10
   48  54fffe43  b.lo $-0x38
   4c  f9400b49  ldr x9, [x26, #0x10]
   50  f9000349  str x9, [x26]
   54  a8c17bfd  ldp x29, x30, [sp], #0x10
   58  d65f03c0  ret

## func 1 hash
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9000f5f  str xzr, [x26, #0x18]
    c  f900135f  str xzr, [x26, #0x20]
   10  f900175f  str xzr, [x26, #0x28]
   14  f9001b5f  str xzr, [x26, #0x30]
   18  f9001f5f  str xzr, [x26, #0x38]
   1c  f900235f  str xzr, [x26, #0x40]
   20  f900275f  str xzr, [x26, #0x48]
   24  f9002b5f  str xzr, [x26, #0x50]
   28  f9002f5f  str xzr, [x26, #0x58]
   2c  f900335f  str xzr, [x26, #0x60]
   30  f900375f  str xzr, [x26, #0x68]
   34  d293b8a9  mov x9, #0x9dc5
   38  f2b02389  movk x9, #0x811c, lsl #16
   3c  f9000b49  str x9, [x26, #0x10]
   40  f9400b49  ldr x9, [x26, #0x10]
   44  2a0903e9  mov w9, w9
   48  f9003f49  str x9, [x26, #0x78]
   4c  f9400f49  ldr x9, [x26, #0x18]
   50  f9403f4a  ldr x10, [x26, #0x78]
   54  8b0a0129  add x9, x9, x10
   58  f9000f49  str x9, [x26, #0x18]
   5c  f9401349  ldr x9, [x26, #0x20]
   60  f9400f4a  ldr x10, [x26, #0x18]
   64  8b0a0129  add x9, x9, x10
   68  f9001349  str x9, [x26, #0x20]
   6c  f9401749  ldr x9, [x26, #0x28]
   70  f940134a  ldr x10, [x26, #0x20]
   74  8b0a0129  add x9, x9, x10
   78  f9001749  str x9, [x26, #0x28]
   7c  f9401b49  ldr x9, [x26, #0x30]
   80  f940174a  ldr x10, [x26, #0x28]
   84  8b0a0129  add x9, x9, x10
   88  f9001b49  str x9, [x26, #0x30]
   8c  f9401f49  ldr x9, [x26, #0x38]
   90  f9401b4a  ldr x10, [x26, #0x30]
   94  8b0a0129  add x9, x9, x10
   98  f9001f49  str x9, [x26, #0x38]
   9c  f9402349  ldr x9, [x26, #0x40]
   a0  f9401f4a  ldr x10, [x26, #0x38]
   a4  8b0a0129  add x9, x9, x10
   a8  f9002349  str x9, [x26, #0x40]
   ac  f9402749  ldr x9, [x26, #0x48]
   b0  f940234a  ldr x10, [x26, #0x40]
   b4  8b0a0129  add x9, x9, x10
   b8  f9002749  str x9, [x26, #0x48]
   bc  f9402b49  ldr x9, [x26, #0x50]
   c0  f940274a  ldr x10, [x26, #0x48]
   c4  8b0a0129  add x9, x9, x10
   c8  f9002b49  str x9, [x26, #0x50]
   cc  f9402f49  ldr x9, [x26, #0x58]
   d0  f9402b4a  ldr x10, [x26, #0x50]
   d4  8b0a0129  add x9, x9, x10
   d8  f9002f49  str x9, [x26, #0x58]
   dc  f9403349  ldr x9, [x26, #0x60]
   e0  f9402f4a  ldr x10, [x26, #0x58]
   e4  8b0a0129  add x9, x9, x10
   e8  f9003349  str x9, [x26, #0x60]
   ec  f9403749  ldr x9, [x26, #0x68]
   f0  f940334a  ldr x10, [x26, #0x60]
   f4  8b0a0129  add x9, x9, x10
   f8  f9003749  str x9, [x26, #0x68]
   fc  f9403749  ldr x9, [x26, #0x68]
  100  2a0903e9  mov w9, w9
  104  f9003f49  str x9, [x26, #0x78]
  108  f9400b49  ldr x9, [x26, #0x10]
  10c  f9403f4a  ldr x10, [x26, #0x78]
  110  0b0a0129  add w9, w9, w10
  114  f9000b49  str x9, [x26, #0x10]
  118  f9400b49  ldr x9, [x26, #0x10]
  11c  d280000a  mov x10, #0x0
  120  f2b0200a  movk x10, #0x8100, lsl #16
  124  f2dfffea  movk x10, #0xffff, lsl #32
  128  f2ffffea  movk x10, #0xffff, lsl #48
  12c  6b0a013f  cmp w9, w10
  130  54fff883  b.lo $-0xf0
  134  f9400749  ldr x9, [x26, #0x8]
  138  34000329  cbz w9, $+0x64
  13c  d503201f  nop
  140  f9400349  ldr x9, [x26]
  144  8b090369  add x9, x27, x9
  148  3940012a  ldrb w10, [x9]
  14c  f9003f4a  str x10, [x26, #0x78]
  150  f9400b49  ldr x9, [x26, #0x10]
  154  f9403f4a  ldr x10, [x26, #0x78]
  158  4a0a0129  eor w9, w9, w10
  15c  f9003b49  str x9, [x26, #0x70]
  160  f9403b49  ldr x9, [x26, #0x70]
  164  d280326a  mov x10, #0x193
  168  f2a0200a  movk x10, #0x100, lsl #16
  16c  1b0a7d29  mul w9, w9, w10
  170  f9000b49  str x9, [x26, #0x10]
  174  f9400349  ldr x9, [x26]
  178  d280002a  mov x10, #0x1
  17c  0b0a0129  add w9, w9, w10
  180  f9000349  str x9, [x26]
  184  f9400749  ldr x9, [x26, #0x8]
  188  d280002a  mov x10, #0x1
  18c  4b0a0129  sub w9, w9, w10
  190  f9000749  str x9, [x26, #0x8]
  194  f9400749  ldr x9, [x26, #0x8]
  198  35fffd49  cbnz w9, $-0x58
  19c  f9403349  ldr x9, [x26, #0x60]
  1a0  f940374a  ldr x10, [x26, #0x68]
  1a4  8b0a0129  add x9, x9, x10
  1a8  f9006349  str x9, [x26, #0xc0]
  1ac  f9402f49  ldr x9, [x26, #0x58]
  1b0  f940634a  ldr x10, [x26, #0xc0]
  1b4  8b0a0129  add x9, x9, x10
  1b8  f9005f49  str x9, [x26, #0xb8]
  1bc  f9402b49  ldr x9, [x26, #0x50]
  1c0  f9405f4a  ldr x10, [x26, #0xb8]
  1c4  8b0a0129  add x9, x9, x10
  1c8  f9005b49  str x9, [x26, #0xb0]
  1cc  f9402749  ldr x9, [x26, #0x48]
  1d0  f9405b4a  ldr x10, [x26, #0xb0]
  1d4  8b0a0129  add x9, x9, x10
  1d8  f9005749  str x9, [x26, #0xa8]
  1dc  f9402349  ldr x9, [x26, #0x40]
  1e0  f940574a  ldr x10, [x26, #0xa8]
  1e4  8b0a0129  add x9, x9, x10
  1e8  f9005349  str x9, [x26, #0xa0]
  1ec  f9401f49  ldr x9, [x26, #0x38]
  1f0  f940534a  ldr x10, [x26, #0xa0]
  1f4  8b0a0129  add x9, x9, x10
  1f8  f9004f49  str x9, [x26, #0x98]
  1fc  f9401b49  ldr x9, [x26, #0x30]
  200  f9404f4a  ldr x10, [x26, #0x98]
  204  8b0a0129  add x9, x9, x10
  208  f9004b49  str x9, [x26, #0x90]
  20c  f9401749  ldr x9, [x26, #0x28]
  210  f9404b4a  ldr x10, [x26, #0x90]
  214  8b0a0129  add x9, x9, x10
  218  f9004749  str x9, [x26, #0x88]
  21c  f9401349  ldr x9, [x26, #0x20]
  220  f940474a  ldr x10, [x26, #0x88]
  224  8b0a0129  add x9, x9, x10
  228  f9004349  str x9, [x26, #0x80]
  22c  f9400f49  ldr x9, [x26, #0x18]
  230  f940434a  ldr x10, [x26, #0x80]
  234  8b0a0129  add x9, x9, x10
  238  f9003f49  str x9, [x26, #0x78]
  23c  f9403f49  ldr x9, [x26, #0x78]
  240  2a0903e9  mov w9, w9
  244  f9003f49  str x9, [x26, #0x78]
  248  f9400b49  ldr x9, [x26, #0x10]
  24c  f9403f4a  ldr x10, [x26, #0x78]
  250  0b0a0129  add w9, w9, w10
  254  f9003b49  str x9, [x26, #0x70]
  258  f9403b49  ldr x9, [x26, #0x70]
  25c  f9000349  str x9, [x26]
  260  a8c17bfd  ldp x29, x30, [sp], #0x10
  264  d65f03c0  ret
