// Tests for the engines' numeric kernels (core/src/engine_kernels.h, private to jam_core): the
// int8 weight-only matrix product against a plain double-precision sum on every instruction set
// this CPU has (portable, AVX2+FMA, AVX-512; only portable under wasm), and the lossless check
// that lets engines read a file's stored int8 weights.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../../core/src/engine_kernels.h"

namespace jam::kernels {
namespace {

struct Lcg {
  uint64_t s;
  float uniform() {  // [-1, 1)
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<float>(s >> 40) / 8388608.0f - 1.0f;
  }
};

// A [out, in] matrix whose values are q * scale[o] (as a file storing i8 holds them).
std::vector<float> int8_valued(int out, int in, Lcg& rng) {
  std::vector<float> w(static_cast<size_t>(out) * in);
  for (int o = 0; o < out; ++o) {
    const float scale = 0.01f * (1.0f + 0.5f * rng.uniform());
    for (int k = 0; k < in; ++k) {
      int q = static_cast<int>(std::lround(127.0f * rng.uniform()));
      if (k == o % in) q = o % 2 ? 127 : -127;  // every row reaches the full range
      w[static_cast<size_t>(o) * in + k] = static_cast<float>(q) * scale;
    }
  }
  return w;
}

class KernelTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (!use_kernel(GetParam())) GTEST_SKIP() << GetParam() << " not available on this CPU";
  }
  void TearDown() override { use_kernel(best_.c_str()); }
  static inline std::string best_ = gemm_kernel_name();
};

TEST_P(KernelTest, Int8ProductMatchesDoubleSum) {
  Lcg rng{7};
  for (const auto& [out, in] : {std::pair{40, 37}, {64, 256}, {96, 33}}) {
    const std::vector<float> w = int8_valued(out, in, rng);
    Linear l;
    l.f32 = pack_rows({{w.data(), out}}, in);
    l.i8 = quantize(l.f32);
    ASSERT_LT(l.i8.max_error, kLosslessInt8Error);
    for (int n : {1, 2, 3, 5}) {
      for (bool acc : {false, true}) {
        const int ldx = in + 3, ldy = round_up_panel(out);
        std::vector<float> x(static_cast<size_t>(n) * ldx);
        for (float& v : x) v = rng.uniform();
        std::vector<float> y(static_cast<size_t>(n) * ldy, 0.5f);
        gemm_i8(x.data(), ldx, n, l.i8, 0, l.i8.panels(), y.data(), ldy, acc);
        for (int t = 0; t < n; ++t)
          for (int o = 0; o < out; ++o) {
            double want = acc ? 0.5 : 0.0;
            for (int k = 0; k < in; ++k)
              want += static_cast<double>(x[static_cast<size_t>(t) * ldx + k]) *
                      w[static_cast<size_t>(o) * in + k];
            ASSERT_NEAR(y[static_cast<size_t>(t) * ldy + o], want, 1e-5 * (1.0 + std::fabs(want)))
                << GetParam() << " " << out << "x" << in << " n " << n << " row " << t << " out " << o;
          }
      }
    }
  }
}

TEST_P(KernelTest, Fp32AndInt8PathsAgreeOnInt8Weights) {
  Lcg rng{11};
  const int out = 72, in = 129;
  const std::vector<float> w = int8_valued(out, in, rng);
  Linear l;
  l.f32 = pack_rows({{w.data(), out}}, in);
  l.i8 = quantize(l.f32);
  std::vector<float> x(in);
  for (float& v : x) v = rng.uniform();
  std::vector<float> a(round_up_panel(out)), b(round_up_panel(out));
  linear(x.data(), in, 1, l, 0, l.panels(), a.data(), round_up_panel(out), false, true);
  linear(x.data(), in, 1, l, 0, l.panels(), b.data(), round_up_panel(out), false, false);
  for (int o = 0; o < out; ++o) EXPECT_NEAR(a[o], b[o], 1e-5) << o;
}

INSTANTIATE_TEST_SUITE_P(AllKernels, KernelTest,
                         ::testing::Values("portable", "avx2", "avx512"),
                         [](const auto& info) { return std::string(info.param); });

TEST(Quantize, LosslessOnlyForInt8ValuedWeights) {
  Lcg rng{3};
  const int out = 33, in = 50;
  const std::vector<float> q = int8_valued(out, in, rng);
  EXPECT_LT(quantize(pack_rows({{q.data(), out}}, in)).max_error, kLosslessInt8Error);
  std::vector<float> f(static_cast<size_t>(out) * in);
  for (float& v : f) v = rng.uniform();
  const PackedMatrixI8 lossy = quantize(pack_rows({{f.data(), out}}, in));
  EXPECT_GT(lossy.max_error, 1e-4f);
  EXPECT_LT(lossy.max_error, 1.0f / 127.0f);
}

}  // namespace
}  // namespace jam::kernels
