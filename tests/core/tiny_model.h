// tiny_model.h — test helpers for the engine tests: tiny random models built in C++, encoded as
// real .jamw files, and a plain double-precision reference forward pass (full recompute, no
// cache, straight from docs/architecture.md) to compare the optimized engines against.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "jam/weights.h"

namespace jam::test {

inline ModelConfig tiny_config(const std::string& arch = "online", int max_len = 96) {
  ModelConfig c;
  c.arch = arch;
  c.d_model = 64;
  c.n_layers = 2;
  c.n_heads = 4;     // head_dim 16: exercises partly filled 32-wide panels
  c.d_ff = 88;       // not a multiple of 32
  c.vocab_size = 50;
  c.vocab_hash = "0123456789abcdef";
  c.max_len = max_len;
  c.rope_theta = 10000.0f;
  c.norm_eps = 1e-5f;
  c.tie_embeddings = true;
  c.enc_layers = arch == "offline" ? 2 : 0;
  return c;
}

// Deterministic pseudo-random weights: matrices ~ U(-a, a) with a = 1.7/sqrt(in), norms ~ 1.
inline std::vector<Tensor> random_tensors(const ModelConfig& c, uint64_t seed) {
  std::vector<Tensor> out;
  uint64_t state = seed * 0x9e3779b97f4a7c15ULL + 1;
  auto uniform = [&]() {  // [-1, 1)
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<float>(static_cast<double>(state >> 11) * 0x1.0p-52 - 1.0);
  };
  for (const auto& [name, shape] : expected_tensors(c)) {
    Tensor t;
    t.name = name;
    t.shape = shape;
    size_t n = 1;
    for (int64_t d : shape) n *= static_cast<size_t>(d);
    t.data.resize(n);
    const bool norm = shape.size() == 1;
    const float a = norm ? 0.3f : 1.7f / std::sqrt(static_cast<float>(shape.back()));
    for (float& v : t.data) v = norm ? 1.0f + a * uniform() : a * uniform();
    out.push_back(std::move(t));
  }
  return out;
}

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

inline bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

// Reference forward pass in double precision over the WeightFile's f32 tensors.
class Reference {
 public:
  explicit Reference(const WeightFile& w) : w_(w), c_(w.config()) {}

  // Online: logits [n][V] for every position of `tokens`.
  std::vector<std::vector<double>> online(const std::vector<int32_t>& tokens) const {
    Mat x = embed("tok_emb", tokens);
    blocks(x, "", c_.n_layers, true);
    return head(x);
  }

  // Offline: decoder inputs prev[t] = c_{t-1}; logits [T'][V], T' = prev.size() <= melody.size().
  std::vector<std::vector<double>> offline(const std::vector<int32_t>& melody,
                                           const std::vector<int32_t>& prev) const {
    Mat e = embed("enc.tok_emb", melody);
    blocks(e, "enc.", c_.enc_layers, false);
    for (auto& row : e) row = rmsnorm(row, t("enc.norm"));
    Mat x = embed("tok_emb", prev);
    for (size_t i = 0; i < x.size(); ++i) {
      std::vector<double> p = linear(e[i], t("enc_proj"));
      for (int k = 0; k < c_.d_model; ++k) x[i][k] += p[k];
    }
    blocks(x, "", c_.n_layers, true);
    return head(x);
  }

 private:
  using Mat = std::vector<std::vector<double>>;

  const Tensor& t(const std::string& name) const { return *w_.find(name); }

  Mat embed(const std::string& name, const std::vector<int32_t>& tokens) const {
    const Tensor& e = t(name);
    Mat x;
    for (int32_t tok : tokens)
      x.emplace_back(e.data.begin() + static_cast<long>(tok) * c_.d_model,
                     e.data.begin() + static_cast<long>(tok + 1) * c_.d_model);
    return x;
  }

  std::vector<double> rmsnorm(const std::vector<double>& x, const Tensor& w) const {
    double ss = 0;
    for (double v : x) ss += v * v;
    const double inv = 1.0 / std::sqrt(ss / static_cast<double>(x.size()) + c_.norm_eps);
    std::vector<double> y(x.size());
    for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * inv * w.data[i];
    return y;
  }

