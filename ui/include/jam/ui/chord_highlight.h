// chord_highlight.h — the practice aid "Highlight chord keys": which pitch classes belong to the
// chord sounding now and to the next chord of the plan, and their tints on the piano.
//
//   jam::ChordHighlight h = jam::chord_highlight(state);     // from AppState::chords + beat
//   if (state.settings.highlight_chords) jam::chord_highlight_view(layout, h, scale);
//
// Current = the drawn chord block under the clock (on <= beat < off); next = the first block
// starting after the clock (it may still change if it is not committed). Pitch classes as bit
// masks (bit pc = 1 << (pitch % 12)). Only while a session runs. Tints: current = green, next =
// violet, drawn as two strips at the front of each key (current nearest the player), so they read
// beside the orange (user) and blue (agent) key fills.
#pragma once

#include <cstdint>
#include <string>

#include "jam/ui/app_state.h"
#include "jam/ui/piano_layout.h"

namespace jam {

struct ChordHighlight {
  uint16_t current = 0;   // pitch-class mask of the chord sounding now
  uint16_t next = 0;      // of the next chord
  std::string current_name, next_name;

  bool in_current(int pitch) const { return pitch >= 0 && (current >> (pitch % 12)) & 1; }
  bool in_next(int pitch) const { return pitch >= 0 && (next >> (pitch % 12)) & 1; }
};

ChordHighlight chord_highlight(const AppState& state);

// Draws the tints over the keys (ImGui, the current window's draw list); after piano_view().
void chord_highlight_view(const PianoLayout& layout, const ChordHighlight& h, float scale);

}  // namespace jam
