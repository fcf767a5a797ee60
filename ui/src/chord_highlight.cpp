#include "jam/ui/chord_highlight.h"

#include <algorithm>
#include <cmath>

#include "imgui.h"

namespace jam {

namespace {

constexpr ImU32 kNowTint = IM_COL32(46, 204, 113, 255);    // green: the chord sounding now
constexpr ImU32 kNextTint = IM_COL32(176, 112, 255, 255);  // violet: the next chord
constexpr ImU32 kEdge = IM_COL32(12, 14, 20, 200);

uint16_t mask_of(const ChordBlock& c) {
  uint16_t m = 0;
  for (int p : c.pitches)
    if (p >= 0) m = static_cast<uint16_t>(m | (1u << (p % 12)));
  return m;
}

}  // namespace

ChordHighlight chord_highlight(const AppState& state) {
  ChordHighlight h;
  if (!state.running) return h;
  const double beat = state.beat_position;
  const ChordBlock* next = nullptr;
  for (const ChordBlock& c : state.chords) {
    if (c.on_beat <= beat && beat < c.off_beat) {
      h.current = mask_of(c);
      h.current_name = c.name;
    } else if (c.on_beat > beat && (!next || c.on_beat < next->on_beat)) {
      next = &c;
    }
  }
  if (next) {
    h.next = mask_of(*next);
    h.next_name = next->name;
  }
  return h;
}

void chord_highlight_view(const PianoLayout& layout, const ChordHighlight& h, float scale) {
  if (!h.current && !h.next) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float gap = std::max(1.0f, std::round(scale));
  for (const PianoKey& key : layout.keys()) {
    const bool now = h.in_current(key.pitch), next = h.in_next(key.pitch);
    if (!now && !next) continue;
    const Rect& r = key.rect;
    const float x0 = r.x0 + (key.black ? 2 * scale : 3 * scale);
    const float x1 = r.x1 - (key.black ? 2 * scale : 3 * scale + gap);
    // Two slots at the front of the key: current (nearest the player), next above it.
    const float slot = std::round(r.height() * (key.black ? 0.13f : 0.09f));
    const float bottom = r.y1 - std::round((key.black ? 4 : 8) * scale);
    const float radius = std::round(2 * scale);
    if (now) {
      dl->AddRectFilled(ImVec2(x0, bottom - slot), ImVec2(x1, bottom), kNowTint, radius);
      dl->AddRect(ImVec2(x0, bottom - slot), ImVec2(x1, bottom), kEdge, radius);
    }
    if (next) {
      const float y1 = bottom - slot - std::round(2 * scale);
      dl->AddRectFilled(ImVec2(x0, y1 - slot), ImVec2(x1, y1), kNextTint, radius);
      dl->AddRect(ImVec2(x0, y1 - slot), ImVec2(x1, y1), kEdge, radius);
    }
  }
}

}  // namespace jam
