#include "jam/planner.h"

#include <algorithm>
#include <string>

#include "jam/melody.h"
#include "jam/offline_engine.h"
#include "jam/prefix_cache.h"
#include "jam/sampler.h"
#include "jam/tokenizer.h"

namespace jam {

namespace {

uint64_t mix64(uint64_t x) {  // splitmix64 finalizer
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Per-frame melody tokens for frames [0, n) from the request, held notes sounding until held_until.
std::vector<int32_t> melody_tokens(const PlanRequest& req, Frame n, Frame held_until,
                                   const TokenLayout& lay) {
  const MelodyFrames mf = melody_frames(plan_melody_notes(req, held_until), n);
  std::vector<int32_t> out(static_cast<size_t>(n), kTokSilence);
  for (Frame t = 0; t < n; ++t) {
    const int p = mf.pitch[static_cast<size_t>(t)];
    if (p < 0) continue;
    const bool onset = mf.onset[static_cast<size_t>(t)] ||
                       t == 0 || mf.pitch[static_cast<size_t>(t - 1)] != p;
    out[static_cast<size_t>(t)] = onset ? lay.note_on(p) : lay.note_hold(p);
  }
  return out;
}

// Checks that every echoed chord token is a chord-position token in this vocabulary and that
// holds continue the chord before them.
std::optional<std::string> check_chord_stream(const std::vector<int>& chords,
                                              const TokenLayout& lay) {
  GrammarState g(lay);
  g.step(kTokBos);
  for (size_t i = 0; i < chords.size(); ++i) {
    const int32_t tok = chords[i];
    const TokenKind k = lay.kind(tok);
    if (k != TokenKind::kSilence && k != TokenKind::kChordOn && k != TokenKind::kChordHold)
      return "chord_tokens[" + std::to_string(i) + "]: token " + std::to_string(tok) +
             " is not a chord token of this model's vocabulary";
    if (auto why = g.check(tok)) return "chord_tokens[" + std::to_string(i) + "]: " + *why;
    g.step(tok);
    g.step(kTokSilence);
  }
  return std::nullopt;
}

// The allowed-token mask at the grammar's position, never allowing EOS (a plan does not end).
std::vector<uint8_t> plan_mask(const GrammarState& g) {
  std::vector<uint8_t> mask = g.allowed_next();
  mask[kTokEos] = 0;
  return mask;
}

}  // namespace

uint64_t position_seed(uint64_t seed, Frame frame, int part) {
  return mix64(mix64(seed) ^ (static_cast<uint64_t>(frame) * 2 + static_cast<uint64_t>(part)));
}

std::vector<ChordEvent> chord_events_from_tokens(const std::vector<int>& chord_tokens,
                                                 const ChordVocab& vocab) {
  const TokenLayout lay{vocab.size()};
  std::vector<ChordEvent> events;
  int current = -1;
  for (size_t t = 0; t < chord_tokens.size(); ++t) {
    const int32_t tok = chord_tokens[t];
    const TokenKind k = lay.kind(tok);
    const int id = lay.chord_of(tok);
    const Frame f = static_cast<Frame>(t);
    if (k == TokenKind::kChordHold && id == current && !events.empty()) {
      events.back().off = f + 1;
      continue;
    }
    if (k == TokenKind::kChordOn || k == TokenKind::kChordHold) {
      events.push_back(vocab.event(id, f, f + 1));
      current = id;
    } else {
      current = -1;
    }
  }
  return events;
}

// One plan in flight. Positions are model positions in the window: 0 = BOS, 1 + 2(t - W) = the
// chord of frame t, 2 + 2(t - W) = its melody.
struct Planner::Job {
  Planner& planner;
  PlanRequest req;
  Done done;
  TokenLayout lay;
  Frame end = 0;                 // F + L
  Frame window = 0;              // W
  std::vector<int32_t> chord;    // per frame [0, end): token, or -1 = to sample
  std::vector<int32_t> melody;   // per frame [0, end): token, or -1 = to sample
  uint64_t seed = 0;
  uint64_t key = 0;              // sampling key of this plan (seed, temperature, top-p, window)
  ChordControls controls;        // the request's controls, else the planner's
  const ChordBias* bias = nullptr;
  PrefixCache::Entry* entry = nullptr;
  GrammarState grammar;
  Sampler sampler;
  int next = 0;                  // next window position to determine
  int total = 0;                 // window positions: 1 + 2 (end - W)
  std::vector<int32_t> pending;  // determined tokens at positions [entry->tokens.size(), next)
  std::vector<uint64_t> pending_keys;
  bool in_feed = false;          // a feed() call is on the stack
  bool waiting = false;          // the current feed() has not answered yet
  bool finished = false;

