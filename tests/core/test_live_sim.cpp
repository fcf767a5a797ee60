// The simulated live client (live_sim.h) with the tiny online model: the adaptation conditions of
// issue 8 — priming with ground truth, transposing the melody mid-song.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "jam/live_sim.h"
#include "jam/tokenizer.h"
#include "tiny_models.h"

namespace jam {
namespace {

// 8 bars: a C major scale in quarter notes, harmonized C F G C per bar (all in the tiny
// vocabulary, which has the 24 major and minor triads), a last note held into bar 8.
Song test_song() {
  Song s;
  s.id = "scale";
  s.n_frames = 128;
  const int scale[] = {60, 62, 64, 65, 67, 69, 71, 72};
  for (Frame on = 0, i = 0; on < 112; on += 4, ++i) s.melody.push_back({on, on + 4, scale[i % 8]});
  s.melody.push_back({112, 128, 67});
  const int roots[] = {0, 5, 7, 0};
  for (Frame on = 0, i = 0; on < 128; on += 16, ++i) s.chords.push_back({on, on + 16, roots[i % 4], {4, 3}, 0});
  return s;
}

std::vector<int> pitches(const Song& s) {
  std::vector<int> p;
  for (const Note& n : s.melody) p.push_back(n.pitch);
  return p;
}

std::unique_ptr<PlanningStack> tiny_stack() {
  auto stack = PlanningStack::create(testing::tiny_online(), nullptr, {});
  EXPECT_TRUE(stack.ok()) << stack.error();
  return stack ? std::move(*stack) : nullptr;
}

TEST(LiveSim, TransposeFromMovesLaterNotesAndChords) {
  Song s = test_song();
  s.melody.push_back({120, 124, 125});  // near the top: +6 would leave 0..127 -> an octave lower
  const Song t = transpose_from(s, 64, 6);
  ASSERT_EQ(t.melody.size(), s.melody.size());
  for (size_t i = 0; i < s.melody.size(); ++i) {
    const int want = s.melody[i].on < 64 ? s.melody[i].pitch
                     : s.melody[i].pitch + 6 <= 127 ? s.melody[i].pitch + 6 : s.melody[i].pitch - 6;
    EXPECT_EQ(t.melody[i].pitch, want) << i;
    EXPECT_EQ(t.melody[i].on, s.melody[i].on);
  }
  EXPECT_EQ(t.chords[3].root_pc, 0);  // [48, 64): before the change
  EXPECT_EQ(t.chords[4].root_pc, 6);  // [64, 80): C -> F#
  EXPECT_EQ(t.chords[5].root_pc, 11); // F -> B
  EXPECT_EQ(transpose_from(s, 0, 0).melody[0].pitch, 60);
}

TEST(LiveSim, SongChordTokensFollowTheTokenizer) {
  const ChordVocab& v = testing::tiny_online()->vocab;
  const TokenLayout lay{v.size()};
  Song s = test_song();
  s.chords.pop_back();  // the last bar has no chord
  const std::vector<int> tok = song_chord_tokens(s, v);
  ASSERT_EQ(tok.size(), 128u);
  EXPECT_EQ(lay.kind(tok[0]), TokenKind::kChordOn);
  EXPECT_EQ(v.chord(lay.chord_of(tok[0])).root, 0);
  EXPECT_EQ(lay.kind(tok[1]), TokenKind::kChordHold);
  EXPECT_EQ(v.chord(lay.chord_of(tok[16])).root, 5);
  EXPECT_EQ(lay.kind(tok[16]), TokenKind::kChordOn);
  EXPECT_EQ(tok[127], kTokSilence);
}

// Priming: the first N beats sound the song's own chords, whatever the model would have played,
// with the silence period replaced (chords from frame 0), for both request shapes.
TEST(LiveSim, PrimingEchoesGroundTruthChords) {
  auto stack = tiny_stack();
  ASSERT_TRUE(stack);
  const Song s = test_song();
  const std::vector<int> truth = song_chord_tokens(s, stack->online().vocab);
  for (const LiveSimOptions base : {LiveSimOptions{.lookahead = 1, .commit = 1, .silence = 32},
                                    LiveSimOptions{.lookahead = 16, .commit = 4, .silence = 32}}) {
    LiveSimOptions o = base;
    o.prime_frames = 32;  // 8 beats
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      auto r = simulate_live(*stack, s, o, seed);
      ASSERT_TRUE(r.ok()) << r.error();
      ASSERT_EQ(r->chord_tokens.size(), 128u);
      for (size_t t = 0; t < 32; ++t) EXPECT_EQ(r->chord_tokens[t], truth[t]) << "frame " << t;
      ASSERT_GE(r->song.chords.size(), 2u);
      EXPECT_EQ(r->song.chords[0].on, 0);  // sounded from frame 0: no silence period
      EXPECT_EQ(r->song.chords[0].off, 16);
      EXPECT_EQ(r->song.chords[0].root_pc, 0);
      EXPECT_EQ(r->song.chords[1].on, 16);
      EXPECT_EQ(r->song.chords[1].root_pc, 5);
      // The token stream is a valid chord stream (a hold after the priming continues its chord).
      const TokenLayout lay{stack->online().vocab.size()};
      for (size_t t = 1; t < 128; ++t) {
        if (lay.kind(r->chord_tokens[t]) == TokenKind::kChordHold) {
          EXPECT_EQ(lay.chord_of(r->chord_tokens[t]), lay.chord_of(r->chord_tokens[t - 1])) << t;
        }
      }
    }
  }
  // Without priming the random tiny model does not reproduce the song's chords.
  auto cold = simulate_live(*stack, s, {.lookahead = 1, .commit = 1, .silence = 0}, 1);
  ASSERT_TRUE(cold.ok()) << cold.error();
  EXPECT_NE(std::vector<int>(cold->chord_tokens.begin(), cold->chord_tokens.begin() + 32),
            std::vector<int>(truth.begin(), truth.begin() + 32));
}

// Transposition: the agent hears (and the result carries) the moved melody; every chord before
// the change is the same as without it (the agent never sees the future), and later ones differ.
TEST(LiveSim, TransposedMelodyIsHeardFromItsBeat) {
  auto stack = tiny_stack();
  ASSERT_TRUE(stack);
  const Song s = test_song();
  for (const LiveSimOptions base : {LiveSimOptions{.lookahead = 1, .commit = 1, .silence = 0},
                                    LiveSimOptions{.lookahead = 16, .commit = 16, .silence = 0}}) {
    auto plain = simulate_live(*stack, s, base, 7);
    LiveSimOptions o = base;
    o.transpose_at = 64;  // beat 17
    o.transpose = 6;
    auto moved = simulate_live(*stack, s, o, 7);
    ASSERT_TRUE(plain.ok() && moved.ok());
    EXPECT_EQ(pitches(moved->song), pitches(transpose_from(s, 64, 6)));
    EXPECT_EQ(pitches(plain->song), pitches(s));
    EXPECT_EQ(moved->song.melody[16].pitch, 60 + 6);  // beat 17 = frame 64: C4 -> F#4
    EXPECT_EQ(std::vector<int>(moved->chord_tokens.begin(), moved->chord_tokens.begin() + 64),
              std::vector<int>(plain->chord_tokens.begin(), plain->chord_tokens.begin() + 64));
    EXPECT_NE(std::vector<int>(moved->chord_tokens.begin() + 64, moved->chord_tokens.end()),
              std::vector<int>(plain->chord_tokens.begin() + 64, plain->chord_tokens.end()));
  }
}

}  // namespace
}  // namespace jam
