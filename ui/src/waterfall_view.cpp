#include "jam/ui/waterfall_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "theme.h"

namespace jam {

namespace {

ImVec2 v(float x, float y) { return ImVec2(x, y); }

ImU32 with_alpha(ImU32 c, int alpha) {
  return (c & ~IM_COL32_A_MASK) | (static_cast<ImU32>(alpha) << IM_COL32_A_SHIFT);
}

// Text centred at (cx, y) in `font` at `size` pixels, on a rounded dark plate.
void plate_text(ImDrawList* dl, ImFont* font, float size, float cx, float y, ImU32 color,
                const char* text, float scale) {
  const ImVec2 ts = font->CalcTextSizeA(size, 1e9f, 0, text);
  const float px = std::round(10 * scale), py = std::round(5 * scale);
  const float x = std::round(cx - ts.x * 0.5f);
  dl->AddRectFilled(v(x - px, y - py), v(x + ts.x + px, y + ts.y + py), theme::kPlate,
                    std::round(6 * scale));
  dl->AddText(font, size, v(x, y), color, text);
}

void draw_chord(ImDrawList* dl, const Rect& a, const PianoLayout& lanes, const ChordBlock& c,
                float y_of_on, float y_of_off, float scale) {
  const float y_on = std::min(y_of_on, a.y1);  // a sounding chord is clipped at "now"
  const float y_off = std::max(y_of_off, a.y0);
  if (y_on <= y_off) return;
  const float radius = std::round(4 * scale);
  const float inset = std::max(1.0f, std::round(1.5f * scale));
  const float gap = std::max(1.0f, std::round(scale));  // between consecutive chords
  float lo_x = 1e9f, hi_x = -1e9f;
  for (int p : c.pitches) {
    const PianoKey* key = lanes.key(p);
    if (!key) continue;
    const float x0 = key->rect.x0 + inset, x1 = key->rect.x1 - inset;
    lo_x = std::min(lo_x, x0);
    hi_x = std::max(hi_x, x1);
    const ImVec2 p0 = v(x0, y_off + gap), p1 = v(x1, y_on - gap);
    if (c.committed) {
      dl->AddRectFilledMultiColor(p0, p1, theme::kAgentDeep, theme::kAgentDeep,
                                  theme::kAgentLight, theme::kAgentLight);
      dl->AddRect(p0, p1, theme::kChordEdge, radius * 0.5f, 0, std::max(1.0f, scale));
    } else {
      dl->AddRectFilled(p0, p1, with_alpha(theme::kAgentLight, 70), radius);
      dl->AddRect(p0, p1, with_alpha(theme::kAgentLight, 170), radius, 0, std::max(1.0f, scale));
    }
  }
  if (hi_x < lo_x || c.name.empty()) return;
  // The name sits just above the onset (or above "now" while the chord sounds).
  ImFont* font = ImGui::GetFont();
  const float size = std::round(ImGui::GetFontSize() * 1.35f);
  const ImVec2 ts = font->CalcTextSizeA(size, 1e9f, 0, c.name.c_str());
  const float pad = std::round(5 * scale);
  float y = y_on - ts.y - 2 * pad - std::round(3 * scale);
  if (y < y_off + gap) y = y_off + gap;  // short block: the label starts at its top
  if (y + ts.y + 2 * pad > a.y1) return;
  const float cx = std::round((lo_x + hi_x) * 0.5f);
  const float x = std::clamp(std::round(cx - ts.x * 0.5f), a.x0 + pad, a.x1 - ts.x - 2 * pad);
  const ImU32 bg = c.committed ? theme::kChordLabelBg : with_alpha(theme::kChordLabelBg, 150);
  const ImU32 fg = c.committed ? theme::kTextBright : with_alpha(theme::kTextBright, 190);
  dl->AddRectFilled(v(x - pad, y), v(x + ts.x + pad, y + ts.y + 2 * pad), bg, std::round(4 * scale));
  dl->AddText(font, size, v(x, y + pad), fg, c.name.c_str());
}

void draw_overlay(ImDrawList* dl, const Rect& a, const AppState& s, float scale) {
  ImFont* font = ImGui::GetFont();
  const float big = std::round(ImGui::GetFontSize() * 2.0f);
  const float small = ImGui::GetFontSize();
  const float cx = (a.x0 + a.x1) * 0.5f;
  const float cy = a.y0 + a.height() * 0.38f;
  char line[96];
  if (s.session_state == "listening") {
    const int beats = static_cast<int>(std::ceil(s.silence_beats_left - 1e-9));
    std::snprintf(line, sizeof line, "listening... %d beat%s", beats, beats == 1 ? "" : "s");
    plate_text(dl, font, big, cx, cy, theme::kListening, line, scale);
    plate_text(dl, font, small, cx, cy + big + 18 * scale, theme::kTextDim,
               "keep playing: the agent joins after the silence period", scale);
  } else if (s.session_state == "armed") {
    plate_text(dl, font, big, cx, cy, theme::kArmed, "play a note to start", scale);
    plate_text(dl, font, small, cx, cy + big + 18 * scale, theme::kTextDim,
               "your first note starts the clock", scale);
  } else if (s.session_state == "idle") {
    plate_text(dl, font, big, cx, cy, theme::kTextBright, "press Start (or Space) to jam", scale);
    plate_text(dl, font, small, cx, cy + big + 18 * scale, theme::kTextDim,
               "play with the keys A W S E D F T G Y H U J K (Z/X: octave), the mouse or MIDI",
               scale);
  }
  if (!s.message.empty()) {
    plate_text(dl, font, small, cx, a.y0 + 14 * scale, theme::kWarning, s.message.c_str(), scale);
  }
}

}  // namespace

float waterfall_pixels_per_beat(float height, int lookahead_beats, float scale) {
  const float fit = height / (static_cast<float>(std::max(1, lookahead_beats)) + 1.5f);
  return std::clamp(fit, 40.0f * scale, 120.0f * scale);
}

void waterfall_view(const Rect& a, const PianoLayout& lanes, const AppState& state,
                    float scale) {
  if (a.width() <= 0 || a.height() <= 0) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(v(a.x0, a.y0), v(a.x1, a.y1), true);
  // No background fill: the host clears the frame to the waterfall's colour (Screen::background).

  // Lanes: darker under black keys, a line at every C (octave) and a faint one at every F.
  for (const PianoKey& key : lanes.keys()) {
    if (key.black) {
      dl->AddRectFilled(v(key.rect.x0, a.y0), v(key.rect.x1, a.y1), theme::kBlackLane);
    } else if (key.pitch % 12 == 0 || key.pitch % 12 == 5) {
      const ImU32 col = key.pitch % 12 == 0 ? theme::kOctaveLine : theme::kBeatLine;
      dl->AddRectFilled(v(key.rect.x0, a.y0),
                        v(key.rect.x0 + std::max(1.0f, std::round(scale)), a.y1), col);
    }
  }

  // Beat and bar lines; the bottom edge is the current beat.
  const float ppb = waterfall_pixels_per_beat(a.height(), state.settings.lookahead_beats, scale);
  const int bpb = std::max(1, state.settings.beats_per_bar);
  const float thin = std::max(1.0f, std::round(scale));
  const double now = state.beat_position;
  auto y_of = [&](double beat) { return static_cast<float>(a.y1 - (beat - now) * ppb); };
  for (int beat = static_cast<int>(std::floor(now));; ++beat) {
    const float y = std::round(y_of(beat));
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

  // The silence period, while it lasts: a shaded band up to its end.
  if (state.session_state == "listening" && state.silence_beats_left > 0) {
    const float y_end = std::max(a.y0, y_of(now + state.silence_beats_left));
    dl->AddRectFilled(v(a.x0, y_end), v(a.x1, a.y1), theme::kSilenceBand);
    dl->AddRectFilled(v(a.x0, y_end - thin), v(a.x1, y_end), theme::kListening);
  }

  // The agent's chords: uncommitted first so committed ones draw on top.
  for (int pass = 0; pass < 2; ++pass) {
    for (const ChordBlock& c : state.chords) {
      if (c.committed != (pass == 1)) continue;
      draw_chord(dl, a, lanes, c, y_of(c.on_beat), y_of(c.off_beat), scale);
    }
  }

  // Keys sounding now glow up from the piano.
  const float glow = std::round(48 * scale);
  for (const PianoKey& key : lanes.keys()) {
    const NoteSource src = state.key_source(key.pitch);
    if (src == NoteSource::none) continue;
    const ImU32 c = src == NoteSource::user ? theme::kUserLight : theme::kAgentLight;
    dl->AddRectFilledMultiColor(v(key.rect.x0, a.y1 - glow), v(key.rect.x1, a.y1),
                                with_alpha(c, 0), with_alpha(c, 0), with_alpha(c, 110),
                                with_alpha(c, 110));
  }
  draw_overlay(dl, a, state, scale);
  dl->PopClipRect();
}

}  // namespace jam
