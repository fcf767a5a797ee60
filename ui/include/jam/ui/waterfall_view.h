// waterfall_view.h — the area above the piano where the agent's chords fall (Synthesia-like).
//
// Time runs downwards: the bottom edge is "now" (AppState::beat_position) and the future is
// above it, scaled so the planning lookahead fits. Lanes line up with the piano's keys; bar
// lines are brighter than beat lines and numbered. Each planned chord (AppState::chords) is a
// block per pitch in the agent's colour — opaque when committed, translucent while it may still
// change — labelled with its name at its onset. A large overlay says what to do next (idle /
// armed) or counts the silence period down ("listening… 4 beats").
//
//   jam::waterfall_view(area, piano_layout, state, scale);
#pragma once

#include "jam/ui/app_state.h"
#include "jam/ui/piano_layout.h"

namespace jam {

void waterfall_view(const Rect& area, const PianoLayout& lanes, const AppState& state,
                    float scale);

// Pixels per beat for a waterfall `height` pixels high showing `lookahead_beats` ahead.
float waterfall_pixels_per_beat(float height, int lookahead_beats, float scale);

}  // namespace jam
