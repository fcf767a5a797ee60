#include "jam/ui/session_player.h"

#include <algorithm>
#include <cmath>

#include "jam/chord_vocab.h"

namespace jam {

namespace {
constexpr float kChordVelocity = 0.62f;   // as the live jam
constexpr double kHistoryBeats = 2.0;
}  // namespace

std::vector<int> chord_voicing(const ChordEvent& c) {
  std::vector<int> p = {48 + chord_bass_pc(c.root_pc, c.intervals, c.inversion)};
  const uint16_t mask = chord_pc_mask(c.root_pc, c.intervals);
  for (int pc = 0; pc < 12; ++pc)
    if (mask >> pc & 1) p.push_back(60 + pc);
  return p;
}

namespace {
void add_chords(Take& t, const std::vector<ChordEvent>& chords) {
  for (const ChordEvent& c : chords) {
    if (c.off <= c.on) continue;
    t.chords.push_back({c.on, c.off, chord_name(c.root_pc, c.intervals, c.inversion), chord_voicing(c)});
  }
  std::sort(t.chords.begin(), t.chords.end(),
            [](const Take::TakeChord& a, const Take::TakeChord& b) { return a.on < b.on; });
}
}  // namespace

Take take_from_session(const Session& s) {
  Take t;
  t.title = s.id;
  t.tempo = {s.settings.tempo_bpm > 0 ? s.settings.tempo_bpm : 120.0, s.settings.beats_per_bar};
  t.n_frames = s.n_frames;
  for (const SessionNote& n : s.notes) {
    t.notes.push_back({n.on_sec, std::max(n.off_sec, n.on_sec), n.pitch, n.velocity});
  }
  add_chords(t, s.chords);
  for (const Take::TakeChord& c : t.chords) t.n_frames = std::max(t.n_frames, c.off);
  return t;
}

Take take_from_song(const Song& song) {
  Take t;
  t.title = song.id;
  t.tempo = {song.tempo_bpm > 0 ? song.tempo_bpm : 120.0, song.beats_per_bar};
  t.n_frames = song.n_frames;
  for (const Note& n : song.melody) {
    t.notes.push_back({t.tempo.frames_to_seconds(n.on), t.tempo.frames_to_seconds(n.off), n.pitch,
                       n.velocity});
  }
  add_chords(t, song.chords);
  for (const Take::TakeChord& c : t.chords) t.n_frames = std::max(t.n_frames, c.off);
  return t;
}

SessionPlayer::SessionPlayer(AppState& state, AudioOut& audio) : state_(state), audio_(audio) {}

void SessionPlayer::play(Take take, double now_sec) {
  if (playing_) stop(now_sec);
  take_ = std::move(take);
  t0_ = now_sec + kLeadInSec;
  next_chord_ = 0;
  next_note_ = 0;
  sounding_.clear();
  key_timeline_.clear();
  note_order_.resize(take_.notes.size());
  for (size_t i = 0; i < note_order_.size(); ++i) note_order_[i] = i;
  std::stable_sort(note_order_.begin(), note_order_.end(), [this](size_t a, size_t b) {
    return take_.notes[a].on_sec < take_.notes[b].on_sec;
  });
  playing_ = true;
  update(now_sec);
}

void SessionPlayer::send(const ChordCommand& c) {
  switch (c.kind) {
    case ChordCommand::Kind::kStart: audio_.chord_start(c.time_sec, c.pitches, kChordVelocity); break;
    case ChordCommand::Kind::kStop: audio_.chord_stop(c.time_sec); break;
    case ChordCommand::Kind::kStopAll: audio_.chord_stop_all(c.time_sec); break;
  }
  if (on_command_) on_command_(c);
  if (c.kind == ChordCommand::Kind::kStart) {
    key_timeline_.push_back({c.time_sec, c.pitches});
  } else {
    key_timeline_.push_back({c.time_sec, {}});
  }
}

void SessionPlayer::release_notes(double now_sec) {
  for (size_t i : sounding_) {
    audio_.note_off(take_.notes[i].pitch);
    state_.lit[static_cast<size_t>(take_.notes[i].pitch)] = NoteSource::none;
    if (on_note_) on_note_(take_.notes[i].pitch, 0, false, now_sec);
  }
  sounding_.clear();
}

void SessionPlayer::stop(double now_sec) {
  if (!playing_) return;
  playing_ = false;
  release_notes(now_sec);
  ChordCommand all;
  all.kind = ChordCommand::Kind::kStopAll;
  all.time_sec = now_sec;
  all.frame = static_cast<Frame>(std::floor(take_.tempo.seconds_to_frames(now_sec - t0_)));
  send(all);
  key_timeline_.clear();
  state_.agent_lit.fill(false);
  state_.chords.clear();
  state_.session_state = "stopped";
  state_.status = "replay stopped";
}

void SessionPlayer::update(double now_sec) {
  if (!playing_) return;
  const TempoMap& tempo = take_.tempo;
  // Chords: schedule every chord starting within kAheadSec (stop the previous one first).
  while (next_chord_ < take_.chords.size()) {
    const Take::TakeChord& c = take_.chords[next_chord_];
    const double t = t0_ + tempo.frames_to_seconds(c.on);
    if (t > now_sec + kAheadSec) break;
    ChordCommand stop_prev;
    stop_prev.kind = ChordCommand::Kind::kStop;
    stop_prev.time_sec = t;
    stop_prev.frame = c.on;
    const bool joins = next_chord_ > 0 && take_.chords[next_chord_ - 1].off >= c.on;
    if (joins) send(stop_prev);
    ChordCommand start;
    start.kind = ChordCommand::Kind::kStart;
    start.time_sec = t;
    start.frame = c.on;
    start.pitches = c.pitches;
    send(start);
    // A gap after this chord: stop it at its own end.
    const bool gap_after = next_chord_ + 1 >= take_.chords.size() ||
                           take_.chords[next_chord_ + 1].on > c.off;
    if (gap_after) {
      ChordCommand end;
      end.kind = ChordCommand::Kind::kStop;
      end.time_sec = t0_ + tempo.frames_to_seconds(c.off);
      end.frame = c.off;
      send(end);
    }
    ++next_chord_;
  }
  // Melody: on and off at the first UI frame at or after their time.
  for (auto it = sounding_.begin(); it != sounding_.end();) {
    const Take::TakeNote& n = take_.notes[*it];
    if (t0_ + n.off_sec <= now_sec) {
      audio_.note_off(n.pitch);
      state_.lit[static_cast<size_t>(n.pitch)] = NoteSource::none;
      if (on_note_) on_note_(n.pitch, 0, false, now_sec);
      it = sounding_.erase(it);
    } else {
      ++it;
    }
  }
  while (next_note_ < note_order_.size()) {
    const size_t i = note_order_[next_note_];
    const Take::TakeNote& n = take_.notes[i];
    if (t0_ + n.on_sec > now_sec) break;
    ++next_note_;
    if (t0_ + n.off_sec <= now_sec) continue;   // the page stalled past the whole note
    for (auto it = sounding_.begin(); it != sounding_.end(); ++it) {
      if (take_.notes[*it].pitch != n.pitch) continue;
      audio_.note_off(n.pitch);
      sounding_.erase(it);
      break;
    }
    audio_.note_on(n.pitch, static_cast<float>(std::clamp(n.velocity, 1, 127)) / 127.0f);
    state_.lit[static_cast<size_t>(n.pitch)] = NoteSource::user;
    if (on_note_) on_note_(n.pitch, n.velocity, true, now_sec);
    sounding_.push_back(i);
  }
  // Agent keys: the chord sounding now.
  while (!key_timeline_.empty() && key_timeline_.front().first <= now_sec) {
    state_.agent_lit.fill(false);
    for (int p : key_timeline_.front().second)
      if (p >= 0 && p < 128) state_.agent_lit[static_cast<size_t>(p)] = true;
    key_timeline_.erase(key_timeline_.begin());
  }

  // The view.
  const double beat = tempo.seconds_to_beats(now_sec - t0_);
  state_.running = false;
  state_.session_state = "replay";
  state_.beat_position = std::max(0.0, beat);
  state_.silence_beats_left = 0;
  state_.server_slow = false;
  state_.status = "replay: " + (take_.title.empty() ? std::string("session") : take_.title);
  state_.chords.clear();
  const double from = beat - kHistoryBeats;
  const double to = beat + state_.settings.lookahead_beats + 1;
  for (const Take::TakeChord& c : take_.chords) {
    const double on = TempoMap::frames_to_beats(c.on), off = TempoMap::frames_to_beats(c.off);
    if (off < from || on > to) continue;
    state_.chords.push_back({on, off, c.name, c.pitches, true});
  }
  if (now_sec >= t0_ + tempo.frames_to_seconds(take_.n_frames) + 0.05) {
    playing_ = false;
    release_notes(now_sec);
    state_.agent_lit.fill(false);
    state_.session_state = "stopped";
    state_.status = "replay done";
  }
}

}  // namespace jam
