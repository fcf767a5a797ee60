#include <gtest/gtest.h>

#include "jam/tempo.h"

namespace jam {
namespace {

TEST(Tempo, FramesBeatsSeconds) {
  const TempoMap t{120.0, 4};
  EXPECT_DOUBLE_EQ(t.seconds_per_beat(), 0.5);
  EXPECT_DOUBLE_EQ(t.seconds_per_frame(), 0.125);
  EXPECT_DOUBLE_EQ(t.frames_to_seconds(16), 2.0);
  EXPECT_DOUBLE_EQ(TempoMap::frames_to_beats(6), 1.5);
  EXPECT_DOUBLE_EQ(TempoMap::beats_to_frames(2.25), 9.0);
  EXPECT_DOUBLE_EQ(t.beats_to_seconds(3), 1.5);
  EXPECT_DOUBLE_EQ(t.seconds_to_beats(1.5), 3.0);
  EXPECT_EQ(t.seconds_to_frame(2.1), 16);
  EXPECT_EQ(t.seconds_to_frame(0.124), 0);
  EXPECT_EQ(t.seconds_to_nearest_frame(0.07), 1);
}

TEST(Tempo, RoundTripsAtAwkwardTempo) {
  const TempoMap t{97.0, 3};
  for (Frame f = 0; f < 2000; f += 7) EXPECT_EQ(t.seconds_to_frame(t.frames_to_seconds(f)), f);
}

TEST(Tempo, Bars) {
  const TempoMap t{90.0, 3};
  EXPECT_EQ(t.frames_per_bar(), 12);
  EXPECT_EQ(t.bar_of(11), 0);
  EXPECT_EQ(t.bar_of(12), 1);
  EXPECT_EQ(t.bar_of(-1), -1);
  EXPECT_EQ(t.frame_in_bar(-1), 11);
  EXPECT_TRUE(t.is_downbeat(24));
  EXPECT_FALSE(t.is_downbeat(4));
  EXPECT_TRUE(t.is_beat(4));
  EXPECT_TRUE(t.is_beat(-4));
  EXPECT_FALSE(t.is_beat(5));
}

}  // namespace
}  // namespace jam
