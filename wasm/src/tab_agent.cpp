#include "tab_agent.h"

#include <emscripten/emscripten.h>

#include <limits>
#include <utility>

#include "jam/protocol.h"
#include "ort_model.h"

// clang-format off
// Live agents, so callbacks for a destroyed one are dropped.
EM_JS(void, jam_js_tab_register, (void* self, int alive), {
  var agents = Module.jamTabAgents || (Module.jamTabAgents = new Set());
  if (alive) agents.add(self); else agents.delete(self);
});
// Loads web_shell/ort_agent.js (once), then the model; answers through _jam_tab_loaded.
EM_JS(void, jam_js_tab_load, (void* self, int serial, const char* model_id), {
  var id = UTF8ToString(model_id);
  var alive = function() { return Module.jamTabAgents && Module.jamTabAgents.has(self); };
  var heapString = function(text) {
    var n = lengthBytesUTF8(text) + 1;
    var p = _malloc(n);
    stringToUTF8(text, p, n);
    return p;
  };
  var answer = function(ok, text, vocab, vocabSize, maxLen, threads) {
    if (!alive()) return;
    var a = heapString(text);
    var b = heapString(vocab);
    Module['_jam_tab_loaded'](self, serial, ok, a, b, vocabSize, maxLen, threads);
    _free(a);
    _free(b);
  };
  var script = globalThis.jamOrt ? Promise.resolve() : new Promise(function(resolve, reject) {
    var s = document.createElement('script');
    s.src = 'ort_agent.js';
    s.onload = resolve;
    s.onerror = function() { reject(new Error('could not load ort_agent.js')); };
    document.head.appendChild(s);
  });
  script.then(function() { return globalThis.jamOrt.load(id); }).then(function(r) {
    var m = r.config.model || r.config;
    answer(1, r.ep, r.vocab, m.vocab_size | 0, m.max_len | 0, r.threads | 0);
  }).catch(function(e) {
    answer(0, String((e && e.message) || e), String(), 0, 0, 0);
  });
});
EM_JS(void, jam_js_tab_defer, (void* self), {
  setTimeout(function() {
    if (Module.jamTabAgents && Module.jamTabAgents.has(self)) Module['_jam_tab_resume'](self);
  }, 0);
});
EM_JS(void, jam_js_tab_plan_done, (double ms, double wait_ms, int fed, int reused, int frame,
                                   int ok, int superseded, double chord_rate, double colour), {
  if (!globalThis.jamOrt) return;
  var plans = globalThis.jamOrt.plans;
  plans.push({ ms: ms, waitMs: wait_ms, fed: fed, reused: reused, frame: frame, ok: !!ok,
               superseded: superseded, chordRate: isNaN(chord_rate) ? null : chord_rate,
               colour: isNaN(colour) ? null : colour });
  if (plans.length > 5000) plans.splice(0, plans.length - 5000);
});
// clang-format on

extern "C" {
EMSCRIPTEN_KEEPALIVE void jam_tab_loaded(jam::TabAgent* agent, int serial, int ok,
                                         const char* ep_or_error, const char* vocab_json,
                                         int vocab_size, int max_len, int threads) {
  agent->on_loaded(serial, ok != 0, ep_or_error, vocab_json, vocab_size, max_len, threads);
}
EMSCRIPTEN_KEEPALIVE void jam_tab_resume(jam::TabAgent* agent) { agent->resume(); }
}

