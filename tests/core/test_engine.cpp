// Tests for the online Engine: against a double-precision reference forward pass (prefill,
// token-by-token, rewind, chunk boundaries, host parallelism, int8), a hand-computable model,
// argument errors, and the golden logits from PyTorch when tests/data/tiny_online exists.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>

#include "jam/engine.h"
#include "tiny_model.h"

#ifndef __EMSCRIPTEN__
#include <thread>
#endif

namespace jam {
namespace {

constexpr double kTol = 1e-4;

struct Tiny {
  explicit Tiny(ModelConfig c = test::tiny_config(), bool i8 = false, uint64_t seed = 3) {
    Result<std::vector<uint8_t>> bytes = encode_weight_file(c, test::random_tensors(c, seed), i8);
    EXPECT_TRUE(bytes.ok()) << bytes.error();
    Result<WeightFile> w = WeightFile::parse(*bytes, c.vocab_hash);
    EXPECT_TRUE(w.ok()) << w.error();
    weights = std::move(*w);
  }
  WeightFile weights;
};

std::vector<int32_t> tokens(int n, int vocab, uint32_t seed = 1) {
  std::vector<int32_t> t(n);
  for (int i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    t[i] = static_cast<int32_t>((seed >> 8) % static_cast<uint32_t>(vocab));
  }
  return t;
}

Engine make_engine(const WeightFile& w, EngineOptions o = {}) {
  Result<Engine> e = Engine::create(w, std::move(o));
  EXPECT_TRUE(e.ok()) << e.error();
  return std::move(*e);
}

TEST(Engine, PrefillMatchesReferenceAtEveryPosition) {
  Tiny m;
  Engine e = make_engine(m.weights);
  const std::vector<int32_t> seq = tokens(70, 50);
  const auto ref = test::Reference(m.weights).online(seq);
  Result<std::vector<float>> all = e.feed_all_logits(seq, 0);
  ASSERT_TRUE(all.ok()) << all.error();
  ASSERT_EQ(all->size(), seq.size() * 50);
  for (size_t t = 0; t < seq.size(); ++t)
    EXPECT_LT(test::max_abs_diff(all->data() + t * 50, ref[t]), kTol) << "position " << t;
  EXPECT_EQ(e.position(), 70);
}

TEST(Engine, LastLogitsOfPrefillAndStepsMatchReference) {
  Tiny m;
  Engine e = make_engine(m.weights);
  const std::vector<int32_t> seq = tokens(40, 50, 9);
  const auto ref = test::Reference(m.weights).online(seq);
  Result<std::span<const float>> r = e.feed_sync(std::span(seq).first(30), 0);
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->size(), 50u);
  EXPECT_LT(test::max_abs_diff(r->data(), ref[29]), kTol);
  for (int t = 30; t < 40; ++t) {
    r = e.feed_sync(std::span(seq).subspan(t, 1), e.position());
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_LT(test::max_abs_diff(r->data(), ref[t]), kTol) << "step " << t;
  }
}

TEST(Engine, TokenByTokenFromScratchEqualsPrefill) {
  Tiny m;
  Engine a = make_engine(m.weights), b = make_engine(m.weights);
  const std::vector<int32_t> seq = tokens(50, 50, 4);
  Result<std::vector<float>> all = a.feed_all_logits(seq, 0);
  ASSERT_TRUE(all.ok());
  for (int t = 0; t < 50; ++t) {
    Result<std::span<const float>> r = b.feed_sync(std::span(seq).subspan(t, 1), t);
    ASSERT_TRUE(r.ok()) << r.error();
    for (int v = 0; v < 50; ++v) EXPECT_NEAR((*r)[v], (*all)[t * 50 + v], 1e-5) << t;
  }
}

TEST(Engine, RewindThenRefeed) {
  Tiny m;
  Engine e = make_engine(m.weights);
  const std::vector<int32_t> first = tokens(60, 50, 5);
  ASSERT_TRUE(e.feed_sync(first, 0).ok());
  // Replace everything from position 25 on with a different continuation.
  std::vector<int32_t> tail = tokens(12, 50, 77);
  Result<std::span<const float>> r = e.feed_sync(tail, 25);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(e.position(), 37);
  std::vector<int32_t> expected(first.begin(), first.begin() + 25);
  expected.insert(expected.end(), tail.begin(), tail.end());
  const auto ref = test::Reference(m.weights).online(expected);
  EXPECT_LT(test::max_abs_diff(r->data(), ref.back()), kTol);
  // Re-feeding only the last token of a history recomputes it in place.
  r = e.feed_sync(std::span(expected).last(1), 36);
  ASSERT_TRUE(r.ok());
  EXPECT_LT(test::max_abs_diff(r->data(), ref.back()), kTol);
  // Rewinding to 0 is a fresh start.
  r = e.feed_sync(std::span(expected).first(3), 0);
  ASSERT_TRUE(r.ok());
  EXPECT_LT(test::max_abs_diff(r->data(), test::Reference(m.weights).online({expected[0], expected[1], expected[2]}).back()), kTol);
}

TEST(Engine, LongPrefillCrossesChunksAndQueryBlocks) {
  // 300 tokens: more than one 256-token causal chunk, many 32-query blocks, 10 key panels.
  Tiny m(test::tiny_config("online", 320));
  Engine e = make_engine(m.weights);
  const std::vector<int32_t> seq = tokens(300, 50, 8);
  const auto ref = test::Reference(m.weights).online(seq);
  Result<std::vector<float>> all = e.feed_all_logits(seq, 0);
  ASSERT_TRUE(all.ok());
  for (size_t t : {0u, 31u, 32u, 255u, 256u, 257u, 299u})
    EXPECT_LT(test::max_abs_diff(all->data() + t * 50, ref[t]), kTol) << t;
  // Extending a long history by 2 tokens.
  Result<std::span<const float>> r = e.feed_sync(std::span(seq).subspan(290, 2), 290);
  ASSERT_TRUE(r.ok());
  EXPECT_LT(test::max_abs_diff(r->data(), ref[291]), kTol);
}

TEST(Engine, UntiedHeadAndOtherShapes) {
  ModelConfig c = test::tiny_config();
  c.tie_embeddings = false;
  c.d_model = 96;   // three panels, head_dim 48 (one full and one half panel)
  c.n_heads = 2;
  c.d_ff = 100;
  c.n_layers = 3;
  Tiny m(c);
  Engine e = make_engine(m.weights);
  const std::vector<int32_t> seq = tokens(45, 50, 2);
  const auto ref = test::Reference(m.weights).online(seq);
  Result<std::vector<float>> all = e.feed_all_logits(seq, 0);
  ASSERT_TRUE(all.ok());
  for (size_t t = 0; t < seq.size(); ++t)
    EXPECT_LT(test::max_abs_diff(all->data() + t * 50, ref[t]), kTol) << t;
}

// Host parallelism: tasks run out of order (and on real threads natively) give the same logits.
TEST(Engine, ParallelForGivesTheSameLogits) {
  Tiny m;
  const std::vector<int32_t> seq = tokens(64, 50, 6);
  Engine plain = make_engine(m.weights);
  Result<std::vector<float>> want = plain.feed_all_logits(seq, 0);
  ASSERT_TRUE(want.ok());
  int calls = 0;
  EngineOptions reversed;
  reversed.n_tasks = 3;
  reversed.parallel_for = [&](int n, const std::function<void(int)>& task) {
    ++calls;
    for (int i = n - 1; i >= 0; --i) task(i);
  };
  Engine rev = make_engine(m.weights, reversed);
  Result<std::vector<float>> got = rev.feed_all_logits(seq, 0);
  ASSERT_TRUE(got.ok());
  EXPECT_GT(calls, 0);
  for (size_t i = 0; i < want->size(); ++i) ASSERT_NEAR((*got)[i], (*want)[i], 1e-6) << i;
#ifndef __EMSCRIPTEN__
  EngineOptions threaded;
  threaded.n_tasks = 2;
  threaded.parallel_for = [](int n, const std::function<void(int)>& task) {
    std::vector<std::thread> pool;
    for (int i = 1; i < n; ++i) pool.emplace_back(task, i);
    task(0);
    for (std::thread& t : pool) t.join();
  };
  Engine thr = make_engine(m.weights, threaded);
  got = thr.feed_all_logits(seq, 0);
  ASSERT_TRUE(got.ok());
  for (size_t i = 0; i < want->size(); ++i) ASSERT_NEAR((*got)[i], (*want)[i], 1e-6) << i;
#endif
}

TEST(Engine, Int8WeightsRunAndStayClose) {
  Tiny q(test::tiny_config(), /*i8=*/true), f(test::tiny_config(), false);
  Engine e = make_engine(q.weights);
  const std::vector<int32_t> seq = tokens(30, 50, 12);
  Result<std::vector<float>> got = e.feed_all_logits(seq, 0);
  ASSERT_TRUE(got.ok());
  // Exact against the dequantized weights; close to the f32 model.
  const auto ref_q = test::Reference(q.weights).online(seq);
  const auto ref_f = test::Reference(f.weights).online(seq);
  for (size_t t = 0; t < seq.size(); ++t) {
    EXPECT_LT(test::max_abs_diff(got->data() + t * 50, ref_q[t]), kTol);
    EXPECT_LT(test::max_abs_diff(got->data() + t * 50, ref_f[t]), 0.1);
  }
}

TEST(Engine, Int8StepsAreCloseAndPrefillStaysExact) {
  Tiny m;
  EngineOptions o;
  o.int8_steps = true;
  Engine q = make_engine(m.weights, o), f = make_engine(m.weights);
  const std::vector<int32_t> seq = tokens(40, 50, 21);
  // Prefill (more than 4 tokens) runs in fp32: identical logits.
  Result<std::span<const float>> rq = q.feed_sync(std::span(seq).first(30), 0);
  ASSERT_TRUE(rq.ok());
  const std::vector<float> prefill_q(rq->begin(), rq->end());
  Result<std::span<const float>> rf = f.feed_sync(std::span(seq).first(30), 0);
  ASSERT_TRUE(rf.ok());
  for (int v = 0; v < 50; ++v) EXPECT_EQ(prefill_q[v], (*rf)[v]);
  // Any feed of more than 4 tokens stays fp32, even when its last internal chunk is short.
  Tiny big(test::tiny_config("online", 300));
  Engine bq = make_engine(big.weights, o), bf = make_engine(big.weights);
  const std::vector<int32_t> long_seq = tokens(258, 50, 22);  // chunks of 256 + 2
  rq = bq.feed_sync(long_seq, 0);
  ASSERT_TRUE(rq.ok());
  const std::vector<float> long_q(rq->begin(), rq->end());
  rf = bf.feed_sync(long_seq, 0);
  for (int v = 0; v < 50; ++v) EXPECT_EQ(long_q[v], (*rf)[v]);
  // Steps use int8 weights: close to the fp32 reference, not equal.
  const auto ref = test::Reference(m.weights).online(seq);
  double worst = 0;
  for (int t = 30; t < 40; ++t) {
    rq = q.feed_sync(std::span(seq).subspan(t, 1), t);
    ASSERT_TRUE(rq.ok());
    worst = std::max(worst, test::max_abs_diff(rq->data(), ref[t]));
  }
  EXPECT_GT(worst, 1e-6);
  EXPECT_LT(worst, 0.1);
}

// A file storing i8 weights: steps read those int8 weights (the default), which are the same
// numbers as the fp32 copies, so logits agree with the fp32-only engine to float rounding.
TEST(Engine, StoredInt8StepsMatchFp32Steps) {
  Tiny q(test::tiny_config(), /*i8=*/true);
  EngineOptions fp32_only;
  fp32_only.int8_stored = false;
  Engine e = make_engine(q.weights), f = make_engine(q.weights, fp32_only);
  const std::vector<int32_t> seq = tokens(40, 50, 31);
  ASSERT_TRUE(e.feed_sync(std::span(seq).first(30), 0).ok());
  ASSERT_TRUE(f.feed_sync(std::span(seq).first(30), 0).ok());
  const auto ref = test::Reference(q.weights).online(seq);
  double worst = 0, vs_ref = 0;
  for (int t = 30; t < 40; ++t) {
    Result<std::span<const float>> a = e.feed_sync(std::span(seq).subspan(t, 1), t);
    ASSERT_TRUE(a.ok());
    const std::vector<float> got(a->begin(), a->end());
    Result<std::span<const float>> b = f.feed_sync(std::span(seq).subspan(t, 1), t);
    ASSERT_TRUE(b.ok());
    for (int v = 0; v < 50; ++v) worst = std::max(worst, double(std::fabs(got[v] - (*b)[v])));
    vs_ref = std::max(vs_ref, test::max_abs_diff(got.data(), ref[t]));
  }
  EXPECT_GT(worst, 0.0);   // the int8 path ran (another summation order)...
  EXPECT_LT(worst, 1e-5);  // ...on the same weights
  EXPECT_LT(vs_ref, kTol);
}

// A model whose blocks are exact identities (all projections zero): logits are
// RMSNorm(emb[token]) · embᵀ, computable by hand.
TEST(Engine, ZeroBlocksGiveEmbeddingSimilarity) {
  const ModelConfig c = test::tiny_config();
  std::vector<Tensor> ts = test::random_tensors(c, 5);
  for (Tensor& t : ts)
    if (t.name.rfind("layers.", 0) == 0 && t.shape.size() == 2)
      std::fill(t.data.begin(), t.data.end(), 0.0f);
  for (Tensor& t : ts)
    if (t.name == "norm") std::fill(t.data.begin(), t.data.end(), 1.0f);
  Result<WeightFile> w = WeightFile::parse(*encode_weight_file(c, ts), c.vocab_hash);
  ASSERT_TRUE(w.ok());
  const std::vector<float>& emb = w->find("tok_emb")->data;
  Engine e = make_engine(*w);
  const std::vector<int32_t> seq = {7, 3, 44};
  Result<std::vector<float>> all = e.feed_all_logits(seq, 0);
  ASSERT_TRUE(all.ok());
  for (size_t t = 0; t < seq.size(); ++t) {
    const float* x = emb.data() + seq[t] * 64;
    double ss = 0;
    for (int i = 0; i < 64; ++i) ss += x[i] * x[i];
    const double inv = 1.0 / std::sqrt(ss / 64 + 1e-5);
    for (int v = 0; v < 50; ++v) {
      double dot = 0;
      for (int i = 0; i < 64; ++i) dot += x[i] * inv * emb[v * 64 + i];
      EXPECT_NEAR((*all)[t * 50 + v], dot, 1e-4);
    }
    // The token's own embedding is the most similar one.
    EXPECT_EQ(std::max_element(all->begin() + t * 50, all->begin() + (t + 1) * 50) -
                  (all->begin() + t * 50),
              seq[t]);
  }
}

TEST(Engine, ErrorsLeaveStateUnchanged) {
  Tiny m;
  Engine e = make_engine(m.weights);
  const std::vector<int32_t> seq = tokens(10, 50);
  ASSERT_TRUE(e.feed_sync(seq, 0).ok());
  const std::vector<int32_t> bad_token = {1, 50};
  Result<std::span<const float>> r = e.feed_sync(bad_token, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "feed: token 50 at index 1 outside the vocabulary 0..49");
  EXPECT_EQ(e.position(), 10);
  r = e.feed_sync(seq, 11);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "feed: start 11 outside 0..10 (the cached positions)");
  r = e.feed_sync(std::span<const int32_t>(), 10);
  EXPECT_EQ(r.error(), "feed: no tokens");
  const std::vector<int32_t> too_many = tokens(90, 50);
  r = e.feed_sync(too_many, 10);
  EXPECT_EQ(r.error(), "feed: positions 10..99 exceed the KV capacity 96");
  EXPECT_EQ(e.position(), 10);
  // The cache is intact: the next step still matches the reference.
  std::vector<int32_t> more = seq;
  more.push_back(4);
  r = e.feed_sync(std::span(more).last(1), 10);
  ASSERT_TRUE(r.ok());
  EXPECT_LT(test::max_abs_diff(r->data(), test::Reference(m.weights).online(more).back()), kTol);
  e.reset();
  EXPECT_EQ(e.position(), 0);
  EXPECT_FALSE(e.feed_sync(seq, 1).ok());
}

