// test_hook.h — `window.jam`, the page's small read-only window for tests and debugging.
//
//   window.jam.ready          true once the first frames are on screen
//   window.jam.state()        {status, running, tempo, beat, octave, notesPlayed,
//                              pressed: [pitches lit by the user], frame, audio: synth stats}
//   window.jam.keyRect(p)     {x, y, w, h, black} of piano key p in CSS pixels, or null
//   window.jam.error          set when the app could not start (e.g. no WebGL2)
//
// Main thread only. Publishing is cheap (a handful of numbers per frame).
#pragma once

#include <string>
#include <vector>

#include "jam/ui/app_state.h"
#include "jam/ui/piano_layout.h"

namespace jam {

class TestHook {
 public:
  TestHook();  // creates window.jam (ready = false)
  void publish(const AppState& state, int frame);
  // Re-sends the key rectangles when the layout changed. dpr: device pixels per CSS pixel.
  void publish_layout(const PianoLayout& piano, float dpr);
  void set_ready();
  static void set_error(const std::string& message);

 private:
  std::vector<int> lit_;
  std::vector<float> rects_;
  Rect last_area_{0, 0, -1, -1};
  float last_dpr_ = 0;
};

}  // namespace jam
