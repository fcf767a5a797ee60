#include "jam/melody.h"

#include <algorithm>
#include <numeric>

namespace jam {

std::vector<Note> monophonize(const std::vector<Note>& notes) {
  std::vector<size_t> order(notes.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return notes[a].on < notes[b].on; });
  std::vector<Note> out;
  out.reserve(notes.size());
  for (size_t idx : order) {
    const Note& n = notes[idx];
    if (n.off <= n.on) continue;
    if (!out.empty() && out.back().on == n.on) continue;  // same start frame: first one wins
    if (!out.empty() && out.back().off > n.on) out.back().off = n.on;  // cut the held note
    out.push_back(n);
  }
  return out;
}

MelodyFrames melody_frames(const std::vector<Note>& notes, Frame n_frames) {
  MelodyFrames mf;
  const size_t n = static_cast<size_t>(std::max<Frame>(n_frames, 0));
  mf.pitch.assign(n, -1);
  mf.onset.assign(n, 0);
  for (const Note& note : monophonize(notes)) {
    if (note.on >= n_frames || note.off <= 0) continue;
    const Frame on = std::max<Frame>(note.on, 0);
    const Frame off = std::min<Frame>(note.off, n_frames);
    for (Frame t = on; t < off; ++t) mf.pitch[static_cast<size_t>(t)] = note.pitch;
    if (note.on >= 0) mf.onset[static_cast<size_t>(on)] = 1;
  }
  return mf;
}

std::vector<Note> notes_from_frames(const MelodyFrames& frames, int velocity) {
  std::vector<Note> out;
  const Frame n = static_cast<Frame>(frames.pitch.size());
  for (Frame t = 0; t < n; ++t) {
    const int p = frames.pitch[static_cast<size_t>(t)];
    const bool onset =
        t < static_cast<Frame>(frames.onset.size()) && frames.onset[static_cast<size_t>(t)];
    const bool continues = !out.empty() && out.back().off == t && out.back().pitch == p && !onset;
    if (p < 0) continue;
    if (continues) {
      out.back().off = t + 1;
    } else {
      out.push_back(Note{t, t + 1, p, velocity});
    }
  }
  return out;
}

}  // namespace jam
