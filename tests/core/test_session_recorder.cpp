// SessionRecorder: notes and sounding chords of a jam -> Session -> JSON and MIDI, read back.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "jam/midi_file.h"
#include "jam/scheduler.h"
#include "jam/session_json.h"
#include "jam/session_recorder.h"

namespace {

constexpr double kOrigin = 10.0;      // audio time of frame 0
constexpr double kFrameSec = 0.125;   // 120 bpm

jam::ChordCommand start(jam::Frame f, std::vector<int> pitches) {
  jam::ChordCommand c;
  c.kind = jam::ChordCommand::Kind::kStart;
  c.frame = f;
  c.time_sec = kOrigin + f * kFrameSec;
  c.pitches = std::move(pitches);
  return c;
}

jam::ChordCommand stop(jam::Frame f, jam::ChordCommand::Kind kind = jam::ChordCommand::Kind::kStop,
                       double time = -1) {
  jam::ChordCommand c;
  c.kind = kind;
  c.frame = f;
  c.time_sec = time >= 0 ? time : kOrigin + f * kFrameSec;
  return c;
}

// A short jam: three user notes, C then Am/C, stopped mid-chord with one start cancelled.
jam::SessionRecorder record_jam() {
  jam::SessionSettings st;
  st.tempo_bpm = 120;
  st.beats_per_bar = 3;
  st.model = "tiny_online";
  jam::SessionRecorder rec;
  rec.begin(st, "test-jam");
  rec.note_on(60, 90, kOrigin);  // the first note starts the clock
  rec.set_origin(kOrigin);
  rec.note_off(60, kOrigin + 0.40);              // 3.2 frames -> off frame 3
  rec.note_on(64, 33, kOrigin + 0.52);            // 4.16 -> frame 4
  rec.note_on(67, 127, kOrigin + 0.70);           // overlapping (a live player)
  rec.note_off(64, kOrigin + 1.01);
  rec.chord(stop(16));                            // nothing sounds yet: a no-op
  rec.chord(start(16, {48, 60, 64, 67}));         // C
  rec.chord(stop(24));
  rec.chord(start(24, {48, 60, 64, 69}));         // Am/C
  rec.chord(stop(32));
  rec.chord(start(32, {55, 59, 62, 67}));         // G: scheduled, then cancelled by the stop-all
  rec.chord(stop(29, jam::ChordCommand::Kind::kStopAll, kOrigin + 29.4 * kFrameSec));
  rec.end(kOrigin + 30 * kFrameSec, std::vector<int>(40, 3));
  return rec;
}

}  // namespace

TEST(SessionRecorder, KeepsNotesWithTimesFramesAndVelocities) {
  const jam::Session s = record_jam().session();
  EXPECT_EQ(s.id, "test-jam");
  EXPECT_EQ(s.settings.beats_per_bar, 3);
  EXPECT_EQ(s.settings.model, "tiny_online");
  ASSERT_EQ(s.notes.size(), 3u);
  EXPECT_EQ(s.notes[0].pitch, 60);
  EXPECT_EQ(s.notes[0].velocity, 90);
  EXPECT_DOUBLE_EQ(s.notes[0].on_sec, 0.0);
  EXPECT_NEAR(s.notes[0].off_sec, 0.40, 1e-9);
  EXPECT_EQ(s.notes[0].on, 0);
  EXPECT_EQ(s.notes[0].off, 3);
  EXPECT_EQ(s.notes[1].pitch, 64);
  EXPECT_EQ(s.notes[1].velocity, 33);
  EXPECT_EQ(s.notes[1].on, 4);
  EXPECT_EQ(s.notes[1].off, 8);       // 1.01 s = 8.08 frames
  // Still held at Stop: ends at the stop time.
  EXPECT_EQ(s.notes[2].pitch, 67);
  EXPECT_EQ(s.notes[2].on, 6);        // 0.70 s = 5.6 frames
  EXPECT_NEAR(s.notes[2].off_sec, 30 * kFrameSec, 1e-9);
  EXPECT_EQ(s.notes[2].off, 30);
}

TEST(SessionRecorder, KeepsTheChordsThatSounded) {
  const jam::Session s = record_jam().session();
  ASSERT_EQ(s.chords.size(), 2u) << "the cancelled G never sounded";
  EXPECT_EQ(s.chords[0].on, 16);
  EXPECT_EQ(s.chords[0].off, 24);
  EXPECT_EQ(s.chords[0].root_pc, 0);
  EXPECT_EQ(s.chords[0].intervals, (std::vector<int>{4, 3}));
  EXPECT_EQ(s.chords[0].inversion, 0);
  EXPECT_EQ(s.chords[1].on, 24);
  EXPECT_EQ(s.chords[1].off, 29);     // the stop-all at 29.4 frames
  EXPECT_EQ(s.chords[1].root_pc, 9);  // Am over C: first inversion
  EXPECT_EQ(s.chords[1].intervals, (std::vector<int>{3, 4}));
  EXPECT_EQ(s.chords[1].inversion, 1);
  EXPECT_EQ(s.n_frames, 30);
  EXPECT_EQ(s.chord_tokens.size(), 30u);
}

