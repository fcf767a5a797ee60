#include "jam/ui/control_bar.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>

#include "imgui.h"
#include "theme.h"

namespace jam {

namespace {

ImVec2 v(float x, float y) { return ImVec2(x, y); }

ImVec4 shade(ImVec4 c, float f) { return ImVec4(c.x * f, c.y * f, c.z * f, c.w); }

const char* const kNoteNames[12] = {"C", "C#", "D", "D#", "E", "F",
                                    "F#", "G", "G#", "A", "A#", "B"};

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

}  // namespace

ControlBarActions control_bar(const Rect& a, AppState& state, float scale) {
  ControlBarActions out;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(v(a.x0, a.y0), v(a.x1, a.y1), theme::kBarBg);
  dl->AddRectFilled(v(a.x0, a.y1 - std::max(1.0f, std::round(scale))), v(a.x1, a.y1),
                    theme::kBarBorder);

  const float pad = std::round(14 * scale);
  const float gap = std::round(22 * scale);
  const float y = std::round(a.y0 + (a.height() - ImGui::GetFrameHeight()) * 0.5f);

  // Status, right-aligned after a coloured dot (green while running). Laid out first: the
  // left-hand items are clipped before it when the window is narrow.
  const ImVec2 text = ImGui::CalcTextSize(state.status.c_str());
  const float dot = std::round(4 * scale);
  const float status_x = a.x1 - pad - text.x;
  const float dot_x = status_x - dot - std::round(8 * scale);
  dl->AddCircleFilled(v(dot_x, a.y0 + a.height() * 0.5f), dot,
                      state.running ? theme::rgb(80, 220, 120) : theme::rgb(120, 124, 140));
  ImGui::SetCursorScreenPos(v(status_x, y));
  label(theme::kTextBright, "%s", state.status.c_str());

  ImGui::PushClipRect(v(a.x0, a.y0), v(dot_x - dot - gap * 0.5f, a.y1), true);
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
  ImGui::PopStyleColor(3);
  ImGui::SameLine(0, gap);

  ImGui::PushButtonRepeat(true);
  if (ImGui::Button("-##tempo")) state.tempo_bpm = std::max(kMinTempoBpm, state.tempo_bpm - 1);
  ImGui::SameLine();
  label(theme::kTextBright, "%3.0f BPM", state.tempo_bpm);
  ImGui::SameLine();
  if (ImGui::Button("+##tempo")) state.tempo_bpm = std::min(kMaxTempoBpm, state.tempo_bpm + 1);
  ImGui::PopButtonRepeat();
  ImGui::SameLine(0, gap);

  label(theme::kTextDim, "%d/4", state.beats_per_bar);
  ImGui::SameLine(0, gap);
  const int beat = static_cast<int>(std::floor(state.beat_position));
  const int bpb = std::max(1, state.beats_per_bar);
  label(theme::kTextDim, "bar %d  beat %d", beat / bpb + 1, beat % bpb + 1);
  ImGui::SameLine(0, gap);
  label(theme::kTextDim, "keys %s%d..%s%d (Z/X)  space: start/stop", kNoteNames[0],
        state.keyboard_octave, kNoteNames[4], state.keyboard_octave + 1);
  ImGui::PopClipRect();
  return out;
}

}  // namespace jam
