// ort_model_check.cpp — the in-tab agent's C++ half against ONNX Runtime Web, under node
// (built in the wasm tree as jam_ort_model_check; tab_agent_node.test.mjs loads onnxruntime-web
// and web_shell/ort_agent.js with tests/data/tiny_online/model.onnx, then runs this).
//
// Checks, in order, each continuing from the previous one's callback (ORT answers later):
//   1. OrtModel: a chunked feed of golden.json's tokens — single steps, a rewind over cached
//      positions, a re-feed — gives golden.json's logits (f32 ONNX: tolerance 1e-4).
//   2. OrtModel errors: start > position(), a token outside the vocabulary and an empty feed
//      fail at once and leave the history alone; reset() empties it.
//   3. A model destroyed while its feed runs never calls back.
//   4. TabAgent: plans for a request and its one-frame extension equal the native planner's
//      (the .jamw engine compiled into this program) chord for chord, and the second plan
//      reuses the prefix cache.
// Prints one JSON line {ok, checks, failures, max_abs, ...} and hands it to
// globalThis.jamCheckDone.
#include <emscripten/emscripten.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jam/planning_stack.h"
#include "jam/protocol.h"
#include "ort_model.h"
#include "tab_agent.h"

// clang-format off
EM_JS(void, jam_js_check_done, (const char* json), {
  var text = UTF8ToString(json);
  if (globalThis.jamCheckDone) globalThis.jamCheckDone(text);
});
// clang-format on

namespace {

using Json = nlohmann::json;
using jam::Status;

const char* kDir = "tests/data/tiny_online/";

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

struct Check {
  Json golden;
  std::vector<int32_t> tokens;
  std::unique_ptr<jam::OrtModel> model;
  std::unique_ptr<jam::TabAgent> agent;
  std::unique_ptr<jam::PlanningStack> native;
  std::shared_ptr<const jam::ModelBundle> bundle;
  std::vector<std::string> failures;
  int checks = 0;
  double max_abs = 0;
  int rows_compared = 0;
  Json plans = Json::array();

  void expect(bool ok, const std::string& what) {
    ++checks;
    if (!ok) failures.push_back(what);
  }

  // Logits at `position` vs the golden row, if golden.json has one.
  void compare(int position, std::span<const float> logits) {
    for (const Json& row : golden["rows"]) {
      if (row["position"].get<int>() != position) continue;
      const std::vector<double> want = row["logits"].get<std::vector<double>>();
      expect(want.size() == logits.size(), "logits size at " + std::to_string(position));
      double worst = 0;
      for (size_t j = 0; j < want.size() && j < logits.size(); ++j)
        worst = std::max(worst, std::abs(want[j] - static_cast<double>(logits[j])));
      max_abs = std::max(max_abs, worst);
      ++rows_compared;
      expect(worst <= golden["tolerance"].get<double>(),
             "position " + std::to_string(position) + ": |logits - golden| = " + std::to_string(worst));
    }
  }

