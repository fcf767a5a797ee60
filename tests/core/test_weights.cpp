// Tests for the .jamw loader: round trip, and every kind of corruption gives a clear error.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>

#include "jam/weights.h"
#include "tiny_model.h"

namespace jam {
namespace {

using nlohmann::json;

std::vector<uint8_t> tiny_file(const ModelConfig& c = test::tiny_config(), bool i8 = false) {
  Result<std::vector<uint8_t>> bytes = encode_weight_file(c, test::random_tensors(c, 7), i8);
  EXPECT_TRUE(bytes.ok()) << bytes.error();
  return *bytes;
}

uint32_t header_len(const std::vector<uint8_t>& b) {
  uint32_t n;
  std::memcpy(&n, b.data() + 8, 4);
  return n;
}

json header_of(const std::vector<uint8_t>& b) {
  return json::parse(b.begin() + 12, b.begin() + 12 + header_len(b));
}

size_t data_start(const std::vector<uint8_t>& b) { return (12 + header_len(b) + 63) / 64 * 64; }

// Re-emits the file with an edited header (the data region is kept byte for byte).
std::vector<uint8_t> with_header(const std::vector<uint8_t>& b, const std::string& header) {
  std::vector<uint8_t> out(b.begin(), b.begin() + 8);
  const uint32_t n = static_cast<uint32_t>(header.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.resize((out.size() + 63) / 64 * 64, 0);
  out.insert(out.end(), b.begin() + static_cast<long>(data_start(b)), b.end());
  return out;
}

std::vector<uint8_t> edit(const std::vector<uint8_t>& b, const std::function<void(json&)>& fn) {
  json h = header_of(b);
  fn(h);
  return with_header(b, h.dump());
}

json& tensor_entry(json& h, const std::string& name) {
  for (json& t : h["tensors"])
    if (t["name"] == name) return t;
  throw std::runtime_error("no tensor " + name);
}

std::string parse_error(const std::vector<uint8_t>& b, std::string_view hash = "0123456789abcdef") {
  Result<WeightFile> w = WeightFile::parse(b, hash);
  return w.ok() ? "" : w.error();
}

TEST(Weights, RoundTripKeepsConfigAndValues) {
  const ModelConfig c = test::tiny_config();
  const std::vector<Tensor> tensors = test::random_tensors(c, 7);
  const std::vector<uint8_t> bytes = tiny_file(c);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 8), "JAMW0001");
  EXPECT_EQ(data_start(bytes) % 64, 0u);
  Result<WeightFile> w = WeightFile::parse(bytes, "0123456789ABCDEF");  // case-insensitive
  ASSERT_TRUE(w.ok()) << w.error();
  EXPECT_EQ(w->config().d_model, 64);
  EXPECT_EQ(w->config().n_heads, 4);
  EXPECT_EQ(w->config().d_ff, 88);
  EXPECT_EQ(w->config().vocab_size, 50);
  EXPECT_EQ(w->config().max_len, 96);
  EXPECT_TRUE(w->config().tie_embeddings);
  EXPECT_EQ(w->tensors().size(), tensors.size());
  for (const Tensor& t : tensors) {
    const Tensor* got = w->find(t.name);
    ASSERT_NE(got, nullptr) << t.name;
    EXPECT_EQ(got->shape, t.shape);
    EXPECT_EQ(got->data, t.data) << t.name;
  }
  const json header = header_of(bytes);
  for (const json& t : header["tensors"]) EXPECT_EQ(t["offset"].get<int>() % 64, 0);
}

TEST(Weights, OfflineAndUntiedLayoutsParse) {
  ModelConfig c = test::tiny_config("offline");
  c.tie_embeddings = false;
  Result<WeightFile> w = WeightFile::parse(tiny_file(c), c.vocab_hash);
  ASSERT_TRUE(w.ok()) << w.error();
  EXPECT_NE(w->find("lm_head"), nullptr);
  EXPECT_NE(w->find("enc.layers.1.w3"), nullptr);
  EXPECT_NE(w->find("enc_proj"), nullptr);
  EXPECT_EQ(w->config().enc_layers, 2);
}

TEST(Weights, Int8IsDequantizedPerRow) {
  const ModelConfig c = test::tiny_config();
  const std::vector<Tensor> tensors = test::random_tensors(c, 7);
  Result<WeightFile> w = WeightFile::parse(tiny_file(c, /*i8=*/true), c.vocab_hash);
  ASSERT_TRUE(w.ok()) << w.error();
  const Tensor* wq = w->find("layers.0.wq");
  ASSERT_NE(wq, nullptr);
  EXPECT_TRUE(wq->quantized);
  EXPECT_FALSE(w->find("norm")->quantized);  // 1-D tensors stay f32
  EXPECT_EQ(w->find("layers.0.wq.scale"), nullptr);
  const Tensor& ref = tensors[2];
  ASSERT_EQ(ref.name, "layers.0.wq");
  for (size_t i = 0; i < ref.data.size(); ++i) {
    const float amax_bound = 1.7f / 8.0f;  // |w| <= 1.7/sqrt(64)
    EXPECT_NEAR(wq->data[i], ref.data[i], amax_bound / 127.0f * 0.5f + 1e-6f) << i;
  }
}

TEST(Weights, RejectsBadMagicAndTinyBuffers) {
  std::vector<uint8_t> b = tiny_file();
  EXPECT_NE(parse_error({}).find("truncated"), std::string::npos);
  EXPECT_NE(parse_error(std::vector<uint8_t>(b.begin(), b.begin() + 11)).find("truncated"),
            std::string::npos);
  b[3] = 'X';
  EXPECT_NE(parse_error(b).find("bad magic"), std::string::npos);
}

TEST(Weights, EveryTruncationIsAnErrorNeverACrash) {
  const std::vector<uint8_t> b = tiny_file();
  std::vector<size_t> cuts;
  for (size_t n = 0; n < data_start(b) + 256; ++n) cuts.push_back(n);
  for (size_t n = data_start(b) + 256; n < b.size(); n += 397) cuts.push_back(n);
  cuts.push_back(b.size() - 1);
  for (size_t n : cuts) {
    const std::string e = parse_error(std::vector<uint8_t>(b.begin(), b.begin() + static_cast<long>(n)));
    EXPECT_FALSE(e.empty()) << "a file cut to " << n << " bytes parsed";
  }
  EXPECT_NE(parse_error(std::vector<uint8_t>(b.begin(), b.end() - 1)).find("truncated"),
            std::string::npos);
}

TEST(Weights, FlippedHeaderBytesNeverCrash) {
  const std::vector<uint8_t> b = tiny_file();
  int rejected = 0;
  for (size_t i = 0; i < data_start(b); ++i) {
    std::vector<uint8_t> f = b;
    f[i] ^= 0x5a;
    Result<WeightFile> w = WeightFile::parse(f, "0123456789abcdef");
    if (!w.ok()) {
      EXPECT_FALSE(w.error().empty());
      ++rejected;
    }
  }
  // Almost every flip breaks the magic, JSON, a number, a name or the padding.
  EXPECT_GT(rejected, static_cast<int>(data_start(b)) * 9 / 10);
}

TEST(Weights, HeaderLengthPastTheEnd) {
  std::vector<uint8_t> b = tiny_file();
  b[11] = 0x7f;
  EXPECT_NE(parse_error(b).find("header_len"), std::string::npos);
}

TEST(Weights, InvalidJsonAndNonObject) {
  const std::vector<uint8_t> b = tiny_file();
  EXPECT_EQ(parse_error(with_header(b, "{\"format\": 1,")), "header: invalid JSON");
  EXPECT_EQ(parse_error(with_header(b, "[1, 2]")), "header: JSON must be an object");
}

TEST(Weights, MissingOrMistypedFields) {
  const std::vector<uint8_t> b = tiny_file();
  EXPECT_EQ(parse_error(edit(b, [](json& h) { h.erase("d_ff"); })), "header: missing \"d_ff\"");
  EXPECT_EQ(parse_error(edit(b, [](json& h) { h["n_heads"] = "4"; })),
            "header: \"n_heads\" must be an integer");
  EXPECT_EQ(parse_error(edit(b, [](json& h) { h["format"] = 2; })),
            "header: \"format\" = 2 outside 1..1");
  EXPECT_NE(parse_error(edit(b, [](json& h) { h["arch"] = "seq2seq"; })).find("arch"),
            std::string::npos);
  EXPECT_NE(parse_error(edit(b, [](json& h) { h["n_heads"] = 5; })).find("not divisible"),
            std::string::npos);
  EXPECT_NE(parse_error(edit(b, [](json& h) { h["rope_theta"] = -1; })).find("rope_theta"),
            std::string::npos);
  EXPECT_NE(parse_error(edit(b, [](json& h) { h["tie_embeddings"] = 1; })).find("tie_embeddings"),
            std::string::npos);
  EXPECT_NE(parse_error(edit(b, [](json& h) { h.erase("tensors"); })).find("tensors"),
            std::string::npos);
}

TEST(Weights, VocabHashMismatch) {
  const std::vector<uint8_t> b = tiny_file();
  const std::string e = parse_error(b, "ffffffffffffffff");
  EXPECT_NE(e.find("vocab hash mismatch"), std::string::npos) << e;
  EXPECT_NE(e.find("0123456789abcdef"), std::string::npos) << e;
  EXPECT_EQ(parse_error(b, ""), "");  // an empty expectation skips the check
}

TEST(Weights, WrongShapeNamesTheTensor) {
  const std::vector<uint8_t> b = tiny_file();
  // Changing the header's d_ff makes every MLP tensor disagree with it.
  EXPECT_EQ(parse_error(edit(b, [](json& h) { h["d_ff"] = 96; })),
            "tensor \"layers.0.w1\" has shape [88, 64], expected [96, 64] from the header's dims");
  // A tensor whose own shape is wrong (same byte count, transposed).
  const std::string e = parse_error(edit(b, [](json& h) {
    tensor_entry(h, "layers.1.w2")["shape"] = {88, 64};
  }));
  EXPECT_EQ(e, "tensor \"layers.1.w2\" has shape [88, 64], expected [64, 88] from the header's dims");
  // A bigger vocabulary than the stored embedding.
  EXPECT_NE(parse_error(edit(b, [](json& h) { h["vocab_size"] = 51; })).find("tok_emb"),
            std::string::npos);
}

TEST(Weights, TensorEntryProblems) {
  const std::vector<uint8_t> b = tiny_file();
  EXPECT_NE(parse_error(edit(b, [](json& h) { tensor_entry(h, "norm")["offset"] = 4; }))
                .find("not 64-byte aligned"),
            std::string::npos);
  EXPECT_NE(parse_error(edit(b, [](json& h) { tensor_entry(h, "norm")["dtype"] = "f16"; }))
                .find("unsupported dtype"),
            std::string::npos);
  EXPECT_NE(parse_error(edit(b, [](json& h) { tensor_entry(h, "norm")["offset"] = 1 << 30; }))
                .find("ends past the file"),
            std::string::npos);
  EXPECT_NE(parse_error(edit(b, [](json& h) {
              tensor_entry(h, "norm")["offset"] = tensor_entry(h, "tok_emb")["offset"];
            })).find("overlap"),
            std::string::npos);
  EXPECT_EQ(parse_error(edit(b, [](json& h) {
              json& ts = h["tensors"];
              for (size_t i = 0; i < ts.size(); ++i)
                if (ts[i]["name"] == "layers.1.wv") ts.erase(i);
            })),
            "missing tensor \"layers.1.wv\"");
  EXPECT_NE(parse_error(edit(b, [](json& h) {
              json extra = tensor_entry(h, "norm");
              h["tensors"].push_back(extra);
            })).find("listed twice"),
            std::string::npos);
  EXPECT_EQ(parse_error(edit(b, [](json& h) { tensor_entry(h, "norm")["name"] = "norm2"; })),
            "missing tensor \"norm\"");
  EXPECT_NE(parse_error(edit(b, [](json& h) { tensor_entry(h, "norm")["shape"] = json::array(); }))
                .find("shape"),
            std::string::npos);
  EXPECT_NE(parse_error(edit(b, [](json& h) { tensor_entry(h, "norm")["shape"] = {-64}; }))
                .find("bad dimension"),
            std::string::npos);
}

TEST(Weights, UnexpectedTensorIsRejected) {
  // An online header claiming an extra tensor placed past the others.
  std::vector<uint8_t> b = tiny_file();
  const size_t data_bytes = b.size() - data_start(b);
  std::vector<uint8_t> grown = edit(b, [&](json& h) {
    h["tensors"].push_back({{"name", "rope_freqs"}, {"dtype", "f32"}, {"shape", {8}},
                            {"offset", (data_bytes + 63) / 64 * 64}});
  });
  grown.resize(data_start(grown) + (data_bytes + 63) / 64 * 64 + 32, 0);
  EXPECT_EQ(parse_error(grown), "unexpected tensor \"rope_freqs\" for arch online");
}

TEST(Weights, NonFiniteValuesAndDirtyPadding) {
  std::vector<uint8_t> b = tiny_file();
  json h = header_of(b);
  const size_t norm_at = data_start(b) + tensor_entry(h, "norm")["offset"].get<size_t>();
  std::vector<uint8_t> nan_file = b;
  const float nan = std::nanf("");
  std::memcpy(nan_file.data() + norm_at + 4 * 3, &nan, 4);
  EXPECT_EQ(parse_error(nan_file), "tensor \"norm\" has a non-finite value at index 3");
  std::vector<uint8_t> dirty = b;
  ASSERT_LT(12 + header_len(b), data_start(b));
  dirty[data_start(b) - 1] = 1;
  EXPECT_NE(parse_error(dirty).find("padding"), std::string::npos);
}

TEST(Weights, Int8CompanionScaleChecked) {
  const std::vector<uint8_t> b = tiny_file(test::tiny_config(), /*i8=*/true);
  ASSERT_EQ(parse_error(b), "");
  EXPECT_EQ(parse_error(edit(b, [](json& h) {
              tensor_entry(h, "layers.0.wq.scale")["name"] = "layers.0.wq.scales";
            })),
            "i8 tensor \"layers.0.wq\" has no \".scale\" tensor");
  EXPECT_NE(parse_error(edit(b, [](json& h) {
              tensor_entry(h, "layers.0.wq.scale")["shape"] = {32};
            })).find("must be f32 of shape [64]"),
            std::string::npos);
}

TEST(Weights, EncodeRejectsBadInput) {
  const ModelConfig c = test::tiny_config();
  std::vector<Tensor> tensors = test::random_tensors(c, 1);
  tensors.pop_back();  // drop "norm"
  Result<std::vector<uint8_t>> r = encode_weight_file(c, tensors);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "encode: missing tensor \"norm\"");
  ModelConfig bad = c;
  bad.n_heads = 3;
  EXPECT_FALSE(encode_weight_file(bad, test::random_tensors(c, 1)).ok());
}

}  // namespace
}  // namespace jam
