#include "midi_input.h"

#include <emscripten/emscripten.h>

#include <nlohmann/json.hpp>

// clang-format off
EM_JS(void, jam_js_midi_start, (void* self), {
  if (!window.jamMidi) {
    setTimeout(function() {
      var text = JSON.stringify({available: false, status: 'MIDI unavailable', devices: []});
      var n = lengthBytesUTF8(text) + 1, p = _malloc(n);
      stringToUTF8(text, p, n);
      Module['_jam_midi_devices'](self, p);
      _free(p);
    }, 0);
    return;
  }
  window.jamMidi.start({
    message: function(status, d1, d2) { Module['_jam_midi_message'](self, status, d1, d2); },
    devices: function(info) {
      var text = JSON.stringify(info);
      var n = lengthBytesUTF8(text) + 1, p = _malloc(n);
      stringToUTF8(text, p, n);
      Module['_jam_midi_devices'](self, p);
      _free(p);
    }
  });
});
EM_JS(void, jam_js_midi_select, (const char* id), {
  if (window.jamMidi) window.jamMidi.select(UTF8ToString(id));
});
// clang-format on

extern "C" {
EMSCRIPTEN_KEEPALIVE void jam_midi_message(jam::MidiInput* self, int status, int d1, int d2) {
  self->on_message(status, d1, d2);
}
EMSCRIPTEN_KEEPALIVE void jam_midi_devices(jam::MidiInput* self, const char* json) {
  self->on_devices(json);
}
}

namespace jam {

void MidiInput::start(NoteFn on_note, DevicesFn on_devices) {
  on_note_ = std::move(on_note);
  on_devices_ = std::move(on_devices);
  jam_js_midi_start(this);
}

void MidiInput::select(const std::string& id) { jam_js_midi_select(id.c_str()); }

void MidiInput::on_message(int status, int data1, int data2) {
  if (!on_note_ || data1 < 0 || data1 > 127) return;
  const int kind = status & 0xf0;
  if (kind == 0x90 && data2 > 0) {
    on_note_(data1, data2, true);
  } else if (kind == 0x80 || kind == 0x90) {  // note-on with velocity 0 is a note-off
    on_note_(data1, 0, false);
  }
}

void MidiInput::on_devices(const char* text) {
  if (on_devices_) on_devices_(parse_devices(text));
}

MidiInput::Devices MidiInput::parse_devices(const char* text) {
  using Json = nlohmann::json;
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  Devices d;
  d.status = "MIDI unavailable";
  if (j.is_object()) {
    if (j.contains("available") && j["available"].is_boolean()) d.available = j["available"].get<bool>();
    if (j.contains("status") && j["status"].is_string()) d.status = j["status"];
    if (j.contains("devices") && j["devices"].is_array()) {
      for (const Json& e : j["devices"]) {
        if (!e.is_object() || !e.contains("id") || !e["id"].is_string()) continue;
        MidiDevice dev;
        dev.id = e["id"];
        dev.name = e.contains("name") && e["name"].is_string() ? e["name"].get<std::string>() : dev.id;
        d.devices.push_back(std::move(dev));
      }
    }
  }
  return d;
}

}  // namespace jam
