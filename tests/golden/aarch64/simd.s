# simd.wat, `zwasm compile --target aarch64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 kernel
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400340  ldr x0, [x26]
    c  f9400741  ldr x1, [x26, #0x8]
   10  3ce04b64  ldr q4, [x27, w0, uxtw]
   14  9c0003e1  ldr q1, $+0x7c
   18  4e618483  add v3.8h, v4.8h, v1.8h
   1c  6f180462  ushr v2.8h, v3.8h, #0x8
   20  6e223485  cmhi v5.16b, v4.16b, v2.16b
   24  4ea41c83  mov v3.16b, v4.16b
   28  4ea51cbf  mov v31.16b, v5.16b
   2c  6e621c7f  bsl v31.16b, v3.16b, v2.16b
   30  4ebf1fe3  mov v3.16b, v31.16b
   34  4ea31c62  mov v2.16b, v3.16b
   38  4f0d0442  sshr v2.16b, v2.16b, #0x3
   3c  12001029  and w9, w1, #0x1f
   40  4e040d3f  dup v31.4s, w9
   44  6ebf4442  ushl v2.4s, v2.4s, v31.4s
   48  4ea41c80  mov v0.16b, v4.16b
   4c  4ea21c41  mov v1.16b, v2.16b
   50  9c00029f  ldr q31, $+0x50
   54  4e1f2003  tbl v3.16b, {v0.16b, v1.16b}, v31.16b
   58  4ea31c62  mov v2.16b, v3.16b
   5c  4e010c26  dup v6.16b, w1
   60  4e268442  add v2.16b, v2.16b, v6.16b
   64  91004370  add x16, x27, #0x10
   68  3ca04a02  str q2, [x16, w0, uxtw]
   6c  0e073c40  umov w0, v2.b[3]
   70  0e143c41  mov w1, v2.s[2]
   74  0b010000  add w0, w0, w1
   78  f9000340  str x0, [x26]
   7c  a8c17bfd  ldp x29, x30, [sp], #0x10
   80  d65f03c0  ret
   84  00000000  udf #0x0
   88  00000000  udf #0x0
   8c  00000000  udf #0x0
   90  00800080  (undecodable: incomplete decoder)
   94  00800080  (undecodable: incomplete decoder)
   98  00800080  (undecodable: incomplete decoder)
   9c  00800080  (undecodable: incomplete decoder)
   a0  11011000  add w0, w0, #0x44
   a4  13031202  sbfx w2, w16, #0x3, #0x2
   a8  15051404  b $+0x4145010
   ac  17071606  b $-0x3e3a7e8

## func 1 mandel
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  6f00e405  movi v5.2d, #0x0
    c  6f00e410  movi v16.2d, #0x0
   10  6f00e412  movi v18.2d, #0x0
   14  fd400353  ldr d19, [x26]
   18  fd400754  ldr d20, [x26, #0x8]
   1c  9c000520  ldr q0, $+0xa4
   20  4ea01c07  mov v7.16b, v0.16b
   24  b27a03e1  mov x1, #0x40
   28  9c00054a  ldr q10, $+0xa8
   2c  4ea5c4bf  fminnm v31.4s, v5.4s, v5.4s
   30  6e3fdcb1  fmul v17.4s, v5.4s, v31.4s
   34  4eb0c61f  fminnm v31.4s, v16.4s, v16.4s
   38  6e3fde06  fmul v6.4s, v16.4s, v31.4s
   3c  6f00e403  movi v3.2d, #0x0
   40  4ea6c4df  fminnm v31.4s, v6.4s, v6.4s
   44  4e3fd624  fadd v4.4s, v17.4s, v31.4s
   48  6e24e544  fcmge v4.4s, v10.4s, v4.4s
   4c  4ea71ce2  mov v2.16b, v7.16b
   50  4ea41c9f  mov v31.16b, v4.16b
   54  6e631c5f  bsl v31.16b, v2.16b, v3.16b
   58  4ebf1fe2  mov v2.16b, v31.16b
   5c  4ea21c47  mov v7.16b, v2.16b
   60  6eb0a8e0  umaxv s0, v7.4s
   64  1e260009  fmov w9, s0
   68  7100013f  cmp w9, #0x0
   6c  1a9f07e0  cset w0, ne
   70  34000200  cbz w0, $+0x40
   74  6ea78652  sub v18.4s, v18.4s, v7.4s
   78  4ea5c4bf  fminnm v31.4s, v5.4s, v5.4s
   7c  4e3fd4a2  fadd v2.4s, v5.4s, v31.4s
   80  4eb0c61f  fminnm v31.4s, v16.4s, v16.4s
   84  6e3fdc42  fmul v2.4s, v2.4s, v31.4s
   88  4e040683  mov v3.4s, v20.s[0]
   8c  4ea3c47f  fminnm v31.4s, v3.4s, v3.4s
   90  4e3fd450  fadd v16.4s, v2.4s, v31.4s
   94  4ea6c4df  fminnm v31.4s, v6.4s, v6.4s
   98  4ebfd622  fsub v2.4s, v17.4s, v31.4s
   9c  4e040663  mov v3.4s, v19.s[0]
   a0  4ea3c47f  fminnm v31.4s, v3.4s, v3.4s
   a4  4e3fd445  fadd v5.4s, v2.4s, v31.4s
   a8  51000421  sub w1, w1, #0x1
   ac  35fffc01  cbnz w1, $-0x80
   b0  0e043e40  mov w0, v18.s[0]
   b4  f9000340  str x0, [x26]
   b8  a8c17bfd  ldp x29, x30, [sp], #0x10
   bc  d65f03c0  ret
   c0  ffffffff  (undecodable: invalid opcode)
   c4  ffffffff  (undecodable: invalid opcode)
   c8  ffffffff  (undecodable: invalid opcode)
   cc  ffffffff  (undecodable: invalid opcode)
   d0  40800000  (undecodable: incomplete decoder)
   d4  40800000  (undecodable: incomplete decoder)
   d8  40800000  (undecodable: incomplete decoder)
   dc  40800000  (undecodable: incomplete decoder)

## func 2 lanes_relaxed
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400340  ldr x0, [x26]
    c  3cc08344  ldur q4, [x26, #0x8]
   10  3cc18345  ldur q5, [x26, #0x18]
   14  4ea41c83  mov v3.16b, v4.16b
   18  91001b70  add x16, x27, #0x6
   1c  8b204210  add x16, x16, w0
   20  0d405a03  ld1 {v3.h}[3], [x16]
   24  8b204370  add x16, x27, w0
   28  4d000603  st1 {v3.b}[9], [x16]
   2c  4ea31c62  mov v2.16b, v3.16b
   30  4ea5c4bf  fminnm v31.4s, v5.4s, v5.4s
   34  6e3fdc5f  fmul v31.4s, v2.4s, v31.4s
   38  4ea4c481  fminnm v1.4s, v4.4s, v4.4s
   3c  4e21d7e2  fadd v2.4s, v31.4s, v1.4s
   40  4ea21c43  mov v3.16b, v2.16b
   44  6ea3e4bf  fcmgt v31.4s, v5.4s, v3.4s
   48  6e651c7f  bsl v31.16b, v3.16b, v5.16b
   4c  4ebf1fe3  mov v3.16b, v31.16b
   50  4ea31c62  mov v2.16b, v3.16b
   54  0f08a45f  sshll v31.8h, v2.8b, #0x0
   58  2f08a4a8  ushll v8.8h, v5.8b, #0x0
   5c  4e689fff  mul v31.8h, v31.8h, v8.8h
   60  4f08a448  sshll2 v8.8h, v2.16b, #0x0
   64  6f08a4a9  ushll2 v9.8h, v5.16b, #0x0
   68  4e699d08  mul v8.8h, v8.8h, v9.8h
   6c  4e481be9  uzp1 v9.8h, v31.8h, v8.8h
   70  4e485bff  uzp2 v31.8h, v31.8h, v8.8h
   74  4e7f0d3f  sqadd v31.8h, v9.8h, v31.8h
   78  4e602bff  saddlp v31.4s, v31.8h
   7c  4ea487e2  add v2.4s, v31.4s, v4.4s
   80  3d800342  str q2, [x26]
   84  a8c17bfd  ldp x29, x30, [sp], #0x10
   88  d65f03c0  ret

## func 3 const_loop
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  6f00e403  movi v3.2d, #0x0
    c  f9400340  ldr x0, [x26]
   10  9c00018a  ldr q10, $+0x30
   14  9c0001eb  ldr q11, $+0x3c
   18  4eaa8463  add v3.4s, v3.4s, v10.4s
   1c  6e2bdc63  fmul v3.4s, v3.4s, v11.4s
   20  51000400  sub w0, w0, #0x1
   24  35ffffa0  cbnz w0, $-0xc
   28  0e043c60  mov w0, v3.s[0]
   2c  f9000340  str x0, [x26]
   30  a8c17bfd  ldp x29, x30, [sp], #0x10
   34  d65f03c0  ret
   38  00000000  udf #0x0
   3c  00000000  udf #0x0
   40  00000001  udf #0x1
   44  00000002  udf #0x2
   48  00000003  udf #0x3
   4c  00000004  udf #0x4
   50  3fc00000  (undecodable: invalid opcode)
   54  3fc00000  (undecodable: invalid opcode)
   58  3fc00000  (undecodable: invalid opcode)
   5c  3fc00000  (undecodable: invalid opcode)
