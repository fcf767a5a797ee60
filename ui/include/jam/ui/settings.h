// settings.h — the jam settings the user edits (ReaLJam's defaults and ranges) and their JSON
// form, which the browser keeps in localStorage.
//
//   jam::JamSettings s = jam::settings_from_json(stored);   // defaults for anything missing
//   s.tempo_bpm = 100;
//   store(jam::settings_to_json(jam::clamped(s)));
//
// Tempo, meter and silence period lock while a session runs (the UI disables them); everything
// else applies at once or at the next Start. Plain values; thread-safe.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace jam {

enum class AgentLocation { kServer, kTab };

// Instrument ids understood by the page's synth (web_shell/audio.js), in menu order.
inline constexpr std::array<const char*, 4> kInstrumentIds = {"piano", "epiano", "pad", "strings"};
inline constexpr std::array<const char*, 4> kInstrumentNames = {"Piano", "Electric piano",
                                                                "Warm pad", "Strings"};

struct JamSettings {
  double tempo_bpm = 80.0;        // 30..240
  int beats_per_bar = 4;          // 2..7
  int silence_beats = 8;          // 0..16: the agent listens this long before it plays
  int lookahead_beats = 4;        // 1..8: how far ahead the agent plans
  int commit_beats = 4;           // 0..lookahead_beats: how much of a plan becomes final at once
  bool show_incoming = true;      // draw planned (uncommitted) chords too
  std::string model;              // online model id from GET /v1/models ("" = first one)
  double temperature = 1.0;       // 0..2
  bool metronome = true;
  std::string melody_instrument = "piano";
  std::string chord_instrument = "epiano";
  AgentLocation agent = AgentLocation::kServer;
  double melody_volume = 0.8;     // 0..1 per part
  double chord_volume = 0.6;
  double metronome_volume = 0.5;
  std::string midi_input;         // MIDI input id ("" = every input)
  // Practice aids and chord controls (beyond ReaLJam, issue 9).
  bool highlight_chords = false;  // tint the piano keys of the current and the next chord
  bool count_in = false;          // one bar of clicks before the session clock starts
  double chord_rate = 0.0;        // -1..1: sparser <-> busier chord changes (sampler_controls.h)
  double colour = 0.5;            // 0..1: triads only <-> extended chords
};

inline constexpr double kMinTempoBpm = 30.0;
inline constexpr double kMaxTempoBpm = 240.0;
inline constexpr int kMinBeatsPerBar = 2;
inline constexpr int kMaxBeatsPerBar = 7;
inline constexpr int kMaxSilenceBeats = 16;
inline constexpr int kMinLookaheadBeats = 1;
inline constexpr int kMaxLookaheadBeats = 8;
inline constexpr double kMaxTemperature = 2.0;
inline constexpr double kMinChordRate = -1.0;
inline constexpr double kMaxChordRate = 1.0;

// Every field forced into its range (commit <= lookahead; unknown instruments → defaults).
JamSettings clamped(JamSettings s);

bool is_instrument(std::string_view id);

std::string settings_to_json(const JamSettings& s);
// Never fails: malformed text gives the defaults, bad fields their default, values are clamped.
JamSettings settings_from_json(std::string_view json);

}  // namespace jam
