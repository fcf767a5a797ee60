// metrics.h — the ReaLchords accompaniment metrics over a set of songs (`jamtool metrics`).
//
//   jam::MetricsAccumulator acc;
//   for (const jam::Song& s : songs) acc.add(s);
//   jam::Metrics m = acc.result();
//   std::string json = jam::metrics_to_json(m, &reference_metrics);   // reference may be null
//
// Definitions (frames are 16th notes; a chord's pitch classes come from chord_pc_mask):
// - note_in_chord_ratio: over all frames where a melody note (monophonized) and a chord both
//   sound, the share where the melody pitch class is one of the chord's pitch classes; summed over
//   all songs (frame-weighted). note_in_chord_song_mean averages the per-song ratios instead
//   (songs without such frames are skipped).
// - onset_interval_hist: distances in frames between consecutive chord onsets within a song,
//   bins 0..63 and 64 = "64 or more" (65 bins). onset_interval_emd: 1-D Wasserstein distance
//   (earth mover's, in frames) between two normalized histograms = sum over bins of
//   |CDF_a - CDF_b|; NaN (JSON null) when either is empty.
// - chord_length_entropy: Shannon entropy (nats) of the normalized histogram of chord lengths
//   (off - on) in bins 0..32 and 33 = "33 or more" (34 bins).
// - chord_silence_ratio: frames with a sounding melody note but no chord, over frames with a
//   sounding melody note.
// - long_chord_ratio: chords longer than 32 frames over all chords.
// - chords_per_song, distinct_chords_per_song: means over songs; two chords are the same when
//   root, pitch-class set and bass agree (so [2,5] and [7,7] are one sus2 chord).
// - chords_per_bar: chord onsets over bars (n_frames / (4 * beats_per_bar), summed over songs).
// - extended_chord_ratio: chords with more than 3 pitch classes (sevenths, sixths, add9, ninths
//   ...; sampler_controls.h's "extension" > 0) over all chords.
// Events are clipped to [0, n_frames).
//
// Not thread-safe (plain accumulator); pure functions otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jam/song.h"

namespace jam {

inline constexpr int kOnsetIntervalBins = 65;  // 0..63, 64+
inline constexpr int kChordLengthBins = 34;    // 0..32, 33+
inline constexpr int kLongChordFrames = 32;    // "long" = more than this

struct Metrics {
  int64_t n_songs = 0;
  int64_t n_chords = 0;
  int64_t melody_frames = 0;        // frames with a sounding melody note
  int64_t melody_chord_frames = 0;  // ... and a chord
  int64_t in_chord_frames = 0;      // ... whose pitch class is a chord tone
  int64_t long_chords = 0;
  int64_t distinct_chords = 0;      // summed per song
  int64_t extended_chords = 0;      // chords with more than 3 pitch classes
  double bars = 0.0;                // n_frames / (4 * beats_per_bar), summed over songs

  double note_in_chord_ratio = 0.0;
  double note_in_chord_song_mean = 0.0;
  double chord_silence_ratio = 0.0;
  double long_chord_ratio = 0.0;
  double chord_length_entropy = 0.0;
  double chords_per_song = 0.0;
  double distinct_chords_per_song = 0.0;
  double chords_per_bar = 0.0;
  double extended_chord_ratio = 0.0;
  std::vector<int64_t> onset_interval_hist = std::vector<int64_t>(kOnsetIntervalBins, 0);
  std::vector<int64_t> chord_length_hist = std::vector<int64_t>(kChordLengthBins, 0);
};

class MetricsAccumulator {
 public:
  void add(const Song& song);
  Metrics result() const;  // the ratios computed from the counts so far

 private:
  Metrics m_;
  double song_ratio_sum_ = 0.0;
  int64_t songs_with_ratio_ = 0;
};

Metrics compute_metrics(const std::vector<Song>& songs);

// Shannon entropy in nats of a histogram (normalized first); 0 for an empty histogram.
double histogram_entropy(const std::vector<int64_t>& hist);
// 1-D Wasserstein distance between two normalized histograms on the same unit-spaced bins.
double histogram_emd(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

// Pretty JSON (2-space indent). With a reference: "reference" holds its metrics and
// "onset_interval_emd" the EMD between the two onset-interval histograms.
std::string metrics_to_json(const Metrics& metrics, const Metrics* reference = nullptr);

}  // namespace jam
