#include <gtest/gtest.h>

#include <cstdint>

#include "jam/tokenizer.h"

namespace jam {
namespace {

// Major and minor triads in 12 roots: N = 24; ids 0..11 major, 12..23 minor.
ChordVocab small_vocab() { return ChordVocab::from_classes({{{4, 3}, 0}, {{3, 4}, 0}}); }

using Toks = std::vector<int32_t>;

TEST(Tokenizer, LayoutMatchesTheContract) {
  const TokenLayout lay{24};
  EXPECT_EQ(lay.vocab_size(), 308);
  EXPECT_EQ(lay.note_hold(60), 64);
  EXPECT_EQ(lay.note_on(60), 192);
  EXPECT_EQ(lay.chord_hold(5), 265);
  EXPECT_EQ(lay.chord_on(5), 289);
  EXPECT_EQ(lay.kind(0), TokenKind::kPad);
  EXPECT_EQ(lay.kind(131), TokenKind::kNoteHold);
  EXPECT_EQ(lay.kind(259), TokenKind::kNoteOn);
  EXPECT_EQ(lay.kind(283), TokenKind::kChordHold);
  EXPECT_EQ(lay.kind(307), TokenKind::kChordOn);
  EXPECT_EQ(lay.kind(308), TokenKind::kInvalid);
  EXPECT_EQ(lay.to_onset(64), 192);
  EXPECT_EQ(lay.to_onset(265), 289);
  EXPECT_EQ(lay.to_onset(3), 3);
}

TEST(Tokenizer, EncodesChordFirstInterleave) {
  const ChordVocab v = small_vocab();
  const TokenLayout lay{v.size()};
  Song s;
  s.n_frames = 4;
  s.chords = {{0, 2, 0, {4, 3}, 0}, {2, 4, 9, {3, 4}, 0}};  // C, Am
  s.melody = {{0, 3, 60}};
  const Toks toks = encode(s, v);
  const Toks want = {kTokBos,           lay.chord_on(0),  lay.note_on(60),   lay.chord_hold(0),
                     lay.note_hold(60), lay.chord_on(21), lay.note_hold(60), lay.chord_hold(21),
                     kTokSilence,       kTokEos};
  EXPECT_EQ(toks, want);
}

TEST(Tokenizer, RepeatedChordsAndNotesStayOnsets) {
  const ChordVocab v = small_vocab();
  const TokenLayout lay{v.size()};
  Song s;
  s.n_frames = 2;
  s.chords = {{0, 1, 7, {4, 3}, 0}, {1, 2, 7, {4, 3}, 0}};
  s.melody = {{0, 1, 67}, {1, 2, 67}};
  EXPECT_EQ(encode(s, v), (Toks{kTokBos, lay.chord_on(7), lay.note_on(67), lay.chord_on(7),
                                lay.note_on(67), kTokEos}));
}

TEST(Tokenizer, FallbackFramesAreCounted) {
  const ChordVocab v = small_vocab();
  Song s;
  s.n_frames = 8;
  s.chords = {{0, 4, 0, {4, 3, 4}, 0}, {4, 6, 0, {4, 3}, 0}};  // Cmaj7 (falls back to C), C
  EncodeStats st;
  const Toks toks = encode(s, v, &st);
  EXPECT_EQ(st.frames, 8);
  EXPECT_EQ(st.chord_frames, 6);
  EXPECT_EQ(st.fallback_chord_frames, 4);
  EXPECT_EQ(toks[1], TokenLayout{v.size()}.chord_on(0));
}

Song random_song(uint32_t seed, const ChordVocab& v) {
  uint32_t x = seed * 2654435761u + 1;
  auto next = [&](uint32_t n) {
    x = x * 1664525u + 1013904223u;
    return (x >> 8) % n;
  };
  Song s;
  s.n_frames = 64;
  for (Frame t = static_cast<Frame>(next(3)); t < 64;) {
    const Frame len = 1 + static_cast<Frame>(next(8));
    s.chords.push_back(v.event(static_cast<int>(next(static_cast<uint32_t>(v.size()))), t,
                               std::min<Frame>(64, t + len)));
    t += len + static_cast<Frame>(next(2));
  }
  for (Frame t = static_cast<Frame>(next(2)); t < 64;) {
    const Frame len = 1 + static_cast<Frame>(next(6));
    s.melody.push_back(Note{t, std::min<Frame>(64, t + len), 40 + static_cast<int>(next(40)), 100});
    t += len + static_cast<Frame>(next(3));
  }
  return s;
}

void expect_same_song(const Song& a, const Song& b) {
  EXPECT_EQ(a.n_frames, b.n_frames);
  ASSERT_EQ(a.chords.size(), b.chords.size());
  for (size_t i = 0; i < a.chords.size(); ++i) {
    EXPECT_EQ(a.chords[i].on, b.chords[i].on);
    EXPECT_EQ(a.chords[i].off, b.chords[i].off);
    EXPECT_EQ(a.chords[i].root_pc, b.chords[i].root_pc);
    EXPECT_EQ(a.chords[i].intervals, b.chords[i].intervals);
    EXPECT_EQ(a.chords[i].inversion, b.chords[i].inversion);
  }
  ASSERT_EQ(a.melody.size(), b.melody.size());
  for (size_t i = 0; i < a.melody.size(); ++i) {
    EXPECT_EQ(a.melody[i].on, b.melody[i].on);
    EXPECT_EQ(a.melody[i].off, b.melody[i].off);
    EXPECT_EQ(a.melody[i].pitch, b.melody[i].pitch);
  }
}

TEST(Tokenizer, SongTokensSongRoundTrip) {
  const ChordVocab v =
      ChordVocab::from_classes({{{4, 3}, 0}, {{3, 4}, 0}, {{4, 3}, 1}, {{4, 3, 3}, 0}});
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    const Song s = random_song(seed, v);
    const Toks toks = encode(s, v);
    ASSERT_EQ(toks.size(), 2u * 64 + 2);
    EXPECT_FALSE(validate(toks, TokenLayout{v.size()}).has_value());
    Result<Song> back = decode(toks, v);
    ASSERT_TRUE(back.ok()) << back.error();
    expect_same_song(s, *back);
    EXPECT_EQ(encode(*back, v), toks);  // tokens -> song -> tokens
  }
}

TEST(Tokenizer, DecodeRejectsBadStreams) {
  const ChordVocab v = small_vocab();
  EXPECT_FALSE(decode(Toks{kTokBos, 260, kTokSilence, kTokEos}, v).ok());  // hold without onset
  Result<Song> r = decode(Toks{kTokBos, 284, 192, 260}, v);  // prefix: no EOS, lone chord token
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->n_frames, 2);
  EXPECT_EQ(r->chords.size(), 1u);
  EXPECT_EQ(r->chords[0].off, 2);
}

