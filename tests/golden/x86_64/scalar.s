# scalar.wat, `zwasm compile --target x86_64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 add
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b13                   mov     (%rbx),%rdx
    7  488b7308                 mov     8(%rbx),%rsi
    b  03d6                     add     %esi,%edx
    d  488913                   mov     %rdx,(%rbx)
   10  5d                       pop     %rbp
   11  c3                       ret

## func 1 abs_diff
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b13                   mov     (%rbx),%rdx
    7  488b7308                 mov     8(%rbx),%rsi
    b  483bd6                   cmp     %rsi,%rdx
    e  0f8d0b000000             jge     0x000000000000001F
   14  488bfe                   mov     %rsi,%rdi
   17  482bfa                   sub     %rdx,%rdi
   1a  e906000000               jmp     0x0000000000000025
   1f  488bfa                   mov     %rdx,%rdi
   22  482bfe                   sub     %rsi,%rdi
   25  48893b                   mov     %rdi,(%rbx)
   28  5d                       pop     %rbp
   29  c3                       ret

## func 2 div_consts
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b33                   mov     (%rbx),%rsi
    7  488b7b08                 mov     8(%rbx),%rdi
    b  4089f0                   mov     %esi,%eax
    e  b9cdcccccc               mov     $0xCCCCCCCD,%ecx
   13  480fafc1                 imul    %rcx,%rax
   17  48c1e823                 shr     $0x23,%rax
   1b  488bd0                   mov     %rax,%rdx
   1e  4089d2                   mov     %edx,%edx
   21  52                       push    %rdx
   22  4889f8                   mov     %rdi,%rax
   25  4899                     cqto
   27  4831d0                   xor     %rdx,%rax
   2a  4829d0                   sub     %rdx,%rax
   2d  52                       push    %rdx
   2e  4889c1                   mov     %rax,%rcx
   31  48b89324499224499224     movabs  $0x2492492492492493,%rax
   3b  48f7e1                   mul     %rcx
   3e  4889c8                   mov     %rcx,%rax
   41  4829d0                   sub     %rdx,%rax
   44  48c1e801                 shr     $1,%rax
   48  4801d0                   add     %rdx,%rax
   4b  48c1e802                 shr     $2,%rax
   4f  48ba0700000000000000     movabs  $7,%rdx
   59  480fafc2                 imul    %rdx,%rax
   5d  4829c1                   sub     %rax,%rcx
   60  4889c8                   mov     %rcx,%rax
   63  5a                       pop     %rdx
   64  4831d0                   xor     %rdx,%rax
   67  4829d0                   sub     %rdx,%rax
   6a  5a                       pop     %rdx
   6b  488bf0                   mov     %rax,%rsi
   6e  4803d6                   add     %rsi,%rdx
   71  488913                   mov     %rdx,(%rbx)
   74  5d                       pop     %rbp
   75  c3                       ret

## func 3 scaled_load
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b13                   mov     (%rbx),%rdx
    7  c1e202                   shl     $2,%edx
    a  418b541610               mov     0x10(%r14,%rdx),%edx
    f  b840000000               mov     $0x40,%eax
   14  418b3406                 mov     (%r14,%rax),%esi
   18  03d6                     add     %esi,%edx
   1a  488913                   mov     %rdx,(%rbx)
   1d  5d                       pop     %rbp
   1e  c3                       ret

## func 4 calls
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b33                   mov     (%rbx),%rsi
    7  40bf01000000             mov     $1,%edi
    d  488bd6                   mov     %rsi,%rdx
   10  03d7                     add     %edi,%edx
   12  488bf2                   mov     %rdx,%rsi
   15  40bf02000000             mov     $2,%edi
   1b  488bd6                   mov     %rsi,%rdx
   1e  03d7                     add     %edi,%edx
   20  488bf2                   mov     %rdx,%rsi
   23  488933                   mov     %rsi,(%rbx)
   26  5d                       pop     %rbp
   27  c3                       ret

## func 5 switch
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b13                   mov     (%rbx),%rdx
    7  4089d0                   mov     %edx,%eax
    a  483d02000000             cmp     $2,%rax
   10  0f8330000000             jae     0x0000000000000046
   16  488d0d09000000           lea     0x26,%rcx
   1d  488d0480                 lea     (%rax,%rax,4),%rax
   21  4801c1                   add     %rax,%rcx
   24  ffe1                     jmp     *%rcx
   26  e905000000               jmp     0x0000000000000030
   2b  e90b000000               jmp     0x000000000000003B
   30  40ba0a000000             mov     $0xA,%edx
   36  488913                   mov     %rdx,(%rbx)
   39  5d                       pop     %rbp
   3a  c3                       ret
   3b  40ba14000000             mov     $0x14,%edx
   41  488913                   mov     %rdx,(%rbx)
   44  5d                       pop     %rbp
   45  c3                       ret
   46  40ba1e000000             mov     $0x1E,%edx
   4c  488913                   mov     %rdx,(%rbx)
   4f  5d                       pop     %rbp
   50  c3                       ret

