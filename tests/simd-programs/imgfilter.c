/* imgfilter: an integer image pipeline over a generated 256x160 RGBA image.
 *
 * Every frame:
 *   1. luma:  Y = (77 R + 150 G + 29 B + 128) >> 8 for every pixel, written
 *      into a gray plane padded by one replicated pixel on every side;
 *   2. sobel: the 3x3 Sobel gradient of the gray plane,
 *      edge = min(255, (|gx| + |gy|) >> 1);
 *   3. blend: a generated overlay (scrolled down by the frame number) over the
 *      image with the edge value as alpha, per channel
 *      out = round((src (255 - a) + ovl a) / 255), done exactly as
 *      (x + 128 + ((x + 128) >> 8)) >> 8;
 *   4. feedback: src = saturating_sub(rounding_average(out, src), 1) with a
 *      saturating add of 8 to the pixels the overlay marks.
 * Every frame's output buffer is folded into a running FNV-1a hash.
 *
 * The same source gives two builds: without -msimd128 the scalar code below
 * runs; with -msimd128 (__wasm_simd128__ defined) the explicit wasm_simd128.h
 * kernels run (i32x4.dot_i16x8_s, i8x16.shuffle, i16x8 shifts and abs,
 * u8x16.narrow_i16x8, u8x16.avgr, add_sat/sub_sat, ...). Both compute the
 * same integers, so they print the same bytes.
 *
 * Usage: imgfilter [FRAMES]   (default 120)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define W 256
#define H 160
#define GW (W + 32) /* padded gray stride: 16 bytes either side */
#define GX 16       /* column of gray pixel 0 within a padded row */

static uint8_t src[W * H * 4];
static uint8_t ovl[W * H * 4];
static uint8_t out[W * H * 4];
static uint8_t gray[GW * (H + 2)];
static uint8_t edge[W * H];

static uint32_t rng = 0x12345678u;
static uint32_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static void generate(void) {
  for (int y = 0; y < H; y++) {
    for (int x = 0; x < W; x++) {
      uint8_t *p = &src[(y * W + x) * 4];
      uint32_t n = next_rand();
      p[0] = (uint8_t)(x * 3 + y);
      p[1] = (uint8_t)((x ^ y) * 5);
      p[2] = (uint8_t)((n & 63) + (((x / 32) + (y / 32)) & 1 ? 160 : 32));
      p[3] = 255;
      uint8_t *q = &ovl[(y * W + x) * 4];
      int dx = x - W / 2, dy = y - H / 2;
      int ring = ((dx * dx + dy * dy) >> 7) & 7;
      q[0] = (uint8_t)(ring * 36);
      q[1] = (uint8_t)((x * y) >> 6);
      q[2] = (uint8_t)(255 - ring * 30);
      q[3] = (uint8_t)(ring == 3 ? 255 : 0); /* marks the pixels brightened by feedback */
    }
  }
}

/* Replicates the border of the gray plane into its padding. */
static void pad_gray(void) {
  for (int y = 1; y <= H; y++) {
    uint8_t *row = &gray[y * GW];
    row[GX - 1] = row[GX];
    row[GX + W] = row[GX + W - 1];
  }
  memcpy(&gray[0], &gray[GW], GW);
  memcpy(&gray[(H + 1) * GW], &gray[H * GW], GW);
}

