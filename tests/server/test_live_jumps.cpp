// Live sessions whose frame jumps far between requests (what a starved server makes a real
// client do: the answer comes back late, so the next request is for a frame 50–150 frames on),
// against the real jam-server on loopback with the tiny real models. Every answer must pass the
// client's own parser, jam::parse_plan_response, and its chord_tokens are echoed as a client
// does. Regression test for the soak's `bad_response` (docs/benchmarks.md, "Soak"): frames
// before the planner's history window that the echoed stream did not cover came back as -1.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "jam/protocol.h"
#include "server_fixture.h"
#include "server_process.h"
#include "ws_client.h"

namespace {

using jam::test::TempDir;
using jam::test::WsClient;

class LiveJumps : public jam::test::SharedServerTest<LiveJumps> {
 public:
  static std::vector<std::string> server_args(const TempDir& root) {
    root.install_tiny_models(R"({"arch":"online"})");
    return {"--models", (root.path() / "models").string(), "--queue-depth", "64"};
  }
};

// A seeded melody: notes of 1–6 frames with short rests, pitches 55–79.
std::vector<jam::PlanNote> random_melody(std::mt19937_64& rng, int frames) {
  std::uniform_int_distribution<int> length(1, 6), rest(0, 3), pitch(55, 79);
  std::vector<jam::PlanNote> notes;
  for (int t = 0; t < frames;) {
    const int d = length(rng);
    notes.push_back({t, t + d, pitch(rng)});
    t += d + rest(rng);
  }
  return notes;
}

// One session on its own WebSocket: requests at `frames` (increasing), the whole melody heard so
// far (notes still sounding sent with off = null), the previous answer's chord_tokens echoed.
// Every answer must parse and cover frames [0, frame + 16).
void play(uint16_t port, const std::string& id, const std::vector<int>& frames, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::vector<jam::PlanNote> melody = random_melody(rng, frames.back() + 1);
  WsClient c(port, "/v1/jam?session=" + id);
  ASSERT_TRUE(c.open()) << c.error().message();
  jam::PlanRequest req;
  req.model = "online";
  req.lookahead_frames = 16;
  req.commit_frames = 16;
  req.silence_frames = 32;
  req.temperature = 1.0;
  req.seed = seed;
  req.session = id;
  int previous = -1;
  for (const int frame : frames) {
    req.frame = frame;
    req.melody.clear();
    for (const jam::PlanNote& n : melody) {
      if (n.on >= frame) break;
      jam::PlanNote heard = n;
      if (*heard.off >= frame) heard.off.reset();  // still held
      req.melody.push_back(heard);
    }
    c.send(jam::plan_request_json(req));
    const std::string text = c.receive();
    ASSERT_FALSE(text.empty()) << id << " frame " << frame << ": " << c.error().message();
    auto resp = jam::parse_plan_response(text);
    ASSERT_TRUE(resp) << id << ": frame " << frame << " after " << previous << ": "
                      << resp.error() << "\n" << text.substr(0, 400);
    EXPECT_EQ(resp->frame, frame);
    ASSERT_EQ(resp->chord_tokens.size(), static_cast<size_t>(frame + 16)) << id;
    for (const jam::PlanChord& chord : resp->chords) {
      EXPECT_LT(chord.on, chord.off) << id << " frame " << frame;
      EXPECT_GT(chord.off, frame) << id << " frame " << frame;
      EXPECT_LT(chord.on, frame + 16) << id << " frame " << frame;
    }
    req.chord_tokens = std::move(resp->chord_tokens);
    previous = frame;
  }
}

// The smallest case: a jump of 150 frames from 110 (plan up to 126) to 260, whose history
// window starts at frame 128 — frames 126 and 127 were neither echoed nor in the window.
TEST_F(LiveJumps, AJumpPastTheWindowStart) {
  play(port(), "jump-window", {1, 60, 110, 260, 270}, 7);
}

// A session that (re)connects late, with nothing to echo (e.g. after a server restart).
TEST_F(LiveJumps, ASessionThatStartsLate) {
  play(port(), "late-start", {1000, 1001, 1100}, 8);
}

// Seeded random walks of 50–250 frames per request (the soak's starved server answered after
// 6–30 s, i.e. 50–240 frames at 120 BPM), past several window moves.
TEST_F(LiveJumps, JumpsOf50To250Frames) {
  for (uint64_t s = 1; s <= 6; ++s) {
    std::mt19937_64 rng(s);
    std::uniform_int_distribution<int> jump(50, 250);
    std::vector<int> frames;
    for (int f = 1; f < 4000; f += jump(rng)) frames.push_back(f);
    play(port(), "walk-" + std::to_string(s), frames, s);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
