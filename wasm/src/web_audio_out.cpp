#include "web_audio_out.h"

#include <emscripten/emscripten.h>

// clang-format off
EM_JS(void, jam_js_note_on, (int pitch, float velocity), {
  if (window.jamAudio) window.jamAudio.noteOn(pitch, velocity);
});
EM_JS(void, jam_js_note_off, (int pitch), {
  if (window.jamAudio) window.jamAudio.noteOff(pitch);
});
// clang-format on

namespace jam {

void WebAudioOut::note_on(int pitch, float velocity) { jam_js_note_on(pitch, velocity); }
void WebAudioOut::note_off(int pitch) { jam_js_note_off(pitch); }

}  // namespace jam
