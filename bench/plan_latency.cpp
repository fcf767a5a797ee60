// plan_latency — planner latency per request over realistic live sessions, for each model.
//
//   build/native/bin/plan_latency [--models models] [--data build/data/test.jsonl] [--songs 20]
//                                 [--model online ...]
// For each online model: live sessions (one request per frame, 120+ frames, history up to 480
// tokens) with lookahead 16 and commit 16, then commit 0; and cold requests (fresh cache) at a
// 480-token history. Prints p50/p90/p99 in ms. Results go to docs/benchmarks.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "jam/hooktheory.h"
#include "jam/live_sim.h"
#include "model_files.h"

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

double pct(std::vector<float> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(std::min<double>(v.size() - 1, p * (v.size() - 1) + 0.5))];
}

void report(const char* what, const std::vector<float>& ms) {
  std::printf("  %-34s n=%6zu  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms\n", what, ms.size(),
              pct(ms, 0.5), pct(ms, 0.9), pct(ms, 0.99));
}

}  // namespace

int main(int argc, char** argv) {
  std::string models_dir = "models", data = "build/data/test.jsonl";
  std::vector<std::string> ids;
  size_t n_songs = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--models")) models_dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--data")) data = argv[i + 1];
    else if (!std::strcmp(argv[i], "--songs")) n_songs = std::stoul(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--model")) ids.push_back(argv[i + 1]);
  }
  if (ids.empty()) ids = {"online", "online-web"};
  // Songs of at least 240 frames, so the history reaches 480 tokens.
  std::vector<jam::Song> songs;
  std::ifstream in(data);
  for (std::string line; std::getline(in, line) && songs.size() < n_songs;) {
    auto s = jam::parse_hooktheory_line(line);
    if (s && s->n_frames >= 240) songs.push_back(std::move(*s));
  }
  if (songs.empty()) return std::cerr << "plan_latency: no songs of >= 240 frames in " << data << "\n", 1;
  auto offline = jam::load_model_bundle(models_dir, "offline");
  for (const std::string& id : ids) {
    auto online = jam::load_model_bundle(models_dir, id);
    if (!online) { std::cerr << "plan_latency: skipping " << id << ": " << online.error() << "\n"; continue; }
    std::shared_ptr<const jam::ModelBundle> off;
    if (offline && (*offline)->vocab.hash() == (*online)->vocab.hash()) off = *offline;
    const jam::ModelConfig& c = (*online)->config();
    std::printf("model %s: %d layers, d %d, vocab %d, %zu songs, warm start %s\n", id.c_str(),
                c.n_layers, c.d_model, c.vocab_size, songs.size(), off ? "on" : "off");
    for (int commit : {16, 0}) {
      auto stack = jam::PlanningStack::create(*online, off, {});
      if (!stack) return std::cerr << stack.error() << "\n", 1;
      std::vector<float> ms;
      jam::LiveSimOptions o{.lookahead = 16, .commit = commit, .silence = 32, .temperature = 1.0};
      int64_t fed = 0, requests = 0;
      for (size_t i = 0; i < songs.size(); ++i) {
        auto r = jam::simulate_live(**stack, songs[i], o, 1000 + i, now_ms);
        if (!r) return std::cerr << r.error() << "\n", 1;
        ms.insert(ms.end(), r->request_ms.begin(), r->request_ms.end());
        fed += r->tokens_fed, requests += r->requests;
      }
      char what[96];
      std::snprintf(what, sizeof what, "live L16 C%d (%.1f tokens fed/req)", commit,
                    double(fed) / double(requests));
      report(what, ms);
    }
    // Cold: a fresh cache for every request, history 480 tokens (frame 240).
    std::vector<float> cold;
    for (size_t i = 0; i < songs.size(); ++i) {
      auto stack = jam::PlanningStack::create(*online, off, {});
      jam::LiveSimOptions o{.lookahead = 16, .commit = 16, .silence = 32, .temperature = 1.0};
      jam::PlanRequest r = jam::live_request(songs[i], 240, o, 7, id);
      const double t0 = now_ms();
      auto resp = (*stack)->plan_sync(r);
      cold.push_back(static_cast<float>(now_ms() - t0));
      if (!resp) return std::cerr << resp.error() << "\n", 1;
    }
    report("cold, 480-token history", cold);
  }
  return 0;
}
