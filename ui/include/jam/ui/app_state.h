// app_state.h — what the screen shows: settings, session, connection, MIDI and which keys are lit.
//
// Plain data owned by the host (the wasm App, or a native test). The host and the JamController
// fill it each frame; the UI reads it and edits only what the user changes (settings, transport
// requests, keyboard octave, lit keys through NoteInput).
//
//   jam::AppState s;                              // idle, ReaLJam's default settings
//   s.lit[60] = jam::NoteSource::user;            // the user holds C4 (orange)
//   s.agent_lit[64] = true;                       // the agent's chord sounds E4 (blue)
//
// Single-threaded: touched only by the thread that draws.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "jam/ui/settings.h"

namespace jam {

// Who is sounding a key; decides its colour (user = orange, agent = blue).
enum class NoteSource : uint8_t { none, user, agent };

// A chord of the agent's plan as the waterfall draws it, in beats since the session started.
struct ChordBlock {
  double on_beat = 0, off_beat = 0;
  std::string name;
  std::vector<int> pitches;
  bool committed = false;   // final (opaque); otherwise it may still change (translucent)
};

// An online model the agent can use (GET /v1/models).
struct ModelOption {
  std::string id;
  std::string description;
  int n_chords = 0;          // N of its vocabulary (vocab_size = 260 + 2N)
};

struct MidiDevice {
  std::string id, name;
};

enum class Connection { kOffline, kConnecting, kOnline };

// Where a control was drawn last frame (pixels), for tests that click it.
struct NamedRect {
  std::string name;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

struct AppState {
  JamSettings settings;
  bool settings_open = false;

  // Session (written by the JamController).
  bool running = false;          // a session is armed, listening or jamming
  std::string session_state = "idle";   // idle / armed / listening / jamming / stopped
  double beat_position = 0.0;    // beats since the session's first note (0 before it)
  double silence_beats_left = 0.0;
  bool server_slow = false;
  std::vector<ChordBlock> chords;       // what the waterfall shows
  std::string status = "idle";   // one short line shown in the control bar
  std::string message;           // a notice for the user ("" = none), e.g. an agent error

  // Agent connection and models (written by the host).
  Connection connection = Connection::kOffline;
  std::string connection_text = "offline";
  std::vector<ModelOption> models;
  bool models_loaded = false;

  // MIDI input (written by the host).
  bool midi_available = false;
  std::string midi_status = "MIDI: starting";
  std::vector<MidiDevice> midi_devices;

  std::vector<NamedRect> controls;   // rewritten by the control bar each frame

  // Keys.
  int keyboard_octave = 4;       // octave of the computer keyboard's 'A' key (4 → C4 = 60)
  int notes_played = 0;          // user note-ons since the page loaded
  std::array<NoteSource, 128> lit{};     // per MIDI pitch: held by the user
  std::array<bool, 128> agent_lit{};     // per MIDI pitch: sounding in the agent's chord

  // The colour a key shows: the user's own notes win over the agent's.
  NoteSource key_source(int pitch) const {
    if (lit[static_cast<size_t>(pitch)] == NoteSource::user) return NoteSource::user;
    return agent_lit[static_cast<size_t>(pitch)] ? NoteSource::agent : NoteSource::none;
  }
  // The selected model, or nullptr when none is available.
  const ModelOption* model() const {
    for (const ModelOption& m : models)
      if (m.id == settings.model) return &m;
    return models.empty() ? nullptr : &models.front();
  }
};

}  // namespace jam
