// jamtool simulate — plays every melody of a JSONL file through the planner exactly as a live
// client would (one request per frame, echoing the chord stream) and writes the chords that would
// have sounded, in the shared JSONL song schema, for `jamtool metrics`.
//
//   jamtool simulate --data IN.jsonl --out OUT.jsonl [--model rl-m] [--models DIR]
//       [--lookahead 16] [--commit 16] [--silence 32] [--temperature 1] [--seed 0] [--limit N]
//       [--threads 1] [--no-warm-start] [--offline ID] [--chord-rate 0] [--colour 0.5]
//       [--prime-beats N] [--transpose-at-beat B --transpose S]
//
// Adaptation conditions (live_sim.h): --prime-beats N gives the agent the first N beats (4N
// frames) as ground truth (real chords echoed as committed; replaces the silence period);
// --transpose S moves the melody the agent hears by S semitones from beat B on (1-based: beat B
// starts at frame 4(B-1); default B = 1); OUT carries that melody. Song i is seeded by
// seed * 1000003 + i. The offline model is not an online agent: use `jamtool harmonize IN.jsonl
// OUT.jsonl` for it.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "commands.h"
#include "jam/hooktheory.h"
#include "jam/live_sim.h"
#include "jam/planning_stack.h"
#include "model_files.h"  // tools/host
#include "tool_io.h"

namespace jam::tool {

namespace {

double percentile(std::vector<float> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(std::min<double>(v.size() - 1, p * (v.size() - 1) + 0.5))];
}

}  // namespace

