#include "jam/ui/screen.h"

#include <algorithm>
#include <cmath>

#include "imgui.h"
#include "jam/ui/piano_view.h"
#include "jam/ui/settings_panel.h"
#include "jam/ui/waterfall_view.h"
#include "theme.h"

namespace jam {

namespace {

struct Range {
  int first, last, whites;
};
// Widest first; a narrow window gets fewer octaves rather than unplayably thin keys.
constexpr Range kRanges[] = {{kPianoFirstPitch, kPianoLastPitch, 52},  // 88 keys
                             {36, 96, 36},                             // C2..C7
                             {48, 84, 22}};                            // C3..C6
constexpr float kMinWhiteWidth = 14.0f;  // CSS pixels

}  // namespace

Screen::Screen(NoteInput& input) : input_(input) {}

std::array<float, 4> Screen::background() {
  const ImVec4 c = ImGui::ColorConvertU32ToFloat4(theme::kWaterfallBg);
  return {c.x, c.y, c.z, c.w};
}

ControlBarActions Screen::draw(AppState& state, float width, float height, float scale) {
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus |
                                 ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoNav |
                                 ImGuiWindowFlags_NoScrollWithMouse;
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(width, height));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
  ImGui::Begin("##screen", nullptr, flags);

  const float bar_h = std::round(46 * scale);
  Range range = kRanges[std::size(kRanges) - 1];
  for (const Range& r : kRanges) {
    if (width / static_cast<float>(r.whites) >= kMinWhiteWidth * scale) {
      range = r;
      break;
    }
  }
  const float white_w = width / static_cast<float>(range.whites);
  const float piano_h = std::round(std::clamp(white_w * 6.0f, 72 * scale,
                                              std::max(72 * scale, (height - bar_h) * 0.4f)));
  const Rect piano_area{0, height - piano_h, width, height};
  const Rect waterfall_area{0, bar_h, width, height - piano_h};
  piano_ = PianoLayout(range.first, range.last, piano_area);

  waterfall_view(waterfall_area, piano_, state, scale);
  input_.set_pointer_pitch(piano_view(piano_, state, scale));
  ControlBarActions actions = control_bar(Rect{0, 0, width, bar_h}, state, scale);

  ImGui::End();
  ImGui::PopStyleVar(2);
  if (state.settings_open && settings_panel(waterfall_area, state, scale)) {
    actions.settings_changed = true;
  }
  return actions;
}

}  // namespace jam
