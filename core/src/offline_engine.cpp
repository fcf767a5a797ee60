#include "jam/offline_engine.h"

#include <algorithm>

#include "engine_common.h"
#include "transformer.h"

namespace jam {

struct OfflineEngine::Impl {
  ModelConfig config;
  EngineOptions options;
  detail::TransformerStack encoder, decoder;
  detail::Embedding enc_embedding, dec_embedding;
  detail::OutputHead head;
  std::vector<float> enc_norm_weight;
  kernels::PackedMatrix enc_proj;
  kernels::FloatBuffer projected;     // [n_frames, ld]: P·e_t
  kernels::FloatBuffer x, scratch, logits;
  int n_frames = 0;
  int position = 0;

  Status run(std::span<const int32_t> tokens, int start, bool all_positions) {
    if (n_frames == 0) return Status::fail("offline engine: encode() a melody first");
    if (Status s = detail::check_feed(tokens, start, position, n_frames, "the melody length",
                                      config.vocab_size);
        !s)
      return s;
    const int n = static_cast<int>(tokens.size());
    const int ld = decoder.ld();
    position = start;
    for (int t = 0; t < n; ++t) {
      float* row = x.data() + static_cast<size_t>(t) * ld;
      dec_embedding.lookup(tokens[t], row);
      const float* p = projected.data() + static_cast<size_t>(start + t) * ld;
      for (int i = 0; i < config.d_model; ++i) row[i] += p[i];
    }
    decoder.forward(x.data(), n, start, /*causal=*/true, options.parallel_for, options.n_tasks);
    position = start + n;
    head.feed_logits(x.data(), ld, n, all_positions, scratch, logits);
    return {};
  }
};

Result<OfflineEngine> OfflineEngine::create(const WeightFile& weights, EngineOptions options) {
  const ModelConfig& c = weights.config();
  if (c.arch != "offline")
    return Error{"offline engine: expected an \"offline\" model, got \"" + c.arch + "\""};
  if (options.capacity == 0) options.capacity = c.max_len;
  if (options.n_tasks < 1) return Error{"offline engine: n_tasks must be >= 1"};
  auto impl = std::make_unique<Impl>();
  impl->config = c;
  auto encoder = detail::TransformerStack::create(weights, "enc.", c.enc_layers, options.capacity);
  if (!encoder) return Error{encoder.error()};
  const detail::Int8Copies int8 = detail::int8_copies(options.int8_stored, options.int8_steps);
  auto decoder = detail::TransformerStack::create(weights, "", c.n_layers, options.capacity, int8);
  if (!decoder) return Error{decoder.error()};
  auto enc_emb = detail::Embedding::create(weights, "enc.tok_emb");
  if (!enc_emb) return Error{enc_emb.error()};
  auto dec_emb = detail::Embedding::create(weights, "tok_emb");
  if (!dec_emb) return Error{dec_emb.error()};
  auto head = detail::OutputHead::create(weights, "norm", int8);
  if (!head) return Error{head.error()};
  const Tensor* enc_norm = weights.find("enc.norm");
  const Tensor* proj = weights.find("enc_proj");
  if (!enc_norm || !proj) return Error{"offline engine: missing enc.norm or enc_proj"};
  impl->encoder = std::move(*encoder);
  impl->decoder = std::move(*decoder);
  impl->enc_embedding = std::move(*enc_emb);
  impl->dec_embedding = std::move(*dec_emb);
  impl->head = std::move(*head);
  impl->enc_norm_weight = enc_norm->data;
  impl->enc_proj = kernels::pack_rows({{proj->data.data(), c.d_model}}, c.d_model);
  impl->options = std::move(options);
  const size_t cells = static_cast<size_t>(impl->decoder.capacity()) * impl->decoder.ld();
  impl->x.assign(cells, 0.0f);
  impl->scratch.assign(cells, 0.0f);
  impl->projected.assign(cells, 0.0f);
  return OfflineEngine(std::move(impl));
}

OfflineEngine::OfflineEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OfflineEngine::OfflineEngine(OfflineEngine&&) noexcept = default;
OfflineEngine& OfflineEngine::operator=(OfflineEngine&&) noexcept = default;
OfflineEngine::~OfflineEngine() = default;

Status OfflineEngine::encode(std::span<const int32_t> melody) {
  Impl& m = *impl_;
  if (melody.empty()) return Status::fail("encode: empty melody");
  if (Status s = detail::check_feed(melody, 0, 0, m.encoder.capacity(), "the capacity",
                                    m.config.vocab_size, "encode");
      !s)
    return s;
  const int n = static_cast<int>(melody.size());
  const int ld = m.encoder.ld();
  for (int t = 0; t < n; ++t)
    m.enc_embedding.lookup(melody[t], m.x.data() + static_cast<size_t>(t) * ld);
  m.encoder.forward(m.x.data(), n, 0, /*causal=*/false, m.options.parallel_for, m.options.n_tasks);
  for (int t = 0; t < n; ++t)
    kernels::rmsnorm(m.x.data() + static_cast<size_t>(t) * ld, m.enc_norm_weight.data(),
                     m.config.d_model, m.config.norm_eps,
                     m.scratch.data() + static_cast<size_t>(t) * ld);
  kernels::gemm(m.scratch.data(), ld, n, m.config.d_model, m.enc_proj.panel_data(),
                m.enc_proj.panel_stride(), 0, m.enc_proj.panels(), m.projected.data(), ld, false);
  m.n_frames = n;
  m.position = 0;
  return {};
}

int OfflineEngine::n_frames() const { return impl_->n_frames; }

void OfflineEngine::feed(std::span<const int32_t> tokens, int start, Done done) {
  Result<std::span<const float>> r = feed_sync(tokens, start);
  if (!r)
    done(Status::fail(r.error()), {});
  else
    done(Status{}, *r);
}

Result<std::span<const float>> OfflineEngine::feed_sync(std::span<const int32_t> tokens,
                                                        int start) {
  if (Status s = impl_->run(tokens, start, false); !s) return Error{s.error()};
  return std::span<const float>(impl_->logits.data(), static_cast<size_t>(impl_->config.vocab_size));
}

Result<std::vector<float>> OfflineEngine::feed_all_logits(std::span<const int32_t> tokens,
                                                          int start) {
  if (Status s = impl_->run(tokens, start, true); !s) return Error{s.error()};
  const size_t v = static_cast<size_t>(impl_->config.vocab_size);
  const size_t ld = static_cast<size_t>(impl_->head.ld_logits());
  std::vector<float> out(tokens.size() * v);
  for (size_t t = 0; t < tokens.size(); ++t)
    std::copy_n(impl_->logits.data() + t * ld, v, out.data() + t * v);
  return out;
}

Result<std::span<const float>> OfflineEngine::step(int32_t prev_chord) {
  return feed_sync(std::span<const int32_t>(&prev_chord, 1), impl_->position);
}

int OfflineEngine::position() const { return impl_->position; }
int OfflineEngine::max_len() const { return impl_->decoder.capacity(); }
int OfflineEngine::vocab_size() const { return impl_->config.vocab_size; }
void OfflineEngine::reset() { impl_->position = 0; }
const ModelConfig& OfflineEngine::config() const { return impl_->config; }

}  // namespace jam
