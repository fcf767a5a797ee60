// note_input.h — turns user input (computer keys, the mouse on the piano) into notes.
//
// Each source holds pitches independently; a pitch sounds while any source holds it, so
// AudioOut sees exactly one note_on and one note_off per sounding span. A key remembers the
// pitch it started, so changing the octave while holding a key releases the right note.
// Lit keys and the note count are written to the AppState.
//
//   jam::NoteInput in(state, audio);
//   in.key_down('A');   // note_on(60), state.lit[60] = user
//   in.key_up('A');     // note_off(60)
//
// Single-threaded. `state` and `audio` must outlive the NoteInput.
#pragma once

#include <array>
#include <optional>

#include "jam/ui/app_state.h"
#include "jam/ui/audio_out.h"

namespace jam {

class NoteInput {
 public:
  NoteInput(AppState& state, AudioOut& audio);

  // `key` is an uppercase ASCII key code (see keyboard_map.h). Returns true when the key belongs
  // to the piano (played or octave), false when the caller may use it for something else.
  // Auto-repeat presses must not be forwarded.
  bool key_down(int key);
  bool key_up(int key);

  // The pitch under a pressed mouse button (nullopt: not pressed or not over a key). Call each
  // frame; moving across keys while pressed glides from key to key.
  void set_pointer_pitch(std::optional<int> pitch);

  // Releases everything (window lost focus, page hidden).
  void release_all();

 private:
  void hold(int pitch, float velocity);
  void release(int pitch);

  AppState& state_;
  AudioOut& audio_;
  std::array<int, 128> key_pitch_{};     // per key code: pitch + 1 while held, 0 when up
  std::array<uint8_t, 128> holders_{};   // per pitch: number of sources holding it
  std::optional<int> pointer_pitch_;
};

}  // namespace jam
