// count_in.h — the practice count-in (Settings → Count-in): one bar of metronome clicks after
// Start, then the session clock starts on the next downbeat (JamScheduler::start_clock), so the
// player comes in on bar 1 instead of starting the clock with the first note.
//
//   jam::CountIn c;
//   c.begin(now + 0.1, 60.0 / bpm, beats_per_bar);   // first click, beat length, clicks
//   for (auto& k : c.take_clicks(now + 0.3)) audio.click(k.time_sec, k.accent);
//   if (c.active() && now >= c.downbeat_sec()) { scheduler.start_clock(c.downbeat_sec()); c.cancel(); }
//
// Plain value type, no clock of its own: the host passes times on its audio clock (seconds).
#pragma once

#include <vector>

namespace jam {

struct CountInClick {
  double time_sec = 0;
  bool accent = false;    // the bar's first click
};

class CountIn {
 public:
  void begin(double first_click_sec, double beat_sec, int beats);
  void cancel() { active_ = false; }
  bool active() const { return active_; }
  // When the session clock starts: first click + beats x beat.
  double downbeat_sec() const { return first_ + beat_ * beats_; }
  // Beats left before the downbeat (0 when inactive), for the "count-in... 3" line.
  double beats_left(double now_sec) const;
  // Clicks at times before until_sec not taken yet, each returned once.
  std::vector<CountInClick> take_clicks(double until_sec);

 private:
  bool active_ = false;
  double first_ = 0, beat_ = 0.5;
  int beats_ = 0;
  int next_ = 0;   // next click to hand out
};

}  // namespace jam
