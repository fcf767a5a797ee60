// note_input.h — turns user input (computer keys, the mouse on the piano, MIDI) into notes.
//
// Each source holds pitches independently; a pitch sounds while any source holds it, so
// AudioOut and the listener see exactly one note-on and one note-off per sounding span. A key remembers the
// pitch it started, so changing the octave while holding a key releases the right note.
// Lit keys and the note count are written to the AppState.
//
//   jam::NoteInput in(state, audio);
//   in.key_down('A');   // note_on(60), state.lit[60] = user
//   in.key_up('A');     // note_off(60)
//   in.set_listener([&](int pitch, int velocity, bool on) { session.note(pitch, velocity, on); });
//   in.midi_note_on(64, 100);   // velocity 1..127 from the device
//
// Single-threaded. `state` and `audio` must outlive the NoteInput.
#pragma once

#include <array>
#include <functional>
#include <optional>

#include "jam/ui/app_state.h"
#include "jam/ui/audio_out.h"

namespace jam {

class NoteInput {
 public:
  // velocity 1..127 on note-on, 0 on note-off.
  using Listener = std::function<void(int pitch, int velocity, bool on)>;

  NoteInput(AppState& state, AudioOut& audio);
  // Told about every note-on/off after the sound started/stopped.
  void set_listener(Listener listener) { listener_ = std::move(listener); }

  // `key` is an uppercase ASCII key code (see keyboard_map.h). Returns true when the key belongs
  // to the piano (played or octave), false when the caller may use it for something else.
  // Auto-repeat presses must not be forwarded.
  bool key_down(int key);
  bool key_up(int key);

  // The pitch under a pressed mouse button (nullopt: not pressed or not over a key). Call each
  // frame; moving across keys while pressed glides from key to key.
  void set_pointer_pitch(std::optional<int> pitch);

  // A MIDI device's note (velocity 1..127; a note-on with velocity 0 is a note-off).
  void midi_note_on(int pitch, int velocity);
  void midi_note_off(int pitch);

  // Releases everything (window lost focus, page hidden).
  void release_all();

 private:
  void hold(int pitch, float velocity);
  void release(int pitch);

  AppState& state_;
  AudioOut& audio_;
  std::array<int, 128> key_pitch_{};     // per key code: pitch + 1 while held, 0 when up
  std::array<uint8_t, 128> holders_{};   // per pitch: number of sources holding it
  std::array<bool, 128> midi_held_{};
  std::optional<int> pointer_pitch_;
  Listener listener_;
};

}  // namespace jam
