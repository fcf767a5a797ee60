#include "jam/ui/piano_layout.h"

#include <cmath>

namespace jam {

namespace {
// Centre offsets of black keys from the white-key boundary, in white-key widths (real pianos
// shift C#/D# and F#/A# apart, which makes the groups of 2 and 3 readable).
float black_offset(int pitch_class) {
  switch (pitch_class) {
    case 1: return -0.09f;
    case 3: return +0.09f;
    case 6: return -0.11f;
    case 8: return 0.0f;
    case 10: return +0.11f;
    default: return 0.0f;
  }
}
constexpr float kBlackWidth = 0.58f;  // of a white key
}  // namespace

bool PianoLayout::is_black(int pitch) {
  switch (((pitch % 12) + 12) % 12) {
    case 1: case 3: case 6: case 8: case 10: return true;
    default: return false;
  }
}

PianoLayout::PianoLayout(int first_pitch, int last_pitch, Rect area, float black_height)
    : first_pitch_(first_pitch), last_pitch_(last_pitch), area_(area) {
  if (last_pitch < first_pitch) return;
  int n_white = 0;
  for (int p = first_pitch; p <= last_pitch; ++p) n_white += is_black(p) ? 0 : 1;
  if (n_white == 0) return;
  white_width_ = area.width() / static_cast<float>(n_white);
  index_of_pitch_.assign(static_cast<size_t>(last_pitch - first_pitch + 1), -1);

  std::vector<float> white_x0;  // per pitch: left edge of the white key at or after it
  white_x0.resize(index_of_pitch_.size() + 1, area.x1);
  int w = 0;
  for (int p = first_pitch; p <= last_pitch; ++p) {
    if (is_black(p)) continue;
    Rect r{std::round(area.x0 + w * white_width_), area.y0,
           std::round(area.x0 + (w + 1) * white_width_), area.y1};
    white_x0[static_cast<size_t>(p - first_pitch)] = r.x0;
    index_of_pitch_[static_cast<size_t>(p - first_pitch)] = static_cast<int>(keys_.size());
    keys_.push_back({p, false, r});
    ++w;
  }
  const float black_w = std::round(white_width_ * kBlackWidth);
  const float black_y1 = std::round(area.y0 + area.height() * black_height);
  for (int p = first_pitch + 1; p < last_pitch; ++p) {
    if (!is_black(p)) continue;
    float boundary = white_x0[static_cast<size_t>(p + 1 - first_pitch)];
    float centre = boundary + black_offset(p % 12) * white_width_;
    float x0 = std::round(centre - black_w / 2);
    index_of_pitch_[static_cast<size_t>(p - first_pitch)] = static_cast<int>(keys_.size());
    keys_.push_back({p, true, Rect{x0, area.y0, x0 + black_w, black_y1}});
  }
}

const PianoKey* PianoLayout::key(int pitch) const {
  if (pitch < first_pitch_ || pitch > last_pitch_) return nullptr;
  int i = index_of_pitch_[static_cast<size_t>(pitch - first_pitch_)];
  return i < 0 ? nullptr : &keys_[static_cast<size_t>(i)];
}

std::optional<int> PianoLayout::pitch_at(float x, float y) const {
  if (!area_.contains(x, y)) return std::nullopt;
  for (auto it = keys_.rbegin(); it != keys_.rend(); ++it) {  // black keys are on top
    if (it->rect.contains(x, y)) return it->pitch;
  }
  return std::nullopt;
}

}  // namespace jam
