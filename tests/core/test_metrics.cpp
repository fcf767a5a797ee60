// ReaLchords metrics on hand-made songs with hand-computed values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <nlohmann/json.hpp>

#include "jam/metrics.h"

namespace {

// 32 frames. Melody: C4 [0,8), E4 [8,12), F#4 [12,16), rest, G4 [20,32).
// Chords: C [0,8), C [8,16) (same chord again), gap [16,24), Am7/G [24,60) (long, clipped at 32).
jam::Song song_a() {
  jam::Song s;
  s.id = std::string("a");
  s.n_frames = 32;
  s.melody = {{0, 8, 60}, {8, 12, 64}, {12, 16, 66}, {20, 32, 67}};
  s.chords = {{0, 8, 0, {4, 3}, 0}, {8, 16, 0, {4, 3}, 0}, {24, 60, 9, {3, 4, 3}, 3}};
  return s;
}

}  // namespace

TEST(Metrics, HandComputedValues) {
  jam::Song b;  // no chords, 4 melody frames, no frames with both
  b.id = std::string("b");
  b.n_frames = 8;
  b.melody = {{0, 4, 62}};
  const jam::Metrics m = jam::compute_metrics({song_a(), b});
  EXPECT_EQ(m.n_songs, 2);
  // Song a: melody frames 8 + 4 + 4 + 12 = 28; with a chord: [0,16) = 16 and [24,32) = 8 -> 24.
  // In chord: C over C (8), E over C (4), F# over C (0), G over Am7 (8) -> 20.
  // Song b: 4 melody frames, none with a chord.
  EXPECT_EQ(m.melody_frames, 32);
  EXPECT_EQ(m.melody_chord_frames, 24);
  EXPECT_EQ(m.in_chord_frames, 20);
  EXPECT_DOUBLE_EQ(m.note_in_chord_ratio, 20.0 / 24.0);
  EXPECT_DOUBLE_EQ(m.note_in_chord_song_mean, 20.0 / 24.0);  // song b has no such frames
  EXPECT_DOUBLE_EQ(m.chord_silence_ratio, (32.0 - 24.0) / 32.0);  // G [20,24) + song b's 4 frames
  // Chords: lengths 8, 8, 36 -> bins 8, 8, 33; onset intervals 8, 16.
  EXPECT_EQ(m.n_chords, 3);
  EXPECT_EQ(m.long_chords, 1);
  EXPECT_DOUBLE_EQ(m.long_chord_ratio, 1.0 / 3.0);
  EXPECT_EQ(m.chord_length_hist[8], 2);
  EXPECT_EQ(m.chord_length_hist[33], 1);
  EXPECT_EQ(m.onset_interval_hist[8], 1);
  EXPECT_EQ(m.onset_interval_hist[16], 1);
  EXPECT_NEAR(m.chord_length_entropy, -(2.0 / 3 * std::log(2.0 / 3) + 1.0 / 3 * std::log(1.0 / 3)), 1e-12);
  EXPECT_DOUBLE_EQ(m.chords_per_song, 1.5);
  EXPECT_DOUBLE_EQ(m.distinct_chords_per_song, 1.0);  // song a: C and Am7/G; song b: none
}

TEST(Metrics, ChordsPerBarAndExtendedChords) {
  jam::Song b;  // half a bar, no chords
  b.n_frames = 8;
  const jam::Metrics m = jam::compute_metrics({song_a(), b});
  EXPECT_DOUBLE_EQ(m.bars, 2.5);                      // 32 / 16 + 8 / 16
  EXPECT_DOUBLE_EQ(m.chords_per_bar, 3.0 / 2.5);
  EXPECT_EQ(m.extended_chords, 1);                    // Am7/G has 4 pitch classes
  EXPECT_DOUBLE_EQ(m.extended_chord_ratio, 1.0 / 3.0);
  jam::Song w = song_a();
  w.beats_per_bar = 3;                                // 32 frames of 3/4 = 32 / 12 bars
  EXPECT_DOUBLE_EQ(jam::compute_metrics({w}).chords_per_bar, 3.0 / (32.0 / 12.0));
}