TEST(Engine, CreateChecksArchAndOptions) {
  Tiny offline(test::tiny_config("offline"));
  Result<Engine> e = Engine::create(offline.weights);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error(), "engine: expected an \"online\" model, got \"offline\"");
  Tiny m;
  EngineOptions o;
  o.capacity = 97;
  EXPECT_FALSE(Engine::create(m.weights, o).ok());
  o.capacity = 16;
  Result<Engine> small = Engine::create(m.weights, o);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->max_len(), 16);
  EXPECT_EQ(small->vocab_size(), 50);
}

TEST(Engine, AsyncFeedCallsDoneBeforeReturning) {
  Tiny m;
  Engine e = make_engine(m.weights);
  SequenceModel& model = e;
  const std::vector<int32_t> seq = tokens(5, 50);
  bool called = false;
  model.feed(seq, 0, [&](Status s, std::span<const float> logits) {
    called = true;
    EXPECT_TRUE(s.ok());
    EXPECT_EQ(logits.size(), 50u);
  });
  EXPECT_TRUE(called);
  called = false;
  model.feed(seq, 7, [&](Status s, std::span<const float> logits) {
    called = true;
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(logits.empty());
  });
  EXPECT_TRUE(called);
}

// ---- Golden logits from PyTorch (tests/data/tiny_online, made by training/golden.py) ----

