// engine_latency — latency of the native online Engine on the planner's two request shapes:
//   A) a cold request: prefill 480 tokens, then 32 single-token steps;
//   B) a warm request: a cached 480-token history extended by 2 tokens (rewind + feed 2).
// Prints the median of N runs in ms (wall) and the median process CPU time.
//
//   engine_latency                       # random-init S / M models (toolchain.md sizes), i8-stored
//   engine_latency --model models/x/model.jamw [--runs 15] [--only int8] [--threads 2]
//   valgrind --tool=callgrind engine_latency --model M --only int8 --threads 1 --steps-only --runs 50
// Configurations: fp32 weights for every feed, or (default engine options) the file's int8
// weights for steps; each with 1 thread and with a 2-thread jam::ThreadPool.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "jam/engine.h"
#include "jam/weights.h"
#include "thread_pool.h"

namespace {

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
  auto bytes = jam::encode_weight_file(c, tensors, /*quantize_i8=*/true);  // as shipped
  auto w = jam::WeightFile::parse(*bytes, "");
  return std::move(*w);
}

struct Config {
  const char* name;
  bool int8_stored, int8_all;
};

// fp32: every feed reads the fp32 weights; int8: steps read the file's int8 weights (the default,
// lossless); int8-all: also quantizes f32-stored matrices (lossy; same as int8 for i8 files).
std::vector<Config> configs() { return {{"fp32", false, false}, {"int8", true, false}}; }

void bench(const std::string& label, const jam::WeightFile& w, int runs, const std::string& only,
           int only_threads, bool steps_only) {
  const jam::ModelConfig& c = w.config();
  size_t params = 0;
  for (const jam::Tensor& t : w.tensors()) params += t.data.size();
  std::printf("%s: %d layers, d %d, heads %d, d_ff %d, vocab %d, %.2f M params, kernel %s\n",
              label.c_str(), c.n_layers, c.d_model, c.n_heads, c.d_ff, c.vocab_size, params / 1e6,
              jam::Engine::kernel_name());
  std::vector<int32_t> history(512);
  for (size_t i = 0; i < history.size(); ++i)
    history[i] = static_cast<int32_t>((i * 7919) % static_cast<size_t>(c.vocab_size));
  const std::span<const int32_t> prefix(history.data(), 480);
  for (const Config& cfg : configs()) {
    if (!only.empty() && only != cfg.name) continue;
    for (int threads : {1, 2}) {
      if (only_threads && threads != only_threads) continue;
      jam::ThreadPool pool(threads);
      jam::EngineOptions o;
      o.int8_stored = cfg.int8_stored;
      o.int8_steps = cfg.int8_all;
      o.parallel_for = pool.parallel_for();
      o.n_tasks = threads;
      auto e = jam::Engine::create(w, o);
      if (!e) {
        std::printf("  error: %s\n", e.error().c_str());
        return;
      }
      if (steps_only) {  // for callgrind: 1 prefill, then `runs` single steps
        (void)e->feed_sync(prefix, 0);
        for (int i = 0; i < runs; ++i) (void)e->feed_sync(std::span(history).subspan(480, 1), 480);
        std::printf("  %s threads %d: %d steps\n", cfg.name, threads, runs);
        continue;
      }
      const Stats prefill = measure(runs, [&] { (void)e->feed_sync(prefix, 0); });
      const Stats cold = measure(runs, [&] {
        (void)e->feed_sync(prefix, 0);
        for (int i = 0; i < 32; ++i)
          (void)e->feed_sync(std::span(history).subspan(480 + i, 1), 480 + i);
      });
      (void)e->feed_sync(prefix, 0);
      const Stats warm = measure(runs * 8, [&] {
        (void)e->feed_sync(std::span(history).subspan(480, 2), 480);
      });
      const Stats step = measure(runs * 8, [&] {
        (void)e->feed_sync(std::span(history).subspan(480, 1), 480);
      });
      std::printf("  %-8s threads %d: 480 prefill + 32 steps %7.2f ms (cpu %6.2f) |"
                  " prefill 480 %7.2f ms (cpu %6.2f) | +2 tokens on cached 480 %5.2f ms (cpu %5.2f) |"
                  " 1 step %5.2f ms (min %5.2f, cpu %5.2f)\n",
                  cfg.name, threads, cold.median, cold.cpu, prefill.median, prefill.cpu,
                  warm.median, warm.cpu, step.median, step.min, step.cpu);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string model, only;
  int runs = 9, only_threads = 0;
  bool steps_only = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--model") && i + 1 < argc) model = argv[++i];
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
    else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) only_threads = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--steps-only")) steps_only = true;
    else if (!std::strcmp(argv[i], "--kernel") && i + 1 < argc) {
      if (!jam::Engine::use_kernel(argv[++i])) return std::fprintf(stderr, "no kernel %s\n", argv[i]), 2;
    }
    else {
      std::fprintf(stderr,
                   "usage: engine_latency [--model FILE.jamw] [--runs N] [--only fp32|int8]\n"
                   "                      [--threads 1|2] [--steps-only] [--kernel avx512|avx2|portable]\n");
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
    bench(model, *w, runs, only, only_threads, steps_only);
    return 0;
  }
  bench("S", random_model(4, 128, 4, 341, 1460), runs, only, only_threads, steps_only);
  bench("M", random_model(6, 256, 8, 683, 1460), runs, only, only_threads, steps_only);
  return 0;
}
