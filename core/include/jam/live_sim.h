// live_sim.h — a live client, simulated: plays a song's melody through a PlanningStack exactly as
// the browser would (at frame f-1 it asks for a plan from frame f, knowing the notes that started
// by then, a note whose release is still ahead sent as held; it echoes the chord stream), and
// returns the chords that would have sounded. Used by `jamtool simulate` and bench/plan_latency.
//
//   jam::LiveSimOptions o{.lookahead = 16, .commit = 16, .silence = 32};
//   auto r = jam::simulate_live(stack, song, o, seed, host_clock_ms);
//   r->song.chords   // what sounded (nothing in the silence period)
//
// Adaptation experiments (issue 8):
// - priming: with prime_frames P > 0 the first P frames are given to the agent as ground truth.
//   The melody is the real one anyway; the song's own chords (tokenized with the model's
//   vocabulary) are echoed in `chord_tokens` for frames [0, P) as if the agent had committed them
//   (the echo is extended up to min(P, F + commit) so the planner keeps them), and the response's
//   first chord after the priming is turned into an onset when it holds a different chord. The
//   priming replaces the silence period: requests carry silence_frames 0 (no warm start), and
//   the primed chords are in the result (they sounded).
// - transposition: with transpose != 0, every note starting at or after frame transpose_at is
//   moved by `transpose` semitones (by an octave less/more where it would leave 0..127; notes
//   already sounding keep their pitch); chords starting there are moved too (for priming). The
//   agent hears that melody and the result carries it, so metrics score what was played.
//
// The host owns time: `now_ms` is the host's clock (may be empty: no latencies recorded).
// Runs on the caller's thread; the stack is used exclusively during the call.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "jam/chord_vocab.h"
#include "jam/planning_stack.h"
#include "jam/result.h"
#include "jam/song.h"

namespace jam {

struct LiveSimOptions {
  int lookahead = 16;
  int commit = 16;
  int silence = 32;
  double temperature = 1.0;
  int prime_frames = 0;      // ground-truth frames [0, prime_frames); replaces the silence period
  int transpose_at = 0;      // first frame of the transposed melody
  int transpose = 0;         // semitones (0 = none)
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

// The melody a live musician plays when they move to another key at frame `from`: notes (and
// chords) starting at or after `from` are moved by `semitones`, an octave less (or more) where a
// pitch would leave 0..127. Pure.
Song transpose_from(const Song& song, Frame from, int semitones);

// The song's chords as the chord-token stream of `vocab` (frames [0, n_frames), SILENCE where no
// chord sounds; out-of-vocabulary chords by the vocabulary's fallback).
std::vector<int> song_chord_tokens(const Song& song, const ChordVocab& vocab);

// Request for frame `f` of a live session over `song` (the melody a client knows at frame f-1).
PlanRequest live_request(const Song& song, Frame f, const LiveSimOptions& options, uint64_t seed,
                         const std::string& model);

}  // namespace jam
