#include "jam/chord_vocab.h"

#include <algorithm>
#include <bit>
#include <climits>
#include <map>
#include <nlohmann/json.hpp>

namespace jam {
namespace {

constexpr std::string_view kPcNames[12] = {"C",  "Db", "D",  "Eb", "E",  "F",
                                           "Gb", "G",  "Ab", "A",  "Bb", "B"};

uint16_t mask_of(std::initializer_list<int> pcs) {
  uint16_t m = 0;
  for (int p : pcs) m = static_cast<uint16_t>(m | (1u << p));
  return m;
}

// Quality suffix by pitch-class set relative to the root. Every suffix is distinct.
const std::map<uint16_t, std::string_view>& quality_table() {
  static const std::map<uint16_t, std::string_view> table = {
      {mask_of({0}), "1"},
      {mask_of({0, 7}), "5"},
      {mask_of({0, 4}), "(no5)"},
      {mask_of({0, 3}), "m(no5)"},
      {mask_of({0, 4, 7}), ""},
      {mask_of({0, 3, 7}), "m"},
      {mask_of({0, 3, 6}), "dim"},
      {mask_of({0, 4, 8}), "aug"},
      {mask_of({0, 5, 7}), "sus4"},
      {mask_of({0, 2, 7}), "sus2"},
      {mask_of({0, 4, 6}), "b5"},
      {mask_of({0, 6, 7}), "sus#4"},
      {mask_of({0, 4, 10}), "7(no5)"},
      {mask_of({0, 3, 10}), "m7(no5)"},
      {mask_of({0, 4, 11}), "maj7(no5)"},
      {mask_of({0, 7, 10}), "7(no3)"},
      {mask_of({0, 4, 7, 10}), "7"},
      {mask_of({0, 4, 7, 11}), "maj7"},
      {mask_of({0, 3, 7, 10}), "m7"},
      {mask_of({0, 3, 6, 10}), "m7b5"},
      {mask_of({0, 3, 6, 9}), "dim7"},
      {mask_of({0, 3, 7, 11}), "mMaj7"},
      {mask_of({0, 4, 8, 10}), "aug7"},
      {mask_of({0, 4, 8, 11}), "augMaj7"},
      {mask_of({0, 4, 6, 10}), "7b5"},
      {mask_of({0, 5, 7, 10}), "7sus4"},
      {mask_of({0, 2, 7, 10}), "7sus2"},
      {mask_of({0, 2, 5, 7}), "sus24"},
      {mask_of({0, 2, 7, 11}), "maj7sus2"},
      {mask_of({0, 5, 7, 11}), "maj7sus4"},
      {mask_of({0, 4, 7, 9}), "6"},
      {mask_of({0, 3, 7, 9}), "m6"},
      {mask_of({0, 2, 4, 7}), "add9"},
      {mask_of({0, 2, 3, 7}), "madd9"},
      {mask_of({0, 4, 5, 7}), "add11"},
      {mask_of({0, 3, 5, 7}), "madd11"},
      {mask_of({0, 4, 6, 7}), "add#11"},
      {mask_of({0, 2, 4, 7, 9}), "6/9"},
      {mask_of({0, 2, 3, 7, 9}), "m6/9"},
      {mask_of({0, 2, 4, 7, 10}), "9"},
      {mask_of({0, 2, 4, 7, 11}), "maj9"},
      {mask_of({0, 2, 3, 7, 10}), "m9"},
      {mask_of({0, 2, 3, 7, 11}), "mMaj9"},
      {mask_of({0, 1, 4, 7, 10}), "7b9"},
      {mask_of({0, 3, 4, 7, 10}), "7#9"},
      {mask_of({0, 4, 7, 8, 10}), "7b13"},
      {mask_of({0, 4, 6, 7, 10}), "7#11"},
      {mask_of({0, 4, 7, 9, 10}), "7add13"},
      {mask_of({0, 4, 7, 9, 11}), "maj7add13"},
      {mask_of({0, 4, 6, 7, 11}), "maj7#11"},
      {mask_of({0, 3, 5, 7, 10}), "m7add11"},
      {mask_of({0, 2, 5, 7, 10}), "9sus4"},
      {mask_of({0, 1, 3, 6, 10}), "m7b5b9"},
      {mask_of({0, 2, 3, 6, 10}), "m9b5"},
      {mask_of({0, 2, 4, 5, 7, 10}), "11"},
      {mask_of({0, 2, 3, 5, 7, 10}), "m11"},
      {mask_of({0, 2, 4, 5, 7, 11}), "maj11"},
      {mask_of({0, 2, 4, 6, 7, 11}), "maj9#11"},
      {mask_of({0, 2, 4, 6, 7, 10}), "9#11"},
      {mask_of({0, 2, 4, 5, 7, 9, 10}), "13"},
      {mask_of({0, 2, 4, 5, 7, 9, 11}), "maj13"},
      {mask_of({0, 2, 3, 5, 7, 9, 10}), "m13"},
  };
  return table;
}

uint16_t rotate_down(uint16_t mask, int root) {  // absolute -> relative to root
  const unsigned m = mask;
  return static_cast<uint16_t>(((m >> root) | (m << (12 - root))) & 0xFFFu);
}

std::string quality_name(uint16_t rel_mask) {
  const auto& table = quality_table();
  auto it = table.find(rel_mask);
  if (it != table.end()) return std::string(it->second);
  std::string s = "{";
  for (int p = 0; p < 12; ++p) {
    if (!(rel_mask >> p & 1)) continue;
    if (s.size() > 1) s += ',';
    s += std::to_string(p);
  }
  return s + "}";
}

int popcount12(unsigned m) { return std::popcount(m & 0xFFFu); }

int pc_of(int x) { return ((x % 12) + 12) % 12; }

// A JSON integer that fits in int. Anything else (a float like 1e300, a string, a huge integer)
// is rejected: get<int>() on it would be undefined or lossy (found by tests/fuzz).
bool json_int(const nlohmann::json& v, int& out) {
  if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() > static_cast<uint64_t>(INT_MAX)) return false;
  } else if (!v.is_number_integer() || v.get<int64_t>() < INT_MIN || v.get<int64_t>() > INT_MAX) {
    return false;
  }
  out = static_cast<int>(v.get<int64_t>());
  return true;
}

