#include "jam/ui/control_bar.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "imgui.h"
#include "theme.h"

namespace jam {

namespace {

ImVec2 v(float x, float y) { return ImVec2(x, y); }

ImVec4 shade(ImVec4 c, float f) { return ImVec4(c.x * f, c.y * f, c.z * f, c.w); }

// Text vertically centred on the bar's buttons.
void label(ImU32 color, const char* fmt, ...) IM_FMTARGS(2);
void label(ImU32 color, const char* fmt, ...) {
  ImGui::AlignTextToFramePadding();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color));
  va_list args;
  va_start(args, fmt);
  ImGui::TextV(fmt, args);
  va_end(args);
  ImGui::PopStyleColor();
}

// A rounded pill with text at (x, centre y); returns its width.
float pill(ImDrawList* dl, float x, float cy, ImU32 bg, ImU32 fg, const char* text, float scale) {
  const ImVec2 ts = ImGui::CalcTextSize(text);
  const float px = std::round(9 * scale), py = std::round(4 * scale);
  const float y0 = std::round(cy - ts.y * 0.5f - py);
  dl->AddRectFilled(v(x, y0), v(x + ts.x + 2 * px, y0 + ts.y + 2 * py), bg, ts.y);
  dl->AddText(v(x + px, y0 + py), fg, text);
  return ts.x + 2 * px;
}

ImU32 state_color(const std::string& s) {
  if (s == "listening") return theme::kListening;
  if (s == "armed") return theme::kArmed;
  if (s == "jamming") return theme::kJamming;
  return theme::kIdle;
}

std::string midi_label(const AppState& s) {
  if (!s.midi_available) return s.midi_status;
  if (s.settings.midi_input.empty()) {
    return s.midi_devices.empty() ? "MIDI: no device" : "MIDI: all inputs";
  }
  for (const MidiDevice& d : s.midi_devices)
    if (d.id == s.settings.midi_input) return "MIDI: " + d.name;
  return "MIDI: (unplugged)";
}

void remember(AppState& s, const char* name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  s.controls.push_back({name, a.x, a.y, b.x, b.y});
}

}  // namespace

