// settings_panel.h — the Settings window (opened from the control bar): tempo, meter, silence,
// lookahead/commit, chords display, agent location and model, temperature, metronome,
// instruments and volumes.
//
// Tempo, beats per bar and the silence period are disabled while a session runs
// (state.running); planning settings apply at the next Start, sound settings at once.
//
//   if (state.settings_open && jam::settings_panel(area, state, scale)) host.save_settings();
//
// Returns true when the user changed a setting this frame. Single-threaded (drawing thread).
#pragma once

#include "jam/ui/app_state.h"
#include "jam/ui/piano_layout.h"

namespace jam {

// `area`: the screen region the window may cover (it sits at its top-right corner).
bool settings_panel(const Rect& area, AppState& state, float scale);

}  // namespace jam