  static std::vector<double> linear(const std::vector<double>& x, const Tensor& w) {
    const size_t out = static_cast<size_t>(w.rows()), in = static_cast<size_t>(w.cols());
    std::vector<double> y(out, 0.0);
    for (size_t o = 0; o < out; ++o)
      for (size_t k = 0; k < in; ++k) y[o] += w.data[o * in + k] * x[k];
    return y;
  }

  void rope(std::vector<double>& v, int pos) const {
    const int hd = c_.head_dim(), half = hd / 2;
    for (int h = 0; h < c_.n_heads; ++h)
      for (int i = 0; i < half; ++i) {
        const double freq = std::pow(static_cast<double>(c_.rope_theta), -2.0 * i / hd);
        const double a = pos * freq, cs = std::cos(a), sn = std::sin(a);
        const double x1 = v[h * hd + i], x2 = v[h * hd + i + half];
        v[h * hd + i] = x1 * cs - x2 * sn;
        v[h * hd + i + half] = x2 * cs + x1 * sn;
      }
  }

  void blocks(Mat& x, const std::string& prefix, int n_layers, bool causal) const {
    const int n = static_cast<int>(x.size()), d = c_.d_model, hd = c_.head_dim();
    for (int l = 0; l < n_layers; ++l) {
      const std::string p = prefix + "layers." + std::to_string(l) + ".";
      Mat q(n), k(n), v(n);
      for (int i = 0; i < n; ++i) {
        std::vector<double> h = rmsnorm(x[i], t(p + "attn_norm"));
        q[i] = linear(h, t(p + "wq"));
        k[i] = linear(h, t(p + "wk"));
        v[i] = linear(h, t(p + "wv"));
        rope(q[i], i);
        rope(k[i], i);
      }
      for (int i = 0; i < n; ++i) {
        std::vector<double> att(d, 0.0);
        const int n_keys = causal ? i + 1 : n;
        for (int h = 0; h < c_.n_heads; ++h) {
          std::vector<double> s(n_keys);
          double mx = -1e300;
          for (int j = 0; j < n_keys; ++j) {
            double dot = 0;
            for (int e = 0; e < hd; ++e) dot += q[i][h * hd + e] * k[j][h * hd + e];
            s[j] = dot / std::sqrt(static_cast<double>(hd));
            mx = std::max(mx, s[j]);
          }
          double sum = 0;
          for (double& z : s) sum += (z = std::exp(z - mx));
          for (int j = 0; j < n_keys; ++j)
            for (int e = 0; e < hd; ++e) att[h * hd + e] += s[j] / sum * v[j][h * hd + e];
        }
        std::vector<double> o = linear(att, t(p + "wo"));
        for (int e = 0; e < d; ++e) x[i][e] += o[e];
      }
      for (int i = 0; i < n; ++i) {
        std::vector<double> h = rmsnorm(x[i], t(p + "mlp_norm"));
        std::vector<double> a = linear(h, t(p + "w1")), b = linear(h, t(p + "w3"));
        for (size_t e = 0; e < a.size(); ++e) a[e] = a[e] / (1.0 + std::exp(-a[e])) * b[e];
        std::vector<double> o = linear(a, t(p + "w2"));
        for (int e = 0; e < d; ++e) x[i][e] += o[e];
      }
    }
  }

  Mat head(const Mat& x) const {
    const Tensor& w = t(c_.tie_embeddings ? "tok_emb" : "lm_head");
    Mat out;
    for (const auto& row : x) out.push_back(linear(rmsnorm(row, t("norm")), w));
    return out;
  }

  const WeightFile& w_;
  ModelConfig c_;
};

// Largest |a - b| over a row of logits.
inline double max_abs_diff(const float* a, const std::vector<double>& b) {
  double m = 0;
  for (size_t i = 0; i < b.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

}  // namespace jam::test
