// model.h — the asynchronous sequence-model interface the planner is written against.
//
// A SequenceModel keeps a token history (a KV cache) at positions 0..position()-1. `feed` first
// drops every cached position >= `start` (so callers rewind by feeding at an earlier start), then
// appends `tokens` at positions [start, start + n) and reports the logits of the LAST fed
// position through `done`. Native engines (Engine, OfflineEngine) call `done` before returning;
// a browser backend (ORT Web) may call it later from a promise, so callers are written in
// continuation style and must not assume `done` has run when `feed` returns.
//
//   model.feed(tokens, 0, [&](jam::Status s, std::span<const float> logits) {
//     if (!s) return report(s.error());
//     int next = sampler.sample(logits, mask).value();
//     ...
//   });
//
// Errors (token outside the vocabulary, start > position(), past max_len(), no tokens) arrive as
// a failed Status with empty logits, and the history is then unchanged. The logits span is valid
// only during the callback. One instance per inference worker; not thread-safe; feed calls must not overlap.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "jam/status.h"

namespace jam {

class SequenceModel {
 public:
  using Done = std::function<void(Status, std::span<const float> logits)>;

  virtual ~SequenceModel() = default;

  virtual void feed(std::span<const int32_t> tokens, int start, Done done) = 0;
  // Number of cached positions (the next feed may start anywhere in 0..position()).
  virtual int position() const = 0;
  // Largest number of positions the model can hold.
  virtual int max_len() const = 0;
  virtual int vocab_size() const = 0;
  // Drops the whole history (same as feeding at start 0, without tokens).
  virtual void reset() = 0;
};

// Host-provided parallelism for the native engines (core creates no threads). The host runs
// task(i) for every i in [0, n_tasks), possibly concurrently, and returns when all are done.
// An empty ParallelFor means "run sequentially". Called only from the thread calling feed().
using ParallelFor = std::function<void(int n_tasks, const std::function<void(int task)>& task)>;

}  // namespace jam
