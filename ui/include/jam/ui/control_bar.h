// control_bar.h — the top bar: Start/Stop, session state (with the silence countdown), tempo,
// meter, position; on the right the "server slow" badge, the agent connection, the MIDI input
// and the Settings button.
//
// Edits only what the user changes here (tempo while no session runs, the MIDI input); Start/
// Stop and Settings are reported, not applied, so the host decides what they mean.
//
//   auto a = jam::control_bar(area, state, scale);
//   if (a.toggle_transport) host.toggle();
//   if (a.settings_changed) host.save_settings();
#pragma once

#include "jam/ui/app_state.h"
#include "jam/ui/piano_layout.h"

namespace jam {

struct ControlBarActions {
  bool toggle_transport = false;  // Start (when idle) or Stop (when running) was clicked
  bool settings_changed = false;  // tempo or MIDI input edited here, or in the settings panel
};

ControlBarActions control_bar(const Rect& area, AppState& state, float scale);

}  // namespace jam
