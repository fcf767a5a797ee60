#include "jam/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <tuple>

#include "jam/chord_vocab.h"
#include "jam/melody.h"

namespace jam {

void MetricsAccumulator::add(const Song& song) {
  const Frame n = std::max<Frame>(song.n_frames, 0);
  m_.n_songs++;

  // Per-frame chord mask (0 = no chord), clipped to [0, n).
  std::vector<uint16_t> chord_mask(static_cast<size_t>(n), 0);
  std::set<std::tuple<int, int, int>> distinct;
  for (size_t i = 0; i < song.chords.size(); ++i) {
    const ChordEvent& c = song.chords[i];
    const uint16_t mask = chord_pc_mask(c.root_pc, c.intervals);
    for (Frame t = std::max<Frame>(c.on, 0); t < std::min(c.off, n); ++t) chord_mask[static_cast<size_t>(t)] = mask;
    const int len = std::max<Frame>(c.off - c.on, 0);
    m_.chord_length_hist[static_cast<size_t>(std::min(len, kChordLengthBins - 1))]++;
    if (len > kLongChordFrames) m_.long_chords++;
    if (i > 0) {
      const int gap = std::max<Frame>(c.on - song.chords[i - 1].on, 0);
      m_.onset_interval_hist[static_cast<size_t>(std::min(gap, kOnsetIntervalBins - 1))]++;
    }
    const std::tuple<int, int, int> symbol{((c.root_pc % 12) + 12) % 12, mask,
                                           chord_bass_pc(c.root_pc, c.intervals, c.inversion)};
    distinct.insert(symbol);
    symbol_counts_[symbol]++;
    int n_pcs = 0;
    for (uint16_t b = mask; b; b &= static_cast<uint16_t>(b - 1)) ++n_pcs;
    if (n_pcs > 3) m_.extended_chords++;
  }
  m_.n_chords += static_cast<int64_t>(song.chords.size());
  m_.bars += static_cast<double>(n) / (4.0 * std::max(song.beats_per_bar, 1));
  m_.distinct_chords += static_cast<int64_t>(distinct.size());

  const MelodyFrames mf = melody_frames(song.melody, n);
  int64_t both = 0, inside = 0;
  for (Frame t = 0; t < n; ++t) {
    const int p = mf.pitch[static_cast<size_t>(t)];
    if (p < 0) continue;
    m_.melody_frames++;
    const uint16_t mask = chord_mask[static_cast<size_t>(t)];
    if (!mask) continue;
    ++both;
    inside += (mask >> (p % 12)) & 1;
  }
  // Per-beat curve: beat b covers frames [4(b-1), 4b).
  for (int b = 0; b < kAdaptationBeats && 4 * b < n; ++b) {
    int mel = 0, with_chord = 0, in = 0;
    for (Frame t = 4 * b; t < std::min<Frame>(4 * b + 4, n); ++t) {
      const int p = mf.pitch[static_cast<size_t>(t)];
      if (p < 0) continue;
      ++mel;
      const uint16_t mask = chord_mask[static_cast<size_t>(t)];
      if (!mask) continue;
      ++with_chord;
      in += (mask >> (p % 12)) & 1;
    }
    const size_t i = static_cast<size_t>(b);
    if (mel > 0) {
      beat_sum_[i] += static_cast<double>(in) / mel;
      m_.beat_songs[i]++;
    }
    if (with_chord > 0) {
      beat_sum_sounding_[i] += static_cast<double>(in) / with_chord;
      m_.beat_songs_sounding[i]++;
    }
  }
  m_.melody_chord_frames += both;
  m_.in_chord_frames += inside;
  if (both > 0) {
    song_ratio_sum_ += static_cast<double>(inside) / static_cast<double>(both);
    songs_with_ratio_++;
  }
}

Metrics MetricsAccumulator::result() const {
  Metrics m = m_;
  auto ratio = [](int64_t a, int64_t b) { return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
  m.note_in_chord_ratio = ratio(m.in_chord_frames, m.melody_chord_frames);
  m.note_in_chord_song_mean = songs_with_ratio_ ? song_ratio_sum_ / static_cast<double>(songs_with_ratio_) : 0.0;
  m.chord_silence_ratio = ratio(m.melody_frames - m.melody_chord_frames, m.melody_frames);
  m.long_chord_ratio = ratio(m.long_chords, m.n_chords);
  m.chord_length_entropy = histogram_entropy(m.chord_length_hist);
  m.chords_per_song = ratio(m.n_chords, m.n_songs);
  m.distinct_chords_per_song = ratio(m.distinct_chords, m.n_songs);
  m.chords_per_bar = m.bars > 0 ? static_cast<double>(m.n_chords) / m.bars : 0.0;
  m.extended_chord_ratio = ratio(m.extended_chords, m.n_chords);
  std::vector<int64_t> symbols;
  for (const auto& [symbol, count] : symbol_counts_) symbols.push_back(count);
  m.chord_symbol_entropy = histogram_entropy(symbols);
  m.distinct_chord_symbols = static_cast<int64_t>(symbols.size());
  for (size_t i = 0; i < static_cast<size_t>(kAdaptationBeats); ++i) {
    m.beat_note_in_chord[i] = m.beat_songs[i] ? beat_sum_[i] / static_cast<double>(m.beat_songs[i]) : 0.0;
    m.beat_note_in_chord_sounding[i] =
        m.beat_songs_sounding[i] ? beat_sum_sounding_[i] / static_cast<double>(m.beat_songs_sounding[i]) : 0.0;
  }
  return m;
}

Metrics compute_metrics(const std::vector<Song>& songs) {
  MetricsAccumulator acc;
  for (const Song& s : songs) acc.add(s);
  return acc.result();
}

double histogram_entropy(const std::vector<int64_t>& hist) {
  double total = 0;
  for (int64_t h : hist) total += static_cast<double>(std::max<int64_t>(h, 0));
  if (total <= 0) return 0.0;
  double e = 0;
  for (int64_t h : hist) {
    if (h <= 0) continue;
    const double p = static_cast<double>(h) / total;
    e -= p * std::log(p);
  }
  return e;
}

double histogram_emd(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  double ta = 0, tb = 0;
  for (int64_t h : a) ta += static_cast<double>(std::max<int64_t>(h, 0));
  for (int64_t h : b) tb += static_cast<double>(std::max<int64_t>(h, 0));
  if (ta <= 0 || tb <= 0) return std::numeric_limits<double>::quiet_NaN();
  double ca = 0, cb = 0, emd = 0;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    ca += i < a.size() ? static_cast<double>(std::max<int64_t>(a[i], 0)) / ta : 0.0;
    cb += i < b.size() ? static_cast<double>(std::max<int64_t>(b[i], 0)) / tb : 0.0;
    emd += std::fabs(ca - cb);
  }
  return emd;
}

namespace {

nlohmann::ordered_json metrics_json(const Metrics& m) {
  nlohmann::ordered_json j;
  j["n_songs"] = m.n_songs;
  j["note_in_chord_ratio"] = m.note_in_chord_ratio;
  j["note_in_chord_song_mean"] = m.note_in_chord_song_mean;
  j["chord_silence_ratio"] = m.chord_silence_ratio;
  j["long_chord_ratio"] = m.long_chord_ratio;
  j["chord_length_entropy"] = m.chord_length_entropy;
  j["chords_per_song"] = m.chords_per_song;
  j["distinct_chords_per_song"] = m.distinct_chords_per_song;
  j["chords_per_bar"] = m.chords_per_bar;
  j["extended_chord_ratio"] = m.extended_chord_ratio;
  j["chord_symbol_entropy"] = m.chord_symbol_entropy;
  j["distinct_chord_symbols"] = m.distinct_chord_symbols;
  j["counts"] = {{"chords", m.n_chords},
                 {"long_chords", m.long_chords},
                 {"extended_chords", m.extended_chords},
                 {"bars", m.bars},
                 {"melody_frames", m.melody_frames},
                 {"melody_chord_frames", m.melody_chord_frames},
                 {"in_chord_frames", m.in_chord_frames}};
  j["onset_interval_hist"] = m.onset_interval_hist;
  j["chord_length_hist"] = m.chord_length_hist;
  return j;
}

// Puts arrays that hold only scalars on one line ("[1, 2, 3]") in indented JSON.
std::string compact_flat_arrays(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\') {
        if (i + 1 < text.size()) out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c != '[') {
      out += c;
      continue;
    }
    const size_t close = text.find(']', i);
    const std::string_view body(text.data() + i + 1, close == std::string::npos ? 0 : close - i - 1);
    if (close == std::string::npos || body.find_first_of("[{\"") != std::string_view::npos) {
      out += c;
      continue;
    }
    out += '[';
    bool space = false;
    for (char b : body) {
      if (b == ' ' || b == '\n') {
        space = true;
        continue;
      }
      if (space && out.back() == ',') out += ' ';
      space = false;
      out += b;
    }
    out += ']';
    i = close;
  }
  return out;
}

}  // namespace

