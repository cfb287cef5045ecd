#!/usr/bin/env bash
# Rebuilds every .wasm in this folder from its source: a scalar build and a
# vector (wasm SIMD128) build of each program.
#
# Assumes Debian 12 (bookworm) packages:
#   apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32   # the C programs
#   apt-get install rustc libstd-rust-dev-wasm32                          # matmul.rs
# Debian's wasi-libc is laid out multiarch under /usr (headers in
# /usr/include/wasm32-wasi, libraries in /usr/lib/wasm32-wasi), hence
# --sysroot=/usr; -fuse-ld=lld makes clang-14 link with /usr/bin/wasm-ld-14.
# Rust uses Debian's /usr/bin/rustc (1.63), not a rustup one on PATH.
#
# Scalar builds: no -msimd128 (so no v128 instruction can appear) and no
# auto-vectorization; vector builds: -msimd128 / +simd128, which selects the
# explicit wasm_simd128.h / core::arch::wasm32 kernels in the sources.
# After building, checks that the vector builds contain v128 instructions
# and the scalar builds none (with llvm-objdump-14).
set -euo pipefail
cd "$(dirname "$0")"

CC=clang-14
RUSTC=/usr/bin/rustc
CFLAGS=(--target=wasm32-wasi --sysroot=/usr -fuse-ld=lld -O2 -Wall -Wextra -Werror)
RUSTFLAGS=(--target wasm32-wasi --edition 2021 -C opt-level=2 -C strip=debuginfo)

for src in *.c; do
  name=${src%.c}
  (set -x
    "$CC" "${CFLAGS[@]}" -fno-vectorize -fno-slp-vectorize "$src" -o "${name}_scalar.wasm"
    "$CC" "${CFLAGS[@]}" -msimd128 "$src" -o "${name}_simd.wasm")
done

for src in *.rs; do
  name=${src%.rs}
  (set -x
    "$RUSTC" "${RUSTFLAGS[@]}" -C target-feature=-simd128 "$src" -o "${name}_scalar.wasm"
    "$RUSTC" "${RUSTFLAGS[@]}" -C target-feature=+simd128 "$src" -o "${name}_simd.wasm")
done

simd_ops() {
  llvm-objdump-14 -d "$1" | grep -cE '\b(v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.' || true
}
status=0
for scalar in *_scalar.wasm; do
  simd=${scalar%_scalar.wasm}_simd.wasm
  s=$(simd_ops "$scalar") v=$(simd_ops "$simd")
  echo "$scalar: $s v128 instructions; $simd: $v"
  if [ "$s" -ne 0 ] || [ "$v" -eq 0 ]; then
    echo "error: the scalar build must have no v128 instruction and the vector build some" >&2
    status=1
  fi
done
exit $status
