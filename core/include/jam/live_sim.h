// live_sim.h — a live client, simulated: plays a song's melody through a PlanningStack exactly as
// the browser would (at frame f-1 it asks for a plan from frame f, knowing the notes that started
// by then, a note whose release is still ahead sent as held; it echoes the chord stream), and
// returns the chords that would have sounded. Used by `jamtool simulate` and bench/plan_latency.
//
//   jam::LiveSimOptions o{.lookahead = 16, .commit = 16, .silence = 32};
//   auto r = jam::simulate_live(stack, song, o, seed, host_clock_ms);
//   r->song.chords   // what sounded (nothing in the silence period)
//
// The host owns time: `now_ms` is the host's clock (may be empty: no latencies recorded).
// Runs on the caller's thread; the stack is used exclusively during the call.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "jam/planning_stack.h"
#include "jam/result.h"
#include "jam/song.h"

namespace jam {

struct LiveSimOptions {
  int lookahead = 16;
  int commit = 16;
  int silence = 32;
  double temperature = 1.0;
};

struct LiveSimResult {
  Song song;                       // the input melody with the chords that sounded
  std::vector<int> chord_tokens;   // the final chord stream, frames [0, n_frames)
  std::vector<float> request_ms;   // per request, when a clock was given
  int64_t tokens_fed = 0, tokens_reused = 0, cache_hits = 0, requests = 0;
};

Result<LiveSimResult> simulate_live(PlanningStack& stack, const Song& song,
                                    const LiveSimOptions& options, uint64_t seed,
                                    const std::function<double()>& now_ms = {});

// Request for frame `f` of a live session over `song` (the melody a client knows at frame f-1).
PlanRequest live_request(const Song& song, Frame f, const LiveSimOptions& options, uint64_t seed,
                         const std::string& model);

}  // namespace jam