struct Golden {
  std::string vocab_hash;
  nlohmann::json json;
};

std::optional<Golden> load_golden(const std::string& dir) {
  if (!test::file_exists(dir + "/golden.json")) return std::nullopt;
  const std::vector<uint8_t> g = test::read_bytes(dir + "/golden.json");
  const std::vector<uint8_t> v = test::read_bytes(dir + "/vocab.json");
  return Golden{nlohmann::json::parse(v.begin(), v.end()).at("hash").get<std::string>(),
                nlohmann::json::parse(g.begin(), g.end())};
}

// Checks one position's logits: the full row where golden.json stores it, else its max logit
// and that the golden argmax is (within tolerance) our maximum.
void check_golden(const nlohmann::json& g, const float* got, int vocab, size_t t, const char* how) {
  const double tol = g.at("tolerance").get<double>();
  const float mx = *std::max_element(got, got + vocab);
  EXPECT_NEAR(mx, g.at("max_logit")[t].get<double>(), tol) << how << " position " << t;
  EXPECT_NEAR(got[g.at("argmax")[t].get<int>()], mx, tol) << how << " position " << t;
  for (const nlohmann::json& row : g.at("rows")) {
    if (row.at("position").get<size_t>() != t) continue;
    const std::vector<double> want = row.at("logits").get<std::vector<double>>();
    ASSERT_EQ(want.size(), static_cast<size_t>(vocab));
    EXPECT_LT(test::max_abs_diff(got, want), tol) << how << " position " << t;
  }
}

