// hooktheory.h — the Hooktheory corpus importer and the shared JSONL song schema.
//
// One line of hooktheory_frames16.jsonl (fields in ../shared/data/README.md) becomes a Song.
// The split is `split_sheetsage` when non-null, else `split_martydepth`, else a plain "split"
// field (the shared schema written by song_to_jsonl), else "". Inversions past the chord's last
// tone (chords with omitted tones, e.g. [7] inversion 2 = the fifth in the bass) are clamped to
// the last tone. Melody notes are monophonized. A malformed line is an error value with the reason.
//
//   jam::Result<jam::Song> s = jam::parse_hooktheory_line(line);
//   if (!s) std::cerr << "line " << n << ": " << s.error();
//   std::string out = jam::song_to_jsonl(*s);   // {"id", "n_frames", "beats_per_bar", "melody",
//   "chords", ...}
//
// The shared schema is Hooktheory's: {"id", "n_frames", "beats_per_bar", "melody": [[on, off,
// pitch], ...], "chords": [[on, off, root_pc, intervals, inversion], ...]}, plus optional "split",
// "tonic_pc" and "tempo_bpm". parse_hooktheory_line reads every file written by song_to_jsonl.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "jam/result.h"
#include "jam/song.h"

namespace jam {

Result<Song> parse_hooktheory_line(std::string_view line);

// One line of the shared schema (no trailing newline), chords as stored in the song.
std::string song_to_jsonl(const Song& song);

}  // namespace jam