  void finish() {
    Json out = {{"ok", failures.empty()}, {"checks", checks}, {"failures", failures},
                {"max_abs", max_abs}, {"rows_compared", rows_compared}, {"plans", plans}};
    const std::string text = out.dump();
    std::printf("%s\n", text.c_str());
    jam_js_check_done(text.c_str());
  }
};

Check* g = nullptr;

// A chunked feed of golden tokens: (start, count) with a rewind and single steps.
struct Chunk {
  int start, count;
};
const std::vector<Chunk> kChunks = {{0, 1},  {1, 4},  {5, 1},  {6, 1},  {7, 2},  {6, 3},
                                    {9, 4},  {13, 4}, {17, 8}, {25, 3}, {28, 1}, {29, 4},
                                    {20, 13}, {33, 12}, {45, 16}};

void step_plans();

void step_errors_and_drop() {
  jam::OrtModel& m = *g->model;
  const int before = m.position();
  const int32_t ok_token = g->tokens[1];
  bool called = false;
  std::vector<int32_t> one = {ok_token};
  m.feed(one, before + 1, [&](Status s, std::span<const float> l) {
    called = true;
    g->expect(!s && l.empty(), "feed past position() must fail");
  });
  g->expect(called, "feed past position() fails at once");
  called = false;
  std::vector<int32_t> bad = {m.vocab_size()};
  m.feed(bad, 0, [&](Status s, std::span<const float>) { called = true; g->expect(!s, "bad token fails"); });
  g->expect(called, "a bad token fails at once");
  called = false;
  m.feed({}, 0, [&](Status s, std::span<const float>) { called = true; g->expect(!s, "empty feed fails"); });
  g->expect(called, "an empty feed fails at once");
  g->expect(m.position() == before, "failed feeds leave the history");
  m.reset();
  g->expect(m.position() == 0, "reset empties the history");

  // A model destroyed while its feed runs: the callback must never come.
  auto doomed = std::make_unique<jam::OrtModel>(
      jam::OrtModelShape{m.vocab_size(), m.max_len()});
  std::vector<int32_t> bos = {1};
  doomed->feed(bos, 0, [](Status, std::span<const float>) {
    g->expect(false, "a destroyed model called back");
  });
  doomed.reset();
  g->model.reset();
  step_plans();
}

void step_chunk(size_t i) {
  if (i == kChunks.size()) return step_errors_and_drop();
  const Chunk c = kChunks[i];
  std::vector<int32_t> part(g->tokens.begin() + c.start, g->tokens.begin() + c.start + c.count);
  g->model->feed(part, c.start, [i, c](Status s, std::span<const float> logits) {
    g->expect(static_cast<bool>(s), "chunk " + std::to_string(i) + ": " + s.error());
    if (!s) return g->finish();
    g->expect(g->model->position() == c.start + c.count, "position after chunk " + std::to_string(i));
    g->compare(c.start + c.count - 1, logits);
    step_chunk(i + 1);
  });
}

jam::PlanRequest request_at(jam::Frame frame, const std::vector<int>& echoed) {
  jam::PlanRequest r;
  r.model = "tiny_online";
  r.frame = frame;
  r.lookahead_frames = 16;
  r.commit_frames = 8;
  r.silence_frames = 16;
  r.temperature = 1.0;
  r.seed = 1234;
  const int pitches[] = {60, 62, 64, 65, 67, 69, 71, 72};
  for (jam::Frame t = 0; t + 3 <= frame; t += 4) {
    r.melody.push_back({t, t + 3, pitches[(t / 4) % 8]});
  }
  r.chord_tokens = echoed;
  r.session = "node-check";
  return r;
}

void step_plan(int k, std::vector<int> echoed) {
  if (k == 3) return g->finish();
  const jam::Frame frame = 40 + k;   // consecutive frames: the later plans extend the earlier
  const jam::PlanRequest req = request_at(frame, echoed);
  jam::Result<jam::PlanResponse> want = g->native->plan_sync(req);
  g->expect(want.ok(), "native plan: " + want.error());
  const double t0 = emscripten_get_now();
  g->agent->send(req, [k, want, t0](jam::Result<jam::PlanResponse> got) {
    g->expect(got.ok(), "tab plan " + std::to_string(k) + ": " + got.error());
    if (!got || !want) return g->finish();
    g->expect(got->chord_tokens == want->chord_tokens,
              "tab plan " + std::to_string(k) + " differs from the native planner's");
    g->expect(got->chords.size() == want->chords.size(), "chord events differ");
    g->plans.push_back({{"frame", got->frame}, {"ms", emscripten_get_now() - t0},
                        {"chords", got->chords.size()}});
    // The next request echoes this plan's chords, as the client does.
    step_plan(k + 1, got->chord_tokens);
  });
}

void step_plans() {
  const std::string vocab = read_file(std::string(kDir) + "vocab.json");
  const std::string jamw = read_file(std::string(kDir) + "model.jamw");
  auto bundle = jam::ModelBundle::parse(
      "tiny_online", vocab,
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(jamw.data()), jamw.size()));
  g->expect(bundle.ok(), "bundle: " + bundle.error());
  if (!bundle) return g->finish();
  g->bundle = std::make_shared<const jam::ModelBundle>(std::move(*bundle));
  auto stack = jam::PlanningStack::create(g->bundle, nullptr, {});
  g->expect(stack.ok(), "native stack: " + stack.error());
  if (!stack) return g->finish();
  g->native = std::move(*stack);
  g->agent = std::make_unique<jam::TabAgent>();
  step_plan(0, {});
}

}  // namespace

int main() {
  g = new Check;
  g->golden = Json::parse(read_file(std::string(kDir) + "golden.json"), nullptr, false);
  if (g->golden.is_discarded() || !g->golden.contains("tokens")) {
    g->expect(false, "cannot read golden.json (run from the project root)");
    g->finish();
    return 0;
  }
  g->tokens = g->golden["tokens"].get<std::vector<int32_t>>();
  const int vocab = g->golden["vocab_size"].get<int>();
  g->model = std::make_unique<jam::OrtModel>(jam::OrtModelShape{vocab, 1024});
  step_chunk(0);
  return 0;   // the runtime stays alive: the checks continue from ORT's callbacks
}
