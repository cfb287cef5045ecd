# scalar.wat, `zwasm compile --target x86_64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 add
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b9300000000           mov     (%rbx),%rdx
    b  488bb308000000           mov     8(%rbx),%rsi
   12  4001f2                   add     %esi,%edx
   15  48899300000000           mov     %rdx,(%rbx)
   1c  5d                       pop     %rbp
   1d  c3                       ret

## func 1 abs_diff
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b9300000000           mov     (%rbx),%rdx
    b  488bb308000000           mov     8(%rbx),%rsi
   12  483bd6                   cmp     %rsi,%rdx
   15  0f8d0b000000             jge     0x0000000000000026
   1b  4889f7                   mov     %rsi,%rdi
   1e  4829d7                   sub     %rdx,%rdi
   21  e906000000               jmp     0x000000000000002C
   26  4889d7                   mov     %rdx,%rdi
   29  4829f7                   sub     %rsi,%rdi
   2c  4889bb00000000           mov     %rdi,(%rbx)
   33  5d                       pop     %rbp
   34  c3                       ret

## func 2 div_consts
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488bb300000000           mov     (%rbx),%rsi
    b  488bbb08000000           mov     8(%rbx),%rdi
   12  4089f0                   mov     %esi,%eax
   15  52                       push    %rdx
   16  48b99a99999999999919     movabs  $0x199999999999999A,%rcx
   20  48f7e1                   mul     %rcx
   23  89d0                     mov     %edx,%eax
   25  5a                       pop     %rdx
   26  4889c2                   mov     %rax,%rdx
   29  4089d2                   mov     %edx,%edx
   2c  52                       push    %rdx
   2d  4889f8                   mov     %rdi,%rax
   30  4899                     cqto
   32  4831d0                   xor     %rdx,%rax
   35  4829d0                   sub     %rdx,%rax
   38  52                       push    %rdx
   39  4889c1                   mov     %rax,%rcx
   3c  48b89324499224499224     movabs  $0x2492492492492493,%rax
   46  48f7e1                   mul     %rcx
   49  4889c8                   mov     %rcx,%rax
   4c  4829d0                   sub     %rdx,%rax
   4f  48c1e801                 shr     $1,%rax
   53  4801d0                   add     %rdx,%rax
   56  48c1e802                 shr     $2,%rax
   5a  48ba0700000000000000     movabs  $7,%rdx
   64  480fafc2                 imul    %rdx,%rax
   68  4829c1                   sub     %rax,%rcx
   6b  4889c8                   mov     %rcx,%rax
   6e  5a                       pop     %rdx
   6f  4831d0                   xor     %rdx,%rax
   72  4829d0                   sub     %rdx,%rax
   75  5a                       pop     %rdx
   76  4889c6                   mov     %rax,%rsi
   79  4801f2                   add     %rsi,%rdx
   7c  48899300000000           mov     %rdx,(%rbx)
   83  5d                       pop     %rbp
   84  c3                       ret

## func 3 scaled_load
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b9300000000           mov     (%rbx),%rdx
    b  40c1e202                 shl     $2,%edx
    f  418b941610000000         mov     0x10(%r14,%rdx),%edx
   17  b840000000               mov     $0x40,%eax
   1c  418b3406                 mov     (%r14,%rax),%esi
   20  4001f2                   add     %esi,%edx
   23  48899300000000           mov     %rdx,(%rbx)
   2a  5d                       pop     %rbp
   2b  c3                       ret

## func 4 calls
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488bb300000000           mov     (%rbx),%rsi
    b  40bf01000000             mov     $1,%edi
   11  4889f2                   mov     %rsi,%rdx
   14  4001fa                   add     %edi,%edx
   17  4889d6                   mov     %rdx,%rsi
   1a  40bf02000000             mov     $2,%edi
   20  4889f2                   mov     %rsi,%rdx
   23  4001fa                   add     %edi,%edx
   26  4889d6                   mov     %rdx,%rsi
   29  4889b300000000           mov     %rsi,(%rbx)
   30  5d                       pop     %rbp
   31  c3                       ret

## func 5 switch
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b9300000000           mov     (%rbx),%rdx
    b  4089d0                   mov     %edx,%eax
    e  483d02000000             cmp     $2,%rax
   14  0f8338000000             jae     0x0000000000000052
   1a  488d0d09000000           lea     0x2A,%rcx
   21  488d0480                 lea     (%rax,%rax,4),%rax
   25  4801c1                   add     %rax,%rcx
   28  ffe1                     jmp     *%rcx
   2a  e905000000               jmp     0x0000000000000034
   2f  e90f000000               jmp     0x0000000000000043
   34  40ba0a000000             mov     $0xA,%edx
   3a  48899300000000           mov     %rdx,(%rbx)
   41  5d                       pop     %rbp
   42  c3                       ret
   43  40ba14000000             mov     $0x14,%edx
   49  48899300000000           mov     %rdx,(%rbx)
   50  5d                       pop     %rbp
   51  c3                       ret
   52  40ba1e000000             mov     $0x1E,%edx
   58  48899300000000           mov     %rdx,(%rbx)
   5f  5d                       pop     %rbp
   60  c3                       ret

