// jamtool — the native command line. `jamtool <command> [options]`; `jamtool help` lists commands.
// To add a command: write `int cmd_<name>(const Args&)` in cmd_<name>.cpp, declare it in
// commands.h, and add one line to kCommands below.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"

namespace {

struct Command {
  const char* name;
  int (*run)(const jam::tool::Args&);
  const char* usage;
};

const Command kCommands[] = {
    {"dataset", jam::tool::cmd_dataset,
     "dataset --out DIR [--hooktheory FILE.jsonl[.gz]] [--pop909 DIR] [--max-chords 600] "
     "[--coverage 0.99]   build token shards, vocab.json, splits and stats"},
    {"simulate", jam::tool::cmd_simulate,
     "simulate --model ID --data FILE.jsonl --out OUT.jsonl [--lookahead 16 --commit 16 "
     "--silence 32 --temperature 1 --seed 0] [--chord-rate 0 --colour 0.5] [--models DIR] "
     "[--offline ID | --no-warm-start] "
     "[--limit N] [--threads N] [--prime-beats N] [--transpose-at-beat B --transpose S]   "
     "live sessions through the planner, one request per frame"},
    {"metrics", jam::tool::cmd_metrics,
     "metrics FILE.jsonl[.gz] [--reference REF.jsonl] [--split NAME] [--out FILE] "
     "[--per-beat CURVE.csv]   ReaLchords metrics (note-in-chord, onset-interval EMD, "
     "chord-length entropy, diversity ...) as JSON"},
    {"midi", jam::tool::cmd_midi,
     "midi IN OUT [--id ID] [--track NAME] [--ppq 480]   convert a song between .mid, session "
     ".json and .jsonl"},
    {"harmonize", jam::tool::cmd_harmonize,
     "harmonize IN OUT [--model offline --temperature 1 --seed 0 --top-p 1 --window 256 "
     "--overlap 64 --chord-rate 0 --colour 0.5] [--models DIR] [--limit N]   the offline model "
     "writes chords for a whole melody (.mid/.json/.jsonl in; .mid/.jsonl out)"},
};

void print_usage(std::ostream& os) {
  os << "usage: jamtool <command> [options]\n\ncommands:\n";
  for (const Command& c : kCommands) os << "  " << c.usage << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "help") || !std::strcmp(argv[1], "--help") ||
      !std::strcmp(argv[1], "-h")) {
    print_usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  const std::string name = argv[1];
  for (const Command& c : kCommands) {
    if (name != c.name) continue;
    const jam::tool::Args args =
        jam::tool::Args::parse(name, std::vector<std::string>(argv + 2, argv + argc));
    if (args.has("help")) {
      std::cout << "usage: jamtool " << c.usage << "\n";
      return 0;
    }
    return c.run(args);
  }
  std::cerr << "jamtool: unknown command '" << name << "'\n";
  print_usage(std::cerr);
  return 2;
}
