// fuzz_midi.cpp — libFuzzer target for the Standard MIDI File reader and the MIDI -> Song bridge
// (core/include/jam/midi_file.h). Input: any bytes, read as an .mid file.
// Properties: read_midi never crashes, and a file it accepts goes through melody/chord extraction
// and the tempo map without crashing; a Song extracted from it is written back with write_midi and
// that output is itself a readable MIDI file.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz_check.h"
#include "jam/midi_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jam::Result<jam::MidiFile> midi = jam::read_midi(std::span<const uint8_t>(data, size));
  if (!midi) return 0;

  const jam::MidiMelodySource src = jam::find_melody_track(*midi);
  (void)jam::midi_tick_to_seconds(*midi, 0);
  for (const jam::MidiTrack& track : midi->tracks) {
    (void)jam::midi_tick_to_seconds(*midi, track.end_tick);
    (void)jam::chords_from_midi_track(track, midi->ppq);
  }
  if (src.track >= 0) {
    const int ppq = midi->ppq;
    (void)jam::melody_notes_from_midi(*midi, src, [ppq](int64_t tick) {
      return static_cast<double>(tick) * 4.0 / ppq;
    });
  }

  jam::Result<jam::Song> song = jam::melody_from_midi(*midi);
  if (!song) return 0;
  // Writing is only meaningful for songs of sane length (write_midi emits every event).
  if (song->n_frames > 1 << 20) return 0;
  const std::vector<uint8_t> out = jam::write_midi(*song);
  jam::Result<jam::MidiFile> back = jam::read_midi(out);
  JAM_FUZZ_CHECK(back.ok(), back.error().c_str());
  return 0;
}
