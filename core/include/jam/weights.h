// weights.h — the native weight file `.jamw` (docs/architecture.md): parse and validate it from a
// byte buffer, and write one (tests, tools).
//
// Core does no file I/O: the caller reads the file into memory and passes the bytes. Parsing
// checks, in order: magic, header length, header JSON and every hyper-parameter, the zero
// padding, each tensor entry (name, dtype, shape, 64-byte aligned offset, bounds, no overlap),
// that exactly the tensors the architecture needs are present with the shapes the header's dims
// imply (an `i8` tensor needs its `<name>.scale` f32 companion, one scale per output row), that
// every value is finite, and that the vocabulary hash equals the caller's (from vocab.json).
// Any problem gives a failed Result whose message names the field or tensor; malformed input
// never causes undefined behaviour.
//
//   std::vector<uint8_t> bytes = read_file("models/x/model.jamw");        // host code
//   jam::Result<jam::WeightFile> w = jam::WeightFile::parse(bytes, vocab.hash());
//   if (!w) return fail(w.error());
//   const jam::Tensor* emb = w->find("tok_emb");                           // f32, [V, d]
//
// Tensors are copied out of the buffer (so the buffer may be freed afterwards) and `i8` tensors
// are dequantized to f32 (q * scale[row]). Immutable after parse; const access is thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jam/result.h"
#include "jam/status.h"

namespace jam {

inline constexpr char kJamwMagic[9] = "JAMW0001";
inline constexpr int kJamwAlign = 64;

// Hyper-parameters from the header JSON (names as in the file).
struct ModelConfig {
  std::string arch = "online";   // "online" (decoder-only) | "offline" (encoder + chord decoder)
  int d_model = 0;
  int n_layers = 0;              // decoder layers
  int n_heads = 0;
  int d_ff = 0;
  int vocab_size = 0;
  std::string vocab_hash;        // 16 hex digits, as in vocab.json
  int max_len = 0;               // positions the model was built for (RoPE table, KV capacity)
  float rope_theta = 10000.0f;
  float norm_eps = 1e-5f;
  bool tie_embeddings = true;
  int enc_layers = 0;            // offline only (> 0 there)

  int head_dim() const { return n_heads > 0 ? d_model / n_heads : 0; }
  bool offline() const { return arch == "offline"; }
};

// One tensor, always f32 in memory (row-major); `quantized` records that the file stored i8.
struct Tensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;
  bool quantized = false;

  int64_t rows() const { return shape.empty() ? 0 : shape[0]; }
  int64_t cols() const { return shape.size() < 2 ? 1 : shape[1]; }
};

class WeightFile {
 public:
  // Parses and validates `bytes`. `expected_vocab_hash` must equal the header's vocab_hash
  // (case-insensitive); an empty string skips that check (inspection tools only).
  static Result<WeightFile> parse(std::span<const uint8_t> bytes,
                                  std::string_view expected_vocab_hash);

  const ModelConfig& config() const { return config_; }
  // nullptr when absent. Names as in the file ("layers.3.wq"); `.scale` companions are folded in.
  const Tensor* find(std::string_view name) const;
  const std::vector<Tensor>& tensors() const { return tensors_; }

 private:
  ModelConfig config_;
  std::vector<Tensor> tensors_;
};

// The tensor names and shapes `config` requires, in canonical order (the order `encode` writes).
std::vector<std::pair<std::string, std::vector<int64_t>>> expected_tensors(
    const ModelConfig& config);

// Checks the hyper-parameters alone (positive dims, d_model divisible by n_heads, even head_dim,
// known arch, …). parse() calls it; writers can too.
Status validate_config(const ModelConfig& config);

// Serializes a weight file. Tensors must be the expected set (any order; written in canonical
// order); `quantize_i8` stores 2-D tensors as i8 + per-row scale. Fails on a missing or
// mis-shaped tensor.
Result<std::vector<uint8_t>> encode_weight_file(const ModelConfig& config,
                                                const std::vector<Tensor>& tensors,
                                                bool quantize_i8 = false);

}  // namespace jam
