// control_bar.h — the top bar: Start/Stop, tempo, meter, position, keyboard octave, status.
//
// Edits only what the user changes here (tempo); Start/Stop is reported, not applied, so the
// host decides what starting means.
//
//   if (jam::control_bar(area, state, scale).toggle_transport) host.toggle();
#pragma once

#include "jam/ui/app_state.h"
#include "jam/ui/piano_layout.h"

namespace jam {

struct ControlBarActions {
  bool toggle_transport = false;  // Start (when idle) or Stop (when running) was clicked
};

ControlBarActions control_bar(const Rect& area, AppState& state, float scale);

constexpr double kMinTempoBpm = 40.0;
constexpr double kMaxTempoBpm = 240.0;

}  // namespace jam
