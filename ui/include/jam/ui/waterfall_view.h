// waterfall_view.h — the area above the piano where notes will fall (Synthesia-like).
//
// Time runs downwards: the bottom edge is "now" (AppState::beat_position) and each beat above
// it is `pixels_per_beat` higher. Lanes line up with the piano's keys (black-key lanes are
// darker, octave boundaries are drawn); bar lines are brighter than beat lines and numbered.
//
//   jam::waterfall_view(area, piano_layout, state, scale);
#pragma once

#include "jam/ui/app_state.h"
#include "jam/ui/piano_layout.h"

namespace jam {

void waterfall_view(const Rect& area, const PianoLayout& lanes, const AppState& state,
                    float scale);

}  // namespace jam
