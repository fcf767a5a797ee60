#include "jam/live_sim.h"

#include <algorithm>

#include "jam/tokenizer.h"

namespace jam {

namespace {

int transposed_pitch(int pitch, int semitones) {
  int p = pitch + semitones;
  while (p > 127) p -= 12;
  while (p < 0) p += 12;
  return p;
}

}  // namespace

Song transpose_from(const Song& song, Frame from, int semitones) {
  Song out = song;
  if (semitones == 0) return out;
  for (Note& n : out.melody)
    if (n.on >= from) n.pitch = transposed_pitch(n.pitch, semitones);
  for (ChordEvent& c : out.chords)
    if (c.on >= from) c.root_pc = ((c.root_pc + semitones) % 12 + 12) % 12;
  return out;
}

std::vector<int> song_chord_tokens(const Song& song, const ChordVocab& vocab) {
  const std::vector<int32_t> stream = encode(song, vocab);  // BOS c_0 m_0 ... EOS
  std::vector<int> chords(static_cast<size_t>(std::max<Frame>(song.n_frames, 0)), kTokSilence);
  for (size_t t = 0; t < chords.size() && 1 + 2 * t < stream.size(); ++t) chords[t] = stream[1 + 2 * t];
  return chords;
}

PlanRequest live_request(const Song& song, Frame f, const LiveSimOptions& o, uint64_t seed,
                         const std::string& model) {
  PlanRequest r;
  r.model = model;
  r.frame = f;
  r.lookahead_frames = o.lookahead;
  r.commit_frames = o.commit;
  r.silence_frames = o.prime_frames > 0 ? 0 : o.silence;
  r.temperature = o.temperature;
  r.seed = seed;
  r.session = song.id;
  for (const Note& n : song.melody) {
    if (n.on > f - 1) continue;
    r.melody.push_back({n.on, n.off <= f - 1 ? std::optional<Frame>(n.off) : std::nullopt, n.pitch});
  }
  return r;
}

Result<LiveSimResult> simulate_live(PlanningStack& stack, const Song& input,
                                    const LiveSimOptions& o, uint64_t seed,
                                    const std::function<double()>& now_ms) {
  const Song song = transpose_from(input, o.transpose_at, o.transpose);
  const ChordVocab& vocab = stack.online().vocab;
  const TokenLayout lay{vocab.size()};
  const Frame prime = std::clamp<Frame>(o.prime_frames, 0, song.n_frames);
  const std::vector<int> truth = prime > 0 ? song_chord_tokens(song, vocab) : std::vector<int>{};
  const Frame silence = prime > 0 ? 0 : o.silence;

  LiveSimResult res;
  std::vector<int> echoed;
  for (Frame f = 1; f <= song.n_frames; ++f) {
    PlanRequest r = live_request(song, f, o, seed, stack.online().id);
    if (prime > 0 && f - 1 < prime) {
      // Ground truth for the primed frames, as committed chords (kept up to F + commit).
      const Frame known = std::min<Frame>(prime, f + o.commit);
      if (static_cast<Frame>(echoed.size()) < known) echoed.resize(static_cast<size_t>(known), kTokSilence);
      std::copy(truth.begin(), truth.begin() + known, echoed.begin());
      // The planner's chord right after the priming may hold a chord that no longer precedes it.
      if (static_cast<Frame>(echoed.size()) > known) {
        int& next = echoed[static_cast<size_t>(known)];
        if (lay.kind(next) == TokenKind::kChordHold &&
            lay.chord_of(next) != lay.chord_of(echoed[static_cast<size_t>(known) - 1]))
          next = lay.to_onset(next);
      }
    }
    r.chord_tokens = std::move(echoed);
    const double t0 = now_ms ? now_ms() : 0.0;
    auto resp = stack.plan_sync(r);
    if (now_ms) res.request_ms.push_back(static_cast<float>(now_ms() - t0));
    if (!resp) return Result<LiveSimResult>::fail("frame " + std::to_string(f) + ": " + resp.error());
    const PlanStats& st = stack.planner().last_stats();
    res.tokens_fed += st.tokens_fed;
    res.tokens_reused += st.tokens_reused;
    res.cache_hits += st.cache_hit;
    ++res.requests;
    echoed = std::move(resp->chord_tokens);
  }
  echoed.resize(static_cast<size_t>(song.n_frames));
  res.song = song;
  res.song.chords.clear();
  for (ChordEvent& e : chord_events_from_tokens(echoed, vocab)) {
    e.on = std::max(e.on, static_cast<Frame>(silence));  // the silence period is never played
    if (e.off > e.on) res.song.chords.push_back(std::move(e));
  }
  res.chord_tokens = std::move(echoed);
  return res;
}

}  // namespace jam
