#include "midi_output.h"

#include <emscripten/emscripten.h>

// clang-format off
EM_JS(void, jam_js_midi_out_start, (void* self), {
  var deliver = function(info) {
    var text = JSON.stringify(info);
    var n = lengthBytesUTF8(text) + 1, p = _malloc(n);
    stringToUTF8(text, p, n);
    Module['_jam_midi_out_devices'](self, p);
    _free(p);
  };
  if (!window.jamMidiOut) {
    setTimeout(function() { deliver({available: false, status: 'MIDI unavailable', devices: []}); }, 0);
    return;
  }
  window.jamMidiOut.start(deliver);
});
EM_JS(void, jam_js_midi_out_select, (const char* id), {
  if (window.jamMidiOut) window.jamMidiOut.select(UTF8ToString(id));
});
EM_JS(void, jam_js_midi_out_notes, (int channel, const int* pitches, int n, int velocity, double time), {
  if (!window.jamMidiOut) return;
  var list = [];
  for (var i = 0; i < n; ++i) list.push(HEAP32[(pitches >> 2) + i]);
  window.jamMidiOut.notes(channel, list, velocity, time);
});
EM_JS(void, jam_js_midi_out_all_off, (double time), {
  if (window.jamMidiOut) window.jamMidiOut.allOff(time);
});
// clang-format on

extern "C" EMSCRIPTEN_KEEPALIVE void jam_midi_out_devices(jam::MidiOutput* self, const char* json) {
  self->on_devices(json);
}

namespace jam {

void MidiOutput::start(DevicesFn on_devices) {
  on_devices_ = std::move(on_devices);
  jam_js_midi_out_start(this);
}

void MidiOutput::select(const std::string& id) {
  if (id == selected_) return;
  selected_ = id;
  chord_on_.clear();
  jam_js_midi_out_select(id.c_str());
}

void MidiOutput::chord(const ChordCommand& c) {
  if (selected_.empty()) return;
  switch (c.kind) {
    case ChordCommand::Kind::kStart:
      if (!chord_on_.empty()) {  // never two chords at once on the port
        jam_js_midi_out_notes(kChordChannel, chord_on_.data(), static_cast<int>(chord_on_.size()), 0,
                              c.time_sec);
      }
      chord_on_ = c.pitches;
      jam_js_midi_out_notes(kChordChannel, chord_on_.data(), static_cast<int>(chord_on_.size()),
                            kChordVelocity, c.time_sec);
      break;
    case ChordCommand::Kind::kStop:
      if (chord_on_.empty()) break;
      jam_js_midi_out_notes(kChordChannel, chord_on_.data(), static_cast<int>(chord_on_.size()), 0,
                            c.time_sec);
      chord_on_.clear();
      break;
    case ChordCommand::Kind::kStopAll:
      chord_on_.clear();
      jam_js_midi_out_all_off(c.time_sec);
      break;
  }
}

void MidiOutput::user_note(int pitch, int velocity, bool on, double time_sec) {
  if (selected_.empty() || !user_notes_) return;
  const int p = pitch;
  jam_js_midi_out_notes(kUserChannel, &p, 1, on ? velocity : 0, time_sec);
}

void MidiOutput::on_devices(const char* text) {
  if (on_devices_) on_devices_(MidiInput::parse_devices(text));
}

}  // namespace jam
