// engine_latency — latency of the native online Engine on the planner's two request shapes:
//   A) a cold request: prefill 480 tokens, then 32 single-token steps;
//   B) a warm request: a cached 480-token history extended by 2 tokens (rewind + feed 2).
// Prints the median (and min) of N runs in ms, with 1 thread and with a 2-thread host pool.
//
//   engine_latency                       # random-init S / M / L models (toolchain.md sizes)
//   engine_latency --model models/x/model.jamw [--runs 15]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "jam/engine.h"
#include "jam/weights.h"

namespace {

// A small persistent pool implementing jam::ParallelFor: the caller runs tasks too; workers spin
// briefly before sleeping so back-to-back parallel steps don't pay a wake-up each time.
class ThreadPool {
 public:
  explicit ThreadPool(int n_threads) {
    for (int i = 1; i < n_threads; ++i) workers_.emplace_back([this] { loop(); });
  }
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      generation_.store(generation_.load() + 1);
    }
    cv_.notify_all();
    for (std::thread& t : workers_) t.join();
  }
  void run(int n_tasks, const std::function<void(int)>& task) {
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
    cv_.notify_all();
    work(gen, &task, n_tasks);
    while (pending_.load(std::memory_order_acquire) > 0) {
    }
  }
  jam::ParallelFor parallel_for() {
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
      bool got = false;
      for (int spin = 0; spin < 20000 && !got; ++spin) got = generation_.load() != seen;
      std::unique_lock<std::mutex> lock(mu_);
      if (!got) cv_.wait(lock, [&] { return generation_.load() != seen; });
      seen = generation_.load();
      if (stop_) return;
      const std::function<void(int)>* task = task_;
      const int n = n_tasks_;
      lock.unlock();
      work(seen, task, n);
    }
  }
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> ticket_{0};
  std::atomic<int> pending_{0};
  const std::function<void(int)>* task_ = nullptr;
  int n_tasks_ = 0;
  bool stop_ = false;
};

double now_ms() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double cpu_ms() { return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// Wall-clock median and minimum, and the median process CPU time (all threads): on a shared,
// busy machine the CPU time is the better estimate of the single-thread cost.
struct Stats {
  double median, min, cpu;
};

Stats measure(int runs, const std::function<void()>& fn) {
  std::vector<double> t, c;
  fn();  // warm-up
  for (int i = 0; i < runs; ++i) {
    const double t0 = now_ms(), c0 = cpu_ms();
    fn();
    t.push_back(now_ms() - t0);
    c.push_back(cpu_ms() - c0);
  }
  std::sort(t.begin(), t.end());
  std::sort(c.begin(), c.end());
  return {t[t.size() / 2], t.front(), c[c.size() / 2]};
}

jam::WeightFile random_model(int layers, int d, int heads, int d_ff, int vocab) {
  jam::ModelConfig c;
  c.d_model = d;
  c.n_layers = layers;
  c.n_heads = heads;
  c.d_ff = d_ff;
  c.vocab_size = vocab;
  c.vocab_hash = "0000000000000000";
  c.max_len = 1024;
  c.tie_embeddings = true;
  std::vector<jam::Tensor> tensors;
  uint64_t s = 1;
  for (const auto& [name, shape] : jam::expected_tensors(c)) {
    jam::Tensor t{name, shape, {}, false};
    size_t n = 1;
    for (int64_t x : shape) n *= static_cast<size_t>(x);
    t.data.resize(n);
    for (float& v : t.data) {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      v = shape.size() == 1 ? 1.0f : (static_cast<float>(s >> 40) / 16777216.0f - 0.5f) * 0.1f;
    }
    tensors.push_back(std::move(t));
  }
  auto bytes = jam::encode_weight_file(c, tensors);
  auto w = jam::WeightFile::parse(*bytes, "");
  return std::move(*w);
}

void bench(const std::string& label, const jam::WeightFile& w, int runs) {
  const jam::ModelConfig& c = w.config();
  size_t params = 0;
  for (const jam::Tensor& t : w.tensors()) params += t.data.size();
  std::printf("%s: %d layers, d %d, heads %d, d_ff %d, vocab %d, %.2f M params\n", label.c_str(),
              c.n_layers, c.d_model, c.n_heads, c.d_ff, c.vocab_size, params / 1e6);
  std::vector<int32_t> history(512);
  for (size_t i = 0; i < history.size(); ++i)
    history[i] = static_cast<int32_t>((i * 7919) % static_cast<size_t>(c.vocab_size));
  const std::span<const int32_t> prefix(history.data(), 480);
  for (auto [threads, int8] : {std::pair{1, false}, {2, false}, {1, true}, {2, true}}) {
    ThreadPool pool(threads);
    jam::EngineOptions o;
    o.int8_steps = int8;
    if (threads > 1) o.parallel_for = pool.parallel_for();
    o.n_tasks = threads;
    auto e = jam::Engine::create(w, o);
    if (!e) {
      std::printf("  error: %s\n", e.error().c_str());
      return;
    }
    const Stats prefill = measure(runs, [&] { (void)e->feed_sync(prefix, 0); });
    const Stats cold = measure(runs, [&] {
      (void)e->feed_sync(prefix, 0);
      for (int i = 0; i < 32; ++i) (void)e->feed_sync(std::span(history).subspan(480 + i, 1), 480 + i);
    });
    (void)e->feed_sync(prefix, 0);
    const Stats warm = measure(runs * 4, [&] {
      (void)e->feed_sync(std::span(history).subspan(480, 2), 480);
    });
    const Stats step = measure(runs * 4, [&] {
      (void)e->feed_sync(std::span(history).subspan(480, 1), 480);
    });
    std::printf("  %s threads %d: 480 prefill + 32 steps %7.2f ms (min %6.2f, cpu %6.2f) |"
                " prefill 480 %7.2f ms | +2 tokens on cached 480 %5.2f ms (cpu %5.2f) |"
                " 1 step %5.2f ms\n",
                int8 ? "int8 steps" : "fp32      ", threads, cold.median, cold.min, cold.cpu,
                prefill.median, warm.median, warm.cpu, step.median);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string model;
  int runs = 9;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--model") && i + 1 < argc) model = argv[++i];
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "usage: engine_latency [--model FILE.jamw] [--runs N]\n");
      return 2;
    }
  }
  if (!model.empty()) {
    std::ifstream f(model, std::ios::binary);
    std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(f), {});
    auto w = jam::WeightFile::parse(bytes, "");
    if (!w) {
      std::fprintf(stderr, "%s: %s\n", model.c_str(), w.error().c_str());
      return 1;
    }
    bench(model, *w, runs);
    return 0;
  }
  bench("S", random_model(4, 128, 4, 341, 1460), runs);
  bench("M", random_model(6, 256, 8, 683, 1460), runs);
  return 0;
}