TEST(SessionRecorder, SnapshotWhileRecordingAndIgnoresEventsOutsideASession) {
  jam::SessionRecorder rec;
  rec.note_on(60, 100, 1.0);  // before begin(): ignored
  EXPECT_TRUE(rec.empty());
  rec.begin({}, "x");
  rec.note_on(62, 80, 2.0);
  EXPECT_TRUE(rec.session(3.0).notes.empty()) << "no origin yet";
  rec.set_origin(2.0);
  rec.chord(start(4, {48, 60, 64, 67}));  // at 120 bpm default: frame 4 = 2.5 s (origin 10 in the helper)
  jam::Session snap = rec.session(12.0);
  ASSERT_EQ(snap.notes.size(), 1u);
  EXPECT_EQ(snap.notes[0].off, 80);  // held: ends at "now" (10 s after the origin)
  ASSERT_EQ(snap.chords.size(), 1u);
  EXPECT_EQ(snap.chords[0].off, 80);
  EXPECT_TRUE(rec.recording());
  rec.end(12.0);
  rec.note_on(70, 100, 13.0);  // after end(): ignored
  EXPECT_EQ(rec.session().notes.size(), 1u);
}

TEST(SessionRecorder, JsonRoundTripIsExact) {
  const jam::Session s = record_jam().session();
  const std::string text = jam::session_to_json(s);
  auto back = jam::parse_session_json(text);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(jam::session_to_json(*back), text);
  EXPECT_EQ(back->chords.size(), 2u);
  EXPECT_EQ(back->notes.size(), 3u);
}

TEST(SessionRecorder, MidiHasTwoNamedTracksVelocitiesAndTheSoundingChords) {
  const jam::Session s = record_jam().session();
  const jam::Song song = jam::session_to_song(s);
  jam::WriteMidiOptions opt;
  opt.melody_channel = 0;
  opt.chord_channel = 1;
  const std::vector<uint8_t> bytes = jam::write_midi(song, opt);
  auto midi = jam::read_midi(std::span<const uint8_t>(bytes));
  ASSERT_TRUE(midi) << midi.error();
  ASSERT_EQ(midi->tracks.size(), 3u);
  EXPECT_EQ(midi->tracks[0].name, "test-jam");
  EXPECT_EQ(midi->tracks[1].name, "Melody");
  EXPECT_EQ(midi->tracks[2].name, "Chords");
  ASSERT_EQ(midi->tempos.size(), 1u);
  EXPECT_NEAR(midi->tempos[0].bpm(), 120.0, 1e-9);
  ASSERT_EQ(midi->time_signatures.size(), 1u);
  EXPECT_EQ(midi->time_signatures[0].numerator, 3);
  EXPECT_EQ(midi->time_signatures[0].denominator, 4);

  // Melody: monophonized (67 cuts 64 at its onset), velocities kept, channel 0.
  const auto& mel = midi->tracks[1].notes;
  ASSERT_EQ(mel.size(), 3u);
  const int ppq = midi->ppq;
  EXPECT_EQ(mel[0].pitch, 60);
  EXPECT_EQ(mel[0].velocity, 90);
  EXPECT_EQ(mel[1].pitch, 64);
  EXPECT_EQ(mel[1].velocity, 33);
  EXPECT_EQ(mel[1].on_tick, 4 * ppq / 4);
  EXPECT_EQ(mel[2].velocity, 127);
  for (const jam::MidiNote& n : mel) EXPECT_EQ(n.channel, 0);

  // Chords: exactly the pitches that sounded, channel 1.
  std::vector<int> c_pitches, am_pitches;
  for (const jam::MidiNote& n : midi->tracks[2].notes) {
    EXPECT_EQ(n.channel, 1);
    if (n.on_tick == 16 * ppq / 4) c_pitches.push_back(n.pitch);
    if (n.on_tick == 24 * ppq / 4) {
      am_pitches.push_back(n.pitch);
      EXPECT_EQ(n.off_tick, 29 * ppq / 4);
    }
  }
  std::sort(c_pitches.begin(), c_pitches.end());
  std::sort(am_pitches.begin(), am_pitches.end());
  EXPECT_EQ(c_pitches, (std::vector<int>{48, 60, 64, 67}));
  EXPECT_EQ(am_pitches, (std::vector<int>{48, 60, 64, 69}));

  auto back = jam::melody_from_midi(*midi);
  ASSERT_TRUE(back) << back.error();
  ASSERT_EQ(back->chords.size(), 2u);
  EXPECT_EQ(back->chords[1].root_pc, 9);
  EXPECT_EQ(back->chords[1].inversion, 1);
}

TEST(SessionRecorder, ChordFromPitchesMatchesTheVocabularyVoicing) {
  const jam::ChordEvent g7b = jam::chord_from_pitches(0, 4, {59, 62, 65, 67, 71});
  EXPECT_EQ(g7b.root_pc, 7);
  EXPECT_EQ(g7b.intervals, (std::vector<int>{4, 3, 3}));
  EXPECT_EQ(g7b.inversion, 1);
}
