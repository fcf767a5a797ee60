// engine.h — the native online model: a decoder-only Transformer (docs/architecture.md) with a
// KV cache, fp32 activations (single steps read a file's int8 weights, see EngineOptions).
// Implements SequenceModel; `done` is always called before feed() returns.
//
//   jam::Result<jam::WeightFile> w = jam::WeightFile::parse(bytes, vocab_hash);
//   jam::Result<jam::Engine> e = jam::Engine::create(*w, {.parallel_for = host_pool});
//   auto r = e->feed_sync(history, 0);            // prefill: logits of the last position
//   r = e->feed_sync({{next}}, e->position());     // one step
//   r = e->feed_sync(new_tail, 480);               // rewind to 480 and extend
//
// Prefill computes the LM head for the last fed position only; `feed_all_logits` returns every
// position's logits (golden tests). Weights are copied out of the WeightFile (it may be freed).
// fork() makes another engine over the same weights (read-only, shared) with its own empty KV
// cache: a prefix cache holds many engine states for the price of their KV caches.
// Not thread-safe: one thread at a time per Engine (engines sharing weights may run
// concurrently). With a ParallelFor, the calling thread hands pieces of each prefill to the
// host's threads and waits for them.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "jam/model.h"
#include "jam/result.h"
#include "jam/status.h"
#include "jam/weights.h"

namespace jam {

struct EngineOptions {
  int capacity = 0;          // KV-cache positions; 0 = the model's max_len
  ParallelFor parallel_for;  // optional host threads (prefill and encoder)
  int n_tasks = 2;           // pieces each parallel step is split into (~ host threads)
  // Feeds of at most 4 tokens (steps, small extensions) are bound by reading the weights. When
  // the file stores a matrix as `i8` (per-row scales), such feeds read those int8 weights (4x
  // fewer bytes, converted to fp32 in registers): the same numbers the fp32 copy holds, so the
  // logits differ only by float rounding (~1e-6) and still match the golden files.
  bool int8_stored = true;
  // Also quantize matrices stored as f32 for such feeds: faster, but the logits then carry
  // quantization error (~1e-2) and no longer match f32 golden files. Prefill and the encoder
  // always stay fp32.
  bool int8_steps = false;
};

class Engine final : public SequenceModel {
 public:
  // Fails if the weights are not an "online" model or the options are invalid.
  static Result<Engine> create(const WeightFile& weights, EngineOptions options = {});

  // Same weights (shared), same options, empty history.
  Engine fork() const;

  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  ~Engine() override;

  void feed(std::span<const int32_t> tokens, int start, Done done) override;
  // Synchronous feed: the logits of the last fed position, valid until the next call.
  Result<std::span<const float>> feed_sync(std::span<const int32_t> tokens, int start);
  // Like feed_sync, but returns the logits of every fed position: n * vocab_size() floats.
  Result<std::vector<float>> feed_all_logits(std::span<const int32_t> tokens, int start);

  int position() const override;
  int max_len() const override;
  int vocab_size() const override;
  void reset() override;
  const ModelConfig& config() const;

  // The instruction set of the numeric kernels in use ("avx512", "avx2", "portable"), chosen at
  // run time from the CPU. use_kernel switches every engine to another one this CPU supports
  // (benchmarks and tests compare them); call it before engines run, from one thread.
  static const char* kernel_name();
  static bool use_kernel(const char* name);

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace jam
