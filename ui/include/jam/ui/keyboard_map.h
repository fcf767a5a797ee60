// keyboard_map.h — the computer keyboard as a piano.
//
// Two rows like a piano: the home row plays white keys, the row above plays black keys.
//   W E   T Y U   O P
//  A S D F G H J K L ;     A = C of the current octave, K = the C above.
// Z / X shift the octave down / up. Keys are identified by their uppercase ASCII character
// (GLFW's key codes for letters and ';' are exactly these).
//
//   if (auto off = jam::keyboard_semitone('E')) pitch = jam::keyboard_base_pitch(4) + *off; // 63
#pragma once

#include <optional>

namespace jam {

// Semitones above the octave's C for a piano key, or nullopt when `key` is not one.
std::optional<int> keyboard_semitone(int key);

// +1 for the octave-up key, -1 for octave-down, 0 otherwise.
int keyboard_octave_step(int key);

// MIDI pitch of the 'A' key in `octave` (scientific pitch notation: octave 4 → 60).
int keyboard_base_pitch(int octave);

constexpr int kKeyboardMinOctave = 1;
constexpr int kKeyboardMaxOctave = 7;

}  // namespace jam
