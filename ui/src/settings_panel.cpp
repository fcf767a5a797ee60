#include "jam/ui/settings_panel.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "imgui.h"
#include "jam/ui/model_list.h"
#include "theme.h"

namespace jam {

namespace {

bool instrument_combo(const char* label, std::string& id) {
  bool changed = false;
  size_t current = 0;
  for (size_t i = 0; i < kInstrumentIds.size(); ++i)
    if (id == kInstrumentIds[i]) current = i;
  if (ImGui::BeginCombo(label, kInstrumentNames[current])) {
    for (size_t i = 0; i < kInstrumentIds.size(); ++i) {
      if (ImGui::Selectable(kInstrumentNames[i], i == current)) {
        id = kInstrumentIds[i];
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

bool volume(const char* label, double& v) {
  int percent = static_cast<int>(std::lround(v * 100));
  if (!ImGui::SliderInt(label, &percent, 0, 100, "%d%%")) return false;
  v = percent / 100.0;
  return true;
}

void section(const char* title) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme::kTextBright));
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  ImGui::Separator();
}

void hint(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme::kTextDim));
  ImGui::TextUnformatted(text);
  ImGui::PopStyleColor();
}

}  // namespace

bool settings_panel(const Rect& area, AppState& state, float scale) {
  JamSettings& s = state.settings;
  const JamSettings before = s;
  const float width = std::round(std::min(380 * scale, area.width() - 16 * scale));
  ImGui::SetNextWindowPos(ImVec2(area.x1 - width - 10 * scale, area.y0 + 8 * scale));
  ImGui::SetNextWindowSize(ImVec2(width, 0));
  ImGui::SetNextWindowBgAlpha(0.96f);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_AlwaysAutoResize;
  if (!ImGui::Begin("Settings", &state.settings_open, flags)) {
    ImGui::End();
    return false;
  }
  ImGui::PushItemWidth(std::round(width * 0.5f));

  section("Time");
  if (state.running) hint("Locked while jamming: press Stop to change.");
  ImGui::BeginDisabled(state.running);
  int tempo = static_cast<int>(std::lround(s.tempo_bpm));
  if (ImGui::SliderInt("Tempo (BPM)", &tempo, static_cast<int>(kMinTempoBpm),
                       static_cast<int>(kMaxTempoBpm))) {
    s.tempo_bpm = tempo;
  }
  ImGui::SliderInt("Beats per bar", &s.beats_per_bar, kMinBeatsPerBar, kMaxBeatsPerBar);
  ImGui::SliderInt("Silence (beats)", &s.silence_beats, 0, kMaxSilenceBeats);
  ImGui::EndDisabled();

  section("Agent");
  int agent = s.agent == AgentLocation::kTab ? 1 : 0;
  ImGui::RadioButton("Server", &agent, 0);
  ImGui::SameLine();
  ImGui::RadioButton("In this tab", &agent, 1);
  s.agent = agent == 1 ? AgentLocation::kTab : AgentLocation::kServer;
  const ModelOption* model = state.model();
  if (ImGui::BeginCombo("Model", model ? model->id.c_str() : "(none)")) {
    for (const ModelOption& m : state.models) {
      if (ImGui::Selectable(m.id.c_str(), model == &m)) s.model = m.id;
      if (!m.description.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", m.description.c_str());
    }
    ImGui::EndCombo();
  }
  if (!state.models_loaded) hint("Loading the server's models...");
  else if (state.models.empty()) hint("The server offers no online model.");
  else if (s.agent == AgentLocation::kTab && model) {
    const std::string tab_id = tab_model_id(state.models, model->id);
    if (tab_id != model->id) hint(("In this tab: " + tab_id + ", its small web size.").c_str());
  }
  ImGui::SliderInt("Lookahead (beats)", &s.lookahead_beats, kMinLookaheadBeats, kMaxLookaheadBeats);
  s.commit_beats = std::min(s.commit_beats, s.lookahead_beats);
  ImGui::SliderInt("Commit (beats)", &s.commit_beats, 0, s.lookahead_beats);
  float temperature = static_cast<float>(s.temperature);
  if (ImGui::SliderFloat("Temperature", &temperature, 0.0f, static_cast<float>(kMaxTemperature), "%.2f")) {
    s.temperature = std::round(temperature * 100.0) / 100.0;
  }
  float rate = static_cast<float>(s.chord_rate);
  if (ImGui::SliderFloat("Chord rate", &rate, static_cast<float>(kMinChordRate),
                         static_cast<float>(kMaxChordRate), "%+.2f")) {
    s.chord_rate = std::round(rate * 100.0) / 100.0;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("-1 sparser ... 0 as trained ... +1 busier chord changes");
  float colour = static_cast<float>(s.colour);
  if (ImGui::SliderFloat("Colour", &colour, 0.0f, 1.0f, "%.2f")) {
    s.colour = std::round(colour * 100.0) / 100.0;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("0 triads only ... 0.5 as trained ... 1 sevenths and extended chords");
  ImGui::Checkbox("Show incoming chords", &s.show_incoming);
  if (state.running) hint("Agent settings apply at the next Start.");

  section("Practice");
  ImGui::Checkbox("Highlight chord keys", &s.highlight_chords);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Tint the keys of the current chord (green) and the next one (violet)");
  ImGui::Checkbox("Count-in (one bar)", &s.count_in);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Start clicks one bar; the session clock starts on the next downbeat");

  section("Sound");
  instrument_combo("Melody", s.melody_instrument);
  volume("Melody volume", s.melody_volume);
  instrument_combo("Chords", s.chord_instrument);
  volume("Chord volume", s.chord_volume);
  ImGui::Checkbox("Metronome", &s.metronome);
  volume("Metronome volume", s.metronome_volume);

  ImGui::Spacing();
  if (ImGui::Button("Reset to defaults")) {
    const bool locked = state.running;
    JamSettings d;
    if (locked) {  // the locked fields keep their values
      d.tempo_bpm = s.tempo_bpm;
      d.beats_per_bar = s.beats_per_bar;
      d.silence_beats = s.silence_beats;
    }
    d.midi_input = s.midi_input;
    s = d;
  }
  ImGui::PopItemWidth();
  ImGui::End();
  s = clamped(s);
  return settings_to_json(s) != settings_to_json(before);
}

}  // namespace jam
