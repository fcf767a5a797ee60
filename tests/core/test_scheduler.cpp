// The client scheduler with a fake clock, a real planner (tiny model) behind an injected latency.
#include <gtest/gtest.h>

#include <cmath>
#include <deque>

#include "jam/scheduler.h"
#include "jam/tokenizer.h"
#include "tiny_models.h"

namespace jam {
namespace {

struct Outcome {
  std::vector<ChordCommand> commands;
  std::vector<ScheduledChord> drawn;  // chords_between over the whole session, at the end
  int64_t rested = 0;
  bool saw_slow = false;
  int slow_clears = 0;  // times server_slow() went from true to false
  int responses = 0;
  double t0 = 0;
};

// A 12-second session at 120 bpm (frame = 0.125 s), UI at 60 fps, one note per beat.
// learned: the scheduler has no vocabulary and learns chords from the responses.
Outcome run_session(double latency_sec, int lookahead, int commit, int silence,
                    bool learned = false) {
  SchedulerConfig cfg;
  cfg.tempo = {120.0, 4};
  cfg.lookahead_frames = lookahead;
  cfg.commit_frames = commit;
  cfg.silence_frames = silence;
  cfg.model = "tiny_online";
  cfg.seed = 3;
  const ChordVocab& vocab = testing::tiny_online()->vocab;
  JamScheduler s = learned ? JamScheduler(vocab.size(), cfg) : JamScheduler(vocab, cfg);
  auto stack = PlanningStack::create(testing::tiny_online(), testing::tiny_offline(), {});
  EXPECT_TRUE(stack.ok()) << stack.error();
  struct Pending { double due; PlanResponse resp; };
  std::deque<Pending> pending;
  Outcome out;
  std::vector<int32_t> committed_seen;  // locked stream seen so far
  const double start = 100.0;           // the audio clock does not start at 0
  s.start();
  const int pitches[] = {60, 64, 67, 72};
  int next_note = 0;
  bool was_slow = false;
  for (int step = 0; step < 60 * 12; ++step) {
    const double now = start + step / 60.0;
    // One note per beat (every 0.5 s), released after 0.4 s.
    const double note_time = start + 0.5 * next_note;
    if (now >= note_time) {
      s.note_on(pitches[next_note % 4], 90, now);
      ++next_note;
    }
    if (next_note > 0 && now >= start + 0.5 * (next_note - 1) + 0.4)
      s.note_off(pitches[(next_note - 1) % 4], now);
    s.advance(now);
    if (auto r = s.take_request()) {
      auto resp = (*stack)->plan_sync(*r);
      EXPECT_TRUE(resp.ok()) << resp.error();
      if (resp) pending.push_back({now + latency_sec, *resp});
    }
    while (!pending.empty() && pending.front().due <= now) {
      out.responses += s.on_response(pending.front().resp);
      pending.pop_front();
    }
    if (out.saw_slow && !s.server_slow() && was_slow) ++out.slow_clears;
    was_slow = s.server_slow();
    out.saw_slow |= s.server_slow();
    for (ChordCommand& c : s.take_commands()) {
      EXPECT_GE(c.time_sec, now - 1e-9) << "a chord command for the past (late burst)";
      out.commands.push_back(std::move(c));
    }
    // Locked (committed) frames after the silence period never change.
    const std::vector<int> stream = s.chord_stream();
    for (size_t t = silence; t < committed_seen.size(); ++t)
      EXPECT_EQ(stream[t], committed_seen[t]) << "committed frame " << t << " changed";
    committed_seen.assign(stream.begin(), stream.begin() + s.locked_frames());
  }
  out.drawn = s.chords_between(0, s.current_frame() + lookahead);
  out.rested = s.rested_frames();
  out.t0 = s.session_start_sec();
  EXPECT_EQ(s.state(), SessionState::kJamming);
  return out;
}

void expect_on_grid(const Outcome& o, int silence) {
  const double frame = 0.125;
  for (const ChordCommand& c : o.commands) {
    const double f = (c.time_sec - o.t0) / frame;
    EXPECT_NEAR(f, std::round(f), 1e-6) << "command off the 16th-note grid";
    EXPECT_EQ(static_cast<Frame>(std::lround(f)), c.frame);
    EXPECT_GE(c.frame, silence) << "nothing sounds in the silence period";
  }
}

int starts(const Outcome& o) {
  int n = 0;
  for (const ChordCommand& c : o.commands) n += c.kind == ChordCommand::Kind::kStart;
  return n;
}

TEST(Scheduler, NoLatencyPlaysEveryFrameAfterTheSilence) {
  const Outcome o = run_session(0.0, 16, 16, 16);
  expect_on_grid(o, 16);
  EXPECT_EQ(o.rested, 0);
  EXPECT_FALSE(o.saw_slow);
  EXPECT_GT(starts(o), 0);
  EXPECT_GT(o.responses, 50);
}

TEST(Scheduler, LatencyBelowTheLookaheadNeverRests) {
  for (double latency : {0.125, 0.5, 1.0}) {  // one frame, one beat, two beats (16 frames = 2 s)
    SCOPED_TRACE(latency);
    const Outcome o = run_session(latency, 16, 8, 16);
    expect_on_grid(o, 16);
    EXPECT_EQ(o.rested, 0);
    EXPECT_FALSE(o.saw_slow);
  }
}

TEST(Scheduler, LatencyBeyondTheLookaheadRestsAndSaysSo) {
  const Outcome o = run_session(3.0, 16, 16, 16);  // 24 frames > 16-frame lookahead
  expect_on_grid(o, 16);
  EXPECT_GT(o.rested, 0);
  EXPECT_TRUE(o.saw_slow);
  EXPECT_EQ(o.slow_clears, 0) << "late responses must not blink the badge off";
}

TEST(Scheduler, CommitZeroStillLocksFramesBeforeTheyPlay) {
  const Outcome o = run_session(0.0, 8, 0, 8);
  expect_on_grid(o, 8);
  EXPECT_EQ(o.rested, 0);
  EXPECT_GT(starts(o), 0);
}

TEST(Scheduler, LearnsChordsFromResponsesWithoutAVocabulary) {
  for (double latency : {0.0, 0.5, 1.5}) {
    SCOPED_TRACE(latency);
    const Outcome a = run_session(latency, 16, 8, 16, false);
    const Outcome b = run_session(latency, 16, 8, 16, true);
    EXPECT_GT(starts(a), 0);
    ASSERT_EQ(a.commands.size(), b.commands.size());
    for (size_t i = 0; i < a.commands.size(); ++i) {
      EXPECT_EQ(a.commands[i].kind, b.commands[i].kind) << i;
      EXPECT_EQ(a.commands[i].time_sec, b.commands[i].time_sec) << i;
      EXPECT_EQ(a.commands[i].chord_id, b.commands[i].chord_id) << i;
      EXPECT_EQ(a.commands[i].pitches, b.commands[i].pitches) << i;
    }
    ASSERT_EQ(a.drawn.size(), b.drawn.size());
    EXPECT_FALSE(a.drawn.empty());
    for (size_t i = 0; i < a.drawn.size(); ++i) {
      EXPECT_EQ(a.drawn[i].on, b.drawn[i].on) << i;
      EXPECT_EQ(a.drawn[i].off, b.drawn[i].off) << i;
      EXPECT_EQ(a.drawn[i].name, b.drawn[i].name) << i;
      EXPECT_NE(a.drawn[i].name, "?") << i;
      EXPECT_EQ(a.drawn[i].committed, b.drawn[i].committed) << i;
    }
  }
}

TEST(Scheduler, FirstNoteStartsTheClockAndSilenceCountsDown) {
  SchedulerConfig cfg;
  cfg.tempo = {60.0, 4};  // one beat per second
  cfg.silence_frames = 16;
  JamScheduler s(testing::tiny_online()->vocab, cfg);
  EXPECT_EQ(s.state(), SessionState::kIdle);
  s.start();
  EXPECT_EQ(s.state(), SessionState::kArmed);
  s.advance(5.0);
  EXPECT_FALSE(s.take_request().has_value()) << "no request before the first note";
  s.note_on(60, 100, 10.0);
  EXPECT_EQ(s.state(), SessionState::kListening);
  EXPECT_DOUBLE_EQ(s.silence_beats_left(10.0), 4.0);
  EXPECT_DOUBLE_EQ(s.silence_beats_left(11.5), 2.5);
  s.advance(10.0);
  auto r = s.take_request();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->frame, 1);
  ASSERT_EQ(r->melody.size(), 1u);
  EXPECT_FALSE(r->melody[0].off.has_value()) << "a held note is sent without off";
  EXPECT_FALSE(s.take_request().has_value()) << "one request per frame";
  s.note_off(60, 10.5);  // two frames later at 60 bpm (0.25 s per frame)
  s.advance(14.1);
  EXPECT_EQ(s.state(), SessionState::kJamming);
  s.on_request_failed();
  auto r2 = s.take_request();
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r2->frame, s.current_frame() + 1);
  EXPECT_EQ(r2->melody[0].off, std::optional<Frame>(2));
  s.stop(15.0);
  EXPECT_EQ(s.state(), SessionState::kStopped);
}

}  // namespace
}  // namespace jam
