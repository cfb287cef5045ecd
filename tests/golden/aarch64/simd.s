# simd.wat, `zwasm compile --target aarch64 --cpu baseline` (regenerate: ZWASM_BLESS=1)

## func 0 kernel: left to the interpreter

## func 1 mandel: left to the interpreter
