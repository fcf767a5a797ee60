// screen.h — the whole app screen: control bar (top), waterfall (middle), piano (bottom), and
// the Settings window over the waterfall when it is open.
//
// Lays the three parts out for the display size each frame, draws them into one borderless
// full-screen ImGui window and forwards piano clicks to the NoteInput. Computer-keyboard events
// go to the NoteInput directly from the host. No platform calls: the host owns the ImGui
// context, the backends and time.
//
//   jam::Screen screen(note_input);
//   ImGui::NewFrame();
//   auto actions = screen.draw(state, display_w, display_h, dpr);
//   ImGui::Render();
//   glClearColor(Screen::background()...); glClear(...); render the draw data
//
// The host clears each frame to background(), the waterfall's colour, and the screen does not
// fill it again: on software rasterizers (browsers without a GPU) every pixel drawn twice costs.
//
// Single-threaded (the drawing thread).
#pragma once

#include <array>

#include "jam/ui/app_state.h"
#include "jam/ui/control_bar.h"
#include "jam/ui/note_input.h"
#include "jam/ui/piano_layout.h"

namespace jam {

constexpr int kPianoFirstPitch = 21;   // A0
constexpr int kPianoLastPitch = 108;   // C8: 88 keys

class Screen {
 public:
  explicit Screen(NoteInput& input);

  // width/height: display size in pixels; scale: device pixels per CSS pixel (UI sizes grow
  // with it).
  ControlBarActions draw(AppState& state, float width, float height, float scale);

  // The colour behind everything (RGBA, 0..1): the host clears each frame to it.
  static std::array<float, 4> background();

  // The piano as drawn by the last draw() (pixels), e.g. for the test hook.
  const PianoLayout& piano() const { return piano_; }

 private:
  NoteInput& input_;
  PianoLayout piano_;
};

}  // namespace jam
