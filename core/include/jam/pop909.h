// pop909.h — the POP909 importer: NNN.mid + chord_midi.txt + beat_midi.txt -> Song on the beat grid.
//
//   jam::Pop909Report rep;
//   jam::Result<jam::Song> s = jam::import_pop909_song(mid_bytes, chord_txt, beat_txt, "001", &rep);
//   for (const auto& label : rep.unknown_labels) warn(label);
//
// Grid: the beats of beat_midi.txt (one line per beat: time in seconds, a half-bar flag, and
// 1.0 in column 3 on downbeats). Frame 0 is the FIRST BEAT of the file; 4 frames per beat, and a
// time t between beats b_i and b_{i+1} lies at frame 4 * (i + (t - b_i) / (b_{i+1} - b_i)) (linear
// interpolation; before the first / after the last beat the first / last beat interval is
// extended). Onsets and offsets are rounded to the nearest frame; a note shorter than a frame
// keeps one frame, a chord that rounds to zero frames is dropped; events before frame 0 are
// clipped (or dropped when they end there).
// beats_per_bar = the most common gap (in beats) between consecutive downbeats (4 if there is no
// downbeat); first_downbeat (reported) = the beat index of the first downbeat.
// tempo_bpm = 60 / median beat interval, rounded to 0.01 (informative only).
//
// Melody: the MIDI track named MELODY (melody_from_midi's choice rule), note times converted to
// seconds through the file's tempo map, velocities kept, made monophonic (jam::monophonize).
// Chords: chord_midi.txt lines "start end label" (seconds, Harte syntax). "N" = no chord (a gap);
// a label that parse_harte_chord rejects is reported in unknown_labels and left as a gap.
// n_frames = max(4 * number of beats, last melody/chord offset).
//
// Splits are not decided here: `jamtool dataset --pop909` uses split_for_key("<NNN>") from
// dataset_shards.h (FNV-1a 64 of the folder name mod 10: 80/10/10, fixed).
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jam/result.h"
#include "jam/song.h"

namespace jam {

// A chord label in Harte syntax ("B:maj", "Bb:min7", "F#:maj7/5", "C:sus4(b7)", "A:min/b3", "N").
// Qualities: maj min dim aug sus2 sus4 7 maj7 min7 hdim7 dim7 minmaj7 maj6 min6 9 maj9 min9 11
// 13 5 1 (and the shorthand "C" = C:maj); parenthesised degrees add ("(b7)", "(9)") or remove
// ("(*5)") tones. The tones, as semitones above the root sorted ascending (9ths, 11ths and 13ths
// stay above the octave: 14, 17, 21), become stacked intervals, e.g. 9 -> [4,3,3,4].
// A bass degree ("/3", "/b3", "/5", "/b7", "/7", ...) that is a chord tone gives the inversion
// (its index among the sorted tones); a bass that is not a chord tone is dropped.
struct HarteChord {
  bool no_chord = false;  // "N" (or "X")
  int root_pc = 0;
  std::vector<int> intervals;
  int inversion = 0;
  bool bass_dropped = false;  // the label named a non-chord-tone bass
};
Result<HarteChord> parse_harte_chord(std::string_view label);

// beat_midi.txt: beat times (seconds, strictly increasing) and downbeat flags (column 3).
struct BeatGrid {
  std::vector<double> seconds;
  std::vector<uint8_t> downbeat;
  int beats_per_bar = 4;
  int first_downbeat = 0;  // beat index

  // Frame position (fractional) of time `t` on this grid, by the interpolation rule above.
  double frame_at(double t) const;
};
Result<BeatGrid> parse_pop909_beats(std::string_view beat_midi_txt);

struct Pop909Report {
  std::vector<std::string> unknown_labels;  // "label (line N): reason"
  int dropped_basses = 0;                   // chords whose non-chord-tone bass was dropped
  int n_beats = 0;
  int first_downbeat = 0;                   // beat index of the first downbeat
};

Result<Song> import_pop909_song(std::span<const uint8_t> midi_bytes, std::string_view chord_midi_txt,
                                std::string_view beat_midi_txt, const std::string& id,
                                Pop909Report* report = nullptr);

}  // namespace jam
