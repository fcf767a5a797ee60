// inference_pool.cpp — see inference_pool.h.
#include "inference_pool.h"

#include <exception>
#include <stdexcept>

namespace jam {

InferencePool::InferencePool(const ModelRegistry& models, const PlanServiceFactory& factory,
                             InferencePoolConfig config)
    : config_(config) {
  if (config_.workers < 1) throw std::runtime_error("inference pool needs at least one worker");
  for (int i = 0; i < config_.workers; ++i) {
    auto w = std::make_unique<Worker>();
    w->service = factory(models, i);
    if (!w->service) throw std::runtime_error("plan service factory returned null");
    workers_.push_back(std::move(w));
  }
  service_name_ = std::string(workers_.front()->service->name());
  for (auto& w : workers_) {
    Worker* raw = w.get();
    w->thread = std::thread([this, raw] { run(*raw); });
  }
}

InferencePool::~InferencePool() { stop(); }

void InferencePool::stop() {
  for (auto& w : workers_) {
    std::lock_guard lock(w->mutex);
    w->stopping = true;
    w->wake.notify_all();
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
    // Drop waiting jobs outside the lock: their callbacks may own sessions whose destructors
    // call end_session() (which takes the lock and sees `stopping`).
    std::deque<Job> dropped;
    {
      std::lock_guard lock(w->mutex);
      dropped.swap(w->queue);
      w->waiting = 0;
    }
  }
}

size_t InferencePool::shortest_queue() const {
  size_t best = 0;
  size_t best_depth = SIZE_MAX;
  for (size_t i = 0; i < workers_.size(); ++i) {
    std::lock_guard lock(workers_[i]->mutex);
    const size_t load = workers_[i]->waiting + (workers_[i]->running ? 1 : 0);
    if (load < best_depth) {
      best_depth = load;
      best = i;
    }
  }
  return best;
}

bool InferencePool::submit(PlanRequest request, Done done) {
  const std::string session = request.session.value_or("");
  std::lock_guard sessions_lock(sessions_mutex_);  // held so two jobs of a session pick alike
  size_t index = 0;
  auto it = session.empty() ? in_flight_.end() : in_flight_.find(session);
  index = it != in_flight_.end() ? it->second.worker : shortest_queue();
  Worker& w = *workers_[index];
  {
    std::lock_guard lock(w.mutex);
    if (w.stopping || w.waiting >= config_.queue_depth) return false;
    w.queue.push_back(Job{std::move(request), std::move(done), {}});
    ++w.waiting;
    w.wake.notify_one();
  }
  if (!session.empty()) {
    InFlight& f = in_flight_[session];
    f.worker = index;
    ++f.jobs;
  }
  return true;
}

void InferencePool::finished(const std::string& session) {
  if (session.empty()) return;
  std::lock_guard lock(sessions_mutex_);
  auto it = in_flight_.find(session);
  if (it != in_flight_.end() && --it->second.jobs <= 0) in_flight_.erase(it);
}

void InferencePool::end_session(std::string session) {
  if (session.empty()) return;
  Worker& w = *workers_[std::hash<std::string>{}(session) % workers_.size()];
  std::lock_guard lock(w.mutex);
  if (w.stopping) return;
  w.queue.push_back(Job{{}, {}, std::move(session)});
  w.wake.notify_one();
}

size_t InferencePool::queue_depth() const {
  size_t total = 0;
  for (const auto& w : workers_) {
    std::lock_guard lock(w->mutex);
    total += w->waiting;
  }
  return total;
}

void InferencePool::run(Worker& w) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(w.mutex);
      w.wake.wait(lock, [&] { return w.stopping || !w.queue.empty(); });
      if (w.stopping) return;
      job = std::move(w.queue.front());
      w.queue.pop_front();
      if (job.end_session.empty()) --w.waiting, w.running = true;
    }
    if (!job.end_session.empty()) {
      w.service->end_session(job.end_session);
      continue;
    }
    PlanOutcome outcome;
    try {
      outcome = w.service->plan(job.request);
    } catch (const std::exception& e) {
      outcome.status = 500;
      outcome.error = std::string("planner: ") + e.what();
    }
    finished(job.request.session.value_or(""));
    {
      std::lock_guard lock(w.mutex);
      w.running = false;
    }
    job.done(std::move(outcome));
  }
}

}  // namespace jam
