// commands.h — jamtool subcommands. Each command is one function `int cmd_<name>(const Args&)`
// in tools/jamtool/cmd_<name>.cpp, declared here and registered by one line in main.cpp's table.
// Commands return the process exit code (0 ok, 1 failure, 2 usage error) and print their own
// messages. Single-threaded.
#pragma once

#include <string>

#include "args.h"
#include "jam/result.h"
#include "jam/song.h"

namespace jam::tool {

int cmd_dataset(const Args& args);  // cmd_dataset.cpp: Hooktheory (+POP909) -> token shards
int cmd_simulate(const Args& args);  // cmd_simulate.cpp: live sessions through the planner

int cmd_metrics(const Args& args);  // cmd_metrics.cpp: ReaLchords metrics of a JSONL song file
int cmd_midi(const Args& args);     // cmd_midi.cpp: convert a song between .mid, session .json, .jsonl
int cmd_harmonize(const Args& args);  // cmd_harmonize.cpp: the offline model harmonizes a melody

// cmd_midi.cpp: one song from .mid/.midi (--track), session .json or .jsonl[.gz] (--id, else the
// first song).
Result<Song> load_song(const std::string& path, const Args& args);

}  // namespace jam::tool
