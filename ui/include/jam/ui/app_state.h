// app_state.h — what the screen shows: transport, tempo, status and which piano keys are lit.
//
// Plain data owned by the host (the wasm App, or a native test). The host advances time
// (`beat_position`), the UI reads it and edits only what the user changes (transport, tempo,
// octave, lit keys through NoteInput).
//
//   jam::AppState s;            // idle, 120 BPM, 4/4, nothing lit
//   s.lit[60] = jam::NoteSource::user;
//
// Single-threaded: touched only by the thread that draws.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace jam {

// Who is sounding a key; decides its colour (user = orange, agent = blue).
enum class NoteSource : uint8_t { none, user, agent };

struct AppState {
  bool running = false;          // transport: Start/Stop
  double tempo_bpm = 120.0;
  int beats_per_bar = 4;
  double beat_position = 0.0;    // beats since Start; advanced by the host while running
  std::string status = "idle";   // one short line shown in the control bar
  int keyboard_octave = 4;       // octave of the computer keyboard's 'A' key (4 → C4 = 60)
  int notes_played = 0;          // user note-ons since the page loaded
  std::array<NoteSource, 128> lit{};  // per MIDI pitch
};

}  // namespace jam
