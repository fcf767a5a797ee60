// server_context.h — what every connection of one running server shares.
//
// Built once by main() before the first connection is accepted; the referenced objects outlive
// every session. All members are either immutable after start or thread-safe themselves.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>

#include "harmonize_endpoint.h"
#include "inference_pool.h"
#include "metrics.h"
#include "model_registry.h"
#include "origin_policy.h"
#include "plan_endpoint.h"
#include "server_options.h"

namespace jam {

struct ServerContext {
  ServerOptions options;
  std::filesystem::path web_root;  // empty: no static files
  const ModelRegistry& models;
  Metrics& metrics;
  InferencePool& pool;
  PlanEndpoint& plan;
  HarmonizeEndpoint* harmonize = nullptr;  // POST /v1/harmonize; null: 404
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::atomic<uint64_t> next_session_id{1};
  OriginPolicy origins{options.allow_origins};  // --allow-origin (origin_policy.h)

  double uptime_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
};

}  // namespace jam
