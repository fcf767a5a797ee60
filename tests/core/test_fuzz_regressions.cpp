// Regression tests for what fuzzing found (tests/fuzz, docs/security.md). Each test names the
// fuzz target and the fix; under the ASan+UBSan tree (preset native-asan) each one failed before
// its fix, natively it checks the documented result.
#include <gtest/gtest.h>

#include <climits>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "jam/chord_vocab.h"
#include "jam/engine.h"
#include "jam/weights.h"

namespace jam {
namespace {

std::string vocab_with(const std::string& chord, const std::string& version = "1") {
  return R"({"version": )" + version + R"(, "chords": [)" + chord + "]}";
}

// fuzz_chord_vocab: get<int>() on 1e300 was a float-to-int overflow (UB) inside nlohmann_json.
// Fix: from_json accepts only JSON integers that fit in int (chord_vocab.cpp, json_int).
TEST(FuzzRegressions, VocabRejectsNonIntegerNumbers) {
  EXPECT_FALSE(ChordVocab::from_json(vocab_with(R"({"id": 0, "root": 1e300, "intervals": [4, 3], "inversion": 0})")).ok());
  EXPECT_FALSE(ChordVocab::from_json(vocab_with(R"({"id": 0, "root": 0, "intervals": [4, 3], "inversion": 1e300})")).ok());
  EXPECT_FALSE(ChordVocab::from_json(vocab_with(R"({"id": 0, "root": 0, "intervals": [4.5], "inversion": 0})")).ok());
  EXPECT_FALSE(ChordVocab::from_json(vocab_with(R"({"id": 1e300, "root": 0, "intervals": [4, 3], "inversion": 0})")).ok());
  EXPECT_FALSE(ChordVocab::from_json(vocab_with(R"({"id": 0, "root": 0, "intervals": [9999999999], "inversion": 0})")).ok());
  EXPECT_FALSE(ChordVocab::from_json(vocab_with("", "1e300")).ok());
  EXPECT_FALSE(ChordVocab::from_json(vocab_with("1")).ok());  // a chord that is not an object
  Result<ChordVocab> ok = ChordVocab::from_json(vocab_with(R"({"id": 0, "root": 9, "intervals": [3, 4], "inversion": 0})"));
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ(ok->chord(0).name, "Am");
}

// fuzz_chord_vocab: intervals [INT_MAX, 1] overflowed the running sum in chord_pc_mask (UB).
// Fix: pitch classes are summed modulo 12 step by step (same result for every sane input).
TEST(FuzzRegressions, HugeIntervalsDoNotOverflow) {
  const std::vector<int> huge = {INT_MAX, 1};  // INT_MAX = 7 (mod 12): pitch classes 0, 7, 8
  EXPECT_EQ(chord_pc_mask(0, huge), (1u << 0) | (1u << 7) | (1u << 8));
  EXPECT_EQ(chord_bass_pc(0, huge, 2), 8);
  EXPECT_EQ(chord_pc_mask(0, {INT_MIN, INT_MIN}), (1u << 0) | (1u << 4) | (1u << 8));
  EXPECT_EQ(chord_pc_mask(7, {4, 3}), (1u << 7) | (1u << 11) | (1u << 2));  // G major unchanged
  Result<ChordVocab> v = ChordVocab::from_json(
      vocab_with(R"({"id": 0, "root": 0, "intervals": [2147483647, 1], "inversion": 2})"));
  ASSERT_TRUE(v.ok()) << v.error();
  EXPECT_EQ(v->chord(0).pitch_classes, (std::vector<int>{0, 7, 8}));
  EXPECT_EQ(v->chord(0).bass, 8);
}

// Review while fuzzing fuzz_weights: a deeply nested "shape" was dump()ed into the error
// message; dump() recurses per level and overflowed the stack. Fix: the message names the
// dimension index instead (weights.cpp, parse_entry).
TEST(FuzzRegressions, DeeplyNestedShapeIsAnErrorNotAStackOverflow) {
  const size_t depth = 200000;
  std::string header = R"({"format":1,"arch":"online","d_model":4,"n_layers":1,"n_heads":2,"d_ff":4,)"
                       R"("vocab_size":6,"vocab_hash":"0123456789abcdef","max_len":8,"rope_theta":10000.0,)"
                       R"("norm_eps":1e-5,"tie_embeddings":true,"enc_layers":0,)"
                       R"("tensors":[{"name":"tok_emb","dtype":"f32","offset":0,"shape":[1,)" +
                       std::string(depth, '[') + std::string(depth, ']') + "]}]}";
  std::vector<uint8_t> bytes(kJamwMagic, kJamwMagic + 8);
  const uint32_t n = static_cast<uint32_t>(header.size());
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(n >> (8 * i)));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.resize((bytes.size() + 63) / 64 * 64 + 64, 0);
  Result<WeightFile> w = WeightFile::parse(bytes, "");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().find("bad dimension 1"), std::string::npos) << w.error();
}

// fuzz_weights: an i8 model with corrupted (huge but finite) scales overflowed attention scores
// to inf, softmax computed inf - inf = NaN, and fast_exp converted NaN to int (UB).
// Fix: fast_exp clamps NaN like any out-of-range input (engine_kernels.h). The file is the
// fuzzer's crash input, kept in the fuzz corpus.
TEST(FuzzRegressions, NanActivationsAreNotUndefinedBehaviour) {
  std::ifstream f("tests/fuzz/corpus/weights/crash-nan-exp.jamw", std::ios::binary);
  ASSERT_TRUE(f.good()) << "run from the repository root";
  const std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(f), {});
  Result<WeightFile> w = WeightFile::parse(bytes, "");
  ASSERT_TRUE(w.ok()) << w.error();
  EngineOptions options;
  options.capacity = 8;
  Result<Engine> e = Engine::create(*w, options);
  ASSERT_TRUE(e.ok()) << e.error();
  const std::vector<int32_t> tokens = {1, 3, 0};
  auto logits = e->feed_sync(tokens, 0);
  ASSERT_TRUE(logits.ok()) << logits.error();
  EXPECT_EQ(logits->size(), 6u);
}

}  // namespace
}  // namespace jam
