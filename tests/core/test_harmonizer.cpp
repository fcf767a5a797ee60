// Harmonizer (harmonizer.h) with the tiny offline model: window layout, determinism, a whole
// melody covered across overlapping windows with grammatical seams, stability under extension,
// the chord controls, and the MIDI round trip (melody + chords as two named tracks).
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "jam/chord_vocab.h"
#include "jam/harmonizer.h"
#include "jam/metrics.h"
#include "jam/midi_file.h"
#include "jam/offline_engine.h"
#include "jam/tokenizer.h"
#include "tiny_models.h"

namespace jam {
namespace {

OfflineEngine make_engine() {
  auto e = OfflineEngine::create(*testing::tiny_offline()->weights);
  EXPECT_TRUE(e.ok()) << e.error();
  return std::move(*e);
}

const ChordVocab& vocab() { return testing::tiny_offline()->vocab; }

// A melody of `n` frames: a wandering line of quarter and eighth notes with a few rests.
Song melody(Frame n) {
  Song s;
  s.id = "wander";
  s.n_frames = n;
  const int pitches[] = {60, 64, 67, 65, 62, 71, 69, 72, 67, 64, 60, 62};
  int i = 0;
  for (Frame on = 0; on < n; ++i) {
    const Frame len = (i % 3 == 0) ? 2 : 4;
    if (i % 7 != 6) s.melody.push_back({on, std::min(on + len, n), pitches[i % 12]});
    on += len;
  }
  return s;
}

HarmonizerConfig small_windows(uint64_t seed = 5) {
  HarmonizerConfig c;
  c.window_frames = 64;
  c.overlap_frames = 16;
  c.seed = seed;
  return c;
}

TEST(Harmonizer, WindowLayout) {
  EXPECT_TRUE(harmonizer_windows(0, 256, 64).empty());
  EXPECT_EQ(harmonizer_windows(100, 256, 64), std::vector<Frame>{0});
  EXPECT_EQ(harmonizer_windows(256, 256, 64), std::vector<Frame>{0});
  // 0, 192, then the last window ends at T: 600 - 256 = 344 (overlap 104 >= 64).
  EXPECT_EQ(harmonizer_windows(600, 256, 64), (std::vector<Frame>{0, 192, 344}));
  EXPECT_EQ(harmonizer_windows(640, 256, 64), (std::vector<Frame>{0, 192, 384}));
  EXPECT_TRUE(harmonizer_windows(600, 64, 64).empty());  // overlap must be < window
  for (Frame n : {65, 100, 333, 1000}) {
    const std::vector<Frame> w = harmonizer_windows(n, 64, 16);
    ASSERT_FALSE(w.empty());
    EXPECT_EQ(w.front(), 0);
    EXPECT_EQ(w.back() + 64, n) << "the last window ends at T";
    for (size_t k = 1; k < w.size(); ++k) {
      EXPECT_GT(w[k], w[k - 1]);
      EXPECT_GE(w[k - 1] + 64 - w[k], 16) << "overlap of at least O frames";
    }
  }
}

TEST(Harmonizer, CoversAWholeLongMelodyDeterministically) {
  OfflineEngine e = make_engine();
  const Song m = melody(300);  // > 4 windows of 64
  auto a = harmonize(e, vocab(), m, small_windows());
  ASSERT_TRUE(a.ok()) << a.error();
  auto b = harmonize(e, vocab(), m, small_windows());
  ASSERT_TRUE(b.ok()) << b.error();
  EXPECT_EQ(a->chord_tokens, b->chord_tokens) << "same seed, same chords";
  auto c = harmonize(e, vocab(), m, small_windows(6));
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_NE(a->chord_tokens, c->chord_tokens) << "another seed, other chords";

  EXPECT_EQ(a->window_starts, harmonizer_windows(300, 64, 16));
  EXPECT_EQ(a->window_starts.size(), 6u);
  ASSERT_EQ(a->chord_tokens.size(), 300u);
  EXPECT_EQ(a->sampled_frames, 300);
  int forced = 0;
  for (size_t k = 1; k < a->window_starts.size(); ++k)
    forced += a->window_starts[k - 1] + 64 - a->window_starts[k];
  EXPECT_EQ(a->forced_frames, forced);
  // Every frame has a chord-position token and the whole stream follows the grammar, seams
  // included (a hold right after a seam continues the chord before it).
  const TokenLayout lay{vocab().size()};
  GrammarState g(lay);
  g.step(kTokBos);
  for (size_t t = 0; t < a->chord_tokens.size(); ++t) {
    const int32_t tok = a->chord_tokens[t];
    const TokenKind k = lay.kind(tok);
    EXPECT_TRUE(k == TokenKind::kSilence || k == TokenKind::kChordOn || k == TokenKind::kChordHold);
    ASSERT_TRUE(g.step(tok)) << "frame " << t << ": " << *g.check(tok);
    g.step(kTokSilence);
  }
  // The song: melody kept, chords cover the piece up to its end.
  EXPECT_EQ(a->song.n_frames, 300);
  EXPECT_EQ(a->song.melody.size(), m.melody.size());
  ASSERT_FALSE(a->song.chords.empty());
  EXPECT_FALSE(validate_song(a->song)) << *validate_song(a->song);
  EXPECT_GT(a->song.chords.back().off, 236) << "the last window produced chords";
  // Chord events spell the tokens: each frame inside an event maps back to the same chord.
  for (const ChordEvent& ev : a->song.chords) {
    const int id = vocab().map(ev);
    for (Frame t = ev.on; t < ev.off; ++t)
      EXPECT_EQ(lay.chord_of(a->chord_tokens[static_cast<size_t>(t)]), id);
  }
}

TEST(Harmonizer, WindowsAreStableUnderExtension) {
  // The chords of [0, T') do not depend on melody after the windows that cover them: a song cut
  // after its second window gets the same chords there (the seams are teacher-forced, not
  // re-sampled).
  OfflineEngine e = make_engine();
  const Song full = melody(300);
  auto a = harmonize(e, vocab(), full, small_windows());
  ASSERT_TRUE(a.ok()) << a.error();
  for (Frame cut : {64, 112}) {  // one window; exactly two windows (0 and 48)
    Song part = full;
    part.n_frames = cut;
    for (Note& n : part.melody) n.off = std::min(n.off, cut);
    std::erase_if(part.melody, [](const Note& n) { return n.off <= n.on; });
    auto b = harmonize(e, vocab(), part, small_windows());
    ASSERT_TRUE(b.ok()) << b.error();
    ASSERT_EQ(b->chord_tokens.size(), static_cast<size_t>(cut));
    EXPECT_TRUE(std::equal(b->chord_tokens.begin(), b->chord_tokens.end(), a->chord_tokens.begin()))
        << "cut at " << cut;
  }
}

TEST(Harmonizer, RejectsBadConfigsAndHandlesEmptySongs) {
  OfflineEngine e = make_engine();
  HarmonizerConfig c = small_windows();
  c.overlap_frames = 64;
  EXPECT_FALSE(harmonize(e, vocab(), melody(100), c).ok());
  c = small_windows();
  c.controls.colour = 2.0;
  EXPECT_FALSE(harmonize(e, vocab(), melody(100), c).ok());
  const ChordVocab other = ChordVocab::from_classes({{{4, 3}, 0}});  // 12 chords: wrong size
  EXPECT_FALSE(harmonize(e, other, melody(100), small_windows()).ok());
  Song empty;
  auto r = harmonize(e, vocab(), empty, small_windows());
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->song.chords.empty());
  EXPECT_TRUE(r->window_starts.empty());
}

TEST(Harmonizer, ControlsMoveTheStatistics) {
  OfflineEngine e = make_engine();
  const Song m = melody(256);
  auto stats = [&](const ChordVocab& v, ChordControls ctl) {
    MetricsAccumulator acc;
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      HarmonizerConfig c = small_windows(seed);
      c.controls = ctl;
      auto h = harmonize(e, v, m, c);
      EXPECT_TRUE(h.ok()) << h.error();
      if (h) acc.add(h->song);
    }
    return acc.result();
  };
  const double sparse = stats(vocab(), {-1.0, 0.5}).chords_per_bar;
  const double as_is = stats(vocab(), {}).chords_per_bar;
  const double busy = stats(vocab(), {1.0, 0.5}).chords_per_bar;
  EXPECT_LT(sparse, as_is);
  EXPECT_LT(as_is, busy);
  // Same model, read through a 24-chord vocabulary of triads and dominant sevenths.
  const ChordVocab sevenths = ChordVocab::from_classes({{{4, 3}, 0}, {{4, 3, 3}, 0}});
  const Metrics plain = stats(sevenths, {0.0, 0.0});
  const Metrics mid = stats(sevenths, {});
  const Metrics rich = stats(sevenths, {0.0, 1.0});
  EXPECT_GT(plain.n_chords, 0);
  EXPECT_EQ(plain.extended_chord_ratio, 0.0);
  EXPECT_LT(plain.extended_chord_ratio, mid.extended_chord_ratio);
  EXPECT_LT(mid.extended_chord_ratio, rich.extended_chord_ratio);
}

