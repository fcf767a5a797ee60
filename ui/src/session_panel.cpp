#include "jam/ui/session_panel.h"

#include <algorithm>
#include <cmath>

#include "imgui.h"
#include "theme.h"

namespace jam {

namespace {

void remember(AppState& s, const char* name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  s.controls.push_back({name, a.x, a.y, b.x, b.y});
}

bool button(AppState& s, const char* label, const char* name, bool enabled = true) {
  ImGui::BeginDisabled(!enabled);
  const bool clicked = ImGui::Button(label);
  ImGui::EndDisabled();
  remember(s, name);
  return clicked && enabled;
}

void dim(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme::kTextDim));
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopStyleColor();
}

std::string output_label(const SessionPanelState& p) {
  if (!p.midi_out_available) return p.midi_out_status;
  if (p.midi_output.empty()) return "MIDI out: off";
  for (const MidiDevice& d : p.midi_outputs)
    if (d.id == p.midi_output) return "MIDI out: " + d.name;
  return "MIDI out: (unplugged)";
}

}  // namespace

SessionPanelActions session_panel(const Rect& area, SessionPanelState& p, AppState& state,
                                  float scale) {
  SessionPanelActions out;
  const float pad = std::round(8 * scale);
  ImGui::SetNextWindowPos(ImVec2(area.x0 + pad, area.y0 + pad));
  ImGui::SetNextWindowBgAlpha(p.open ? 0.92f : 0.6f);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoNav |
                                 ImGuiWindowFlags_AlwaysAutoResize;
  // Neutral buttons: the waterfall's blue belongs to the agent's chords.
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.22f, 0.23f, 0.28f, 1.0f));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.30f, 0.31f, 0.37f, 1.0f));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0.18f, 0.19f, 0.23f, 1.0f));
  ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(0.16f, 0.17f, 0.21f, 1.0f));
  ImGui::PushStyleColor(ImGuiCol_CheckMark, ImVec4(0.9f, 0.9f, 0.92f, 1.0f));
  ImGui::Begin("##session_panel", nullptr, flags);

  if (button(state, p.open ? "Session <###session_toggle" : "Session >###session_toggle",
             "session-panel")) {
    p.open = !p.open;
  }
  if (p.open) {
    ImGui::SameLine();
    dim(p.has_recording ? "last session: " + p.recording_text : "no session recorded yet");

    out.download_midi = button(state, "Download MIDI", "session-midi", p.has_recording);
    ImGui::SameLine();
    out.download_session = button(state, "Download session", "session-json", p.has_recording);
    ImGui::SameLine();
    out.load_session = button(state, "Load session...", "session-load", !state.running);
    if (p.replaying) {
      ImGui::SameLine();
      out.stop_replay = button(state, "Stop replay", "replay-stop");
    }

    ImGui::BeginDisabled(p.busy || state.running);
    out.harmonize_file = button(state, "Harmonize MIDI file...", "harmonize-file");
    ImGui::SameLine();
    out.harmonize_last = button(state, "Harmonize last melody", "harmonize-last", p.has_recording);
    ImGui::EndDisabled();
    if (p.has_harmonization) {
      ImGui::SameLine();
      out.play_harmonization = button(state, "Play", "harmonize-play", !state.running);
      ImGui::SameLine();
      out.download_harmonization = button(state, "Download", "harmonize-midi");
      ImGui::SameLine();
      dim(p.harmonization_text);
    }

    const std::string label = output_label(p);
    ImGui::SetNextItemWidth(std::round(220 * scale));
    ImGui::BeginDisabled(!p.midi_out_available);
    if (ImGui::BeginCombo("##midi_out", label.c_str())) {
      if (ImGui::Selectable("Off", p.midi_output.empty())) {
        p.midi_output.clear();
        out.midi_output_changed = true;
      }
      for (const MidiDevice& d : p.midi_outputs) {
        ImGui::PushID(d.id.c_str());
        if (ImGui::Selectable(d.name.c_str(), d.id == p.midi_output)) {
          p.midi_output = d.id;
          out.midi_output_changed = true;
        }
        remember(state, ("midi-out:" + d.id).c_str());
        ImGui::PopID();
      }
      ImGui::EndCombo();
    }
    remember(state, "midi-out");
    ImGui::SameLine();
    if (ImGui::Checkbox("send my notes too", &p.midi_out_user_notes)) out.midi_output_changed = true;
    remember(state, "midi-out-notes");
    ImGui::EndDisabled();
    if (p.busy) dim("harmonizing...");
    if (!p.notice.empty()) dim(p.notice);
  }
  ImGui::End();
  ImGui::PopStyleColor(5);
  return out;
}

}  // namespace jam
