#include "jam/ui/jam_controller.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace jam {

namespace {
constexpr float kChordVelocity = 0.62f;
constexpr double kClickAheadSec = 0.3;    // metronome clicks are scheduled this far ahead
constexpr double kClickLateSec = 0.03;    // a click later than this is skipped, not played late
constexpr double kHistoryBeats = 2.0;     // chords kept on screen below the "now" line
// Frames are locked (and their chords scheduled) this far ahead of the clock: more than a UI
// frame even when the browser renders slowly, so no chord is ever scheduled late.
constexpr double kLockAheadSec = 0.25;
constexpr double kLateToleranceSec = 0.02;  // a chord start later than this is dropped
constexpr double kCountInLeadSec = 0.15;    // Start → the count-in's first click
}  // namespace

JamController::JamController(AppState& state, AudioOut& audio, Agent& agent)
    : state_(state), audio_(audio), agent_(agent) {}

bool JamController::active() const {
  if (!scheduler_) return false;
  const SessionState s = scheduler_->state();
  return s == SessionState::kArmed || s == SessionState::kListening || s == SessionState::kJamming;
}

bool JamController::start(double now_sec, uint64_t seed) {
  if (active()) stop(now_sec);
  const JamSettings& st = state_.settings;
  const ModelOption* model = state_.model();
  if (model == nullptr || model->n_chords <= 0) {
    state_.message = state_.models_loaded ? "The server offers no online model."
                                          : "Waiting for the server's model list.";
    return false;
  }
  SchedulerConfig cfg;
  cfg.tempo = {st.tempo_bpm, st.beats_per_bar};
  cfg.silence_frames = st.silence_beats * kFramesPerBeat;
  cfg.lookahead_frames = st.lookahead_beats * kFramesPerBeat;
  cfg.commit_frames = std::min(st.commit_beats, st.lookahead_beats) * kFramesPerBeat;
  cfg.temperature = st.temperature;
  cfg.model = model->id;
  cfg.seed = seed;
  cfg.lock_ahead_sec = kLockAheadSec;
  scheduler_ = std::make_unique<JamScheduler>(model->n_chords, cfg);
  scheduler_->start();
  if (st.count_in) {
    count_in_.begin(now_sec + kCountInLeadSec, 60.0 / st.tempo_bpm, st.beats_per_bar);
    schedule_count_in(now_sec);   // the first click now, so a slow frame cannot make it late
  } else {
    count_in_.cancel();
  }
  ++session_;
  key_timeline_.clear();
  state_.agent_lit.fill(false);
  next_click_beat_ = 0;
  stopped_beat_ = 0;
  state_.message.clear();
  apply_audio_settings();
  update_view(now_sec);
  return true;
}

void JamController::stop(double now_sec) {
  if (!scheduler_ || !active()) return;
  count_in_.cancel();
  const bool clock_started = scheduler_->current_frame() >= 0;
  stopped_beat_ = clock_started
                      ? scheduler_->config().tempo.seconds_to_beats(now_sec - scheduler_->session_start_sec())
                      : 0.0;
  scheduler_->stop(now_sec);
  ++session_;  // replies still in flight belong to the old session
  pump_commands(now_sec);
  update_view(now_sec);
}

void JamController::note(int pitch, int velocity, bool on, double now_sec) {
  if (!active()) return;
  if (count_in_.active()) {  // a note just before the downbeat counts as on it, earlier ones not
    if (now_sec < count_in_.downbeat_sec() - 0.5 * scheduler_->config().tempo.seconds_per_frame()) return;
    scheduler_->start_clock(count_in_.downbeat_sec());
    count_in_.cancel();
  }
  if (on) {
    scheduler_->note_on(pitch, velocity, now_sec);
  } else {
    scheduler_->note_off(pitch, now_sec);
  }
}

