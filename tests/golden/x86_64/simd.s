# simd.wat, `zwasm compile --target x86_64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 kernel
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b13                   mov     (%rbx),%rdx
    7  488b7308                 mov     8(%rbx),%rsi
    b  f3410f6fa41600000000     movdqu  (%r14,%rdx),%xmm4
   15  f3400f6f35e2000000       movdqu  0x100,%xmm6
   1e  66400f6fdc               movdqa  %xmm4,%xmm3
   23  66400ffdde               paddw   %xmm6,%xmm3
   28  66400f6fd3               movdqa  %xmm3,%xmm2
   2d  66400f71d208             psrlw   $8,%xmm2
   33  66400f6fea               movdqa  %xmm2,%xmm5
   38  66400fdaec               pminub  %xmm4,%xmm5
   3d  66400f74ec               pcmpeqb %xmm4,%xmm5
   42  660f76c9                 pcmpeqd %xmm1,%xmm1
   46  66400fefe9               pxor    %xmm1,%xmm5
   4b  66400f6fdc               movdqa  %xmm4,%xmm3
   50  66400f6fc5               movdqa  %xmm5,%xmm0
   55  66400f6fca               movdqa  %xmm2,%xmm1
   5a  66400f3810cb             pblendvb %xmm0,%xmm3,%xmm1
   60  66400f6fd9               movdqa  %xmm1,%xmm3
   65  66400f6fd3               movdqa  %xmm3,%xmm2
   6a  66400f71d203             psrlw   $3,%xmm2
   70  66400fdb1597000000       pand    0x110,%xmm2
   79  66400fef159e000000       pxor    0x120,%xmm2
   82  66400ff81595000000       psubb   0x120,%xmm2
   8b  4089f0                   mov     %esi,%eax
   8e  251f000000               and     $0x1F,%eax
   93  660f6ec8                 movd    %eax,%xmm1
   97  66400ff2d1               pslld   %xmm1,%xmm2
   9c  66400f6fdc               movdqa  %xmm4,%xmm3
   a1  66400f38001d85000000     pshufb  0x130,%xmm3
   ab  66400f6fc2               movdqa  %xmm2,%xmm0
   b0  66400f38000586000000     pshufb  0x140,%xmm0
   ba  66400febd8               por     %xmm0,%xmm3
   bf  66400f6fd3               movdqa  %xmm3,%xmm2
   c4  66400f6ef6               movd    %esi,%xmm6
   c9  660fefc9                 pxor    %xmm1,%xmm1
   cd  66400f3800f1             pshufb  %xmm1,%xmm6
   d3  66400ffcd6               paddb   %xmm6,%xmm2
   d8  f3410f7f941610000000     movdqu  %xmm2,0x10(%r14,%rdx)
   e2  66400f3a14d203           pextrb  $3,%xmm2,%edx
   e9  66400f3a16d602           pextrd  $2,%xmm2,%esi
   f0  03d6                     add     %esi,%edx
   f2  488913                   mov     %rdx,(%rbx)
   f5  5d                       pop     %rbp
   f6  c3                       ret
   f7  cc                       int3
   f8  cc                       int3
   f9  cc                       int3
   fa  cc                       int3
   fb  cc                       int3
   fc  cc                       int3
   fd  cc                       int3
   fe  cc                       int3
   ff  cc                       int3
  100  800080                   addb    $0x80,(%rax)
  103  008000800080             add     %al,-0x7FFF8000(%rax)
  109  008000800080             add     %al,-0x7FFF8000(%rax)
  10f  001f                     add     %bl,(%rdi)
  111  1f1f                     (bad)
  113  1f1f                     (bad)
  115  1f1f                     (bad)
  117  1f1f                     (bad)
  119  1f1f                     (bad)
  11b  1f1f                     (bad)
  11d  1f1f                     (bad)
  11f  1f10                     (bad)
  121  1010                     adc     %dl,(%rax)
  123  1010                     adc     %dl,(%rax)
  125  1010                     adc     %dl,(%rax)
  127  1010                     adc     %dl,(%rax)
  129  1010                     adc     %dl,(%rax)
  12b  1010                     adc     %dl,(%rax)
  12d  1010                     adc     %dl,(%rax)
  12f  1000                     adc     %al,(%rax)
  131  800180                   addb    $0x80,(%rcx)
  134  028003800480             add     -0x7FFB7FFD(%rax),%al
  13a  0580068007               add     $0x7800680,%eax
  13f  80800080018002           addb    $2,-0x7FFE8000(%rax)
  146  800380                   addb    $0x80,(%rbx)
  149  0480                     add     $0x80,%al
  14b  0580068007               add     $0x7800680,%eax