std::string canonical_string(const std::vector<ChordInfo>& chords) {
  std::string s;
  for (const ChordInfo& c : chords) {
    s += std::to_string(c.root);
    s += ':';
    for (size_t i = 0; i < c.intervals.size(); ++i) {
      if (i) s += ',';
      s += std::to_string(c.intervals[i]);
    }
    s += ':';
    s += std::to_string(c.inversion);
    s += ';';
  }
  return s;
}

ChordInfo make_info(int id, int root, const std::vector<int>& intervals, int inversion) {
  ChordInfo c;
  c.id = id;
  c.root = ((root % 12) + 12) % 12;
  c.intervals = intervals;
  c.inversion = inversion;
  c.mask = chord_pc_mask(c.root, intervals);
  for (int p = 0; p < 12; ++p)
    if (c.mask >> p & 1) c.pitch_classes.push_back(p);
  c.bass = chord_bass_pc(c.root, intervals, inversion);
  c.name = chord_name(c.root, intervals, inversion);
  return c;
}

}  // namespace

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char ch : bytes) {
    h ^= ch;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string hex16(uint64_t value) {
  static const char* digits = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) s[static_cast<size_t>(i)] = digits[value & 15];
  return s;
}

std::string_view pitch_class_name(int pc) { return kPcNames[((pc % 12) + 12) % 12]; }

// Pitch classes are summed modulo 12 step by step, so no interval value can overflow.
uint16_t chord_pc_mask(int root_pc, const std::vector<int>& intervals) {
  int acc = pc_of(root_pc);
  unsigned m = 1u << acc;
  for (int iv : intervals) {
    acc = pc_of(acc + pc_of(iv));
    m |= 1u << acc;
  }
  return static_cast<uint16_t>(m);
}

int chord_bass_pc(int root_pc, const std::vector<int>& intervals, int inversion) {
  const int n = std::clamp(inversion, 0, static_cast<int>(intervals.size()));
  int acc = pc_of(root_pc);
  for (int i = 0; i < n; ++i) acc = pc_of(acc + pc_of(intervals[static_cast<size_t>(i)]));
  return acc;
}

std::string chord_name(int root_pc, const std::vector<int>& intervals, int inversion) {
  const int root = ((root_pc % 12) + 12) % 12;
  std::string name(pitch_class_name(root));
  name += quality_name(rotate_down(chord_pc_mask(root, intervals), root));
  const int bass = chord_bass_pc(root, intervals, inversion);
  if (bass != root) {
    name += '/';
    name += pitch_class_name(bass);
  }
  return name;
}

ChordVocab ChordVocab::from_chords(const std::vector<ChordInfo>& chords) {
  ChordVocab v;
  v.chords_.reserve(chords.size());
  for (size_t i = 0; i < chords.size(); ++i) {
    const ChordInfo& c = chords[i];
    v.chords_.push_back(make_info(static_cast<int>(i), c.root, c.intervals, c.inversion));
    const ChordInfo& info = v.chords_.back();
    v.exact_.emplace(key(info.root, info.mask, info.bass), info.id);
  }
  v.hash_ = hex16(fnv1a64(canonical_string(v.chords_)));
  return v;
}

