#include "jam/ui/keyboard_map.h"

namespace jam {

std::optional<int> keyboard_semitone(int key) {
  switch (key) {
    case 'A': return 0;   // C
    case 'W': return 1;
    case 'S': return 2;   // D
    case 'E': return 3;
    case 'D': return 4;   // E
    case 'F': return 5;   // F
    case 'T': return 6;
    case 'G': return 7;   // G
    case 'Y': return 8;
    case 'H': return 9;   // A
    case 'U': return 10;
    case 'J': return 11;  // B
    case 'K': return 12;  // C
    case 'O': return 13;
    case 'L': return 14;  // D
    case 'P': return 15;
    case ';': return 16;  // E
    default: return std::nullopt;
  }
}

int keyboard_octave_step(int key) {
  if (key == 'Z') return -1;
  if (key == 'X') return +1;
  return 0;
}

int keyboard_base_pitch(int octave) { return 12 * (octave + 1); }

}  // namespace jam
