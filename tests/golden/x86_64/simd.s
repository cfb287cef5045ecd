# simd.wat, `zwasm compile --target x86_64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 kernel
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b9300000000           mov     (%rbx),%rdx
    b  488bb308000000           mov     8(%rbx),%rsi
   12  f3410f6fa41600000000     movdqu  (%r14,%rdx),%xmm4
   1c  f3400f6f35eb000000       movdqu  0x110,%xmm6
   25  66400f6fdc               movdqa  %xmm4,%xmm3
   2a  66400ffdde               paddw   %xmm6,%xmm3
   2f  66400f6fd3               movdqa  %xmm3,%xmm2
   34  66400f71d208             psrlw   $8,%xmm2
   3a  66400f6fea               movdqa  %xmm2,%xmm5
   3f  66400fdaec               pminub  %xmm4,%xmm5
   44  66400f74ec               pcmpeqb %xmm4,%xmm5
   49  660f76c9                 pcmpeqd %xmm1,%xmm1
   4d  66400fefe9               pxor    %xmm1,%xmm5
   52  66400f6fdc               movdqa  %xmm4,%xmm3
   57  66400f6fc5               movdqa  %xmm5,%xmm0
   5c  66400f6fca               movdqa  %xmm2,%xmm1
   61  66400f3810cb             pblendvb %xmm0,%xmm3,%xmm1
   67  66400f6fd9               movdqa  %xmm1,%xmm3
   6c  66400f6fd3               movdqa  %xmm3,%xmm2
   71  66400f71d203             psrlw   $3,%xmm2
   77  66400fdb15a0000000       pand    0x120,%xmm2
   80  66400fef15a7000000       pxor    0x130,%xmm2
   89  66400ff8159e000000       psubb   0x130,%xmm2
   92  4089f0                   mov     %esi,%eax
   95  251f000000               and     $0x1F,%eax
   9a  660f6ec8                 movd    %eax,%xmm1
   9e  66400ff2d1               pslld   %xmm1,%xmm2
   a3  66400f6fdc               movdqa  %xmm4,%xmm3
   a8  66400f38001d8e000000     pshufb  0x140,%xmm3
   b2  66400f6fc2               movdqa  %xmm2,%xmm0
   b7  66400f3800058f000000     pshufb  0x150,%xmm0
   c1  66400febd8               por     %xmm0,%xmm3
   c6  66400f6fd3               movdqa  %xmm3,%xmm2
   cb  66400f6ef6               movd    %esi,%xmm6
   d0  660fefc9                 pxor    %xmm1,%xmm1
   d4  66400f3800f1             pshufb  %xmm1,%xmm6
   da  66400ffcd6               paddb   %xmm6,%xmm2
   df  f3410f7f941610000000     movdqu  %xmm2,0x10(%r14,%rdx)
   e9  66400f3a14d203           pextrb  $3,%xmm2,%edx
   f0  66400f3a16d602           pextrd  $2,%xmm2,%esi
   f7  4001f2                   add     %esi,%edx
   fa  48899300000000           mov     %rdx,(%rbx)
  101  5d                       pop     %rbp
  102  c3                       ret
  103  cc                       int3
  104  cc                       int3
  105  cc                       int3
  106  cc                       int3
  107  cc                       int3
  108  cc                       int3
  109  cc                       int3
  10a  cc                       int3
  10b  cc                       int3
  10c  cc                       int3
  10d  cc                       int3
  10e  cc                       int3
  10f  cc                       int3
  110  800080                   addb    $0x80,(%rax)
  113  008000800080             add     %al,-0x7FFF8000(%rax)
  119  008000800080             add     %al,-0x7FFF8000(%rax)
  11f  001f                     add     %bl,(%rdi)
  121  1f1f                     (bad)
  123  1f1f                     (bad)
  125  1f1f                     (bad)
  127  1f1f                     (bad)
  129  1f1f                     (bad)
  12b  1f1f                     (bad)
  12d  1f1f                     (bad)
  12f  1f10                     (bad)
  131  1010                     adc     %dl,(%rax)
  133  1010                     adc     %dl,(%rax)
  135  1010                     adc     %dl,(%rax)
  137  1010                     adc     %dl,(%rax)
  139  1010                     adc     %dl,(%rax)
  13b  1010                     adc     %dl,(%rax)
  13d  1010                     adc     %dl,(%rax)
  13f  1000                     adc     %al,(%rax)
  141  800180                   addb    $0x80,(%rcx)
  144  028003800480             add     -0x7FFB7FFD(%rax),%al
  14a  0580068007               add     $0x7800680,%eax
  14f  80800080018002           addb    $2,-0x7FFE8000(%rax)
  156  800380                   addb    $0x80,(%rbx)
  159  0480                     add     $0x80,%al
  15b  0580068007               add     $0x7800680,%eax