ChordVocab ChordVocab::from_classes(const std::vector<ChordClass>& classes) {
  std::vector<ChordInfo> chords;
  chords.reserve(classes.size() * 12);
  for (const ChordClass& k : classes)
    for (int root = 0; root < 12; ++root) {
      ChordInfo c;
      c.root = root;
      c.intervals = k.intervals;
      c.inversion = k.inversion;
      chords.push_back(std::move(c));
    }
  return from_chords(chords);
}

ChordVocab ChordVocab::build(const std::vector<Song>& songs, const VocabBuildConfig& config,
                             VocabBuildReport* report) {
  // Shape key relative to the root: (bass interval << 12) | relative mask.
  struct Shape {
    int64_t frames = 0;
    std::map<std::pair<std::vector<int>, int>, int64_t> spellings;
  };
  std::map<uint32_t, Shape> shapes;
  int64_t total = 0;
  for (const Song& s : songs)
    for (const ChordEvent& c : s.chords) {
      const int64_t frames = std::max<int64_t>(0, int64_t{c.off} - c.on);
      if (frames == 0) continue;
      const int root = ((c.root_pc % 12) + 12) % 12;
      const uint16_t rel = rotate_down(chord_pc_mask(root, c.intervals), root);
      const int bass_rel = (chord_bass_pc(root, c.intervals, c.inversion) - root + 12) % 12;
      Shape& sh = shapes[static_cast<uint32_t>(bass_rel) << 12 | rel];
      sh.frames += frames;
      const int inv = std::clamp(c.inversion, 0, static_cast<int>(c.intervals.size()));
      sh.spellings[{c.intervals, inv}] += frames;
      total += frames;
    }
  std::vector<std::pair<uint32_t, const Shape*>> order;
  for (const auto& [k, sh] : shapes) order.emplace_back(k, &sh);
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.second->frames > b.second->frames;
  });

  std::vector<ChordClass> kept;
  int64_t covered = 0, cutoff = 0;
  for (const auto& [k, sh] : order) {
    if (total > 0 && double(covered) >= config.target_coverage * double(total)) break;
    if (12 * (static_cast<int>(kept.size()) + 1) > config.max_chords) break;
    // Representative spelling: the most frequent (ties: the smallest, by map order).
    const std::pair<std::vector<int>, int>* best = nullptr;
    int64_t best_frames = -1;
    for (const auto& [sp, f] : sh->spellings)
      if (f > best_frames) best = &sp, best_frames = f;
    kept.push_back(ChordClass{best->first, best->second});
    covered += sh->frames;
    cutoff = sh->frames;
  }
  if (report) {
    report->total_chord_frames = total;
    report->exact_chord_frames = covered;
    report->n_shapes_seen = static_cast<int>(shapes.size());
    report->n_classes_kept = static_cast<int>(kept.size());
    report->cutoff_frames = cutoff;
  }
  return from_classes(kept);
}

std::optional<int> ChordVocab::find_exact(int root_pc, const std::vector<int>& intervals,
                                          int inversion) const {
  const int root = ((root_pc % 12) + 12) % 12;
  auto it = exact_.find(
      key(root, chord_pc_mask(root, intervals), chord_bass_pc(root, intervals, inversion)));
  if (it == exact_.end()) return std::nullopt;
  return it->second;
}

int ChordVocab::map(int root_pc, const std::vector<int>& intervals, int inversion,
                    bool* exact) const {
  if (auto id = find_exact(root_pc, intervals, inversion)) {
    if (exact) *exact = true;
    return *id;
  }
  if (exact) *exact = false;
  const int root = ((root_pc % 12) + 12) % 12;
  const unsigned a = chord_pc_mask(root, intervals);
  const int bass = chord_bass_pc(root, intervals, inversion);
  const bool any_same_root = std::any_of(chords_.begin(), chords_.end(),
                                         [&](const ChordInfo& c) { return c.root == root; });
  int best = -1;
  int best_score = 0, best_bass = 0, best_notes = 0;
  for (const ChordInfo& c : chords_) {
    if (any_same_root && c.root != root) continue;
    const int score = popcount12(a & c.mask) - popcount12(a ^ c.mask);
    const int same_bass = c.bass == bass ? 1 : 0;
    const int notes = popcount12(c.mask);
    const bool better = best < 0 || score > best_score ||
                        (score == best_score &&
                         (same_bass > best_bass || (same_bass == best_bass && notes < best_notes)));
    if (better) best = c.id, best_score = score, best_bass = same_bass, best_notes = notes;
  }
  return best;
}