TEST(Metrics, DistinctChordsCompareSoundingPitchClasses) {
  jam::Song s;
  s.n_frames = 64;
  s.chords = {{0, 8, 0, {2, 5}, 0},   // Csus2
              {8, 16, 0, {7, 7}, 0},  // also C D G: the same chord
              {16, 24, 0, {4, 3}, 0}, {24, 32, 0, {4, 3}, 1}};  // C and C/E differ by bass
  EXPECT_DOUBLE_EQ(jam::compute_metrics({s}).distinct_chords_per_song, 3.0);
}

TEST(Metrics, HistogramEntropyAndEmd) {
  EXPECT_DOUBLE_EQ(jam::histogram_entropy({0, 0}), 0.0);
  EXPECT_NEAR(jam::histogram_entropy({1, 1, 1, 1}), std::log(4.0), 1e-12);
  // All mass at bin 2 vs all at bin 5: distance 3 frames; scaling a histogram changes nothing.
  EXPECT_DOUBLE_EQ(jam::histogram_emd({0, 0, 1, 0, 0, 0}, {0, 0, 0, 0, 0, 7}), 3.0);
  EXPECT_DOUBLE_EQ(jam::histogram_emd({0, 2, 2}, {0, 5, 5}), 0.0);
  // Half the mass moves one bin: 0.5.
  EXPECT_DOUBLE_EQ(jam::histogram_emd({1, 1, 0}, {0, 2, 0}), 0.5);
  EXPECT_TRUE(std::isnan(jam::histogram_emd({0, 0}, {1, 0})));
}

TEST(Metrics, JsonOutput) {
  const jam::Metrics m = jam::compute_metrics({song_a()});
  jam::Song shifted = song_a();
  for (jam::ChordEvent& c : shifted.chords) c.on = std::max(0, c.on - 1);  // intervals 7, 16
  const jam::Metrics r = jam::compute_metrics({shifted});
  const std::string text = jam::metrics_to_json(m, &r);
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["n_songs"], 1);
  EXPECT_DOUBLE_EQ(j["note_in_chord_ratio"].get<double>(), m.note_in_chord_ratio);
  EXPECT_EQ(j["onset_interval_hist"].size(), 65u);
  EXPECT_EQ(j["chord_length_hist"].size(), 34u);
  EXPECT_DOUBLE_EQ(j["onset_interval_emd"].get<double>(), 0.5);  // bin 8 -> 7 for half the mass
  EXPECT_EQ(j["reference"]["n_songs"], 1);
  EXPECT_NE(text.find("\"onset_interval_hist\": [0, 0, 0"), std::string::npos) << text;  // one line
  EXPECT_FALSE(nlohmann::json::parse(jam::metrics_to_json(m)).contains("onset_interval_emd"));
}

TEST(Metrics, ToleratesOddSongs) {
  jam::Song s;  // events past n_frames, negative frames, an empty chord: clipped, no crash
  s.n_frames = 4;
  s.melody = {{-2, 2, 60}, {3, 100, 64}};
  s.chords = {{-4, 2, 0, {}, 0}, {2, 1000, 4, {3, 4}, 0}};
  const jam::Metrics m = jam::compute_metrics({s, jam::Song{}});
  EXPECT_EQ(m.n_songs, 2);
  // Melody frames 0, 1 (C, clipped) and 3 (E, clipped); chords C-alone on 0..1, Em on 2..3.
  EXPECT_EQ(m.melody_frames, 3);
  EXPECT_EQ(m.melody_chord_frames, 3);
  EXPECT_EQ(m.in_chord_frames, 3);
  EXPECT_EQ(m.chord_length_hist[6], 1);   // -4..2
  EXPECT_EQ(m.chord_length_hist[33], 1);  // 2..1000
}

