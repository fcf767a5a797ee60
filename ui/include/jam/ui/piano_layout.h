// piano_layout.h — geometry of a piano keyboard in a rectangle (no drawing, no ImGui).
//
// White keys split the width evenly (edges rounded to whole pixels so all keys look alike);
// black keys sit on the boundaries with the small offsets of a real piano and are
// `black_height` of the white height. The waterfall uses the same x ranges for its lanes.
//
//   jam::PianoLayout p(21, 108, {0, 600, 1280, 720});   // 88 keys
//   if (auto pitch = p.pitch_at(x, y)) ...;            // black keys win where they overlap
#pragma once

#include <optional>
#include <vector>

namespace jam {

struct Rect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float width() const { return x1 - x0; }
  float height() const { return y1 - y0; }
  bool contains(float x, float y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
};

struct PianoKey {
  int pitch = 0;
  bool black = false;
  Rect rect;
};

class PianoLayout {
 public:
  PianoLayout() = default;
  // first/last: MIDI pitches, both white keys (e.g. 21 = A0 .. 108 = C8).
  PianoLayout(int first_pitch, int last_pitch, Rect area, float black_height = 0.62f);

  static bool is_black(int pitch);

  int first_pitch() const { return first_pitch_; }
  int last_pitch() const { return last_pitch_; }
  const Rect& area() const { return area_; }
  float white_width() const { return white_width_; }

  // All keys, white keys first then black keys (the drawing order).
  const std::vector<PianoKey>& keys() const { return keys_; }
  // The key for `pitch`, or nullptr when out of range.
  const PianoKey* key(int pitch) const;
  std::optional<int> pitch_at(float x, float y) const;

 private:
  int first_pitch_ = 0;
  int last_pitch_ = -1;
  Rect area_;
  float white_width_ = 0;
  std::vector<PianoKey> keys_;
  std::vector<int> index_of_pitch_;  // pitch - first_pitch → index in keys_
};

}  // namespace jam