std::optional<int> ChordVocab::transpose(int id, int semitones) const {
  const ChordInfo& c = chord(id);
  return find_exact(c.root + semitones, c.intervals, c.inversion);
}

std::vector<int> ChordVocab::voicing(int id) const {
  const ChordInfo& c = chord(id);
  std::vector<int> keys;
  keys.push_back(48 + c.bass);
  for (int pc : c.pitch_classes) keys.push_back(60 + pc);
  return keys;
}

ChordEvent ChordVocab::event(int id, Frame on, Frame off) const {
  const ChordInfo& c = chord(id);
  return ChordEvent{on, off, c.root, c.intervals, c.inversion};
}

std::string ChordVocab::to_json(const VocabBuildReport* report) const {
  using OJ = nlohmann::ordered_json;
  const int n = size();
  OJ j;
  j["version"] = 1;
  j["hash"] = hash_;
  j["n_chords"] = n;
  j["tokens"] =
      OJ{{"pad", 0},           {"bos", 1},       {"eos", 2},          {"silence", 3},
         {"note_hold", 4},     {"note_on", 132}, {"chord_hold", 260}, {"chord_on", 260 + n},
         {"size", 260 + 2 * n}};
  OJ list = OJ::array();
  for (const ChordInfo& c : chords_)
    list.push_back(OJ{{"id", c.id},
                      {"name", c.name},
                      {"root", c.root},
                      {"intervals", c.intervals},
                      {"inversion", c.inversion},
                      {"pitch_classes", c.pitch_classes},
                      {"bass", c.bass}});
  j["chords"] = std::move(list);
  j["fallback"] = kFallbackRule;
  if (report) {
    j["build"] = OJ{{"source", "Hooktheory train split"},
                    {"classes_kept", report->n_classes_kept},
                    {"shapes_seen", report->n_shapes_seen},
                    {"cutoff_frames", report->cutoff_frames},
                    {"train_chord_frames", report->total_chord_frames},
                    {"train_exact_frames", report->exact_chord_frames},
                    {"train_exact_share", report->coverage()}};
  }
  return j.dump(1);
}

Result<ChordVocab> ChordVocab::from_json(std::string_view text) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text.begin(), text.end());
    if (!j.is_object()) return Result<ChordVocab>::fail("vocab.json: not an object");
    int version = 0;
    if (!j.contains("version") || !json_int(j["version"], version) || version != 1)
      return Result<ChordVocab>::fail("vocab.json: unsupported version");
    const auto& list = j.at("chords");
    if (!list.is_array()) return Result<ChordVocab>::fail("vocab.json: chords is not an array");
    std::vector<ChordInfo> chords;
    for (size_t i = 0; i < list.size(); ++i) {
      const auto& e = list[i];
      const std::string where = "vocab.json: chord " + std::to_string(i);
      int id = -1;
      if (!e.is_object() || !e.contains("id") || !json_int(e["id"], id) || id != static_cast<int>(i))
        return Result<ChordVocab>::fail(where + " has the wrong id");
      ChordInfo c;
      const auto& intervals = e.at("intervals");
      if (!json_int(e.at("root"), c.root) || !json_int(e.at("inversion"), c.inversion) ||
          !intervals.is_array())
        return Result<ChordVocab>::fail(where + ": root, intervals, inversion must be integers");
      for (const auto& iv : intervals) {
        if (!json_int(iv, c.intervals.emplace_back()))
          return Result<ChordVocab>::fail(where + ": intervals must be integers");
      }
      if (c.root < 0 || c.root > 11)
        return Result<ChordVocab>::fail("vocab.json: chord " + std::to_string(i) +
                                        " root outside 0..11");
      chords.push_back(std::move(c));
    }
    ChordVocab v = from_chords(chords);
    int n_chords = 0;
    if (j.contains("n_chords") && (!json_int(j["n_chords"], n_chords) || n_chords != v.size()))
      return Result<ChordVocab>::fail("vocab.json: n_chords does not match the chord list");
    if (j.contains("hash") && j["hash"].get<std::string>() != v.hash())
      return Result<ChordVocab>::fail("vocab.json: hash " + j["hash"].get<std::string>() +
                                      " does not match the chord list (" + v.hash() + ")");
    return v;
  } catch (const std::exception& e) {
    return Result<ChordVocab>::fail(std::string("vocab.json: ") + e.what());
  }
}

}  // namespace jam
