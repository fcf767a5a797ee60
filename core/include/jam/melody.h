// melody.h — monophonization (ReaLJam's rule) and the per-frame melody view used by the tokenizer.
//
// Rule: at most one note sounds per frame. Among notes that start in the same frame the first in
// input order wins (the others are dropped); a held note continues until its off frame or until
// a new note starts, whichever comes first (then it is cut there). Notes with off <= on are
// dropped.
//
//   std::vector<jam::Note> mono = jam::monophonize(song.melody);
//   jam::MelodyFrames mf = jam::melody_frames(song.melody, song.n_frames);
//   // mf.pitch[t] is the sounding pitch or -1; mf.onset[t] is true where a note starts.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "jam/song.h"

namespace jam {

// Returns the monophonic version of `notes`, sorted by onset (see the rule above).
std::vector<Note> monophonize(const std::vector<Note>& notes);

struct MelodyFrames {
  std::vector<int> pitch;      // per frame: MIDI pitch, or -1 for silence
  std::vector<uint8_t> onset;  // per frame: 1 where a note starts
};

// Per-frame view of the monophonized melody over frames [0, n_frames); notes are clipped.
MelodyFrames melody_frames(const std::vector<Note>& notes, Frame n_frames);

// Back from frames to notes (consecutive frames of one pitch without an onset form one note).
std::vector<Note> notes_from_frames(const MelodyFrames& frames, int velocity = 100);

}  // namespace jam
