#include "jam/harmonizer.h"

#include <algorithm>
#include <string>

#include "jam/offline_engine.h"
#include "jam/planner.h"
#include "jam/sampler.h"
#include "jam/tokenizer.h"

namespace jam {

std::vector<Frame> harmonizer_windows(Frame n_frames, int window, int overlap) {
  std::vector<Frame> starts;
  if (n_frames <= 0 || window <= 0 || overlap < 0 || overlap >= window) return starts;
  starts.push_back(0);
  while (starts.back() + window < n_frames) {
    Frame next = starts.back() + (window - overlap);
    if (next + window >= n_frames) next = n_frames - window;  // last window: full, ends at T
    starts.push_back(next);
  }
  return starts;
}

Result<Harmonization> harmonize(OfflineEngine& engine, const ChordVocab& vocab, const Song& melody,
                                const HarmonizerConfig& config) {
  using R = Result<Harmonization>;
  const TokenLayout lay{vocab.size()};
  if (vocab.size() <= 0) return R::fail("harmonize: empty chord vocabulary");
  if (engine.vocab_size() != lay.vocab_size())
    return R::fail("harmonize: the model has " + std::to_string(engine.vocab_size()) +
                   " tokens but the vocabulary implies " + std::to_string(lay.vocab_size()));
  const int window = std::min(config.window_frames, engine.max_len());
  if (window < 1 || config.overlap_frames < 0 || config.overlap_frames >= window)
    return R::fail("harmonize: need 1 <= window (" + std::to_string(window) +
                   ", at most the model's max_len) and 0 <= overlap < window (overlap " +
                   std::to_string(config.overlap_frames) + ")");
  if (!(config.temperature >= 0.0f) || !(config.top_p > 0.0f && config.top_p <= 1.0f))
    return R::fail("harmonize: need temperature >= 0 and top_p in (0, 1]");
  if (auto why = validate_chord_controls(config.controls)) return R::fail("harmonize: " + *why);

  Harmonization out;
  out.song = melody;
  out.song.chords.clear();
  Frame n = std::max<Frame>(melody.n_frames, 0);
  for (const Note& note : melody.melody) n = std::max(n, note.off);
  out.song.n_frames = n;
  out.window_frames = window;
  if (n == 0) return out;

  // Melody tokens m_0 … m_{T-1}: the tokenizer's melody positions (monophonized, onset/hold).
  std::vector<int32_t> mel(static_cast<size_t>(n));
  {
    const std::vector<int32_t> toks = encode(out.song, vocab);
    for (Frame t = 0; t < n; ++t) mel[static_cast<size_t>(t)] = toks[static_cast<size_t>(2 + 2 * t)];
  }

  const ChordBias bias(vocab, config.controls);
  Sampler sampler(SamplerConfig{config.temperature, config.top_p}, 0);
  std::vector<int32_t>& chords = out.chord_tokens;
  chords.assign(static_cast<size_t>(n), -1);
  std::vector<float> buf;
  out.window_starts = harmonizer_windows(n, window, config.overlap_frames);
  Frame decided = 0;  // chords of frames [0, decided) are known
  for (const Frame s : out.window_starts) {
    const Frame e = std::min<Frame>(s + window, n);
    std::vector<int32_t> wmel(mel.begin() + s, mel.begin() + e);
    wmel[0] = lay.to_onset(wmel[0]);
    if (Status st = engine.encode(wmel); !st) return R::fail("harmonize: encode: " + st.error());

    // Decoder input: BOS, then the teacher-forced chords of [s, decided) (window-start rule).
    GrammarState g(lay);
    g.step(kTokBos);
    std::vector<int32_t> prefix{kTokBos};
    for (Frame t = s; t < decided; ++t) {
      int32_t tok = chords[static_cast<size_t>(t)];
      if (!g.accepts(tok)) tok = lay.to_onset(tok);
      if (!g.step(tok)) return R::fail("harmonize: internal: forced chord rejected by the grammar");
      g.step(kTokSilence);
      prefix.push_back(tok);
    }
    const Frame first = std::max(s, decided);
    out.forced_frames += first - s;
    auto logits = engine.feed_sync(prefix, 0);
    for (Frame t = first; t < e; ++t) {
      if (!logits) return R::fail("harmonize: frame " + std::to_string(t) + ": " + logits.error());
      const std::span<const float> biased = bias.biased(*logits, buf);
      std::vector<uint8_t> mask = g.allowed_next();
      mask[kTokEos] = 0;
      sampler.reseed(position_seed(config.seed, t, 0));
      auto tok = sampler.sample(biased, mask);
      if (!tok) return R::fail("harmonize: sampling at frame " + std::to_string(t) + ": " + tok.error());
      g.step(*tok);
      g.step(kTokSilence);
      chords[static_cast<size_t>(t)] = *tok;
      ++out.sampled_frames;
      if (t + 1 < e) logits = engine.step(*tok);
    }
    decided = e;
  }
  out.song.chords = chord_events_from_tokens(chords, vocab);
  return out;
}

}  // namespace jam
