#include "planner_plan_service.h"

#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>

#include "jam/planning_stack.h"
#include "model_files.h"
#include "model_registry.h"

namespace jam {

namespace {

// Bundles parsed once, shared by all workers (immutable after load), and one prefix cache per
// online model shared by all workers (thread-safe; it also holds the one copy of the weights).
struct SharedBundles {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<const ModelBundle>> by_id;
  std::map<std::string, std::shared_ptr<PrefixCache>> caches;
  std::shared_ptr<std::mutex> cache_mutex = std::make_shared<std::mutex>();  // guards the caches
  PlannerServiceOptions options;

  std::shared_ptr<const ModelBundle> get(const ModelInfo& info) {
    std::lock_guard lock(mu);
    auto it = by_id.find(info.id);
    if (it != by_id.end()) return it->second;
    auto b = load_model_bundle(info.dir.parent_path(), info.id);
    if (!b) throw std::runtime_error("model " + info.id + ": " + b.error());
    by_id[info.id] = *b;
    return *b;
  }
};

class PlannerPlanService final : public PlanService {
 public:
  PlannerPlanService(const ModelRegistry& models, std::shared_ptr<SharedBundles> bundles)
      : bundles_(std::move(bundles)) {
    for (const ModelInfo& m : models.models()) {
      if (m.arch == "offline") offline_.push_back(bundles_->get(m));
    }
    for (const ModelInfo& m : models.models()) {
      if (m.arch == "offline") continue;
      auto online = bundles_->get(m);
      std::shared_ptr<const ModelBundle> offline;
      for (auto& o : offline_) {
        if (o->vocab.hash() != online->vocab.hash()) continue;
        if (!offline || o->id == "offline") offline = o;
      }
      PlanningStackConfig config;
      config.cache.max_entries = bundles_->options.cache_entries;
      config.cache.guard = [mu = bundles_->cache_mutex](const std::function<void()>& critical) {
        std::lock_guard lock(*mu);
        critical();
      };
      std::shared_ptr<PrefixCache> cache;
      {
        std::lock_guard lock(bundles_->mu);
        cache = bundles_->caches[m.id];
      }
      auto stack = PlanningStack::create(online, offline, config, cache);
      if (!stack) throw std::runtime_error("model " + m.id + ": " + stack.error());
      if (!cache) {
        std::lock_guard lock(bundles_->mu);
        bundles_->caches[m.id] = (*stack)->shared_cache();
      }
      stacks_[m.id] = std::move(*stack);
    }
  }

  PlanOutcome plan(const PlanRequest& request) override {
    PlanOutcome out;
    auto it = stacks_.find(request.model);
    if (it == stacks_.end()) {
      out.status = 404;
      out.error = "model: '" + request.model + "' cannot plan (it is not an online model)";
      return out;
    }
    auto r = it->second->plan_sync(request);
    out.stats = it->second->planner().last_stats();
    if (!r) {
      // Grammar problems in the echoed stream are the client's; anything else is ours.
      const bool client = r.error().rfind("chord_tokens", 0) == 0 || r.error().rfind("plan needs", 0) == 0;
      out.status = client ? 400 : 500;
      out.error = r.error();
      return out;
    }
    out.response = std::move(*r);
    return out;
  }

  std::string_view name() const override { return "planner"; }

 private:
  std::shared_ptr<SharedBundles> bundles_;
  std::vector<std::shared_ptr<const ModelBundle>> offline_;
  std::map<std::string, std::unique_ptr<PlanningStack>> stacks_;
};

}  // namespace

PlanServiceFactory make_planner_factory(PlannerServiceOptions options) {
  auto bundles = std::make_shared<SharedBundles>();
  bundles->options = options;
  return [bundles](const ModelRegistry& models, int) -> std::unique_ptr<PlanService> {
    return std::make_unique<PlannerPlanService>(models, bundles);
  };
}

}  // namespace jam
