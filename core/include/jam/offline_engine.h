// offline_engine.h — the native offline model (docs/architecture.md): a bidirectional encoder over
// the whole melody and a causal chord decoder whose input at frame t is emb(c_{t-1}) + P·e_t.
//
// As a SequenceModel the decoder's "tokens" are the PREVIOUS chords: position t is fed c_{t-1}
// (c_{-1} = BOS) and its logits predict c_t. So feed({BOS, c0, c1}, 0) returns the logits for c_2.
// Positions must stay below n_frames() (the encoded melody length).
//
//   auto e = jam::OfflineEngine::create(*weights);
//   e->encode(melody_tokens);                      // m_0 … m_{T-1}; drops the chord history
//   auto logits = e->step(BOS);                    // logits for c_0
//   logits = e->step(chosen_c0);                   // logits for c_1 …
//
// Not thread-safe: one instance per worker. feed's `done` runs before feed() returns.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "jam/engine.h"
#include "jam/model.h"
#include "jam/result.h"
#include "jam/status.h"
#include "jam/weights.h"

namespace jam {

class OfflineEngine final : public SequenceModel {
 public:
  // Fails unless the weights are an "offline" model. options.capacity bounds n_frames().
  static Result<OfflineEngine> create(const WeightFile& weights, EngineOptions options = {});

  OfflineEngine(OfflineEngine&&) noexcept;
  OfflineEngine& operator=(OfflineEngine&&) noexcept;
  ~OfflineEngine() override;

  // Runs the encoder over melody tokens m_0 … m_{T-1} (1 <= T <= max_len()) and resets the
  // decoder. On error nothing changes.
  Status encode(std::span<const int32_t> melody_tokens);
  int n_frames() const;

  // Decoder: tokens are c_{start-1} … (see above).
  void feed(std::span<const int32_t> tokens, int start, Done done) override;
  Result<std::span<const float>> feed_sync(std::span<const int32_t> tokens, int start);
  Result<std::vector<float>> feed_all_logits(std::span<const int32_t> tokens, int start);
  // feed_sync({prev_chord}, position()).
  Result<std::span<const float>> step(int32_t prev_chord);

  int position() const override;
  int max_len() const override;
  int vocab_size() const override;
  void reset() override;  // drops the chord history (keeps the encoded melody)
  const ModelConfig& config() const;

 private:
  struct Impl;
  explicit OfflineEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace jam
