#include "jam/scheduler.h"

#include <algorithm>

#include "jam/tokenizer.h"

namespace jam {

const char* session_state_name(SessionState s) {
  switch (s) {
    case SessionState::kIdle: return "idle";
    case SessionState::kArmed: return "armed";
    case SessionState::kListening: return "listening";
    case SessionState::kJamming: return "jamming";
    case SessionState::kStopped: return "stopped";
  }
  return "?";
}

JamScheduler::JamScheduler(const ChordVocab& vocab, SchedulerConfig config)
    : vocab_(&vocab), n_chords_(vocab.size()), config_(std::move(config)) {}

JamScheduler::JamScheduler(int n_chords, SchedulerConfig config)
    : n_chords_(std::max(0, n_chords)),
      learned_(static_cast<size_t>(std::max(0, n_chords))),
      config_(std::move(config)) {}

std::vector<int> JamScheduler::voicing(int chord_id) const {
  if (chord_id < 0 || chord_id >= n_chords_) return {};
  if (vocab_) return vocab_->voicing(chord_id);
  return learned_[static_cast<size_t>(chord_id)].pitches;
}

std::string JamScheduler::chord_name(int chord_id) const {
  if (chord_id < 0 || chord_id >= n_chords_) return "?";
  if (vocab_) return vocab_->chord(chord_id).name;
  const std::string& name = learned_[static_cast<size_t>(chord_id)].name;
  return name.empty() ? "?" : name;
}

// Each described chord names the chord id its first frame's token carries.
void JamScheduler::learn_chords(const PlanResponse& response) {
  if (vocab_) return;
  const TokenLayout lay{n_chords_};
  for (const PlanChord& c : response.chords) {
    if (c.on < 0 || c.on >= static_cast<Frame>(response.chord_tokens.size())) continue;
    const int32_t tok = response.chord_tokens[static_cast<size_t>(c.on)];
    const TokenKind kind = lay.kind(tok);
    if (kind != TokenKind::kChordOn && kind != TokenKind::kChordHold) continue;
    const int id = lay.chord_of(tok);
    if (id < 0 || id >= n_chords_) continue;
    learned_[static_cast<size_t>(id)] = {c.name, c.pitches};
  }
}

void JamScheduler::start() {
  state_ = SessionState::kArmed;
  t0_ = 0;
  current_ = -1;
  melody_.clear();
  held_.assign(128, -1);
  locked_.clear();
  plan_.clear();
  plan_frame_ = -1;
  last_request_frame_ = -1;
  in_flight_ = 0;
  want_request_ = server_slow_ = false;
  sounding_ = -1;
  rested_frames_ = 0;
  commands_.clear();
}

void JamScheduler::stop(double now_sec) {
  if (state_ == SessionState::kIdle || state_ == SessionState::kStopped) return;
  state_ = SessionState::kStopped;
  ChordCommand c;
  c.kind = ChordCommand::Kind::kStopAll;
  c.time_sec = now_sec;
  c.chord_id = sounding_;
  commands_.push_back(c);
  sounding_ = -1;
  for (int p = 0; p < 128; ++p)
    if (held_[static_cast<size_t>(p)] >= 0) note_off(p, now_sec);
}

void JamScheduler::start_clock(double t0_sec) {
  if (state_ != SessionState::kArmed) return;
  t0_ = t0_sec;
  current_ = 0;
  state_ = config_.silence_frames > 0 ? SessionState::kListening : SessionState::kJamming;
  want_request_ = true;
}

void JamScheduler::note_on(int pitch, int velocity, double now_sec) {
  if (pitch < 0 || pitch > 127) return;
  if (state_ == SessionState::kArmed) start_clock(now_sec);
  if (state_ != SessionState::kListening && state_ != SessionState::kJamming) return;
  if (held_[static_cast<size_t>(pitch)] >= 0) note_off(pitch, now_sec);
  const Frame on = std::max<Frame>(0, config_.tempo.seconds_to_nearest_frame(now_sec - t0_));
  melody_.push_back(Note{on, on + 1, pitch, std::clamp(velocity, 1, 127)});
  held_[static_cast<size_t>(pitch)] = static_cast<int>(melody_.size()) - 1;
}

void JamScheduler::note_off(int pitch, double now_sec) {
  if (pitch < 0 || pitch > 127 || held_.empty()) return;
  const int idx = held_[static_cast<size_t>(pitch)];
  if (idx < 0) return;
  held_[static_cast<size_t>(pitch)] = -1;
  Note& n = melody_[static_cast<size_t>(idx)];
  n.off = std::max(n.on + 1, config_.tempo.seconds_to_nearest_frame(now_sec - t0_));
}

void JamScheduler::advance(double now_sec) {
  if (state_ != SessionState::kListening && state_ != SessionState::kJamming) return;
  const Frame f = config_.tempo.seconds_to_frame(now_sec - t0_);
  if (f > current_) {
    current_ = f;
    want_request_ = true;
  }
  if (state_ == SessionState::kListening && current_ >= config_.silence_frames)
    state_ = SessionState::kJamming;
  lock_until(config_.tempo.seconds_to_frame(now_sec + config_.lock_ahead_sec - t0_));
}

std::optional<PlanRequest> JamScheduler::take_request() {
  if (state_ != SessionState::kListening && state_ != SessionState::kJamming) return std::nullopt;
  if (!want_request_ || in_flight_ >= std::max(1, config_.max_in_flight) ||
      current_ + 1 <= last_request_frame_)
    return std::nullopt;
  PlanRequest r;
  r.model = config_.model;
  r.frame = current_ + 1;
  r.lookahead_frames = config_.lookahead_frames;
  r.commit_frames = config_.commit_frames;
  r.silence_frames = config_.silence_frames;
  r.temperature = config_.temperature;
  r.seed = config_.seed;
  for (size_t i = 0; i < melody_.size(); ++i) {
    const Note& n = melody_[i];
    const bool held = held_[static_cast<size_t>(n.pitch)] == static_cast<int>(i);
    r.melody.push_back({n.on, held ? std::nullopt : std::optional<Frame>(n.off), n.pitch});
  }
  r.chord_tokens = chord_stream();
  want_request_ = false;
  ++in_flight_;
  last_request_frame_ = r.frame;
  return r;
}

bool JamScheduler::on_response(const PlanResponse& response) {
  in_flight_ = std::max(0, in_flight_ - 1);
  if (state_ != SessionState::kListening && state_ != SessionState::kJamming) return false;
  if (response.frame <= plan_frame_) return false;
  learn_chords(response);
  plan_ = response.chord_tokens;
  plan_frame_ = response.frame;
  // Only a plan that still covers the next frame to lock ends "server slow": one that arrives
  // after all its frames were locked (round trip > lookahead) changes nothing, so the badge stays
  // on instead of blinking at every late response.
  if (static_cast<Frame>(plan_.size()) > static_cast<Frame>(locked_.size())) server_slow_ = false;
  const Frame commit_end = response.frame + std::min(config_.commit_frames, config_.lookahead_frames);
  lock_until(std::min<Frame>(commit_end, static_cast<Frame>(plan_.size())) - 1);
  return true;
}

void JamScheduler::on_request_failed() {
  in_flight_ = std::max(0, in_flight_ - 1);
  want_request_ = true;
}

std::vector<ChordCommand> JamScheduler::take_commands() {
  std::vector<ChordCommand> out;
  out.swap(commands_);
  return out;
}

double JamScheduler::silence_beats_left(double now_sec) const {
  if (state_ != SessionState::kListening) return 0.0;
  const double frames_left = config_.silence_frames - config_.tempo.seconds_to_frames(now_sec - t0_);
  return std::max(0.0, TempoMap::frames_to_beats(frames_left));
}

int32_t JamScheduler::planned_token(Frame t) const {
  if (t < 0 || t >= static_cast<Frame>(plan_.size())) return -1;
  return plan_[static_cast<size_t>(t)];
}

void JamScheduler::lock_until(Frame last) {
  for (Frame t = static_cast<Frame>(locked_.size()); t <= last; ++t) {
    int32_t tok = planned_token(t);
    if (tok < 0) {
      tok = kTokSilence;
      if (t >= config_.silence_frames) {
        server_slow_ = true;
        ++rested_frames_;
      }
    }
    lock_frame(t, tok);
  }
}

void JamScheduler::lock_frame(Frame t, int32_t token) {
  const TokenLayout lay{n_chords_};
  TokenKind kind = lay.kind(token);
  int chord = lay.chord_of(token);
  if (kind != TokenKind::kChordOn && kind != TokenKind::kChordHold) chord = -1;
  // A hold only continues the chord right before it; otherwise it is an onset. The first frame
  // after the silence period always starts its chord (nothing before it was played).
  if (kind == TokenKind::kChordHold) {
    const bool fresh = locked_.empty() || t == config_.silence_frames;
    const int32_t prev = fresh ? kTokSilence : locked_.back();
    const TokenKind pk = lay.kind(prev);
    if (!((pk == TokenKind::kChordOn || pk == TokenKind::kChordHold) && lay.chord_of(prev) == chord)) {
      token = lay.to_onset(token);
      kind = TokenKind::kChordOn;
    }
  }
  locked_.push_back(token);
  if (t < config_.silence_frames) return;  // the silence period is never played
  const bool starts = chord >= 0 && (kind == TokenKind::kChordOn || sounding_ != chord);
  const double time = frame_time(t);
  if (sounding_ >= 0 && (chord < 0 || starts)) {
    ChordCommand c;
    c.kind = ChordCommand::Kind::kStop;
    c.time_sec = time;
    c.frame = t;
    c.chord_id = sounding_;
    c.pitches = voicing(sounding_);
    commands_.push_back(std::move(c));
    sounding_ = -1;
  }
  if (starts) {
    ChordCommand c;
    c.kind = ChordCommand::Kind::kStart;
    c.time_sec = time;
    c.frame = t;
    c.chord_id = chord;
    c.pitches = voicing(chord);
    commands_.push_back(std::move(c));
    sounding_ = chord;
  }
}

std::vector<int> JamScheduler::chord_stream() const {
  const Frame n = std::max(static_cast<Frame>(locked_.size()), static_cast<Frame>(plan_.size()));
  std::vector<int> out(static_cast<size_t>(n), kTokSilence);
  for (Frame t = 0; t < n; ++t) {
    // The silence period keeps the agent's own (warm-start) chords; after it, what was locked.
    const bool use_locked = t < static_cast<Frame>(locked_.size()) &&
                            !(t < config_.silence_frames && t < static_cast<Frame>(plan_.size()));
    out[static_cast<size_t>(t)] = use_locked ? locked_[static_cast<size_t>(t)] : plan_[static_cast<size_t>(t)];
  }
  // Mixing sources can leave a hold after a different chord: make it an onset.
  const TokenLayout lay{n_chords_};
  for (Frame t = 0; t < n; ++t) {
    const int32_t tok = out[static_cast<size_t>(t)];
    if (lay.kind(tok) != TokenKind::kChordHold) continue;
    const int32_t prev = t > 0 ? out[static_cast<size_t>(t - 1)] : kTokSilence;
    const TokenKind pk = lay.kind(prev);
    if (!((pk == TokenKind::kChordOn || pk == TokenKind::kChordHold) &&
          lay.chord_of(prev) == lay.chord_of(tok)))
      out[static_cast<size_t>(t)] = lay.to_onset(tok);
  }
  return out;
}

std::vector<ScheduledChord> JamScheduler::chords_between(Frame from, Frame to) const {
  // The chord events of the stream (as chord_events_from_tokens: a hold of the chord before it
  // continues it, any other chord token starts one, anything else is a gap), clipped to the end
  // of the silence period.
  std::vector<ScheduledChord> out;
  const Frame n_locked = static_cast<Frame>(locked_.size());
  const TokenLayout lay{n_chords_};
  const std::vector<int> stream = chord_stream();
  auto emit = [&](ScheduledChord c) {
    c.on = std::max<Frame>(c.on, config_.silence_frames);
    if (c.off <= c.on || c.off <= from || c.on >= to) return;
    c.name = chord_name(c.chord_id);
    c.pitches = voicing(c.chord_id);
    c.committed = c.on < n_locked;
    out.push_back(std::move(c));
  };
  ScheduledChord cur;
  bool open = false;
  for (Frame t = 0; t < static_cast<Frame>(stream.size()); ++t) {
    const int32_t tok = stream[static_cast<size_t>(t)];
    const TokenKind k = lay.kind(tok);
    const int id = lay.chord_of(tok);
    if (open && k == TokenKind::kChordHold && id == cur.chord_id) {
      cur.off = t + 1;
      continue;
    }
    if (open) emit(cur);
    open = (k == TokenKind::kChordOn || k == TokenKind::kChordHold) && id >= 0;
    if (open) cur = ScheduledChord{t, t + 1, id, {}, {}, false};
  }
  if (open) emit(cur);
  return out;
}

}  // namespace jam
