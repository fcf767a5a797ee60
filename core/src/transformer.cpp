#include "transformer.h"

#include <algorithm>
#include <cmath>

namespace jam::detail {
namespace {

using kernels::FloatBuffer;
using kernels::kPanel;
using kernels::n_panels;
using kernels::round_up_panel;

constexpr int kQueryBlock = 36;     // queries per score block: a multiple of the 6-row gemm tile
constexpr int kCausalChunk = 256;   // tokens per causal forward pass (bounds scratch size)
constexpr int kParallelMinRows = 4; // fewer rows than this: no host parallelism...
constexpr int64_t kParallelMinWeights = 1 << 17;  // ...except for matrices this big

// Runs fn(begin, end) over [0, n) split into up to n_tasks ranges.
template <class Fn>
void for_ranges(const ParallelFor& pf, int n_tasks, int n, int min_parallel, Fn fn) {
  if (!pf || n_tasks <= 1 || n < min_parallel) {
    fn(0, n);
    return;
  }
  const int tasks = std::min(n_tasks, n);
  pf(tasks, [&](int i) {
    const int b = static_cast<int>(static_cast<int64_t>(n) * i / tasks);
    const int e = static_cast<int>(static_cast<int64_t>(n) * (i + 1) / tasks);
    if (b < e) fn(b, e);
  });
}

void ensure(FloatBuffer& buf, size_t n) {
  if (buf.size() < n) buf.assign(n, 0.0f);
}

}  // namespace

Int8Copies int8_copies(bool int8_stored, bool int8_steps) {
  if (int8_steps) return Int8Copies::kAll;
  return int8_stored ? Int8Copies::kStored : Int8Copies::kNone;
}

void add_int8_copy(kernels::Linear& l, Int8Copies policy, bool stored_i8) {
  if (policy == Int8Copies::kNone || (policy == Int8Copies::kStored && !stored_i8)) return;
  l.i8 = kernels::quantize(l.f32);
  if (policy == Int8Copies::kStored && l.i8.max_error > kernels::kLosslessInt8Error)
    l.i8 = {};  // stored with another scale rule: re-quantizing would change the weights
}

Result<TransformerStack> TransformerStack::create(const WeightFile& weights,
                                                  const std::string& prefix, int n_layers,
                                                  int capacity, Int8Copies int8) {
  const ModelConfig& c = weights.config();
  if (capacity <= 0 || capacity > c.max_len)
    return Error{"engine: capacity " + std::to_string(capacity) + " outside 1.." +
                 std::to_string(c.max_len) + " (the model's max_len)"};
  TransformerStack s;
  s.d_ = c.d_model;
  s.n_heads_ = c.n_heads;
  s.head_dim_ = c.head_dim();
  s.d_ff_ = c.d_ff;
  s.capacity_ = capacity;
  s.eps_ = c.norm_eps;
  const int d = s.d_, ff = s.d_ff_;
  auto shared = std::make_shared<Shared>();
  for (int i = 0; i < n_layers; ++i) {
    const std::string p = prefix + "layers." + std::to_string(i) + ".";
    const Tensor* t[9];
    const char* names[9] = {"attn_norm", "wq", "wk", "wv", "wo", "mlp_norm", "w1", "w2", "w3"};
    for (int j = 0; j < 9; ++j) {
      t[j] = weights.find(p + names[j]);
      if (!t[j]) return Error{"engine: missing tensor \"" + p + names[j] + "\""};
    }
    LayerWeights layer;
    layer.attn_norm = t[0]->data;
    layer.mlp_norm = t[5]->data;
    layer.wqkv.f32 = kernels::pack_rows(
        {{t[1]->data.data(), d}, {t[2]->data.data(), d}, {t[3]->data.data(), d}}, d);
    layer.wo.f32 = kernels::pack_rows({{t[4]->data.data(), d}}, d);
    layer.w13.f32 = kernels::pack_rows({{t[6]->data.data(), ff}, {t[8]->data.data(), ff}}, d);
    layer.w2.f32 = kernels::pack_rows({{t[7]->data.data(), d}}, ff);
    add_int8_copy(layer.wqkv, int8, t[1]->quantized && t[2]->quantized && t[3]->quantized);
    add_int8_copy(layer.wo, int8, t[4]->quantized);
    add_int8_copy(layer.w13, int8, t[6]->quantized && t[8]->quantized);
    add_int8_copy(layer.w2, int8, t[7]->quantized);
    shared->layers.push_back(std::move(layer));
  }
  // RoPE tables in double precision (as training/model.py computes them), stored as float.
  const int half = s.head_dim_ / 2;
  shared->rope_cos.resize(static_cast<size_t>(capacity) * half);
  shared->rope_sin.resize(static_cast<size_t>(capacity) * half);
  for (int i = 0; i < half; ++i) {
    const double inv_freq =
        1.0 / std::pow(static_cast<double>(c.rope_theta), 2.0 * i / s.head_dim_);
    for (int pos = 0; pos < capacity; ++pos) {
      const double angle = pos * inv_freq;
      shared->rope_cos[static_cast<size_t>(pos) * half + i] = static_cast<float>(std::cos(angle));
      shared->rope_sin[static_cast<size_t>(pos) * half + i] = static_cast<float>(std::sin(angle));
    }
  }
  s.shared_ = std::move(shared);
  s.allocate_caches();
  return s;
}

TransformerStack TransformerStack::fresh() const {
  TransformerStack s;
  s.d_ = d_;
  s.n_heads_ = n_heads_;
  s.head_dim_ = head_dim_;
  s.d_ff_ = d_ff_;
  s.capacity_ = capacity_;
  s.eps_ = eps_;
  s.shared_ = shared_;
  s.allocate_caches();
  return s;
}

void TransformerStack::allocate_caches() {
  caches_.resize(shared_->layers.size());
  for (LayerCache& c : caches_) {
    c.k.assign(static_cast<size_t>(n_heads_) * n_panels(capacity_) * head_dim_ * kPanel, 0.0f);
    c.v.assign(static_cast<size_t>(n_heads_) * n_panels(head_dim_) * capacity_ * kPanel, 0.0f);
  }
}

void TransformerStack::resize_scratch(int n) {
  thread_local Scratch scratch;
  sc_ = &scratch;
  const size_t rows = static_cast<size_t>(n);
  ensure(sc_->xn, rows * ld());
  ensure(sc_->qkv, rows * round_up_panel(3 * d_));
  ensure(sc_->attn, rows * ld());
  ensure(sc_->h13, rows * round_up_panel(2 * d_ff_));
  ensure(sc_->gate, rows * round_up_panel(d_ff_));
  ensure(sc_->scores, static_cast<size_t>(n_heads_) * kQueryBlock * round_up_panel(capacity_));
  ensure(sc_->head_out, static_cast<size_t>(n_heads_) * kQueryBlock * round_up_panel(head_dim_));
}

void TransformerStack::matmul(const ParallelFor& pf, int n_tasks, const float* x, int ldx, int n,
                              const kernels::Linear& m, float* y, int ldy, bool accumulate) {
  // Few rows: split only big matrices (decode is bound by reading the weights, and two cores
  // read faster than one); small ones are not worth a hand-off to the host's threads.
  const bool split = n >= kParallelMinRows ||
                     static_cast<int64_t>(m.f32.in) * m.f32.out >= kParallelMinWeights;
  for_ranges(pf, split ? n_tasks : 1, m.panels(), 1, [&](int p0, int p1) {
    kernels::linear(x, ldx, n, m, p0, p1, y, ldy, accumulate, allow_int8_);
  });
}

void TransformerStack::forward(float* x, int n, int start, bool causal, const ParallelFor& pf,
                               int n_tasks) {
  allow_int8_ = n <= kernels::kInt8MaxRows;  // a long feed's short last chunk stays fp32
  if (!causal) {
    forward_chunk(x, n, start, false, pf, n_tasks);
    return;
  }
  for (int i = 0; i < n; i += kCausalChunk)
    forward_chunk(x + static_cast<size_t>(i) * ld(), std::min(kCausalChunk, n - i), start + i,
                  true, pf, n_tasks);
}

void TransformerStack::forward_chunk(float* x, int n, int start, bool causal,
                                     const ParallelFor& pf, int n_tasks) {
  resize_scratch(n);
  const int ldx = ld(), ld_qkv = round_up_panel(3 * d_), ld_13 = round_up_panel(2 * d_ff_),
            ld_g = round_up_panel(d_ff_);
  const int hd = head_dim_, half = head_dim_ / 2, kp = n_panels(capacity_),
            vp = n_panels(head_dim_);
  const float q_scale = 1.0f / std::sqrt(static_cast<float>(hd));
  for (size_t li = 0; li < caches_.size(); ++li) {
    const LayerWeights& layer = shared_->layers[li];
    LayerCache& cache = caches_[li];
    for_ranges(pf, n_tasks, n, 16, [&](int r0, int r1) {
      for (int t = r0; t < r1; ++t)
        kernels::rmsnorm(x + static_cast<size_t>(t) * ldx, layer.attn_norm.data(), d_, eps_,
                         sc_->xn.data() + static_cast<size_t>(t) * ldx);
    });
    matmul(pf, n_tasks, sc_->xn.data(), ldx, n, layer.wqkv, sc_->qkv.data(), ld_qkv, false);

    // RoPE on q and k, fold the attention scale into q, append k and v to the cache.
    for_ranges(pf, n_tasks, n, 16, [&](int r0, int r1) {
      for (int t = r0; t < r1; ++t) {
        const int pos = start + t;
        const float* cs = shared_->rope_cos.data() + static_cast<size_t>(pos) * half;
        const float* sn = shared_->rope_sin.data() + static_cast<size_t>(pos) * half;
        float* q = sc_->qkv.data() + static_cast<size_t>(t) * ld_qkv;
        float* k = q + d_;
        const float* v = q + 2 * d_;
        for (int h = 0; h < n_heads_; ++h) {
          float* qh = q + h * hd;
          float* kh = k + h * hd;
          for (int i = 0; i < half; ++i) {
            const float q1 = qh[i], q2 = qh[i + half], k1 = kh[i], k2 = kh[i + half];
            qh[i] = (q1 * cs[i] - q2 * sn[i]) * q_scale;
            qh[i + half] = (q2 * cs[i] + q1 * sn[i]) * q_scale;
            kh[i] = k1 * cs[i] - k2 * sn[i];
            kh[i + half] = k2 * cs[i] + k1 * sn[i];
          }
          float* kc = cache.k.data() +
                      (static_cast<size_t>(h) * kp + pos / kPanel) * hd * kPanel + pos % kPanel;
          for (int j = 0; j < hd; ++j) kc[static_cast<size_t>(j) * kPanel] = kh[j];
          for (int j = 0; j < hd; ++j)
            cache.v[((static_cast<size_t>(h) * vp + j / kPanel) * capacity_ + pos) * kPanel +
                          j % kPanel] = v[h * hd + j];
        }
      }
    });
    attention(cache, n, start, causal, pf);
    matmul(pf, n_tasks, sc_->attn.data(), ldx, n, layer.wo, x, ldx, true);

    for_ranges(pf, n_tasks, n, 16, [&](int r0, int r1) {
      for (int t = r0; t < r1; ++t)
        kernels::rmsnorm(x + static_cast<size_t>(t) * ldx, layer.mlp_norm.data(), d_, eps_,
                         sc_->xn.data() + static_cast<size_t>(t) * ldx);
    });
    matmul(pf, n_tasks, sc_->xn.data(), ldx, n, layer.w13, sc_->h13.data(), ld_13, false);
    for_ranges(pf, n_tasks, n, 16, [&](int r0, int r1) {
      for (int t = r0; t < r1; ++t) {
        const float* h = sc_->h13.data() + static_cast<size_t>(t) * ld_13;
        kernels::swiglu(h, h + d_ff_, sc_->gate.data() + static_cast<size_t>(t) * ld_g, d_ff_);
      }
    });
    matmul(pf, n_tasks, sc_->gate.data(), ld_g, n, layer.w2, x, ldx, true);
  }
}

void TransformerStack::attention(const LayerCache& cache, int n, int start, bool causal,
                                 const ParallelFor& pf) {
  const int hd = head_dim_, kp = n_panels(capacity_), vp = n_panels(head_dim_);
  const int ld_qkv = round_up_panel(3 * d_), ld_s = round_up_panel(capacity_),
            ld_o = round_up_panel(head_dim_);
  auto head = [&](int h) {
    float* scores = sc_->scores.data() + static_cast<size_t>(h) * kQueryBlock * ld_s;
    float* out = sc_->head_out.data() + static_cast<size_t>(h) * kQueryBlock * ld_o;
    const float* kc = cache.k.data() + static_cast<size_t>(h) * kp * hd * kPanel;
    const float* vc = cache.v.data() + static_cast<size_t>(h) * vp * capacity_ * kPanel;
    for (int q0 = 0; q0 < n; q0 += kQueryBlock) {
      const int nq = std::min(kQueryBlock, n - q0);
      const int n_keys = causal ? start + q0 + nq : start + n;
      kernels::gemm(sc_->qkv.data() + static_cast<size_t>(q0) * ld_qkv + h * hd, ld_qkv, nq, hd, kc,
                    static_cast<size_t>(hd) * kPanel, 0, n_panels(n_keys), scores, ld_s, false);
      for (int i = 0; i < nq; ++i) {
        float* row = scores + static_cast<size_t>(i) * ld_s;
        const int limit = causal ? start + q0 + i + 1 : n_keys;
        kernels::softmax(row, limit);
        std::fill(row + limit, row + n_keys, 0.0f);
      }
      kernels::gemm(scores, ld_s, nq, n_keys, vc, static_cast<size_t>(capacity_) * kPanel, 0, vp,
                    out, ld_o, false);
      for (int i = 0; i < nq; ++i)
        std::copy_n(out + static_cast<size_t>(i) * ld_o, hd,
                    sc_->attn.data() + static_cast<size_t>(q0 + i) * ld() + h * hd);
    }
  };
  if (pf && n >= kParallelMinRows) {
    pf(n_heads_, head);
  } else {
    for (int h = 0; h < n_heads_; ++h) head(h);
  }
}

}  // namespace jam::detail