// Prefill, last-position, token-by-token and rewind logits of `dir`'s model vs its golden.json.
void expect_matches_golden(const std::string& dir) {
  SCOPED_TRACE(dir);
  std::optional<Golden> g = load_golden(dir);
  ASSERT_TRUE(g.has_value()) << dir << "/golden.json not present";
  Result<WeightFile> w = WeightFile::parse(test::read_bytes(dir + "/model.jamw"), g->vocab_hash);
  ASSERT_TRUE(w.ok()) << w.error();
  const int v = w->config().vocab_size;
  ASSERT_EQ(g->json.at("vocab_size").get<int>(), v);
  const std::vector<int32_t> toks = g->json.at("tokens").get<std::vector<int32_t>>();
  const size_t n = toks.size();
  ASSERT_GT(n, 2u);
  ASSERT_GT(g->json.at("rows").size(), 0u);
  // Prefill, all at once.
  Engine e = make_engine(*w);
  Result<std::vector<float>> all = e.feed_all_logits(toks, 0);
  ASSERT_TRUE(all.ok()) << all.error();
  for (size_t t = 0; t < n; ++t) check_golden(g->json, all->data() + t * v, v, t, "prefill");
  // Prefill's last-position logits (LM head on the last row only).
  Engine last = make_engine(*w);
  Result<std::span<const float>> r = last.feed_sync(toks, 0);
  ASSERT_TRUE(r.ok());
  check_golden(g->json, r->data(), v, n - 1, "prefill-last");
  // Token by token.
  Engine s = make_engine(*w);
  for (size_t t = 0; t < n; ++t) {
    r = s.feed_sync(std::span(toks).subspan(t, 1), int(t));
    ASSERT_TRUE(r.ok()) << r.error();
    check_golden(g->json, r->data(), v, t, "step");
  }
  // Rewind to the middle (after a different continuation), then refeed the true tail.
  const size_t mid = n / 2;
  std::vector<int32_t> junk(n - mid, toks[0]);
  ASSERT_TRUE(s.feed_sync(junk, int(mid)).ok());
  Result<std::vector<float>> tail = s.feed_all_logits(std::span(toks).subspan(mid), int(mid));
  ASSERT_TRUE(tail.ok()) << tail.error();
  for (size_t t = mid; t < n; ++t) check_golden(g->json, tail->data() + (t - mid) * v, v, t, "rewind");
}

TEST(EngineGolden, MatchesPyTorch) { expect_matches_golden("tests/data/tiny_online"); }

// Every shipped online model (models/<id>/ with golden.json) matches its PyTorch reference.
TEST(EngineGolden, ShippedModelsMatchPyTorch) {
  int checked = 0;
  for (const char* id : {"online", "online-web", "rl-s", "rl-m", "rl-m-web"}) {
    const std::string dir = std::string("models/") + id;
    if (!test::file_exists(dir + "/golden.json")) continue;
    expect_matches_golden(dir);
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "no shipped online model";
}

}  // namespace
}  // namespace jam
