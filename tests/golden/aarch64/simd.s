# simd.wat, `zwasm compile --target aarch64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 kernel
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  f9400340  ldr x0, [x26]
    c  f9400741  ldr x1, [x26, #0x8]
   10  3ce04b62  ldr q2, [x27, w0, uxtw]
   14  9c0003e1  ldr q1, $+0x7c
   18  4e618444  add v4.8h, v2.8h, v1.8h
   1c  6f180485  ushr v5.8h, v4.8h, #0x8
   20  6e253446  cmhi v6.16b, v2.16b, v5.16b
   24  4ea21c44  mov v4.16b, v2.16b
   28  4ea61cdf  mov v31.16b, v6.16b
   2c  6e651c9f  bsl v31.16b, v4.16b, v5.16b
   30  4ebf1fe4  mov v4.16b, v31.16b
   34  4ea41c85  mov v5.16b, v4.16b
   38  4f0d04a5  sshr v5.16b, v5.16b, #0x3
   3c  12001029  and w9, w1, #0x1f
   40  4e040d3f  dup v31.4s, w9
   44  6ebf44a5  ushl v5.4s, v5.4s, v31.4s
   48  4ea21c40  mov v0.16b, v2.16b
   4c  4ea51ca1  mov v1.16b, v5.16b
   50  9c00029f  ldr q31, $+0x50
   54  4e1f2004  tbl v4.16b, {v0.16b, v1.16b}, v31.16b
   58  4ea41c85  mov v5.16b, v4.16b
   5c  4e010c23  dup v3.16b, w1
   60  4e2384a5  add v5.16b, v5.16b, v3.16b
   64  91004370  add x16, x27, #0x10
   68  3ca04a05  str q5, [x16, w0, uxtw]
   6c  0e073ca1  umov w1, v5.b[3]
   70  0e143ca0  mov w0, v5.s[2]
   74  0b000021  add w1, w1, w0
   78  f9000341  str x1, [x26]
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
    8  6f00e404  movi v4.2d, #0x0
    c  6f00e405  movi v5.2d, #0x0
   10  6f00e406  movi v6.2d, #0x0
   14  fd400342  ldr d2, [x26]
   18  fd400743  ldr d3, [x26, #0x8]
   1c  9c000520  ldr q0, $+0xa4
   20  4ea01c10  mov v16.16b, v0.16b
   24  b27a03e0  mov x0, #0x40
   28  9c00054a  ldr q10, $+0xa8
   2c  4ea4c49f  fminnm v31.4s, v4.4s, v4.4s
   30  6e3fdc91  fmul v17.4s, v4.4s, v31.4s
   34  4ea5c4bf  fminnm v31.4s, v5.4s, v5.4s
   38  6e3fdcb2  fmul v18.4s, v5.4s, v31.4s
   3c  6f00e413  movi v19.2d, #0x0
   40  4eb2c65f  fminnm v31.4s, v18.4s, v18.4s
   44  4e3fd634  fadd v20.4s, v17.4s, v31.4s
   48  6e34e554  fcmge v20.4s, v10.4s, v20.4s
   4c  4eb01e07  mov v7.16b, v16.16b
   50  4eb41e9f  mov v31.16b, v20.16b
   54  6e731cff  bsl v31.16b, v7.16b, v19.16b
   58  4ebf1fe7  mov v7.16b, v31.16b
   5c  4ea71cf0  mov v16.16b, v7.16b
   60  6eb0aa00  umaxv s0, v16.4s
   64  1e260009  fmov w9, s0
   68  7100013f  cmp w9, #0x0
   6c  1a9f07e1  cset w1, ne
   70  34000201  cbz w1, $+0x40
   74  6eb084c6  sub v6.4s, v6.4s, v16.4s
   78  4ea4c49f  fminnm v31.4s, v4.4s, v4.4s
   7c  4e3fd487  fadd v7.4s, v4.4s, v31.4s
   80  4ea5c4bf  fminnm v31.4s, v5.4s, v5.4s
   84  6e3fdce7  fmul v7.4s, v7.4s, v31.4s
   88  4e040473  mov v19.4s, v3.s[0]
   8c  4eb3c67f  fminnm v31.4s, v19.4s, v19.4s
   90  4e3fd4e5  fadd v5.4s, v7.4s, v31.4s
   94  4eb2c65f  fminnm v31.4s, v18.4s, v18.4s
   98  4ebfd627  fsub v7.4s, v17.4s, v31.4s
   9c  4e040453  mov v19.4s, v2.s[0]
   a0  4eb3c67f  fminnm v31.4s, v19.4s, v19.4s
   a4  4e3fd4e4  fadd v4.4s, v7.4s, v31.4s
   a8  51000400  sub w0, w0, #0x1
   ac  35fffc00  cbnz w0, $-0x80
   b0  0e043cc1  mov w1, v6.s[0]
   b4  f9000341  str x1, [x26]
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
    c  3cc08342  ldur q2, [x26, #0x8]
   10  3cc18343  ldur q3, [x26, #0x18]
   14  4ea21c44  mov v4.16b, v2.16b
   18  91001b70  add x16, x27, #0x6
   1c  8b204210  add x16, x16, w0
   20  0d405a04  ld1 {v4.h}[3], [x16]
   24  8b204370  add x16, x27, w0
   28  4d000604  st1 {v4.b}[9], [x16]
   2c  4ea41c85  mov v5.16b, v4.16b
   30  4ea3c47f  fminnm v31.4s, v3.4s, v3.4s
   34  6e3fdcbf  fmul v31.4s, v5.4s, v31.4s
   38  4ea2c441  fminnm v1.4s, v2.4s, v2.4s
   3c  4e21d7e5  fadd v5.4s, v31.4s, v1.4s
   40  4ea51ca4  mov v4.16b, v5.16b
   44  6ea4e47f  fcmgt v31.4s, v3.4s, v4.4s
   48  6e631c9f  bsl v31.16b, v4.16b, v3.16b
   4c  4ebf1fe4  mov v4.16b, v31.16b
   50  4ea41c85  mov v5.16b, v4.16b
   54  0f08a4bf  sshll v31.8h, v5.8b, #0x0
   58  2f08a468  ushll v8.8h, v3.8b, #0x0
   5c  4e689fff  mul v31.8h, v31.8h, v8.8h
   60  4f08a4a8  sshll2 v8.8h, v5.16b, #0x0
   64  6f08a469  ushll2 v9.8h, v3.16b, #0x0
   68  4e699d08  mul v8.8h, v8.8h, v9.8h
   6c  4e481be9  uzp1 v9.8h, v31.8h, v8.8h
   70  4e485bff  uzp2 v31.8h, v31.8h, v8.8h
   74  4e7f0d3f  sqadd v31.8h, v9.8h, v31.8h
   78  4e602bff  saddlp v31.4s, v31.8h
   7c  4ea287e5  add v5.4s, v31.4s, v2.4s
   80  3d800345  str q5, [x26]
   84  a8c17bfd  ldp x29, x30, [sp], #0x10
   88  d65f03c0  ret

## func 3 const_loop
    0  a9bf7bfd  stp x29, x30, [sp, #-0x10]!
    4  910003fd  mov x29, sp
    8  6f00e402  movi v2.2d, #0x0
    c  f9400340  ldr x0, [x26]
   10  9c00018a  ldr q10, $+0x30
   14  9c0001eb  ldr q11, $+0x3c
   18  4eaa8442  add v2.4s, v2.4s, v10.4s
   1c  6e2bdc42  fmul v2.4s, v2.4s, v11.4s
   20  51000400  sub w0, w0, #0x1
   24  35ffffa0  cbnz w0, $-0xc
   28  0e043c40  mov w0, v2.s[0]
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
