#include "engine_common.h"

#include <algorithm>

namespace jam::detail {

Result<Embedding> Embedding::create(const WeightFile& weights, const std::string& name) {
  const Tensor* t = weights.find(name);
  if (!t || t->shape.size() != 2) return Error{"engine: missing tensor \"" + name + "\""};
  Embedding e;
  e.vocab_ = static_cast<int>(t->rows());
  e.d_ = static_cast<int>(t->cols());
  e.table_ = t->data;
  return e;
}

void Embedding::lookup(int32_t token, float* row) const {
  std::copy_n(table_.data() + static_cast<size_t>(token) * d_, d_, row);
}

Result<OutputHead> OutputHead::create(const WeightFile& weights, const std::string& norm_name,
                                      Int8Copies int8) {
  const ModelConfig& c = weights.config();
  const Tensor* norm = weights.find(norm_name);
  const char* head_name = c.tie_embeddings ? "tok_emb" : "lm_head";
  const Tensor* head = weights.find(head_name);
  if (!norm) return Error{"engine: missing tensor \"" + norm_name + "\""};
  if (!head) return Error{std::string("engine: missing tensor \"") + head_name + "\""};
  OutputHead o;
  o.norm_ = norm->data;
  o.eps_ = c.norm_eps;
  o.head_.f32 = kernels::pack_rows({{head->data.data(), static_cast<int>(head->rows())}},
                                   static_cast<int>(head->cols()));
  add_int8_copy(o.head_, int8, head->quantized);
  return o;
}

void OutputHead::feed_logits(const float* x, int ldx, int n, bool all_positions,
                             kernels::FloatBuffer& scratch, kernels::FloatBuffer& logits) const {
  const int first = all_positions ? 0 : n - 1;
  const size_t rows = static_cast<size_t>(n - first);
  if (logits.size() < rows * ld_logits()) logits.assign(rows * ld_logits(), 0.0f);
  if (scratch.size() < rows * ldx) scratch.assign(rows * ldx, 0.0f);
  this->logits(x + static_cast<size_t>(first) * ldx, ldx, static_cast<int>(rows), n, scratch.data(),
               logits.data());
}

void OutputHead::logits(const float* x, int ldx, int n, int fed, float* scratch,
                        float* logits) const {
  const int d = head_.f32.in;
  for (int t = 0; t < n; ++t)
    kernels::rmsnorm(x + static_cast<size_t>(t) * ldx, norm_.data(), d, eps_,
                     scratch + static_cast<size_t>(t) * ldx);
  kernels::linear(scratch, ldx, n, head_, 0, head_.panels(), logits, ld_logits(), false,
                  fed <= kernels::kInt8MaxRows);
}

Status check_feed(std::span<const int32_t> tokens, int start, int position, int limit,
                  const char* limit_what, int vocab, const char* op) {
  const std::string o = std::string(op) + ": ";
  if (tokens.empty()) return Status::fail(o + "no tokens");
  if (start < 0 || start > position)
    return Status::fail(o + "start " + std::to_string(start) + " outside 0.." +
                        std::to_string(position) + " (the cached positions)");
  if (tokens.size() > static_cast<size_t>(limit - start))
    return Status::fail(o + "positions " + std::to_string(start) + ".." +
                        std::to_string(start + static_cast<int64_t>(tokens.size()) - 1) +
                        " exceed " + limit_what + " " + std::to_string(limit));
  for (size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i] < 0 || tokens[i] >= vocab)
      return Status::fail(o + "token " + std::to_string(tokens[i]) + " at index " +
                          std::to_string(i) + " outside the vocabulary 0.." +
                          std::to_string(vocab - 1));
  return {};
}

}  // namespace jam::detail
