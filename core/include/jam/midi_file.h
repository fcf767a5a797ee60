// midi_file.h — Standard MIDI Files (SMF) in and out, and the Song <-> MIDI bridges.
//
//   jam::Result<jam::MidiFile> m = jam::read_midi(bytes);          // format 0 or 1, any PPQ
//   if (!m) report(m.error());
//   jam::Result<jam::Song> s = jam::melody_from_midi(*m);           // melody (+ chords if present)
//   std::vector<uint8_t> out = jam::write_midi(song);               // format 1, PPQ 480
//
// Reader contract: running status, meta events (track name, tempo, time signature, text,
// end of track), sysex (F0/F7, skipped), unknown chunks (skipped), note-on with velocity 0 as
// note-off, overlapping same-pitch notes paired first-in first-out, notes still open at the end
// of a track closed at its last tick. A corrupt or truncated file gives an error value naming
// the byte offset; nothing allocates more than a small multiple of the input size.
//
// Frames: frame = round(tick * 4 / ppq) (4 frames per quarter note, tick 0 = frame 0).
// Melody track choice (melody_from_midi, unless options name a track): the first track whose
// name contains "melody" (any case; POP909's MELODY, our "Melody"); otherwise, among
// (track, channel) groups outside the drum channel 9 with at least half as many notes as the
// busiest group, the one with the highest mean pitch.
// The melody is made monophonic by jam::monophonize (ReaLJam rule: the first note to start in a
// frame wins, a held note lasts until its off or the next onset; notes are taken in tick order,
// ties to the higher pitch); a note shorter than half a frame still lasts one frame.
// Tempo = the first tempo event, rounded to 0.001 bpm (120 without one); beats_per_bar = the
// first time signature's bar length in quarter notes (numerator * 4 / denominator, 6/8 -> 3;
// the numerator when that is not whole), 4 without one.
//
// Writer contract: format 1, three tracks: conductor (name = song id, tempo, time signature
// beats_per_bar/4), "Melody" (channel 0, velocities kept) and "Chords" (channel 1): each chord is
// voiced as its bass in octave 3 (MIDI 48..59) plus every chord pitch class in octave 4 (60..71)
// (chord_bass_pc / chord_pc_mask from chord_vocab.h, the same voicing as ChordVocab::voicing), and
// carries a text event "jam:chord <root_pc> <i1,i2,..> <inversion>" at its onset so that
// song -> MIDI -> song is exact at 16th-note resolution. Foreign chord tracks without such text
// events are read back by matching the sounding pitch classes against common chord shapes.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jam/result.h"
#include "jam/song.h"

namespace jam {

struct MidiNote {
  int64_t on_tick = 0;
  int64_t off_tick = 0;  // exclusive; == on_tick for a zero-length note
  int channel = 0;       // 0..15
  int pitch = 60;        // 0..127
  int velocity = 100;    // 1..127
};

struct MidiText {
  int64_t tick = 0;
  int type = 1;  // meta type: 1 text, 5 lyric, 6 marker, ...
  std::string text;
};

struct MidiTrack {
  std::string name;              // first track-name meta event, "" if none
  std::vector<MidiNote> notes;   // sorted by on_tick (stable in file order)
  std::vector<MidiText> texts;   // text-like meta events (types 1, 5, 6, 7)
  int64_t end_tick = 0;          // tick of the end-of-track event (or last event)
};

struct MidiTempo {
  int64_t tick = 0;
  int us_per_quarter = 500000;
  double bpm() const { return 60000000.0 / us_per_quarter; }
};

struct MidiTimeSignature {
  int64_t tick = 0;
  int numerator = 4;
  int denominator = 4;  // the real denominator (2^dd), not its exponent
};

struct MidiFile {
  int format = 1;
  int ppq = 480;                                // ticks per quarter note
  std::vector<MidiTrack> tracks;
  std::vector<MidiTempo> tempos;                // all tracks, sorted by tick
  std::vector<MidiTimeSignature> time_signatures;  // all tracks, sorted by tick
};

Result<MidiFile> read_midi(std::span<const uint8_t> bytes);
Result<MidiFile> read_midi(std::string_view bytes);

// Seconds at `tick` under the file's tempo map (120 bpm before the first tempo event).
double midi_tick_to_seconds(const MidiFile& midi, int64_t tick);

// Frame nearest to `tick` (round(tick * 4 / ppq), halves away from zero).
Frame midi_tick_to_frame(int64_t tick, int ppq);

struct MelodyFromMidiOptions {
  std::string melody_track;   // exact (case-insensitive) track name to use; "" = automatic
  bool read_chords = true;    // also read a "Chords" track (ours or foreign) into song.chords
};

// Where the melody lives: a track, and a channel within it (-1 = all channels of the track).
struct MidiMelodySource {
  int track = -1;    // -1 when no track has notes (or the named track does not exist)
  int channel = -1;
};

// The melody source by the rule above; `name` non-empty forces the track of that name.
MidiMelodySource find_melody_track(const MidiFile& midi, const std::string& name = "");

// The melody notes of `src`: every tick is mapped to a fractional frame by `frame_of` and rounded;
// notes ending at or before frame 0 are dropped, earlier onsets clipped to 0, every note lasts at
// least one frame; then monophonized (tick order, ties to the higher pitch). Velocities kept.
std::vector<Note> melody_notes_from_midi(const MidiFile& midi, const MidiMelodySource& src,
                                         const std::function<double(int64_t tick)>& frame_of);

// Song from a MIDI file: id (the name of a note-less first track in format 1, else ""), melody,
// chords (when read_chords, from the first other track whose name contains "chord", any case),
// tempo, beats_per_bar; n_frames = the last end-of-track or note-off, rounded up to a frame.
Result<Song> melody_from_midi(const MidiFile& midi, const MelodyFromMidiOptions& options = {});

// Chords from the notes (and jam:chord text events) of one track.
std::vector<ChordEvent> chords_from_midi_track(const MidiTrack& track, int ppq);

// The corpus-form chord sounding `pitches` over [on, off): the lowest pitch is the bass, the
// pitch-class set is matched against common chord shapes (root position first), else stacked
// upwards from the bass. The rule used for foreign chord tracks; write_midi voices the result
// with the same pitch classes and bass.
ChordEvent chord_from_pitches(Frame on, Frame off, const std::vector<int>& pitches);

struct WriteMidiOptions {
  int ppq = 480;             // ticks per quarter note (480 or 96 are typical)
  int chord_velocity = 80;   // chord-track note velocity
  int melody_channel = 0;
  int chord_channel = 1;
};

std::vector<uint8_t> write_midi(const Song& song, const WriteMidiOptions& options = {});

}  // namespace jam
