// audio_out.h — the sound interface the UI plays notes through.
//
// The browser implements it with Web Audio (wasm/web_audio_out.*); a native test can record the
// calls. note_on/note_off are balanced per pitch by NoteInput: a pitch gets note_off before it
// gets another note_on.
//
// Single-threaded: called from the thread that handles input and draws.
#pragma once

namespace jam {

class AudioOut {
 public:
  virtual ~AudioOut() = default;
  // pitch: MIDI 0..127; velocity: 0..1.
  virtual void note_on(int pitch, float velocity) = 0;
  virtual void note_off(int pitch) = 0;
};

}  // namespace jam
