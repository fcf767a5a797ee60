// session_recorder.h — keeps a jam as it happens: the user's notes (pitch, velocity, exact times on
// the host's audio clock) and the chords that actually sounded (the scheduler's audio commands),
// and turns them into a Session (session_json.h) for download, MIDI export or replay.
//
//   jam::SessionRecorder rec;
//   rec.begin(settings, "jam-2026-11-22T03-30");     // Start: clears the last recording
//   rec.note_on(60, 100, t);  rec.note_off(60, t2);  // every user note while the session runs
//   rec.set_origin(scheduler.session_start_sec());   // once the clock runs (frame 0 = first note)
//   rec.chord(command);                              // every ChordCommand sent to the audio
//   rec.end(now, scheduler.chord_stream());           // Stop
//   jam::Session s = rec.session();                   // notes + chords + settings
//
// Contract.
// - Times are seconds on the host's audio clock; `origin` is the audio time of frame 0. A note's
//   on_sec/off_sec are its times minus the origin (unquantized); its frames follow
//   docs/session_format.md (on = nearest frame, off = nearest frame but at least on + 1).
// - Chords are what was sent to the audio, not what was planned: kStart opens a chord at its
//   frame with its voicing, kStop closes the sounding chord at its frame, kStopAll (time T, maybe
//   off the grid) closes the sounding chord at T and drops every chord scheduled to start at or
//   after T (the audio cancels those too). The corpus form of a chord (root, intervals, inversion)
//   is inferred from its voicing (midi_file.h: chord_from_pitches), so write_midi sounds the same
//   pitches that were heard.
// - Notes still held and a chord still sounding at end() (or at `now` for a snapshot) end there.
// - Events before begin() or after end() are ignored. Without an origin (no note started the
//   clock) the session has no notes and no chords.
//
// Platform-free; single-threaded (the thread that owns the jam).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jam/scheduler.h"
#include "jam/session_json.h"
#include "jam/song.h"

namespace jam {

class SessionRecorder {
 public:
  // Starts a new recording (drops the previous one).
  void begin(const SessionSettings& settings, std::string id = {});
  // Audio time of frame 0; may be set (again) at any time, conversion happens at session().
  void set_origin(double origin_sec);
  void note_on(int pitch, int velocity, double time_sec);
  void note_off(int pitch, double time_sec);
  void chord(const ChordCommand& command);
  // Stops recording at `time_sec`; `chord_tokens` (one per frame, may be longer) are kept for
  // frames [0, n_frames).
  void end(double time_sec, std::vector<int> chord_tokens = {});

  bool recording() const { return recording_; }
  bool has_origin() const { return origin_.has_value(); }
  bool empty() const { return notes_.empty() && chords_.empty(); }
  int note_count() const { return static_cast<int>(notes_.size()); }
  int chord_count() const { return static_cast<int>(chords_.size()); }

  // The recording as a session: after end(), as ended; while recording, as if it ended at
  // `now_sec`.
  Session session(double now_sec = 0.0) const;

 private:
  struct RawNote {
    int pitch = 60;
    int velocity = 100;
    double on_time = 0.0;   // audio clock
    double off_time = -1.0; // < 0 while held
  };
  Frame frame_of(double time_sec) const;   // nearest frame of an audio-clock time

  SessionSettings settings_;
  std::string id_;
  bool recording_ = false;
  std::optional<double> origin_;
  double end_time_ = 0.0;
  std::vector<RawNote> notes_;
  struct RawChord {
    Frame on = 0;
    Frame off = -1;         // exclusive; -1 while it sounds
    double on_time = 0.0;   // audio clock
    double off_time = -1.0;
    std::vector<int> pitches;
  };
  std::vector<RawChord> chords_;
  std::vector<int> chord_tokens_;
};

}  // namespace jam