  Job(Planner& p, const PlanRequest& r, Done d)
      : planner(p), req(r), done(std::move(d)), lay{p.vocab_.size()}, grammar(lay),
        sampler(SamplerConfig{static_cast<float>(r.temperature), p.config_.top_p}, 0) {}

  Frame frame_of(int pos) const { return window + (pos - 1) / 2; }
  int part_of(int pos) const { return (pos - 1) % 2; }  // 0 chord, 1 melody

  // The forced token at `pos`, or -1 when it is sampled. Holds are rewritten to onsets where the
  // grammar needs it (the window start).
  int32_t forced(int pos) const {
    if (pos == 0) return kTokBos;
    const Frame t = frame_of(pos);
    int32_t tok = part_of(pos) == 0 ? chord[static_cast<size_t>(t)] : melody[static_cast<size_t>(t)];
    if (tok >= 0 && !grammar.accepts(tok)) tok = lay.to_onset(tok);
    return tok;
  }

  void finish(Result<PlanResponse> r) {
    if (finished) return;
    finished = true;
    if (entry) planner.cache_.release(entry);
    entry = nullptr;
    done(std::move(r));
  }

  void fail(std::string why) { finish(Result<PlanResponse>::fail(std::move(why))); }

  // Records the determined token at `pos` in the entry and the grammar.
  bool accept(int pos, int32_t tok) {
    if (!grammar.step(tok)) {
      fail("internal: token " + lay.describe(tok) + " rejected by the grammar at window position " +
           std::to_string(pos));
      return false;
    }
    if (pos > 0) {
      const Frame t = frame_of(pos);
      (part_of(pos) == 0 ? chord : melody)[static_cast<size_t>(t)] = tok;
    }
    return true;
  }

