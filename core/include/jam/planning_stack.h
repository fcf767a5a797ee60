// planning_stack.h — everything one inference worker needs to plan with one online model:
// the model bundle (vocabulary + weights, parsed from bytes), a prefix cache of engine states, the
// offline engine for the warm start, and the Planner.
//
//   auto online = jam::ModelBundle::parse("online", vocab_json, jamw_bytes);   // host reads files
//   auto offline = jam::ModelBundle::parse("offline", vocab_json2, jamw_bytes2);
//   auto stack = jam::PlanningStack::create(online_ptr, offline_ptr, {});
//   jam::Result<jam::PlanResponse> r = (*stack)->plan_sync(request);
//
// Bundles are immutable and shared (const, thread-safe); a PlanningStack belongs to one thread
// (its prefix cache may be shared with other stacks on other threads when the cache's config has
// a host guard, see prefix_cache.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "jam/chord_vocab.h"
#include "jam/model.h"
#include "jam/planner.h"
#include "jam/prefix_cache.h"
#include "jam/result.h"
#include "jam/weights.h"

namespace jam {

class OfflineEngine;

// A parsed model directory: vocab.json + model.jamw (the vocabulary hash must match).
struct ModelBundle {
  std::string id;
  ChordVocab vocab;
  std::shared_ptr<const WeightFile> weights;

  const ModelConfig& config() const { return weights->config(); }
  static Result<ModelBundle> parse(std::string id, std::string_view vocab_json,
                                   std::span<const uint8_t> jamw_bytes);
};

struct PlanningStackConfig {
  PlannerConfig planner;
  PrefixCacheConfig cache;
  ParallelFor parallel_for;  // host threads for prefill (optional)
  int n_tasks = 2;
};

class PlanningStack {
 public:
  // `online` must be an online model; `offline` (may be null) an offline model with the same
  // vocabulary. Both must outlive the stack. With `shared_cache` (another stack's cache() for the
  // same online model) the stacks share one prefix cache and one copy of the online weights, and
  // a session's state follows it to whichever worker serves its next request.
  static Result<std::unique_ptr<PlanningStack>> create(
      std::shared_ptr<const ModelBundle> online, std::shared_ptr<const ModelBundle> offline,
      PlanningStackConfig config = {}, std::shared_ptr<PrefixCache> shared_cache = nullptr);
  // KV positions a planner with this config can need (BOS + window + largest lookahead).
  static int positions_needed(const PlannerConfig& planner);
  ~PlanningStack();

  // Plans with the native engines (which answer synchronously).
  Result<PlanResponse> plan_sync(const PlanRequest& request);

  Planner& planner() { return *planner_; }
  PrefixCache& cache() { return *cache_; }
  const std::shared_ptr<PrefixCache>& shared_cache() const { return cache_; }
  const ModelBundle& online() const { return *online_; }
  bool has_offline() const { return offline_engine_ != nullptr; }

 private:
  PlanningStack() = default;
  std::shared_ptr<const ModelBundle> online_, offline_;
  std::shared_ptr<PrefixCache> cache_;
  std::unique_ptr<OfflineEngine> offline_engine_;
  std::unique_ptr<Planner> planner_;
};

}  // namespace jam
