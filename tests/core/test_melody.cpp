#include <gtest/gtest.h>

#include "jam/melody.h"

namespace jam {
namespace {

std::vector<int> pitches(const MelodyFrames& mf) { return mf.pitch; }
std::vector<int> onsets(const MelodyFrames& mf) { return {mf.onset.begin(), mf.onset.end()}; }

TEST(Melody, FirstNoteStartingInAFrameWins) {
  // Two notes start at frame 2: the first in input order (64) wins, 67 is dropped.
  const std::vector<Note> in = {{2, 6, 64}, {2, 8, 67}, {0, 2, 60}};
  const std::vector<Note> mono = monophonize(in);
  ASSERT_EQ(mono.size(), 2u);
  EXPECT_EQ(mono[0].on, 0);
  EXPECT_EQ(mono[0].pitch, 60);
  EXPECT_EQ(mono[1].on, 2);
  EXPECT_EQ(mono[1].off, 6);
  EXPECT_EQ(mono[1].pitch, 64);
}

TEST(Melody, NewNoteCutsTheHeldNote) {
  // 60 held 0..8; 64 starts at 3 and cuts it; 60 does not resume after 64 ends at 5.
  const MelodyFrames mf = melody_frames({{0, 8, 60}, {3, 5, 64}}, 10);
  EXPECT_EQ(pitches(mf), (std::vector<int>{60, 60, 60, 64, 64, -1, -1, -1, -1, -1}));
  EXPECT_EQ(onsets(mf), (std::vector<int>{1, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
}

TEST(Melody, RepeatedPitchKeepsItsOnsetAndClipping) {
  // Same pitch twice back to back: two onsets. A note past n_frames is clipped; empty ones dropped.
  const MelodyFrames mf = melody_frames({{0, 2, 62}, {2, 4, 62}, {5, 5, 70}, {4, 9, 65}}, 6);
  EXPECT_EQ(pitches(mf), (std::vector<int>{62, 62, 62, 62, 65, 65}));
  EXPECT_EQ(onsets(mf), (std::vector<int>{1, 0, 1, 0, 1, 0}));
  const std::vector<Note> back = notes_from_frames(mf);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[1].on, 2);
  EXPECT_EQ(back[1].off, 4);
  EXPECT_EQ(back[2].off, 6);
}

TEST(Melody, MonophonicInputIsUnchanged) {
  const std::vector<Note> in = {{0, 4, 60}, {4, 6, 62}, {8, 12, 64}};
  const std::vector<Note> out = monophonize(in);
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i].on, in[i].on);
    EXPECT_EQ(out[i].off, in[i].off);
    EXPECT_EQ(out[i].pitch, in[i].pitch);
  }
}

}  // namespace
}  // namespace jam