int cmd_simulate(const Args& args) {
  std::string bad;
  LiveSimOptions o;
  o.lookahead = args.get_int("lookahead", 16, &bad);
  o.commit = args.get_int("commit", 16, &bad);
  o.silence = args.get_int("silence", 32, &bad);
  o.temperature = args.get_double("temperature", 1.0, &bad);
  const uint64_t seed = static_cast<uint64_t>(args.get_int("seed", 0, &bad));
  const int limit = args.get_int("limit", 0, &bad);
  const int threads = std::max(1, args.get_int("threads", 1, &bad));
  ChordControls controls;
  controls.chord_rate = args.get_double("chord-rate", 0.0, &bad);
  controls.colour = args.get_double("colour", 0.5, &bad);
  const int prime_beats = args.get_int("prime-beats", 0, &bad);
  const int transpose_at_beat = args.get_int("transpose-at-beat", 1, &bad);
  o.transpose = args.get_int("transpose", 0, &bad);
  o.prime_frames = 4 * prime_beats;
  o.transpose_at = 4 * (transpose_at_beat - 1);
  if (!bad.empty()) return std::cerr << "jamtool simulate: " << bad << "\n", 2;
  if (!args.has("data") || !args.has("out"))
    return std::cerr << "jamtool simulate: --data FILE.jsonl and --out OUT.jsonl are required\n", 2;
  if (o.lookahead < 1 || o.lookahead > 32 || o.commit < 0 || o.commit > o.lookahead ||
      o.silence < 0 || o.temperature < 0)
    return std::cerr << "jamtool simulate: need 1 <= lookahead <= 32, 0 <= commit <= lookahead, "
                        "silence >= 0, temperature >= 0\n", 2;
  if (prime_beats < 0 || prime_beats > 4096 || transpose_at_beat < 1 || o.transpose < -24 ||
      o.transpose > 24)
    return std::cerr << "jamtool simulate: need 0 <= prime-beats <= 4096, transpose-at-beat >= 1, "
                        "-24 <= transpose <= 24\n", 2;
  if (auto why = validate_chord_controls(controls))
    return std::cerr << "jamtool simulate: " << *why << "\n", 2;

  const std::filesystem::path models_dir = args.get("models", (repo_root() / "models").string());
  auto online = load_model_bundle(models_dir, args.get("model", "rl-m"));
  if (!online) return std::cerr << "jamtool simulate: " << online.error() << "\n", 1;
  if ((*online)->config().offline())
    return std::cerr << "jamtool simulate: " << (*online)->id
                     << " is an offline model (it needs the whole melody); use `jamtool harmonize "
                        "IN.jsonl OUT.jsonl --model " << (*online)->id << "`\n", 2;
  std::shared_ptr<const ModelBundle> offline;
  if (!args.has("no-warm-start") && o.prime_frames == 0) {
    auto off = load_model_bundle(models_dir, args.get("offline", "offline"));
    if (off && (*off)->vocab.hash() == (*online)->vocab.hash()) offline = *off;
    else if (args.has("offline"))
      return std::cerr << "jamtool simulate: " << (off ? "offline model has another vocabulary" : off.error()) << "\n", 1;
  }

  std::vector<Song> songs;
  std::string err = for_each_line(args.get("data"), [&](std::string_view line, size_t n) {
    if (line.empty() || (limit > 0 && static_cast<int>(songs.size()) >= limit)) return;
    auto s = parse_hooktheory_line(line);
    if (!s) std::cerr << args.get("data") << ":" << n << ": skipped: " << s.error() << "\n";
    else songs.push_back(std::move(*s));
  });
  if (!err.empty()) return std::cerr << "jamtool simulate: " << err << "\n", 1;

  std::vector<LiveSimResult> results(songs.size());
  std::vector<std::string> errors(songs.size());
  std::atomic<size_t> next{0};
  std::mutex progress_mu;
  size_t done = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto worker = [&]() {
    PlanningStackConfig cfg;
    cfg.planner.controls = controls;
    auto stack = PlanningStack::create(*online, offline, cfg);
    if (!stack) {
      std::lock_guard lock(progress_mu);
      errors[0] = stack.error();
      return;
    }
    for (size_t i; (i = next.fetch_add(1)) < songs.size();) {
      auto r = simulate_live(**stack, songs[i], o, seed * 1000003 + i, [] {
        return std::chrono::duration<double, std::milli>(
                   std::chrono::steady_clock::now().time_since_epoch()).count();
      });
      if (r) results[i] = std::move(*r);
      else errors[i] = songs[i].id + ": " + r.error();
      std::lock_guard lock(progress_mu);
      if (++done % 100 == 0 || done == songs.size())
        std::cerr << "simulate: " << done << "/" << songs.size() << " songs\n";
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();

  std::string out;
  std::vector<float> all_ms;
  int64_t requests = 0, fed = 0, reused = 0, hits = 0;
  int failed = 0;
  for (size_t i = 0; i < songs.size(); ++i) {
    if (!errors[i].empty()) {
      std::cerr << "jamtool simulate: " << errors[i] << "\n";
      ++failed;
      continue;
    }
    out += song_to_jsonl(results[i].song);
    out += '\n';
    all_ms.insert(all_ms.end(), results[i].request_ms.begin(), results[i].request_ms.end());
    requests += results[i].requests, fed += results[i].tokens_fed;
    reused += results[i].tokens_reused, hits += results[i].cache_hits;
  }
  if (!write_file(args.get("out"), out))
    return std::cerr << "jamtool simulate: cannot write " << args.get("out") << "\n", 1;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"songs\": %zu, \"failed\": %d, \"requests\": %lld, \"seconds\": %.1f, "
                "\"ms_p50\": %.3f, \"ms_p90\": %.3f, \"ms_p99\": %.3f, \"tokens_fed_per_request\": "
                "%.2f, \"tokens_reused_per_request\": %.1f, \"cache_hit_rate\": %.4f, "
                "\"warm_start\": %s, \"prime_beats\": %d, \"transpose\": %d, "
                "\"transpose_at_beat\": %d}",
                songs.size() - failed, failed, static_cast<long long>(requests), secs,
                percentile(all_ms, 0.5), percentile(all_ms, 0.9), percentile(all_ms, 0.99),
                requests ? double(fed) / requests : 0.0, requests ? double(reused) / requests : 0.0,
                requests ? double(hits) / requests : 0.0, offline ? "true" : "false", prime_beats,
                o.transpose, transpose_at_beat);
  std::cout << buf << "\n";
  return failed ? 1 : 0;
}

}  // namespace jam::tool