void JamController::apply_audio_settings() {
  const JamSettings& st = state_.settings;
  audio_.set_instrument(AudioPart::kMelody, st.melody_instrument);
  audio_.set_instrument(AudioPart::kChords, st.chord_instrument);
  audio_.set_volume(AudioPart::kMelody, static_cast<float>(st.melody_volume));
  audio_.set_volume(AudioPart::kChords, static_cast<float>(st.chord_volume));
  audio_.set_volume(AudioPart::kMetronome, static_cast<float>(st.metronome_volume));
}

void JamController::update(double now_sec) {
  if (active()) {
    if (count_in_.active()) {
      schedule_count_in(now_sec);
      if (now_sec >= count_in_.downbeat_sec()) {
        scheduler_->start_clock(count_in_.downbeat_sec());
        count_in_.cancel();
      }
    }
    scheduler_->advance(now_sec);
    if (auto request = scheduler_->take_request()) {
      char id[40];
      std::snprintf(id, sizeof id, "tab-%08x-%llu",
                    static_cast<unsigned>(scheduler_->config().seed & 0xffffffffu),
                    static_cast<unsigned long long>(session_));
      request->session = id;
      request->chord_rate = state_.settings.chord_rate;   // the chord controls act at once
      request->colour = state_.settings.colour;
      ++requests_sent_;
      const uint64_t session = session_;
      agent_.send(*request, [this, session, now_sec](Result<PlanResponse> r) {
        on_reply(session, now_sec, std::move(r));
      });
    }
    pump_commands(now_sec);
    schedule_metronome(now_sec);
  }
  update_agent_keys(now_sec);
  update_view(now_sec);
}

void JamController::on_reply(uint64_t session, double sent_at, Result<PlanResponse> reply) {
  if (session != session_ || !scheduler_) return;  // an older session's reply
  last_round_trip_ = std::max(0.0, audio_.now() - sent_at);
  if (!reply) {
    ++replies_failed_;
    scheduler_->on_request_failed();
    state_.message = "agent: " + reply.error();
    return;
  }
  // Bring the lock point up to the clock first: frames already due rest rather than sound late.
  const double now = audio_.now();
  scheduler_->advance(now);
  if (scheduler_->on_response(*reply)) ++responses_applied_;
  if (!state_.message.empty() && state_.message.rfind("agent: ", 0) == 0) state_.message.clear();
  pump_commands(now);  // the commit period is locked at once: schedule it now, not next frame
}

void JamController::pump_commands(double now_sec) {
  if (!scheduler_) return;
  for (ChordCommand& c : scheduler_->take_commands()) {
    // A chord whose onset is already past (the page stalled longer than the lock-ahead) is
    // dropped rather than played late: never a burst of late chords.
    if (c.kind == ChordCommand::Kind::kStart && c.time_sec < now_sec - kLateToleranceSec) {
      ++late_dropped_;
      continue;
    }
    switch (c.kind) {
      case ChordCommand::Kind::kStart:
        audio_.chord_start(c.time_sec, c.pitches, kChordVelocity);
        break;
      case ChordCommand::Kind::kStop:
        audio_.chord_stop(c.time_sec);
        break;
      case ChordCommand::Kind::kStopAll:
        audio_.chord_stop_all(c.time_sec);
        break;
    }
    if (on_command_) on_command_(c, now_sec);
    key_timeline_.push_back(std::move(c));
  }
}

void JamController::schedule_count_in(double now_sec) {
  // A beat ahead (at least kClickAheadSec): the count-in's clicks survive frames of up to a beat;
  // a Stop during it lets at most the next click sound.
  const double ahead = std::max(kClickAheadSec, 60.0 / state_.settings.tempo_bpm);
  for (const CountInClick& k : count_in_.take_clicks(now_sec + ahead)) {
    if (k.time_sec >= now_sec - kClickLateSec) audio_.click(k.time_sec, k.accent);
  }
}

