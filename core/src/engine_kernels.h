// engine_kernels.h (private to jam_core) — the numeric kernels of the Transformer engines.
//
// Every matrix product is one shape: Y[t, o] = sum_k X[t, k] * B[k, o], where B is stored in
// "panels" of 32 output columns, each panel a contiguous [k][32] block. Weights are packed into
// that layout once at load time (`pack_rows`), and the KV cache is kept in it, so the same kernel
// serves projections, scores (Q·Kᵀ) and the weighted sum of values (P·V) without horizontal sums.
// On x86-64 the kernel is chosen at run time (AVX-512, AVX2+FMA, portable); elsewhere (wasm) the
// portable version is used. Results differ across kernels only by float rounding.
//
// Stateless functions; safe to call from several threads on disjoint outputs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <vector>

namespace jam::kernels {

inline constexpr int kPanel = 32;

// 64-byte aligned storage, so vector loads never straddle cache lines.
template <class T>
struct AlignedAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlign{64};
  AlignedAllocator() = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U>&) {}  // NOLINT: rebinding
  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlign)); }
  void deallocate(T* p, size_t) { ::operator delete(p, kAlign); }
  template <class U>
  bool operator==(const AlignedAllocator<U>&) const { return true; }
};
using FloatBuffer = std::vector<float, AlignedAllocator<float>>;

inline int round_up_panel(int n) { return (n + kPanel - 1) / kPanel * kPanel; }
inline int n_panels(int n) { return (n + kPanel - 1) / kPanel; }

// A row-major [out, in] matrix (torch Linear.weight) packed into panels of 32 output rows.
struct PackedMatrix {
  int out = 0;
  int in = 0;
  FloatBuffer data;  // n_panels(out) * in * 32 floats, zero beyond `out`

  int panels() const { return n_panels(out); }
  size_t panel_stride() const { return static_cast<size_t>(in) * kPanel; }
  const float* panel_data() const { return data.data(); }
};

// The same matrix with int8 weights: q[p][k][j] and one scale per output (w ≈ q * scale[o]).
// Four times less memory to read, which is what bounds single-token steps.
struct PackedMatrixI8 {
  int out = 0;
  int in = 0;
  std::vector<int8_t> data;  // n_panels(out) * in * 32
  FloatBuffer scale;         // n_panels(out) * 32, zero beyond `out`
  // max |q * scale - w| / max |w| over the matrix, from quantize(): ~1e-7 when the fp32 weights
  // were themselves dequantized from int8 with per-row scales (a file storing `i8`), i.e. the
  // int8 copy is the file's own weights and loses nothing.
  float max_error = 0.0f;

  int panels() const { return n_panels(out); }
  size_t panel_stride() const { return static_cast<size_t>(in) * kPanel; }
};

// Symmetric per-output quantization: scale = max|w_o| / 127, q = round(w / scale).
PackedMatrixI8 quantize(const PackedMatrix& m);
// A quantize() result this close to its source (max_error) reproduces the source to float rounding.
inline constexpr float kLosslessInt8Error = 1e-6f;

// A linear layer: fp32 panels, plus an optional int8 copy that `linear` uses for a few rows
// (single-token steps read 4x fewer bytes); prefill always uses fp32.
inline constexpr int kInt8MaxRows = 4;
struct Linear {
  PackedMatrix f32;
  PackedMatrixI8 i8;  // empty unless quantized

  int panels() const { return f32.panels(); }
};

// Y (+)= X Wᵀ for panels [p_begin, p_end) of `l`; int8 when available, n <= kInt8MaxRows and
// `allow_int8`.
void linear(const float* x, int ldx, int n, const Linear& l, int p_begin, int p_end, float* y,
            int ldy, bool accumulate, bool allow_int8 = true);

// Packs the row-major blocks in `parts` (each [rows_i, in]) stacked along the output dimension.
struct RowBlock {
  const float* rows;
  int n_rows;
};
PackedMatrix pack_rows(const std::vector<RowBlock>& parts, int in);

// Y[t, p*32 + j] (+)= sum_{k < k_len} X[t*ldx + k] * panels[p*panel_stride + k*32 + j]
// for t < n and panels p in [p_begin, p_end). Writes whole panels (32 columns each), so `y` needs
// ldy >= 32 * p_end columns. With `accumulate` the products are added to Y.
void gemm(const float* x, int ldx, int n, int k_len, const float* panels, size_t panel_stride,
          int p_begin, int p_end, float* y, int ldy, bool accumulate);

// In place: s[i] = exp(s[i] - max) / sum over i < n (n >= 1).
void softmax(float* s, int n);

// out[i] = silu(a[i]) * b[i] for i < n (the SwiGLU gate).
void swiglu(const float* a, const float* b, float* out, int n);

// exp(x) to ~2 ulp for x in [-87, 88] (clamped outside), written so loops over it vectorize.
// NaN (activations overflowed by extreme weights) is clamped to -87 too: converting it to int
// below would be undefined behaviour (found by tests/fuzz/fuzz_weights).
inline float fast_exp(float x) {
  x = x > -87.0f ? x : -87.0f;
  x = x < 88.0f ? x : 88.0f;
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;  // round(x / ln 2)
  const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;            // x - n ln 2
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// gemm over an int8 matrix (all its panels in [p_begin, p_end)); n should be small (<= 8).
void gemm_i8(const float* x, int ldx, int n, const PackedMatrixI8& m, int p_begin, int p_end,
             float* y, int ldy, bool accumulate);

// y[i] = x[i] / sqrt(mean(x²) + eps) * w[i] for i < d.
void rmsnorm(const float* x, const float* w, int d, float eps, float* y);

// Name of the gemm kernel in use ("avx512", "avx2", "portable"), for benchmarks and logs.
const char* gemm_kernel_name();

// Switches every kernel to the named instruction set if this CPU has it (tests and benchmarks
// compare the paths; the default is the best one). Not thread-safe: call before any engine runs.
bool use_kernel(const char* name);

}  // namespace jam::kernels
