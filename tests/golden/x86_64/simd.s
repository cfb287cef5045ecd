# simd.wat, `zwasm compile --target x86_64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 kernel
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b9300000000           mov     (%rbx),%rdx
    b  488bb308000000           mov     8(%rbx),%rsi
   12  f3410f6f941600000000     movdqu  (%r14,%rdx),%xmm2
   1c  f3400f6f1deb000000       movdqu  0x110,%xmm3
   25  66400f6fe2               movdqa  %xmm2,%xmm4
   2a  66400ffde3               paddw   %xmm3,%xmm4
   2f  66400f6fec               movdqa  %xmm4,%xmm5
   34  66400f71d508             psrlw   $8,%xmm5
   3a  66400f6ff5               movdqa  %xmm5,%xmm6
   3f  66400fdaf2               pminub  %xmm2,%xmm6
   44  66400f74f2               pcmpeqb %xmm2,%xmm6
   49  660f76c9                 pcmpeqd %xmm1,%xmm1
   4d  66400feff1               pxor    %xmm1,%xmm6
   52  66400f6fe2               movdqa  %xmm2,%xmm4
   57  66400f6fc6               movdqa  %xmm6,%xmm0
   5c  66400f6fcd               movdqa  %xmm5,%xmm1
   61  66400f3810cc             pblendvb %xmm0,%xmm4,%xmm1
   67  66400f6fe1               movdqa  %xmm1,%xmm4
   6c  66400f6fec               movdqa  %xmm4,%xmm5
   71  66400f71d503             psrlw   $3,%xmm5
   77  66400fdb2da0000000       pand    0x120,%xmm5
   80  66400fef2da7000000       pxor    0x130,%xmm5
   89  66400ff82d9e000000       psubb   0x130,%xmm5
   92  4089f0                   mov     %esi,%eax
   95  251f000000               and     $0x1F,%eax
   9a  660f6ec8                 movd    %eax,%xmm1
   9e  66400ff2e9               pslld   %xmm1,%xmm5
   a3  66400f6fe2               movdqa  %xmm2,%xmm4
   a8  66400f3800258e000000     pshufb  0x140,%xmm4
   b2  66400f6fc5               movdqa  %xmm5,%xmm0
   b7  66400f3800058f000000     pshufb  0x150,%xmm0
   c1  66400febe0               por     %xmm0,%xmm4
   c6  66400f6fec               movdqa  %xmm4,%xmm5
   cb  66400f6ede               movd    %esi,%xmm3
   d0  660fefc9                 pxor    %xmm1,%xmm1
   d4  66400f3800d9             pshufb  %xmm1,%xmm3
   da  66400ffceb               paddb   %xmm3,%xmm5
   df  f3410f7fac1610000000     movdqu  %xmm5,0x10(%r14,%rdx)
   e9  66400f3a14ee03           pextrb  $3,%xmm5,%esi
   f0  66400f3a16ea02           pextrd  $2,%xmm5,%edx
   f7  4001d6                   add     %edx,%esi
   fa  4889b300000000           mov     %rsi,(%rbx)
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
    4  400f57e4                 xorps   %xmm4,%xmm4
    8  400f57ed                 xorps   %xmm5,%xmm5
    c  400f57f6                 xorps   %xmm6,%xmm6
   10  f3400f7e9300000000       movq    (%rbx),%xmm2
   19  f3400f7e9b08000000       movq    8(%rbx),%xmm3
   22  f3400f6f3dc5000000       movdqu  0xF0,%xmm7
   2b  66440f6fc7               movdqa  %xmm7,%xmm8
   30  40ba40000000             mov     $0x40,%edx
   36  0f1f840000000000         nopl    (%rax,%rax)
   3e  6690                     xchg    %ax,%ax
   40  66440f6fcc               movdqa  %xmm4,%xmm9
   45  450f59c9                 mulps   %xmm9,%xmm9
   49  66440f6fd5               movdqa  %xmm5,%xmm10
   4e  450f59d2                 mulps   %xmm10,%xmm10
   52  66450fefdb               pxor    %xmm11,%xmm11
   57  66450f6fe1               movdqa  %xmm9,%xmm12
   5c  450f58e2                 addps   %xmm10,%xmm12
   60  f3440f6f2d97000000       movdqu  0x100,%xmm13
   69  450fc2e502               cmpleps %xmm13,%xmm12
   6e  66410f6ff8               movdqa  %xmm8,%xmm7
   73  66410f6fc4               movdqa  %xmm12,%xmm0
   78  66410f6fcb               movdqa  %xmm11,%xmm1
   7d  66400f3810cf             pblendvb %xmm0,%xmm7,%xmm1
   83  66400f6ff9               movdqa  %xmm1,%xmm7
   88  66440f6fc7               movdqa  %xmm7,%xmm8
   8d  66450f3817c0             ptest   %xmm8,%xmm8
   93  0f8446000000             je      0x00000000000000DF
   99  66410ffaf0               psubd   %xmm8,%xmm6
   9e  66400f6ffc               movdqa  %xmm4,%xmm7
   a3  400f58ff                 addps   %xmm7,%xmm7
   a7  400f59fd                 mulps   %xmm5,%xmm7
   ab  66440f70db00             pshufd  $0,%xmm3,%xmm11
   b1  66400f6fef               movdqa  %xmm7,%xmm5
   b6  410f58eb                 addps   %xmm11,%xmm5
   ba  66410f6ff9               movdqa  %xmm9,%xmm7
   bf  410f5cfa                 subps   %xmm10,%xmm7
   c3  66440f70da00             pshufd  $0,%xmm2,%xmm11
   c9  66400f6fe7               movdqa  %xmm7,%xmm4
   ce  410f58e3                 addps   %xmm11,%xmm4
   d2  4083ea01                 sub     $1,%edx
   d6  4085d2                   test    %edx,%edx
   d9  0f8561ffffff             jne     0x0000000000000040
   df  66400f3a16f600           pextrd  $0,%xmm6,%esi
   e6  4889b300000000           mov     %rsi,(%rbx)
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
    b  f3400f6f9308000000       movdqu  8(%rbx),%xmm2
   14  f3400f6f9b18000000       movdqu  0x18(%rbx),%xmm3
   1d  66400f6fe2               movdqa  %xmm2,%xmm4
   22  66410fc4a4160600000003   pinsrw  $3,6(%r14,%rdx),%xmm4
   2d  66410f3a14a4160000000009 pextrb  $9,%xmm4,(%r14,%rdx)
   39  66400f6fec               movdqa  %xmm4,%xmm5
   3e  400f59eb                 mulps   %xmm3,%xmm5
   42  400f58ea                 addps   %xmm2,%xmm5
   46  66400f6fe5               movdqa  %xmm5,%xmm4
   4b  400f5de3                 minps   %xmm3,%xmm4
   4f  66400f6fec               movdqa  %xmm4,%xmm5
   54  66400f6fc3               movdqa  %xmm3,%xmm0
   59  66400f3804c5             pmaddubsw %xmm5,%xmm0
   5f  660f75c9                 pcmpeqw %xmm1,%xmm1
   63  660f71d10f               psrlw   $0xF,%xmm1
   68  660ff5c1                 pmaddwd %xmm1,%xmm0
   6c  66400ffec2               paddd   %xmm2,%xmm0
   71  66400f6fe8               movdqa  %xmm0,%xmm5
   76  f3400f7fab00000000       movdqu  %xmm5,(%rbx)
   7f  5d                       pop     %rbp
   80  c3                       ret

## func 3 const_loop
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  400f57d2                 xorps   %xmm2,%xmm2
    8  488b9300000000           mov     (%rbx),%rdx
    f  0f1f840000000000         nopl    (%rax,%rax)
   17  0f1f840000000000         nopl    (%rax,%rax)
   1f  90                       nop
   20  f3400f6f1d37000000       movdqu  0x60,%xmm3
   29  66400ffed3               paddd   %xmm3,%xmm2
   2e  f3400f6f1d39000000       movdqu  0x70,%xmm3
   37  400f59d3                 mulps   %xmm3,%xmm2
   3b  4083ea01                 sub     $1,%edx
   3f  4085d2                   test    %edx,%edx
   42  0f85d8ffffff             jne     0x0000000000000020
   48  66400f3a16d200           pextrd  $0,%xmm2,%edx
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