## func 1 mandel
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  400f57ed                 xorps   %xmm5,%xmm5
    8  450f57c0                 xorps   %xmm8,%xmm8
    c  450f57d2                 xorps   %xmm10,%xmm10
   10  f3440f7e1b               movq    (%rbx),%xmm11
   15  f3440f7e6308             movq    8(%rbx),%xmm12
   1b  f3400f6f15cc000000       movdqu  0xF0,%xmm2
   24  66400f6ffa               movdqa  %xmm2,%xmm7
   29  40be40000000             mov     $0x40,%esi
   2f  0f1f840000000000         nopl    (%rax,%rax)
   37  0f1f840000000000         nopl    (%rax,%rax)
   3f  90                       nop
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
   93  0f8445000000             je      0x00000000000000DE
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
   d2  83ee01                   sub     $1,%esi
   d5  4085f6                   test    %esi,%esi
   d8  0f8562ffffff             jne     0x0000000000000040
   de  66440f3a16d200           pextrd  $0,%xmm10,%edx
   e5  488913                   mov     %rdx,(%rbx)
   e8  5d                       pop     %rbp
   e9  c3                       ret
   ea  cc                       int3
   eb  cc                       int3
   ec  cc                       int3
   ed  cc                       int3
   ee  cc                       int3
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
    4  488b13                   mov     (%rbx),%rdx
    7  f3400f6fa308000000       movdqu  8(%rbx),%xmm4
   10  f3400f6fab18000000       movdqu  0x18(%rbx),%xmm5
   19  66400f6fdc               movdqa  %xmm4,%xmm3
   1e  66410fc49c160600000003   pinsrw  $3,6(%r14,%rdx),%xmm3
   29  66410f3a149c160000000009 pextrb  $9,%xmm3,(%r14,%rdx)
   35  66400f6fd3               movdqa  %xmm3,%xmm2
   3a  400f59d5                 mulps   %xmm5,%xmm2
   3e  400f58d4                 addps   %xmm4,%xmm2
   42  66400f6fda               movdqa  %xmm2,%xmm3
   47  400f5ddd                 minps   %xmm5,%xmm3
   4b  66400f6fd3               movdqa  %xmm3,%xmm2
   50  66400f6fc5               movdqa  %xmm5,%xmm0
   55  66400f3804c2             pmaddubsw %xmm2,%xmm0
   5b  660f75c9                 pcmpeqw %xmm1,%xmm1
   5f  660f71d10f               psrlw   $0xF,%xmm1
   64  660ff5c1                 pmaddwd %xmm1,%xmm0
   68  66400ffec4               paddd   %xmm4,%xmm0
   6d  66400f6fd0               movdqa  %xmm0,%xmm2
   72  f3400f7f9300000000       movdqu  %xmm2,(%rbx)
   7b  5d                       pop     %rbp
   7c  c3                       ret

## func 3 const_loop
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  400f57db                 xorps   %xmm3,%xmm3
    8  488b13                   mov     (%rbx),%rdx
    b  0f1f840000000000         nopl    (%rax,%rax)
   13  0f1f840000000000         nopl    (%rax,%rax)
   1b  0f1f440000               nopl    (%rax,%rax)
   20  f3400f6f1537000000       movdqu  0x60,%xmm2
   29  66400ffeda               paddd   %xmm2,%xmm3
   2e  f3400f6f1539000000       movdqu  0x70,%xmm2
   37  400f59da                 mulps   %xmm2,%xmm3
   3b  83ea01                   sub     $1,%edx
   3e  4085d2                   test    %edx,%edx
   41  0f85d9ffffff             jne     0x0000000000000020
   47  66400f3a16da00           pextrd  $0,%xmm3,%edx
   4e  488913                   mov     %rdx,(%rbx)
   51  5d                       pop     %rbp
   52  c3                       ret
   53  cc                       int3
   54  cc                       int3
   55  cc                       int3
   56  cc                       int3
   57  cc                       int3
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
