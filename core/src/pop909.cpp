#include "jam/pop909.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>

#include "jam/melody.h"
#include "jam/midi_file.h"

namespace jam {
namespace {

// Splits text into lines (any of \n, \r\n) and each line into whitespace-separated fields.
std::vector<std::vector<std::string>> table(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  auto end_field = [&] {
    if (!field.empty()) row.push_back(std::move(field));
    field.clear();
  };
  for (size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : '\n';
    if (c == '\n') {
      end_field();
      rows.push_back(std::move(row));
      row.clear();
    } else if (c == ' ' || c == '\t' || c == '\r') {
      end_field();
    } else {
      field += c;
    }
  }
  return rows;
}

bool to_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(out);
}

// Semitones of a Harte degree such as "b7", "#5", "9", "3"; -1 when malformed.
int degree_semitones(std::string_view d) {
  int shift = 0;
  while (!d.empty() && (d.front() == 'b' || d.front() == '#')) {
    shift += d.front() == 'b' ? -1 : 1;
    d.remove_prefix(1);
  }
  if (d.empty() || d.size() > 2) return -1;
  int n = 0;
  for (char c : d) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  static const int kMajorScale[] = {0, 2, 4, 5, 7, 9, 11};
  if (n < 1 || n > 13) return -1;
  const int semis = 12 * ((n - 1) / 7) + kMajorScale[(n - 1) % 7] + shift;
  return semis < 0 ? -1 : semis;
}

const std::map<std::string, std::vector<int>, std::less<>>& qualities() {
  static const std::map<std::string, std::vector<int>, std::less<>> k = {
      {"maj", {0, 4, 7}},          {"min", {0, 3, 7}},          {"dim", {0, 3, 6}},
      {"aug", {0, 4, 8}},          {"sus2", {0, 2, 7}},         {"sus4", {0, 5, 7}},
      {"7", {0, 4, 7, 10}},        {"maj7", {0, 4, 7, 11}},     {"min7", {0, 3, 7, 10}},
      {"hdim7", {0, 3, 6, 10}},    {"dim7", {0, 3, 6, 9}},      {"minmaj7", {0, 3, 7, 11}},
      {"maj6", {0, 4, 7, 9}},      {"min6", {0, 3, 7, 9}},      {"9", {0, 4, 7, 10, 14}},
      {"maj9", {0, 4, 7, 11, 14}}, {"min9", {0, 3, 7, 10, 14}}, {"11", {0, 4, 7, 10, 14, 17}},
      {"13", {0, 4, 7, 10, 14, 21}}, {"5", {0, 7}},             {"1", {0}}};
  return k;
}

Frame round_frame(double f) { return static_cast<Frame>(std::lround(f)); }

}  // namespace

Result<HarteChord> parse_harte_chord(std::string_view label) {
  using R = Result<HarteChord>;
  HarteChord c;
  if (label == "N" || label == "X") {
    c.no_chord = true;
    return c;
  }
  static const int kNatural[] = {9, 11, 0, 2, 4, 5, 7};  // A..G
  if (label.empty() || label.front() < 'A' || label.front() > 'G') return R::fail("no root note");
  int root = kNatural[label.front() - 'A'];
  size_t i = 1;
  for (; i < label.size() && (label[i] == '#' || label[i] == 'b'); ++i) root += label[i] == '#' ? 1 : -1;
  c.root_pc = ((root % 12) + 12) % 12;

  std::string_view rest = label.substr(i);
  std::string_view bass;
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    bass = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  std::string_view quality = "maj";
  std::string_view extensions;
  if (!rest.empty()) {
    if (rest.front() != ':') return R::fail("expected ':' after the root");
    rest.remove_prefix(1);
    const size_t paren = rest.find('(');
    quality = rest.substr(0, paren);
    if (paren != std::string_view::npos) {
      if (rest.back() != ')') return R::fail("unclosed '('");
      extensions = rest.substr(paren + 1, rest.size() - paren - 2);
    }
  }
  std::vector<int> tones;
  if (quality.empty()) {
    tones = {0, 4, 7};  // "C:(1,3,5)"-style labels start from the root alone below
    if (!extensions.empty()) tones = {0};
  } else {
    const auto q = qualities().find(quality);
    if (q == qualities().end()) return R::fail("unknown quality '" + std::string(quality) + "'");
    tones = q->second;
  }
  // Parenthesised degrees: "b7" adds, "*5" removes.
  size_t pos = 0;
  while (pos < extensions.size()) {
    size_t comma = extensions.find(',', pos);
    if (comma == std::string_view::npos) comma = extensions.size();
    std::string_view d = extensions.substr(pos, comma - pos);
    pos = comma + 1;
    const bool remove = !d.empty() && d.front() == '*';
    if (remove) d.remove_prefix(1);
    const int s = degree_semitones(d);
    if (s < 0) return R::fail("bad degree '" + std::string(d) + "'");
    if (remove) {
      tones.erase(std::remove_if(tones.begin(), tones.end(), [&](int t) { return t % 12 == s % 12; }),
                  tones.end());
    } else if (std::none_of(tones.begin(), tones.end(), [&](int t) { return t == s; })) {
      tones.push_back(s);
    }
  }
  std::sort(tones.begin(), tones.end());
  if (tones.empty() || tones.front() != 0) return R::fail("chord without its root");
  for (size_t k = 1; k < tones.size(); ++k) c.intervals.push_back(tones[k] - tones[k - 1]);
  if (!bass.empty()) {
    const int b = degree_semitones(bass);
    if (b < 0) return R::fail("bad bass degree '" + std::string(bass) + "'");
    const auto it = std::find_if(tones.begin(), tones.end(), [&](int t) { return t % 12 == b % 12; });
    if (it == tones.end()) {
      c.bass_dropped = true;
    } else {
      c.inversion = static_cast<int>(it - tones.begin());
    }
  }
  return c;
}

