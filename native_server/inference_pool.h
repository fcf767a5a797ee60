// inference_pool.h — a fixed set of inference workers, each owning one PlanService (one model
// instance), fed by bounded per-worker queues.
//
//   jam::InferencePool pool(registry, factory, {.workers = 1, .queue_depth = 8});
//   bool queued = pool.submit(std::move(request), [](jam::PlanOutcome o) { /* worker thread */ });
//   if (!queued) reply_503();
//
// Routing: a request goes to the worker with the shortest queue, except that a request whose
// `session` already has a job queued or running goes to that job's worker, so one session's
// requests are planned in the order they arrived. (Services share their KV state through one
// prefix cache, so a session needs no fixed worker.)
// A worker's queue holds at most `queue_depth` waiting jobs; submit() refuses beyond that.
// submit(), end_session() and queue_depth() may be called from any thread. `done` runs on the
// worker thread, exactly once per accepted job, unless the pool is stopped first (then jobs
// still waiting are dropped without calling `done`). The destructor stops and joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "plan_service.h"

namespace jam {

struct InferencePoolConfig {
  int workers = 1;
  size_t queue_depth = 8;  // waiting jobs per worker
};

class InferencePool {
 public:
  using Done = std::function<void(PlanOutcome)>;

  // Builds one service per worker with `factory` (on this thread), then starts the workers.
  // Throws std::runtime_error when the factory fails or returns null.
  InferencePool(const ModelRegistry& models, const PlanServiceFactory& factory,
                InferencePoolConfig config);
  ~InferencePool();
  InferencePool(const InferencePool&) = delete;
  InferencePool& operator=(const InferencePool&) = delete;

  bool submit(PlanRequest request, Done done);
  // Tells one worker's service (chosen by the session's hash) that the session ended, queued
  // behind that worker's pending jobs.
  void end_session(std::string session);
  size_t queue_depth() const;
  size_t queue_capacity() const { return config_.queue_depth * workers_.size(); }
  int workers() const { return static_cast<int>(workers_.size()); }
  std::string_view service_name() const { return service_name_; }
  // Stops the workers (a running plan finishes first) and drops waiting jobs without calling
  // their `done`. Idempotent; call before destroying what the callbacks refer to.
  void stop();

 private:
  struct Job {
    PlanRequest request;
    Done done;
    std::string end_session;  // non-empty: a control job, no request
  };
  struct Worker {
    std::unique_ptr<PlanService> service;
    mutable std::mutex mutex;
    std::condition_variable wake;
    std::deque<Job> queue;
    size_t waiting = 0;  // plan jobs in `queue` (control jobs do not count)
    bool running = false;  // a plan job is being planned
    bool stopping = false;
    std::thread thread;
  };
  void run(Worker& w);
  size_t shortest_queue() const;
  void finished(const std::string& session);

  // Sessions with jobs queued or running: their worker and how many jobs.
  struct InFlight {
    size_t worker = 0;
    int jobs = 0;
  };
  mutable std::mutex sessions_mutex_;
  std::unordered_map<std::string, InFlight> in_flight_;

  InferencePoolConfig config_;
  std::string service_name_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace jam
