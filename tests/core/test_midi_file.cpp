// Standard MIDI File reader/writer: hand-built files, the melody rule, round trips, corrupt input.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "jam/midi_file.h"

namespace {

using Bytes = std::vector<uint8_t>;

void put32(Bytes& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

Bytes header(int format, int ntrks, int division) {
  Bytes b = {'M', 'T', 'h', 'd', 0, 0, 0, 6};
  b.insert(b.end(), {0, static_cast<uint8_t>(format), 0, static_cast<uint8_t>(ntrks),
                     static_cast<uint8_t>(division >> 8), static_cast<uint8_t>(division & 0xFF)});
  return b;
}

void add_track(Bytes& file, const Bytes& body) {
  file.insert(file.end(), {'M', 'T', 'r', 'k'});
  put32(file, static_cast<uint32_t>(body.size()));
  file.insert(file.end(), body.begin(), body.end());
}

jam::Song example_song() {
  jam::Song s;
  s.id = "round-trip";
  s.n_frames = 48;
  s.beats_per_bar = 3;
  s.tempo_bpm = 97.0;
  s.melody = {{0, 2, 60, 90}, {2, 3, 62, 1}, {4, 12, 64, 127}, {12, 13, 64, 64}, {20, 47, 71, 33}};
  s.chords = {{0, 8, 0, {4, 3}, 0},      {8, 12, 9, {3, 4, 3}, 3}, {12, 16, 7, {4, 3, 3}, 1},
              {16, 24, 2, {4, 3, 14}, 0}, {24, 28, 5, {}, 0},       {28, 30, 5, {5, 2, 3}, 2},
              {32, 48, 11, {3, 3, 4}, 0}};
  return s;
}

}  // namespace

TEST(MidiFile, ReadsFormat0WithRunningStatusSysexAndTempoChanges) {
  // PPQ 96; tempo 100 bpm at 0 and 150 bpm at tick 192; 6/8; a sysex; running-status notes
  // where note-on velocity 0 ends a note.
  Bytes body = {
      0x00, 0xFF, 0x03, 0x04, 'L', 'e', 'a', 'd',       // track name
      0x00, 0xFF, 0x51, 0x03, 0x09, 0x27, 0xC0,          // 600000 us = 100 bpm
      0x00, 0xFF, 0x58, 0x04, 0x06, 0x03, 0x18, 0x08,    // 6/8
      0x00, 0xF0, 0x03, 0x7E, 0x7F, 0xF7,                // sysex, skipped
      0x00, 0x91, 0x3C, 0x50,                            // ch1 C4 on vel 80
      0x30, 0x3C, 0x00,                                  // +48: running status, vel 0 = off
      0x00, 0x3E, 0x64,                                  // D4 on vel 100
      0x81, 0x10, 0xFF, 0x51, 0x03, 0x06, 0x1A, 0x80,    // +144 (tick 192): 400000 us = 150 bpm
      0x00, 0x81, 0x3E, 0x00,                            // D4 off at 192
      0x00, 0xFF, 0x2F, 0x00};
  Bytes file = header(0, 1, 96);
  add_track(file, body);
  auto m = jam::read_midi(file);
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(m->format, 0);
  EXPECT_EQ(m->ppq, 96);
  ASSERT_EQ(m->tracks.size(), 1u);
  EXPECT_EQ(m->tracks[0].name, "Lead");
  ASSERT_EQ(m->tracks[0].notes.size(), 2u);
  EXPECT_EQ(m->tracks[0].notes[0].on_tick, 0);
  EXPECT_EQ(m->tracks[0].notes[0].off_tick, 48);
  EXPECT_EQ(m->tracks[0].notes[0].channel, 1);
  EXPECT_EQ(m->tracks[0].notes[0].velocity, 80);
  EXPECT_EQ(m->tracks[0].notes[1].pitch, 62);
  EXPECT_EQ(m->tracks[0].notes[1].on_tick, 48);
  EXPECT_EQ(m->tracks[0].notes[1].off_tick, 192);
  ASSERT_EQ(m->tempos.size(), 2u);
  EXPECT_DOUBLE_EQ(m->tempos[0].bpm(), 100.0);
  EXPECT_DOUBLE_EQ(m->tempos[1].bpm(), 150.0);
  ASSERT_EQ(m->time_signatures.size(), 1u);
  EXPECT_EQ(m->time_signatures[0].numerator, 6);
  EXPECT_EQ(m->time_signatures[0].denominator, 8);
  // Two quarters at 100 bpm (1.2 s) then one at 150 bpm (0.4 s).
  EXPECT_NEAR(jam::midi_tick_to_seconds(*m, 192), 1.2, 1e-12);
  EXPECT_NEAR(jam::midi_tick_to_seconds(*m, 288), 1.6, 1e-12);

  auto s = jam::melody_from_midi(*m);
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_DOUBLE_EQ(s->tempo_bpm, 100.0);  // the first tempo event
  EXPECT_EQ(s->beats_per_bar, 3);         // 6/8 = three quarter notes
  ASSERT_EQ(s->melody.size(), 2u);
  EXPECT_EQ(s->melody[0].on, 0);
  EXPECT_EQ(s->melody[0].off, 2);  // 48 ticks at PPQ 96 = 2 sixteenths
  EXPECT_EQ(s->melody[1].on, 2);
  EXPECT_EQ(s->melody[1].off, 8);
  EXPECT_EQ(s->melody[1].velocity, 100);
  EXPECT_EQ(s->n_frames, 8);
}

TEST(MidiFile, QuantizesWithAnyPpqAndAppliesTheMonophonicRule) {
  // PPQ 120 (30 ticks per frame). Chord-like overlaps in one track:
  //   A: 64 at tick 0..95 (frames 0..3, since 95/30 = 3.17 -> 3)
  //   B: 67 at tick 14..200 (rounds to frame 0: same frame as A; A came first in tick order -> B dropped)
  //   C: 69 at tick 50..130 (frame 2 -> cuts A at 2; ends at 4)
  //   D: 59 at tick 300..301 (frame 10, zero-length after rounding -> one frame)
  Bytes body = {0x00, 0x90, 64, 100,  14, 0x90, 67, 100, 36, 0x90, 69, 100, 45, 0x80, 64, 0,
                35,   0x80, 69, 0,    70, 0x80, 67, 0,   100, 0x90, 59, 70, 1,  0x80, 59, 0,
                0x00, 0xFF, 0x2F, 0x00};
  Bytes file = header(1, 1, 120);
  add_track(file, body);
  auto m = jam::read_midi(file);
  ASSERT_TRUE(m.ok()) << m.error();
  auto s = jam::melody_from_midi(*m);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->melody.size(), 3u);
  EXPECT_EQ(s->melody[0].pitch, 64);
  EXPECT_EQ(s->melody[0].on, 0);
  EXPECT_EQ(s->melody[0].off, 2);
  EXPECT_EQ(s->melody[1].pitch, 69);
  EXPECT_EQ(s->melody[1].on, 2);
  EXPECT_EQ(s->melody[1].off, 4);
  EXPECT_EQ(s->melody[2].pitch, 59);
  EXPECT_EQ(s->melody[2].on, 10);
  EXPECT_EQ(s->melody[2].off, 11);
  EXPECT_EQ(s->tempo_bpm, 120.0);
  EXPECT_EQ(s->beats_per_bar, 4);
}

