#include "jam/ui/note_input.h"

#include <algorithm>

#include "jam/ui/keyboard_map.h"

namespace jam {

namespace {
constexpr float kKeyboardVelocity = 0.8f;
constexpr float kPointerVelocity = 0.75f;
bool valid_key(int key) { return key >= 0 && key < 128; }
bool valid_pitch(int pitch) { return pitch >= 0 && pitch < 128; }
}  // namespace

NoteInput::NoteInput(AppState& state, AudioOut& audio) : state_(state), audio_(audio) {}

bool NoteInput::key_down(int key) {
  if (!valid_key(key)) return false;
  if (int step = keyboard_octave_step(key)) {
    state_.keyboard_octave =
        std::clamp(state_.keyboard_octave + step, kKeyboardMinOctave, kKeyboardMaxOctave);
    return true;
  }
  auto semitone = keyboard_semitone(key);
  if (!semitone) return false;
  if (key_pitch_[key] != 0) return true;  // already held (a missed key-up): keep the note
  int pitch = keyboard_base_pitch(state_.keyboard_octave) + *semitone;
  if (!valid_pitch(pitch)) return true;
  key_pitch_[key] = pitch + 1;
  hold(pitch, kKeyboardVelocity);
  return true;
}

bool NoteInput::key_up(int key) {
  if (!valid_key(key)) return false;
  if (keyboard_octave_step(key) != 0) return true;
  if (!keyboard_semitone(key)) return false;
  if (key_pitch_[key] != 0) {
    release(key_pitch_[key] - 1);
    key_pitch_[key] = 0;
  }
  return true;
}

void NoteInput::set_pointer_pitch(std::optional<int> pitch) {
  if (pitch && !valid_pitch(*pitch)) pitch.reset();
  if (pitch == pointer_pitch_) return;
  // Start the new note before releasing the old one: a glide never has a silent gap.
  if (pitch) hold(*pitch, kPointerVelocity);
  if (pointer_pitch_) release(*pointer_pitch_);
  pointer_pitch_ = pitch;
}

void NoteInput::midi_note_on(int pitch, int velocity) {
  if (!valid_pitch(pitch)) return;
  if (velocity <= 0) return midi_note_off(pitch);
  if (midi_held_[pitch]) midi_note_off(pitch);  // a repeated note-on restarts the note
  midi_held_[pitch] = true;
  hold(pitch, static_cast<float>(std::min(velocity, 127)) / 127.0f);
}

void NoteInput::midi_note_off(int pitch) {
  if (!valid_pitch(pitch) || !midi_held_[pitch]) return;
  midi_held_[pitch] = false;
  release(pitch);
}

void NoteInput::release_all() {
  for (int p = 0; p < 128; ++p) midi_note_off(p);
  for (int key = 0; key < 128; ++key) {
    if (key_pitch_[key] != 0) release(key_pitch_[key] - 1);
    key_pitch_[key] = 0;
  }
  set_pointer_pitch(std::nullopt);
}

void NoteInput::hold(int pitch, float velocity) {
  if (holders_[pitch]++ > 0) return;
  state_.lit[pitch] = NoteSource::user;
  ++state_.notes_played;
  audio_.note_on(pitch, velocity);
  if (listener_) listener_(pitch, std::clamp(static_cast<int>(velocity * 127.0f + 0.5f), 1, 127), true);
}

void NoteInput::release(int pitch) {
  if (holders_[pitch] == 0) return;
  if (--holders_[pitch] > 0) return;
  if (state_.lit[pitch] == NoteSource::user) state_.lit[pitch] = NoteSource::none;
  audio_.note_off(pitch);
  if (listener_) listener_(pitch, 0, false);
}

}  // namespace jam