ControlBarActions control_bar(const Rect& a, AppState& state, float scale) {
  ControlBarActions out;
  state.controls.clear();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(v(a.x0, a.y0), v(a.x1, a.y1), theme::kBarBg);
  dl->AddRectFilled(v(a.x0, a.y1 - std::max(1.0f, std::round(scale))), v(a.x1, a.y1),
                    theme::kBarBorder);

  const float pad = std::round(14 * scale);
  const float gap = std::round(18 * scale);
  const float y = std::round(a.y0 + (a.height() - ImGui::GetFrameHeight()) * 0.5f);
  const float cy = a.y0 + a.height() * 0.5f;

  // Right-hand side first, right to left: Settings, MIDI, connection, server slow. The
  // left-hand items are clipped before them when the window is narrow.
  float right = a.x1 - pad;
  const char* settings_text = state.settings_open ? "Settings ^" : "Settings";
  const float settings_w = ImGui::CalcTextSize(settings_text).x + 2 * ImGui::GetStyle().FramePadding.x;
  right -= settings_w;
  ImGui::SetCursorScreenPos(v(right, y));
  if (ImGui::Button(state.settings_open ? "Settings ^###settings" : "Settings###settings",
                    v(settings_w, 0))) {
    state.settings_open = !state.settings_open;
  }
  remember(state, "settings");

  const std::string midi = midi_label(state);
  if (state.midi_available) {
    const float w = std::round(std::clamp(ImGui::CalcTextSize(midi.c_str()).x + 40 * scale,
                                          120 * scale, 240 * scale));
    right -= gap * 0.6f + w;
    ImGui::SetCursorScreenPos(v(right, y));
    ImGui::SetNextItemWidth(w);
    if (ImGui::BeginCombo("##midi", midi.c_str())) {
      if (ImGui::Selectable("All inputs", state.settings.midi_input.empty())) {
        state.settings.midi_input.clear();
        out.settings_changed = true;
      }
      for (const MidiDevice& d : state.midi_devices) {
        ImGui::PushID(d.id.c_str());
        if (ImGui::Selectable(d.name.c_str(), d.id == state.settings.midi_input)) {
          state.settings.midi_input = d.id;
          out.settings_changed = true;
        }
        ImGui::PopID();
      }
      ImGui::EndCombo();
    }
  } else {
    right -= gap * 0.6f + ImGui::CalcTextSize(midi.c_str()).x;
    ImGui::SetCursorScreenPos(v(right, y));
    label(theme::kTextDim, "%s", midi.c_str());
  }

  const std::string conn = "server: " + state.connection_text;
  right -= gap + ImGui::CalcTextSize(conn.c_str()).x;
  ImGui::SetCursorScreenPos(v(right, y));
  label(theme::kTextDim, "%s", conn.c_str());
  const float dot = std::round(4 * scale);
  const ImU32 conn_color = state.connection == Connection::kOnline       ? theme::kJamming
                           : state.connection == Connection::kConnecting ? theme::kArmed
                                                                         : theme::kSlowBadge;
  dl->AddCircleFilled(v(right - dot - std::round(6 * scale), cy), dot, conn_color);
  right -= dot * 2 + std::round(6 * scale);

  if (state.server_slow) {
    const char* text = "server slow";
    const float w = ImGui::CalcTextSize(text).x + std::round(18 * scale);
    right -= gap + w;
    pill(dl, right, cy, theme::kSlowBadge, theme::kTextBright, text, scale);
  }

  ImGui::PushClipRect(v(a.x0, a.y0), v(right - gap * 0.5f, a.y1), true);
  ImGui::SetCursorScreenPos(v(a.x0 + pad, y));
  label(theme::kTextBright, "RealJam");
  ImGui::SameLine(0, gap);

  const ImVec4 base = state.running ? theme::kStopButton : theme::kStartButton;
  ImGui::PushStyleColor(ImGuiCol_Button, base);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, shade(base, 1.18f));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, shade(base, 0.85f));
  if (ImGui::Button(state.running ? "Stop##transport" : "Start##transport",
                    v(std::round(76 * scale), 0))) {
    out.toggle_transport = true;
  }
  remember(state, "transport");
  ImGui::PopStyleColor(3);
  ImGui::SameLine(0, gap);

  // Session state, with the countdown while listening.
  {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const ImU32 c = state_color(state.session_state);
    const float w = pill(dl, p.x, cy, (c & ~IM_COL32_A_MASK) | (48u << IM_COL32_A_SHIFT), c,
                         state.status.c_str(), scale);
    ImGui::Dummy(v(w, ImGui::GetFrameHeight()));
  }
  ImGui::SameLine(0, gap);

  // Tempo: locked while a session runs.
  ImGui::BeginDisabled(state.running);
  ImGui::PushButtonRepeat(true);
  if (ImGui::Button("-##tempo")) {
    state.settings.tempo_bpm = std::max(kMinTempoBpm, state.settings.tempo_bpm - 1);
    out.settings_changed = true;
  }
  remember(state, "tempo-");
  ImGui::SameLine();
  label(theme::kTextBright, "%3.0f BPM", state.settings.tempo_bpm);
  ImGui::SameLine();
  if (ImGui::Button("+##tempo")) {
    state.settings.tempo_bpm = std::min(kMaxTempoBpm, state.settings.tempo_bpm + 1);
    out.settings_changed = true;
  }
  remember(state, "tempo+");
  ImGui::PopButtonRepeat();
  ImGui::EndDisabled();
  ImGui::SameLine(0, gap);

  label(theme::kTextDim, "%d/4", state.settings.beats_per_bar);
  ImGui::SameLine(0, gap);
  const int beat = static_cast<int>(std::floor(state.beat_position));
  const int bpb = std::max(1, state.settings.beats_per_bar);
  label(theme::kTextDim, "bar %d  beat %d", beat / bpb + 1, beat % bpb + 1);
  ImGui::SameLine(0, gap);
  label(theme::kTextDim, "keys C%d.. (Z/X)  space: start/stop", state.keyboard_octave);
  ImGui::PopClipRect();
  return out;
}

}  // namespace jam
