#include "jam/ui/piano_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "jam/ui/chord_highlight.h"
#include "theme.h"

namespace jam {

namespace {

ImVec2 v(float x, float y) { return ImVec2(x, y); }

struct KeyColors {
  ImU32 top, bottom;
};

KeyColors white_colors(NoteSource src) {
  switch (src) {
    case NoteSource::user: return {theme::kUserDeep, theme::kUserLight};
    case NoteSource::agent: return {theme::kAgentDeep, theme::kAgentLight};
    default: return {theme::kWhiteTop, theme::kWhiteBottom};
  }
}

ImU32 mix(ImU32 a, ImU32 b, float t) {
  const ImVec4 x = ImGui::ColorConvertU32ToFloat4(a), y = ImGui::ColorConvertU32ToFloat4(b);
  return ImGui::ColorConvertFloat4ToU32(ImVec4(x.x + (y.x - x.x) * t, x.y + (y.y - x.y) * t,
                                               x.z + (y.z - x.z) * t, x.w + (y.w - x.w) * t));
}

// The unlit white keys' vertical gradient, drawn once across the whole piano as solid bands of
// one colour level each (as fine as 8-bit colour allows), so a renderer can fill them without
// shading a pixel (see wasm/src/gl_renderer.h); the gaps between keys are drawn over them.
void draw_white_bands(ImDrawList* dl, const Rect& a, float y1, float scale) {
  const int levels = (theme::kWhiteBottom & 0xFF) - (theme::kWhiteTop & 0xFF);  // red channel
  const int bands = std::clamp(levels, 1, 64);
  const float h = y1 - a.y0;
  const float step = std::max(std::round(2 * scale), std::round(h / static_cast<float>(bands)));
  for (float y = a.y0; y < y1; y += step) {
    const float t = (y + step * 0.5f - a.y0) / h;
    dl->AddRectFilled(v(a.x0, y), v(a.x1, std::min(y1, y + step)),
                      mix(theme::kWhiteTop, theme::kWhiteBottom, std::min(1.0f, t)));
  }
}

void draw_white_key(ImDrawList* dl, const PianoKey& key, NoteSource src, float gap, float scale) {
  const Rect& r = key.rect;
  const float x0 = r.x0, x1 = r.x1 - gap, y0 = r.y0, y1 = r.y1;
  const float radius = std::round(3 * scale);
  const KeyColors c = white_colors(src);
  // Unlit keys' faces are the bands under them (draw_white_bands).
  if (src != NoteSource::none) {
    dl->AddRectFilledMultiColor(v(x0, y0), v(x1, y1 - radius), c.top, c.top, c.bottom, c.bottom);
  }
  dl->AddRectFilled(v(x1, y0), v(r.x1, y1), theme::kKeyGap);
  dl->AddRectFilled(v(x0, y1 - 2 * radius), v(x1, y1), c.bottom, radius,
                    ImDrawFlags_RoundCornersBottom);
  if (src == NoteSource::none) {
    // The front lip: a thin darker band at the bottom, as when looking at a real key.
    const float lip = std::round(4 * scale);
    dl->AddRectFilled(v(x0, y1 - lip), v(x1, y1), theme::rgb(212, 212, 206), radius,
                      ImDrawFlags_RoundCornersBottom);
  }
}

void draw_black_key(ImDrawList* dl, const PianoKey& key, NoteSource src, float scale) {
  const Rect& r = key.rect;
  const float radius = std::round(2 * scale);
  // Shadow cast on the white keys, down and to the right: only the strips the key leaves
  // uncovered (no pixel is blended twice).
  const float sh = std::round(2 * scale);
  const ImU32 shadow = theme::rgb(0, 0, 0, 70);
  dl->AddRectFilled(v(r.x1, r.y0 + sh), v(r.x1 + sh, r.y1), shadow);
  dl->AddRectFilled(v(r.x0 + sh, r.y1), v(r.x1 + sh, r.y1 + sh), shadow, radius,
                    ImDrawFlags_RoundCornersBottom);

  const bool lit = src != NoteSource::none;
  const ImU32 body = src == NoteSource::user    ? theme::kUserDeep
                     : src == NoteSource::agent ? theme::kAgentDeep
                                                : theme::kBlackBody;
  // Square corners: the bevel below rounds the look, and a plain opaque rectangle costs nothing
  // to shade on software rasterizers.
  dl->AddRectFilled(v(r.x0, r.y0), v(r.x1, r.y1), body);

  // The top face, inset from the sides, ending above a lighter front bevel.
  const float inset = std::max(1.0f, std::round(r.width() * 0.14f));
  const float bevel = std::round(r.height() * (lit ? 0.05f : 0.09f));
  const ImU32 face_top = lit ? body : theme::kBlackFaceBottom;
  const ImU32 face_bottom = src == NoteSource::user    ? theme::kUserLight
                            : src == NoteSource::agent ? theme::kAgentLight
                                                       : theme::kBlackFaceTop;
  dl->AddRectFilledMultiColor(v(r.x0 + inset, r.y0), v(r.x1 - inset, r.y1 - bevel), face_top,
                              face_top, face_bottom, face_bottom);
  if (!lit) {
    dl->AddRectFilled(v(r.x0 + inset, r.y1 - bevel), v(r.x1 - inset, r.y1 - inset * 0.5f),
                      theme::rgb(74, 74, 84), radius * 0.5f, ImDrawFlags_RoundCornersBottom);
  }
}

void draw_octave_label(ImDrawList* dl, const PianoKey& key, float gap, float scale) {
  char text[8];
  std::snprintf(text, sizeof text, "C%d", key.pitch / 12 - 1);
  const ImVec2 size = ImGui::CalcTextSize(text);
  const float w = key.rect.width() - gap;
  if (size.x > w - 2) return;
  const float x = std::round(key.rect.x0 + (w - size.x) * 0.5f);
  const float y = std::round(key.rect.y1 - size.y - 7 * scale);
  dl->AddText(v(x, y), theme::kKeyLabel, text);
}

}  // namespace

std::optional<int> piano_view(const PianoLayout& layout, const AppState& state, float scale) {
  const Rect& a = layout.area();
  if (a.width() <= 0 || a.height() <= 0) return std::nullopt;

  ImGui::SetCursorScreenPos(v(a.x0, a.y0));
  ImGui::InvisibleButton("##piano", v(a.width(), a.height()));
  std::optional<int> held;
  if (ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    held = layout.pitch_at(m.x, m.y);
  }

  ImDrawList* dl = ImGui::GetWindowDrawList();
  // The white keys: their gradient in bands across the piano, then each key's gap, bottom edge
  // and, when lit, its colour. No fill under the whole piano (every pixel drawn twice costs on
  // software rasterizers).
  const float gap = std::max(1.0f, std::round(scale));
  draw_white_bands(dl, a, a.y1 - std::round(3 * scale), scale);
  for (const PianoKey& key : layout.keys()) {
    if (key.black) continue;
    draw_white_key(dl, key, state.key_source(key.pitch), gap, scale);
  }
  // Shade under the felt strip, across all white keys.
  const float shade = std::round(10 * scale);
  dl->AddRectFilledMultiColor(v(a.x0, a.y0), v(a.x1, a.y0 + shade), theme::rgb(0, 0, 0, 90),
                              theme::rgb(0, 0, 0, 90), theme::rgb(0, 0, 0, 0),
                              theme::rgb(0, 0, 0, 0));
  for (const PianoKey& key : layout.keys()) {
    if (!key.black && key.pitch % 12 == 0 && state.key_source(key.pitch) == NoteSource::none) {
      draw_octave_label(dl, key, gap, scale);
    }
  }
  for (const PianoKey& key : layout.keys()) {
    if (key.black) draw_black_key(dl, key, state.key_source(key.pitch), scale);
  }
  // Practice aid: the current and the next chord's pitch classes (Settings → Highlight).
  if (state.settings.highlight_chords) chord_highlight_view(layout, chord_highlight(state), scale);
  // Felt strip along the top edge.
  const float felt = std::round(4 * scale);
  dl->AddRectFilledMultiColor(v(a.x0, a.y0), v(a.x1, a.y0 + felt), theme::kFelt, theme::kFelt,
                              theme::kFeltDark, theme::kFeltDark);
  return held;
}

}  // namespace jam
