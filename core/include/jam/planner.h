// planner.h — the ReaLJam planning algorithm: one stateless request in, a chord plan out.
//
// For a request at frame F with lookahead L, commit C and silence S (all in frames):
//   1. the melody is monophonized and tokenized for frames [0, F) (held notes sound until F);
//   2. warm start: the first request with F >= S - 4 (detected from the echoed stream, so it
//      happens once per session) lets the Offline model harmonize the silence period [0, S);
//      those chords enter the stream but are never played;
//   3. commit period [F, F + C): chords echoed in the request stay; where the request has none,
//      they are generated. The Online model re-imagines the user's melody over them;
//   4. adaptive period [F + C, F + L): chords and anticipated melody are generated;
//   5. the response holds the chord stream for frames [0, F + L) and the chord events that
//      overlap [F, F + L), never before S, with names, voicings and a committed flag.
// The model sees BOS + the stream from a window start W to F + L; W moves in steps of
// kWindowStepFrames so that the history holds 129..256 frames (at most 512 history tokens) and
// consecutive requests share their prefix.
//
// Sampling is keyed by position: the token at frame t (chord or melody part) is drawn with an RNG
// seeded by (seed, t, part). Same request + same seed => same plan, whatever the cache holds, and a
// request that extends the previous one by a frame reproduces the previous plan's samples, which
// lets the prefix cache (prefix_cache.h) skip everything but the new frame.
//
//   jam::Planner planner(vocab, cache, offline_or_null, {});
//   planner.plan(request, [&](jam::Result<jam::PlanResponse> r) { ... });
//
// Continuation style: `done` runs when the models answer (before plan() returns with the native
// engines; later with an asynchronous backend). One plan at a time per Planner (it owns the cache
// it is given); not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "jam/chord_vocab.h"
#include "jam/model.h"
#include "jam/protocol.h"
#include "jam/result.h"
#include "jam/sampler_controls.h"

namespace jam {

class PrefixCache;
class OfflineEngine;

struct PlannerConfig {
  int max_history_frames = 256;   // the window holds at most this many history frames
  int window_step_frames = 128;   // the window start moves in steps of this many frames
  int warm_start_lead = 4;        // warm start when F reaches S - warm_start_lead
  float top_p = 1.0f;             // nucleus for every sampled token
  uint64_t default_seed = 0;      // when the request has no seed
  ChordControls controls;         // chord rate / colour bias on every sampled chord (neutral);
                                  // a request's chord_rate / colour override it
};

// Statistics of the last plan() call, for metrics and benchmarks.
struct PlanStats {
  int tokens_fed = 0;        // tokens actually run through the model
  int tokens_reused = 0;     // tokens served by the prefix cache
  bool cache_hit = false;    // the plan started from a cached prefix longer than BOS
  bool warm_start = false;   // the offline model harmonized the silence period
};

class Planner {
 public:
  using Done = std::function<void(Result<PlanResponse>)>;

  // `cache` and `offline` must outlive the planner; `offline` may be null (no warm start: the
  // online model fills the silence period instead).
  Planner(const ChordVocab& vocab, PrefixCache& cache, OfflineEngine* offline,
          PlannerConfig config = {});
  ~Planner();

  // The request must already be valid for protocol v1 (validate_plan_request); chord tokens that
  // break the grammar are an error. `done` is called exactly once.
  void plan(const PlanRequest& request, Done done);

  const PlanStats& last_stats() const { return stats_; }
  const PlannerConfig& config() const { return config_; }

  struct Job;  // one plan in flight (planner.cpp)

 private:
  const ChordVocab& vocab_;
  PrefixCache& cache_;
  OfflineEngine* offline_;
  PlannerConfig config_;
  ChordBias chord_bias_;  // from config_.controls
  // The bias for a request's controls (PlanRequest::chord_rate / colour override the config's);
  // the last non-default one is kept, so a session with steady controls builds it once.
  const ChordBias& bias_for(const ChordControls& controls);
  std::unique_ptr<ChordBias> request_bias_;
  ChordControls request_controls_;
  PlanStats stats_;
  std::unique_ptr<Job> job_;
};

// The chord events of a chord-token stream (frames 0..n-1), in order; SILENCE frames are gaps.
std::vector<ChordEvent> chord_events_from_tokens(const std::vector<int>& chord_tokens,
                                                 const ChordVocab& vocab);

// The RNG seed for the token at `frame` (part 0 = chord, 1 = melody) of a plan seeded by `seed`.
uint64_t position_seed(uint64_t seed, Frame frame, int part);

}  // namespace jam