TEST(MidiFile, PicksTheMelodyTrack) {
  auto track_with = [](const std::string& name, std::vector<int> pitches, int channel) {
    Bytes b = {0x00, 0xFF, 0x03, static_cast<uint8_t>(name.size())};
    for (char ch : name) b.push_back(static_cast<uint8_t>(ch));
    for (int p : pitches)
      b.insert(b.end(), {0x00, static_cast<uint8_t>(0x90 | channel), static_cast<uint8_t>(p), 90, 0x30,
                         static_cast<uint8_t>(0x80 | channel), static_cast<uint8_t>(p), 0});
    b.insert(b.end(), {0x00, 0xFF, 0x2F, 0x00});
    return b;
  };
  {  // Named MELODY wins even with fewer, lower notes.
    Bytes f = header(1, 3, 480);
    add_track(f, track_with("PIANO", {72, 74, 76, 77, 79}, 0));
    add_track(f, track_with("MELODY", {50, 52}, 1));
    add_track(f, track_with("BRIDGE", {80, 81, 82}, 2));
    auto m = jam::read_midi(f);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(jam::find_melody_track(*m).track, 1);
    EXPECT_EQ(jam::find_melody_track(*m, "bridge").track, 2);
    EXPECT_EQ(jam::find_melody_track(*m, "nope").track, -1);
    EXPECT_FALSE(jam::melody_from_midi(*m, {"nope", true}).ok());
  }
  {  // Unnamed: highest mean pitch among tracks with at least half the busiest track's notes;
     // drums (channel 9) never count.
    Bytes f = header(1, 4, 480);
    add_track(f, track_with("", {40, 41, 42, 43, 44, 45, 46, 47}, 0));
    add_track(f, track_with("", {70, 71, 72, 73}, 1));
    add_track(f, track_with("", {90, 91, 92}, 2));  // too few notes
    add_track(f, track_with("", {100, 101, 102, 103, 104, 105, 106, 107, 108}, 9));
    auto m = jam::read_midi(f);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(jam::find_melody_track(*m).track, 1);
    EXPECT_EQ(jam::find_melody_track(*m).channel, 1);
  }
}

