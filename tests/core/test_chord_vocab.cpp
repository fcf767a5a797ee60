#include <gtest/gtest.h>

#include "jam/chord_vocab.h"

namespace jam {
namespace {

std::vector<int> pcs(const ChordVocab& v, int id) { return v.chord(id).pitch_classes; }

TEST(ChordNames, QualitiesAndFlats) {
  EXPECT_EQ(chord_name(0, {4, 3}, 0), "C");
  EXPECT_EQ(chord_name(9, {3, 4}, 0), "Am");
  EXPECT_EQ(chord_name(11, {3, 3}, 0), "Bdim");
  EXPECT_EQ(chord_name(0, {4, 4}, 0), "Caug");
  EXPECT_EQ(chord_name(7, {5, 2}, 0), "Gsus4");
  EXPECT_EQ(chord_name(7, {2, 5}, 0), "Gsus2");
  EXPECT_EQ(chord_name(7, {7, 7}, 0), "Gsus2");  // same pitch classes, stacked differently
  EXPECT_EQ(chord_name(7, {4, 3, 3}, 0), "G7");
  EXPECT_EQ(chord_name(0, {4, 3, 4}, 0), "Cmaj7");
  EXPECT_EQ(chord_name(9, {3, 4, 3}, 0), "Am7");
  EXPECT_EQ(chord_name(11, {3, 3, 4}, 0), "Bm7b5");
  EXPECT_EQ(chord_name(11, {3, 3, 3}, 0), "Bdim7");
  EXPECT_EQ(chord_name(0, {4, 3, 7}, 0), "Cadd9");
  EXPECT_EQ(chord_name(0, {4, 3, 14}, 0), "C6");
  EXPECT_EQ(chord_name(9, {3, 4, 2}, 0), "Am6");
  EXPECT_EQ(chord_name(7, {4, 3, 3, 4}, 0), "G9");
  EXPECT_EQ(chord_name(1, {4, 3}, 0), "Db");
  EXPECT_EQ(chord_name(3, {3, 4}, 0), "Ebm");
  EXPECT_EQ(chord_name(6, {4, 3}, 0), "Gb");
  EXPECT_EQ(chord_name(8, {4, 3}, 0), "Ab");
  EXPECT_EQ(chord_name(10, {4, 3, 4}, 0), "Bbmaj7");
  EXPECT_EQ(chord_name(0, {2, 4, 1}, 0), "C{0,2,6,7}");  // no common name: relative pitch classes
}

TEST(ChordNames, InversionsAreSlashChords) {
  EXPECT_EQ(chord_name(5, {4, 3}, 1), "F/A");
  EXPECT_EQ(chord_name(5, {4, 3}, 2), "F/C");
  EXPECT_EQ(chord_name(7, {4, 3, 3}, 1), "G7/B");
  EXPECT_EQ(chord_name(7, {4, 3, 3}, 3), "G7/F");
  EXPECT_EQ(chord_name(3, {4, 3}, 1), "Eb/G");
  // Inversion past the last tone (chord with omitted tones) uses the last tone as the bass.
  EXPECT_EQ(chord_bass_pc(0, {7}, 2), 7);
}

TEST(ChordVocab, PitchClassesBassAndVoicing) {
  const ChordVocab v = ChordVocab::from_classes({{{4, 3}, 0}, {{4, 3}, 1}, {{4, 3, 3}, 1}});
  ASSERT_EQ(v.size(), 36);
  const int f_over_a = 12 + 5;  // id = class * 12 + root
  EXPECT_EQ(v.chord(f_over_a).name, "F/A");
  EXPECT_EQ(pcs(v, f_over_a), (std::vector<int>{0, 5, 9}));
  EXPECT_EQ(v.chord(f_over_a).bass, 9);
  EXPECT_EQ(v.voicing(f_over_a), (std::vector<int>{57, 60, 65, 69}));
  EXPECT_EQ(v.voicing(5), (std::vector<int>{53, 60, 65, 69}));  // F
  EXPECT_EQ(v.chord(24 + 7).name, "G7/B");
  EXPECT_EQ(v.voicing(24 + 7), (std::vector<int>{59, 62, 65, 67, 71}));
  EXPECT_EQ(v.chord(0).name, "C");
  EXPECT_EQ(v.find_exact(5, {4, 3}, 1), f_over_a);
  EXPECT_EQ(v.transpose(f_over_a, 2), 12 + 7);    // G/B
  EXPECT_EQ(v.transpose(f_over_a, -6), 12 + 11);  // B/D#
  const ChordEvent e = v.event(f_over_a, 4, 8);
  EXPECT_EQ(e.root_pc, 5);
  EXPECT_EQ(e.intervals, (std::vector<int>{4, 3}));
  EXPECT_EQ(e.inversion, 1);
}

TEST(ChordVocab, ExactMatchIgnoresSpelling) {
  const ChordVocab v = ChordVocab::from_classes({{{2, 5}, 0}});
  bool exact = false;
  EXPECT_EQ(v.map(ChordEvent{0, 1, 7, {7, 7}, 0}, &exact), 7);
  EXPECT_TRUE(exact);
}

TEST(ChordVocab, FallbackRule) {
  // Classes: C (0..11), Cm (12..23), C7 (24..35).
  const ChordVocab v = ChordVocab::from_classes({{{4, 3}, 0}, {{3, 4}, 0}, {{4, 3, 3}, 0}});
  bool exact = true;
  EXPECT_EQ(v.map(0, {4, 3, 4}, 0, &exact), 0);  // Cmaj7 -> C (3-1 beats C7's 3-2)
  EXPECT_FALSE(exact);
  EXPECT_EQ(v.map(7, {4, 3, 3, 4}, 0), 24 + 7);  // G9 -> G7
  EXPECT_EQ(v.map(9, {3, 4, 3}, 0), 12 + 9);     // Am7 -> Am (3-1) rather than C-rooted chords
  EXPECT_EQ(v.map(5, {4, 3}, 1), 5);             // F/A -> F
  EXPECT_GE(v.map(2, {}, 0), 0);                 // a lone root still maps to a chord, never silence
  EXPECT_EQ(v.chord(v.map(2, {}, 0)).root, 2);
}

TEST(ChordVocab, FallbackPrefersSameBassThenFewerNotes) {
  // C and C/E tie on pitch classes for Cmaj7/E (score 2): the same bass (E) wins.
  const ChordVocab a = ChordVocab::from_classes({{{4, 3}, 0}, {{4, 3}, 1}});
  EXPECT_EQ(a.chord(a.map(0, {4, 3, 4}, 1)).name, "C/E");
  // Cadd9 scores 2 against both C11 (two extra notes) and C (one missing): fewer notes wins.
  const ChordVocab b = ChordVocab::from_classes({{{4, 3, 3, 4, 3}, 0}, {{4, 3}, 0}});
  EXPECT_EQ(b.chord(b.map(0, {4, 3, 7}, 0)).name, "C");
}

TEST(ChordVocab, BuildKeepsFrequentClassesUpToTheCap) {
  Song s;
  s.n_frames = 200;
  s.chords = {{0, 100, 0, {4, 3}, 0},
              {100, 150, 9, {3, 4}, 0},
              {150, 180, 2, {3, 4}, 0},
              {180, 195, 7, {4, 3, 3}, 0},
              {195, 200, 5, {4, 3}, 1}};
  VocabBuildReport rep;
  const ChordVocab all = ChordVocab::build({s}, {600, 1.0}, &rep);
  EXPECT_EQ(all.size(), 48);  // major 100 frames, minor 80, dominant 7th 15, major/1st inv. 5
  EXPECT_EQ(all.chord(0).name, "C");
  EXPECT_EQ(all.chord(12).name, "Cm");
  EXPECT_EQ(all.chord(24).name, "C7");
  EXPECT_EQ(all.chord(36).name, "C/E");
  EXPECT_EQ(rep.total_chord_frames, 200);
  EXPECT_EQ(rep.exact_chord_frames, 200);
  EXPECT_EQ(rep.n_shapes_seen, 4);

  const ChordVocab capped = ChordVocab::build({s}, {24, 1.0}, &rep);
  EXPECT_EQ(capped.size(), 24);
  EXPECT_EQ(rep.exact_chord_frames, 180);
  EXPECT_EQ(rep.cutoff_frames, 80);
  EXPECT_EQ(ChordVocab::build({s}, {600, 0.9}).size(), 24);   // 100 + 80 reaches 90%
  EXPECT_EQ(ChordVocab::build({s}, {600, 0.95}).size(), 36);  // needs the 7th too
}

TEST(ChordVocab, HashIsFnv1aOfTheCanonicalList) {
  EXPECT_EQ(hex16(fnv1a64("")), "cbf29ce484222325");
  EXPECT_EQ(hex16(fnv1a64("a")), "af63dc4c8601ec8c");
  const ChordVocab v = ChordVocab::from_classes({{{4, 3}, 0}, {{3, 4, 3}, 1}});
  std::string canon;
  for (int r = 0; r < 12; ++r) canon += std::to_string(r) + ":4,3:0;";
  for (int r = 0; r < 12; ++r) canon += std::to_string(r) + ":3,4,3:1;";
  EXPECT_EQ(v.hash(), hex16(fnv1a64(canon)));
  EXPECT_EQ(ChordVocab::from_classes({{{4, 3}, 0}, {{3, 4, 3}, 1}}).hash(), v.hash());
  EXPECT_NE(ChordVocab::from_classes({{{3, 4, 3}, 1}, {{4, 3}, 0}}).hash(), v.hash());
}

TEST(ChordVocab, JsonRoundTrip) {
  const ChordVocab v =
      ChordVocab::from_classes({{{4, 3}, 0}, {{3, 4}, 0}, {{4, 3}, 1}, {{4, 3, 7}, 0}});
  const std::string text = v.to_json();
  Result<ChordVocab> back = ChordVocab::from_json(text);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->hash(), v.hash());
  ASSERT_EQ(back->size(), v.size());
  for (int id = 0; id < v.size(); ++id) {
    EXPECT_EQ(back->chord(id).name, v.chord(id).name);
    EXPECT_EQ(back->voicing(id), v.voicing(id));
  }
  EXPECT_EQ(back->to_json(), text);
  EXPECT_NE(text.find("\"chord_on\": 308"), std::string::npos);
  EXPECT_NE(text.find("\"size\": 356"), std::string::npos);
  EXPECT_NE(text.find("\"fallback\""), std::string::npos);
}

TEST(ChordVocab, JsonErrorsAreValues) {
  EXPECT_FALSE(ChordVocab::from_json("{not json").ok());
  EXPECT_FALSE(ChordVocab::from_json("[1,2]").ok());
  EXPECT_FALSE(ChordVocab::from_json(R"({"version":1,"chords":[{"id":0,"root":"x"}]})").ok());
  std::string text = ChordVocab::from_classes({{{4, 3}, 0}}).to_json();
  const size_t at = text.find("\"hash\": \"") + 9;
  text[at] = text[at] == '0' ? '1' : '0';
  Result<ChordVocab> r = ChordVocab::from_json(text);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("hash"), std::string::npos);
}

}  // namespace
}  // namespace jam