TEST(Harmonizer, MidiRoundTripWithTwoNamedTracks) {
  OfflineEngine e = make_engine();
  auto h = harmonize(e, vocab(), melody(200), small_windows());
  ASSERT_TRUE(h.ok()) << h.error();
  const std::vector<uint8_t> bytes = write_midi(h->song);
  auto midi = read_midi(bytes);
  ASSERT_TRUE(midi.ok()) << midi.error();
  std::vector<std::string> named;
  for (const MidiTrack& t : midi->tracks)
    if (!t.notes.empty()) named.push_back(t.name);
  EXPECT_EQ(named, (std::vector<std::string>{"Melody", "Chords"}));
  auto back = melody_from_midi(*midi);
  ASSERT_TRUE(back.ok()) << back.error();
  ASSERT_EQ(back->chords.size(), h->song.chords.size());
  for (size_t i = 0; i < back->chords.size(); ++i) {
    EXPECT_EQ(back->chords[i].on, h->song.chords[i].on);
    EXPECT_EQ(back->chords[i].off, h->song.chords[i].off);
    EXPECT_EQ(back->chords[i].root_pc, h->song.chords[i].root_pc);
    EXPECT_EQ(back->chords[i].intervals, h->song.chords[i].intervals);
  }
  EXPECT_EQ(back->melody.size(), h->song.melody.size());
}

}  // namespace
}  // namespace jam
