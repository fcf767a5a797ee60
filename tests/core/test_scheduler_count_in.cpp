// JamScheduler::start_clock — the clock started by a count-in instead of the first note.
#include <gtest/gtest.h>

#include "jam/scheduler.h"

namespace jam {
namespace {

SchedulerConfig config() {
  SchedulerConfig cfg;
  cfg.tempo = {120.0, 4};   // frame = 0.125 s
  cfg.lookahead_frames = 16;
  cfg.commit_frames = 8;
  cfg.silence_frames = 16;
  cfg.model = "m";
  return cfg;
}

TEST(SchedulerCountIn, StartClockStartsFrameZeroAtTheGivenTimeWithoutANote) {
  JamScheduler s(24, config());
  s.start();
  s.advance(10.0);
  EXPECT_EQ(s.current_frame(), -1);
  EXPECT_FALSE(s.take_request().has_value());
  s.start_clock(10.5);   // the downbeat after a count-in
  EXPECT_EQ(s.state(), SessionState::kListening);
  EXPECT_DOUBLE_EQ(s.session_start_sec(), 10.5);
  EXPECT_DOUBLE_EQ(s.frame_time(4), 11.0);
  EXPECT_TRUE(s.melody().empty());
  s.advance(10.5 + 0.125 * 3 + 0.01);
  EXPECT_EQ(s.current_frame(), 3);
  auto r = s.take_request();
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->melody.empty());
  // A note after it lands on the clock's grid, not at frame 0.
  s.note_on(60, 90, 10.5 + 0.125 * 5);
  ASSERT_EQ(s.melody().size(), 1u);
  EXPECT_EQ(s.melody()[0].on, 5);
  EXPECT_DOUBLE_EQ(s.session_start_sec(), 10.5);
}

TEST(SchedulerCountIn, StartClockIsIgnoredUnlessArmed) {
  JamScheduler s(24, config());
  s.start_clock(1.0);   // idle
  EXPECT_EQ(s.current_frame(), -1);
  s.start();
  s.note_on(60, 90, 2.0);   // the first note started the clock
  s.start_clock(3.0);
  EXPECT_DOUBLE_EQ(s.session_start_sec(), 2.0);
  s.stop(4.0);
  s.start_clock(5.0);
  EXPECT_EQ(s.state(), SessionState::kStopped);
}

TEST(SchedulerCountIn, SilenceZeroJamsAtOnce) {
  SchedulerConfig cfg = config();
  cfg.silence_frames = 0;
  JamScheduler s(24, cfg);
  s.start();
  s.start_clock(1.0);
  EXPECT_EQ(s.state(), SessionState::kJamming);
}

}  // namespace
}  // namespace jam
