// thread_pool.h — native host code: a small persistent thread pool that implements
// jam::ParallelFor for the engines (core creates no threads; docs/architecture.md).
//
//   jam::ThreadPool pool(2);                       // the caller + 1 worker thread
//   jam::EngineOptions o;
//   o.parallel_for = pool.parallel_for();          // empty when the pool has 1 thread
//   o.n_tasks = pool.size();
//
// run(n, task) runs task(0..n-1) on the calling thread and the workers and returns when all are
// done. A decode step makes ~20 such calls of a few microseconds each, so a hand-off must cost
// well under that: workers spin for `spin_us` after each job (a request's steps follow each other
// closely) and then sleep on a condition variable. Threads are created once, in the constructor.
//
// Thread rules: run() / parallel_for() are called by one thread at a time (the pool's owner, e.g.
// one inference worker); the pool must outlive every ParallelFor taken from it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "jam/model.h"

namespace jam {

class ThreadPool {
 public:
  explicit ThreadPool(int n_threads, int spin_us = 200) : spin_us_(spin_us) {
    for (int i = 1; i < n_threads; ++i) workers_.emplace_back([this] { loop(); });
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      generation_.fetch_add(1);
    }
    cv_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  void run(int n_tasks, const std::function<void(int)>& task) {
    if (workers_.empty() || n_tasks <= 1) {
      for (int i = 0; i < n_tasks; ++i) task(i);
      return;
    }
    uint64_t gen;
    {
      std::lock_guard<std::mutex> lock(mu_);
      task_ = &task;
      n_tasks_ = n_tasks;
      pending_.store(n_tasks);
      gen = generation_.load() + 1;
      ticket_.store(gen << 32);
      generation_.store(gen);
    }
    if (sleepers_.load() > 0) cv_.notify_all();
    work(gen, &task, n_tasks);
    while (pending_.load(std::memory_order_acquire) > 0) std::this_thread::yield();
  }

  // A ParallelFor bound to this pool; empty (sequential) for a 1-thread pool.
  ParallelFor parallel_for() {
    if (workers_.empty()) return {};
    return [this](int n, const std::function<void(int)>& task) { run(n, task); };
  }

 private:
  // Claims task indices of job `gen` until none is left (a late worker finds a newer ticket).
  void work(uint64_t gen, const std::function<void(int)>* task, int n_tasks) {
    for (;;) {
      uint64_t t = ticket_.load();
      if ((t >> 32) != gen || static_cast<int>(t & 0xffffffffu) >= n_tasks) return;
      if (!ticket_.compare_exchange_weak(t, t + 1)) continue;
      (*task)(static_cast<int>(t & 0xffffffffu));
      pending_.fetch_sub(1, std::memory_order_release);
    }
  }

  void loop() {
    uint64_t seen = 0;
    for (;;) {
      bool got = generation_.load() != seen;
      if (!got) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(spin_us_);
        for (int i = 0; !got; ++i) {
          got = generation_.load(std::memory_order_acquire) != seen;
          if ((i & 255) == 255 && std::chrono::steady_clock::now() > until) break;
        }
      }
      std::unique_lock<std::mutex> lock(mu_);
      if (!got) {
        sleepers_.fetch_add(1);
        cv_.wait(lock, [&] { return generation_.load() != seen; });
        sleepers_.fetch_sub(1);
      }
      seen = generation_.load();
      if (stop_) return;
      const std::function<void(int)>* task = task_;
      const int n = n_tasks_;
      lock.unlock();
      work(seen, task, n);
    }
  }

  int spin_us_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> ticket_{0};
  std::atomic<int> pending_{0};
  std::atomic<int> sleepers_{0};
  const std::function<void(int)>* task_ = nullptr;
  int n_tasks_ = 0;
  bool stop_ = false;
};

}  // namespace jam
