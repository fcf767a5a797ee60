// session_panel.h — the "keep the music" strip over the waterfall's top-left corner: download the
// last session as MIDI or JSON, load a session back (replay), harmonize a MIDI file or the last
// melody with the Offline model (play / download the result), and the Web MIDI output.
//
//   jam::SessionPanelState panel;                  // the host fills what it knows
//   auto a = jam::session_panel(waterfall_area, panel, state, scale);   // after Screen::draw
//   if (a.download_midi) host.download_midi();
//
// Reports clicks; changes only the panel's own choices (MIDI output id, "send my notes").
// Each button's rectangle is appended to state.controls (names in SessionPanelActions'
// comments) so tests can click them. Draws in its own ImGui window (call between NewFrame and
// Render). Single-threaded (the drawing thread).
#pragma once

#include <string>
#include <vector>

#include "jam/ui/app_state.h"
#include "jam/ui/piano_layout.h"

namespace jam {

struct SessionPanelState {
  bool open = false;               // the strip is expanded
  bool has_recording = false;      // a session was recorded (or loaded)
  std::string recording_text;      // e.g. "24 notes, 9 chords"
  bool has_harmonization = false;
  std::string harmonization_text;  // e.g. "32 bars, 41 chords"
  bool replaying = false;
  bool busy = false;               // a harmonization is running
  std::string notice;              // last result or error, "" = none
  // Web MIDI output.
  bool midi_out_available = false;
  std::string midi_out_status = "MIDI out: starting";
  std::vector<MidiDevice> midi_outputs;
  std::string midi_output;         // chosen output id ("" = none)
  bool midi_out_user_notes = false;   // also send the user's notes (channel 1)
};

struct SessionPanelActions {
  bool download_midi = false;        // "session-midi"
  bool download_session = false;     // "session-json"
  bool load_session = false;         // "session-load"
  bool harmonize_file = false;       // "harmonize-file"
  bool harmonize_last = false;       // "harmonize-last"
  bool play_harmonization = false;   // "harmonize-play"
  bool download_harmonization = false;   // "harmonize-midi"
  bool stop_replay = false;          // "replay-stop"
  bool midi_output_changed = false;  // "midi-out" (combo) or "midi-out-notes" (checkbox)
};

SessionPanelActions session_panel(const Rect& area, SessionPanelState& panel, AppState& state,
                                  float scale);

}  // namespace jam
