// Session JSON: song -> session -> JSON -> session -> song, partial notes, and rejected input.
#include <gtest/gtest.h>

#include <string>

#include "jam/session_json.h"

namespace {

jam::Song example_song() {
  jam::Song s;
  s.id = "jam-2024";
  s.n_frames = 64;
  s.beats_per_bar = 3;
  s.tempo_bpm = 96.0;
  s.melody = {{0, 3, 60, 90}, {3, 4, 62, 20}, {8, 16, 67, 127}};
  s.chords = {{0, 12, 0, {4, 3}, 0}, {12, 24, 9, {3, 4, 3}, 3}, {40, 64, 7, {4, 3, 14}, 1}};
  return s;
}

}  // namespace

TEST(SessionJson, RoundTripsThroughJson) {
  jam::SessionSettings st;
  st.silence_beats = 2.5;
  st.lookahead_beats = 8;
  st.commit_beats = 1;
  st.model = "online-s";
  st.temperature = 0.7;
  jam::Session session = jam::session_from_song(example_song(), st);
  session.chord_tokens = {300, 301, 3, 3};
  EXPECT_DOUBLE_EQ(session.settings.tempo_bpm, 96.0);  // from the song
  EXPECT_EQ(session.settings.beats_per_bar, 3);
  ASSERT_EQ(session.notes.size(), 3u);
  EXPECT_DOUBLE_EQ(session.notes[2].on_sec, 8 * 60.0 / 96.0 / 4);  // frame 8 at 96 bpm = 1.25 s
  EXPECT_DOUBLE_EQ(session.notes[2].off_sec, 2.5);

  const std::string text = jam::session_to_json(session);
  EXPECT_EQ(text.rfind("{\"version\":1,\"id\":\"jam-2024\",\"settings\":{\"tempo_bpm\":96.0", 0), 0u) << text;
  auto back = jam::parse_session_json(text);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(jam::session_to_json(*back), text);  // byte-identical second generation
  EXPECT_EQ(back->settings.model, "online-s");
  EXPECT_DOUBLE_EQ(back->settings.temperature, 0.7);
  EXPECT_DOUBLE_EQ(back->settings.silence_beats, 2.5);
  EXPECT_EQ(back->chord_tokens, (std::vector<int>{300, 301, 3, 3}));

  const jam::Song song = jam::session_to_song(*back);
  const jam::Song want = example_song();
  EXPECT_EQ(song.id, want.id);
  EXPECT_EQ(song.n_frames, want.n_frames);
  EXPECT_EQ(song.beats_per_bar, want.beats_per_bar);
  EXPECT_DOUBLE_EQ(song.tempo_bpm, want.tempo_bpm);
  ASSERT_EQ(song.melody.size(), want.melody.size());
  for (size_t i = 0; i < want.melody.size(); ++i) {
    EXPECT_EQ(song.melody[i].on, want.melody[i].on);
    EXPECT_EQ(song.melody[i].off, want.melody[i].off);
    EXPECT_EQ(song.melody[i].pitch, want.melody[i].pitch);
    EXPECT_EQ(song.melody[i].velocity, want.melody[i].velocity);
  }
  ASSERT_EQ(song.chords.size(), want.chords.size());
  for (size_t i = 0; i < want.chords.size(); ++i) {
    EXPECT_EQ(song.chords[i].on, want.chords[i].on);
    EXPECT_EQ(song.chords[i].off, want.chords[i].off);
    EXPECT_EQ(song.chords[i].root_pc, want.chords[i].root_pc);
    EXPECT_EQ(song.chords[i].intervals, want.chords[i].intervals);
    EXPECT_EQ(song.chords[i].inversion, want.chords[i].inversion);
  }
}

