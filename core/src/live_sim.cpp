#include "jam/live_sim.h"

#include <algorithm>

namespace jam {

PlanRequest live_request(const Song& song, Frame f, const LiveSimOptions& o, uint64_t seed,
                         const std::string& model) {
  PlanRequest r;
  r.model = model;
  r.frame = f;
  r.lookahead_frames = o.lookahead;
  r.commit_frames = o.commit;
  r.silence_frames = o.silence;
  r.temperature = o.temperature;
  r.seed = seed;
  r.session = song.id;
  for (const Note& n : song.melody) {
    if (n.on > f - 1) continue;
    r.melody.push_back({n.on, n.off <= f - 1 ? std::optional<Frame>(n.off) : std::nullopt, n.pitch});
  }
  return r;
}

Result<LiveSimResult> simulate_live(PlanningStack& stack, const Song& song,
                                    const LiveSimOptions& o, uint64_t seed,
                                    const std::function<double()>& now_ms) {
  LiveSimResult res;
  std::vector<int> echoed;
  for (Frame f = 1; f <= song.n_frames; ++f) {
    PlanRequest r = live_request(song, f, o, seed, stack.online().id);
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
  for (ChordEvent& e : chord_events_from_tokens(echoed, stack.online().vocab)) {
    e.on = std::max(e.on, static_cast<Frame>(o.silence));  // the silence period is never played
    if (e.off > e.on) res.song.chords.push_back(std::move(e));
  }
  res.chord_tokens = std::move(echoed);
  return res;
}

}  // namespace jam
