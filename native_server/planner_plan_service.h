// planner_plan_service.h — the real PlanService: the ReaLJam planner (core PlanningStack) over the
// native engines, one stack per (worker, model).
//
//   jam::PlanServiceFactory f = jam::make_planner_factory();   // loads weights at startup
//   jam::InferencePool pool(models, f, ...);
//
// Weights are parsed once per model and shared read-only by every worker. All workers share one
// prefix cache per online model (cache_entries KV states, engines forked from one copy of the
// packed weights), so a session's state is found by whichever worker plans its next request;
// each worker owns its planner and offline engine (the warm start uses the offline model with
// the same vocabulary, preferring the id "offline"). A model directory whose files are missing or corrupt
// makes the factory throw at startup with the reason, so the server refuses to start.
#pragma once

#include <memory>

#include "plan_service.h"

namespace jam {

struct PlannerServiceOptions {
  int cache_entries = 64;  // KV states kept per online model (~7 MB each for the full model)
};

PlanServiceFactory make_planner_factory(PlannerServiceOptions options = {});

}  // namespace jam
