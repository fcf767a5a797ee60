#include "jam/tokenizer.h"

#include <algorithm>

#include "jam/melody.h"

namespace jam {

TokenKind TokenLayout::kind(int32_t t) const {
  if (t == kTokPad) return TokenKind::kPad;
  if (t == kTokBos) return TokenKind::kBos;
  if (t == kTokEos) return TokenKind::kEos;
  if (t == kTokSilence) return TokenKind::kSilence;
  if (t >= kTokNoteHold && t < kTokNoteOn) return TokenKind::kNoteHold;
  if (t >= kTokNoteOn && t < kTokChordHold) return TokenKind::kNoteOn;
  if (t >= kTokChordHold && t < kTokChordHold + n_chords) return TokenKind::kChordHold;
  if (t >= kTokChordHold + n_chords && t < kTokChordHold + 2 * n_chords) return TokenKind::kChordOn;
  return TokenKind::kInvalid;
}

int TokenLayout::pitch_of(int32_t t) const {
  switch (kind(t)) {
    case TokenKind::kNoteHold:
      return t - kTokNoteHold;
    case TokenKind::kNoteOn:
      return t - kTokNoteOn;
    default:
      return -1;
  }
}

int TokenLayout::chord_of(int32_t t) const {
  switch (kind(t)) {
    case TokenKind::kChordHold:
      return t - kTokChordHold;
    case TokenKind::kChordOn:
      return t - kTokChordHold - n_chords;
    default:
      return -1;
  }
}

int32_t TokenLayout::to_onset(int32_t t) const {
  switch (kind(t)) {
    case TokenKind::kNoteHold:
      return t + (kTokNoteOn - kTokNoteHold);
    case TokenKind::kChordHold:
      return t + n_chords;
    default:
      return t;
  }
}

std::string TokenLayout::describe(int32_t t, const ChordVocab* vocab) const {
  // Built with append (not "literal" + std::string) to keep GCC 12's -Wrestrict quiet.
  auto with = [](const char* prefix, const std::string& body) {
    std::string s(prefix);
    s.append(body);
    return s;
  };
  auto chord_str = [&](int c) {
    return vocab && c < vocab->size() ? vocab->chord(c).name : std::to_string(c);
  };
  switch (kind(t)) {
    case TokenKind::kPad:
      return "PAD";
    case TokenKind::kBos:
      return "BOS";
    case TokenKind::kEos:
      return "EOS";
    case TokenKind::kSilence:
      return "SIL";
    case TokenKind::kNoteHold:
      return with("N:", std::to_string(pitch_of(t)));
    case TokenKind::kNoteOn:
      return with("N+:", std::to_string(pitch_of(t)));
    case TokenKind::kChordHold:
      return with("C:", chord_str(chord_of(t)));
    case TokenKind::kChordOn:
      return with("C+:", chord_str(chord_of(t)));
    case TokenKind::kInvalid:
      break;
  }
  return with("?", std::to_string(t));
}

std::vector<int32_t> encode(const Song& song, const ChordVocab& vocab, EncodeStats* stats) {
  const TokenLayout lay{vocab.size()};
  const Frame n = std::max<Frame>(song.n_frames, 0);
  const size_t un = static_cast<size_t>(n);
  std::vector<int32_t> chord_tok(un, kTokSilence);
  EncodeStats st;
  st.frames = n;
  for (const ChordEvent& c : song.chords) {
    const Frame on = std::max<Frame>(c.on, 0), off = std::min<Frame>(c.off, n);
    if (off <= on) continue;
    bool exact = true;
    const int id = vocab.map(c, &exact);
    if (id < 0) continue;
    chord_tok[static_cast<size_t>(on)] = lay.chord_on(id);
    for (Frame t = on + 1; t < off; ++t) chord_tok[static_cast<size_t>(t)] = lay.chord_hold(id);
    st.chord_frames += off - on;
    if (!exact) st.fallback_chord_frames += off - on;
  }
  const MelodyFrames mf = melody_frames(song.melody, n);
  std::vector<int32_t> out;
  out.reserve(2 * un + 2);
  out.push_back(kTokBos);
  int prev_pitch = -1;
  for (size_t t = 0; t < un; ++t) {
    out.push_back(chord_tok[t]);
    const int p = mf.pitch[t];
    if (p < 0) {
      out.push_back(kTokSilence);
    } else {
      ++st.note_frames;
      out.push_back(mf.onset[t] || p != prev_pitch ? lay.note_on(p) : lay.note_hold(p));
    }
    prev_pitch = p;
  }
  out.push_back(kTokEos);
  if (stats) stats->add(st);
  return out;
}

Result<Song> decode(std::span<const int32_t> tokens, const ChordVocab& vocab) {
  const TokenLayout lay{vocab.size()};
  if (auto err = validate(tokens, lay, /*require_eos=*/false)) {
    std::string msg = "token ";
    msg.append(std::to_string(err->index)).append(": ").append(err->reason);
    return Result<Song>::fail(std::move(msg));
  }
  Song song;
  Frame t = 0;
  for (size_t i = 1; i < tokens.size(); ++i) {
    const int32_t tok = tokens[i];
    if (tok == kTokEos) break;
    const bool chord_pos = (i % 2) == 1;
    if (chord_pos) {
      const int c = lay.chord_of(tok);
      if (lay.kind(tok) == TokenKind::kChordOn)
        song.chords.push_back(vocab.event(c, t, t + 1));
      else if (lay.kind(tok) == TokenKind::kChordHold)
        song.chords.back().off = t + 1;
      song.n_frames = t + 1;
    } else {
      const int p = lay.pitch_of(tok);
      if (lay.kind(tok) == TokenKind::kNoteOn)
        song.melody.push_back(Note{t, t + 1, p, 100});
      else if (lay.kind(tok) == TokenKind::kNoteHold)
        song.melody.back().off = t + 1;
      ++t;
    }
  }
  return song;
}

std::vector<int32_t> window(std::span<const int32_t> tokens, Frame start_frame, int max_tokens,
                            const TokenLayout& layout) {
  std::vector<int32_t> out;
  if (max_tokens <= 0) return out;
  out.push_back(kTokBos);
  const size_t begin = 1 + 2 * static_cast<size_t>(std::max<Frame>(start_frame, 0));
  for (size_t i = begin; i < tokens.size() && out.size() < static_cast<size_t>(max_tokens); ++i) {
    int32_t tok = tokens[i];
    if (i < begin + 2) tok = layout.to_onset(tok);
    out.push_back(tok);
  }
  return out;
}

std::optional<std::string> GrammarState::check(int32_t token) const {
  const TokenKind k = layout_.kind(token);
  if (k == TokenKind::kInvalid) return "token id outside the vocabulary";
  if (k == TokenKind::kPad) return "PAD is not part of a sequence";
  switch (phase_) {
    case Phase::kStart:
      return k == TokenKind::kBos ? std::nullopt : std::optional<std::string>("expected BOS first");
    case Phase::kDone:
      return "nothing may follow EOS";
    case Phase::kChord:
      if (k == TokenKind::kEos || k == TokenKind::kSilence || k == TokenKind::kChordOn)
        return std::nullopt;
      if (k == TokenKind::kChordHold) {
        if (layout_.chord_of(token) == prev_chord_) return std::nullopt;
        return "CHORD_HOLD of a chord that was not sounding at the previous chord position";
      }
      return "expected SILENCE, CHORD_ON, CHORD_HOLD or EOS at a chord position";
    case Phase::kMelody:
      if (k == TokenKind::kSilence || k == TokenKind::kNoteOn) return std::nullopt;
      if (k == TokenKind::kNoteHold) {
        if (layout_.pitch_of(token) == prev_pitch_) return std::nullopt;
        return "NOTE_HOLD of a pitch that was not sounding at the previous melody position";
      }
      return "expected SILENCE, NOTE_ON or NOTE_HOLD at a melody position";
  }
  return "unreachable";
}

bool GrammarState::step(int32_t token) {
  if (check(token)) return false;
  switch (phase_) {
    case Phase::kStart:
      phase_ = Phase::kChord;
      break;
    case Phase::kChord:
      if (token == kTokEos) {
        phase_ = Phase::kDone;
      } else {
        prev_chord_ = layout_.chord_of(token);
        phase_ = Phase::kMelody;
        ++frames_;
      }
      break;
    case Phase::kMelody:
      prev_pitch_ = layout_.pitch_of(token);
      phase_ = Phase::kChord;
      break;
    case Phase::kDone:
      break;
  }
  return true;
}

std::vector<uint8_t> GrammarState::allowed_next() const {
  std::vector<uint8_t> mask(static_cast<size_t>(layout_.vocab_size()), 0);
  auto set = [&](int32_t t) { mask[static_cast<size_t>(t)] = 1; };
  switch (phase_) {
    case Phase::kStart:
      set(kTokBos);
      break;
    case Phase::kDone:
      break;
    case Phase::kChord:
      set(kTokEos);
      set(kTokSilence);
      for (int c = 0; c < layout_.n_chords; ++c) set(layout_.chord_on(c));
      if (prev_chord_ >= 0) set(layout_.chord_hold(prev_chord_));
      break;
    case Phase::kMelody:
      set(kTokSilence);
      for (int p = 0; p < 128; ++p) set(layout_.note_on(p));
      if (prev_pitch_ >= 0) set(layout_.note_hold(prev_pitch_));
      break;
  }
  return mask;
}

std::optional<TokenError> validate(std::span<const int32_t> tokens, const TokenLayout& layout,
                                   bool require_eos) {
  GrammarState g(layout);
  for (size_t i = 0; i < tokens.size(); ++i)
    if (auto why = g.check(tokens[i]))
      return TokenError{i, *why};
    else
      g.step(tokens[i]);
  if (require_eos && !g.finished()) {
    if (g.at_melody_position())
      return TokenError{tokens.size(), "stream ends after a chord token (melody position missing)"};
    return TokenError{tokens.size(), "missing EOS"};
  }
  return std::nullopt;
}

}  // namespace jam