static uint32_t fnv(uint32_t h, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

#ifndef __wasm_simd128__

static void luma(void) {
  for (int y = 0; y < H; y++) {
    for (int x = 0; x < W; x++) {
      const uint8_t *p = &src[(y * W + x) * 4];
      uint32_t v = 77u * p[0] + 150u * p[1] + 29u * p[2] + 128u;
      gray[(y + 1) * GW + GX + x] = (uint8_t)(v >> 8);
    }
  }
  pad_gray();
}

static void sobel(void) {
  for (int y = 0; y < H; y++) {
    const uint8_t *t = &gray[y * GW + GX];
    const uint8_t *m = t + GW;
    const uint8_t *b = m + GW;
    for (int x = 0; x < W; x++) {
      int gx = (t[x + 1] + 2 * m[x + 1] + b[x + 1]) - (t[x - 1] + 2 * m[x - 1] + b[x - 1]);
      int gy = (b[x - 1] + 2 * b[x] + b[x + 1]) - (t[x - 1] + 2 * t[x] + t[x + 1]);
      int mag = ((gx < 0 ? -gx : gx) + (gy < 0 ? -gy : gy)) >> 1;
      edge[y * W + x] = (uint8_t)(mag > 255 ? 255 : mag);
    }
  }
}

static void blend(int frame) {
  for (int y = 0; y < H; y++) {
    const uint8_t *o = &ovl[((y + frame) % H) * W * 4];
    for (int x = 0; x < W; x++) {
      uint32_t a = edge[y * W + x];
      for (int c = 0; c < 4; c++) {
        int i = (y * W + x) * 4 + c;
        uint32_t v = src[i] * (255u - a) + o[x * 4 + c] * a + 128u;
        out[i] = (uint8_t)((v + (v >> 8)) >> 8);
      }
    }
  }
}

static void feedback(int frame) {
  for (int y = 0; y < H; y++) {
    const uint8_t *o = &ovl[((y + frame) % H) * W * 4];
    for (int x = 0; x < W * 4; x++) {
      int i = y * W * 4 + x;
      int v = (out[i] + src[i] + 1) >> 1;
      v = v > 0 ? v - 1 : 0;
      if (o[(x & ~3) + 3]) v = v + 8 > 255 ? 255 : v + 8;
      src[i] = (uint8_t)v;
    }
  }
}

#else /* __wasm_simd128__ */

static void luma(void) {
  /* weights for one pixel's R G B A as i16 lanes, twice (two pixels a vector) */
  const v128_t wts = wasm_i16x8_make(77, 150, 29, 0, 77, 150, 29, 0);
  const v128_t round = wasm_i32x4_splat(128);
  for (int y = 0; y < H; y++) {
    const uint8_t *p = &src[y * W * 4];
    uint8_t *g = &gray[(y + 1) * GW + GX];
    for (int x = 0; x < W; x += 16) {
      v128_t luma4[4];
      for (int k = 0; k < 4; k++) {
        v128_t px = wasm_v128_load(p + (x + k * 4) * 4); /* 4 pixels */
        /* per i32 lane: R*77 + G*150 or B*29 + A*0 */
        v128_t lo = wasm_i32x4_dot_i16x8(wasm_u16x8_extend_low_u8x16(px), wts);
        v128_t hi = wasm_i32x4_dot_i16x8(wasm_u16x8_extend_high_u8x16(px), wts);
        v128_t rg = wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6);
        v128_t ba = wasm_i32x4_shuffle(lo, hi, 1, 3, 5, 7);
        luma4[k] = wasm_u32x4_shr(wasm_i32x4_add(wasm_i32x4_add(rg, ba), round), 8);
      }
      v128_t a = wasm_u16x8_narrow_i32x4(luma4[0], luma4[1]);
      v128_t b = wasm_u16x8_narrow_i32x4(luma4[2], luma4[3]);
      wasm_v128_store(g + x, wasm_u8x16_narrow_i16x8(a, b));
    }
  }
  pad_gray();
}

/* The Sobel magnitude of 8 pixels from their 3x3 neighbourhoods as u16 lanes. */
static v128_t sobel8(v128_t tl, v128_t tc, v128_t tr, v128_t ml, v128_t mr, v128_t bl,
                     v128_t bc, v128_t br) {
  v128_t gx = wasm_i16x8_sub(wasm_i16x8_add(wasm_i16x8_add(tr, wasm_i16x8_shl(mr, 1)), br),
                             wasm_i16x8_add(wasm_i16x8_add(tl, wasm_i16x8_shl(ml, 1)), bl));
  v128_t gy = wasm_i16x8_sub(wasm_i16x8_add(wasm_i16x8_add(bl, wasm_i16x8_shl(bc, 1)), br),
                             wasm_i16x8_add(wasm_i16x8_add(tl, wasm_i16x8_shl(tc, 1)), tr));
  return wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_abs(gx), wasm_i16x8_abs(gy)), 1);
}

static void sobel(void) {
  for (int y = 0; y < H; y++) {
    const uint8_t *t = &gray[y * GW + GX];
    const uint8_t *m = t + GW;
    const uint8_t *b = m + GW;
    for (int x = 0; x < W; x += 16) {
      v128_t tl = wasm_v128_load(t + x - 1), tc = wasm_v128_load(t + x),
             tr = wasm_v128_load(t + x + 1);
      v128_t ml = wasm_v128_load(m + x - 1), mr = wasm_v128_load(m + x + 1);
      v128_t bl = wasm_v128_load(b + x - 1), bc = wasm_v128_load(b + x),
             br = wasm_v128_load(b + x + 1);
#define LO(v) wasm_u16x8_extend_low_u8x16(v)
#define HI(v) wasm_u16x8_extend_high_u8x16(v)
      v128_t lo = sobel8(LO(tl), LO(tc), LO(tr), LO(ml), LO(mr), LO(bl), LO(bc), LO(br));
      v128_t hi = sobel8(HI(tl), HI(tc), HI(tr), HI(ml), HI(mr), HI(bl), HI(bc), HI(br));
#undef LO
#undef HI
      wasm_v128_store(&edge[y * W + x], wasm_u8x16_narrow_i16x8(lo, hi));
    }
  }
}

