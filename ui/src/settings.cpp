#include "jam/ui/settings.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace jam {

namespace {

using Json = nlohmann::json;

template <class T>
void read(const Json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end()) return;
  if constexpr (std::is_same_v<T, bool>) {
    if (it->is_boolean()) out = it->get<bool>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (it->is_string()) out = it->get<std::string>();
  } else {
    if (!it->is_number()) return;
    const double v = it->get<double>();
    if (std::isfinite(v)) out = static_cast<T>(std::clamp(v, -1e9, 1e9));
  }
}

}  // namespace

bool is_instrument(std::string_view id) {
  return std::find(kInstrumentIds.begin(), kInstrumentIds.end(), id) != kInstrumentIds.end();
}

JamSettings clamped(JamSettings s) {
  const JamSettings d;
  if (!std::isfinite(s.tempo_bpm)) s.tempo_bpm = d.tempo_bpm;
  s.tempo_bpm = std::clamp(std::round(s.tempo_bpm), kMinTempoBpm, kMaxTempoBpm);
  s.beats_per_bar = std::clamp(s.beats_per_bar, kMinBeatsPerBar, kMaxBeatsPerBar);
  s.silence_beats = std::clamp(s.silence_beats, 0, kMaxSilenceBeats);
  s.lookahead_beats = std::clamp(s.lookahead_beats, kMinLookaheadBeats, kMaxLookaheadBeats);
  s.commit_beats = std::clamp(s.commit_beats, 0, s.lookahead_beats);
  if (!std::isfinite(s.temperature)) s.temperature = d.temperature;
  s.temperature = std::clamp(s.temperature, 0.0, kMaxTemperature);
  if (!is_instrument(s.melody_instrument)) s.melody_instrument = d.melody_instrument;
  if (!is_instrument(s.chord_instrument)) s.chord_instrument = d.chord_instrument;
  for (double* v : {&s.melody_volume, &s.chord_volume, &s.metronome_volume}) {
    *v = std::isfinite(*v) ? std::round(std::clamp(*v, 0.0, 1.0) * 100.0) / 100.0 : 0.5;
  }
  s.chord_rate = std::isfinite(s.chord_rate)
                     ? std::round(std::clamp(s.chord_rate, kMinChordRate, kMaxChordRate) * 100.0) / 100.0
                     : d.chord_rate;
  s.colour = std::isfinite(s.colour) ? std::round(std::clamp(s.colour, 0.0, 1.0) * 100.0) / 100.0
                                     : d.colour;
  if (s.model.size() > 64) s.model.clear();
  if (s.midi_input.size() > 256) s.midi_input.clear();
  return s;
}

std::string settings_to_json(const JamSettings& s) {
  const Json j = {{"version", 1},
                  {"tempo_bpm", s.tempo_bpm},
                  {"beats_per_bar", s.beats_per_bar},
                  {"silence_beats", s.silence_beats},
                  {"lookahead_beats", s.lookahead_beats},
                  {"commit_beats", s.commit_beats},
                  {"show_incoming", s.show_incoming},
                  {"model", s.model},
                  {"temperature", s.temperature},
                  {"metronome", s.metronome},
                  {"melody_instrument", s.melody_instrument},
                  {"chord_instrument", s.chord_instrument},
                  {"agent", s.agent == AgentLocation::kTab ? "tab" : "server"},
                  {"melody_volume", s.melody_volume},
                  {"chord_volume", s.chord_volume},
                  {"metronome_volume", s.metronome_volume},
                  {"midi_input", s.midi_input},
                  {"highlight_chords", s.highlight_chords},
                  {"count_in", s.count_in},
                  {"chord_rate", s.chord_rate},
                  {"colour", s.colour}};
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

JamSettings settings_from_json(std::string_view text) {
  JamSettings s;
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return s;
  read(j, "tempo_bpm", s.tempo_bpm);
  read(j, "beats_per_bar", s.beats_per_bar);
  read(j, "silence_beats", s.silence_beats);
  read(j, "lookahead_beats", s.lookahead_beats);
  read(j, "commit_beats", s.commit_beats);
  read(j, "show_incoming", s.show_incoming);
  read(j, "model", s.model);
  read(j, "temperature", s.temperature);
  read(j, "metronome", s.metronome);
  read(j, "melody_instrument", s.melody_instrument);
  read(j, "chord_instrument", s.chord_instrument);
  std::string agent;
  read(j, "agent", agent);
  s.agent = agent == "tab" ? AgentLocation::kTab : AgentLocation::kServer;
  read(j, "melody_volume", s.melody_volume);
  read(j, "chord_volume", s.chord_volume);
  read(j, "metronome_volume", s.metronome_volume);
  read(j, "midi_input", s.midi_input);
  read(j, "highlight_chords", s.highlight_chords);
  read(j, "count_in", s.count_in);
  read(j, "chord_rate", s.chord_rate);
  read(j, "colour", s.colour);
  return clamped(s);
}

}  // namespace jam
