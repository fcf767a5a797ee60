// metrics.h — server counters exported as Prometheus text on GET /metrics.
//
//   metrics.on_request(jam::Route::kPlan);
//   metrics.observe(jam::Route::kPlan, seconds);
//   metrics.on_error(jam::ErrorKind::kBadRequest);
//   std::string text = metrics.prometheus_text(gauges);
//
// Lock-free (relaxed atomics); every member function may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "jam/planner.h"

namespace jam {

enum class Route : int { kStatic, kHealthz, kModels, kMetrics, kPlan, kJam, kHarmonize, kOther, kCount };
enum class ErrorKind : int {
  kBadRequest,        // 400: malformed HTTP, JSON or protocol values
  kForbidden,         // 403: cross-origin request
  kNotFound,          // 404: unknown path, file or model
  kMethodNotAllowed,  // 405
  kTooLarge,          // 413 / 431 / WebSocket close 1009
  kBusy,              // 503: inference queue full
  kRateLimited,       // 429: a connection over its plan-request rate (rate_limiter.h)
  kTimeout,           // slow or idle connection closed
  kInternal,          // 500: planner failure
  kCount
};

std::string_view route_name(Route r);
std::string_view error_kind_name(ErrorKind k);

// Values sampled at scrape time by the caller.
struct MetricsGauges {
  double uptime_s = 0;
  size_t queue_depth = 0;
  size_t queue_capacity = 0;
  int workers = 0;
};

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  void on_request(Route r);
  void on_error(ErrorKind k);
  void observe(Route r, double seconds);  // request latency (received -> response queued)
  void on_plan(const PlanStats& stats);  // one planner run (any outcome)
  void on_websocket_open();
  void on_websocket_close();
  uint64_t requests(Route r) const;
  uint64_t errors(ErrorKind k) const;
  std::string prometheus_text(const MetricsGauges& gauges) const;

 private:
  static constexpr size_t kRoutes = static_cast<size_t>(Route::kCount);
  static constexpr size_t kKinds = static_cast<size_t>(ErrorKind::kCount);
  struct Histogram {
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> counts{};  // last = +Inf
    std::atomic<uint64_t> sum_ns{0};
  };
  std::array<std::atomic<uint64_t>, kRoutes> requests_{};
  std::array<std::atomic<uint64_t>, kKinds> errors_{};
  std::array<Histogram, kRoutes> latency_{};
  std::atomic<uint64_t> plans_{0}, cache_hits_{0}, warm_starts_{0};
  std::atomic<uint64_t> tokens_fed_{0}, tokens_reused_{0};
  std::atomic<int64_t> websockets_open_{0};
  std::atomic<uint64_t> websockets_total_{0};
};

}  // namespace jam
