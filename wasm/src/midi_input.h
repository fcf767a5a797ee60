// midi_input.h — Web MIDI input (web_shell/midi.js): note messages and the device list.
//
//   jam::MidiInput midi;
//   midi.start([&](int pitch, int velocity, bool on) { ... },      // velocity 1..127 when on
//              [&](const jam::MidiInput::Devices& d) { ... });     // availability + devices
//   midi.select("");                                                // every input
//
// Callbacks run from the browser's event loop as messages arrive (not from inside a frame).
// When Web MIDI is missing or refused, the devices callback says so once
// (available = false, status "MIDI unavailable"). Main thread only.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "jam/ui/app_state.h"

namespace jam {

class MidiInput {
 public:
  struct Devices {
    bool available = false;
    std::string status;
    std::vector<MidiDevice> devices;
  };
  using NoteFn = std::function<void(int pitch, int velocity, bool on)>;
  using DevicesFn = std::function<void(const Devices&)>;
  // The device list JSON that web_shell/midi.js reports ({"available", "status", "devices":
  // [{"id", "name"}]}); malformed parts are skipped, status defaults to "MIDI unavailable".
  static Devices parse_devices(const char* json);

  MidiInput() = default;
  MidiInput(const MidiInput&) = delete;
  MidiInput& operator=(const MidiInput&) = delete;

  void start(NoteFn on_note, DevicesFn on_devices);
  void select(const std::string& id);   // "" = every input

  // From JS.
  void on_message(int status, int data1, int data2);
  void on_devices(const char* json);

 private:
  NoteFn on_note_;
  DevicesFn on_devices_;
};

}  // namespace jam