std::string metrics_to_json(const Metrics& metrics, const Metrics* reference) {
  nlohmann::ordered_json j = metrics_json(metrics);
  if (reference) {
    const double emd = histogram_emd(metrics.onset_interval_hist, reference->onset_interval_hist);
    j["onset_interval_emd"] = std::isnan(emd) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(emd);
    auto vs = [](double a, double b) {
      return b > 0 ? nlohmann::ordered_json(a / b) : nlohmann::ordered_json(nullptr);
    };
    j["vs_reference"] = {
        {"chords_per_song", vs(metrics.chords_per_song, reference->chords_per_song)},
        {"distinct_chords_per_song", vs(metrics.distinct_chords_per_song, reference->distinct_chords_per_song)},
        {"chord_symbol_entropy", vs(metrics.chord_symbol_entropy, reference->chord_symbol_entropy)}};
    j["reference"] = metrics_json(*reference);
  }
  return compact_flat_arrays(j.dump(2));
}

std::string per_beat_csv(const Metrics& m) {
  // x in [0, 1] with 4 decimals (no <cstdio> in core).
  auto fixed4 = [](double x) {
    const long long v = std::llround(std::clamp(x, 0.0, 1.0) * 10000.0);
    std::string frac = std::to_string(v % 10000);
    return std::to_string(v / 10000) + "." + std::string(4 - frac.size(), '0') + frac;
  };
  std::string out = "beat,note_in_chord,songs,note_in_chord_sounding,songs_sounding\n";
  for (size_t i = 0; i < static_cast<size_t>(kAdaptationBeats); ++i) {
    out += std::to_string(i + 1) + "," + fixed4(m.beat_note_in_chord[i]) + "," +
           std::to_string(m.beat_songs[i]) + "," + fixed4(m.beat_note_in_chord_sounding[i]) + "," +
           std::to_string(m.beat_songs_sounding[i]) + "\n";
  }
  return out;
}

}  // namespace jam
