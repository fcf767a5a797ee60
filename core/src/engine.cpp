#include "jam/engine.h"

#include <algorithm>
#include <memory>

#include "engine_common.h"
#include "transformer.h"

namespace jam {

struct Engine::Impl {
  ModelConfig config;
  EngineOptions options;
  detail::TransformerStack stack;
  std::shared_ptr<const detail::Embedding> embedding;  // shared with fork()s
  std::shared_ptr<const detail::OutputHead> head;
  kernels::FloatBuffer x, scratch, logits;
  int position = 0;

  Status run(std::span<const int32_t> tokens, int start, bool all_positions) {
    if (Status s = detail::check_feed(tokens, start, position, stack.capacity(),
                                      "the KV capacity", config.vocab_size);
        !s)
      return s;
    const int n = static_cast<int>(tokens.size());
    const int ld = stack.ld();
    position = start;
    for (int t = 0; t < n; ++t) embedding->lookup(tokens[t], x.data() + static_cast<size_t>(t) * ld);
    stack.forward(x.data(), n, start, /*causal=*/true, options.parallel_for, options.n_tasks);
    position = start + n;
    head->feed_logits(x.data(), ld, n, all_positions, scratch, logits);
    return {};
  }
};

Result<Engine> Engine::create(const WeightFile& weights, EngineOptions options) {
  const ModelConfig& c = weights.config();
  if (c.arch != "online")
    return Error{"engine: expected an \"online\" model, got \"" + c.arch + "\""};
  if (options.capacity == 0) options.capacity = c.max_len;
  if (options.n_tasks < 1) return Error{"engine: n_tasks must be >= 1"};
  auto impl = std::make_unique<Impl>();
  impl->config = c;
  const detail::Int8Copies int8 = detail::int8_copies(options.int8_stored, options.int8_steps);
  Result<detail::TransformerStack> stack =
      detail::TransformerStack::create(weights, "", c.n_layers, options.capacity, int8);
  if (!stack) return Error{stack.error()};
  Result<detail::Embedding> emb = detail::Embedding::create(weights, "tok_emb");
  if (!emb) return Error{emb.error()};
  Result<detail::OutputHead> head = detail::OutputHead::create(weights, "norm", int8);
  if (!head) return Error{head.error()};
  impl->stack = std::move(*stack);
  impl->embedding = std::make_shared<const detail::Embedding>(std::move(*emb));
  impl->head = std::make_shared<const detail::OutputHead>(std::move(*head));
  impl->options = std::move(options);
  impl->x.assign(static_cast<size_t>(impl->stack.capacity()) * impl->stack.ld(), 0.0f);
  return Engine(std::move(impl));
}

Engine Engine::fork() const {
  auto impl = std::make_unique<Impl>();
  impl->config = impl_->config;
  impl->options = impl_->options;
  impl->stack = impl_->stack.fresh();
  impl->embedding = impl_->embedding;
  impl->head = impl_->head;
  impl->x.assign(static_cast<size_t>(impl->stack.capacity()) * impl->stack.ld(), 0.0f);
  return Engine(std::move(impl));
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;
Engine::~Engine() = default;

void Engine::feed(std::span<const int32_t> tokens, int start, Done done) {
  Result<std::span<const float>> r = feed_sync(tokens, start);
  if (!r)
    done(Status::fail(r.error()), {});
  else
    done(Status{}, *r);
}

Result<std::span<const float>> Engine::feed_sync(std::span<const int32_t> tokens, int start) {
  if (Status s = impl_->run(tokens, start, false); !s) return Error{s.error()};
  return std::span<const float>(impl_->logits.data(), static_cast<size_t>(impl_->config.vocab_size));
}

Result<std::vector<float>> Engine::feed_all_logits(std::span<const int32_t> tokens, int start) {
  if (Status s = impl_->run(tokens, start, true); !s) return Error{s.error()};
  const size_t v = static_cast<size_t>(impl_->config.vocab_size);
  const size_t ld = static_cast<size_t>(impl_->head->ld_logits());
  std::vector<float> out(tokens.size() * v);
  for (size_t t = 0; t < tokens.size(); ++t)
    std::copy_n(impl_->logits.data() + t * ld, v, out.data() + t * v);
  return out;
}

int Engine::position() const { return impl_->position; }
int Engine::max_len() const { return impl_->stack.capacity(); }
int Engine::vocab_size() const { return impl_->config.vocab_size; }
void Engine::reset() { impl_->position = 0; }
const ModelConfig& Engine::config() const { return impl_->config; }
const char* Engine::kernel_name() { return kernels::gemm_kernel_name(); }
bool Engine::use_kernel(const char* name) { return kernels::use_kernel(name); }

}  // namespace jam
