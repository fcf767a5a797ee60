#include "web_audio_out.h"

#include <emscripten/emscripten.h>

// clang-format off
EM_JS(double, jam_js_audio_now, (), {
  return window.jamAudio ? window.jamAudio.now() : 0;
});
EM_JS(void, jam_js_note_on, (int pitch, float velocity), {
  if (window.jamAudio) window.jamAudio.noteOn(pitch, velocity);
});
EM_JS(void, jam_js_note_off, (int pitch), {
  if (window.jamAudio) window.jamAudio.noteOff(pitch);
});
EM_JS(void, jam_js_chord_start, (double time, const int* pitches, int n, float velocity), {
  if (!window.jamAudio) return;
  var list = [];
  for (var i = 0; i < n; ++i) list.push(HEAP32[(pitches >> 2) + i]);
  window.jamAudio.chordStart(time, list, velocity);
});
EM_JS(void, jam_js_chord_stop, (double time, int all), {
  if (!window.jamAudio) return;
  if (all) window.jamAudio.chordStopAll(time); else window.jamAudio.chordStop(time);
});
EM_JS(void, jam_js_click, (double time, int accent), {
  if (window.jamAudio) window.jamAudio.click(time, !!accent);
});
EM_JS(void, jam_js_audio_setting, (const char* part, const char* instrument, float volume), {
  if (!window.jamAudio) return;
  var p = UTF8ToString(part);
  if (instrument) window.jamAudio.setInstrument(p, UTF8ToString(instrument));
  else window.jamAudio.setVolume(p, volume);
});
// clang-format on

namespace jam {

namespace {
const char* part_name(AudioPart part) {
  switch (part) {
    case AudioPart::kMelody: return "melody";
    case AudioPart::kChords: return "chords";
    case AudioPart::kMetronome: return "metronome";
  }
  return "";
}
}  // namespace

double WebAudioOut::now() const { return jam_js_audio_now(); }
void WebAudioOut::note_on(int pitch, float velocity) { jam_js_note_on(pitch, velocity); }
void WebAudioOut::note_off(int pitch) { jam_js_note_off(pitch); }

void WebAudioOut::chord_start(double time, const std::vector<int>& pitches, float velocity) {
  jam_js_chord_start(time, pitches.data(), static_cast<int>(pitches.size()), velocity);
}
void WebAudioOut::chord_stop(double time) { jam_js_chord_stop(time, 0); }
void WebAudioOut::chord_stop_all(double time) { jam_js_chord_stop(time, 1); }
void WebAudioOut::click(double time, bool accent) { jam_js_click(time, accent ? 1 : 0); }

void WebAudioOut::set_instrument(AudioPart part, const std::string& id) {
  jam_js_audio_setting(part_name(part), id.c_str(), 0.0f);
}
void WebAudioOut::set_volume(AudioPart part, float volume) {
  jam_js_audio_setting(part_name(part), nullptr, volume);
}

}  // namespace jam