## func 1 mandel
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  400f57ed                 xorps   %xmm5,%xmm5
    8  450f57c0                 xorps   %xmm8,%xmm8
    c  450f57d2                 xorps   %xmm10,%xmm10
   10  f3440f7e9b00000000       movq    (%rbx),%xmm11
   19  f3440f7ea308000000       movq    8(%rbx),%xmm12
   22  f3400f6f15c5000000       movdqu  0xF0,%xmm2
   2b  66400f6ffa               movdqa  %xmm2,%xmm7
   30  40be40000000             mov     $0x40,%esi
   36  0f1f840000000000         nopl    (%rax,%rax)
   3e  6690                     xchg    %ax,%ax
   40  66440f6fcd               movdqa  %xmm5,%xmm9
   45  450f59c9                 mulps   %xmm9,%xmm9
   49  66410f6ff0               movdqa  %xmm8,%xmm6
   4e  400f59f6                 mulps   %xmm6,%xmm6
   52  66400fefdb               pxor    %xmm3,%xmm3
   57  66410f6fe1               movdqa  %xmm9,%xmm4
   5c  400f58e6                 addps   %xmm6,%xmm4
   60  f3400f6f1597000000       movdqu  0x100,%xmm2
   69  400fc2e202               cmpleps %xmm2,%xmm4
   6e  66400f6fd7               movdqa  %xmm7,%xmm2
   73  66400f6fc4               movdqa  %xmm4,%xmm0
   78  66400f6fcb               movdqa  %xmm3,%xmm1
   7d  66400f3810ca             pblendvb %xmm0,%xmm2,%xmm1
   83  66400f6fd1               movdqa  %xmm1,%xmm2
   88  66400f6ffa               movdqa  %xmm2,%xmm7
   8d  66400f3817ff             ptest   %xmm7,%xmm7
   93  0f8446000000             je      0x00000000000000DF
   99  66440ffad7               psubd   %xmm7,%xmm10
   9e  66400f6fd5               movdqa  %xmm5,%xmm2
   a3  400f58d2                 addps   %xmm2,%xmm2
   a7  410f59d0                 mulps   %xmm8,%xmm2
   ab  66410f70dc00             pshufd  $0,%xmm12,%xmm3
   b1  66440f6fc2               movdqa  %xmm2,%xmm8
   b6  440f58c3                 addps   %xmm3,%xmm8
   ba  66410f6fd1               movdqa  %xmm9,%xmm2
   bf  400f5cd6                 subps   %xmm6,%xmm2
   c3  66410f70db00             pshufd  $0,%xmm11,%xmm3
   c9  66400f6fea               movdqa  %xmm2,%xmm5
   ce  400f58eb                 addps   %xmm3,%xmm5
   d2  4083ee01                 sub     $1,%esi
   d6  4085f6                   test    %esi,%esi
   d9  0f8561ffffff             jne     0x0000000000000040
   df  66440f3a16d200           pextrd  $0,%xmm10,%edx
   e6  48899300000000           mov     %rdx,(%rbx)
   ed  5d                       pop     %rbp
   ee  c3                       ret
   ef  cc                       int3
   f0  ffff                     (bad)
   f2  ffff                     (bad)
   f4  ffff                     (bad)
   f6  ffff                     (bad)
   f8  ffff                     (bad)
   fa  ffff                     (bad)
   fc  ffff                     (bad)
   fe  ffff                     (bad)
  100  0000                     add     %al,(%rax)
  102  80400000                 addb    $0,(%rax)
  106  80400000                 addb    $0,(%rax)
  10a  80400000                 addb    $0,(%rax)
  10e  8040                     (bad)