TEST(MidiFile, RoundTripIsLosslessOnTheFrameGrid) {
  const jam::Song song = example_song();
  ASSERT_FALSE(jam::validate_song(song).has_value());
  for (int ppq : {480, 96}) {
    const Bytes bytes = jam::write_midi(song, {ppq, 80, 0, 1});
    auto m = jam::read_midi(bytes);
    ASSERT_TRUE(m.ok()) << m.error();
    EXPECT_EQ(m->ppq, ppq);
    ASSERT_EQ(m->tracks.size(), 3u);
    EXPECT_EQ(m->tracks[0].name, "round-trip");
    EXPECT_EQ(m->tracks[1].name, "Melody");
    EXPECT_EQ(m->tracks[2].name, "Chords");
    for (const jam::MidiNote& n : m->tracks[1].notes) EXPECT_EQ(n.channel, 0);
    for (const jam::MidiNote& n : m->tracks[2].notes) EXPECT_EQ(n.channel, 1);
    // Voicing of the last chord (B half-diminished): bass B in octave 3 (59), B D F A in octave 4.
    std::vector<int> last;
    for (const jam::MidiNote& n : m->tracks[2].notes)
      if (n.on_tick == 32 * ppq / 4) last.push_back(n.pitch);
    std::sort(last.begin(), last.end());
    EXPECT_EQ(last, (std::vector<int>{59, 62, 65, 69, 71}));

    auto back = jam::melody_from_midi(*m);
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(back->id, song.id);
    EXPECT_EQ(back->n_frames, song.n_frames);
    EXPECT_EQ(back->beats_per_bar, song.beats_per_bar);
    EXPECT_DOUBLE_EQ(back->tempo_bpm, song.tempo_bpm);
    ASSERT_EQ(back->melody.size(), song.melody.size());
    for (size_t i = 0; i < song.melody.size(); ++i) {
      EXPECT_EQ(back->melody[i].on, song.melody[i].on) << i;
      EXPECT_EQ(back->melody[i].off, song.melody[i].off) << i;
      EXPECT_EQ(back->melody[i].pitch, song.melody[i].pitch) << i;
      EXPECT_EQ(back->melody[i].velocity, song.melody[i].velocity) << i;
    }
    ASSERT_EQ(back->chords.size(), song.chords.size());
    for (size_t i = 0; i < song.chords.size(); ++i) {
      EXPECT_EQ(back->chords[i].on, song.chords[i].on) << i;
      EXPECT_EQ(back->chords[i].off, song.chords[i].off) << i;
      EXPECT_EQ(back->chords[i].root_pc, song.chords[i].root_pc) << i;
      EXPECT_EQ(back->chords[i].intervals, song.chords[i].intervals) << i;
      EXPECT_EQ(back->chords[i].inversion, song.chords[i].inversion) << i;
    }
  }
}

