// plan_endpoint.h — protocol v1 plan requests, independent of the transport (HTTP POST /v1/plan
// and WebSocket /v1/jam text messages share it).
//
//   endpoint.handle(body, std::nullopt, [](jam::PlanReply reply) { send(reply); });
//
// handle() parses and validates the body (400), checks the model id (404) and, when the model's
// config.json gives vocab_size, that every chord token is below it (400), and posts the request
// to the inference pool (503 + retry_after_s when its queue is full). `done` is called exactly
// once: before handle() returns for errors, otherwise later on an inference worker thread (the
// caller must hop back to its own executor). handle() may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "inference_pool.h"
#include "metrics.h"
#include "model_registry.h"

namespace jam {

inline constexpr size_t kMaxBodyBytes = size_t{1} << 20;  // 1 MiB: larger bodies get 413

struct PlanReply {
  int status = 200;
  std::string body;       // status 200: the PlanResponse JSON
  std::string error;      // otherwise: "<where>: <what>" for the transport's error object
  int retry_after_s = 0;  // > 0 with status 503
  std::string session;    // the session id the request was planned under ("" if it was invalid)
};

class PlanEndpoint {
 public:
  using Done = std::function<void(PlanReply)>;
  PlanEndpoint(const ModelRegistry& models, InferencePool& pool, Metrics& metrics,
               ProtocolLimits limits = {});

  // `default_session` is used when the request names none (a WebSocket connection's id).
  void handle(std::string_view body, const std::optional<std::string>& default_session, Done done);

 private:
  const ModelRegistry& models_;
  InferencePool& pool_;
  Metrics& metrics_;
  ProtocolLimits limits_;
};

}  // namespace jam
