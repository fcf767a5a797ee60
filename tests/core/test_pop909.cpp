// POP909 importer: Harte labels, the beat grid, a hand-made song with exact frames, real songs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "jam/midi_file.h"
#include "jam/pop909.h"

namespace {

std::vector<int> iv(std::initializer_list<int> l) { return l; }

void expect_chord(const std::string& label, int root, std::vector<int> intervals, int inversion) {
  auto c = jam::parse_harte_chord(label);
  ASSERT_TRUE(c.ok()) << label << ": " << c.error();
  EXPECT_FALSE(c->no_chord) << label;
  EXPECT_EQ(c->root_pc, root) << label;
  EXPECT_EQ(c->intervals, intervals) << label;
  EXPECT_EQ(c->inversion, inversion) << label;
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST(Pop909, ParsesHarteLabels) {
  expect_chord("B:maj", 11, iv({4, 3}), 0);
  expect_chord("Bb:min7", 10, iv({3, 4, 3}), 0);
  expect_chord("F#:maj7/5", 6, iv({4, 3, 4}), 2);
  expect_chord("C:sus4", 0, iv({5, 2}), 0);
  expect_chord("C:sus2", 0, iv({2, 5}), 0);
  expect_chord("A:min/b3", 9, iv({3, 4}), 1);
  expect_chord("G:maj/3", 7, iv({4, 3}), 1);
  expect_chord("D:dim", 2, iv({3, 3}), 0);
  expect_chord("Eb:aug", 3, iv({4, 4}), 0);
  expect_chord("E:7", 4, iv({4, 3, 3}), 0);
  expect_chord("E:7/b7", 4, iv({4, 3, 3}), 3);
  expect_chord("C:maj7/7", 0, iv({4, 3, 4}), 3);
  expect_chord("A:min7/b7", 9, iv({3, 4, 3}), 3);
  expect_chord("F:hdim7", 5, iv({3, 3, 4}), 0);
  expect_chord("C#:dim7", 1, iv({3, 3, 3}), 0);
  expect_chord("Ab:minmaj7", 8, iv({3, 4, 4}), 0);
  expect_chord("Bb:maj6", 10, iv({4, 3, 2}), 0);
  expect_chord("F:min6", 5, iv({3, 4, 2}), 0);
  expect_chord("G:9", 7, iv({4, 3, 3, 4}), 0);
  expect_chord("G:sus4(b7)", 7, iv({5, 2, 3}), 0);
  expect_chord("C:maj(9)", 0, iv({4, 3, 7}), 0);
  expect_chord("C:7(*5)", 0, iv({4, 6}), 0);
  expect_chord("Cb:maj", 11, iv({4, 3}), 0);
  expect_chord("D", 2, iv({4, 3}), 0);
  expect_chord("D/5", 2, iv({4, 3}), 2);
  {
    auto c = jam::parse_harte_chord("C:maj/2");  // D is not a chord tone: the bass is dropped
    ASSERT_TRUE(c.ok());
    EXPECT_TRUE(c->bass_dropped);
    EXPECT_EQ(c->inversion, 0);
  }
  EXPECT_TRUE(jam::parse_harte_chord("N")->no_chord);
  EXPECT_FALSE(jam::parse_harte_chord("C:foo").ok());
  EXPECT_FALSE(jam::parse_harte_chord("H:maj").ok());
  EXPECT_FALSE(jam::parse_harte_chord("C:maj(b7").ok());
  EXPECT_FALSE(jam::parse_harte_chord("C:maj/x").ok());
  EXPECT_FALSE(jam::parse_harte_chord("").ok());
}

TEST(Pop909, BeatGridInterpolates) {
  auto g = jam::parse_pop909_beats("0.5 0 0\n1.0 1 1\n2.0 0 0\n2.5 1 0\n3.0 0 1\n3.5 1 0\n");
  ASSERT_TRUE(g.ok()) << g.error();
  EXPECT_EQ(g->beats_per_bar, 3);
  EXPECT_EQ(g->first_downbeat, 1);
  EXPECT_DOUBLE_EQ(g->frame_at(0.5), 0.0);
  EXPECT_DOUBLE_EQ(g->frame_at(1.5), 6.0);    // halfway through the slow second beat
  EXPECT_DOUBLE_EQ(g->frame_at(0.25), -2.0);  // before the first beat: first interval extended
  EXPECT_DOUBLE_EQ(g->frame_at(4.0), 24.0);   // after the last: last interval extended
  EXPECT_FALSE(jam::parse_pop909_beats("1.0 0 1\n").ok());
  EXPECT_FALSE(jam::parse_pop909_beats("1.0 0 1\n0.5 0 0\n").ok());
  EXPECT_FALSE(jam::parse_pop909_beats("1.0 0 1\nabc 0 0\n").ok());
}

TEST(Pop909, HandMadeSongHasExactFrames) {
  // A 120 bpm MIDI file (one frame = 0.125 s) whose melody we place in seconds, then a beat grid
  // starting at 0.5 s with one slow beat (1.0 -> 2.0 s) and 3 beats per bar.
  jam::Song src;
  src.n_frames = 40;
  src.melody = {{0, 1, 55, 10},    // 0..0.125 s: before the first beat -> dropped
                {2, 6, 60, 50},    // 0.25..0.75 s -> clipped to [0, 2)
                {8, 12, 62, 60},   // 1.0..1.5 s   -> [4, 6)
                {12, 16, 64, 70},  // 1.5..2.0 s   -> [6, 8)
                {17, 18, 65, 80},  // 2.125..2.25  -> [9, 10)
                {30, 34, 67, 90}}; // 3.75..4.25   -> [22, 26), past the last beat
  const std::vector<uint8_t> mid = jam::write_midi(src);
  const std::string beats = "0.5 0.0 0.0\n1.0 1.0 1.0\n2.0 0.0 0.0\n2.5 1.0 0.0\n3.0 0.0 1.0\n3.5 1.0 0.0\n";
  const std::string chords =
      "0.5\t1.0\tN\n1.0\t2.0\tC:maj\n2.0\t2.5\tA:min7/b7\n2.5\t3.0\tF#:maj7/5\n3.0\t3.5\tBb:sus4(b7)\n"
      "3.5\t3.52\tG:maj\n3.52\t4.0\tE:foo\n4.0\t4.5\tD:9/3\n";
  jam::Pop909Report rep;
  auto s = jam::import_pop909_song(mid, chords, beats, "test", &rep);
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->id, "test");
  EXPECT_EQ(s->beats_per_bar, 3);
  EXPECT_EQ(rep.first_downbeat, 1);
  EXPECT_EQ(rep.n_beats, 6);
  ASSERT_EQ(rep.unknown_labels.size(), 1u);
  EXPECT_NE(rep.unknown_labels[0].find("E:foo (line 7)"), std::string::npos) << rep.unknown_labels[0];

  const std::vector<std::vector<int>> melody = {{0, 2, 60, 50}, {4, 6, 62, 60}, {6, 8, 64, 70},
                                                {9, 10, 65, 80}, {22, 26, 67, 90}};
  ASSERT_EQ(s->melody.size(), melody.size());
  for (size_t i = 0; i < melody.size(); ++i) {
    EXPECT_EQ(s->melody[i].on, melody[i][0]) << i;
    EXPECT_EQ(s->melody[i].off, melody[i][1]) << i;
    EXPECT_EQ(s->melody[i].pitch, melody[i][2]) << i;
    EXPECT_EQ(s->melody[i].velocity, melody[i][3]) << i;
  }
  struct Want {
    int on, off, root;
    std::vector<int> intervals;
    int inversion;
  };
  const std::vector<Want> want = {{4, 8, 0, {4, 3}, 0},      {8, 12, 9, {3, 4, 3}, 3},
                                  {12, 16, 6, {4, 3, 4}, 2}, {16, 20, 10, {5, 2, 3}, 0},
                                  {24, 28, 2, {4, 3, 3, 4}, 1}};  // G:maj rounds to nothing
  ASSERT_EQ(s->chords.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(s->chords[i].on, want[i].on) << i;
    EXPECT_EQ(s->chords[i].off, want[i].off) << i;
    EXPECT_EQ(s->chords[i].root_pc, want[i].root) << i;
    EXPECT_EQ(s->chords[i].intervals, want[i].intervals) << i;
    EXPECT_EQ(s->chords[i].inversion, want[i].inversion) << i;
  }
  EXPECT_EQ(s->n_frames, 28);
  EXPECT_FALSE(jam::validate_song(*s).has_value()) << *jam::validate_song(*s);

  EXPECT_FALSE(jam::import_pop909_song(mid, chords, "garbage", "x").ok());
  EXPECT_FALSE(jam::import_pop909_song(std::vector<uint8_t>{1, 2, 3}, chords, beats, "x").ok());
  EXPECT_FALSE(jam::import_pop909_song(mid, "1.0 C:maj\n", beats, "x").ok());
}

TEST(Pop909, ImportsRealSongs) {
  const std::filesystem::path root = "../shared/data/pop909/POP909";
  if (!std::filesystem::exists(root / "001")) GTEST_SKIP() << "POP909 not found at " << root;
  for (const char* id : {"001", "002", "100"}) {
    const std::filesystem::path dir = root / id;
    const std::string mid = read_text(dir / (std::string(id) + ".mid"));
    jam::Pop909Report rep;
    auto s = jam::import_pop909_song(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(mid.data()), mid.size()),
        read_text(dir / "chord_midi.txt"), read_text(dir / "beat_midi.txt"), id, &rep);
    ASSERT_TRUE(s.ok()) << id << ": " << s.error();
    EXPECT_TRUE(rep.unknown_labels.empty()) << id << ": " << rep.unknown_labels.front();
    EXPECT_FALSE(jam::validate_song(*s).has_value()) << id << ": " << *jam::validate_song(*s);
    EXPECT_GT(s->melody.size(), 100u) << id;
    EXPECT_GT(s->chords.size(), 20u) << id;
    EXPECT_GE(s->n_frames, 4 * rep.n_beats);
    // Frame by frame, the melody's pitch class mostly lies in the sounding chord (alignment check;
    // a grid off by a beat drops this to ~0.4).
    std::vector<int> chord_mask(static_cast<size_t>(s->n_frames), 0);
    for (const jam::ChordEvent& c : s->chords) {
      int pc = c.root_pc, mask = 1 << pc;
      for (int x : c.intervals) mask |= 1 << ((pc += x) % 12);
      for (jam::Frame t = c.on; t < c.off; ++t) chord_mask[static_cast<size_t>(t)] = mask;
    }
    int both = 0, inside = 0;
    for (const jam::Note& n : s->melody)
      for (jam::Frame t = n.on; t < n.off; ++t) {
        const int mask = chord_mask[static_cast<size_t>(t)];
        if (!mask) continue;
        ++both;
        inside += (mask >> (n.pitch % 12)) & 1;
      }
    EXPECT_GT(both, 50) << id;
    EXPECT_GT(static_cast<double>(inside) / both, 0.55) << id;
  }
  // Song 001: 90 bpm, 4/4, first beat at 0.0553 s; B:maj starts 2.722 s = beat 4 = frame 16.
  const std::filesystem::path dir = root / "001";
  const std::string mid = read_text(dir / "001.mid");
  auto s = jam::import_pop909_song(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(mid.data()), mid.size()),
      read_text(dir / "chord_midi.txt"), read_text(dir / "beat_midi.txt"), "001");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->beats_per_bar, 4);
  EXPECT_NEAR(s->tempo_bpm, 90.0, 0.01);
  ASSERT_FALSE(s->chords.empty());
  EXPECT_EQ(s->chords[0].on, 16);
  EXPECT_EQ(s->chords[0].root_pc, 11);
  EXPECT_EQ(s->chords[0].intervals, iv({4, 3}));
}
