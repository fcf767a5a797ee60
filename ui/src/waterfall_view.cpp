#include "jam/ui/waterfall_view.h"

#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "theme.h"

namespace jam {

namespace {
ImVec2 v(float x, float y) { return ImVec2(x, y); }
constexpr float kPixelsPerBeat = 64.0f;  // at scale 1
}  // namespace

void waterfall_view(const Rect& a, const PianoLayout& lanes, const AppState& state,
                    float scale) {
  if (a.width() <= 0 || a.height() <= 0) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(v(a.x0, a.y0), v(a.x1, a.y1), true);
  dl->AddRectFilled(v(a.x0, a.y0), v(a.x1, a.y1), theme::kWaterfallBg);

  // Lanes: darker under black keys, a line at every C (octave) and a faint one at every F.
  for (const PianoKey& key : lanes.keys()) {
    if (key.black) {
      dl->AddRectFilled(v(key.rect.x0, a.y0), v(key.rect.x1, a.y1), theme::kBlackLane);
    } else if (key.pitch % 12 == 0 || key.pitch % 12 == 5) {
      const ImU32 col = key.pitch % 12 == 0 ? theme::kOctaveLine : theme::kBeatLine;
      dl->AddRectFilled(v(key.rect.x0, a.y0), v(key.rect.x0 + std::max(1.0f, std::round(scale)), a.y1),
                        col);
    }
  }

  // Beat and bar lines; the bottom edge is the current beat.
  const float ppb = kPixelsPerBeat * scale;
  const int bpb = state.beats_per_bar > 0 ? state.beats_per_bar : 4;
  const float thin = std::max(1.0f, std::round(scale));
  for (int beat = static_cast<int>(std::floor(state.beat_position));; ++beat) {
    const float y = std::round(a.y1 - static_cast<float>(beat - state.beat_position) * ppb);
    if (y < a.y0) break;
    if (y > a.y1) continue;
    const bool bar = beat % bpb == 0;
    dl->AddRectFilled(v(a.x0, y - thin), v(a.x1, y), bar ? theme::kBarLine : theme::kBeatLine);
    const float label_y = y - thin - ImGui::GetFontSize() - 2 * scale;
    if (bar && label_y >= a.y0) {
      char label[16];
      std::snprintf(label, sizeof label, "%d", beat / bpb + 1);
      dl->AddText(v(a.x0 + 6 * scale, label_y), theme::kBarLabel, label);
    }
  }

  // Keys sounding now glow up from the piano.
  const float glow = std::round(48 * scale);
  for (const PianoKey& key : lanes.keys()) {
    const NoteSource src = state.lit[key.pitch];
    if (src == NoteSource::none) continue;
    const ImU32 c = src == NoteSource::user ? theme::kUserLight : theme::kAgentLight;
    const ImU32 clear = c & ~IM_COL32_A_MASK;
    const ImU32 half = (c & ~IM_COL32_A_MASK) | (110u << IM_COL32_A_SHIFT);
    dl->AddRectFilledMultiColor(v(key.rect.x0, a.y1 - glow), v(key.rect.x1, a.y1), clear, clear,
                                half, half);
  }
  dl->PopClipRect();
}

}  // namespace jam
