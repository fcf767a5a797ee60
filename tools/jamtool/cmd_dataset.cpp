// jamtool dataset — Hooktheory (+ POP909 with --pop909) -> token shards in the format of
// docs/architecture.md ("Data shards"): vocab.json, split.json, stats.json, <split>.tok, <split>.jsonl.
//
// The chord vocabulary is built from the Hooktheory TRAIN split only. Train sequences carry the
// 12 transpositions -6..+5 (those keeping every melody pitch in 0..127); valid/test do not.
// Output is deterministic: songs keep input order, transpositions go -6..+5 per song.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "jam/chord_vocab.h"
#include "jam/dataset_shards.h"
#include "jam/hooktheory.h"
#include "jam/pop909.h"
#include "jam/tokenizer.h"
#include "tool_io.h"

namespace jam::tool {
namespace {
namespace fs = std::filesystem;

const char* const kSplits[] = {"train", "valid", "test"};

// POP909: every song folder NNN/ of `dir` (NNN.mid, chord_midi.txt, beat_midi.txt) becomes a
// Song with id "pop909-NNN" and split split_for_key("NNN") (fixed 80/10/10). Songs that fail to
// import are reported and skipped; unknown chord labels are reported (they become gaps).
// Returns an error message or "".
std::string load_pop909(const fs::path& dir, std::vector<Song>* out) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return "not a directory: " + dir.string();
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_directory() && fs::exists(entry.path() / (entry.path().filename().string() + ".mid")))
      folders.push_back(entry.path());
  std::sort(folders.begin(), folders.end());
  if (folders.empty()) return "no NNN/NNN.mid song folders in " + dir.string();
  size_t failed = 0, unknown = 0;
  for (const fs::path& folder : folders) {
    const std::string number = folder.filename().string();
    const auto mid = read_file(folder / (number + ".mid"));
    const auto chords = read_file(folder / "chord_midi.txt");
    const auto beats = read_file(folder / "beat_midi.txt");
    if (!mid || !chords || !beats) {
      std::cerr << "jamtool dataset: pop909 " << number << ": missing .mid, chord_midi.txt or beat_midi.txt\n";
      ++failed;
      continue;
    }
    Pop909Report rep;
    Result<Song> song = import_pop909_song(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(mid->data()), mid->size()), *chords, *beats,
        "pop909-" + number, &rep);
    if (!song) {
      std::cerr << "jamtool dataset: pop909 " << number << ": " << song.error() << "\n";
      ++failed;
      continue;
    }
    for (const std::string& label : rep.unknown_labels)
      std::cerr << "jamtool dataset: pop909 " << number << ": unknown chord " << label << "\n";
    unknown += rep.unknown_labels.size();
    song->split = std::string(split_for_key(number));
    out->push_back(std::move(*song));
  }
  std::cerr << "jamtool dataset: pop909: " << out->size() << " songs imported, " << failed << " failed, "
            << unknown << " unknown chord labels\n";
  return "";
}

struct SplitData {
  std::vector<Song> songs;
  TokShard shard;
  EncodeStats stats;        // untransposed songs
  int64_t skipped_transpositions = 0;
};

}  // namespace

