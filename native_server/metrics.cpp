// metrics.cpp — see metrics.h.
#include "metrics.h"

#include <cstdio>

namespace jam {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

std::string_view route_name(Route r) {
  switch (r) {
    case Route::kStatic: return "static";
    case Route::kHealthz: return "healthz";
    case Route::kModels: return "models";
    case Route::kMetrics: return "metrics";
    case Route::kPlan: return "plan";
    case Route::kJam: return "jam";
    case Route::kHarmonize: return "harmonize";
    default: return "other";
  }
}

std::string_view error_kind_name(ErrorKind k) {
  switch (k) {
    case ErrorKind::kBadRequest: return "bad_request";
    case ErrorKind::kForbidden: return "forbidden";
    case ErrorKind::kNotFound: return "not_found";
    case ErrorKind::kMethodNotAllowed: return "method_not_allowed";
    case ErrorKind::kTooLarge: return "too_large";
    case ErrorKind::kBusy: return "busy";
    case ErrorKind::kRateLimited: return "rate_limited";
    case ErrorKind::kTimeout: return "timeout";
    default: return "internal";
  }
}

void Metrics::on_request(Route r) { requests_[static_cast<size_t>(r)].fetch_add(1, kRelaxed); }

void Metrics::on_error(ErrorKind k) { errors_[static_cast<size_t>(k)].fetch_add(1, kRelaxed); }

void Metrics::observe(Route r, double seconds) {
  Histogram& h = latency_[static_cast<size_t>(r)];
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  h.counts[b].fetch_add(1, kRelaxed);
  h.sum_ns.fetch_add(static_cast<uint64_t>(seconds > 0 ? seconds * 1e9 : 0), kRelaxed);
}

void Metrics::on_plan(const PlanStats& stats) {
  if (stats.tokens_fed == 0 && stats.tokens_reused == 0) return;  // the planner never ran
  plans_.fetch_add(1, kRelaxed);
  if (stats.cache_hit) cache_hits_.fetch_add(1, kRelaxed);
  if (stats.warm_start) warm_starts_.fetch_add(1, kRelaxed);
  tokens_fed_.fetch_add(static_cast<uint64_t>(stats.tokens_fed), kRelaxed);
  tokens_reused_.fetch_add(static_cast<uint64_t>(stats.tokens_reused), kRelaxed);
}

void Metrics::on_websocket_open() {
  websockets_open_.fetch_add(1, kRelaxed);
  websockets_total_.fetch_add(1, kRelaxed);
}

void Metrics::on_websocket_close() { websockets_open_.fetch_sub(1, kRelaxed); }

uint64_t Metrics::requests(Route r) const { return requests_[static_cast<size_t>(r)].load(kRelaxed); }

uint64_t Metrics::errors(ErrorKind k) const { return errors_[static_cast<size_t>(k)].load(kRelaxed); }

std::string Metrics::prometheus_text(const MetricsGauges& g) const {
  std::string out;
  out += "# HELP jam_requests_total Requests by route (WebSocket: one per message on /v1/jam).\n";
  out += "# TYPE jam_requests_total counter\n";
  for (size_t r = 0; r < kRoutes; ++r) {
    out += "jam_requests_total{route=\"" + std::string(route_name(static_cast<Route>(r))) + "\"} " +
           std::to_string(requests_[r].load(kRelaxed)) + "\n";
  }
  out += "# HELP jam_errors_total Error responses and dropped connections by kind.\n";
  out += "# TYPE jam_errors_total counter\n";
  for (size_t k = 0; k < kKinds; ++k) {
    out += "jam_errors_total{kind=\"" + std::string(error_kind_name(static_cast<ErrorKind>(k))) +
           "\"} " + std::to_string(errors_[k].load(kRelaxed)) + "\n";
  }
  out += "# HELP jam_request_duration_seconds Time from request received to response queued.\n";
  out += "# TYPE jam_request_duration_seconds histogram\n";
  for (size_t r = 0; r < kRoutes; ++r) {
    const std::string route(route_name(static_cast<Route>(r)));
    const Histogram& h = latency_[r];
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += h.counts[b].load(kRelaxed);
      const std::string le = b < kBuckets.size() ? number(kBuckets[b]) : "+Inf";
      out += "jam_request_duration_seconds_bucket{route=\"" + route + "\",le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "jam_request_duration_seconds_sum{route=\"" + route + "\"} " +
           number(static_cast<double>(h.sum_ns.load(kRelaxed)) * 1e-9) + "\n";
    out += "jam_request_duration_seconds_count{route=\"" + route + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += "# HELP jam_inference_queue_depth Plan requests waiting for an inference worker.\n";
  out += "# TYPE jam_inference_queue_depth gauge\n";
  out += "jam_inference_queue_depth " + std::to_string(g.queue_depth) + "\n";
  out += "# HELP jam_inference_queue_capacity Queue slots over all workers (full -> 503).\n";
  out += "# TYPE jam_inference_queue_capacity gauge\n";
  out += "jam_inference_queue_capacity " + std::to_string(g.queue_capacity) + "\n";
  out += "# HELP jam_inference_workers Inference workers (one model instance each).\n";
  out += "# TYPE jam_inference_workers gauge\n";
  out += "jam_inference_workers " + std::to_string(g.workers) + "\n";
  const uint64_t plans = plans_.load(kRelaxed), hits = cache_hits_.load(kRelaxed);
  const uint64_t fed = tokens_fed_.load(kRelaxed), reused = tokens_reused_.load(kRelaxed);
  out += "# HELP jam_planner_plans_total Planner runs (plans that reached a model).\n";
  out += "# TYPE jam_planner_plans_total counter\n";
  out += "jam_planner_plans_total " + std::to_string(plans) + "\n";
  out += "# HELP jam_planner_cache_hits_total Plans that started from a cached KV prefix.\n";
  out += "# TYPE jam_planner_cache_hits_total counter\n";
  out += "jam_planner_cache_hits_total " + std::to_string(hits) + "\n";
  out += "# HELP jam_planner_cache_hit_ratio Share of plans that started from a cached KV prefix.\n";
  out += "# TYPE jam_planner_cache_hit_ratio gauge\n";
  out += "jam_planner_cache_hit_ratio " +
         number(plans ? static_cast<double>(hits) / static_cast<double>(plans) : 0.0) + "\n";
  out += "# HELP jam_planner_tokens_total Model positions per plan: fed through the model, or reused "
         "from the prefix cache.\n";
  out += "# TYPE jam_planner_tokens_total counter\n";
  out += "jam_planner_tokens_total{source=\"fed\"} " + std::to_string(fed) + "\n";
  out += "jam_planner_tokens_total{source=\"reused\"} " + std::to_string(reused) + "\n";
  out += "# HELP jam_planner_warm_starts_total Silence periods harmonized by the offline model.\n";
  out += "# TYPE jam_planner_warm_starts_total counter\n";
  out += "jam_planner_warm_starts_total " + std::to_string(warm_starts_.load(kRelaxed)) + "\n";
  out += "# HELP jam_websocket_sessions Open WebSocket sessions.\n";
  out += "# TYPE jam_websocket_sessions gauge\n";
  out += "jam_websocket_sessions " + std::to_string(websockets_open_.load(kRelaxed)) + "\n";
  out += "# HELP jam_websocket_sessions_total WebSocket sessions accepted.\n";
  out += "# TYPE jam_websocket_sessions_total counter\n";
  out += "jam_websocket_sessions_total " + std::to_string(websockets_total_.load(kRelaxed)) + "\n";
  out += "# HELP jam_uptime_seconds Seconds since the server started.\n";
  out += "# TYPE jam_uptime_seconds gauge\n";
  out += "jam_uptime_seconds " + number(g.uptime_s) + "\n";
  return out;
}

}  // namespace jam
