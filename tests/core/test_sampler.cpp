// Tests for the Rng and Sampler: reference RNG values, greedy/mask/top-p rules, the sampled
// distribution, and a fixed token sequence that must be identical natively and in wasm.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "jam/sampler.h"

namespace jam {
namespace {

TEST(Rng, MatchesReferenceXoshiro256StarStar) {
  // Values from an independent Python implementation of splitmix64 seeding + xoshiro256**.
  Rng a(42);
  EXPECT_EQ(a.next_u64(), 0x15780b2e0c2ec716ULL);
  EXPECT_EQ(a.next_u64(), 0x6104d9866d113a7eULL);
  EXPECT_EQ(a.next_u64(), 0xae17533239e499a1ULL);
  Rng b(0);
  EXPECT_EQ(b.next_u64(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(b.next_u64(), 0xbf6e1f784956452aULL);
}

TEST(Rng, DoublesAreInUnitInterval) {
  Rng r(7);
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const double u = r.next_double();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 10000, 0.5, 0.02);
}

TEST(Sampler, GreedyPicksArgmaxLowestIdOnTies) {
  Sampler s({.temperature = 0.0f});
  const std::vector<float> logits = {0.5f, 2.0f, -1.0f, 2.0f};
  EXPECT_EQ(*s.sample(logits), 1);
  const std::vector<uint8_t> mask = {1, 0, 1, 1};
  EXPECT_EQ(*s.sample(logits, mask), 3);
  const std::vector<uint8_t> only_low = {1, 0, 1, 0};
  EXPECT_EQ(*s.sample(logits, only_low), 0);
}

TEST(Sampler, MaskIsNeverViolated) {
  Sampler s({.temperature = 1.5f, .top_p = 1.0f}, 3);
  std::vector<float> logits(20);
  for (int i = 0; i < 20; ++i) logits[i] = static_cast<float>(i % 7);
  std::vector<uint8_t> mask(20, 0);
  mask[2] = mask[5] = mask[17] = 1;
  for (int i = 0; i < 500; ++i) {
    const int t = *s.sample(logits, mask);
    EXPECT_TRUE(t == 2 || t == 5 || t == 17) << t;
  }
}

TEST(Sampler, DistributionFollowsSoftmaxWithTemperature) {
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
  Sampler s({.temperature = 1.0f}, 11);
  std::vector<int> count(3);
  const int n = 20000;
  for (int i = 0; i < n; ++i) ++count[*s.sample(logits)];
  EXPECT_NEAR(count[0] / double(n), 0.5, 0.015);
  EXPECT_NEAR(count[1] / double(n), 0.3, 0.015);
  EXPECT_NEAR(count[2] / double(n), 0.2, 0.015);
  // Temperature 0.5 squares the odds: p ∝ 0.25, 0.09, 0.04.
  s.set_config({.temperature = 0.5f});
  std::fill(count.begin(), count.end(), 0);
  for (int i = 0; i < n; ++i) ++count[*s.sample(logits)];
  EXPECT_NEAR(count[0] / double(n), 0.25 / 0.38, 0.015);
  EXPECT_NEAR(count[2] / double(n), 0.04 / 0.38, 0.015);
}

TEST(Sampler, TopPKeepsTheSmallestNucleus) {
  const std::vector<float> logits = {std::log(0.1f), std::log(0.4f), std::log(0.2f),
                                     std::log(0.3f)};
  Sampler s({.temperature = 1.0f, .top_p = 0.5f}, 5);
  std::vector<int> count(4);
  for (int i = 0; i < 5000; ++i) ++count[*s.sample(logits)];
  // 0.4 < 0.5, so the nucleus is {1 (0.4), 3 (0.3)}, renormalized to 4/7 and 3/7.
  EXPECT_EQ(count[0], 0);
  EXPECT_EQ(count[2], 0);
  EXPECT_NEAR(count[1] / 5000.0, 4.0 / 7.0, 0.03);
  // A tiny top_p is greedy; top_p applies after the mask.
  s.set_config({.temperature = 1.0f, .top_p = 0.01f});
  const std::vector<uint8_t> mask = {1, 0, 1, 1};
  for (int i = 0; i < 100; ++i) EXPECT_EQ(*s.sample(logits, mask), 3);
}

TEST(Sampler, MinusInfinityIsImpossible) {
  Sampler s({.temperature = 2.0f}, 1);
  const std::vector<float> logits = {-INFINITY, 0.0f, -INFINITY};
  for (int i = 0; i < 50; ++i) EXPECT_EQ(*s.sample(logits), 1);
}

TEST(Sampler, Errors) {
  Sampler s;
  const std::vector<float> logits = {1.0f, 2.0f};
  EXPECT_EQ(s.sample({}).error(), "sample: no logits");
  const std::vector<uint8_t> short_mask = {1};
  EXPECT_EQ(s.sample(logits, short_mask).error(), "sample: mask has 1 entries for 2 logits");
  const std::vector<uint8_t> none = {0, 0};
  EXPECT_EQ(s.sample(logits, none).error(), "sample: the mask allows no token with a finite logit");
  const std::vector<float> nan = {1.0f, NAN};
  EXPECT_EQ(s.sample(nan).error(), "sample: logit 1 is NaN");
  const std::vector<uint8_t> skip_nan = {1, 0};
  EXPECT_EQ(*s.sample(nan, skip_nan), 0);  // masked-out garbage is ignored
  s.set_config({.temperature = -1.0f});
  EXPECT_FALSE(s.sample(logits).ok());
  s.set_config({.temperature = 1.0f, .top_p = 0.0f});
  EXPECT_FALSE(s.sample(logits).ok());
}

// The same seed and logits give the same tokens on every platform: these constants were
// produced natively and are checked again by the wasm build of this test under node.
TEST(Sampler, SeededSequenceIsPortable) {
  std::vector<float> logits(64);
  for (int i = 0; i < 64; ++i) logits[i] = static_cast<float>((i * 37) % 23) * 0.25f - 2.0f;
  std::vector<uint8_t> mask(64, 1);
  for (int i = 0; i < 64; i += 5) mask[i] = 0;
  Sampler s({.temperature = 0.8f, .top_p = 0.9f}, 2024);
  std::vector<int32_t> got;
  for (int i = 0; i < 24; ++i) got.push_back(*s.sample(logits, mask));
  const std::vector<int32_t> expected = {18, 49, 18, 41, 49, 13, 36, 13, 31, 18, 26, 62,
                                         16, 36, 49, 41, 18, 54, 21, 59, 54, 13, 41, 59};
  EXPECT_EQ(got, expected);
  Sampler again({.temperature = 0.8f, .top_p = 0.9f}, 2024);
  for (int i = 0; i < 24; ++i) EXPECT_EQ(*again.sample(logits, mask), got[i]);
}

}  // namespace
}  // namespace jam