double BeatGrid::frame_at(double t) const {
  const size_t n = seconds.size();
  if (n < 2) return 0.0;
  double beat;
  if (t < seconds.front()) {
    beat = (t - seconds[0]) / (seconds[1] - seconds[0]);
  } else if (t >= seconds.back()) {
    beat = static_cast<double>(n - 1) + (t - seconds[n - 1]) / (seconds[n - 1] - seconds[n - 2]);
  } else {
    const size_t i = static_cast<size_t>(std::upper_bound(seconds.begin(), seconds.end(), t) - seconds.begin()) - 1;
    beat = static_cast<double>(i) + (t - seconds[i]) / (seconds[i + 1] - seconds[i]);
  }
  return beat * 4.0;
}

Result<BeatGrid> parse_pop909_beats(std::string_view text) {
  using R = Result<BeatGrid>;
  BeatGrid g;
  const auto rows = table(text);
  for (size_t line = 0; line < rows.size(); ++line) {
    const auto& row = rows[line];
    if (row.empty()) continue;
    double t = 0, down = 0;
    if (!to_double(row[0], t)) return R::fail("beat line " + std::to_string(line + 1) + ": bad time");
    if (row.size() >= 3 && !to_double(row[2], down))
      return R::fail("beat line " + std::to_string(line + 1) + ": bad downbeat flag");
    if (!g.seconds.empty() && t <= g.seconds.back())
      return R::fail("beat line " + std::to_string(line + 1) + ": beat times must increase");
    g.seconds.push_back(t);
    g.downbeat.push_back(down > 0.5 ? 1 : 0);
  }
  if (g.seconds.size() < 2) return R::fail("fewer than 2 beats");
  std::map<int, int> gaps;
  int last = -1;
  for (size_t i = 0; i < g.downbeat.size(); ++i) {
    if (!g.downbeat[i]) continue;
    if (last < 0) g.first_downbeat = static_cast<int>(i);
    else gaps[static_cast<int>(i) - last]++;
    last = static_cast<int>(i);
  }
  int best = 0;
  for (const auto& [gap, count] : gaps)
    if (count > best) {  // ties: the smaller gap (std::map iterates ascending)
      best = count;
      g.beats_per_bar = gap;
    }
  return g;
}

Result<Song> import_pop909_song(std::span<const uint8_t> midi_bytes, std::string_view chord_midi_txt,
                                std::string_view beat_midi_txt, const std::string& id, Pop909Report* report) {
  using R = Result<Song>;
  Pop909Report local;
  Pop909Report& rep = report ? *report : local;
  rep = Pop909Report{};

  auto grid = parse_pop909_beats(beat_midi_txt);
  if (!grid) return R::fail(id + ": beat_midi.txt: " + grid.error());
  auto midi = read_midi(midi_bytes);
  if (!midi) return R::fail(id + ": MIDI: " + midi.error());
  rep.n_beats = static_cast<int>(grid->seconds.size());
  rep.first_downbeat = grid->first_downbeat;

  Song song;
  song.id = id;
  song.beats_per_bar = grid->beats_per_bar;
  std::vector<double> intervals;
  for (size_t i = 1; i < grid->seconds.size(); ++i) intervals.push_back(grid->seconds[i] - grid->seconds[i - 1]);
  std::nth_element(intervals.begin(), intervals.begin() + static_cast<long>(intervals.size() / 2), intervals.end());
  song.tempo_bpm = std::round(6000.0 / intervals[intervals.size() / 2]) / 100.0;

  // Melody: MIDI ticks -> seconds (tempo map) -> frames (beat grid).
  const BeatGrid& g = *grid;
  const MidiFile& m = *midi;
  song.melody = melody_notes_from_midi(m, find_melody_track(m),
                                       [&](int64_t tick) { return g.frame_at(midi_tick_to_seconds(m, tick)); });

  // Chords.
  const auto rows = table(chord_midi_txt);
  for (size_t line = 0; line < rows.size(); ++line) {
    const auto& row = rows[line];
    if (row.empty()) continue;
    double start = 0, end = 0;
    if (row.size() < 3 || !to_double(row[0], start) || !to_double(row[1], end))
      return R::fail(id + ": chord_midi.txt line " + std::to_string(line + 1) + ": expected 'start end label'");
    auto chord = parse_harte_chord(row[2]);
    if (!chord) {
      rep.unknown_labels.push_back(row[2] + " (line " + std::to_string(line + 1) + "): " + chord.error());
      continue;
    }
    if (chord->no_chord) continue;
    if (chord->bass_dropped) rep.dropped_basses++;
    Frame on = std::max<Frame>(round_frame(grid->frame_at(start)), 0);
    Frame off = round_frame(grid->frame_at(end));
    if (!song.chords.empty()) on = std::max(on, song.chords.back().off);
    if (off <= on) continue;  // rounds to nothing (or lies before frame 0)
    song.chords.push_back(ChordEvent{on, off, chord->root_pc, chord->intervals, chord->inversion});
  }

  song.n_frames = 4 * static_cast<Frame>(grid->seconds.size());
  for (const Note& n : song.melody) song.n_frames = std::max(song.n_frames, n.off);
  for (const ChordEvent& c : song.chords) song.n_frames = std::max(song.n_frames, c.off);
  return song;
}

}  // namespace jam