## func 2 lanes_relaxed
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b9300000000           mov     (%rbx),%rdx
    b  f3400f6fa308000000       movdqu  8(%rbx),%xmm4
   14  f3400f6fab18000000       movdqu  0x18(%rbx),%xmm5
   1d  66400f6fdc               movdqa  %xmm4,%xmm3
   22  66410fc49c160600000003   pinsrw  $3,6(%r14,%rdx),%xmm3
   2d  66410f3a149c160000000009 pextrb  $9,%xmm3,(%r14,%rdx)
   39  66400f6fd3               movdqa  %xmm3,%xmm2
   3e  400f59d5                 mulps   %xmm5,%xmm2
   42  400f58d4                 addps   %xmm4,%xmm2
   46  66400f6fda               movdqa  %xmm2,%xmm3
   4b  400f5ddd                 minps   %xmm5,%xmm3
   4f  66400f6fd3               movdqa  %xmm3,%xmm2
   54  66400f6fc5               movdqa  %xmm5,%xmm0
   59  66400f3804c2             pmaddubsw %xmm2,%xmm0
   5f  660f75c9                 pcmpeqw %xmm1,%xmm1
   63  660f71d10f               psrlw   $0xF,%xmm1
   68  660ff5c1                 pmaddwd %xmm1,%xmm0
   6c  66400ffec4               paddd   %xmm4,%xmm0
   71  66400f6fd0               movdqa  %xmm0,%xmm2
   76  f3400f7f9300000000       movdqu  %xmm2,(%rbx)
   7f  5d                       pop     %rbp
   80  c3                       ret

## func 3 const_loop
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  400f57db                 xorps   %xmm3,%xmm3
    8  488b9300000000           mov     (%rbx),%rdx
    f  0f1f840000000000         nopl    (%rax,%rax)
   17  0f1f840000000000         nopl    (%rax,%rax)
   1f  90                       nop
   20  f3400f6f1537000000       movdqu  0x60,%xmm2
   29  66400ffeda               paddd   %xmm2,%xmm3
   2e  f3400f6f1539000000       movdqu  0x70,%xmm2
   37  400f59da                 mulps   %xmm2,%xmm3
   3b  4083ea01                 sub     $1,%edx
   3f  4085d2                   test    %edx,%edx
   42  0f85d8ffffff             jne     0x0000000000000020
   48  66400f3a16da00           pextrd  $0,%xmm3,%edx
   4f  48899300000000           mov     %rdx,(%rbx)
   56  5d                       pop     %rbp
   57  c3                       ret
   58  cc                       int3
   59  cc                       int3
   5a  cc                       int3
   5b  cc                       int3
   5c  cc                       int3
   5d  cc                       int3
   5e  cc                       int3
   5f  cc                       int3
   60  0100                     add     %eax,(%rax)
   62  0000                     add     %al,(%rax)
   64  0200                     add     (%rax),%al
   66  0000                     add     %al,(%rax)
   68  0300                     add     (%rax),%eax
   6a  0000                     add     %al,(%rax)
   6c  0400                     add     $0,%al
   6e  0000                     add     %al,(%rax)
   70  0000                     add     %al,(%rax)
   72  c03f00                   sarb    $0,(%rdi)
   75  00c0                     add     %al,%al
   77  3f00                     (bad)
   79  00c0                     add     %al,%al
   7b  3f00                     (bad)
   7d  00c0                     add     %al,%al
   7f  3f                       (bad)
