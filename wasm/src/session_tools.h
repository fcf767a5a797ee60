// session_tools.h — "keep the music" in the browser app (issue 9): records every jam
// (SessionRecorder), downloads it as MIDI / session JSON, loads a session JSON back and replays it
// (SessionPlayer), harmonizes a MIDI file or the last melody on the server's Offline model, and
// mirrors chords (and optionally the user's notes) to a Web MIDI output.
//
//   jam::SessionTools tools(state, audio, jam);
//   tools.init();
//   tools.note(pitch, velocity, on, now);     // every user note (after JamController::note)
//   tools.command(c);                          // every live chord command (the jam's observer)
//   tools.jam_started(now);  tools.jam_stopped(now);
//   tools.update(now);                         // each frame, after JamController::update
//   tools.draw(waterfall_area, scale);         // each frame, after Screen::draw
//
// Test hook: window.jam.tools() = {recording, notes, chords, replaying, replayCommands:
// [{kind, time, frame, pitches}], replayOrigin, harmonization: {frames, chords: [{on, off, name,
// pitches}], serverMs} | null, notice, busy, midiOut: {available, status, devices, selected,
// userNotes}}. Main thread only; lives as long as the App.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "files.h"
#include "harmonize_client.h"
#include "jam/scheduler.h"
#include "jam/session_json.h"
#include "jam/session_recorder.h"
#include "jam/ui/app_state.h"
#include "jam/ui/audio_out.h"
#include "jam/ui/jam_controller.h"
#include "jam/ui/piano_layout.h"
#include "jam/ui/session_panel.h"
#include "jam/ui/session_player.h"
#include "midi_output.h"

namespace jam {

class SessionTools {
 public:
  SessionTools(AppState& state, AudioOut& audio, JamController& jam);
  void init();

  void note(int pitch, int velocity, bool on, double now_sec);
  void command(const ChordCommand& c);
  void jam_started(double now_sec);
  void jam_stopped(double now_sec);
  bool replaying() const { return player_.playing(); }
  void stop_replay(double now_sec) { player_.stop(now_sec); }

  void update(double now_sec);
  void draw(const Rect& waterfall_area, float scale);

  void load_session_text(const std::string& text);   // also window.jam.loadSession(text)

 private:
  std::optional<Session> last_session(double now_sec) const;
  void download_midi(const Song& song, const std::string& name);
  void harmonize(Song melody);
  void publish();

  AppState& state_;
  AudioOut& audio_;
  JamController& jam_;
  SessionRecorder recorder_;
  SessionPlayer player_;
  SessionPanelState panel_;
  FilePicker picker_;
  MidiOutput midi_out_;
  HarmonizeClient harmonizer_;
  std::optional<Session> loaded_;        // the last session loaded from a file
  bool loaded_is_last_ = false;          // true when the loaded session is newer than the recording
  std::optional<Song> harmonization_;
  std::vector<ChordCommand> replay_commands_;   // of the current/last replay (test hook)
  uint64_t version_ = 0;                 // bumped whenever the published view may change
  uint64_t published_version_ = ~uint64_t{0};
  std::string published_;
};

}  // namespace jam
