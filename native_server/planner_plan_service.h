// planner_plan_service.h — the real PlanService: the ReaLJam planner (core PlanningStack) over the
// native engines, one stack per (worker, model).
//
//   jam::PlanServiceFactory f = jam::make_planner_factory();   // loads weights at startup
//   jam::InferencePool pool(models, f, ...);
//
// Weights are parsed once per model and shared read-only by every worker; each worker owns its
// engines, prefix cache and offline engine (the warm start uses the offline model with the same
// vocabulary, preferring the id "offline"). A model directory whose files are missing or corrupt
// makes the factory throw at startup with the reason, so the server refuses to start.
#pragma once

#include <memory>

#include "plan_service.h"

namespace jam {

PlanServiceFactory make_planner_factory();

}  // namespace jam
