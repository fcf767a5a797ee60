// PrefixCache's choice of entry (prefix_cache.h): a named session keeps to its own entry, foreign
// entries are taken only for a long shared prefix, anonymous requests share by prefix, the pool
// is bounded, and a host guard wraps every access.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "jam/engine.h"
#include "jam/prefix_cache.h"
#include "tiny_models.h"

namespace jam {
namespace {

// A context: BOS, then `n` tokens from `seed` (two seeds give different tokens after BOS).
std::vector<int32_t> context(int n, int32_t seed, int32_t common = 0) {
  std::vector<int32_t> t{1};
  for (int i = 0; i < n; ++i) t.push_back(i < common ? 10 + i : 100 + seed * 7 + i);
  return t;
}

PrefixCacheConfig sized(int entries, int min_shared = 32) {
  PrefixCacheConfig c;
  c.max_entries = entries;
  c.min_shared_prefix = min_shared;
  return c;
}

// What a plan leaves behind: the entry holds `tokens`.
void fill(PrefixCache::Entry* e, const std::vector<int32_t>& tokens) {
  e->tokens = tokens;
  e->keys.assign(tokens.size(), 0);
}

TEST(PrefixCache, SessionsSharingAShortPrefixKeepTheirOwnEntries) {
  PrefixCache cache(testing::tiny_online_factory(), sized(4));
  // Two sessions whose streams share BOS and 3 more tokens (e.g. the same first chord).
  const auto a1 = context(40, 1, 3), b1 = context(40, 2, 3);
  PrefixCache::Entry* ea = cache.acquire(a1, "a");
  fill(ea, a1);
  cache.release(ea);
  PrefixCache::Entry* eb = cache.acquire(b1, "b");
  EXPECT_NE(eb, ea) << "b must not take a's entry for a 4-token shared prefix";
  fill(eb, b1);
  cache.release(eb);
  // a's stream changed after the shared part (its warm start rewrote early chords): its own entry
  // matches only the 4 shared tokens, exactly as much as b's; it must still take its own.
  const auto a2 = context(42, 3, 3);
  EXPECT_EQ(cache.acquire(a2, "a"), ea);
  cache.release(ea);
  EXPECT_EQ(cache.acquire(b1, "b"), eb);
  cache.release(eb);
  EXPECT_EQ(cache.size(), 2);
}

TEST(PrefixCache, AForeignEntryIsTakenForALongSharedPrefix) {
  PrefixCache cache(testing::tiny_online_factory(), sized(4, 32));
  const auto old_stream = context(100, 1);
  PrefixCache::Entry* e = cache.acquire(old_stream, "old-id");
  fill(e, old_stream);
  cache.release(e);
  // A reconnection under a new id carrying the same stream.
  EXPECT_EQ(cache.acquire(old_stream, "new-id"), e);
  cache.release(e);
  EXPECT_EQ(cache.hits(), 1u);
}

TEST(PrefixCache, AnonymousRequestsShareByPrefixAndThePoolIsBounded) {
  PrefixCache cache(testing::tiny_online_factory(), sized(2));
  const auto s = context(20, 1);
  PrefixCache::Entry* e = cache.acquire(s, "");
  fill(e, s);
  cache.release(e);
  EXPECT_EQ(cache.acquire(context(25, 1), ""), e) << "anonymous: longest prefix";
  PrefixCache::Entry* other = cache.acquire(context(25, 9), "");
  EXPECT_NE(other, e) << "in use entries are never shared";
  EXPECT_EQ(cache.acquire(context(25, 8), ""), nullptr) << "pool full, all in use";
  cache.release(e);
  cache.release(other);
  EXPECT_EQ(cache.size(), 2);
}

TEST(PrefixCache, EveryAccessRunsUnderTheHostGuard) {
  int guarded = 0;
  bool inside = false;
  PrefixCacheConfig config;
  config.guard = [&](const std::function<void()>& critical) {
    EXPECT_FALSE(inside) << "not re-entered";
    inside = true;
    ++guarded;
    critical();
    inside = false;
  };
  PrefixCache cache(testing::tiny_online_factory(), config);
  PrefixCache::Entry* e = cache.acquire(context(5, 1), "s");
  ASSERT_NE(e, nullptr);
  cache.release(e);
  EXPECT_EQ(cache.size(), 1);
  EXPECT_EQ(guarded, 3);
}

TEST(PrefixCache, ANewEntrysModelIsMadeOutsideTheGuardAndAFailedOneLeavesNoEntry) {
  bool inside = false, made_inside = false, fail = false;
  PrefixCacheConfig config;
  config.guard = [&](const std::function<void()>& critical) {
    inside = true;
    critical();
    inside = false;
  };
  auto tiny = testing::tiny_online_factory();
  PrefixCache cache(
      [&]() -> std::unique_ptr<SequenceModel> {
        made_inside = made_inside || inside;
        return fail ? nullptr : tiny();
      },
      config);
  PrefixCache::Entry* e = cache.acquire(context(5, 1), "a");
  ASSERT_NE(e, nullptr);
  ASSERT_NE(e->model, nullptr);
  EXPECT_FALSE(made_inside) << "a fork allocates a KV cache: never under the host's lock";
  cache.release(e);
  fail = true;
  EXPECT_EQ(cache.acquire(context(5, 2), "b"), nullptr);
  EXPECT_EQ(cache.size(), 1) << "the failed entry is gone";
  EXPECT_EQ(cache.acquire(context(5, 1), "a"), e) << "the old entry still serves";
}

TEST(PrefixCache, ForkedEnginesShareWeightsAndGiveTheSameLogits) {
  auto proto = Engine::create(*testing::tiny_online()->weights);
  ASSERT_TRUE(proto.ok()) << proto.error();
  Engine a = proto->fork(), b = proto->fork();
  const std::vector<int32_t> toks = context(30, 4);
  auto la = a.feed_all_logits(toks, 0);
  auto lp = proto->feed_all_logits(toks, 0);
  ASSERT_TRUE(la.ok() && lp.ok());
  EXPECT_EQ(*la, *lp);
  // Separate KV caches: b starts empty and a's history is untouched by b's feeds.
  EXPECT_EQ(b.position(), 0);
  ASSERT_TRUE(b.feed_sync(context(8, 5), 0).ok());
  EXPECT_EQ(a.position(), 31);
  auto step_a = a.feed_all_logits(std::vector<int32_t>{7}, 31);
  auto step_p = proto->feed_all_logits(std::vector<int32_t>{7}, 31);
  ASSERT_TRUE(step_a.ok() && step_p.ok());
  EXPECT_EQ(*step_a, *step_p);
}

}  // namespace
}  // namespace jam
