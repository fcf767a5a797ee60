// Planner invariants with a small real (random-init) model from tests/data/tiny_online and the
// tiny offline model for the warm start.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "jam/chord_vocab.h"
#include "jam/engine.h"
#include "jam/offline_engine.h"
#include "jam/planner.h"
#include "jam/prefix_cache.h"
#include "jam/tokenizer.h"
#include "jam/weights.h"
#include "tiny_models.h"

namespace jam {
namespace {

struct TinyModels {
  const ChordVocab& vocab = testing::tiny_online()->vocab;
  const WeightFile* offline = testing::tiny_offline()->weights.get();
};

const TinyModels& models() {
  static TinyModels m;
  return m;
}

PrefixCache::Factory online_factory() { return testing::tiny_online_factory(); }

// A simple melody: a C major scale in quarter notes from frame 0, the last note still held.
PlanRequest request_at(Frame frame, int lookahead = 16, int commit = 8, int silence = 16) {
  PlanRequest r;
  r.model = "tiny";
  r.frame = frame;
  r.lookahead_frames = lookahead;
  r.commit_frames = commit;
  r.silence_frames = silence;
  r.temperature = 1.0;
  r.seed = 7;
  const int scale[] = {60, 62, 64, 65, 67, 69, 71, 72};
  for (Frame on = 0, i = 0; on < frame; on += 4, ++i) {
    PlanNote n{on, on + 4 <= frame ? std::optional<Frame>(on + 4) : std::nullopt, scale[i % 8]};
    r.melody.push_back(n);
  }
  return r;
}

PlanResponse plan_once(Planner& planner, const PlanRequest& r) {
  PlanResponse out;
  bool called = false;
  planner.plan(r, [&](Result<PlanResponse> resp) {
    called = true;
    ASSERT_TRUE(resp.ok()) << resp.error();
    out = *resp;
  });
  EXPECT_TRUE(called) << "native engines answer synchronously";
  return out;
}

// Plays a live session: one request per frame, echoing the chord stream, as a client would.
std::vector<PlanResponse> live_session(Planner& planner, Frame frames, int lookahead, int commit,
                                       int silence) {
  std::vector<PlanResponse> out;
  std::vector<int> echoed;
  for (Frame f = 1; f <= frames; ++f) {
    PlanRequest r = request_at(f, lookahead, commit, silence);
    r.chord_tokens = echoed;
    out.push_back(plan_once(planner, r));
    echoed = out.back().chord_tokens;
  }
  return out;
}

TEST(Planner, PlanCoversExactlyTheLookaheadAndFollowsTheGrammar) {
  PrefixCache cache(online_factory());
  Planner planner(models().vocab, cache, nullptr);
  const PlanResponse r = plan_once(planner, request_at(40, 16, 8, 16));
  EXPECT_EQ(r.frame, 40);
  ASSERT_EQ(r.chord_tokens.size(), 56u);
  const TokenLayout lay{models().vocab.size()};
  GrammarState g(lay);
  g.step(kTokBos);
  for (size_t i = 0; i < r.chord_tokens.size(); ++i) {
    ASSERT_TRUE(g.step(r.chord_tokens[i])) << "chord token " << i;
    g.step(kTokSilence);
  }
  for (const PlanChord& c : r.chords) {
    EXPECT_GE(c.on, 16) << "nothing sounds in the silence period";
    EXPECT_LT(c.on, 56);
    EXPECT_GT(c.off, 40);
    EXPECT_LE(c.off, 56);
    EXPECT_EQ(c.committed, c.on < 48);
    EXPECT_FALSE(c.name.empty());
    EXPECT_FALSE(c.pitches.empty());
  }
}

TEST(Planner, SameSeedSameInputSamePlanWhateverTheCacheHolds) {
  PrefixCache warm_cache(online_factory());
  Planner warm(models().vocab, warm_cache, nullptr);
  live_session(warm, 30, 16, 8, 8);  // fills the cache with a session's history
  PrefixCache cold_cache(online_factory());
  Planner cold(models().vocab, cold_cache, nullptr);
  PlanRequest r = request_at(31, 16, 8, 8);
  const PlanResponse a = plan_once(warm, r);
  const PlanResponse b = plan_once(cold, r);
  EXPECT_EQ(a.chord_tokens, b.chord_tokens);
  EXPECT_EQ(a.chords, b.chords);
  r.seed = 8;
  const PlanResponse c = plan_once(cold, r);
  EXPECT_NE(a.chord_tokens, c.chord_tokens) << "another seed gives another plan";
}

TEST(Planner, RequestChordControlsSteerThePlan) {
  PrefixCache cache(online_factory());
  Planner planner(models().vocab, cache, nullptr);
  // Chord onsets in the 32 planned frames, summed over a few seeds (the tiny model is noisy).
  auto onsets = [&](std::optional<double> rate) {
    int n = 0;
    for (uint64_t seed = 0; seed < 6; ++seed) {
      PlanRequest r = request_at(24, 32, 0, 0);
      r.seed = seed;
      r.chord_rate = rate;
      const PlanResponse p = plan_once(planner, r);
      n += static_cast<int>(p.chords.size());
    }
    return n;
  };
  const int busy = onsets(1.0), neutral = onsets(std::nullopt), sparse = onsets(-1.0);
  EXPECT_GT(busy, sparse);
  EXPECT_GE(busy, neutral);
  EXPECT_LE(sparse, neutral);
  // A neutral request equals one without controls, and the controls key the cache: the same
  // request after a busy one still gives the neutral plan.
  PlanRequest r = request_at(24, 32, 0, 0);
  const PlanResponse a = plan_once(planner, r);
  r.chord_rate = 0.0;
  r.colour = 0.5;
  EXPECT_EQ(plan_once(planner, r).chord_tokens, a.chord_tokens);
}

TEST(Planner, CommittedChordsNeverChange) {
  PrefixCache cache(online_factory());
  Planner planner(models().vocab, cache, nullptr);
  const int lookahead = 16, commit = 8;
  const auto plans = live_session(planner, 60, lookahead, commit, 8);
  // Once a chord token is inside a response's commit period, every later response keeps it.
  for (size_t i = 1; i < plans.size(); ++i) {
    const PlanResponse& prev = plans[i - 1];
    const PlanResponse& cur = plans[i];
    const Frame committed_end = prev.frame + commit;
    for (Frame t = 0; t < committed_end; ++t)
      ASSERT_EQ(cur.chord_tokens[static_cast<size_t>(t)], prev.chord_tokens[static_cast<size_t>(t)])
          << "frame " << t << " changed between requests at " << prev.frame << " and " << cur.frame;
  }
}

TEST(Planner, ExtendingByOneFrameDoesNotRePrefill) {
  PrefixCache cache(online_factory());
  Planner planner(models().vocab, cache, nullptr);
  const auto plans = live_session(planner, 100, 16, 16, 8);
  // The next request extends the session by one frame.
  PlanRequest next = request_at(101, 16, 16, 8);
  next.chord_tokens = plans.back().chord_tokens;
  plan_once(planner, next);
  const PlanStats& st = planner.last_stats();
  EXPECT_TRUE(st.cache_hit);
  EXPECT_GT(st.tokens_reused, 150);
  EXPECT_LE(st.tokens_fed, 2 * 16 + 2) << "only the changed tail is run through the model";
}

TEST(Planner, WarmStartHappensOnceAndIsNeverPlayed) {
  PrefixCache cache(online_factory());
  auto off = OfflineEngine::create(*models().offline);
  ASSERT_TRUE(off.ok()) << off.error();
  Planner planner(models().vocab, cache, &*off);
  const int silence = 24;
  std::vector<int> echoed;
  int warm_starts = 0;
  for (Frame f = 1; f <= 40; ++f) {
    PlanRequest r = request_at(f, 8, 4, silence);
    r.chord_tokens = echoed;
    const PlanResponse resp = plan_once(planner, r);
    if (planner.last_stats().warm_start) {
      ++warm_starts;
      EXPECT_EQ(f, silence - 4) << "warm start when the frame reaches S - 4";
    }
    for (const PlanChord& c : resp.chords) EXPECT_GE(c.on, silence);
    echoed = resp.chord_tokens;
  }
  EXPECT_EQ(warm_starts, 1);
}

TEST(Planner, RejectsChordTokensThatBreakTheGrammar) {
  PrefixCache cache(online_factory());
  Planner planner(models().vocab, cache, nullptr);
  const TokenLayout lay{models().vocab.size()};
  PlanRequest r = request_at(8);
  r.chord_tokens = {kTokSilence, lay.chord_hold(3)};  // a hold after silence
  bool failed = false;
  planner.plan(r, [&](Result<PlanResponse> resp) {
    failed = !resp.ok();
    EXPECT_NE(resp.error().find("chord_tokens[1]"), std::string::npos) << resp.error();
  });
  EXPECT_TRUE(failed);
  r.chord_tokens = {lay.note_on(60)};
  planner.plan(r, [&](Result<PlanResponse> resp) { EXPECT_FALSE(resp.ok()); });
}

TEST(Planner, ChordEventsFromTokens) {
  const TokenLayout lay{models().vocab.size()};
  const std::vector<int> toks = {kTokSilence, lay.chord_on(0), lay.chord_hold(0), lay.chord_on(0),
                                 lay.chord_on(5), kTokSilence};
  const auto ev = chord_events_from_tokens(toks, models().vocab);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].on, 1);
  EXPECT_EQ(ev[0].off, 3);
  EXPECT_EQ(ev[1].on, 3);
  EXPECT_EQ(ev[1].off, 4);
  EXPECT_EQ(ev[2].on, 4);
  EXPECT_EQ(ev[2].off, 5);
}

}  // namespace
}  // namespace jam
