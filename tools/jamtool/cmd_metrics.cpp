// jamtool metrics — the ReaLchords metrics (core/include/jam/metrics.h) of a JSONL song file.
//
//   jamtool metrics build/data/test.jsonl [--reference REF.jsonl] [--split test] [--out M.json]
//                   [--per-beat CURVE.csv]
//
// Input: the shared JSONL schema (docs/architecture.md), plain or .gz. A malformed line is
// reported on stderr with its line number and skipped. --split keeps only songs of that split
// (Hooktheory: split_sheetsage, else split_martydepth; see hooktheory.h). Prints the metrics as
// JSON on stdout (or writes --out); with --reference also the reference's metrics and the EMD
// between the chord-onset-interval histograms and the diversity ratios ("vs_reference").
// --per-beat writes the per-beat note-in-chord curve of FILE (beats 1..64; metrics.h, per_beat_csv)
// for the adaptation plots (training/plot_eval.py).
#include <iostream>
#include <string>

#include "commands.h"
#include "jam/hooktheory.h"
#include "jam/metrics.h"
#include "tool_io.h"

namespace jam::tool {
namespace {

// Reads `path` into `acc`; returns false (after printing why) when the file cannot be read or
// holds no usable song.
bool accumulate(const std::string& path, const std::string& split, MetricsAccumulator& acc) {
  size_t used = 0, bad = 0;
  const std::string err = for_each_line(path, [&](std::string_view line, size_t n) {
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
    Result<Song> song = parse_hooktheory_line(line);
    if (!song) {
      std::cerr << path << ":" << n << ": skipped: " << song.error() << "\n";
      ++bad;
      return;
    }
    if (!split.empty() && song->split != split) return;
    acc.add(*song);
    ++used;
  });
  if (!err.empty()) {
    std::cerr << "jamtool metrics: " << path << ": " << err << "\n";
    return false;
  }
  std::cerr << "jamtool metrics: " << path << ": " << used << " songs" << (split.empty() ? "" : " in split " + split)
            << ", " << bad << " malformed lines skipped\n";
  if (used == 0) {
    std::cerr << "jamtool metrics: " << path << ": no songs\n";
    return false;
  }
  return true;
}

}  // namespace

int cmd_metrics(const Args& args) {
  if (args.positional.size() != 1) {
    std::cerr << "usage: jamtool metrics FILE.jsonl[.gz] [--reference REF.jsonl] [--split NAME] [--out FILE] [--per-beat CURVE.csv]\n";
    return 2;
  }
  const std::string split = args.get("split");
  MetricsAccumulator acc;
  if (!accumulate(args.positional[0], split, acc)) return 1;
  const Metrics m = acc.result();
  std::string json;
  if (args.has("reference")) {
    MetricsAccumulator ref;
    if (!accumulate(args.get("reference"), split, ref)) return 1;
    const Metrics r = ref.result();
    json = metrics_to_json(m, &r);
  } else {
    json = metrics_to_json(m);
  }
  json += "\n";
  if (args.has("per-beat")) {
    if (!write_file(args.get("per-beat"), per_beat_csv(m))) {
      std::cerr << "jamtool metrics: cannot write " << args.get("per-beat") << "\n";
      return 1;
    }
  }
  if (args.has("out")) {
    if (!write_file(args.get("out"), json)) {
      std::cerr << "jamtool metrics: cannot write " << args.get("out") << "\n";
      return 1;
    }
  } else {
    std::cout << json;
  }
  return 0;
}

}  // namespace jam::tool