namespace jam {

namespace {
constexpr int kCacheEntries = 2;   // KV caches kept (each a full context on the JS side)
}  // namespace

TabAgent::TabAgent() { jam_js_tab_register(this, 1); }

TabAgent::~TabAgent() {
  jam_js_tab_register(this, 0);
  // Models (JS contexts) go before the planner that uses them; pending replies are dropped
  // with the agent (its owner, the App, lives as long as the page).
  planner_.reset();
  cache_.reset();
}

void TabAgent::load(const std::string& model_id) {
  wanted_ = model_id;
  if (model_id == model_id_ && state_ != State::kIdle) {
    const bool retry = state_ == State::kFailed && emscripten_get_now() - failed_ms_ >= kRetryMs;
    if (!retry) return;  // loaded, loading, or failed recently
  }
  schedule();
}

void TabAgent::send(const PlanRequest& request, Reply reply) {
  if (auto why = validate_plan_request(request)) {
    reply(Result<PlanResponse>::fail("invalid request: " + *why));
    return;
  }
  wanted_ = request.model;
  if (!queued_) queued_.emplace();
  queued_->request = request;
  queued_->replies.push_back(std::move(reply));
  queued_->sent_ms = emscripten_get_now();
  schedule();
}

std::string TabAgent::describe() const {
  switch (state_) {
    case State::kIdle: return "in this tab: not loaded";
    case State::kLoading: return "in this tab: loading " + model_id_ + "...";
    case State::kFailed: return "in this tab: " + error_;
    case State::kReady: break;
  }
  // The model runs in ort_agent.js's inference worker, never on the page's main thread.
  std::string text = "in this tab (" + ep_;
  if (ep_ == "wasm" && threads_ > 1) text += ", " + std::to_string(threads_) + " threads";
  return text + ", worker): " + model_id_;
}

void TabAgent::schedule() {
  if (scheduled_) return;
  scheduled_ = true;
  jam_js_tab_defer(this);
}

void TabAgent::start_load(const std::string& model_id) {
  // Only between plans: the planner and its models go first.
  planner_.reset();
  cache_.reset();
  vocab_.reset();
  state_ = State::kLoading;
  model_id_ = model_id;
  ep_.clear();
  error_.clear();
  load_started_ms_ = emscripten_get_now();
  jam_js_tab_load(this, ++load_serial_, model_id.c_str());
}

void TabAgent::on_loaded(int serial, bool ok, const char* ep_or_error, const char* vocab_json,
                         int vocab_size, int max_len, int threads) {
  if (serial != load_serial_) return;  // a newer load() replaced this one
  auto failed = [&](const std::string& why) {
    state_ = State::kFailed;
    failed_ms_ = emscripten_get_now();
    error_ = "model " + model_id_ + ": " + why;
    schedule();  // answers what waits
  };
  if (!ok) return failed(ep_or_error);
  Result<ChordVocab> vocab = ChordVocab::from_json(vocab_json);
  if (!vocab) return failed("vocab.json: " + vocab.error());
  if (vocab_size != 260 + 2 * vocab->size())
    return failed("vocab_size " + std::to_string(vocab_size) + " does not fit " +
                  std::to_string(vocab->size()) + " chords");
  if (max_len <= 0) return failed("config.json has no max_len");
  vocab_ = std::make_unique<ChordVocab>(std::move(*vocab));
  const OrtModelShape shape{vocab_size, max_len};
  PrefixCacheConfig cache_config;
  cache_config.max_entries = kCacheEntries;
  cache_ = std::make_unique<PrefixCache>([shape] { return std::make_unique<OrtModel>(shape); },
                                         cache_config);
  planner_ = std::make_unique<Planner>(*vocab_, *cache_, nullptr);
  ep_ = ep_or_error;
  threads_ = threads;
  load_ms_ = emscripten_get_now() - load_started_ms_;
  state_ = State::kReady;
  schedule();
}

void TabAgent::resume() {
  scheduled_ = false;
  if (running_) return;  // on_planned schedules the next step
  const std::string target = queued_ ? queued_->request.model : wanted_;
  if (target.empty()) return;
  const bool retry = state_ == State::kFailed && emscripten_get_now() - failed_ms_ >= kRetryMs;
  if (target != model_id_ || state_ == State::kIdle || retry) {
    start_load(target);
    return;
  }
  if (!queued_ || state_ == State::kLoading) return;
  if (state_ == State::kFailed) {
    Batch b = std::move(*queued_);
    queued_.reset();
    for (Reply& r : b.replies) r(Result<PlanResponse>::fail(error_));
    return;
  }
  running_ = std::move(queued_);
  queued_.reset();
  plan_started_ms_ = emscripten_get_now();
  planner_->plan(running_->request, [this](Result<PlanResponse> r) { on_planned(std::move(r)); });
}

void TabAgent::on_planned(Result<PlanResponse> result) {
  const double now = emscripten_get_now();
  Batch b = std::move(*running_);
  running_.reset();
  ++plans_done_;
  const PlanStats& st = planner_->last_stats();
  if (result) result->server_ms = now - plan_started_ms_;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  jam_js_tab_plan_done(now - plan_started_ms_, plan_started_ms_ - b.sent_ms, st.tokens_fed,
                       st.tokens_reused, b.request.frame, result.ok(),
                       static_cast<int>(b.replies.size()) - 1, b.request.chord_rate.value_or(nan),
                       b.request.colour.value_or(nan));
  // The planner is still unwinding: the next plan starts in a new task (schedule), never here.
  schedule();
  for (size_t i = 0; i < b.replies.size(); ++i) {
    if (i + 1 < b.replies.size()) {
      b.replies[i](result);
    } else {
      b.replies[i](std::move(result));
    }
  }
}

}  // namespace jam
