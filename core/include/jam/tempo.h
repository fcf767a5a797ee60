// tempo.h — the one place where frames, beats and seconds are converted.
//
// A frame is one 16th note (kFramesPerBeat = 4 frames per beat); frame 0 is the session's first
// beat. The grid itself is tempo-free; a TempoMap attaches a constant tempo and metre to it.
//
//   jam::TempoMap t{120.0, 4};
//   double s = t.frames_to_seconds(16);   // 2.0 (one 4/4 bar at 120 bpm)
//   jam::Frame f = t.seconds_to_frame(2.1);  // 16 (floor)
//
// Plain value type, no hidden state; safe to copy between threads.
#pragma once

#include <cmath>
#include <cstdint>

#include "jam/song.h"

namespace jam {

inline constexpr int kFramesPerBeat = 4;

struct TempoMap {
  double bpm = 120.0;
  int beats_per_bar = 4;

  int frames_per_bar() const { return beats_per_bar * kFramesPerBeat; }
  double seconds_per_beat() const { return 60.0 / bpm; }
  double seconds_per_frame() const { return seconds_per_beat() / kFramesPerBeat; }

  static double frames_to_beats(double frames) { return frames / kFramesPerBeat; }
  static double beats_to_frames(double beats) { return beats * kFramesPerBeat; }
  double beats_to_seconds(double beats) const { return beats * seconds_per_beat(); }
  double seconds_to_beats(double seconds) const { return seconds / seconds_per_beat(); }
  double frames_to_seconds(double frames) const { return frames * seconds_per_frame(); }
  double seconds_to_frames(double seconds) const { return seconds / seconds_per_frame(); }

  // The frame containing time `seconds` (floor; a tiny epsilon absorbs rounding so that
  // frames_to_seconds(f) maps back to f).
  Frame seconds_to_frame(double seconds) const {
    return static_cast<Frame>(std::floor(seconds_to_frames(seconds) + 1e-9));
  }
  // The frame nearest to `seconds` (for quantising onsets to the grid).
  Frame seconds_to_nearest_frame(double seconds) const {
    return static_cast<Frame>(std::lround(seconds_to_frames(seconds)));
  }
  // Bar index and frame within the bar (frame 0 = downbeat of bar 0; negative frames allowed).
  int bar_of(Frame f) const {
    const int fpb = frames_per_bar();
    return f >= 0 ? f / fpb : -((-f + fpb - 1) / fpb);
  }
  int frame_in_bar(Frame f) const { return f - bar_of(f) * frames_per_bar(); }
  bool is_downbeat(Frame f) const { return frame_in_bar(f) == 0; }
  bool is_beat(Frame f) const {
    return ((f % kFramesPerBeat) + kFramesPerBeat) % kFramesPerBeat == 0;
  }
};

}  // namespace jam