int cmd_dataset(const Args& args) {
  if (!args.has("out") || args.get("out").empty()) {
    std::cerr << "jamtool dataset: --out DIR is required\n";
    return 2;
  }
  std::string bad;
  VocabBuildConfig vcfg;
  vcfg.max_chords = args.get_int("max-chords", vcfg.max_chords, &bad);
  vcfg.target_coverage = args.get_double("coverage", vcfg.target_coverage, &bad);
  if (!bad.empty()) {
    std::cerr << "jamtool dataset: " << bad << "\n";
    return 2;
  }
  const fs::path out_dir = args.get("out");
  const fs::path ht_path =
      args.get("hooktheory", (shared_data_dir() / "hooktheory" / "hooktheory_frames16.jsonl.gz").string());

  // 1. Import.
  std::map<std::string, SplitData> splits;
  for (const char* s : kSplits) splits[s];
  size_t n_lines = 0, n_skipped = 0;
  const std::string err = for_each_line(ht_path, [&](std::string_view line, size_t n) {
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
    ++n_lines;
    Result<Song> r = parse_hooktheory_line(line);
    if (!r) {
      std::cerr << ht_path.string() << ":" << n << ": skipped: " << r.error() << "\n";
      ++n_skipped;
      return;
    }
    Song& s = *r;
    if (s.split.empty()) s.split = std::string(split_for_key(s.id));
    auto it = splits.find(s.split);
    if (it == splits.end() || s.n_frames <= 0) {
      std::cerr << ht_path.string() << ":" << n << ": skipped: "
                << (s.n_frames <= 0 ? "no frames" : "unknown split '" + s.split + "'") << "\n";
      ++n_skipped;
      return;
    }
    it->second.songs.push_back(std::move(s));
  });
  if (!err.empty()) {
    std::cerr << "jamtool dataset: " << err << "\n";
    return 1;
  }
  std::cout << "hooktheory: " << n_lines << " lines, " << n_skipped << " skipped\n";

  // 2. Vocabulary from the Hooktheory train split only (before any other corpus is added).
  VocabBuildReport report;
  const ChordVocab vocab = ChordVocab::build(splits["train"].songs, vcfg, &report);
  const TokenLayout layout{vocab.size()};
  std::cout << "vocab: " << report.n_classes_kept << " classes x 12 roots = " << vocab.size()
            << " chords (" << report.n_shapes_seen << " shapes seen, cut-off " << report.cutoff_frames
            << " frames), vocab_size " << layout.vocab_size() << ", hash " << vocab.hash()
            << ", train frames exact " << report.coverage() * 100.0 << "%\n";

  // POP909 joins after the vocabulary is fixed. "--pop909" alone means the shared copy; a folder
  // holding POP909/ works too.
  fs::path pop_dir = args.get("pop909").empty() ? shared_data_dir() / "pop909" / "POP909"
                                                : fs::path(args.get("pop909"));
  std::map<std::string, size_t> pop_clips;
  if (args.has("pop909")) {
    std::error_code pec;
    if (fs::is_directory(pop_dir / "POP909", pec)) pop_dir /= "POP909";
    std::vector<Song> pop;
    if (std::string e = load_pop909(pop_dir, &pop); !e.empty()) {
      std::cerr << "jamtool dataset: --pop909: " << e << "\n";
      return 1;
    }
    for (Song& s : pop) {
      ++pop_clips[s.split];
      splits[s.split].songs.push_back(std::move(s));
    }
  }

  // 3. Encode.
  for (auto& [name, sd] : splits) {
    sd.shard.vocab_size = static_cast<uint32_t>(layout.vocab_size());
    const bool augment = name == "train";
    for (const Song& s : sd.songs) {
      encode(s, vocab, &sd.stats);
      for (int shift = augment ? -6 : 0; shift <= (augment ? 5 : 0); ++shift) {
        std::optional<Song> t = transpose_song(s, shift);
        if (!t) {
          ++sd.skipped_transpositions;
          continue;
        }
        const std::vector<int32_t> toks = encode(*t, vocab);
        if (auto e = validate(toks, layout)) {
          std::cerr << "jamtool dataset: internal error: " << s.id << " token " << e->index << ": "
                    << e->reason << "\n";
          return 1;
        }
        sd.shard.add(toks);
      }
    }
  }

  // 4. Write.
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  bool ok = write_file(out_dir / "vocab.json", vocab.to_json(&report) + "\n");
  nlohmann::ordered_json split_json, stats;
  stats["sources"] = {{"hooktheory", ht_path.string()},
                      {"pop909", args.has("pop909") ? nlohmann::ordered_json(pop_dir.string())
                                                    : nlohmann::ordered_json(nullptr)}};
  stats["lines"] = n_lines;
  stats["skipped_lines"] = n_skipped;
  stats["n_chords"] = vocab.size();
  stats["vocab_size"] = layout.vocab_size();
  stats["vocab_hash"] = vocab.hash();
  stats["vocab_classes"] = report.n_classes_kept;
  stats["train_transpositions"] = "-6..+5 where every melody pitch stays in 0..127";
  EncodeStats all;
  for (const char* name : kSplits) {
    SplitData& sd = splits[name];
    std::string jsonl;
    auto ids = nlohmann::ordered_json::array();
    for (const Song& s : sd.songs) {
      jsonl += song_to_jsonl(s);
      jsonl += '\n';
      ids.push_back(s.id);
    }
    split_json[name] = std::move(ids);
    ok = ok && write_file(out_dir / (std::string(name) + ".jsonl"), jsonl);
    ok = ok && write_file(out_dir / (std::string(name) + ".tok"), serialize_tok_shard(sd.shard));
    const EncodeStats& st = sd.stats;
    all.add(st);
    stats["splits"][name] = {
        {"clips", sd.songs.size()},
        {"pop909_clips", pop_clips[name]},
        {"sequences", sd.shard.n_seqs()},
        {"tokens", sd.shard.tokens.size()},
        {"skipped_transpositions", sd.skipped_transpositions},
        {"frames", st.frames},
        {"chord_frames", st.chord_frames},
        {"fallback_chord_frames", st.fallback_chord_frames},
        {"fallback_share", st.chord_frames ? double(st.fallback_chord_frames) / double(st.chord_frames) : 0.0},
        {"note_frames", st.note_frames}};
    std::cout << name << ": " << sd.songs.size() << " clips, " << sd.shard.n_seqs() << " sequences, "
              << sd.shard.tokens.size() << " tokens, fallback "
              << (st.chord_frames ? 100.0 * double(st.fallback_chord_frames) / double(st.chord_frames) : 0.0)
              << "% of " << st.chord_frames << " chord frames\n";
  }
  stats["fallback_share"] =
      all.chord_frames ? double(all.fallback_chord_frames) / double(all.chord_frames) : 0.0;
  ok = ok && write_file(out_dir / "split.json", split_json.dump() + "\n");
  ok = ok && write_file(out_dir / "stats.json", stats.dump(1) + "\n");
  if (!ok) {
    std::cerr << "jamtool dataset: cannot write to " << out_dir.string() << "\n";
    return 1;
  }
  std::cout << "wrote " << out_dir.string() << "\n";
  return 0;
}

}  // namespace jam::tool