TEST(SessionJson, DerivesFramesOrSecondsAndMonophonizes) {
  // 120 bpm: one frame = 0.125 s. Note 1 has only seconds (0.26 s -> frame 2; 0.3 s -> frame 2,
  // kept one frame long); note 2 only frames; note 3 overlaps note 2 and starts later (cuts it).
  const std::string text = R"({"version": 1, "future_field": {"x": 1},
    "settings": {"tempo_bpm": 120},
    "notes": [{"on_sec": 0.26, "off_sec": 0.3, "pitch": 64, "velocity": 80},
              {"on": 4, "off": 12, "pitch": 67},
              {"on_sec": 1.0, "off_sec": 2.0, "on": 8, "off": 16, "pitch": 69, "velocity": 0}],
    "chords": [[0, 16, 5, [4, 3], 0]]})";
  auto s = jam::parse_session_json(text);
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->settings.beats_per_bar, 4);        // default
  EXPECT_DOUBLE_EQ(s->settings.silence_beats, 8.0);  // default
  ASSERT_EQ(s->notes.size(), 3u);
  EXPECT_EQ(s->notes[0].on, 2);
  EXPECT_EQ(s->notes[0].off, 3);
  EXPECT_DOUBLE_EQ(s->notes[1].on_sec, 0.5);
  EXPECT_DOUBLE_EQ(s->notes[1].off_sec, 1.5);
  EXPECT_EQ(s->notes[1].velocity, 100);
  const jam::Song song = jam::session_to_song(*s);
  ASSERT_EQ(song.melody.size(), 3u);
  EXPECT_EQ(song.melody[1].off, 8);       // cut by the next onset
  EXPECT_EQ(song.melody[2].velocity, 1);  // velocity 0 in a session becomes the minimum 1
  EXPECT_EQ(song.n_frames, 16);
  EXPECT_FALSE(jam::validate_song(song).has_value());
}

TEST(SessionJson, RejectsBadInput) {
  auto err = [](const std::string& text) {
    auto r = jam::parse_session_json(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.error();
  };
  EXPECT_NE(err("").find("invalid JSON"), std::string::npos);
  EXPECT_NE(err(R"({"version": 1, "notes": [)").find("invalid JSON"), std::string::npos);
  EXPECT_NE(err("[1, 2]").find("object"), std::string::npos);
  EXPECT_NE(err(R"({"version": 2})").find("version"), std::string::npos);
  EXPECT_NE(err(R"({})").find("version"), std::string::npos);
  EXPECT_NE(err(R"({"version": 1, "settings": {"tempo_bpm": -5}})").find("tempo_bpm"), std::string::npos);
  EXPECT_NE(err(R"({"version": 1, "settings": {"tempo_bpm": "fast"}})").find("tempo_bpm"), std::string::npos);
  EXPECT_NE(err(R"({"version": 1, "settings": {"beats_per_bar": 0}})").find("beats_per_bar"), std::string::npos);
  EXPECT_NE(err(R"({"version": 1, "notes": [{"on": 0, "off": 4, "pitch": 128}]})").find("pitch"), std::string::npos);
  EXPECT_NE(err(R"({"version": 1, "notes": [{"pitch": 60}]})").find("needs"), std::string::npos);
  EXPECT_NE(err(R"({"version": 1, "notes": [{"on": 4, "off": 4, "pitch": 60}]})").find("on < off"), std::string::npos);
  EXPECT_NE(err(R"({"version": 1, "notes": [{"on": 0, "off": 4.5, "pitch": 60}]})").find("integers"), std::string::npos);
  EXPECT_NE(err(R"({"version": 1, "chords": [[0, 4, 12, [4, 3], 0]]})").find("root_pc"), std::string::npos);
  EXPECT_NE(err(R"({"version": 1, "chords": [[0, 4, 0, [4, 3], 3]]})").find("inversion"), std::string::npos);
  EXPECT_NE(err(R"({"version": 1, "chords": [[0, 4, 0, [4, 3], 0], [2, 6, 0, [4, 3], 0]]})").find("overlaps"),
            std::string::npos);
  EXPECT_NE(err(R"({"version": 1, "chords": [[0, 4, 0]]})").find("chords[0]"), std::string::npos);
  EXPECT_NE(err(R"({"version": 1, "chord_tokens": [1, -1]})").find("chord_tokens"), std::string::npos);
  EXPECT_NE(err(R"({"version": 1, "n_frames": 1e30})").find("n_frames"), std::string::npos);
}
