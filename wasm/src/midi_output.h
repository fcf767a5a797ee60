// midi_output.h — sends the agent's chords (and optionally the user's notes) to a Web MIDI output
// (web_shell/files.js: jamMidiOut), so a DAW or a hardware synth can play or record the jam.
//
//   jam::MidiOutput out;
//   out.start([](const jam::MidiOutput::Devices& d) { ... });   // device list, "MIDI unavailable"
//   out.select(id);                         // "" = off
//   out.chord(command);                     // every ChordCommand sent to the audio
//   out.user_note(60, 100, true, now);      // when "send my notes" is on
//
// Channels: the user's notes on MIDI channel 1 (status nibble 0), the chords on channel 2 (1).
// Chord note-ons/offs carry the command's audio-clock time; files.js maps it to the
// MIDIOutput.send timestamp, so chords scheduled ahead leave the port when they sound. A stop-all
// silences the port at its time (all-notes-off, and note-offs for note-ons already queued).
// Main thread only; the object lives as long as the App (JS calls back into it).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "jam/scheduler.h"
#include "jam/ui/app_state.h"
#include "midi_input.h"

namespace jam {

class MidiOutput {
 public:
  static constexpr int kUserChannel = 0;
  static constexpr int kChordChannel = 1;
  static constexpr int kChordVelocity = 80;

  using Devices = MidiInput::Devices;
  using DevicesFn = std::function<void(const Devices&)>;

  void start(DevicesFn on_devices);
  void select(const std::string& id);
  const std::string& selected() const { return selected_; }
  void chord(const ChordCommand& command);
  void user_note(int pitch, int velocity, bool on, double time_sec);
  void set_user_notes(bool on) { user_notes_ = on; }

  void on_devices(const char* json);   // from JS

 private:
  DevicesFn on_devices_;
  std::string selected_;
  bool user_notes_ = false;
  std::vector<int> chord_on_;   // pitches of the last chord started (note-offs at its stop)
};

}  // namespace jam
