// sampler_controls.h — high-level chord controls ("chord rate", "colour"), applied as a log-space
// bias on the logits of a CHORD position before the sampler (sampler.h) draws from them.
//
//   jam::ChordControls c{.chord_rate = 0.5, .colour = 0.2};   // busier, plainer chords
//   jam::ChordBias bias(vocab, c);                            // prepared once per vocabulary
//   std::vector<float> scratch;
//   auto l = bias.biased(logits, scratch);                    // at chord positions only
//   sampler.sample(l, grammar.allowed_next());
//
// Definitions (N = vocab.size(); tokens as in tokenizer.h; "onset group" = the N CHORD_ON tokens,
// which the grammar always allows at a chord position). Both controls act on the onset group only,
// and the holds, never on SILENCE, so a control never makes the accompaniment drop out:
// - colour k in [0, 1] re-weights WHICH chord starts, keeping the onset group's total probability:
//   a chord's "extension" x = max(0, |pitch classes| - 3) from the vocabulary (triads, sus and power
//   chords 0; sevenths, sixths, add9 1; ninths 2 ...); each CHORD_ON(c) gets x * kColourScale *
//   ln(2k), then the whole group is shifted back to its previous log-sum-exp. k = 0.5 is the model
//   as is (the default); k = 1 multiplies a seventh's odds against a triad by 2^kColourScale (= 4);
//   k -> 0 suppresses extended chords and k = 0 masks them (-inf, also their CHORD_HOLDs: triads
//   only).
// - chord_rate r in [-1, 1] changes HOW OFTEN a chord starts, without inventing silence:
//   r > 0 adds r * ln 4 to the onset group (the odds of a new chord against holding the current
//   one or SILENCE x 4^r: busier); r < 0 adds |r| * ln 4 to every CHORD_HOLD (the odds of keeping
//   the sounding chord against a change or SILENCE x 4^|r|: sparser; after a silence nothing
//   changes). 0 = the model as is.
// The shift is added to the logits before temperature, so at temperature T it acts as shift / T.
// A neutral control (rate 0, colour 0.5) leaves logits bit-for-bit unchanged.
//
// Value types; ChordBias is immutable after construction (const use is thread-safe).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "jam/chord_vocab.h"

namespace jam {

inline constexpr double kChordRateScale = 1.3862943611198906;  // ln 4: onset odds x4 at rate 1
inline constexpr double kColourScale = 2.0;  // log2 of the odds factor per extension at colour 1

struct ChordControls {
  double chord_rate = 0.0;  // [-1, 1]: sparser <-> busier chord changes; 0 = as is
  double colour = 0.5;      // [0, 1]: 0 = triads only, 0.5 = as is, 1 = favour extended chords

  bool neutral() const { return chord_rate == 0.0 && colour == 0.5; }
  bool operator==(const ChordControls&) const = default;
};

// Why the controls are out of range (or not finite), or nullopt when they are usable.
std::optional<std::string> validate_chord_controls(const ChordControls& controls);

// Extension of a vocabulary chord: max(0, number of pitch classes - 3).
int chord_extension(const ChordInfo& chord);

// A 64-bit key of the controls (0 for neutral ones), for mixing into sampling/cache keys.
uint64_t chord_controls_key(const ChordControls& controls);

// The controls, prepared for one vocabulary.
class ChordBias {
 public:
  ChordBias() = default;  // neutral: apply() does nothing
  // Controls outside their range are clamped (validate them first to report errors).
  ChordBias(const ChordVocab& vocab, const ChordControls& controls);

  bool neutral() const { return n_chords_ == 0; }
  // Transforms the logits of a chord position in place (see the header comment). `logits` must
  // have the layout's vocab_size() entries (260 + 2N); other sizes are left unchanged and false is
  // returned.
  bool apply(std::span<float> logits) const;
  // The transformed logits without touching `logits`: `logits` itself when neutral (or of another
  // size), else `scratch` filled with the result. Valid while both live.
  std::span<const float> biased(std::span<const float> logits, std::vector<float>& scratch) const;

 private:
  int n_chords_ = 0;                // 0 when neutral
  double onset_shift_ = 0.0;        // chord rate > 0: added to every CHORD_ON
  double hold_shift_ = 0.0;         // chord rate < 0: added to every CHORD_HOLD
  std::vector<double> colour_;      // per chord: x * kColourScale * ln(2k) (may be -inf); empty
                                    // when colour is neutral
  bool mask_extended_holds_ = false;  // colour 0
};

}  // namespace jam
