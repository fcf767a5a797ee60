// ort_model.h — a SequenceModel backed by ONNX Runtime Web (web_shell/ort_agent.js): the web
// model's KV-cache graph runs in the page's inference worker (ort_worker.js: ORT never runs on
// the main thread), and this object names one KV cache there (an ort_agent.js "context"; only
// tokens go to the worker and one row of logits comes back per feed).
//
//   // after jamOrt.load(id) resolved (TabAgent does this):
//   jam::OrtModel model({.vocab_size = 308, .max_len = 1024});
//   model.feed(tokens, 0, [](jam::Status s, std::span<const float> logits) { ... });
//
// feed() copies the tokens into a BigInt64Array and starts session.run with this context's KV
// tensors; the graph drops cached positions >= start, so rewinding is feeding at an earlier start.
// The promise's continuation copies the logits of the last position into a buffer this object
// owns and calls `done` — always later, from the browser's event loop (no Asyncify: the UI keeps
// rendering while the model runs). Argument errors (no tokens, a token outside the vocabulary,
// start > position(), past max_len(), a feed already in flight) call `done` at once with a failed
// Status; a failed run (rejected promise) calls it later with a failed Status. Either way the
// history is unchanged.
//
// Feeds must not overlap (the planner never does that); reset() during a feed makes that feed
// fail. Destroying the model while a feed runs is safe: its result is dropped and `done` never
// runs. Main thread only; requires jamOrt to have a loaded session.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "jam/model.h"

namespace jam {

struct OrtModelShape {
  int vocab_size = 0;  // logits per position
  int max_len = 0;     // positions the graph can hold (its RoPE table)
};

class OrtModel final : public SequenceModel {
 public:
  explicit OrtModel(OrtModelShape shape);
  ~OrtModel() override;
  OrtModel(const OrtModel&) = delete;
  OrtModel& operator=(const OrtModel&) = delete;

  void feed(std::span<const int32_t> tokens, int start, Done done) override;
  int position() const override { return position_; }
  int max_len() const override { return shape_.max_len; }
  int vocab_size() const override { return shape_.vocab_size; }
  void reset() override;

  bool busy() const { return static_cast<bool>(done_); }

  // From JS (the exported callback in ort_model.cpp): the feed finished; on success the logits
  // are already in logits_.
  void on_fed(bool ok, const char* error);

 private:
  OrtModelShape shape_;
  int context_ = 0;          // ort_agent.js context id (0: none could be created)
  int position_ = 0;
  int pending_position_ = 0; // position() after the running feed succeeds
  Done done_;                // the running feed's continuation
  std::vector<float> logits_;
};

}  // namespace jam