void JamController::schedule_metronome(double now_sec) {
  if (!scheduler_ || scheduler_->current_frame() < 0) return;
  const TempoMap& tempo = scheduler_->config().tempo;
  const int bpb = std::max(1, tempo.beats_per_bar);
  for (;;) {
    const double t = scheduler_->frame_time(static_cast<Frame>(next_click_beat_ * kFramesPerBeat));
    if (t >= now_sec + kClickAheadSec) break;
    if (state_.settings.metronome && t >= now_sec - kClickLateSec) {
      audio_.click(t, next_click_beat_ % bpb == 0);
    }
    ++next_click_beat_;
  }
}

void JamController::update_agent_keys(double now_sec) {
  while (!key_timeline_.empty() && key_timeline_.front().time_sec <= now_sec) {
    const ChordCommand& c = key_timeline_.front();
    if (c.kind == ChordCommand::Kind::kStart) {
      for (int p : c.pitches)
        if (p >= 0 && p < 128) state_.agent_lit[static_cast<size_t>(p)] = true;
    } else {
      state_.agent_lit.fill(false);
      if (c.kind == ChordCommand::Kind::kStopAll) {
        key_timeline_.clear();  // everything scheduled after it was cancelled
        break;
      }
    }
    key_timeline_.pop_front();
  }
}

void JamController::update_view(double now_sec) {
  AppState& s = state_;
  if (!scheduler_) {
    s.running = false;
    s.session_state = "idle";
    s.status = "idle";
    s.beat_position = 0;
    s.silence_beats_left = 0;
    s.server_slow = false;
    s.chords.clear();
    return;
  }
  const JamScheduler& sc = *scheduler_;
  const TempoMap& tempo = sc.config().tempo;
  s.running = active();
  s.session_state = session_state_name(sc.state());
  s.server_slow = sc.state() == SessionState::kJamming && sc.server_slow();
  const bool clock = sc.current_frame() >= 0;
  if (sc.state() == SessionState::kStopped) {
    s.beat_position = stopped_beat_;
  } else {
    s.beat_position = clock ? tempo.seconds_to_beats(now_sec - sc.session_start_sec()) : 0.0;
  }
  s.silence_beats_left = sc.silence_beats_left(now_sec);
  if (sc.state() == SessionState::kListening) {
    char line[48];
    std::snprintf(line, sizeof line, "listening... %d beat%s",
                  static_cast<int>(std::ceil(s.silence_beats_left - 1e-9)),
                  std::ceil(s.silence_beats_left - 1e-9) == 1 ? "" : "s");
    s.status = line;
  } else if (count_in_.active()) {
    char line[32];
    std::snprintf(line, sizeof line, "count-in... %d",
                  static_cast<int>(std::ceil(count_in_.beats_left(now_sec) - 1e-9)));
    s.session_state = "count-in";
    s.status = line;
  } else if (sc.state() == SessionState::kArmed) {
    s.status = "armed: play a note";
  } else {
    s.status = s.session_state;
  }

  s.chords.clear();
  if (!clock) return;
  const Frame now_frame = static_cast<Frame>(std::floor(TempoMap::beats_to_frames(s.beat_position)));
  const Frame from = now_frame - static_cast<Frame>(TempoMap::beats_to_frames(kHistoryBeats));
  const Frame to = now_frame + sc.config().lookahead_frames + kFramesPerBeat;
  const bool stopped = sc.state() == SessionState::kStopped;
  for (const ScheduledChord& c : sc.chords_between(from, to)) {
    if (!c.committed && !s.settings.show_incoming) continue;
    ChordBlock b{TempoMap::frames_to_beats(c.on), TempoMap::frames_to_beats(c.off), c.name,
                 c.pitches, c.committed};
    if (stopped) {  // nothing sounds after Stop
      if (b.on_beat >= stopped_beat_) continue;
      b.off_beat = std::min(b.off_beat, stopped_beat_);
    }
    s.chords.push_back(std::move(b));
  }
}

}  // namespace jam
