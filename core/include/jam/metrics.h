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
// - chord_symbol_entropy: Shannon entropy (nats) of the chord-symbol distribution over every chord
//   event of every song (one count per event; symbols compared like distinct_chords_per_song);
//   distinct_chord_symbols: how many symbols occur in the whole file. With a reference, the JSON
//   also carries "vs_reference": chords_per_song, distinct_chords_per_song and
//   chord_symbol_entropy as ratios model / reference (the reward-hacking guard of issue 8).
// - per-beat curve (adaptation, issue 8), beats b = 1..kAdaptationBeats (frames [4(b-1), 4b),
//   four frames per beat whatever the metre): for each song with a sounding melody frame in the
//   beat, the share of those melody frames whose pitch class is a tone of the chord sounding then
//   (no chord = a miss); beat_note_in_chord[b-1] is the mean of that share over those songs and
//   beat_songs[b-1] their number. beat_note_in_chord_sounding / beat_songs_sounding: the same
//   over frames that also have a chord (the note_in_chord_ratio convention; songs with none
//   there are left out). per_beat_csv writes the curve.
// Events are clipped to [0, n_frames).
//
// Not thread-safe (plain accumulator); pure functions otherwise.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "jam/song.h"

namespace jam {

inline constexpr int kOnsetIntervalBins = 65;  // 0..63, 64+
inline constexpr int kChordLengthBins = 34;    // 0..32, 33+
inline constexpr int kLongChordFrames = 32;    // "long" = more than this
inline constexpr int kAdaptationBeats = 64;    // per-beat curve length (beats 1..64)

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
  double chord_symbol_entropy = 0.0;
  int64_t distinct_chord_symbols = 0;
  std::vector<int64_t> onset_interval_hist = std::vector<int64_t>(kOnsetIntervalBins, 0);
  std::vector<int64_t> chord_length_hist = std::vector<int64_t>(kChordLengthBins, 0);
  // Per-beat curve, index b - 1 for beat b (see above).
  std::vector<double> beat_note_in_chord = std::vector<double>(kAdaptationBeats, 0.0);
  std::vector<int64_t> beat_songs = std::vector<int64_t>(kAdaptationBeats, 0);
  std::vector<double> beat_note_in_chord_sounding = std::vector<double>(kAdaptationBeats, 0.0);
  std::vector<int64_t> beat_songs_sounding = std::vector<int64_t>(kAdaptationBeats, 0);
};

class MetricsAccumulator {
 public:
  void add(const Song& song);
  Metrics result() const;  // the ratios computed from the counts so far

 private:
  Metrics m_;
  double song_ratio_sum_ = 0.0;
  int64_t songs_with_ratio_ = 0;
  std::map<std::tuple<int, int, int>, int64_t> symbol_counts_;  // (root, pc mask, bass) -> events
  std::vector<double> beat_sum_ = std::vector<double>(kAdaptationBeats, 0.0);
  std::vector<double> beat_sum_sounding_ = std::vector<double>(kAdaptationBeats, 0.0);
};

Metrics compute_metrics(const std::vector<Song>& songs);

// Shannon entropy in nats of a histogram (normalized first); 0 for an empty histogram.
double histogram_entropy(const std::vector<int64_t>& hist);
// 1-D Wasserstein distance between two normalized histograms on the same unit-spaced bins.
double histogram_emd(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

// Pretty JSON (2-space indent). With a reference: "reference" holds its metrics and
// "onset_interval_emd" the EMD between the two onset-interval histograms.
std::string metrics_to_json(const Metrics& metrics, const Metrics* reference = nullptr);

// The per-beat curve as CSV: header "beat,note_in_chord,songs,note_in_chord_sounding,
// songs_sounding", then one row per beat 1..kAdaptationBeats (ratios with 4 decimals; 0 where no
// song counts).
std::string per_beat_csv(const Metrics& metrics);

}  // namespace jam
