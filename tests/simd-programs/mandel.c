/* mandel: Mandelbrot escape counts in f32, over a sequence of zooming tiles.
 *
 * Each frame renders a 128x96 tile of the complex plane, zooming by 0.88 per
 * frame towards a point on the set's boundary (in Seahorse valley; the zoom
 * starts again from a 3.0 wide view every 64 frames), with up to 256
 * iterations a pixel:
 *   xx = x*x; yy = y*y; escaped once xx + yy > 4;
 *   xy = x*y; x = (xx - yy) + cx; y = (xy + xy) + cy.
 * Every frame's escape counts are folded into an FNV-1a hash; the last frame
 * is printed as ASCII art with a histogram of its counts.
 *
 * The same source gives two builds: without -msimd128 the scalar loop runs;
 * with -msimd128 (__wasm_simd128__ defined) four pixels go through the
 * iteration at once in f32x4 lanes (f32x4 mul/add/sub/gt/le, a sticky i32x4
 * mask, v128.any_true, i32x4.sub to count). Every lane does exactly the
 * scalar code's f32 operations in the same order (wasm f32 arithmetic is
 * IEEE single precision without fused multiply-add in both), so the counts
 * and the output are bit-identical.
 *
 * Usage: mandel [FRAMES]   (default 28)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define TW 128
#define TH 96
#define MAXITER 256
#define ZOOMS 64 /* frames in one zoom: 3.0 * 0.88^63 is about 1e-3 wide */

static int32_t counts[TW * TH];

#ifndef __wasm_simd128__

static void render(float x0, float y0, float step) {
  for (int j = 0; j < TH; j++) {
    float cy = y0 + (float)j * step;
    for (int i = 0; i < TW; i++) {
      float cx = x0 + (float)i * step;
      float x = 0.0f, y = 0.0f;
      int n = 0;
      while (n < MAXITER) {
        float xx = x * x, yy = y * y;
        if (!(xx + yy <= 4.0f)) break;
        float xy = x * y;
        x = (xx - yy) + cx;
        y = (xy + xy) + cy;
        n++;
      }
      counts[j * TW + i] = n;
    }
  }
}

#else /* __wasm_simd128__ */

static void render(float x0, float y0, float step) {
  const v128_t four = wasm_f32x4_splat(4.0f);
  const v128_t stepv = wasm_f32x4_splat(step);
  const v128_t x0v = wasm_f32x4_splat(x0);
  for (int j = 0; j < TH; j++) {
    v128_t cy = wasm_f32x4_splat(y0 + (float)j * step);
    for (int i = 0; i < TW; i += 4) {
      v128_t cx = wasm_f32x4_add(
          x0v, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_make(i, i + 1, i + 2, i + 3)),
                              stepv));
      v128_t x = wasm_f32x4_splat(0.0f), y = wasm_f32x4_splat(0.0f);
      v128_t n = wasm_i32x4_splat(0);
      v128_t active = wasm_i32x4_splat(-1); /* lanes not escaped yet: all ones */
      for (int k = 0; k < MAXITER; k++) {
        v128_t xx = wasm_f32x4_mul(x, x), yy = wasm_f32x4_mul(y, y);
        active = wasm_v128_and(active, wasm_f32x4_le(wasm_f32x4_add(xx, yy), four));
        if (!wasm_v128_any_true(active)) break;
        v128_t xy = wasm_f32x4_mul(x, y);
        x = wasm_f32x4_add(wasm_f32x4_sub(xx, yy), cx);
        y = wasm_f32x4_add(wasm_f32x4_add(xy, xy), cy);
        n = wasm_i32x4_sub(n, active); /* active lanes hold -1 */
      }
      wasm_v128_store(&counts[j * TW + i], n);
    }
  }
}

#endif /* __wasm_simd128__ */

static uint32_t fnv_counts(uint32_t h) {
  for (int i = 0; i < TW * TH; i++) {
    uint32_t c = (uint32_t)counts[i];
    for (int b = 0; b < 4; b++) h = (h ^ ((c >> (8 * b)) & 0xff)) * 16777619u;
  }
  return h;
}

int main(int argc, char **argv) {
  int frames = argc > 1 ? atoi(argv[1]) : 28;
  if (frames < 1) {
    fprintf(stderr, "usage: mandel [FRAMES >= 1]\n");
    return 2;
  }
  const float cx = -0.743643887f, cy = 0.131825904f;
  float width = 0.0f;
  uint32_t hash = 2166136261u;
  long long total = 0;
  float step = 0.0f, x0 = 0.0f, y0 = 0.0f;
  for (int f = 0; f < frames; f++) {
    if (f % ZOOMS == 0) width = 3.0f; /* start the zoom again before f32 runs out of bits */
    step = width / (float)TW;
    x0 = cx - step * (float)(TW / 2);
    y0 = cy - step * (float)(TH / 2);
    render(x0, y0, step);
    hash = fnv_counts(hash);
    for (int i = 0; i < TW * TH; i++) total += counts[i];
    width *= 0.88f;
  }
  printf("mandel %dx%d, max %d iterations, %d frames\n", TW, TH, MAXITER, frames);
  printf("last frame: x0 %.9e y0 %.9e step %.9e\n", (double)x0, (double)y0, (double)step);
  printf("counts hash  %08x\n", (unsigned)hash);
  printf("total iterations %lld\n", total);
  unsigned hist[9] = {0};
  int inside = 0;
  for (int i = 0; i < TW * TH; i++) {
    int c = counts[i];
    if (c == MAXITER) inside++;
    else hist[c < 4 ? 0 : c < 8 ? 1 : c < 16 ? 2 : c < 32 ? 3 : c < 64 ? 4 : c < 128 ? 5 : 6]++;
  }
  printf("histogram <4:%u <8:%u <16:%u <32:%u <64:%u <128:%u <256:%u inside:%d\n", hist[0],
         hist[1], hist[2], hist[3], hist[4], hist[5], hist[6], inside);
  /* the last frame, 2x4 pixels a character */
  static const char shades[] = " .:-=+*#%@";
  for (int j = 0; j < TH; j += 4) {
    char line[TW / 2 + 2];
    for (int i = 0; i < TW; i += 2) {
      int sum = 0;
      for (int dj = 0; dj < 4; dj++)
        for (int di = 0; di < 2; di++) sum += counts[(j + dj) * TW + i + di];
      int avg = sum / 8;
      int s = avg >= MAXITER ? 9 : avg < 2 ? 0 : 1 + (avg * 8) / MAXITER;
      line[i / 2] = shades[s];
    }
    line[TW / 2] = '\n';
    line[TW / 2 + 1] = 0;
    fputs(line, stdout);
  }
  return 0;
}
