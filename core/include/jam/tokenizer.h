// tokenizer.h — songs <-> token streams in the ReaLchords layout (docs/architecture.md, "Tokens").
//
//   0 PAD, 1 BOS, 2 EOS, 3 SILENCE, 4+p NOTE_HOLD(p), 132+p NOTE_ON(p),
//   260+c CHORD_HOLD(c), 260+N+c CHORD_ON(c); vocab size 260+2N (N = chords in the vocabulary).
//   A song of T frames: BOS c_0 m_0 c_1 m_1 ... c_{T-1} m_{T-1} EOS (chord first).
//
//   jam::TokenLayout lay{vocab.size()};
//   jam::EncodeStats st;
//   std::vector<int32_t> toks = jam::encode(song, vocab, &st);
//   jam::Result<jam::Song> back = jam::decode(toks, vocab);
//   std::vector<int32_t> w = jam::window(toks, 100, 512, lay);   // BOS c_100 m_100 ..., onsets
//   jam::GrammarState g(lay);  for (int t : toks) if (!g.step(t)) ...;  g.allowed_next();
//
// Encoding: the melody is monophonized (melody.h); a chord event starting at t gives CHORD_ON at t
// and CHORD_HOLD after, so two equal chords in a row stay two onsets; chords are mapped through
// the vocabulary including its fallback (fallback frames are counted in EncodeStats).
// Grammar (GrammarState / validate): the stream starts with BOS; then chord and melody positions
// alternate. A chord position takes SILENCE, any CHORD_ON, CHORD_HOLD(c) only when the previous
// chord position was CHORD_ON(c) or CHORD_HOLD(c), or EOS. A melody position takes SILENCE, any
// NOTE_ON, NOTE_HOLD(p) only after NOTE_ON(p)/NOTE_HOLD(p). Nothing follows EOS; PAD never appears.
//
// Pure functions and value types; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "jam/chord_vocab.h"
#include "jam/result.h"
#include "jam/song.h"

namespace jam {

inline constexpr int32_t kTokPad = 0;
inline constexpr int32_t kTokBos = 1;
inline constexpr int32_t kTokEos = 2;
inline constexpr int32_t kTokSilence = 3;
inline constexpr int32_t kTokNoteHold = 4;
inline constexpr int32_t kTokNoteOn = 132;
inline constexpr int32_t kTokChordHold = 260;

enum class TokenKind {
  kPad,
  kBos,
  kEos,
  kSilence,
  kNoteHold,
  kNoteOn,
  kChordHold,
  kChordOn,
  kInvalid
};

struct TokenLayout {
  int n_chords = 0;

  int vocab_size() const { return 260 + 2 * n_chords; }
  int32_t note_hold(int pitch) const { return kTokNoteHold + pitch; }
  int32_t note_on(int pitch) const { return kTokNoteOn + pitch; }
  int32_t chord_hold(int chord) const { return kTokChordHold + chord; }
  int32_t chord_on(int chord) const { return kTokChordHold + n_chords + chord; }
  TokenKind kind(int32_t token) const;
  // Pitch of a note token / chord id of a chord token; -1 otherwise.
  int pitch_of(int32_t token) const;
  int chord_of(int32_t token) const;
  // The onset form of a hold (other tokens unchanged).
  int32_t to_onset(int32_t token) const;
  // Readable form: "BOS", "C:Am7", "C+:F/A" (chord on), "N:60", "N+:60" (note on), "SIL" ...
  std::string describe(int32_t token, const ChordVocab* vocab = nullptr) const;
};

struct EncodeStats {
  int64_t frames = 0;
  int64_t chord_frames = 0;           // frames with a chord (not silence)
  int64_t fallback_chord_frames = 0;  // of those, frames whose chord was not in the vocabulary
  int64_t note_frames = 0;
  void add(const EncodeStats& o) {
    frames += o.frames, chord_frames += o.chord_frames;
    fallback_chord_frames += o.fallback_chord_frames, note_frames += o.note_frames;
  }
};

// BOS c_0 m_0 ... c_{T-1} m_{T-1} EOS over song.n_frames frames (events are clipped).
std::vector<int32_t> encode(const Song& song, const ChordVocab& vocab,
                            EncodeStats* stats = nullptr);

// Back to a Song (chords in the vocabulary's spelling, velocity 100). The stream must follow the
// grammar; a missing EOS is accepted (a prefix), a trailing lone chord token counts as a frame.
Result<Song> decode(std::span<const int32_t> tokens, const ChordVocab& vocab);

// The window of at most `max_tokens` tokens (BOS included) starting at frame `start_frame` of a
// full stream (BOS at index 0): BOS c_s m_s ... with c_s / m_s rewritten from holds to onsets.
std::vector<int32_t> window(std::span<const int32_t> tokens, Frame start_frame, int max_tokens,
                            const TokenLayout& layout);

// Steps through a token stream and says which tokens may come next (a decoding mask).
class GrammarState {
 public:
  explicit GrammarState(const TokenLayout& layout) : layout_(layout) {}

  // Why `token` is not allowed next, or nullopt if it is.
  std::optional<std::string> check(int32_t token) const;
  bool accepts(int32_t token) const { return !check(token).has_value(); }
  // Consume `token`; returns false (state unchanged) if it is not allowed.
  bool step(int32_t token);
  // allowed[t] = 1 for every token t that may come next (size = layout.vocab_size()).
  std::vector<uint8_t> allowed_next() const;

  bool started() const { return phase_ != Phase::kStart; }
  bool at_chord_position() const { return phase_ == Phase::kChord; }
  bool at_melody_position() const { return phase_ == Phase::kMelody; }
  bool finished() const { return phase_ == Phase::kDone; }
  int frames() const { return frames_; }  // completed chord positions so far
  const TokenLayout& layout() const { return layout_; }

 private:
  enum class Phase { kStart, kChord, kMelody, kDone };
  TokenLayout layout_;
  Phase phase_ = Phase::kStart;
  int prev_chord_ = -1;  // chord id sounding at the previous chord position, -1 = silence
  int prev_pitch_ = -1;  // pitch sounding at the previous melody position, -1 = silence
  int frames_ = 0;
};

struct TokenError {
  size_t index = 0;
  std::string reason;
};

// The first token that breaks the grammar (index = tokens.size() for a missing EOS when
// `require_eos`), or nullopt for a valid stream.
std::optional<TokenError> validate(std::span<const int32_t> tokens, const TokenLayout& layout,
                                   bool require_eos = true);

}  // namespace jam
