// harmonize_endpoint.h — `POST /v1/harmonize`: chords for a whole melody from an offline model
// (core harmonizer.h: overlapping windows), for the browser's "Harmonize" panel and other clients.
//
//   jam::HarmonizeEndpoint h(models, metrics, {.queue_depth = 2});   // loads offline models
//   h.handle(body, [](jam::PlanReply reply) { send(reply); });
//
// A harmonization is long work (a 4-minute song is ~1 s of CPU), so it never runs on the
// inference workers that serve live jams: one dedicated thread serves a bounded queue, and a
// request that finds it full gets 503 + Retry-After. handle() parses and validates the body (400),
// checks the model id (404 unknown, 400 when it is not an offline model), and is callable from any
// thread; `done` is called exactly once — before handle() returns for errors, else on the
// harmonizer thread. The destructor stops the thread; jobs still waiting are answered 503.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "jam/protocol.h"
#include "metrics.h"
#include "model_registry.h"
#include "plan_endpoint.h"

namespace jam {

struct ModelBundle;
class OfflineEngine;

struct HarmonizeEndpointConfig {
  size_t queue_depth = 2;  // waiting harmonizations; more get 503
};

class HarmonizeEndpoint {
 public:
  using Done = std::function<void(PlanReply)>;
  // Loads every offline model of `models`; throws std::runtime_error with the reason when one
  // cannot be loaded (the server refuses to start, like the planner).
  HarmonizeEndpoint(const ModelRegistry& models, Metrics& metrics,
                    HarmonizeEndpointConfig config = {}, ProtocolLimits limits = {});
  ~HarmonizeEndpoint();
  HarmonizeEndpoint(const HarmonizeEndpoint&) = delete;
  HarmonizeEndpoint& operator=(const HarmonizeEndpoint&) = delete;

  void handle(std::string_view body, Done done);

 private:
  struct Model {
    std::shared_ptr<const ModelBundle> bundle;
    std::unique_ptr<OfflineEngine> engine;  // used only on the harmonizer thread
  };
  struct Job {
    HarmonizeRequest request;
    Done done;
    std::chrono::steady_clock::time_point start;
  };
  void run();
  PlanReply harmonize_one(const Job& job);

  const ModelRegistry& models_;
  Metrics& metrics_;
  HarmonizeEndpointConfig config_;
  ProtocolLimits limits_;
  std::map<std::string, Model, std::less<>> offline_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace jam
