# memory64.wat, `zwasm compile --target aarch64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 sum3
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400342  ldr x2, [x26]
    c  f9400790  ldr x16, [x28, #0x8]
   10  f1002210  subs x16, x16, #0x8
   14  54000383  b.lo $+0x70
   18  eb10005f  cmp x2, x16
   1c  54000348  b.hi $+0x68
   20  f8626b60  ldr x0, [x27, x2]
   24  f9400790  ldr x16, [x28, #0x8]
   28  f1004210  subs x16, x16, #0x10
   2c  540002c3  b.lo $+0x58
   30  eb10005f  cmp x2, x16
   34  54000288  b.hi $+0x50
   38  8b020370  add x16, x27, x2
   3c  f9400601  ldr x1, [x16, #0x8]
   40  8b010000  add x0, x0, x1
   44  f9400790  ldr x16, [x28, #0x8]
   48  d2822e71  mov x17, #0x1173
   4c  f2a00031  movk x17, #0x1, lsl #16
   50  eb110210  subs x16, x16, x17
   54  54000183  b.lo $+0x30
   58  eb10005f  cmp x2, x16
   5c  54000148  b.hi $+0x28
   60  8b020370  add x16, x27, x2
   64  d2822e29  mov x9, #0x1171
   68  f2a00029  movk x9, #0x1, lsl #16
   6c  78696a01  ldrh w1, [x16, x9]
   70  2a0103e1  mov w1, w1
   74  8b010000  add x0, x0, x1
   78  f9000340  str x0, [x26]
   7c  a8c17bfd  ldp x29, x30, [sp], #0x10
   80  d65f03c0  ret
   84  52800041  mov w1, #0x2
   88  14000001  b $+0x4
   8c  10000000  adr x0, $+0x0
   90  aa1d03e2  mov x2, x29
   94  f9402389  ldr x9, [x28, #0x40]
   98  d61f0120  br x9

## func 1 store
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400340  ldr x0, [x26]
    c  f9400741  ldr x1, [x26, #0x8]
   10  f9400790  ldr x16, [x28, #0x8]
   14  f1001210  subs x16, x16, #0x4
   18  54000203  b.lo $+0x40
   1c  eb10001f  cmp x0, x16
   20  540001c8  b.hi $+0x38
   24  8b000370  add x16, x27, x0
   28  39000e01  strb w1, [x16, #0x3]
   2c  4e040c22  dup v2.4s, w1
   30  f9400790  ldr x16, [x28, #0x8]
   34  f1005210  subs x16, x16, #0x14
   38  54000103  b.lo $+0x20
   3c  eb10001f  cmp x0, x16
   40  540000c8  b.hi $+0x18
   44  8b000370  add x16, x27, x0
   48  91004210  add x16, x16, #0x10
   4c  0d009202  st1 {v2.s}[1], [x16]
   50  a8c17bfd  ldp x29, x30, [sp], #0x10
   54  d65f03c0  ret
   58  52800041  mov w1, #0x2
   5c  14000001  b $+0x4
   60  10000000  adr x0, $+0x0
   64  aa1d03e2  mov x2, x29
   68  f9402389  ldr x9, [x28, #0x40]
   6c  d61f0120  br x9
