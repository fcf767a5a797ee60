#include "engine_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define JAM_X86_KERNELS 1
#include <immintrin.h>
#endif

namespace jam::kernels {
namespace {

using GemmFn = void (*)(const float*, int, int, int, const float*, size_t, int, int, float*, int,
                        bool);

// Calls tile<R> for the remainder r (1 <= r <= R) of a token range, as one tile.
template <int R, class B, class Tile>
inline void tail_tile(int r, const float* x, int ldx, int k_len, const B* b, float* y, int ldy,
                      bool accumulate, const Tile& tile) {
  if constexpr (R >= 1) {
    if (r == R)
      tile(std::integral_constant<int, R>{}, x, ldx, k_len, b, y, ldy, accumulate);
    else
      tail_tile<R - 1>(r, x, ldx, k_len, b, y, ldy, accumulate, tile);
  }
}

// Runs `tile<T>` over n token rows against one panel, in groups of T (the remainder as one
// smaller tile).
template <int T, class B, class Tile>
inline void panel_rows(const float* x, int ldx, int n, int k_len, const B* b, float* yp, int ldy,
                       bool accumulate, const Tile& tile) {
  int t = 0;
  for (; t + T <= n; t += T)
    tile(std::integral_constant<int, T>{}, x + static_cast<size_t>(t) * ldx, ldx, k_len, b,
         yp + static_cast<size_t>(t) * ldy, ldy, accumulate);
  if (t < n)
    tail_tile<T - 1>(n - t, x + static_cast<size_t>(t) * ldx, ldx, k_len, b,
                     yp + static_cast<size_t>(t) * ldy, ldy, accumulate, tile);
}

// Panel by panel: a panel (k_len x 32 floats) stays in cache while the token rows stream past.
template <int T, class Tile>
inline void for_each_tile(const float* x, int ldx, int n, int k_len, const float* panels,
                          size_t panel_stride, int p_begin, int p_end, float* y, int ldy,
                          bool accumulate, Tile tile) {
  for (int p = p_begin; p < p_end; ++p)
    panel_rows<T>(x, ldx, n, k_len, panels + static_cast<size_t>(p) * panel_stride, y + p * kPanel,
                  ldy, accumulate, tile);
}

// Portable kernel: the inner j loop is element-wise, so compilers vectorize it for any SIMD
// width (wasm simd128, SSE2) without reassociating sums.
struct PortableTile {
  template <int T>
  void operator()(std::integral_constant<int, T>, const float* x, int ldx, int k_len,
                  const float* b, float* y, int ldy, bool accumulate) const {
    float c[T][kPanel] = {};
    for (int k = 0; k < k_len; ++k) {
      const float* bk = b + static_cast<size_t>(k) * kPanel;
      for (int t = 0; t < T; ++t) {
        const float xv = x[static_cast<size_t>(t) * ldx + k];
        for (int j = 0; j < kPanel; ++j) c[t][j] += xv * bk[j];
      }
    }
    for (int t = 0; t < T; ++t) {
      float* yt = y + static_cast<size_t>(t) * ldy;
      for (int j = 0; j < kPanel; ++j) yt[j] = accumulate ? yt[j] + c[t][j] : c[t][j];
    }
  }
};

// int8 weights: dequantize per panel row, scale per column at the end.
struct PortableTileI8 {
  const float* scale;
  template <int T>
  void operator()(std::integral_constant<int, T>, const float* x, int ldx, int k_len,
                  const int8_t* b, float* y, int ldy, bool accumulate) const {
    float c[T][kPanel] = {};
    for (int k = 0; k < k_len; ++k) {
      const int8_t* bk = b + static_cast<size_t>(k) * kPanel;
      for (int t = 0; t < T; ++t) {
        const float xv = x[static_cast<size_t>(t) * ldx + k];
        for (int j = 0; j < kPanel; ++j) c[t][j] += xv * static_cast<float>(bk[j]);
      }
    }
    for (int t = 0; t < T; ++t) {
      float* yt = y + static_cast<size_t>(t) * ldy;
      for (int j = 0; j < kPanel; ++j)
        yt[j] = accumulate ? yt[j] + c[t][j] * scale[j] : c[t][j] * scale[j];
    }
  }
};

void gemm_portable(const float* x, int ldx, int n, int k_len, const float* panels,
                   size_t panel_stride, int p_begin, int p_end, float* y, int ldy,
                   bool accumulate) {
  for_each_tile<4>(x, ldx, n, k_len, panels, panel_stride, p_begin, p_end, y, ldy, accumulate,
                   PortableTile{});
}

// Element-wise kernels, compiled once per instruction set from one body.
namespace portable {
#include "engine_elementwise.inl"  // NOLINT: included per ISA
}  // namespace portable

#ifdef JAM_X86_KERNELS

// AVX-512: a panel row is two 16-float vectors; T tokens keep 2T accumulators in registers.
constexpr int kAvx512Rows = 8;
template <int T>
__attribute__((target("avx512f"))) void tile_avx512(const float* x, int ldx, int k_len,
                                                    const float* b, float* y, int ldy,
                                                    bool accumulate) {
  __m512 c0[T], c1[T];
  for (int t = 0; t < T; ++t) c0[t] = c1[t] = _mm512_setzero_ps();
  int k = 0;
  if constexpr (T == 1) {
    // One token: two independent accumulator pairs hide the FMA latency.
    __m512 d0 = _mm512_setzero_ps(), d1 = _mm512_setzero_ps();
    for (; k + 2 <= k_len; k += 2) {
      const float* bk = b + static_cast<size_t>(k) * kPanel;
      const __m512 xa = _mm512_set1_ps(x[k]), xb = _mm512_set1_ps(x[k + 1]);
      c0[0] = _mm512_fmadd_ps(xa, _mm512_loadu_ps(bk), c0[0]);
      c1[0] = _mm512_fmadd_ps(xa, _mm512_loadu_ps(bk + 16), c1[0]);
      d0 = _mm512_fmadd_ps(xb, _mm512_loadu_ps(bk + 32), d0);
      d1 = _mm512_fmadd_ps(xb, _mm512_loadu_ps(bk + 48), d1);
    }
    c0[0] = _mm512_add_ps(c0[0], d0);
    c1[0] = _mm512_add_ps(c1[0], d1);
  }
  for (; k < k_len; ++k) {
    const float* bk = b + static_cast<size_t>(k) * kPanel;
    const __m512 b0 = _mm512_loadu_ps(bk), b1 = _mm512_loadu_ps(bk + 16);
    for (int t = 0; t < T; ++t) {
      const __m512 xv = _mm512_set1_ps(x[static_cast<size_t>(t) * ldx + k]);
      c0[t] = _mm512_fmadd_ps(xv, b0, c0[t]);
      c1[t] = _mm512_fmadd_ps(xv, b1, c1[t]);
    }
  }
  for (int t = 0; t < T; ++t) {
    float* yt = y + static_cast<size_t>(t) * ldy;
    if (accumulate) {
      c0[t] = _mm512_add_ps(c0[t], _mm512_loadu_ps(yt));
      c1[t] = _mm512_add_ps(c1[t], _mm512_loadu_ps(yt + 16));
    }
    _mm512_storeu_ps(yt, c0[t]);
    _mm512_storeu_ps(yt + 16, c1[t]);
  }
}

// 16 int8 weights as floats. maskz forms: the plain ones trip GCC 12's -Wmaybe-uninitialized
// inside immintrin.h.
__attribute__((target("avx512f"), always_inline)) inline __m512 widen_i8(const int8_t* p) {
  const __mmask16 all = 0xffff;
  return _mm512_maskz_cvtepi32_ps(
      all, _mm512_maskz_cvtepi8_epi32(all, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
}

template <int T>
__attribute__((target("avx512f"))) void tile_avx512_i8(const float* x, int ldx, int k_len,
                                                       const int8_t* b, const float* scale,
                                                       float* y, int ldy, bool accumulate) {
  __m512 c0[T], c1[T];
  for (int t = 0; t < T; ++t) c0[t] = c1[t] = _mm512_setzero_ps();
  int k = 0;
  if constexpr (T == 1) {
    // One token (a decode step): four independent chains hide the FMA latency; the int8 -> fp32
    // conversions, not the loads, then bound the loop.
    __m512 d0 = _mm512_setzero_ps(), d1 = _mm512_setzero_ps();
    for (; k + 2 <= k_len; k += 2) {
      const int8_t* bk = b + static_cast<size_t>(k) * kPanel;
      const __m512 xa = _mm512_set1_ps(x[k]), xb = _mm512_set1_ps(x[k + 1]);
      c0[0] = _mm512_fmadd_ps(xa, widen_i8(bk), c0[0]);
      c1[0] = _mm512_fmadd_ps(xa, widen_i8(bk + 16), c1[0]);
      d0 = _mm512_fmadd_ps(xb, widen_i8(bk + 32), d0);
      d1 = _mm512_fmadd_ps(xb, widen_i8(bk + 48), d1);
    }
    c0[0] = _mm512_add_ps(c0[0], d0);
    c1[0] = _mm512_add_ps(c1[0], d1);
  }
  for (; k < k_len; ++k) {
    const int8_t* bk = b + static_cast<size_t>(k) * kPanel;
    const __m512 b0 = widen_i8(bk), b1 = widen_i8(bk + 16);
    for (int t = 0; t < T; ++t) {
      const __m512 xv = _mm512_set1_ps(x[static_cast<size_t>(t) * ldx + k]);
      c0[t] = _mm512_fmadd_ps(xv, b0, c0[t]);
      c1[t] = _mm512_fmadd_ps(xv, b1, c1[t]);
    }
  }
  const __m512 s0 = _mm512_loadu_ps(scale), s1 = _mm512_loadu_ps(scale + 16);
  for (int t = 0; t < T; ++t) {
    float* yt = y + static_cast<size_t>(t) * ldy;
    c0[t] = _mm512_mul_ps(c0[t], s0);
    c1[t] = _mm512_mul_ps(c1[t], s1);
    if (accumulate) {
      c0[t] = _mm512_add_ps(c0[t], _mm512_loadu_ps(yt));
      c1[t] = _mm512_add_ps(c1[t], _mm512_loadu_ps(yt + 16));
    }
    _mm512_storeu_ps(yt, c0[t]);
    _mm512_storeu_ps(yt + 16, c1[t]);
  }
}

struct Avx512TileI8 {
  const float* scale;
  template <int T>
  void operator()(std::integral_constant<int, T>, const float* x, int ldx, int k_len,
                  const int8_t* b, float* y, int ldy, bool accumulate) const {
    tile_avx512_i8<T>(x, ldx, k_len, b, scale, y, ldy, accumulate);
  }
};

struct Avx512Tile {
  template <int T>
  void operator()(std::integral_constant<int, T>, const float* x, int ldx, int k_len,
                  const float* b, float* y, int ldy, bool accumulate) const {
    tile_avx512<T>(x, ldx, k_len, b, y, ldy, accumulate);
  }
};

void gemm_avx512(const float* x, int ldx, int n, int k_len, const float* panels,
                 size_t panel_stride, int p_begin, int p_end, float* y, int ldy,
                 bool accumulate) {
  for_each_tile<kAvx512Rows>(x, ldx, n, k_len, panels, panel_stride, p_begin, p_end, y, ldy, accumulate,
                   Avx512Tile{});
}

// AVX2 + FMA: a panel row is four 8-float vectors; 2 tokens = 8 accumulators.
template <int T>
__attribute__((target("avx2,fma"))) void tile_avx2(const float* x, int ldx, int k_len,
                                                   const float* b, float* y, int ldy,
                                                   bool accumulate) {
  __m256 c[T][4];
  for (int t = 0; t < T; ++t)
    for (int v = 0; v < 4; ++v) c[t][v] = _mm256_setzero_ps();
  for (int k = 0; k < k_len; ++k) {
    const float* bk = b + static_cast<size_t>(k) * kPanel;
    for (int t = 0; t < T; ++t) {
      const __m256 xv = _mm256_set1_ps(x[static_cast<size_t>(t) * ldx + k]);
      for (int v = 0; v < 4; ++v) c[t][v] = _mm256_fmadd_ps(xv, _mm256_loadu_ps(bk + 8 * v), c[t][v]);
    }
  }
  for (int t = 0; t < T; ++t) {
    float* yt = y + static_cast<size_t>(t) * ldy;
    for (int v = 0; v < 4; ++v) {
      if (accumulate) c[t][v] = _mm256_add_ps(c[t][v], _mm256_loadu_ps(yt + 8 * v));
      _mm256_storeu_ps(yt + 8 * v, c[t][v]);
    }
  }
}

struct Avx2Tile {
  template <int T>
  void operator()(std::integral_constant<int, T>, const float* x, int ldx, int k_len,
                  const float* b, float* y, int ldy, bool accumulate) const {
    tile_avx2<T>(x, ldx, k_len, b, y, ldy, accumulate);
  }
};

// AVX2 int8: a panel row is four 8-lane conversions; one or two tokens.
template <int T>
__attribute__((target("avx2,fma"))) void tile_avx2_i8(const float* x, int ldx, int k_len,
                                                      const int8_t* b, const float* scale,
                                                      float* y, int ldy, bool accumulate) {
  __m256 c[T][4];
  for (int t = 0; t < T; ++t)
    for (int v = 0; v < 4; ++v) c[t][v] = _mm256_setzero_ps();
  for (int k = 0; k < k_len; ++k) {
    const int8_t* bk = b + static_cast<size_t>(k) * kPanel;
    __m256 bv[4];
    for (int v = 0; v < 4; ++v)
      bv[v] = _mm256_cvtepi32_ps(
          _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(bk + 8 * v))));
    for (int t = 0; t < T; ++t) {
      const __m256 xv = _mm256_set1_ps(x[static_cast<size_t>(t) * ldx + k]);
      for (int v = 0; v < 4; ++v) c[t][v] = _mm256_fmadd_ps(xv, bv[v], c[t][v]);
    }
  }
  for (int t = 0; t < T; ++t) {
    float* yt = y + static_cast<size_t>(t) * ldy;
    for (int v = 0; v < 4; ++v) {
      __m256 r = _mm256_mul_ps(c[t][v], _mm256_loadu_ps(scale + 8 * v));
      if (accumulate) r = _mm256_add_ps(r, _mm256_loadu_ps(yt + 8 * v));
      _mm256_storeu_ps(yt + 8 * v, r);
    }
  }
}

struct Avx2TileI8 {
  const float* scale;
  template <int T>
  void operator()(std::integral_constant<int, T>, const float* x, int ldx, int k_len,
                  const int8_t* b, float* y, int ldy, bool accumulate) const {
    tile_avx2_i8<T>(x, ldx, k_len, b, scale, y, ldy, accumulate);
  }
};

void gemm_avx2(const float* x, int ldx, int n, int k_len, const float* panels,
               size_t panel_stride, int p_begin, int p_end, float* y, int ldy, bool accumulate) {
  for_each_tile<2>(x, ldx, n, k_len, panels, panel_stride, p_begin, p_end, y, ldy, accumulate,
                   Avx2Tile{});
}

namespace avx512 {
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#include "engine_elementwise.inl"  // NOLINT: included per ISA
#pragma clang attribute pop
#else
#pragma GCC push_options
#pragma GCC target("avx512f")
#include "engine_elementwise.inl"  // NOLINT: included per ISA
#pragma GCC pop_options
#endif
}  // namespace avx512

namespace avx2 {
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "engine_elementwise.inl"  // NOLINT: included per ISA
#pragma clang attribute pop
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#include "engine_elementwise.inl"  // NOLINT: included per ISA
#pragma GCC pop_options
#endif
}  // namespace avx2

#endif  // JAM_X86_KERNELS

struct Kernel {
  GemmFn fn;
  const char* name;
  void (*rmsnorm)(const float*, const float*, int, float, float*);
  void (*softmax)(float*, int);
  void (*swiglu)(const float*, const float*, float*, int);
};

Kernel select_kernel() {
#ifdef JAM_X86_KERNELS
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    return {gemm_avx512, "avx512", avx512::rmsnorm, avx512::softmax, avx512::swiglu};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return {gemm_avx2, "avx2", avx2::rmsnorm, avx2::softmax, avx2::swiglu};
#endif
  return {gemm_portable, "portable", portable::rmsnorm, portable::softmax, portable::swiglu};
}

Kernel& kernel() {
  static Kernel k = select_kernel();
  return k;
}

}  // namespace

PackedMatrix pack_rows(const std::vector<RowBlock>& parts, int in) {
  PackedMatrix m;
  m.in = in;
  for (const RowBlock& part : parts) m.out += part.n_rows;
  m.data.assign(static_cast<size_t>(m.panels()) * m.panel_stride(), 0.0f);
  int o = 0;
  for (const RowBlock& part : parts) {
    for (int r = 0; r < part.n_rows; ++r, ++o) {
      float* dst = m.data.data() + static_cast<size_t>(o / kPanel) * m.panel_stride() + o % kPanel;
      const float* src = part.rows + static_cast<size_t>(r) * in;
      for (int k = 0; k < in; ++k) dst[static_cast<size_t>(k) * kPanel] = src[k];
    }
  }
  return m;
}

void gemm(const float* x, int ldx, int n, int k_len, const float* panels, size_t panel_stride,
          int p_begin, int p_end, float* y, int ldy, bool accumulate) {
  if (n <= 0 || p_begin >= p_end) return;
  kernel().fn(x, ldx, n, k_len, panels, panel_stride, p_begin, p_end, y, ldy, accumulate);
}

void rmsnorm(const float* x, const float* w, int d, float eps, float* y) {
  kernel().rmsnorm(x, w, d, eps, y);
}

void softmax(float* s, int n) { kernel().softmax(s, n); }

void swiglu(const float* a, const float* b, float* out, int n) { kernel().swiglu(a, b, out, n); }

void gemm_i8(const float* x, int ldx, int n, const PackedMatrixI8& m, int p_begin, int p_end,
             float* y, int ldy, bool accumulate) {
  if (n <= 0 || p_begin >= p_end) return;
#ifdef JAM_X86_KERNELS
  const bool avx512 = kernel().fn == gemm_avx512, avx2 = kernel().fn == gemm_avx2;
#endif
  for (int p = p_begin; p < p_end; ++p) {
    const int8_t* b = m.data.data() + static_cast<size_t>(p) * m.panel_stride();
    const float* scale = m.scale.data() + static_cast<size_t>(p) * kPanel;
#ifdef JAM_X86_KERNELS
    if (avx512) {
      panel_rows<4>(x, ldx, n, m.in, b, y + p * kPanel, ldy, accumulate, Avx512TileI8{scale});
      continue;
    }
    if (avx2) {
      panel_rows<2>(x, ldx, n, m.in, b, y + p * kPanel, ldy, accumulate, Avx2TileI8{scale});
      continue;
    }
#endif
    panel_rows<4>(x, ldx, n, m.in, b, y + p * kPanel, ldy, accumulate, PortableTileI8{scale});
  }
}

void linear(const float* x, int ldx, int n, const Linear& l, int p_begin, int p_end, float* y,
            int ldy, bool accumulate, bool allow_int8) {
  if (allow_int8 && !l.i8.data.empty() && n <= kInt8MaxRows) {
    gemm_i8(x, ldx, n, l.i8, p_begin, p_end, y, ldy, accumulate);
  } else {
    gemm(x, ldx, n, l.f32.in, l.f32.panel_data(), l.f32.panel_stride(), p_begin, p_end, y, ldy,
         accumulate);
  }
}

PackedMatrixI8 quantize(const PackedMatrix& m) {
  PackedMatrixI8 q;
  q.out = m.out;
  q.in = m.in;
  q.data.assign(static_cast<size_t>(m.panels()) * m.panel_stride(), 0);
  q.scale.assign(static_cast<size_t>(m.panels()) * kPanel, 0.0f);
  float wmax = 0.0f, emax = 0.0f;
  for (int p = 0; p < m.panels(); ++p) {
    const float* src = m.data.data() + static_cast<size_t>(p) * m.panel_stride();
    int8_t* dst = q.data.data() + static_cast<size_t>(p) * m.panel_stride();
    for (int j = 0; j < kPanel; ++j) {
      float amax = 0.0f;
      for (int k = 0; k < m.in; ++k) amax = std::max(amax, std::fabs(src[k * kPanel + j]));
      const float scale = amax > 0.0f ? amax / 127.0f : 0.0f;
      q.scale[static_cast<size_t>(p) * kPanel + j] = scale;
      wmax = std::max(wmax, amax);
      for (int k = 0; k < m.in; ++k) {
        const float w = src[k * kPanel + j];
        const float v = scale > 0.0f ? std::round(w / scale) : 0.0f;
        const int8_t qv = static_cast<int8_t>(std::clamp(v, -127.0f, 127.0f));
        dst[k * kPanel + j] = qv;
        emax = std::max(emax, std::fabs(static_cast<float>(qv) * scale - w));
      }
    }
  }
  q.max_error = wmax > 0.0f ? emax / wmax : 0.0f;
  return q;
}

const char* gemm_kernel_name() { return kernel().name; }

bool use_kernel(const char* name) {
  const std::string want = name;
  if (want == "portable") {
    kernel() = {gemm_portable, "portable", portable::rmsnorm, portable::softmax, portable::swiglu};
    return true;
  }
#ifdef JAM_X86_KERNELS
  if (want == "avx2" && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    kernel() = {gemm_avx2, "avx2", avx2::rmsnorm, avx2::softmax, avx2::swiglu};
    return true;
  }
  if (want == "avx512" && __builtin_cpu_supports("avx512f")) {
    kernel() = {gemm_avx512, "avx512", avx512::rmsnorm, avx512::softmax, avx512::swiglu};
    return true;
  }
#endif
  return false;
}

}  // namespace jam::kernels
