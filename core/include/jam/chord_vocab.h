// chord_vocab.h — the chord vocabulary: which chords the models can play, their ids, names,
// pitch classes and voicings, and how any corpus chord maps onto them.
//
// A chord is (root pitch class, stacked intervals, inversion) as in the Hooktheory corpus. Its
// *shape* is what sounds: the set of pitch classes relative to the root plus the bass relative to
// the root, so [2,5] and [7,7] (both sus2) are the same shape. A chord *class* is a shape with
// one representative (intervals, inversion): the most frequent spelling in the corpus.
//
// Building (`ChordVocab::build`): count chord FRAMES per class over the Hooktheory TRAIN split
// only; sort classes by frame count (ties: smaller shape key first); keep the most frequent classes
// until 99% of the chord frames map exactly or 12 x classes would exceed `max_chords` (600) —
// i.e. a frequency cut-off. The vocabulary is 12 roots x kept classes (transposition-closed);
// id = class_index * 12 + root, so id 0 is "C" (the most frequent class is the major triad).
//
// Mapping (`map`): a chord whose shape and root are in the vocabulary maps exactly. Otherwise the
// FALLBACK rule (kFallbackRule, also written to vocab.json) picks, among the vocabulary chords with
// the same root (all chords if none has that root), the one maximising |A ∩ B| − |A △ B| over pitch
// classes (A = the chord's, B = the candidate's), then preferring the same bass pitch class, then
// fewer notes, then the lower id. A chord never maps to silence.
//
// Names: root spelled with flats as Hooktheory does (C Db D Eb E F Gb G Ab A Bb B), a quality
// suffix ("", m, dim, aug, sus4, sus2, 7, maj7, m7, m7b5, dim7, add9, 6, m6, 9 ...; unknown shapes
// get "{0,2,6,7}" relative pitch classes) and "/bass" for inversions: [4,3] inv 1 on F is "F/A".
// Voicing: bass note in octave 3 (MIDI 48..59), then every chord pitch class in octave 4
// (MIDI 60..71), ascending.
//
// Identity: `hash()` is FNV-1a 64 over the canonical string "root:i1,i2,..:inversion;" for each
// chord in id order, as 16 lowercase hex digits. to_json()/from_json() round-trip ids and hash.
//
//   jam::ChordVocab v = jam::ChordVocab::from_classes({{{4, 3}, 0}, {{3, 4}, 0}});
//   int id = v.map(jam::ChordEvent{0, 16, 5, {4, 3}, 1});    // "F/A" is not in v: falls back to
//   "F" std::vector<int> keys = v.voicing(id);                     // {53, 60, 65, 69}
//
// Immutable after construction; const member functions are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "jam/result.h"
#include "jam/song.h"

namespace jam {

inline constexpr const char* kFallbackRule =
    "A chord not in the vocabulary maps to the vocabulary chord with the same root (any root if "
    "none has it) that maximises |A intersect B| - |A symmetric-difference B| over pitch classes "
    "(A = the chord's, B = the candidate's); ties prefer the same bass pitch class, then fewer "
    "notes, then the lower id. Never silence.";

// 64-bit FNV-1a over bytes (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
uint64_t fnv1a64(std::string_view bytes);
// 16 lowercase hex digits.
std::string hex16(uint64_t value);

// Pitch-class set of a chord as a 12-bit mask (bit p = pitch class p), absolute (root applied).
uint16_t chord_pc_mask(int root_pc, const std::vector<int>& intervals);
// Bass pitch class (the inversion-th stacked tone; inversions past the last tone use the last).
int chord_bass_pc(int root_pc, const std::vector<int>& intervals, int inversion);
// Display name, e.g. "C", "Am7", "F/A", "G7/B", "Bbmaj7".
std::string chord_name(int root_pc, const std::vector<int>& intervals, int inversion);
// "C", "Db", ... for pitch class 0..11 (flats, as Hooktheory).
std::string_view pitch_class_name(int pc);

struct ChordClass {
  std::vector<int> intervals;
  int inversion = 0;
};

struct ChordInfo {
  int id = 0;
  std::string name;
  int root = 0;
  std::vector<int> intervals;
  int inversion = 0;
  std::vector<int> pitch_classes;  // ascending absolute pitch classes
  int bass = 0;                    // bass pitch class
  uint16_t mask = 0;               // pitch_classes as a bit mask
};

struct VocabBuildConfig {
  int max_chords = 600;           // N = 12 x classes stays at or below this
  double target_coverage = 0.99;  // stop adding classes once this share of frames maps exactly
};

struct VocabBuildReport {
  int64_t total_chord_frames = 0;
  int64_t exact_chord_frames = 0;  // frames whose chord maps exactly with the kept classes
  int n_shapes_seen = 0;
  int n_classes_kept = 0;
  int64_t cutoff_frames = 0;  // frame count of the least frequent kept class
  double coverage() const {
    return total_chord_frames ? double(exact_chord_frames) / double(total_chord_frames) : 0.0;
  }
};

class ChordVocab {
 public:
  ChordVocab() = default;
  // 12 roots x `classes`, id = class_index * 12 + root.
  static ChordVocab from_classes(const std::vector<ChordClass>& classes);
  // Any chord list (ids = positions). Used by from_json; not necessarily transposition-closed.
  static ChordVocab from_chords(const std::vector<ChordInfo>& chords);
  // Frequency-cut vocabulary from (train) songs; see the header comment.
  static ChordVocab build(const std::vector<Song>& songs, const VocabBuildConfig& config = {},
                          VocabBuildReport* report = nullptr);

  int size() const { return static_cast<int>(chords_.size()); }
  const ChordInfo& chord(int id) const { return chords_.at(static_cast<size_t>(id)); }
  const std::vector<ChordInfo>& chords() const { return chords_; }
  const std::string& hash() const { return hash_; }

  // The id of a chord with the same root, pitch classes and bass, if any.
  std::optional<int> find_exact(int root_pc, const std::vector<int>& intervals,
                                int inversion) const;
  // Exact id, else the fallback (see kFallbackRule). *exact tells which. -1 only if the vocab is
  // empty.
  int map(int root_pc, const std::vector<int>& intervals, int inversion,
          bool* exact = nullptr) const;
  int map(const ChordEvent& c, bool* exact = nullptr) const {
    return map(c.root_pc, c.intervals, c.inversion, exact);
  }
  // The same chord moved by `semitones`, if the vocabulary has it.
  std::optional<int> transpose(int id, int semitones) const;
  // Playable voicing: bass in MIDI 48..59, chord pitch classes in 60..71, ascending.
  std::vector<int> voicing(int id) const;
  // A corpus-form chord event for id over [on, off).
  ChordEvent event(int id, Frame on, Frame off) const;

  std::string to_json(const VocabBuildReport* report = nullptr) const;
  static Result<ChordVocab> from_json(std::string_view text);

 private:
  static uint32_t key(int root, uint16_t mask, int bass) {
    return static_cast<uint32_t>(root) << 16 | static_cast<uint32_t>(bass) << 12 | mask;
  }
  std::vector<ChordInfo> chords_;
  std::unordered_map<uint32_t, int> exact_;  // key(root, mask, bass) -> first id
  std::string hash_;
};

}  // namespace jam
