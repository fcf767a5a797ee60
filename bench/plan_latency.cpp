// plan_latency — planner latency per request over realistic live sessions, for each model.
//
//   build/native/bin/plan_latency [--models models] [--data build/data/test.jsonl] [--songs 20]
//                                 [--model online ...] [--threads 1] [--frames N]
// For each online model: live sessions (one request per frame, each extending the previous one
// by a frame, 240+ frames, history up to 480 tokens) with lookahead 16 and commit 16, then
// commit 0; and cold requests (empty KV cache, engine already built) at a 480-token history.
// Prints p50/p90/p99 of the wall time and of the process CPU time per request (on a loaded
// machine CPU time is the steadier estimate; with 2 threads it includes the helper's spinning).
// --threads N gives the planning stack a jam::ThreadPool of N threads (1 = none); --frames N
// stops each session after N requests (quick runs, callgrind). Results go to docs/benchmarks.md.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "jam/engine.h"
#include "jam/hooktheory.h"
#include "jam/live_sim.h"
#include "model_files.h"
#include "thread_pool.h"

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

double cpu_ms() { return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

double pct(std::vector<float> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(std::min<double>(v.size() - 1, p * (v.size() - 1) + 0.5))];
}

void report(const char* what, const std::vector<float>& ms, const std::vector<float>& cpu) {
  std::printf("  %-36s n=%6zu  wall p50 %7.2f p90 %7.2f p99 %7.2f ms | cpu p50 %6.2f p90 %6.2f "
              "p99 %6.2f ms\n",
              what, ms.size(), pct(ms, 0.5), pct(ms, 0.9), pct(ms, 0.99), pct(cpu, 0.5),
              pct(cpu, 0.9), pct(cpu, 0.99));
}

// A song cut to its first `frames` frames (notes and chords clipped).
jam::Song truncate(jam::Song s, int frames) {
  if (frames <= 0 || s.n_frames <= frames) return s;
  s.n_frames = frames;
  std::erase_if(s.melody, [&](const jam::Note& n) { return n.on >= frames; });
  for (jam::Note& n : s.melody) n.off = std::min(n.off, frames);
  std::erase_if(s.chords, [&](const jam::ChordEvent& c) { return c.on >= frames; });
  for (jam::ChordEvent& c : s.chords) c.off = std::min(c.off, frames);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::string models_dir = "models", data = "build/data/test.jsonl";
  std::vector<std::string> ids;
  size_t n_songs = 20;
  int threads = 1, frames = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--models")) models_dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--data")) data = argv[i + 1];
    else if (!std::strcmp(argv[i], "--songs")) n_songs = std::stoul(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--model")) ids.push_back(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--threads")) threads = std::max(1, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--frames")) frames = std::atoi(argv[i + 1]);
    else return std::cerr << "plan_latency: unknown option " << argv[i] << "\n", 2;
  }
  if (ids.empty()) ids = {"online", "online-web"};
  // Songs of at least 240 frames, so the history reaches 480 tokens.
  std::vector<jam::Song> songs;
  std::ifstream in(data);
  for (std::string line; std::getline(in, line) && songs.size() < n_songs;) {
    auto s = jam::parse_hooktheory_line(line);
    if (s && s->n_frames >= 240) songs.push_back(truncate(std::move(*s), frames));
  }
  if (songs.empty()) return std::cerr << "plan_latency: no songs of >= 240 frames in " << data << "\n", 1;
  auto offline = jam::load_model_bundle(models_dir, "offline");
  jam::ThreadPool pool(threads);
  jam::PlanningStackConfig stack_config;
  stack_config.parallel_for = pool.parallel_for();
  stack_config.n_tasks = threads;
  for (const std::string& id : ids) {
    auto online = jam::load_model_bundle(models_dir, id);
    if (!online) { std::cerr << "plan_latency: skipping " << id << ": " << online.error() << "\n"; continue; }
    std::shared_ptr<const jam::ModelBundle> off;
    if (offline && (*offline)->vocab.hash() == (*online)->vocab.hash()) off = *offline;
    const jam::ModelConfig& c = (*online)->config();
    std::printf("model %s: %d layers, d %d, vocab %d, %zu songs, warm start %s, %d thread(s), "
                "kernel %s\n",
                id.c_str(), c.n_layers, c.d_model, c.vocab_size, songs.size(), off ? "on" : "off",
                threads, jam::Engine::kernel_name());
    for (int commit : {16, 0}) {
      auto stack = jam::PlanningStack::create(*online, off, stack_config);
      if (!stack) return std::cerr << stack.error() << "\n", 1;
      std::vector<float> ms, cpu;
      jam::LiveSimOptions o{.lookahead = 16, .commit = commit, .silence = 32, .temperature = 1.0};
      int64_t fed = 0, requests = 0;
      for (size_t i = 0; i < songs.size(); ++i) {
        // simulate_live reads the clock before and after each request: record CPU time alongside.
        std::vector<double> cpu_marks;
        auto clock = [&] {
          cpu_marks.push_back(cpu_ms());
          return now_ms();
        };
        auto r = jam::simulate_live(**stack, songs[i], o, 1000 + i, clock);
        if (!r) return std::cerr << r.error() << "\n", 1;
        ms.insert(ms.end(), r->request_ms.begin(), r->request_ms.end());
        for (size_t k = 0; k + 1 < cpu_marks.size(); k += 2)
          cpu.push_back(static_cast<float>(cpu_marks[k + 1] - cpu_marks[k]));
        fed += r->tokens_fed, requests += r->requests;
      }
      char what[96];
      std::snprintf(what, sizeof what, "live L16 C%d (%.1f tokens fed/req)", commit,
                    double(fed) / double(requests));
      report(what, ms, cpu);
    }
    // Cold: an empty KV cache (the engine already built, as in a running server), history 480
    // tokens (frame 240), the chord stream echoed. The one cache entry is first used on another song, then evicted.
    std::vector<float> cold, cold_cpu;
    jam::PlanningStackConfig cold_config = stack_config;
    cold_config.cache.max_entries = 1;
    for (size_t i = 0; i < songs.size(); ++i) {
      auto stack = jam::PlanningStack::create(*online, off, cold_config);
      if (!stack) return std::cerr << stack.error() << "\n", 1;
      jam::LiveSimOptions o{.lookahead = 16, .commit = 16, .silence = 32, .temperature = 1.0};
      const jam::Song& other = songs[(i + 1) % songs.size()];
      jam::PlanRequest warmup = jam::live_request(other, 64, o, 7, id);
      if (auto resp = (*stack)->plan_sync(warmup); !resp) return std::cerr << resp.error() << "\n", 1;
      // The client echoes the chord stream it holds (here the song's own chords, frames < F + L),
      // so this is one 480-token prefill and the plan's 16 frames, not 240 frames of generation.
      jam::PlanRequest r = jam::live_request(songs[i], 240, o, 7, id);
      r.chord_tokens = jam::song_chord_tokens(songs[i], (*online)->vocab);
      r.chord_tokens.resize(std::min<size_t>(r.chord_tokens.size(), 240 + 16));
      const double t0 = now_ms(), c0 = cpu_ms();
      auto resp = (*stack)->plan_sync(r);
      cold.push_back(static_cast<float>(now_ms() - t0));
      cold_cpu.push_back(static_cast<float>(cpu_ms() - c0));
      if (!resp) return std::cerr << resp.error() << "\n", 1;
      if ((*stack)->planner().last_stats().cache_hit)
        return std::cerr << "plan_latency: cold request hit the cache\n", 1;
    }
    report("cold, 480-token history", cold, cold_cpu);
  }
  return 0;
}
