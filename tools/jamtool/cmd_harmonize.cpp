// jamtool harmonize — the Offline model writes chords for a whole melody (core/include/jam/
// harmonizer.h: overlapping windows, teacher-forced seams), optionally steered by the chord
// controls (sampler_controls.h).
//
//   jamtool harmonize IN OUT [--model offline] [--models DIR] [--temperature 1] [--seed 0]
//                            [--top-p 1] [--window 256] [--overlap 64] [--chord-rate 0]
//                            [--colour 0.5] [--limit N]
//
// IN:  .mid/.midi (melody by melody_from_midi's rule or --track; its chords are replaced),
//      session .json, or .jsonl[.gz] (--id picks one song).
// OUT: .mid (write_midi: conductor + "Melody" + "Chords" tracks) or .jsonl. With a .jsonl IN and
//      a .jsonl OUT every song is harmonized (the first --limit), each seeded by seed + its index,
//      for `jamtool metrics`.
// Prints a one-line JSON summary on stdout.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "jam/harmonizer.h"
#include "jam/hooktheory.h"
#include "jam/midi_file.h"
#include "jam/offline_engine.h"
#include "model_files.h"  // tools/host
#include "tool_io.h"

namespace jam::tool {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_jsonl(const std::string& p) { return ends_with(p, ".jsonl") || ends_with(p, ".jsonl.gz"); }

constexpr const char* kUsage =
    "usage: jamtool harmonize IN OUT [--model offline] [--models DIR] [--temperature 1] [--seed 0] "
    "[--top-p 1] [--window 256] [--overlap 64] [--chord-rate 0] [--colour 0.5] [--limit N]\n";

}  // namespace

int cmd_harmonize(const Args& args) {
  if (args.positional.size() != 2) return std::cerr << kUsage, 2;
  const std::string in = args.positional[0], out = args.positional[1];
  const bool out_midi = ends_with(out, ".mid") || ends_with(out, ".midi");
  if (!out_midi && !ends_with(out, ".jsonl"))
    return std::cerr << "jamtool harmonize: unknown output type (want .mid, .midi or .jsonl)\n", 2;

  std::string bad;
  HarmonizerConfig cfg;
  cfg.temperature = static_cast<float>(args.get_double("temperature", 1.0, &bad));
  cfg.top_p = static_cast<float>(args.get_double("top-p", 1.0, &bad));
  cfg.seed = static_cast<uint64_t>(args.get_int("seed", 0, &bad));
  cfg.window_frames = args.get_int("window", cfg.window_frames, &bad);
  cfg.overlap_frames = args.get_int("overlap", cfg.overlap_frames, &bad);
  cfg.controls.chord_rate = args.get_double("chord-rate", 0.0, &bad);
  cfg.controls.colour = args.get_double("colour", 0.5, &bad);
  const int limit = args.get_int("limit", 0, &bad);
  if (!bad.empty()) return std::cerr << "jamtool harmonize: " << bad << "\n", 2;
  if (auto why = validate_chord_controls(cfg.controls))
    return std::cerr << "jamtool harmonize: " << *why << "\n", 2;

  // Songs.
  std::vector<Song> songs;
  if (is_jsonl(in) && !out_midi && !args.has("id")) {
    const std::string err = for_each_line(in, [&](std::string_view line, size_t n) {
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
      if (limit > 0 && static_cast<int>(songs.size()) >= limit) return;
      auto s = parse_hooktheory_line(line);
      if (!s) std::cerr << in << ":" << n << ": skipped: " << s.error() << "\n";
      else songs.push_back(std::move(*s));
    });
    if (!err.empty()) return std::cerr << "jamtool harmonize: " << err << "\n", 1;
  } else {
    Result<Song> s = load_song(in, args);
    if (!s) return std::cerr << "jamtool harmonize: " << in << ": " << s.error() << "\n", 1;
    if (s->id.empty()) s->id = std::filesystem::path(in).stem().string();
    songs.push_back(std::move(*s));
  }
  if (songs.empty()) return std::cerr << "jamtool harmonize: " << in << ": no songs\n", 1;

  // Model.
  const std::filesystem::path models_dir = args.get("models", (repo_root() / "models").string());
  auto bundle = load_model_bundle(models_dir, args.get("model", "offline"));
  if (!bundle) return std::cerr << "jamtool harmonize: " << bundle.error() << "\n", 1;
  if (!(*bundle)->config().offline())
    return std::cerr << "jamtool harmonize: model " << (*bundle)->id << " is not an offline model\n", 1;
  auto engine = OfflineEngine::create(*(*bundle)->weights);
  if (!engine) return std::cerr << "jamtool harmonize: " << engine.error() << "\n", 1;

  // Harmonize.
  const auto t0 = std::chrono::steady_clock::now();
  std::string jsonl;
  std::vector<uint8_t> midi;
  int64_t frames = 0, chords = 0, windows = 0, forced = 0;
  int failed = 0;
  for (size_t i = 0; i < songs.size(); ++i) {
    HarmonizerConfig c = cfg;
    c.seed = cfg.seed + i;
    auto h = harmonize(*engine, (*bundle)->vocab, songs[i], c);
    if (!h) {
      std::cerr << "jamtool harmonize: " << songs[i].id << ": " << h.error() << "\n";
      ++failed;
      continue;
    }
    frames += h->song.n_frames;
    chords += static_cast<int64_t>(h->song.chords.size());
    windows += static_cast<int64_t>(h->window_starts.size());
    forced += h->forced_frames;
    if (out_midi) midi = write_midi(h->song);
    else jsonl += song_to_jsonl(h->song) + "\n";
    if ((i + 1) % 100 == 0) std::cerr << "harmonize: " << i + 1 << "/" << songs.size() << " songs\n";
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (failed == static_cast<int>(songs.size())) return 1;
  const bool wrote = out_midi ? write_file(out, std::string_view(reinterpret_cast<const char*>(midi.data()), midi.size()))
                              : write_file(out, jsonl);
  if (!wrote) return std::cerr << "jamtool harmonize: cannot write " << out << "\n", 1;

  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"songs\": %zu, \"failed\": %d, \"frames\": %lld, \"chords\": %lld, \"windows\": "
                "%lld, \"forced_frames\": %lld, \"window\": %d, \"overlap\": %d, \"seconds\": %.2f, "
                "\"model\": \"%s\"}",
                songs.size() - static_cast<size_t>(failed), failed, static_cast<long long>(frames),
                static_cast<long long>(chords), static_cast<long long>(windows),
                static_cast<long long>(forced), std::min(cfg.window_frames, engine->max_len()),
                cfg.overlap_frames, secs, (*bundle)->id.c_str());
  std::cout << buf << "\n";
  return failed ? 1 : 0;
}

}  // namespace jam::tool
