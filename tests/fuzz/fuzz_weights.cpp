// fuzz_weights.cpp — libFuzzer target for the `.jamw` model loader (core/include/jam/weights.h)
// and engine creation from what it accepts (engine.h, offline_engine.h).
// Input: any bytes, read as a weight file (the vocabulary hash check is skipped).
// Properties: WeightFile::parse never crashes; a file it accepts builds an Engine (online) or an
// OfflineEngine (offline) — or fails with an error value — and a few tokens can be fed to it.
// The KV capacity is capped at 64 positions: max_len is the host's business (a huge max_len is a
// large but legitimate allocation, not a parser bug).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_check.h"
#include "jam/engine.h"
#include "jam/offline_engine.h"
#include "jam/weights.h"

namespace {

// Work per input grows with the model's size; keep each run cheap so the fuzzer explores.
bool small_enough(const jam::ModelConfig& c) {
  const int64_t layers = c.n_layers + c.enc_layers;
  return layers * c.d_model * (c.d_model + c.d_ff) <= (int64_t{1} << 22) &&
         static_cast<int64_t>(c.vocab_size) * c.d_model <= (int64_t{1} << 22);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jam::Result<jam::WeightFile> w = jam::WeightFile::parse(std::span<const uint8_t>(data, size), "");
  if (!w) return 0;
  const jam::ModelConfig& c = w->config();
  JAM_FUZZ_CHECK(jam::validate_config(c).ok(), "a parsed config validates");
  JAM_FUZZ_CHECK(w->tensors().size() == jam::expected_tensors(c).size(), "tensor count");
  if (!small_enough(c)) return 0;

  jam::EngineOptions options;
  options.capacity = std::min(c.max_len, 64);
  const std::vector<int32_t> tokens = {1, std::min(3, c.vocab_size - 1), 0};
  if (!c.offline()) {
    jam::Result<jam::Engine> e = jam::Engine::create(*w, options);
    if (!e) return 0;
    const size_t n = std::min<size_t>(tokens.size(), static_cast<size_t>(e->max_len()));
    auto r = e->feed_sync(std::span<const int32_t>(tokens.data(), n), 0);
    if (r) JAM_FUZZ_CHECK(r->size() == static_cast<size_t>(c.vocab_size), "logits size");
  } else {
    jam::Result<jam::OfflineEngine> e = jam::OfflineEngine::create(*w, options);
    if (!e) return 0;
    const size_t n = std::min<size_t>(tokens.size(), static_cast<size_t>(e->max_len()));
    if (!e->encode(std::span<const int32_t>(tokens.data(), n))) return 0;
    auto r = e->step(std::min(1, c.vocab_size - 1));
    if (r) JAM_FUZZ_CHECK(r->size() == static_cast<size_t>(c.vocab_size), "logits size");
  }
  return 0;
}
