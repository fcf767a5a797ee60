// plan_endpoint.cpp — see plan_endpoint.h.
#include "plan_endpoint.h"

#include <utility>

namespace jam {

PlanEndpoint::PlanEndpoint(const ModelRegistry& models, InferencePool& pool, Metrics& metrics,
                           ProtocolLimits limits)
    : models_(models), pool_(pool), metrics_(metrics), limits_(limits) {}

void PlanEndpoint::handle(std::string_view body, const std::optional<std::string>& default_session,
                          Done done) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  if (body.size() > kMaxBodyBytes) {
    metrics_.on_error(ErrorKind::kTooLarge);
    done({413, "", "body: larger than " + std::to_string(kMaxBodyBytes) + " bytes", 0, ""});
    return;
  }
  Result<PlanRequest> parsed = parse_plan_request(body, limits_);
  if (!parsed) {
    metrics_.on_error(ErrorKind::kBadRequest);
    done({400, "", parsed.error(), 0, ""});
    return;
  }
  PlanRequest request = std::move(*parsed);
  const ModelInfo* model = models_.find(request.model);
  if (model == nullptr) {
    metrics_.on_error(ErrorKind::kNotFound);
    done({404, "", "model: unknown model '" + request.model + "' (see GET /v1/models)", 0, ""});
    return;
  }
  if (model->vocab_size) {  // tokens must exist in this model's vocabulary
    for (size_t i = 0; i < request.chord_tokens.size(); ++i) {
      if (request.chord_tokens[i] >= *model->vocab_size) {
        metrics_.on_error(ErrorKind::kBadRequest);
        done({400, "",
              "chord_tokens[" + std::to_string(i) + "]: " + std::to_string(request.chord_tokens[i]) +
                  " outside 0.." + std::to_string(*model->vocab_size - 1) + " (model '" +
                  request.model + "')",
              0, ""});
        return;
      }
    }
  }
  if (!request.session && default_session) request.session = default_session;
  std::string session = request.session.value_or("");

  // `done` is moved into the job only when the pool accepts it; keep a copy for the 503 path.
  auto shared_done = std::make_shared<Done>(std::move(done));
  Metrics& metrics = metrics_;
  bool queued = pool_.submit(std::move(request), [shared_done, start, &metrics, session](PlanOutcome o) {
    metrics.on_plan(o.stats);
    if (o.status != 200) {
      metrics.on_error(o.status == 503 ? ErrorKind::kBusy : ErrorKind::kInternal);
      (*shared_done)({o.status, "", o.error.empty() ? "planner: failed" : o.error, 0, session});
      return;
    }
    o.response.server_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    (*shared_done)({200, plan_response_json(o.response), "", 0, session});
  });
  if (!queued) {
    metrics_.on_error(ErrorKind::kBusy);
    (*shared_done)({503, "", "server busy: inference queue full, retry later", 1, session});
  }
}

}  // namespace jam
