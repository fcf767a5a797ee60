#include "jam/session_recorder.h"

#include <algorithm>
#include <cmath>

#include "jam/midi_file.h"
#include "jam/tempo.h"

namespace jam {

namespace {
constexpr double kEpsSec = 1e-6;   // two audio-clock times this close are the same instant
}  // namespace

void SessionRecorder::begin(const SessionSettings& settings, std::string id) {
  settings_ = settings;
  id_ = std::move(id);
  recording_ = true;
  origin_.reset();
  end_time_ = 0.0;
  notes_.clear();
  chords_.clear();
  chord_tokens_.clear();
}

void SessionRecorder::set_origin(double origin_sec) { origin_ = origin_sec; }

Frame SessionRecorder::frame_of(double time_sec) const {
  const TempoMap tempo{settings_.tempo_bpm > 0 ? settings_.tempo_bpm : 120.0,
                       settings_.beats_per_bar};
  return tempo.seconds_to_nearest_frame(time_sec - origin_.value_or(0.0));
}

void SessionRecorder::note_on(int pitch, int velocity, double time_sec) {
  if (!recording_ || pitch < 0 || pitch > 127) return;
  // A second note-on of a held pitch ends the first one (keys are balanced upstream anyway).
  note_off(pitch, time_sec);
  notes_.push_back({pitch, std::clamp(velocity, 1, 127), time_sec, -1.0});
}

void SessionRecorder::note_off(int pitch, double time_sec) {
  if (!recording_) return;
  for (RawNote& n : notes_) {
    if (n.pitch == pitch && n.off_time < 0) n.off_time = std::max(time_sec, n.on_time);
  }
}

void SessionRecorder::chord(const ChordCommand& c) {
  if (!recording_) return;
  auto close_sounding = [this](Frame frame, double time) {
    for (RawChord& ch : chords_) {
      if (ch.off >= 0) continue;
      ch.off = std::max(frame, ch.on + 1);
      ch.off_time = std::max(time, ch.on_time);
    }
  };
  switch (c.kind) {
    case ChordCommand::Kind::kStart:
      close_sounding(c.frame, c.time_sec);
      if (!c.pitches.empty()) chords_.push_back({c.frame, -1, c.time_sec, -1.0, c.pitches});
      break;
    case ChordCommand::Kind::kStop:
      close_sounding(c.frame, c.time_sec);
      break;
    case ChordCommand::Kind::kStopAll: {
      const double t = c.time_sec;
      // Chords scheduled to start at or after the stop never sound.
      std::erase_if(chords_, [t](const RawChord& ch) { return ch.on_time >= t - kEpsSec; });
      for (RawChord& ch : chords_) {
        if (ch.off >= 0 && ch.off_time <= t + kEpsSec) continue;
        // Sounding at t (or stopped later by a command the stop-all cancelled): ends at t.
        ch.off_time = t;
        ch.off = origin_ ? std::max(frame_of(t), ch.on + 1) : ch.on + 1;
      }
      break;
    }
  }
}

void SessionRecorder::end(double time_sec, std::vector<int> chord_tokens) {
  if (!recording_) return;
  recording_ = false;
  end_time_ = time_sec;
  chord_tokens_ = std::move(chord_tokens);
}

Session SessionRecorder::session(double now_sec) const {
  Session s;
  s.id = id_;
  s.settings = settings_;
  if (!origin_) return s;
  const double origin = *origin_;
  const double end = recording_ ? now_sec : end_time_;

  for (const RawNote& n : notes_) {
    const double off_time = n.off_time >= 0 ? n.off_time : std::max(end, n.on_time);
    SessionNote note;
    note.pitch = n.pitch;
    note.velocity = n.velocity;
    note.on_sec = n.on_time - origin;
    note.off_sec = off_time - origin;
    note.on = std::max<Frame>(0, frame_of(n.on_time));
    note.off = std::max<Frame>(note.on + 1, frame_of(off_time));
    s.notes.push_back(note);
  }
  std::stable_sort(s.notes.begin(), s.notes.end(),
                   [](const SessionNote& a, const SessionNote& b) { return a.on_sec < b.on_sec; });

  for (const RawChord& ch : chords_) {
    Frame off = ch.off;
    if (off < 0) {  // still sounding: ends at `end`, unless it starts later (then it never sounded)
      if (ch.on_time >= end - kEpsSec) continue;
      off = std::max(frame_of(end), ch.on + 1);
    }
    if (off <= ch.on || ch.on < 0) continue;
    s.chords.push_back(chord_from_pitches(ch.on, off, ch.pitches));
  }
  std::stable_sort(s.chords.begin(), s.chords.end(),
                   [](const ChordEvent& a, const ChordEvent& b) { return a.on < b.on; });
  // Chords never overlap in the corpus form: an onset ends its predecessor.
  for (size_t i = 1; i < s.chords.size(); ++i) {
    s.chords[i - 1].off = std::min(s.chords[i - 1].off, s.chords[i].on);
  }
  std::erase_if(s.chords, [](const ChordEvent& c) { return c.off <= c.on; });

  Frame n = std::max<Frame>(0, frame_of(end));
  for (const SessionNote& note : s.notes) n = std::max(n, note.off);
  for (const ChordEvent& c : s.chords) n = std::max(n, c.off);
  s.n_frames = n;
  s.chord_tokens = chord_tokens_;
  if (s.chord_tokens.size() > static_cast<size_t>(n)) s.chord_tokens.resize(static_cast<size_t>(n));
  return s;
}

}  // namespace jam