  void start();
  void pump();
  void on_logits(const Status& s, std::span<const float> logits);
  void respond();
  Status warm_start(OfflineEngine& offline);
};

Status Planner::Job::warm_start(OfflineEngine& offline) {
  const Frame S = req.silence_frames;
  if (S <= 0) return {};
  const std::vector<int32_t> mel = melody_tokens(req, S, S, lay);
  if (Status s = offline.encode(mel); !s) return s;
  GrammarState g(lay);
  g.step(kTokBos);
  Sampler smp(SamplerConfig{static_cast<float>(req.temperature), planner.config_.top_p}, 0);
  int32_t prev = kTokBos;
  std::vector<float> scratch;
  for (Frame t = 0; t < S; ++t) {
    auto logits = offline.step(prev);
    if (!logits) return Status::fail("offline model: " + logits.error());
    smp.reseed(position_seed(seed ^ 0x0FF11E, t, 0));
    auto tok = smp.sample(bias->biased(*logits, scratch), plan_mask(g));
    if (!tok) return Status::fail("offline sampling: " + tok.error());
    g.step(*tok);
    g.step(kTokSilence);
    chord[static_cast<size_t>(t)] = *tok;
    prev = *tok;
  }
  // The chord after the silence period may be a hold of a chord that no longer precedes it.
  if (S < end && chord[static_cast<size_t>(S)] >= 0 &&
      lay.kind(chord[static_cast<size_t>(S)]) == TokenKind::kChordHold &&
      lay.chord_of(chord[static_cast<size_t>(S)]) != lay.chord_of(prev))
    chord[static_cast<size_t>(S)] = lay.to_onset(chord[static_cast<size_t>(S)]);
  return {};
}

void Planner::Job::start() {
  const Frame F = req.frame, L = req.lookahead_frames, C = req.commit_frames;
  const Frame S = req.silence_frames;
  const PlannerConfig& cfg = planner.config_;
  end = F + L;
  seed = req.seed.value_or(cfg.default_seed);
  controls = ChordControls{req.chord_rate.value_or(cfg.controls.chord_rate),
                           req.colour.value_or(cfg.controls.colour)};
  bias = &planner.bias_for(controls);

  if (auto why = check_chord_stream(req.chord_tokens, lay)) return fail(*why);

  // Melody: actual for frames before F, sampled after.
  melody = melody_tokens(req, end, F, lay);
  for (Frame t = F; t < end; ++t) melody[static_cast<size_t>(t)] = -1;
  // Chords: echoed ones are kept before F + C; everything else is sampled.
  chord.assign(static_cast<size_t>(end), -1);
  const Frame keep = std::min<Frame>(F + C, static_cast<Frame>(req.chord_tokens.size()));
  for (Frame t = 0; t < keep; ++t) chord[static_cast<size_t>(t)] = req.chord_tokens[static_cast<size_t>(t)];

  // Warm start, once per session: the first request at or past S - lead (from the echoed stream).
  const Frame lead_frame = S - cfg.warm_start_lead;
  const Frame prev_frame = req.chord_tokens.empty()
                               ? -1000000
                               : static_cast<Frame>(req.chord_tokens.size()) - L;
  if (planner.offline_ && S > 0 && F >= lead_frame && prev_frame < lead_frame) {
    if (Status s = warm_start(*planner.offline_); !s) return fail(s.error());
    planner.stats_.warm_start = true;
  }

  // Window: the history holds at most max_history_frames, and its start moves in steps.
  const Frame over = F - cfg.max_history_frames;
  const Frame step = std::max(1, cfg.window_step_frames);
  window = over <= 0 ? 0 : (over + step - 1) / step * step;
  window = std::min(window, F);
  total = 1 + 2 * (end - window);
  key = mix64(seed ^ mix64(static_cast<uint64_t>(window) + 1) ^
              mix64(static_cast<uint64_t>(req.temperature * 1e6) * 31 +
                    static_cast<uint64_t>(cfg.top_p * 1e6)) ^
              chord_controls_key(controls));

  // The known prefix of the window, for choosing a cache entry.
  std::vector<int32_t> context;
  {
    GrammarState g(lay);
    for (int pos = 0; pos < total; ++pos) {
      if (pos > 0) {
        const Frame t = frame_of(pos);
        int32_t tok = part_of(pos) == 0 ? chord[static_cast<size_t>(t)] : melody[static_cast<size_t>(t)];
        if (tok < 0) break;
        if (!g.accepts(tok)) tok = lay.to_onset(tok);
        context.push_back(tok);
        g.step(tok);
      } else {
        context.push_back(kTokBos);
        g.step(kTokBos);
      }
    }
  }
  entry = planner.cache_.acquire(context, req.session.value_or(""));
  if (!entry) return fail("internal: no model state available");
  SequenceModel& model = *entry->model;
  if (total > model.max_len())
    return fail("plan needs " + std::to_string(total) + " positions; the model holds " +
                std::to_string(model.max_len()));

  // Walk the cached prefix: forced positions must hold the same token, sampled positions the same
  // sampling key (then the cached sample is exactly what sampling would give again).
  const int cached = std::min<int>(static_cast<int>(entry->tokens.size()), model.position());
  int pos = 0;
  while (pos < cached && pos < total) {
    const int32_t f = forced(pos);
    const int32_t have = entry->tokens[static_cast<size_t>(pos)];
    const bool match = f >= 0 ? have == f : entry->keys[static_cast<size_t>(pos)] == key;
    if (!match) break;
    if (!accept(pos, have)) return;
    ++pos;
  }
  planner.stats_.tokens_reused = pos;
  planner.stats_.cache_hit = pos > 1;
  entry->tokens.resize(static_cast<size_t>(pos));
  entry->keys.resize(static_cast<size_t>(pos));
  next = pos;
  pump();
}

// Determines positions in order: forced tokens join `pending`; before a sampled position the
// pending tokens are fed and the logits of the last one are sampled. Runs in a loop while the
// model answers synchronously; an asynchronous answer resumes it from the callback.
void Planner::Job::pump() {
  while (!finished) {
    while (next < total) {
      const int32_t f = forced(next);
      if (f < 0) break;
      if (!accept(next, f)) return;
      pending.push_back(f);
      pending_keys.push_back(0);
      ++next;
    }
    if (next >= total) return respond();  // the last determined tokens never need feeding
    if (pending.empty()) {
      // The cache holds everything before `next`: re-feed its last token to get the logits.
      pending.push_back(entry->tokens.back());
      pending_keys.push_back(entry->keys.back());
      entry->tokens.pop_back();
      entry->keys.pop_back();
    }
    const int start = static_cast<int>(entry->tokens.size());
    planner.stats_.tokens_fed += static_cast<int>(pending.size());
    in_feed = true;
    waiting = true;
    entry->model->feed(pending, start, [this](Status s, std::span<const float> logits) {
      on_logits(s, logits);
      waiting = false;
      if (!in_feed) pump();
    });
    in_feed = false;
    if (waiting) return;  // asynchronous backend: the callback resumes
  }
}

void Planner::Job::on_logits(const Status& s, std::span<const float> logits) {
  if (!s) {
    entry->model->reset();
    entry->tokens.clear();
    entry->keys.clear();
    return fail("model: " + s.error());
  }
  entry->tokens.insert(entry->tokens.end(), pending.begin(), pending.end());
  entry->keys.insert(entry->keys.end(), pending_keys.begin(), pending_keys.end());
  pending.clear();
  pending_keys.clear();
  const int pos = next;
  sampler.reseed(position_seed(seed, frame_of(pos), part_of(pos)));
  std::vector<float> scratch;
  auto tok = sampler.sample(part_of(pos) == 0 ? bias->biased(logits, scratch) : logits,
                            plan_mask(grammar));
  if (!tok) return fail("sampling at frame " + std::to_string(frame_of(pos)) + ": " + tok.error());
  if (!accept(pos, *tok)) return;
  pending.push_back(*tok);
  pending_keys.push_back(key);
  ++next;
}

void Planner::Job::respond() {
  const Frame F = req.frame, C = req.commit_frames, S = req.silence_frames;
  PlanResponse resp;
  resp.frame = F;
  resp.chord_tokens.assign(chord.begin(), chord.end());
  // Frames before the window that the request did not echo (a session that starts late or jumps
  // past the window start) were never planned: they are silence in the stream, never -1.
  for (int& tok : resp.chord_tokens)
    if (tok < 0) tok = kTokSilence;
  for (const ChordEvent& e : chord_events_from_tokens(resp.chord_tokens, planner.vocab_)) {
    const Frame on = std::max(e.on, S);
    const Frame off = std::min(e.off, end);
    if (off <= on || off <= F || on >= end) continue;
    PlanChord pc;
    pc.on = on;
    pc.off = off;
    const int id = planner.vocab_.map(e);
    pc.name = planner.vocab_.chord(id).name;
    pc.pitches = planner.vocab_.voicing(id);
    pc.committed = on < F + C;
    resp.chords.push_back(std::move(pc));
  }
  finish(std::move(resp));
}

Planner::Planner(const ChordVocab& vocab, PrefixCache& cache, OfflineEngine* offline,
                 PlannerConfig config)
    : vocab_(vocab), cache_(cache), offline_(offline), config_(config),
      chord_bias_(vocab, config.controls) {}

Planner::~Planner() = default;

const ChordBias& Planner::bias_for(const ChordControls& controls) {
  if (controls == config_.controls) return chord_bias_;
  if (!request_bias_ || request_controls_ != controls) {
    request_bias_ = std::make_unique<ChordBias>(vocab_, controls);
    request_controls_ = controls;
  }
  return *request_bias_;
}

void Planner::plan(const PlanRequest& request, Done done) {
  stats_ = {};
  job_ = std::make_unique<Job>(*this, request, std::move(done));
  job_->start();
}

}  // namespace jam
