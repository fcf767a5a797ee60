#include "jam/sampler_controls.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "jam/tokenizer.h"

namespace jam {

std::optional<std::string> validate_chord_controls(const ChordControls& c) {
  if (!std::isfinite(c.chord_rate) || c.chord_rate < -1.0 || c.chord_rate > 1.0)
    return "chord_rate must be a number in [-1, 1]";
  if (!std::isfinite(c.colour) || c.colour < 0.0 || c.colour > 1.0)
    return "colour must be a number in [0, 1]";
  return std::nullopt;
}

int chord_extension(const ChordInfo& chord) {
  return std::max(0, static_cast<int>(chord.pitch_classes.size()) - 3);
}

uint64_t chord_controls_key(const ChordControls& c) {
  if (c.neutral()) return 0;
  uint64_t a = 0, b = 0;
  std::memcpy(&a, &c.chord_rate, sizeof a);
  std::memcpy(&b, &c.colour, sizeof b);
  uint64_t x = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull);
  x = (x ^ (x >> 31)) * 0xBF58476D1CE4E5B9ull;
  return (x ^ (x >> 29)) | 1;  // never 0
}

ChordBias::ChordBias(const ChordVocab& vocab, const ChordControls& controls) {
  const double rate = std::isfinite(controls.chord_rate) ? std::clamp(controls.chord_rate, -1.0, 1.0) : 0.0;
  const double colour = std::isfinite(controls.colour) ? std::clamp(controls.colour, 0.0, 1.0) : 0.5;
  if ((rate == 0.0 && colour == 0.5) || vocab.size() == 0) return;
  n_chords_ = vocab.size();
  onset_shift_ = rate > 0.0 ? kChordRateScale * rate : 0.0;
  hold_shift_ = rate < 0.0 ? -kChordRateScale * rate : 0.0;
  if (colour == 0.5) return;
  // Per extension step: ln((2k)^kColourScale); -inf at k = 0 (triads only).
  const double per_ext = colour > 0.0 ? kColourScale * std::log(2.0 * colour)
                                      : -std::numeric_limits<double>::infinity();
  colour_.resize(static_cast<size_t>(n_chords_));
  for (int c = 0; c < n_chords_; ++c) {
    const int ext = chord_extension(vocab.chord(c));
    colour_[static_cast<size_t>(c)] = ext > 0 ? ext * per_ext : 0.0;
  }
  mask_extended_holds_ = colour == 0.0;
}

namespace {

// log(sum(exp(x_i))) over finite entries; -inf when there are none.
double log_sum_exp(std::span<const double> x) {
  double m = -std::numeric_limits<double>::infinity();
  for (double v : x) m = std::max(m, v);
  if (!std::isfinite(m)) return m;
  double s = 0.0;
  for (double v : x) s += std::exp(v - m);
  return m + std::log(s);
}

}  // namespace

bool ChordBias::apply(std::span<float> logits) const {
  if (neutral()) return true;
  const TokenLayout lay{n_chords_};
  if (logits.size() != static_cast<size_t>(lay.vocab_size())) return false;
  const size_t on0 = static_cast<size_t>(lay.chord_on(0));
  const size_t n = static_cast<size_t>(n_chords_);
  std::vector<double> on(n);
  for (size_t c = 0; c < n; ++c) on[c] = logits[on0 + c];
  double shift = onset_shift_;
  if (!colour_.empty()) {
    // Re-weight within the onset group, then restore the group's total mass.
    const double before = log_sum_exp(on);
    for (size_t c = 0; c < n; ++c) on[c] += colour_[c];
    const double after = log_sum_exp(on);
    if (std::isfinite(before) && std::isfinite(after)) shift += before - after;
    if (mask_extended_holds_) {
      const size_t hold0 = static_cast<size_t>(lay.chord_hold(0));
      for (size_t c = 0; c < n; ++c)
        if (colour_[c] == -std::numeric_limits<double>::infinity())
          logits[hold0 + c] = -std::numeric_limits<float>::infinity();
    }
  }
  for (size_t c = 0; c < n; ++c) logits[on0 + c] = static_cast<float>(on[c] + shift);
  if (hold_shift_ != 0.0) {
    const size_t hold0 = static_cast<size_t>(lay.chord_hold(0));
    for (size_t c = 0; c < n; ++c)
      logits[hold0 + c] = static_cast<float>(logits[hold0 + c] + hold_shift_);
  }
  return true;
}

std::span<const float> ChordBias::biased(std::span<const float> logits,
                                         std::vector<float>& scratch) const {
  if (neutral() || logits.size() != static_cast<size_t>(TokenLayout{n_chords_}.vocab_size()))
    return logits;
  scratch.assign(logits.begin(), logits.end());
  apply(scratch);
  return scratch;
}

}  // namespace jam
