// Chord controls (sampler_controls.h): the bias table itself, and that the planner's chord rate and
// colour move the measured statistics (chords per bar, share of extended chords) the right way
// with the tiny online model and a fixed seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "jam/chord_vocab.h"
#include "jam/live_sim.h"
#include "jam/metrics.h"
#include "jam/planning_stack.h"
#include "jam/sampler_controls.h"
#include "jam/tokenizer.h"
#include "tiny_models.h"

namespace jam {
namespace {

// 12 major triads + 12 dominant sevenths: the tiny models' size (24 chords), with colour.
ChordVocab sevenths_vocab() { return ChordVocab::from_classes({{{4, 3}, 0}, {{4, 3, 3}, 0}}); }

TEST(ChordControls, ValidateRanges) {
  EXPECT_FALSE(validate_chord_controls({}));
  EXPECT_FALSE(validate_chord_controls({-1.0, 0.0}));
  EXPECT_FALSE(validate_chord_controls({1.0, 1.0}));
  EXPECT_TRUE(validate_chord_controls({1.5, 0.5}));
  EXPECT_TRUE(validate_chord_controls({0.0, -0.1}));
  EXPECT_TRUE(validate_chord_controls({NAN, 0.5}));
  EXPECT_TRUE(ChordControls{}.neutral());
  EXPECT_EQ(chord_controls_key({}), 0u);
  EXPECT_NE(chord_controls_key({0.5, 0.5}), chord_controls_key({0.0, 0.5}));
  EXPECT_NE(chord_controls_key({0.0, 0.25}), chord_controls_key({0.0, 0.75}));
}

TEST(ChordControls, NeutralLeavesLogitsUntouched) {
  const ChordVocab v = sevenths_vocab();
  const ChordBias b(v, {});
  EXPECT_TRUE(b.neutral());
  std::vector<float> l(static_cast<size_t>(TokenLayout{v.size()}.vocab_size()), 0.25f);
  std::vector<float> scratch;
  EXPECT_EQ(b.biased(l, scratch).data(), l.data());
  EXPECT_TRUE(b.apply(l));
  for (float x : l) EXPECT_EQ(x, 0.25f);
}

// Probabilities (softmax) of some logits, in double.
std::vector<double> softmax(std::span<const float> l) {
  double m = -INFINITY, s = 0;
  for (float x : l) m = std::max(m, static_cast<double>(x));
  std::vector<double> p(l.size());
  for (size_t i = 0; i < l.size(); ++i) s += p[i] = std::exp(l[i] - m);
  for (double& x : p) x /= s;
  return p;
}

// Logits of a chord position after C (hold C possible): varied values over every token.
std::vector<float> sample_logits(const TokenLayout& lay) {
  std::vector<float> l(static_cast<size_t>(lay.vocab_size()));
  for (size_t i = 0; i < l.size(); ++i) l[i] = static_cast<float>(std::sin(0.7 * i) * 2.0);
  l[static_cast<size_t>(lay.chord_hold(0))] = 3.0f;
  return l;
}

double sum_over(const std::vector<double>& p, int32_t first, int n) {
  double s = 0;
  for (int i = 0; i < n; ++i) s += p[static_cast<size_t>(first + i)];
  return s;
}

TEST(ChordControls, ChordRateScalesTheOddsOfAnOnsetOrAHold) {
  const ChordVocab v = sevenths_vocab();
  const TokenLayout lay{v.size()};
  EXPECT_EQ(chord_extension(v.chord(0)), 0);   // C
  EXPECT_EQ(chord_extension(v.chord(12)), 1);  // C7
  std::vector<float> l = sample_logits(lay);
  for (int c = 1; c < v.size(); ++c) l[static_cast<size_t>(lay.chord_hold(c))] = -INFINITY;  // grammar
  const std::vector<double> p0 = softmax(l);
  const double on0 = sum_over(p0, lay.chord_on(0), v.size());
  for (double r : {-1.0, -0.5, 0.5, 1.0}) {
    std::vector<float> scratch;
    const std::vector<double> p = softmax(ChordBias(v, {r, 0.5}).biased(l, scratch));
    const double on = sum_over(p, lay.chord_on(0), v.size());
    const double hold = p[static_cast<size_t>(lay.chord_hold(0))];
    const double hold0 = p0[static_cast<size_t>(lay.chord_hold(0))];
    if (r > 0) {  // odds(onset : rest) x 4^r; hold : silence stays
      EXPECT_NEAR(on / (1 - on), std::pow(4.0, r) * on0 / (1 - on0), 1e-4) << r;
      EXPECT_NEAR(hold / p[kTokSilence], hold0 / p0[kTokSilence], 1e-4);
    } else {      // odds(hold : rest) x 4^-r; onsets : silence stays
      EXPECT_NEAR(hold / (1 - hold), std::pow(4.0, -r) * hold0 / (1 - hold0), 1e-4) << r;
      EXPECT_NEAR(on / p[kTokSilence], on0 / p0[kTokSilence], 1e-4);
    }
    EXPECT_NEAR(p[static_cast<size_t>(lay.chord_on(3))] / p[static_cast<size_t>(lay.chord_on(15))],
                p0[static_cast<size_t>(lay.chord_on(3))] / p0[static_cast<size_t>(lay.chord_on(15))], 1e-4);
  }
}

TEST(ChordControls, ColourReweightsOnsetsAndKeepsTheirMass) {
  const ChordVocab v = sevenths_vocab();
  const TokenLayout lay{v.size()};
  const std::vector<float> l = sample_logits(lay);
  const std::vector<double> p0 = softmax(l);
  const double on0 = sum_over(p0, lay.chord_on(0), v.size());
  const double ext0 = sum_over(p0, lay.chord_on(12), 12);
  for (double k : {0.0, 0.25, 0.75, 1.0}) {
    std::vector<float> scratch;
    const std::vector<double> p = softmax(ChordBias(v, {0.0, k}).biased(l, scratch));
    // The onset group keeps its mass against holding C and against silence (at k = 0 the masked
    // holds of sevenths drop out of the normalization, so compare ratios).
    const double hold = p[static_cast<size_t>(lay.chord_hold(0))];
    const double hold0 = p0[static_cast<size_t>(lay.chord_hold(0))];
    EXPECT_NEAR(sum_over(p, lay.chord_on(0), v.size()) / hold, on0 / hold0, 1e-4) << k;
    EXPECT_NEAR(p[kTokSilence] / hold, p0[kTokSilence] / hold0, 1e-4) << k;
    const double ext = sum_over(p, lay.chord_on(12), 12);
    // odds(seventh : triad) among onsets x (2k)^3.
    const double on = sum_over(p, lay.chord_on(0), v.size());
    if (k > 0) EXPECT_NEAR(ext / (on - ext), std::pow(2 * k, kColourScale) * ext0 / (on0 - ext0), 1e-3) << k;
    else EXPECT_EQ(ext, 0.0);
  }
  // Colour 0 also masks the holds of extended chords.
  std::vector<float> m = l;
  ASSERT_TRUE(ChordBias(v, {0.0, 0.0}).apply(m));
  EXPECT_EQ(m[static_cast<size_t>(lay.chord_hold(12))], -INFINITY);
  EXPECT_EQ(m[static_cast<size_t>(lay.chord_on(23))], -INFINITY);
  EXPECT_EQ(m[static_cast<size_t>(lay.chord_hold(0))], l[static_cast<size_t>(lay.chord_hold(0))]);
  EXPECT_EQ(m[kTokSilence], l[kTokSilence]);
  // A wrong-sized span is refused and left alone.
  std::vector<float> small(10, 1.0f);
  EXPECT_FALSE(ChordBias(v, {1.0, 1.0}).apply(small));
  EXPECT_FLOAT_EQ(small[3], 1.0f);
}

// A 8-bar melody: a C major scale in quarter notes, then a few longer notes.
Song test_melody() {
  Song s;
  s.id = "scale";
  s.n_frames = 128;
  const int scale[] = {60, 62, 64, 65, 67, 69, 71, 72};
  for (Frame on = 0, i = 0; on < 96; on += 4, ++i) s.melody.push_back({on, on + 4, scale[i % 8]});
  for (Frame on = 96; on < 128; on += 8) s.melody.push_back({on, on + 8, 67});
  return s;
}

// Live-simulated chords (planner + tiny online model, no warm start) under some controls.
Metrics simulate(const ChordVocab& vocab, const ChordControls& controls) {
  auto bundle = std::make_shared<const ModelBundle>(
      ModelBundle{"tiny", vocab, testing::tiny_online()->weights});
  PlanningStackConfig cfg;
  cfg.planner.controls = controls;
  auto stack = PlanningStack::create(bundle, nullptr, cfg);
  EXPECT_TRUE(stack.ok()) << stack.error();
  LiveSimOptions o{.lookahead = 16, .commit = 8, .silence = 16, .temperature = 1.0};
  MetricsAccumulator acc;
  for (uint64_t seed = 1; seed <= 2; ++seed) {
    auto r = simulate_live(**stack, test_melody(), o, seed);
    EXPECT_TRUE(r.ok()) << r.error();
    if (r) acc.add(r->song);
  }
  return acc.result();
}

TEST(ChordControls, PlannerChordRateMovesChordsPerBar) {
  const ChordVocab& v = testing::tiny_online()->vocab;
  const double sparse = simulate(v, {-1.0, 0.5}).chords_per_bar;
  const double as_is = simulate(v, {}).chords_per_bar;
  const double busy = simulate(v, {1.0, 0.5}).chords_per_bar;
  EXPECT_LT(sparse, as_is);
  EXPECT_LT(as_is, busy);
}

TEST(ChordControls, PlannerColourMovesExtendedChordShare) {
  const ChordVocab v = sevenths_vocab();
  const Metrics plain = simulate(v, {0.0, 0.0});
  const Metrics as_is = simulate(v, {});
  const Metrics rich = simulate(v, {0.0, 1.0});
  EXPECT_GT(plain.n_chords, 0);
  EXPECT_EQ(plain.extended_chord_ratio, 0.0);  // triads only
  EXPECT_GT(as_is.extended_chord_ratio, 0.0);
  EXPECT_LT(as_is.extended_chord_ratio, rich.extended_chord_ratio);
}

}  // namespace
}  // namespace jam
