// plan_service.h — the seam between the network server and the planner behind `POST /v1/plan`
// and the WebSocket `/v1/jam`.
//
// The server validates every request (core/protocol) and checks that the model id exists before
// a PlanService ever sees it. An InferencePool owns one PlanService per worker thread (one
// model instance per worker) and calls it only from that thread:
//
//   jam::PlanServiceFactory factory = [](const jam::ModelRegistry& models, int worker) {
//     return std::make_unique<MyPlanner>(models, worker);     // load weights here
//   };
//   jam::InferencePool pool(workers, queue_depth, factory, registry);
//
// Requests of one `session` are planned in arrival order, but not always by the same worker (a
// session with nothing queued goes to the least busy one), so per-session state must be shared
// between a factory's services (the planner shares one prefix cache per model); end_session()
// reaches one worker's service.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "jam/planner.h"
#include "jam/protocol.h"

namespace jam {

class ModelRegistry;

// What a service returns: status 200 with a response, or an HTTP-style status (e.g. 500, 503)
// with an error message. `server_ms` is filled in by the server, not by the service.
struct PlanOutcome {
  int status = 200;
  PlanResponse response;
  std::string error;
  PlanStats stats;  // how the planner served it (for /metrics); zero when it never ran
};

class PlanService {
 public:
  virtual ~PlanService() = default;
  // Plans `request` (already validated; request.model exists in the registry). Called only
  // from the owning worker thread; may block for the duration of inference.
  virtual PlanOutcome plan(const PlanRequest& request) = 0;
  // The client of `session` went away; drop its state. Called from the owning worker thread.
  virtual void end_session(const std::string& session) { (void)session; }
  // Short name for /healthz and logs, e.g. "planner".
  virtual std::string_view name() const = 0;
};

// Builds the service for worker `worker` (0-based). Called on the main thread at startup, once
// per worker; may throw std::exception to abort startup with a message.
using PlanServiceFactory =
    std::function<std::unique_ptr<PlanService>(const ModelRegistry& models, int worker)>;

}  // namespace jam
