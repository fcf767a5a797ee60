// Tests for the OfflineEngine (bidirectional melody encoder + causal chord decoder): against the
// double-precision reference, step-by-step and rewind, errors, and PyTorch golden logits.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "jam/offline_engine.h"
#include "tiny_model.h"

namespace jam {
namespace {

constexpr double kTol = 1e-4;

WeightFile tiny_offline(uint64_t seed = 11) {
  const ModelConfig c = test::tiny_config("offline");
  Result<WeightFile> w =
      WeightFile::parse(*encode_weight_file(c, test::random_tensors(c, seed)), c.vocab_hash);
  EXPECT_TRUE(w.ok()) << w.error();
  return std::move(*w);
}

std::vector<int32_t> tokens(int n, int vocab, uint32_t seed) {
  std::vector<int32_t> t(n);
  for (int i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    t[i] = static_cast<int32_t>((seed >> 8) % static_cast<uint32_t>(vocab));
  }
  return t;
}

OfflineEngine make(const WeightFile& w) {
  Result<OfflineEngine> e = OfflineEngine::create(w);
  EXPECT_TRUE(e.ok()) << e.error();
  return std::move(*e);
}

TEST(OfflineEngine, AllPositionsMatchReference) {
  const WeightFile w = tiny_offline();
  OfflineEngine e = make(w);
  const std::vector<int32_t> melody = tokens(40, 50, 1), prev = tokens(40, 50, 2);
  ASSERT_TRUE(e.encode(melody).ok());
  EXPECT_EQ(e.n_frames(), 40);
  const auto ref = test::Reference(w).offline(melody, prev);
  Result<std::vector<float>> all = e.feed_all_logits(prev, 0);
  ASSERT_TRUE(all.ok()) << all.error();
  for (size_t t = 0; t < prev.size(); ++t)
    EXPECT_LT(test::max_abs_diff(all->data() + t * 50, ref[t]), kTol) << t;
}

TEST(OfflineEngine, StepByStepAndRewind) {
  const WeightFile w = tiny_offline();
  OfflineEngine e = make(w);
  const std::vector<int32_t> melody = tokens(24, 50, 3), prev = tokens(24, 50, 4);
  ASSERT_TRUE(e.encode(melody).ok());
  const auto ref = test::Reference(w).offline(melody, prev);
  for (int t = 0; t < 24; ++t) {
    Result<std::span<const float>> r = e.step(prev[t]);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_LT(test::max_abs_diff(r->data(), ref[t]), kTol) << t;
  }
  EXPECT_EQ(e.position(), 24);
  // Past the melody: an error, state kept.
  Result<std::span<const float>> r = e.step(1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "feed: positions 24..24 exceed the melody length 24");
  // Rewind to 10 with other chords, then compare with the reference of that history.
  std::vector<int32_t> other(prev.begin(), prev.begin() + 10);
  const std::vector<int32_t> tail = tokens(5, 50, 99);
  other.insert(other.end(), tail.begin(), tail.end());
  r = e.feed_sync(tail, 10);
  ASSERT_TRUE(r.ok());
  EXPECT_LT(test::max_abs_diff(r->data(), test::Reference(w).offline(melody, other).back()), kTol);
}

TEST(OfflineEngine, ReencodeResetsTheDecoder) {
  const WeightFile w = tiny_offline();
  OfflineEngine e = make(w);
  ASSERT_TRUE(e.encode(tokens(30, 50, 5)).ok());
  ASSERT_TRUE(e.feed_sync(tokens(30, 50, 6), 0).ok());
  const std::vector<int32_t> melody = tokens(12, 50, 7), prev = tokens(12, 50, 8);
  ASSERT_TRUE(e.encode(melody).ok());
  EXPECT_EQ(e.position(), 0);
  EXPECT_EQ(e.n_frames(), 12);
  Result<std::span<const float>> r = e.feed_sync(prev, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_LT(test::max_abs_diff(r->data(), test::Reference(w).offline(melody, prev).back()), kTol);
}

TEST(OfflineEngine, Errors) {
  const WeightFile w = tiny_offline();
  OfflineEngine e = make(w);
  Result<std::span<const float>> r = e.step(1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "offline engine: encode() a melody first");
  EXPECT_EQ(e.encode({}).error(), "encode: empty melody");
  const std::vector<int32_t> bad = {3, 60};
  EXPECT_EQ(e.encode(bad).error(), "encode: token 60 at index 1 outside the vocabulary 0..49");
  EXPECT_EQ(e.encode(tokens(97, 50, 1)).error(), "encode: positions 0..96 exceed the capacity 96");
  EXPECT_EQ(e.n_frames(), 0);
  const ModelConfig c = test::tiny_config();
  Result<WeightFile> online =
      WeightFile::parse(*encode_weight_file(c, test::random_tensors(c, 1)), "");
  ASSERT_TRUE(online.ok());
  EXPECT_FALSE(OfflineEngine::create(*online).ok());
}

// Encoder + decoder logits of `dir`'s offline model (all at once, stepped, rewound) vs golden.json.
void expect_matches_golden(const std::string& dir) {
  SCOPED_TRACE(dir);
  ASSERT_TRUE(test::file_exists(dir + "/golden.json")) << dir << "/golden.json not present";
  const std::vector<uint8_t> gb = test::read_bytes(dir + "/golden.json");
  const std::vector<uint8_t> vb = test::read_bytes(dir + "/vocab.json");
  const nlohmann::json g = nlohmann::json::parse(gb.begin(), gb.end());
  const std::string hash = nlohmann::json::parse(vb.begin(), vb.end()).at("hash");
  Result<WeightFile> w = WeightFile::parse(test::read_bytes(dir + "/model.jamw"), hash);
  ASSERT_TRUE(w.ok()) << w.error();
  const int v = w->config().vocab_size;
  const double tol = g.at("tolerance").get<double>();
  const std::vector<int32_t> melody = g.at("melody").get<std::vector<int32_t>>();
  const std::vector<int32_t> chord_in = g.at("chord_in").get<std::vector<int32_t>>();
  ASSERT_EQ(chord_in.size(), melody.size());
  auto check = [&](const float* got, size_t t, const char* how) {
    const float mx = *std::max_element(got, got + v);
    EXPECT_NEAR(mx, g.at("max_logit")[t].get<double>(), tol) << how << " " << t;
    EXPECT_NEAR(got[g.at("argmax")[t].get<int>()], mx, tol) << how << " " << t;
    for (const nlohmann::json& row : g.at("rows")) {
      if (row.at("position").get<size_t>() != t) continue;
      EXPECT_LT(test::max_abs_diff(got, row.at("logits").get<std::vector<double>>()), tol)
          << how << " " << t;
    }
  };
  OfflineEngine e = make(*w);
  ASSERT_TRUE(e.encode(melody).ok());
  Result<std::vector<float>> all = e.feed_all_logits(chord_in, 0);
  ASSERT_TRUE(all.ok()) << all.error();
  for (size_t t = 0; t < chord_in.size(); ++t) check(all->data() + t * v, t, "all");
  e.reset();
  for (size_t t = 0; t < chord_in.size(); ++t) {
    Result<std::span<const float>> r = e.step(chord_in[t]);
    ASSERT_TRUE(r.ok()) << r.error();
    check(r->data(), t, "step");
  }
  const size_t mid = chord_in.size() / 3;
  Result<std::vector<float>> tail = e.feed_all_logits(std::span(chord_in).subspan(mid), int(mid));
  ASSERT_TRUE(tail.ok());
  for (size_t t = mid; t < chord_in.size(); ++t) check(tail->data() + (t - mid) * v, t, "rewind");
}

TEST(OfflineEngineGolden, MatchesPyTorch) { expect_matches_golden("tests/data/tiny_offline"); }

// The shipped offline model (models/offline) matches its PyTorch reference.
TEST(OfflineEngineGolden, ShippedModelMatchesPyTorch) {
  if (!test::file_exists("models/offline/golden.json")) GTEST_SKIP() << "no shipped offline model";
  expect_matches_golden("models/offline");
}

}  // namespace
}  // namespace jam
