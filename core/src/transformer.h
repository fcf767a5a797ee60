// transformer.h (private to jam_core) — a stack of pre-norm Transformer blocks with its KV cache,
// shared by the online decoder and the offline encoder/decoder.
//
// Block (docs/architecture.md): x += Wo·Attn(RoPE(Wq·n), RoPE(Wk·n), Wv·n) with n = RMSNorm(x);
// x += W2 (silu(W1 m) ⊙ W3 m) with m = RMSNorm(x). Attention is causal or bidirectional over the
// cached positions; RoPE is the rotate-half form. Weights are copied out of the WeightFile and
// packed for kernels::gemm (Wq|Wk|Wv and W1|W3 fused), once: fresh() makes more stacks over the
// same weights. The final norm is not part of the stack.
//
//   auto s = TransformerStack::create(weights, "enc.", cfg.enc_layers, capacity);
//   s->forward(x, n, start, /*causal=*/true, parallel_for, n_tasks);   // x: [n, s->ld()]
//
// Not thread-safe; forward() may use the host's ParallelFor internally.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine_kernels.h"
#include "jam/model.h"
#include "jam/result.h"
#include "jam/weights.h"

namespace jam::detail {

// Which matrices get an int8 copy for forward calls of at most kernels::kInt8MaxRows rows.
enum class Int8Copies {
  kNone,
  kStored,  // matrices the file stores as i8, when the copy is lossless (the file's own weights)
  kAll,     // every matrix (lossy for f32-stored ones)
};

// The int8 policy an engine's options ask for.
Int8Copies int8_copies(bool int8_stored, bool int8_steps);

// Adds l.i8 under `policy`; `stored_i8`: every tensor packed into `l` was stored as i8.
void add_int8_copy(kernels::Linear& l, Int8Copies policy, bool stored_i8);

class TransformerStack {
 public:
  // `prefix` selects the tensors ("" for the decoder, "enc." for the encoder); the KV cache holds
  // `capacity` positions (<= config.max_len).
  static Result<TransformerStack> create(const WeightFile& weights, const std::string& prefix,
                                         int n_layers, int capacity,
                                         Int8Copies int8 = Int8Copies::kNone);

  // A stack with the same (shared, read-only) weights and RoPE tables and an empty KV cache of
  // the same capacity: costs only the cache. Stacks sharing weights may run on different threads.
  TransformerStack fresh() const;

  int d() const { return d_; }
  int ld() const { return kernels::round_up_panel(d_); }  // row stride of x
  int capacity() const { return capacity_; }

  // Runs every block on the residual rows x[i*ld() ...] (i < n) at positions [start, start+n),
  // writing their keys/values into the cache. Causal: position p attends to cached positions
  // 0..p (entries < start must have been computed earlier). Bidirectional: every row attends to
  // positions 0..start+n-1. Requires 0 <= start, start + n <= capacity().
  void forward(float* x, int n, int start, bool causal, const ParallelFor& parallel_for,
               int n_tasks);

 private:
  struct LayerWeights {
    std::vector<float> attn_norm, mlp_norm;
    kernels::Linear wqkv, wo, w13, w2;
  };
  struct Shared {  // immutable after create()
    std::vector<LayerWeights> layers;
    std::vector<float> rope_cos, rope_sin;  // [capacity][head_dim / 2]
  };
  struct LayerCache {
    kernels::FloatBuffer k;  // [head][key panel][head_dim][32]
    kernels::FloatBuffer v;  // [head][dim panel][capacity][32]
  };

  void allocate_caches();
  void forward_chunk(float* x, int n, int start, bool causal, const ParallelFor& pf, int n_tasks);
  void attention(const LayerCache& cache, int n, int start, bool causal, const ParallelFor& pf);
  void matmul(const ParallelFor& pf, int n_tasks, const float* x, int ldx, int n,
              const kernels::Linear& m, float* y, int ldy, bool accumulate);
  void resize_scratch(int n);

  int d_ = 0, n_heads_ = 0, head_dim_ = 0, d_ff_ = 0, capacity_ = 0;
  float eps_ = 1e-5f;
  bool allow_int8_ = false;  // this forward() may use the int8 copies
  std::shared_ptr<const Shared> shared_;
  std::vector<LayerCache> caches_;
  // Scratch of a forward pass: one per thread, shared by every stack the thread runs (a prefix
  // cache holds many stacks; only the running one needs scratch), grown to the largest chunk.
  struct Scratch {
    kernels::FloatBuffer xn, qkv, attn, h13, gate;
    kernels::FloatBuffer scores, head_out;  // per head: [kQueryBlock][...]
  };
  Scratch* sc_ = nullptr;  // this thread's, set by forward_chunk
};

}  // namespace jam::detail