TEST(MidiFile, InfersForeignChordsFromPitches) {
  // A chord track without jam:chord labels: E3 C4 E4 G4 (C/E), then A3 C4 E4 G4 (Am7), F3 G3 C4
  // (Fsus2: the bass-rooted shape wins over Csus4/F), D7.
  jam::MidiTrack t;
  t.name = "Chords";
  auto add = [&](int64_t on, int64_t off, std::vector<int> ps) {
    for (int p : ps) t.notes.push_back({on, off, 1, p, 80});
  };
  add(0, 480, {52, 60, 64, 67});
  add(480, 960, {57, 60, 64, 67});
  add(960, 1440, {53, 55, 60});
  add(1440, 1920, {62, 66, 69, 72});  // D7: D F# A C
  const auto chords = jam::chords_from_midi_track(t, 480);
  ASSERT_EQ(chords.size(), 4u);
  EXPECT_EQ(chords[0].root_pc, 0);
  EXPECT_EQ(chords[0].intervals, (std::vector<int>{4, 3}));
  EXPECT_EQ(chords[0].inversion, 1);
  EXPECT_EQ(chords[1].root_pc, 9);
  EXPECT_EQ(chords[1].intervals, (std::vector<int>{3, 4, 3}));
  EXPECT_EQ(chords[1].inversion, 0);
  EXPECT_EQ(chords[2].on, 8);
  EXPECT_EQ(chords[2].off, 12);
  EXPECT_EQ(chords[2].root_pc, 5);  // C F G = Fsus2 (sus shapes before the fallback)
  EXPECT_EQ(chords[2].intervals, (std::vector<int>{2, 5}));
  EXPECT_EQ(chords[3].root_pc, 2);
  EXPECT_EQ(chords[3].intervals, (std::vector<int>{4, 3, 3}));
}

TEST(MidiFile, RejectsCorruptFilesWithClearErrors) {
  EXPECT_FALSE(jam::read_midi(Bytes{}).ok());
  EXPECT_NE(jam::read_midi(std::string_view("hello world, not midi")).error().find("MThd"), std::string::npos);
  {  // SMPTE division.
    Bytes f = header(1, 0, 0xE728);
    EXPECT_NE(jam::read_midi(f).error().find("SMPTE"), std::string::npos);
  }
  {  // Format 2.
    Bytes f = header(2, 0, 96);
    EXPECT_FALSE(jam::read_midi(f).ok());
  }
  {  // A track chunk claiming 4 GB: an error, not an allocation.
    Bytes f = header(1, 1, 96);
    f.insert(f.end(), {'M', 'T', 'r', 'k', 0xFF, 0xFF, 0xFF, 0xF0, 0x00, 0x90, 60, 100});
    auto r = jam::read_midi(f);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("truncated MTrk"), std::string::npos) << r.error();
  }
  {  // Missing tracks.
    Bytes f = header(1, 2, 96);
    add_track(f, {0x00, 0xFF, 0x2F, 0x00});
    EXPECT_NE(jam::read_midi(f).error().find("declares 2 tracks"), std::string::npos);
  }
  {  // Data byte with no status.
    Bytes f = header(0, 1, 96);
    add_track(f, {0x00, 0x3C, 0x40, 0x00, 0xFF, 0x2F, 0x00});
    EXPECT_NE(jam::read_midi(f).error().find("running status"), std::string::npos);
  }
  {  // Over-long variable-length delta.
    Bytes f = header(0, 1, 96);
    add_track(f, {0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x90, 0x3C, 0x40});
    EXPECT_NE(jam::read_midi(f).error().find("delta"), std::string::npos);
  }
}

TEST(MidiFile, EveryPrefixAndRandomCorruptionIsHandled) {
  const Bytes good = jam::write_midi(example_song());
  int ok = 0;
  for (size_t n = 0; n < good.size(); ++n) {
    auto r = jam::read_midi(std::span<const uint8_t>(good.data(), n));
    if (r.ok()) ++ok;
    else EXPECT_FALSE(r.error().empty());
  }
  EXPECT_EQ(ok, 0);  // every strict prefix loses a declared track or a chunk's bytes
  std::mt19937 rng(1234);
  for (int iter = 0; iter < 3000; ++iter) {
    Bytes b = good;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < flips; ++k) b[rng() % b.size()] = static_cast<uint8_t>(rng());
    auto r = jam::read_midi(b);
    if (r.ok()) {
      auto s = jam::melody_from_midi(*r);  // must not crash either
      EXPECT_TRUE(s.ok() || !s.error().empty());
    }
  }
}
