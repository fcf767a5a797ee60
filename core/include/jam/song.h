// song.h — the shared in-memory form of a piece: melody notes and chord events on the frame grid.
//
// A Song is what every importer produces (Hooktheory JSONL, POP909, MIDI files, session JSON) and
// what the tokenizer, metrics and MIDI writer consume. Times are frames (16th notes); `off` is
// exclusive. Chords are stored in the corpus form (root pitch class + stacked intervals +
// inversion), independent of any vocabulary; the vocabulary maps them to ids.
//
//   jam::Song s; s.n_frames = 64; s.melody.push_back({0, 4, 60});
//   s.chords.push_back({0, 16, 0, {4, 3}, 0});   // C major, root position
//
// Plain data: no invariants are enforced here; `validate_song` reports the first problem.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jam {

using Frame = int32_t;  // one 16th note; 4 frames per beat; frame 0 = the session's first beat

struct Note {
  Frame on = 0;
  Frame off = 0;        // exclusive
  int pitch = 60;       // MIDI 0..127
  int velocity = 100;   // MIDI 1..127 (importers without velocity use 100)
};

struct ChordEvent {
  Frame on = 0;
  Frame off = 0;                 // exclusive
  int root_pc = 0;               // 0..11, C = 0
  std::vector<int> intervals;    // stacked intervals above the root in root position, e.g. {4,3};
                                 // 1..24 each (may pass the octave: {4,3,14} is C E G A)
  int inversion = 0;             // 0 = root position, 1 = first inversion, ...
};

struct Song {
  std::string id;
  std::string split;             // "train" / "valid" / "test" / "" (unknown)
  Frame n_frames = 0;
  int beats_per_bar = 4;
  double tempo_bpm = 120.0;      // when known (MIDI, session); the grid itself is tempo-free
  int tonic_pc = -1;             // key tonic 0..11 when known (Hooktheory), else -1
  std::vector<Note> melody;
  std::vector<ChordEvent> chords;
};

// Returns an error message for the first structural problem (off <= on, pitch out of range,
// events past n_frames, overlapping chords), or nullopt when the song is well formed.
std::optional<std::string> validate_song(const Song& song);

// The song moved by `semitones` (melody pitches and chord roots), or nullopt if a melody pitch
// would leave MIDI 0..127.
std::optional<Song> transpose_song(const Song& song, int semitones);

}  // namespace jam