TEST(Metrics, ChordSymbolEntropyAndReferenceRatios) {
  // Song a: C, C, Am7/G -> symbols {C: 2, Am7/G: 1}.
  const jam::Metrics m = jam::compute_metrics({song_a()});
  EXPECT_EQ(m.distinct_chord_symbols, 2);
  EXPECT_NEAR(m.chord_symbol_entropy, -(2.0 / 3 * std::log(2.0 / 3) + 1.0 / 3 * std::log(1.0 / 3)), 1e-12);
  // Two songs that both play only C: one symbol, entropy 0 (a collapsed agent).
  jam::Song c;
  c.n_frames = 16;
  c.chords = {{0, 8, 0, {4, 3}, 0}, {8, 16, 0, {4, 3}, 0}};
  const jam::Metrics collapsed = jam::compute_metrics({c, c});
  EXPECT_EQ(collapsed.distinct_chord_symbols, 1);
  EXPECT_DOUBLE_EQ(collapsed.chord_symbol_entropy, 0.0);
  // Against song a as reference: 2 vs 3 chords per song, 1 vs 2 distinct, entropy 0.
  const auto j = nlohmann::json::parse(jam::metrics_to_json(collapsed, &m));
  EXPECT_EQ(j["distinct_chord_symbols"], 1);
  EXPECT_DOUBLE_EQ(j["vs_reference"]["chords_per_song"].get<double>(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(j["vs_reference"]["distinct_chords_per_song"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["vs_reference"]["chord_symbol_entropy"].get<double>(), 0.0);
  // A reference without chords gives null ratios, not infinities.
  jam::Song empty;
  empty.n_frames = 8;
  const jam::Metrics none = jam::compute_metrics({empty});
  EXPECT_TRUE(nlohmann::json::parse(jam::metrics_to_json(m, &none))["vs_reference"]["chords_per_song"].is_null());
}

TEST(Metrics, PerBeatCurve) {
  // Song a, beat by beat (4 frames each): 1-3 melody over C, all in chord; 4 F# over C (0);
  // 5 no melody (not counted); 6 G with no chord (a miss; not counted "sounding"); 7-8 G over
  // Am7/G (1). Song b: beat 1 D with no chord (a miss). Nothing after beat 8.
  jam::Song b;
  b.n_frames = 8;
  b.melody = {{0, 4, 62}};
  const jam::Metrics m = jam::compute_metrics({song_a(), b});
  EXPECT_DOUBLE_EQ(m.beat_note_in_chord[0], 0.5);
  EXPECT_EQ(m.beat_songs[0], 2);
  EXPECT_DOUBLE_EQ(m.beat_note_in_chord_sounding[0], 1.0);
  EXPECT_EQ(m.beat_songs_sounding[0], 1);
  EXPECT_DOUBLE_EQ(m.beat_note_in_chord[2], 1.0);
  EXPECT_DOUBLE_EQ(m.beat_note_in_chord[3], 0.0);
  EXPECT_EQ(m.beat_songs[3], 1);
  EXPECT_EQ(m.beat_songs[4], 0);
  EXPECT_DOUBLE_EQ(m.beat_note_in_chord[5], 0.0);
  EXPECT_EQ(m.beat_songs[5], 1);
  EXPECT_EQ(m.beat_songs_sounding[5], 0);
  EXPECT_DOUBLE_EQ(m.beat_note_in_chord[6], 1.0);
  EXPECT_EQ(m.beat_songs[8], 0);
  ASSERT_EQ(m.beat_songs.size(), static_cast<size_t>(jam::kAdaptationBeats));

  const std::string csv = jam::per_beat_csv(m);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), jam::kAdaptationBeats + 1);
  EXPECT_EQ(csv.rfind("beat,note_in_chord,songs,note_in_chord_sounding,songs_sounding\n1,0.5000,2,1.0000,1\n", 0), 0u) << csv;
  EXPECT_NE(csv.find("\n4,0.0000,1,0.0000,1\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n64,0.0000,0,0.0000,0\n"), std::string::npos) << csv;
}
