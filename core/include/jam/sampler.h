// sampler.h — picks the next token from logits: an allowed-token mask (the grammar's
// GrammarState::allowed_next()), temperature (0 = greedy argmax) and nucleus (top-p) sampling,
// driven by a hand-written, seeded RNG so the same seed and logits give the same tokens natively
// and in WebAssembly (no std::*_distribution, whose output differs between standard libraries).
//
//   jam::Sampler s({.temperature = 0.9f, .top_p = 0.95f}, /*seed=*/42);
//   jam::Result<int32_t> tok = s.sample(logits, grammar.allowed_next());
//   if (!tok) report(tok.error());   // e.g. nothing allowed, NaN logit, mask size mismatch
//
// Order of operations: mask (disallowed tokens never win), temperature, top-p over the allowed
// tokens (smallest set, by probability then lower id, whose mass >= top_p), then one draw.
// Greedy ties go to the lower id. Not thread-safe (owns RNG state); copyable.
#pragma once

#include <cstdint>
#include <span>

#include "jam/result.h"

namespace jam {

// xoshiro256** seeded through splitmix64 (public-domain algorithms by Vigna & Blackman).
class Rng {
 public:
  explicit Rng(uint64_t seed = 0);
  uint64_t next_u64();
  double next_double();  // uniform in [0, 1), 53 random bits

 private:
  uint64_t s_[4];
};

struct SamplerConfig {
  float temperature = 1.0f;  // 0 = greedy; must be >= 0
  float top_p = 1.0f;        // in (0, 1]; 1 = no nucleus cut
};

class Sampler {
 public:
  explicit Sampler(SamplerConfig config = {}, uint64_t seed = 0);

  // `allowed` is empty (every token allowed) or has one byte per logit (non-zero = allowed).
  Result<int32_t> sample(std::span<const float> logits, std::span<const uint8_t> allowed = {});

  const SamplerConfig& config() const { return config_; }
  void set_config(SamplerConfig config) { config_ = config; }
  void reseed(uint64_t seed) { rng_ = Rng(seed); }

 private:
  SamplerConfig config_;
  Rng rng_;
};

}  // namespace jam
