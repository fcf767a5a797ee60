#include "jam/planning_stack.h"

#include "jam/engine.h"
#include "jam/offline_engine.h"
#include "jam/protocol.h"

#include <algorithm>

namespace jam {

Result<ModelBundle> ModelBundle::parse(std::string id, std::string_view vocab_json,
                                       std::span<const uint8_t> jamw_bytes) {
  auto vocab = ChordVocab::from_json(vocab_json);
  if (!vocab) return Result<ModelBundle>::fail(id + "/vocab.json: " + vocab.error());
  auto weights = WeightFile::parse(jamw_bytes, vocab->hash());
  if (!weights) return Result<ModelBundle>::fail(id + "/model.jamw: " + weights.error());
  if (weights->config().vocab_size != 260 + 2 * vocab->size())
    return Result<ModelBundle>::fail(id + ": model.jamw has vocab_size " +
                                     std::to_string(weights->config().vocab_size) +
                                     " but vocab.json implies " +
                                     std::to_string(260 + 2 * vocab->size()));
  ModelBundle b;
  b.id = std::move(id);
  b.vocab = std::move(*vocab);
  b.weights = std::make_shared<const WeightFile>(std::move(*weights));
  return b;
}

int PlanningStack::positions_needed(const PlannerConfig& planner) {
  // The window holds at most max_history_frames frames before F (planner.cpp), plus the
  // protocol's largest lookahead: BOS + two tokens per frame.
  return 1 + 2 * (planner.max_history_frames + ProtocolLimits{}.max_lookahead);
}

Result<std::unique_ptr<PlanningStack>> PlanningStack::create(
    std::shared_ptr<const ModelBundle> online, std::shared_ptr<const ModelBundle> offline,
    PlanningStackConfig config, std::shared_ptr<PrefixCache> shared_cache) {
  using R = Result<std::unique_ptr<PlanningStack>>;
  if (!online || online->config().offline())
    return R::fail("planning needs an online model");
  std::unique_ptr<PlanningStack> s(new PlanningStack());
  s->online_ = online;
  EngineOptions opts;
  opts.parallel_for = config.parallel_for;
  opts.n_tasks = config.n_tasks;
  if (shared_cache) {
    s->cache_ = std::move(shared_cache);
  } else {
    // One engine owns the packed weights; every cache entry is a fork() of it (its own KV cache,
    // sized for the planner's window rather than the model's max_len).
    EngineOptions online_opts = opts;
    online_opts.capacity = std::min(online->config().max_len, positions_needed(config.planner));
    auto proto = Engine::create(*online->weights, online_opts);
    if (!proto) return R::fail(online->id + ": " + proto.error());
    auto shared = std::make_shared<const Engine>(std::move(*proto));
    s->cache_ = std::make_shared<PrefixCache>(
        [shared]() -> std::unique_ptr<SequenceModel> {
          return std::make_unique<Engine>(shared->fork());
        },
        config.cache);
  }
  if (offline) {
    if (!offline->config().offline()) return R::fail(offline->id + " is not an offline model");
    if (offline->vocab.hash() != online->vocab.hash())
      return R::fail(offline->id + " and " + online->id + " use different vocabularies");
    auto e = OfflineEngine::create(*offline->weights, opts);
    if (!e) return R::fail(offline->id + ": " + e.error());
    s->offline_ = offline;
    s->offline_engine_ = std::make_unique<OfflineEngine>(std::move(*e));
  }
  s->planner_ = std::make_unique<Planner>(online->vocab, *s->cache_, s->offline_engine_.get(),
                                          config.planner);
  return s;
}

PlanningStack::~PlanningStack() = default;

Result<PlanResponse> PlanningStack::plan_sync(const PlanRequest& request) {
  Result<PlanResponse> out = Result<PlanResponse>::fail("internal: the planner did not answer");
  planner_->plan(request, [&](Result<PlanResponse> r) { out = std::move(r); });
  return out;
}

}  // namespace jam