## func 6 trap_div
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b33                   mov     (%rbx),%rsi
    7  488b7b08                 mov     8(%rbx),%rdi
    b  4089f9                   mov     %edi,%ecx
    e  85c9                     test    %ecx,%ecx
   10  0f8427000000             je      0x000000000000003D
   16  4889f0                   mov     %rsi,%rax
   19  52                       push    %rdx
   1a  81f9ffffffff             cmp     $0xFFFFFFFF,%ecx
   20  0f850b000000             jne     0x0000000000000031
   26  3d00000080               cmp     $0x80000000,%eax
   2b  0f8416000000             je      0x0000000000000047
   31  99                       cltd
   32  f7f9                     idiv    %ecx
   34  5a                       pop     %rdx
   35  488bd0                   mov     %rax,%rdx
   38  488913                   mov     %rdx,(%rbx)
   3b  5d                       pop     %rbp
   3c  c3                       ret
   3d  be07000000               mov     $7,%esi
   42  e90a000000               jmp     0x0000000000000051
   47  be06000000               mov     $6,%esi
   4c  e900000000               jmp     0x0000000000000051
   51  488d3df9ffffff           lea     0x51,%rdi
   58  4889ea                   mov     %rbp,%rdx
   5b  41ffa740000000           jmpq    *0x40(%r15)

## func 7 floats
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  f30f7e13                 movq    (%rbx),%xmm2
    8  f30f7e6308               movq    8(%rbx),%xmm4
    d  0f57c0                   xorps   %xmm0,%xmm0
   10  f2400f51c2               sqrtsd  %xmm2,%xmm0
   15  400f28d8                 movaps  %xmm0,%xmm3
   19  0f57c0                   xorps   %xmm0,%xmm0
   1c  66400f3a0ac409           roundss $9,%xmm4,%xmm0
   23  400f28d0                 movaps  %xmm0,%xmm2
   27  0f57c0                   xorps   %xmm0,%xmm0
   2a  f3400f5ac2               cvtss2sd %xmm2,%xmm0
   2f  400f28d0                 movaps  %xmm0,%xmm2
   33  f2400f58da               addsd   %xmm2,%xmm3
   38  660fd61b                 movq    %xmm3,(%rbx)
   3c  5d                       pop     %rbp
   3d  c3                       ret

## func 8 truncs
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  f30f7e13                 movq    (%rbx),%xmm2
    8  f30f7e5b08               movq    8(%rbx),%xmm3
    d  400f28c2                 movaps  %xmm2,%xmm0
   11  660f2ec0                 ucomisd %xmm0,%xmm0
   15  0f8ade000000             jp      0x00000000000000F9
   1b  48b8000000000000f0bf     movabs  $0xBFF0000000000000,%rax
   25  66480f6ec8               movq    %rax,%xmm1
   2a  660f2ec1                 ucomisd %xmm1,%xmm0
   2e  0f86cf000000             jbe     0x0000000000000103
   34  48b8000000000000f043     movabs  $0x43F0000000000000,%rax
   3e  66480f6ec8               movq    %rax,%xmm1
   43  660f2ec1                 ucomisd %xmm1,%xmm0
   47  0f83b6000000             jae     0x0000000000000103
   4d  48b9000000000000e043     movabs  $0x43E0000000000000,%rcx
   57  66480f6ec9               movq    %rcx,%xmm1
   5c  660f2ec1                 ucomisd %xmm1,%xmm0
   60  0f830a000000             jae     0x0000000000000070
   66  f2480f2cc0               cvttsd2si %xmm0,%rax
   6b  e90e000000               jmp     0x000000000000007E
   70  f20f5cc1                 subsd   %xmm1,%xmm0
   74  f2480f2cc0               cvttsd2si %xmm0,%rax
   79  480fbaf83f               btc     $0x3F,%rax
   7e  488bf0                   mov     %rax,%rsi
   81  f3400f5ac3               cvtss2sd %xmm3,%xmm0
   86  660f2ec0                 ucomisd %xmm0,%xmm0
   8a  0f8a3b000000             jp      0x00000000000000CB
   90  48b8000020000000e0c1     movabs  $0xC1E0000000200000,%rax
   9a  66480f6ec8               movq    %rax,%xmm1
   9f  660f2ec1                 ucomisd %xmm1,%xmm0
   a3  0f8629000000             jbe     0x00000000000000D2
   a9  48b8000000000000e041     movabs  $0x41E0000000000000,%rax
   b3  66480f6ec8               movq    %rax,%xmm1
   b8  660f2ec1                 ucomisd %xmm1,%xmm0
   bc  0f831f000000             jae     0x00000000000000E1
   c2  f20f2cc0                 cvttsd2si %xmm0,%eax
   c6  e920000000               jmp     0x00000000000000EB
   cb  31c0                     xor     %eax,%eax
   cd  e919000000               jmp     0x00000000000000EB
   d2  48b80000008000000000     movabs  $0x80000000,%rax
   dc  e90a000000               jmp     0x00000000000000EB
   e1  48b8ffffff7f00000000     movabs  $0x7FFFFFFF,%rax
   eb  488bd0                   mov     %rax,%rdx
   ee  4863d2                   movslq  %edx,%rdx
   f1  4803f2                   add     %rdx,%rsi
   f4  488933                   mov     %rsi,(%rbx)
   f7  5d                       pop     %rbp
   f8  c3                       ret
   f9  be08000000               mov     $8,%esi
   fe  e90a000000               jmp     0x000000000000010D
  103  be06000000               mov     $6,%esi
  108  e900000000               jmp     0x000000000000010D
  10d  488d3df9ffffff           lea     0x10D,%rdi
  114  4889ea                   mov     %rbp,%rdx
  117  41ffa740000000           jmpq    *0x40(%r15)
