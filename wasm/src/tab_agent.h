// tab_agent.h — the Agent that plans in this tab: the same Planner the server runs (compiled to
// wasm) over OrtModels (ONNX Runtime Web, web_shell/ort_agent.js) kept in a small PrefixCache.
//
//   jam::TabAgent agent;                  // nothing loads yet
//   agent.load("online-web");             // optional preload: fetches ORT + models/<id>/ files
//   agent.send(request, reply);           // loads request.model if needed, plans, replies
//   agent.describe();                     // "in this tab (wasm)", "loading online-web…", ...
//
// The model comes from the site: models/<id>/{model.onnx, vocab.json, config.json} (the wasm
// build copies models/online-web there; see wasm/CMakeLists.txt). No warm start in the tab (the
// Planner gets no OfflineEngine): the online model fills the silence period itself.
//
// One plan at a time. Requests that arrive while a plan runs wait; a newer request supersedes
// the waiting one, and the superseded request is answered with the newer request's response
// (each send() still gets exactly one reply, in request order; a plan for a later frame is what
// the client would apply anyway, and JamScheduler ignores the duplicate). Plans start and
// replies arrive from the browser's event loop, never inside send() — except the immediate
// error for an invalid request.
//
// Each answered plan appends {ms, waitMs, fed, reused, frame, ok, superseded, chordRate, colour}
// (the request's chord controls, null when absent) to
// window.jamOrt.plans (tests and benchmarks read it). Main thread only; one TabAgent per page
// (ort_agent.js holds one session).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jam/chord_vocab.h"
#include "jam/planner.h"
#include "jam/prefix_cache.h"
#include "jam/ui/agent.h"

namespace jam {

class TabAgent final : public Agent {
 public:
  TabAgent();
  ~TabAgent() override;
  TabAgent(const TabAgent&) = delete;
  TabAgent& operator=(const TabAgent&) = delete;

  // Starts loading `model_id` (ORT Web, then the model files) unless it is loaded or loading;
  // cheap enough to call every frame. After a failed load, requests are answered with its error
  // until kRetryMs have passed; then the next load() or send() retries.
  void load(const std::string& model_id);

  static constexpr double kRetryMs = 5000;

  void send(const PlanRequest& request, Reply reply) override;
  bool ready() const override { return state_ == State::kReady; }
  std::string describe() const override;

  // "webgpu" or "wasm" once loaded, else "".
  const std::string& execution_provider() const { return ep_; }
  const std::string& model_id() const { return model_id_; }
  double load_ms() const { return load_ms_; }
  int plans_done() const { return plans_done_; }

  // From JS (exported callbacks, tab_agent.cpp).
  void on_loaded(int serial, bool ok, const char* ep_or_error, const char* vocab_json,
                 int vocab_size, int max_len, int threads);
  void resume();

 private:
  enum class State { kIdle, kLoading, kReady, kFailed };
  // A request to plan, plus the replies it answers (superseded requests first).
  struct Batch {
    PlanRequest request;
    std::vector<Reply> replies;
    double sent_ms = 0;   // when the newest request arrived (emscripten_get_now)
  };

  void start_load(const std::string& model_id);
  void schedule();      // resume() in a new task
  void on_planned(Result<PlanResponse> result);

  State state_ = State::kIdle;
  std::string model_id_;    // loaded or loading
  std::string wanted_;      // last load() request
  std::string ep_;
  std::string error_;
  int threads_ = 1;
  int load_serial_ = 0;
  double load_started_ms_ = 0;
  double load_ms_ = 0;
  double failed_ms_ = 0;    // when the last load failed
  bool scheduled_ = false;

  std::unique_ptr<ChordVocab> vocab_;
  std::unique_ptr<PrefixCache> cache_;
  std::unique_ptr<Planner> planner_;
  std::optional<Batch> running_;
  std::optional<Batch> queued_;
  double plan_started_ms_ = 0;
  int plans_done_ = 0;
};

}  // namespace jam
