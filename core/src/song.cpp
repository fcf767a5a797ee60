#include "jam/song.h"

#include <string>

namespace jam {

std::optional<std::string> validate_song(const Song& song) {
  if (song.n_frames < 0) return "n_frames is negative";
  for (size_t i = 0; i < song.melody.size(); ++i) {
    const Note& n = song.melody[i];
    const std::string where = "melody[" + std::to_string(i) + "]";
    if (n.on < 0 || n.off <= n.on) return where + ": needs 0 <= on < off";
    if (n.pitch < 0 || n.pitch > 127) return where + ": pitch outside 0..127";
    if (n.off > song.n_frames) return where + ": ends after n_frames";
  }
  for (size_t i = 0; i < song.chords.size(); ++i) {
    const ChordEvent& c = song.chords[i];
    const std::string where = "chords[" + std::to_string(i) + "]";
    if (c.on < 0 || c.off <= c.on) return where + ": needs 0 <= on < off";
    if (c.root_pc < 0 || c.root_pc > 11) return where + ": root_pc outside 0..11";
    if (c.off > song.n_frames) return where + ": ends after n_frames";
    if (i > 0 && c.on < song.chords[i - 1].off) return where + ": overlaps the previous chord";
    for (int iv : c.intervals)
      if (iv <= 0 || iv > 24) return where + ": interval outside 1..24";
    if (c.inversion < 0 || c.inversion > static_cast<int>(c.intervals.size()))
      return where + ": inversion larger than the chord";
  }
  return std::nullopt;
}

std::optional<Song> transpose_song(const Song& song, int semitones) {
  Song out = song;
  for (Note& n : out.melody) {
    n.pitch += semitones;
    if (n.pitch < 0 || n.pitch > 127) return std::nullopt;
  }
  for (ChordEvent& c : out.chords) c.root_pc = ((c.root_pc + semitones) % 12 + 12) % 12;
  if (out.tonic_pc >= 0) out.tonic_pc = ((out.tonic_pc + semitones) % 12 + 12) % 12;
  return out;
}

}  // namespace jam