/* round((s (255 - a) + o a) / 255) on 8 u16 lanes */
static v128_t mix8(v128_t s, v128_t o, v128_t a) {
  const v128_t c255 = wasm_i16x8_splat(255), c128 = wasm_i16x8_splat(128);
  v128_t v = wasm_i16x8_add(wasm_i16x8_mul(s, wasm_i16x8_sub(c255, a)), wasm_i16x8_mul(o, a));
  v = wasm_i16x8_add(v, c128);
  return wasm_u16x8_shr(wasm_i16x8_add(v, wasm_u16x8_shr(v, 8)), 8);
}

static void blend(int frame) {
  for (int y = 0; y < H; y++) {
    const uint8_t *o = &ovl[((y + frame) % H) * W * 4];
    for (int x = 0; x < W; x += 16) {
      v128_t e = wasm_v128_load(&edge[y * W + x]);
      /* each edge byte repeated over its pixel's four channels */
      v128_t alpha[4] = {
          wasm_i8x16_shuffle(e, e, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3),
          wasm_i8x16_shuffle(e, e, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7),
          wasm_i8x16_shuffle(e, e, 8, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 10, 11, 11, 11, 11),
          wasm_i8x16_shuffle(e, e, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15,
                             15),
      };
      for (int k = 0; k < 4; k++) {
        int i = (y * W + x + k * 4) * 4;
        v128_t s = wasm_v128_load(&src[i]);
        v128_t ov = wasm_v128_load(&o[(x + k * 4) * 4]);
        v128_t lo = mix8(wasm_u16x8_extend_low_u8x16(s), wasm_u16x8_extend_low_u8x16(ov),
                         wasm_u16x8_extend_low_u8x16(alpha[k]));
        v128_t hi = mix8(wasm_u16x8_extend_high_u8x16(s), wasm_u16x8_extend_high_u8x16(ov),
                         wasm_u16x8_extend_high_u8x16(alpha[k]));
        wasm_v128_store(&out[i], wasm_u8x16_narrow_i16x8(lo, hi));
      }
    }
  }
}

static void feedback(int frame) {
  const v128_t one = wasm_i8x16_splat(1), eight = wasm_i8x16_splat(8);
  /* byte 3 of every pixel (the overlay's mark) spread over the pixel */
  for (int y = 0; y < H; y++) {
    const uint8_t *o = &ovl[((y + frame) % H) * W * 4];
    for (int x = 0; x < W * 4; x += 16) {
      int i = y * W * 4 + x;
      v128_t v = wasm_u8x16_avgr(wasm_v128_load(&out[i]), wasm_v128_load(&src[i]));
      v = wasm_u8x16_sub_sat(v, one);
      v128_t ov = wasm_v128_load(&o[x]);
      v128_t mark = wasm_i8x16_shuffle(ov, ov, 3, 3, 3, 3, 7, 7, 7, 7, 11, 11, 11, 11, 15, 15,
                                       15, 15);
      mark = wasm_i8x16_ne(mark, wasm_i8x16_splat(0));
      v = wasm_u8x16_add_sat(v, wasm_v128_and(mark, eight));
      wasm_v128_store(&src[i], v);
    }
  }
}

#endif /* __wasm_simd128__ */

static void print_pixel(const char *what, const uint8_t *img, int x, int y) {
  const uint8_t *p = &img[(y * W + x) * 4];
  printf("%s(%3d,%3d) = %3u %3u %3u %3u\n", what, x, y, p[0], p[1], p[2], p[3]);
}

int main(int argc, char **argv) {
  int frames = argc > 1 ? atoi(argv[1]) : 120;
  if (frames < 1) {
    fprintf(stderr, "usage: imgfilter [FRAMES >= 1]\n");
    return 2;
  }
  generate();
  uint32_t hash = 2166136261u;
  for (int f = 0; f < frames; f++) {
    luma();
    sobel();
    blend(f);
    feedback(f);
    hash = fnv(hash, out, sizeof out);
  }
  printf("imgfilter %dx%d, %d frames\n", W, H, frames);
  printf("frames hash  %08x\n", (unsigned)hash);
  printf("final out    %08x\n", (unsigned)fnv(2166136261u, out, sizeof out));
  printf("final src    %08x\n", (unsigned)fnv(2166136261u, src, sizeof src));
  printf("final edge   %08x\n", (unsigned)fnv(2166136261u, edge, sizeof edge));
  unsigned hist[8] = {0};
  for (int i = 0; i < W * H; i++) hist[edge[i] >> 5]++;
  printf("edge histogram:");
  for (int i = 0; i < 8; i++) printf(" %u", hist[i]);
  printf("\n");
  static const int samples[][2] = {{0, 0}, {17, 9}, {128, 80}, {200, 33}, {255, 159}};
  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    print_pixel("out", out, samples[i][0], samples[i][1]);
    print_pixel("src", src, samples[i][0], samples[i][1]);
  }
  return 0;
}
