// piano_view.h — draws the piano keyboard and reports the key under a pressed mouse button.
//
// Call between ImGui::NewFrame() and ImGui::Render(), inside a window that covers the layout's
// area. Lit keys (AppState::lit) are coloured by source: user = orange, agent = blue.
//
//   std::optional<int> held = jam::piano_view(layout, state, scale);
//   note_input.set_pointer_pitch(held);
#pragma once

#include <optional>

#include "jam/ui/app_state.h"
#include "jam/ui/piano_layout.h"

namespace jam {

// Returns the pitch under the mouse while the left button, pressed on the piano, is held.
std::optional<int> piano_view(const PianoLayout& layout, const AppState& state, float scale);

}  // namespace jam
