// harmonizer.h — "harmonize a whole melody": the Offline model (offline_engine.h) writes chords
// for a complete song of any length (`jamtool harmonize`).
//
//   jam::HarmonizerConfig cfg;  cfg.temperature = 0.8f;  cfg.seed = 3;
//   jam::Result<jam::Harmonization> h = jam::harmonize(offline_engine, vocab, melody_song, cfg);
//   if (!h) report(h.error());
//   write(h->song);   // the input song (melody, tempo, metre, id) with the generated chords
//
// Windows. The model was trained on windows of at most 256 frames, so a melody of T frames is
// covered by windows [s_k, s_k + W) (W = window_frames, at most the engine's max_len):
//   s_0 = 0;  s_{k+1} = s_k + (W - O)  while that window still ends before T; the LAST window
//   starts at max(0, T - W) so that it is full length and ends at T (it overlaps its predecessor
//   by at least O frames).
// Each window is encoded on its own (melody tokens m_s … m_{s+W-1}, a hold at s rewritten to its
// onset, as in training). The decoder is fed BOS and then the chords already decided: every frame
// of the window before the previous window's end is TEACHER-FORCED with the previous window's
// chords (c_s rewritten to its onset form), so harmony and chord holds run on continuously across
// the seam; the remaining frames are sampled. Nothing is truncated: every frame gets a chord
// token (possibly SILENCE) from exactly one window, and each window after the first conditions on
// >= O frames of its predecessor's output.
// Sampling: the chord at frame t is drawn with Sampler{temperature, top_p} reseeded with
// position_seed(seed, t, 0) (planner.h), under the grammar mask (GrammarState, EOS never
// allowed) and the chord controls (sampler_controls.h). Same song + config + model => same chords.
//
// The engine is used exclusively during the call (encode/reset); single-threaded.
#pragma once

#include <cstdint>
#include <vector>

#include "jam/chord_vocab.h"
#include "jam/result.h"
#include "jam/sampler_controls.h"
#include "jam/song.h"

namespace jam {

class OfflineEngine;

struct HarmonizerConfig {
  int window_frames = 256;   // W: the offline model's training window; clipped to max_len()
  int overlap_frames = 64;   // O: frames of the previous window's chords each window starts from
  float temperature = 1.0f;  // 0 = greedy
  float top_p = 1.0f;
  uint64_t seed = 0;
  ChordControls controls;    // chord rate / colour (neutral by default)
};

struct Harmonization {
  Song song;                          // the input with `chords` replaced by the generated ones
  std::vector<int32_t> chord_tokens;  // per frame [0, n_frames): SILENCE / CHORD_ON / CHORD_HOLD
  std::vector<Frame> window_starts;   // s_k, ascending; each window spans [s_k, min(s_k + W, T))
  int window_frames = 0;              // the W actually used
  int sampled_frames = 0;             // frames drawn by the sampler (== n_frames)
  int forced_frames = 0;              // teacher-forced frames fed again in later windows
};

// The window starts for a song of `n_frames` frames (see the header comment); empty if
// n_frames <= 0. Requires 0 <= overlap < window.
std::vector<Frame> harmonizer_windows(Frame n_frames, int window, int overlap);

// Harmonizes `melody.melody` over frames [0, melody.n_frames). The vocabulary must be the
// model's (vocab_size = 260 + 2N). Fails on a bad config or an engine/sampling error.
Result<Harmonization> harmonize(OfflineEngine& engine, const ChordVocab& vocab, const Song& melody,
                                const HarmonizerConfig& config = {});

}  // namespace jam