TEST(Tokenizer, WindowRewritesHoldsToOnsets) {
  const ChordVocab v = small_vocab();
  const TokenLayout lay{v.size()};
  Song s;
  s.n_frames = 6;
  s.chords = {{0, 6, 2, {3, 4}, 0}};  // Dm throughout
  s.melody = {{0, 4, 62}, {4, 6, 65}};
  const Toks toks = encode(s, v);
  const int dm = 12 + 2;
  const Toks w = window(toks, 2, 512, lay);
  EXPECT_EQ(w, (Toks{kTokBos, lay.chord_on(dm), lay.note_on(62), lay.chord_hold(dm),
                     lay.note_hold(62), lay.chord_hold(dm), lay.note_on(65), lay.chord_hold(dm),
                     lay.note_hold(65), kTokEos}));
  EXPECT_FALSE(validate(w, lay).has_value());
  const Toks cut = window(toks, 1, 4, lay);
  EXPECT_EQ(cut, (Toks{kTokBos, lay.chord_on(dm), lay.note_on(62), lay.chord_hold(dm)}));
  EXPECT_FALSE(validate(cut, lay, /*require_eos=*/false).has_value());
  EXPECT_EQ(window(toks, 0, 512, lay), toks);
  EXPECT_EQ(window(toks, 6, 512, lay), (Toks{kTokBos, kTokEos}));
  EXPECT_EQ(window(toks, 50, 512, lay), (Toks{kTokBos}));
}

