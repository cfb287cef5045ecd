# scalar.wat, `zwasm compile --target x86_64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 add
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b9300000000           mov     (%rbx),%rdx
    b  488bb308000000           mov     8(%rbx),%rsi
   12  4889d7                   mov     %rdx,%rdi
   15  4001f7                   add     %esi,%edi
   18  4889bb00000000           mov     %rdi,(%rbx)
   1f  5d                       pop     %rbp
   20  c3                       ret

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
    4  488b9300000000           mov     (%rbx),%rdx
    b  488bb308000000           mov     8(%rbx),%rsi
   12  4089d0                   mov     %edx,%eax
   15  52                       push    %rdx
   16  48b99a99999999999919     movabs  $0x199999999999999A,%rcx
   20  48f7e1                   mul     %rcx
   23  89d0                     mov     %edx,%eax
   25  5a                       pop     %rdx
   26  4889c7                   mov     %rax,%rdi
   29  4089ff                   mov     %edi,%edi
   2c  52                       push    %rdx
   2d  4889f0                   mov     %rsi,%rax
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
   76  4889c2                   mov     %rax,%rdx
   79  4801d7                   add     %rdx,%rdi
   7c  4889bb00000000           mov     %rdi,(%rbx)
   83  5d                       pop     %rbp
   84  c3                       ret

## func 3 scaled_load
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b9300000000           mov     (%rbx),%rdx
    b  4889d6                   mov     %rdx,%rsi
    e  40c1e602                 shl     $2,%esi
   12  418bb43610000000         mov     0x10(%r14,%rsi),%esi
   1a  b840000000               mov     $0x40,%eax
   1f  418b940600000000         mov     (%r14,%rax),%edx
   27  4001d6                   add     %edx,%esi
   2a  4889b300000000           mov     %rsi,(%rbx)
   31  5d                       pop     %rbp
   32  c3                       ret

## func 4 calls
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b9300000000           mov     (%rbx),%rdx
    b  4889d6                   mov     %rdx,%rsi
    e  40ba01000000             mov     $1,%edx
   14  4889f7                   mov     %rsi,%rdi
   17  4001d7                   add     %edx,%edi
   1a  4889fe                   mov     %rdi,%rsi
   1d  40ba02000000             mov     $2,%edx
   23  4889f7                   mov     %rsi,%rdi
   26  4001d7                   add     %edx,%edi
   29  4889fe                   mov     %rdi,%rsi
   2c  4889b300000000           mov     %rsi,(%rbx)
   33  5d                       pop     %rbp
   34  c3                       ret

## func 5 switch
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  4154                     push    %r12
    6  4155                     push    %r13
    8  4c8ba300000000           mov     (%rbx),%r12
    f  4489e0                   mov     %r12d,%eax
   12  483d02000000             cmp     $2,%rax
   18  0f8340000000             jae     0x000000000000005E
   1e  488d0d09000000           lea     0x2E,%rcx
   25  488d0480                 lea     (%rax,%rax,4),%rax
   29  4801c1                   add     %rax,%rcx
   2c  ffe1                     jmp     *%rcx
   2e  e905000000               jmp     0x0000000000000038
   33  e913000000               jmp     0x000000000000004B
   38  41bc0a000000             mov     $0xA,%r12d
   3e  4c89a300000000           mov     %r12,(%rbx)
   45  415d                     pop     %r13
   47  415c                     pop     %r12
   49  5d                       pop     %rbp
   4a  c3                       ret
   4b  41bc14000000             mov     $0x14,%r12d
   51  4c89a300000000           mov     %r12,(%rbx)
   58  415d                     pop     %r13
   5a  415c                     pop     %r12
   5c  5d                       pop     %rbp
   5d  c3                       ret
   5e  41bc1e000000             mov     $0x1E,%r12d
   64  4c89a300000000           mov     %r12,(%rbx)
   6b  415d                     pop     %r13
   6d  415c                     pop     %r12
   6f  5d                       pop     %rbp
   70  c3                       ret

## func 6 trap_div
    0  55                       push    %rbp
    1  4889e5                   mov     %rsp,%rbp
    4  488b9300000000           mov     (%rbx),%rdx
    b  488bb308000000           mov     8(%rbx),%rsi
   12  4089f1                   mov     %esi,%ecx
   15  85c9                     test    %ecx,%ecx
   17  0f842b000000             je      0x0000000000000048
   1d  4889d0                   mov     %rdx,%rax
   20  52                       push    %rdx
   21  81f9ffffffff             cmp     $0xFFFFFFFF,%ecx
   27  0f850b000000             jne     0x0000000000000038
   2d  3d00000080               cmp     $0x80000000,%eax
   32  0f841a000000             je      0x0000000000000052
   38  99                       cltd
   39  f7f9                     idiv    %ecx
   3b  5a                       pop     %rdx
   3c  4889c7                   mov     %rax,%rdi
   3f  4889bb00000000           mov     %rdi,(%rbx)
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
    d  f3400f7e9b08000000       movq    8(%rbx),%xmm3
   16  0f57c0                   xorps   %xmm0,%xmm0
   19  f2400f51c2               sqrtsd  %xmm2,%xmm0
   1e  400f28e0                 movaps  %xmm0,%xmm4
   22  0f57c0                   xorps   %xmm0,%xmm0
   25  66400f3a0ac309           roundss $9,%xmm3,%xmm0
   2c  400f28d0                 movaps  %xmm0,%xmm2
   30  0f57c0                   xorps   %xmm0,%xmm0
   33  f3400f5ac2               cvtss2sd %xmm2,%xmm0
   38  400f28d0                 movaps  %xmm0,%xmm2
   3c  f2400f58e2               addsd   %xmm2,%xmm4
   41  66400fd6a300000000       movq    %xmm4,(%rbx)
   4a  5d                       pop     %rbp
   4b  c3                       ret
