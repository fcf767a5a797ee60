// engine_common.h (private to jam_core) — pieces both engines share: the token embedding, the
// output head (final RMSNorm + LM head) and the argument checks of SequenceModel::feed.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine_kernels.h"
#include "jam/result.h"
#include "jam/status.h"
#include "jam/weights.h"
#include "transformer.h"

namespace jam::detail {

class Embedding {
 public:
  static Result<Embedding> create(const WeightFile& weights, const std::string& name);
  // Writes the embedding of `token` (must be in range) into row[0..d).
  void lookup(int32_t token, float* row) const;
  int vocab_size() const { return vocab_; }

 private:
  int vocab_ = 0, d_ = 0;
  std::vector<float> table_;
};

class OutputHead {
 public:
  // `norm_name`: the final norm tensor; the head is `lm_head`, or `tok_emb` when tied.
  static Result<OutputHead> create(const WeightFile& weights, const std::string& norm_name,
                                   Int8Copies int8 = Int8Copies::kNone);
  int vocab_size() const { return head_.f32.out; }
  int ld_logits() const { return kernels::round_up_panel(head_.f32.out); }
  // logits[i * ld_logits() + v] for the n rows x[i * ldx ...]; `scratch` holds n * ldx floats.
  // `fed` is the size of the feed: the int8 head is used only for feeds of a few tokens.
  void logits(const float* x, int ldx, int n, int fed, float* scratch, float* logits) const;
  // The logits after a feed of `n` rows of x (row stride ldx): every row when `all_positions`,
  // else the last one only; grows `scratch` and `logits` as needed.
  void feed_logits(const float* x, int ldx, int n, bool all_positions, kernels::FloatBuffer& scratch,
                   kernels::FloatBuffer& logits) const;

 private:
  std::vector<float> norm_;
  float eps_ = 1e-5f;
  kernels::Linear head_;
};

// The checks every feed() makes before touching state: n >= 1, 0 <= start <= position,
// start + n <= limit, tokens in [0, vocab). `limit_what` names the limit and `op` the operation
// in the message.
Status check_feed(std::span<const int32_t> tokens, int start, int position, int limit,
                  const char* limit_what, int vocab, const char* op = "feed");

}  // namespace jam::detail
