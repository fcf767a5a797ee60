// harmonize_endpoint.cpp — see harmonize_endpoint.h.
#include "harmonize_endpoint.h"

#include <chrono>
#include <stdexcept>
#include <utility>

#include "jam/harmonizer.h"
#include "jam/offline_engine.h"
#include "jam/planner.h"
#include "jam/planning_stack.h"
#include "model_files.h"

namespace jam {

HarmonizeEndpoint::HarmonizeEndpoint(const ModelRegistry& models, Metrics& metrics,
                                     HarmonizeEndpointConfig config, ProtocolLimits limits)
    : models_(models), metrics_(metrics), config_(config), limits_(limits) {
  for (const ModelInfo& m : models.models()) {
    if (m.arch != "offline") continue;
    auto bundle = load_model_bundle(m.dir.parent_path(), m.id);
    if (!bundle) throw std::runtime_error("model " + m.id + ": " + bundle.error());
    auto engine = OfflineEngine::create(*(*bundle)->weights);
    if (!engine) throw std::runtime_error("model " + m.id + ": " + engine.error());
    offline_.emplace(m.id, Model{*bundle, std::make_unique<OfflineEngine>(std::move(*engine))});
  }
  thread_ = std::thread([this] { run(); });
}

HarmonizeEndpoint::~HarmonizeEndpoint() {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  wake_.notify_all();
  thread_.join();
  for (Job& j : dropped) j.done({503, "", "server stopping", 1, ""});
}

void HarmonizeEndpoint::handle(std::string_view body, Done done) {
  const auto start = std::chrono::steady_clock::now();
  if (body.size() > kMaxBodyBytes) {
    metrics_.on_error(ErrorKind::kTooLarge);
    return done({413, "", "body: larger than " + std::to_string(kMaxBodyBytes) + " bytes", 0, ""});
  }
  Result<HarmonizeRequest> parsed = parse_harmonize_request(body, limits_);
  if (!parsed) {
    metrics_.on_error(ErrorKind::kBadRequest);
    return done({400, "", parsed.error(), 0, ""});
  }
  if (models_.find(parsed->model) == nullptr) {
    metrics_.on_error(ErrorKind::kNotFound);
    return done({404, "", "model: unknown model '" + parsed->model + "' (see GET /v1/models)", 0, ""});
  }
  if (offline_.find(parsed->model) == offline_.end()) {
    metrics_.on_error(ErrorKind::kBadRequest);
    return done({400, "", "model: '" + parsed->model + "' is not an offline model (try \"offline\")", 0, ""});
  }
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < config_.queue_depth) {
      queue_.push_back(Job{std::move(*parsed), std::move(done), start});
      wake_.notify_one();
      return;
    }
  }
  metrics_.on_error(ErrorKind::kBusy);
  done({503, "", "server busy: harmonizer queue full, retry later", 1, ""});
}

void HarmonizeEndpoint::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    PlanReply reply = harmonize_one(job);
    if (reply.status != 200) metrics_.on_error(ErrorKind::kInternal);
    job.done(std::move(reply));
  }
}

PlanReply HarmonizeEndpoint::harmonize_one(const Job& job) {
  const HarmonizeRequest& r = job.request;
  Model& model = offline_.find(r.model)->second;
  Song song;
  song.id = "harmonize";
  song.n_frames = harmonize_frames(r);
  for (const PlanNote& n : r.melody) song.melody.push_back(Note{n.on, *n.off, n.pitch, 100});

  HarmonizerConfig cfg;
  cfg.temperature = static_cast<float>(r.temperature);
  cfg.seed = r.seed;
  cfg.controls = ChordControls{r.chord_rate.value_or(0.0), r.colour.value_or(0.5)};
  auto h = harmonize(*model.engine, model.bundle->vocab, song, cfg);
  if (!h) return {500, "", "harmonizer: " + h.error(), 0, ""};

  HarmonizeResponse resp;
  resp.frames = song.n_frames;
  resp.chord_tokens.assign(h->chord_tokens.begin(), h->chord_tokens.end());
  const ChordVocab& vocab = model.bundle->vocab;
  for (const ChordEvent& e : chord_events_from_tokens(resp.chord_tokens, vocab)) {
    const int id = vocab.map(e);
    resp.chords.push_back(HarmonizedChord{e.on, e.off, vocab.chord(id).name, vocab.voicing(id)});
  }
  resp.server_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                             job.start).count();
  return {200, harmonize_response_json(resp), "", 0, ""};
}

}  // namespace jam