TEST(Grammar, AcceptsValidAndMasksMatch) {
  const TokenLayout lay{24};
  GrammarState g(lay);
  std::vector<uint8_t> m = g.allowed_next();
  EXPECT_EQ(std::count(m.begin(), m.end(), 1), 1);
  EXPECT_TRUE(m[kTokBos]);
  ASSERT_TRUE(g.step(kTokBos));
  m = g.allowed_next();  // EOS, SILENCE, 24 chord onsets; no holds yet
  EXPECT_EQ(std::count(m.begin(), m.end(), 1), 26);
  EXPECT_FALSE(m[lay.chord_hold(0)]);
  ASSERT_TRUE(g.step(lay.chord_on(3)));
  m = g.allowed_next();  // SILENCE + 128 onsets; no holds
  EXPECT_EQ(std::count(m.begin(), m.end(), 1), 129);
  EXPECT_FALSE(m[kTokEos]);
  ASSERT_TRUE(g.step(lay.note_on(70)));
  m = g.allowed_next();  // + CHORD_HOLD(3)
  EXPECT_EQ(std::count(m.begin(), m.end(), 1), 27);
  EXPECT_TRUE(m[lay.chord_hold(3)]);
  EXPECT_FALSE(m[lay.chord_hold(4)]);
  ASSERT_TRUE(g.step(lay.chord_hold(3)));
  m = g.allowed_next();
  EXPECT_TRUE(m[lay.note_hold(70)]);
  EXPECT_FALSE(m[lay.note_hold(71)]);
  EXPECT_EQ(std::count(m.begin(), m.end(), 1), 130);
  ASSERT_TRUE(g.step(lay.note_hold(70)));
  ASSERT_TRUE(g.step(kTokSilence));
  EXPECT_TRUE(g.accepts(lay.note_hold(70)));
  ASSERT_TRUE(g.step(lay.note_hold(70)));  // chord silent, note still held
  ASSERT_TRUE(g.step(kTokEos));
  EXPECT_TRUE(g.finished());
  EXPECT_EQ(g.frames(), 3);
  m = g.allowed_next();
  EXPECT_EQ(std::count(m.begin(), m.end(), 1), 0);
  // Every token the mask allows is accepted by step() and vice versa.
  GrammarState h(lay);
  h.step(kTokBos);
  h.step(lay.chord_on(5));
  const std::vector<uint8_t> mask = h.allowed_next();
  for (int t = 0; t < lay.vocab_size(); ++t)
    EXPECT_EQ(h.accepts(t), mask[static_cast<size_t>(t)] == 1) << t;
}

TEST(Grammar, RejectsInvalidWithIndexAndReason) {
  const TokenLayout lay{24};
  struct Case {
    Toks toks;
    size_t index;
    const char* what;
  };
  const std::vector<Case> cases = {
      {{lay.chord_on(0), kTokSilence, kTokEos}, 0, "BOS"},
      {{kTokBos, lay.chord_hold(0), kTokSilence, kTokEos}, 1, "CHORD_HOLD"},
      {{kTokBos, lay.chord_on(0), kTokSilence, lay.chord_hold(1), kTokSilence, kTokEos},
       3,
       "CHORD_HOLD"},
      {{kTokBos, kTokSilence, kTokSilence, lay.chord_hold(0)}, 3, "CHORD_HOLD"},
      {{kTokBos, kTokSilence, lay.note_hold(60), kTokEos}, 2, "NOTE_HOLD"},
      {{kTokBos, kTokSilence, lay.note_on(60), kTokSilence, lay.note_hold(61), kTokEos},
       4,
       "NOTE_HOLD"},
      {{kTokBos, lay.note_on(60), kTokSilence, kTokEos}, 1, "chord position"},
      {{kTokBos, kTokSilence, lay.chord_on(1), kTokEos}, 2, "melody position"},
      {{kTokBos, kTokSilence, kTokEos}, 2, "melody position"},
      {{kTokBos, kTokEos, kTokSilence}, 2, "EOS"},
      {{kTokBos, kTokPad}, 1, "PAD"},
      {{kTokBos, 308}, 1, "outside"},
      {{kTokBos, kTokSilence, kTokSilence}, 3, "missing EOS"},
      {{kTokBos, kTokSilence}, 2, "melody position missing"},
  };
  for (const Case& c : cases) {
    auto err = validate(c.toks, lay);
    ASSERT_TRUE(err.has_value()) << c.what;
    EXPECT_EQ(err->index, c.index) << c.what;
    EXPECT_NE(err->reason.find(c.what), std::string::npos) << err->reason;
  }
  EXPECT_FALSE(validate(Toks{kTokBos, kTokEos}, lay).has_value());
  EXPECT_FALSE(validate(Toks{kTokBos, kTokSilence, kTokSilence}, lay, false).has_value());
}

}  // namespace
}  // namespace jam
