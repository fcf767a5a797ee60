#include "jam/ui/count_in.h"

#include <algorithm>

namespace jam {

void CountIn::begin(double first_click_sec, double beat_sec, int beats) {
  first_ = first_click_sec;
  beat_ = beat_sec > 0 ? beat_sec : 0.5;
  beats_ = std::max(1, beats);
  next_ = 0;
  active_ = true;
}

double CountIn::beats_left(double now_sec) const {
  if (!active_) return 0.0;
  return std::clamp((downbeat_sec() - now_sec) / beat_, 0.0, static_cast<double>(beats_));
}

std::vector<CountInClick> CountIn::take_clicks(double until_sec) {
  std::vector<CountInClick> out;
  while (active_ && next_ < beats_) {
    const double t = first_ + beat_ * next_;
    if (t >= until_sec) break;
    out.push_back({t, next_ == 0});
    ++next_;
  }
  return out;
}

}  // namespace jam
