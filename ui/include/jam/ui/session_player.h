// session_player.h — plays a recorded or harmonized piece back: the melody and the chords through
// the AudioOut, the chords falling in the waterfall and the keys lit on the piano.
//
//   jam::SessionPlayer player(state, audio);
//   player.play(jam::take_from_session(session), audio.now());   // a loaded session JSON
//   player.play(jam::take_from_song(harmonized_song), audio.now());
//   player.update(audio.now());    // every UI frame, AFTER JamController::update (it owns the view)
//   player.stop(audio.now());
//
// Timing: frame 0 sounds `kLeadInSec` after play(). Chords are scheduled on the audio clock
// `kAheadSec` ahead (chord_stop + chord_start at the same grid time, like the live scheduler, so
// the observer sees the same kind of ChordCommand stream); melody notes have no scheduled form in
// AudioOut, so they start/stop at the first UI frame at or after their time (one frame of
// jitter). Stop releases everything at once (chord_stop_all). While playing, the AppState shows
// session_state "replay", the position, and the chords around "now".
//
// Platform-free; single-threaded (the UI thread). The AppState and AudioOut outlive the player.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "jam/scheduler.h"
#include "jam/session_json.h"
#include "jam/song.h"
#include "jam/tempo.h"
#include "jam/ui/app_state.h"
#include "jam/ui/audio_out.h"

namespace jam {

// What the player plays: notes in seconds from frame 0, chords on the frame grid.
struct Take {
  std::string title;
  TempoMap tempo{120.0, 4};
  Frame n_frames = 0;
  struct TakeNote {
    double on_sec = 0, off_sec = 0;
    int pitch = 60, velocity = 100;
  };
  struct TakeChord {
    Frame on = 0, off = 0;
    std::string name;
    std::vector<int> pitches;   // bass in octave 3 + pitch classes in octave 4 (write_midi's)
  };
  std::vector<TakeNote> notes;
  std::vector<TakeChord> chords;
};

// The session's notes as played (seconds kept) and its chords.
Take take_from_session(const Session& session);
// A song's melody (frames → seconds at its tempo) and chords.
Take take_from_song(const Song& song);
// The voicing write_midi and the scheduler use for a corpus chord.
std::vector<int> chord_voicing(const ChordEvent& chord);

class SessionPlayer {
 public:
  static constexpr double kLeadInSec = 0.5;
  static constexpr double kAheadSec = 0.3;

  SessionPlayer(AppState& state, AudioOut& audio);

  void play(Take take, double now_sec);
  void stop(double now_sec);
  void update(double now_sec);
  bool playing() const { return playing_; }
  double origin_sec() const { return t0_; }   // audio time of frame 0 of the current take
  const Take& take() const { return take_; }

  // Every chord command sent to the audio (as JamController's observer), and melody notes.
  using CommandObserver = std::function<void(const ChordCommand&)>;
  using NoteObserver = std::function<void(int pitch, int velocity, bool on, double time_sec)>;
  void set_command_observer(CommandObserver f) { on_command_ = std::move(f); }
  void set_note_observer(NoteObserver f) { on_note_ = std::move(f); }

 private:
  void send(const ChordCommand& c);
  void release_notes(double now_sec);

  AppState& state_;
  AudioOut& audio_;
  Take take_;
  bool playing_ = false;
  double t0_ = 0;
  size_t next_chord_ = 0;                 // first chord not yet scheduled
  std::vector<size_t> note_order_;        // note indices by onset
  size_t next_note_ = 0;
  std::vector<int> sounding_;             // indices into take_.notes currently on
  std::vector<std::pair<double, std::vector<int>>> key_timeline_;  // (time, pitches) for agent keys
  CommandObserver on_command_;
  NoteObserver on_note_;
};

}  // namespace jam