## func 6 trap_div
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488bb300000000           mov     (%rbx),%rsi
    b  488bbb08000000           mov     8(%rbx),%rdi
   12  4089f9                   mov     %edi,%ecx
   15  85c9                     test    %ecx,%ecx
   17  0f842b000000             je      0x0000000000000048
   1d  4889f0                   mov     %rsi,%rax
   20  52                       push    %rdx
   21  81f9ffffffff             cmp     $0xFFFFFFFF,%ecx
   27  0f850b000000             jne     0x0000000000000038
   2d  3d00000080               cmp     $0x80000000,%eax
   32  0f841a000000             je      0x0000000000000052
   38  99                       cltd
   39  f7f9                     idiv    %ecx
   3b  5a                       pop     %rdx
   3c  4889c2                   mov     %rax,%rdx
   3f  48899300000000           mov     %rdx,(%rbx)
   46  5d                       pop     %rbp
   47  c3                       ret
   48  be07000000               mov     $7,%esi
   4d  e90a000000               jmp     0x000000000000005C
   52  be06000000               mov     $6,%esi
   57  e900000000               jmp     0x000000000000005C
   5c  488d3df9ffffff           lea     0x5C,%rdi
   63  4889ea                   mov     %rbp,%rdx
   66  41ffa740000000           jmpq    *0x40(%r15)

## func 7 floats
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  f3400f7e9300000000       movq    (%rbx),%xmm2
    d  f3400f7ea308000000       movq    8(%rbx),%xmm4
   16  0f57c0                   xorps   %xmm0,%xmm0
   19  f2400f51c2               sqrtsd  %xmm2,%xmm0
   1e  400f28d8                 movaps  %xmm0,%xmm3
   22  0f57c0                   xorps   %xmm0,%xmm0
   25  66400f3a0ac409           roundss $9,%xmm4,%xmm0
   2c  400f28d0                 movaps  %xmm0,%xmm2
   30  0f57c0                   xorps   %xmm0,%xmm0
   33  f3400f5ac2               cvtss2sd %xmm2,%xmm0
   38  400f28d0                 movaps  %xmm0,%xmm2
   3c  f2400f58da               addsd   %xmm2,%xmm3
   41  66400fd69b00000000       movq    %xmm3,(%rbx)
   4a  5d                       pop     %rbp
   4b  c3                       ret

## func 8 truncs
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  f3400f7e9300000000       movq    (%rbx),%xmm2
    d  f3400f7e9b08000000       movq    8(%rbx),%xmm3
   16  400f28c2                 movaps  %xmm2,%xmm0
   1a  660f2ec0                 ucomisd %xmm0,%xmm0
   1e  0f8ae2000000             jp      0x0000000000000106
   24  48b8000000000000f0bf     movabs  $0xBFF0000000000000,%rax
   2e  66480f6ec8               movq    %rax,%xmm1
   33  660f2ec1                 ucomisd %xmm1,%xmm0
   37  0f86d3000000             jbe     0x0000000000000110
   3d  48b8000000000000f043     movabs  $0x43F0000000000000,%rax
   47  66480f6ec8               movq    %rax,%xmm1
   4c  660f2ec1                 ucomisd %xmm1,%xmm0
   50  0f83ba000000             jae     0x0000000000000110
   56  48b9000000000000e043     movabs  $0x43E0000000000000,%rcx
   60  66480f6ec9               movq    %rcx,%xmm1
   65  660f2ec1                 ucomisd %xmm1,%xmm0
   69  0f830a000000             jae     0x0000000000000079
   6f  f2480f2cc0               cvttsd2si %xmm0,%rax
   74  e90e000000               jmp     0x0000000000000087
   79  f20f5cc1                 subsd   %xmm1,%xmm0
   7d  f2480f2cc0               cvttsd2si %xmm0,%rax
   82  480fbaf83f               btc     $0x3F,%rax
   87  4889c6                   mov     %rax,%rsi
   8a  f3400f5ac3               cvtss2sd %xmm3,%xmm0
   8f  660f2ec0                 ucomisd %xmm0,%xmm0
   93  0f8a3b000000             jp      0x00000000000000D4
   99  48b8000020000000e0c1     movabs  $0xC1E0000000200000,%rax
   a3  66480f6ec8               movq    %rax,%xmm1
   a8  660f2ec1                 ucomisd %xmm1,%xmm0
   ac  0f8629000000             jbe     0x00000000000000DB
   b2  48b8000000000000e041     movabs  $0x41E0000000000000,%rax
   bc  66480f6ec8               movq    %rax,%xmm1
   c1  660f2ec1                 ucomisd %xmm1,%xmm0
   c5  0f831f000000             jae     0x00000000000000EA
   cb  f20f2cc0                 cvttsd2si %xmm0,%eax
   cf  e920000000               jmp     0x00000000000000F4
   d4  31c0                     xor     %eax,%eax
   d6  e919000000               jmp     0x00000000000000F4
   db  48b80000008000000000     movabs  $0x80000000,%rax
   e5  e90a000000               jmp     0x00000000000000F4
   ea  48b8ffffff7f00000000     movabs  $0x7FFFFFFF,%rax
   f4  4889c2                   mov     %rax,%rdx
   f7  4863d2                   movslq  %edx,%rdx
   fa  4801d6                   add     %rdx,%rsi
   fd  4889b300000000           mov     %rsi,(%rbx)
  104  5d                       pop     %rbp
  105  c3                       ret
  106  be08000000               mov     $8,%esi
  10b  e90a000000               jmp     0x000000000000011A
  110  be06000000               mov     $6,%esi
  115  e900000000               jmp     0x000000000000011A
  11a  488d3df9ffffff           lea     0x11A,%rdi
  121  4889ea                   mov     %rbp,%rdx
  124  41ffa740000000           jmpq    *0x40(%r15)
