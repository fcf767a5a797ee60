// Server pieces without sockets: static path resolution and MIME types, the bounded inference
// pool (503 when full, session affinity), the plan endpoint's status codes, model scanning, the
// per-connection rate limit and the Origin allow-list.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "inference_pool.h"
#include "metrics.h"
#include "model_registry.h"
#include "origin_policy.h"
#include "planner_plan_service.h"
#include "plan_endpoint.h"
#include "rate_limiter.h"
#include "server_process.h"
#include "static_files.h"

namespace {

using jam::test::TempDir;

TEST(StaticFiles, ResolvesInsideTheRootOnly) {
  TempDir d;
  d.write("web/index.html", "i");
  d.write("web/a/b.js", "b");
  d.write("web/a/index.html", "ai");
  d.write("secret", "s");
  const auto root = d.path() / "web";
  EXPECT_EQ(jam::resolve_static_path(root, "/"), root / "index.html");
  EXPECT_EQ(jam::resolve_static_path(root, "/a/b.js?x#y"), root / "a" / "b.js");
  EXPECT_EQ(jam::resolve_static_path(root, "/a"), root / "a" / "index.html");
  EXPECT_EQ(jam::resolve_static_path(root, "//a//b.js"), root / "a" / "b.js");
  for (const char* bad : {"", "a/b.js", "/../secret", "/a/../../secret", "/%2e%2e/secret",
                          "/a%2fb.js", "/a%5cb.js", "/a\\b.js", "/index.html%00", "/%0a",
                          "/%", "/%g0", "/.git", "/a/.", "/missing"}) {
    EXPECT_EQ(jam::resolve_static_path(root, bad), std::nullopt) << bad;
  }
}

TEST(StaticFiles, MimeTypes) {
  EXPECT_EQ(jam::mime_type("x/app.WASM"), "application/wasm");
  EXPECT_EQ(jam::mime_type("a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(jam::mime_type("a.onnx"), "application/octet-stream");
  EXPECT_EQ(jam::mime_type("dir.v2/README"), "application/octet-stream");
  EXPECT_EQ(jam::mime_type("a.json"), "application/json");
}

TEST(RateLimiter, BurstThenSteadyRate) {
  using std::chrono::milliseconds;
  jam::RateLimiter limit(16, 4);
  const auto t0 = jam::RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(limit.take(t0), std::nullopt) << i;  // the burst
  EXPECT_EQ(limit.take(t0), std::optional<int>(1));                          // then refused
  // 16/s refills one token every 62.5 ms: 10 s at 240 BPM 16ths (one per 62.5 ms) never hit it.
  int refused = 0;
  for (int i = 1; i <= 160; ++i) refused += limit.take(t0 + milliseconds(63 * i)).has_value();
  EXPECT_EQ(refused, 0);
  // A flood at 1 kHz gets about 16 of every 1000 through.
  int allowed = 0;
  const auto t1 = t0 + std::chrono::seconds(20);
  for (int i = 0; i < 1000; ++i) allowed += !limit.take(t1 + milliseconds(i)).has_value();
  EXPECT_GE(allowed, 4 + 15);
  EXPECT_LE(allowed, 4 + 17);
  // The clock never runs backwards for the bucket; a long pause refills to the burst only.
  EXPECT_TRUE(limit.take(t0).has_value());
  const auto t2 = t1 + std::chrono::hours(1);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(limit.take(t2), std::nullopt);
  EXPECT_TRUE(limit.take(t2).has_value());
  // Retry-After rounds up to whole seconds; rate 0 means no limit.
  jam::RateLimiter slow(0.25, 1);
  EXPECT_EQ(slow.take(t0), std::nullopt);
  EXPECT_EQ(slow.take(t0), std::optional<int>(4));
  jam::RateLimiter off(0, 1);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(off.take(t0), std::nullopt);
  EXPECT_EQ(jam::rate_limit_message(32),
            "rate limit: more than 32 plan requests per second on this connection, retry later");
}

TEST(OriginPolicy, LoopbackByDefault) {
  jam::OriginPolicy p;
  EXPECT_TRUE(p.allows(std::nullopt, "127.0.0.1:8080"));  // curl, benchmarks: no Origin
  EXPECT_TRUE(p.allows("http://127.0.0.1:8080", "127.0.0.1:8080"));
  EXPECT_TRUE(p.allows("http://localhost:5173", "127.0.0.1:8080"));
  EXPECT_TRUE(p.allows("HTTP://LOCALHOST:5173", "127.0.0.1:8080"));
  EXPECT_TRUE(p.allows("http://127.0.0.2", "127.0.0.1:8080"));
  EXPECT_TRUE(p.allows("https://[::1]:9000", "127.0.0.1:8080"));
  // Same origin under an IP literal (a LAN address when bound to 0.0.0.0).
  EXPECT_TRUE(p.allows("http://192.168.1.5:8080", "192.168.1.5:8080"));
  for (const char* bad : {"http://evil.example", "null", "", "file://", "http://", "ws://127.0.0.1",
                          "http://127.0.0.1.evil.example", "http://localhost.evil.example:8080",
                          "http://[::1", "http://127.0.0.1:8080/path", "http://127.0.0.1:99999x"}) {
    EXPECT_FALSE(p.allows(std::string_view(bad), "127.0.0.1:8080")) << bad;
  }
  // DNS rebinding: evil.example re-pointed at 127.0.0.1 is "same origin" by Host, and refused.
  EXPECT_FALSE(p.allows("http://evil.example:8080", "evil.example:8080"));
  EXPECT_FALSE(p.allows("http://192.168.1.6:8080", "192.168.1.5:8080"));
}

TEST(OriginPolicy, AllowList) {
  jam::OriginPolicy p({"https://jam.example.com", "http://studio.local:8080/"});
  EXPECT_TRUE(p.allows("https://jam.example.com", "jam.example.com"));
  EXPECT_TRUE(p.allows("https://JAM.example.com", "10.0.0.2:8080"));
  EXPECT_TRUE(p.allows("http://studio.local:8080", "studio.local:8080"));
  EXPECT_FALSE(p.allows("http://jam.example.com", "jam.example.com"));  // scheme differs
  EXPECT_FALSE(p.allows("https://jam.example.com:444", "x"));
  EXPECT_FALSE(p.allows("http://localhost:5173", "127.0.0.1:8080"));  // a list replaces loopback
  EXPECT_TRUE(p.allows("http://127.0.0.1:8080", "127.0.0.1:8080"));   // same origin stays
  jam::OriginPolicy with_loopback({"loopback", "https://jam.example.com"});
  EXPECT_TRUE(with_loopback.allows("http://localhost:5173", "127.0.0.1:8080"));
  EXPECT_FALSE(with_loopback.allows("https://evil.example", "127.0.0.1:8080"));
  jam::OriginPolicy any({"*"});
  EXPECT_TRUE(any.allows("https://evil.example", "127.0.0.1:8080"));
  EXPECT_EQ(jam::OriginPolicy::check_entry("https://a.example:8443"), std::nullopt);
  EXPECT_EQ(jam::OriginPolicy::check_entry("*"), std::nullopt);
  EXPECT_EQ(jam::OriginPolicy::check_entry("loopback"), std::nullopt);
  for (const char* bad : {"a.example", "https://a.example/path", "ftp://a.example", "", "https://"}) {
    EXPECT_NE(jam::OriginPolicy::check_entry(bad), std::nullopt) << bad;
  }
}

// A planner that blocks until released: makes the queue fill up deterministically.
class GatedService final : public jam::PlanService {
 public:
  struct Gate {
    std::mutex m;
    std::condition_variable cv;
    bool open = false;
    std::atomic<int> started{0};
    std::atomic<int> ended_sessions{0};
    void release() {  // lets every waiting and future plan() return
      {
        std::lock_guard lock(m);
        open = true;
      }
      cv.notify_all();
    }
  };
  GatedService(Gate& g, int worker) : gate_(g), worker_(worker) {}
  jam::PlanOutcome plan(const jam::PlanRequest& r) override {
    ++gate_.started;
    std::unique_lock lock(gate_.m);
    gate_.cv.wait(lock, [&] { return gate_.open; });
    jam::PlanOutcome o;
    o.response.frame = r.frame;
    o.response.chords.push_back({r.frame, r.frame + 1, std::to_string(worker_), {60}, true});
    return o;
  }
  void end_session(const std::string&) override { ++gate_.ended_sessions; }
  std::string_view name() const override { return "gated"; }

 private:
  Gate& gate_;
  int worker_;
};

jam::PlanRequest request(int frame, std::optional<std::string> session = std::nullopt) {
  jam::PlanRequest r;
  r.model = "online";
  r.frame = frame;
  r.session = std::move(session);
  return r;
}

TEST(InferencePool, BoundedQueueRefusesWhenFullAndDrains) {
  GatedService::Gate gate;
  jam::ModelRegistry models;
  jam::InferencePool pool(
      models, [&](const jam::ModelRegistry&, int w) { return std::make_unique<GatedService>(gate, w); },
      {1, 3});
  std::atomic<int> done{0};
  auto count = [&](jam::PlanOutcome o) {
    EXPECT_EQ(o.status, 200);
    ++done;
  };
  ASSERT_TRUE(pool.submit(request(0), count));
  while (gate.started.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (int i = 1; i <= 3; ++i) EXPECT_TRUE(pool.submit(request(i), count));  // queued
  EXPECT_EQ(pool.queue_depth(), 3u);
  EXPECT_FALSE(pool.submit(request(9), count));  // full
  gate.release();
  while (done.load() < 4) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(pool.queue_depth(), 0u);
  EXPECT_TRUE(pool.submit(request(10), count));
  while (done.load() < 5) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

TEST(InferencePool, QueuedJobsOfASessionShareOneWorkerAndKeepTheirOrder) {
  GatedService::Gate gate;  // closed: every job waits, so the queues fill
  jam::ModelRegistry models;
  jam::InferencePool pool(
      models, [&](const jam::ModelRegistry&, int w) { return std::make_unique<GatedService>(gate, w); },
      {4, 8});
  std::mutex m;
  std::map<std::string, std::vector<std::pair<std::string, int>>> seen;  // session -> (worker, frame)
  std::atomic<int> done{0};
  for (int i = 0; i < 4; ++i) {
    for (const char* session : {"alice", "bob", "carol"}) {
      ASSERT_TRUE(pool.submit(request(i, session), [&, session](jam::PlanOutcome o) {
        std::lock_guard lock(m);
        seen[session].emplace_back(o.response.chords[0].name, o.response.frame);
        ++done;
      }));
    }
  }
  gate.release();
  while (done.load() < 12) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::set<std::string> used;
  for (const auto& [session, jobs] : seen) {
    ASSERT_EQ(jobs.size(), 4u) << session;
    for (size_t i = 0; i < jobs.size(); ++i) {
      EXPECT_EQ(jobs[i].first, jobs[0].first) << session << ": one worker while jobs are queued";
      EXPECT_EQ(jobs[i].second, static_cast<int>(i)) << session << ": in arrival order";
    }
    used.insert(jobs[0].first);
  }
  EXPECT_EQ(used.size(), 3u) << "three busy sessions spread over the idle workers";
}

TEST(InferencePool, AnIdleSessionGoesToTheShortestQueue) {
  GatedService::Gate gate;
  jam::ModelRegistry models;
  jam::InferencePool pool(
      models, [&](const jam::ModelRegistry&, int w) { return std::make_unique<GatedService>(gate, w); },
      {2, 8});
  std::atomic<int> done{0};
  std::string worker_of_first, worker_of_second;
  // "alice" occupies one worker (blocked); "bob" must go to the other even though hashing might
  // have put both sessions on the same worker.
  ASSERT_TRUE(pool.submit(request(0, "alice"), [&](jam::PlanOutcome o) {
    worker_of_first = o.response.chords[0].name;
    ++done;
  }));
  while (gate.started.load() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(pool.submit(request(0, "alice"), [&](jam::PlanOutcome) { ++done; }));  // queued
  ASSERT_TRUE(pool.submit(request(0, "bob"), [&](jam::PlanOutcome o) {
    worker_of_second = o.response.chords[0].name;
    ++done;
  }));
  while (gate.started.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  gate.release();
  while (done.load() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_NE(worker_of_first, worker_of_second);
}

TEST(PlanEndpoint, StatusCodesIncluding503WithRetryAfter) {
  TempDir d;
  d.write("models/online/config.json", "{\"vocab_size\": 300}");
  auto models = jam::ModelRegistry::scan(d.path() / "models");
  ASSERT_TRUE(models.ok()) << models.error();
  EXPECT_EQ(models->find("online")->vocab_size.value_or(0), 300);
  GatedService::Gate gate;
  jam::InferencePool pool(
      *models, [&](const jam::ModelRegistry&, int w) { return std::make_unique<GatedService>(gate, w); },
      {1, 1});
  jam::Metrics metrics;
  jam::PlanEndpoint endpoint(*models, pool, metrics);
  const std::string body = jam::plan_request_json(request(4));
  std::vector<jam::PlanReply> replies;
  std::mutex m;
  auto keep = [&](jam::PlanReply r) {
    std::lock_guard lock(m);
    replies.push_back(std::move(r));
  };
  endpoint.handle(body, std::string("ws-1"), keep);  // runs (blocks in the gate)
  while (gate.started.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  endpoint.handle(body, std::string("ws-1"), keep);  // queued
  endpoint.handle(body, std::string("ws-1"), keep);  // queue full -> 503 at once
  endpoint.handle("{", std::nullopt, keep);          // 400 at once
  endpoint.handle(jam::plan_request_json([] {
                    auto r = request(4);
                    r.chord_tokens = {3, 300};
                    return r;
                  }()),
                  std::nullopt, keep);  // 400: token outside the model's vocabulary
  endpoint.handle(jam::plan_request_json([] {
                    auto r = request(4);
                    r.model = "ghost";
                    return r;
                  }()),
                  std::nullopt, keep);  // 404 at once
  {
    std::lock_guard lock(m);
    ASSERT_EQ(replies.size(), 4u);
    EXPECT_EQ(replies[0].status, 503);
    EXPECT_EQ(replies[0].retry_after_s, 1);
    EXPECT_EQ(replies[0].session, "ws-1");
    EXPECT_EQ(replies[1].status, 400);
    EXPECT_EQ(replies[2].status, 400);
    EXPECT_EQ(replies[2].error, "chord_tokens[1]: 300 outside 0..299 (model 'online')");
    EXPECT_EQ(replies[3].status, 404);
    EXPECT_EQ(replies[3].error, "model: unknown model 'ghost' (see GET /v1/models)");
  }
  gate.release();
  for (;;) {
    {
      std::lock_guard lock(m);
      if (replies.size() == 6) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(replies[4].status, 200);
  EXPECT_EQ(replies[5].status, 200);
  auto resp = jam::parse_plan_response(replies[4].body);
  ASSERT_TRUE(resp.ok()) << resp.error();
  EXPECT_EQ(resp->frame, 4);
  EXPECT_EQ(metrics.errors(jam::ErrorKind::kBusy), 1u);
  EXPECT_EQ(metrics.errors(jam::ErrorKind::kBadRequest), 2u);
  EXPECT_EQ(metrics.errors(jam::ErrorKind::kNotFound), 1u);
}

TEST(PlannerPlanService, PlansWithTheRealModelsWithinTheProtocolContract) {
  jam::test::TempDir d;
  d.install_tiny_models(R"({"arch":"online"})");
  auto models = jam::ModelRegistry::scan(d.path() / "models");
  ASSERT_TRUE(models.ok()) << models.error();
  std::unique_ptr<jam::PlanService> service = jam::make_planner_factory()(*models, 0);
  EXPECT_EQ(service->name(), "planner");
  auto req = jam::parse_plan_request(
      R"({"model":"online","frame":20,"lookahead_frames":16,"commit_frames":4,"silence_frames":8,)"
      R"("temperature":1,"seed":5,"melody":[[0,4,57],[16,null,62]],"chord_tokens":[]})");
  ASSERT_TRUE(req.ok()) << req.error();
  jam::PlanOutcome o = service->plan(*req);
  ASSERT_EQ(o.status, 200) << o.error;
  EXPECT_EQ(o.response.frame, 20);
  ASSERT_EQ(o.response.chord_tokens.size(), 36u);
  for (const jam::PlanChord& c : o.response.chords) {
    EXPECT_GE(c.on, 8);
    EXPECT_GT(c.off, 20);
    EXPECT_LE(c.off, 36);
    EXPECT_EQ(c.committed, c.on < 24);
    EXPECT_FALSE(c.pitches.empty());
  }
  // The same request again gives the same plan (seeded, whatever the cache holds).
  EXPECT_EQ(service->plan(*req).response.chord_tokens, o.response.chord_tokens);
  // A hold after silence in the echoed stream is the client's error.
  req->chord_tokens = {3, 260};
  jam::PlanOutcome bad = service->plan(*req);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.error.find("chord_tokens[1]"), std::string::npos) << bad.error;
  // The offline model harmonizes; it does not plan live.
  req->model = "offline";
  req->chord_tokens.clear();
  EXPECT_EQ(service->plan(*req).status, 404);
}

TEST(PlannerPlanService, CorruptModelRefusesToStart) {
  jam::test::TempDir d;
  d.install_tiny_models(R"({"arch":"online"})");
  d.write("models/online/model.jamw", std::string(1000, 'w'));
  auto models = jam::ModelRegistry::scan(d.path() / "models");
  ASSERT_TRUE(models.ok()) << models.error();
  try {
    jam::make_planner_factory()(*models, 0);
    FAIL() << "a corrupt model.jamw must stop the server";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("model.jamw"), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(ModelRegistry, DefaultModelPrefersRlMThenOnline) {
  TempDir d;
  d.write("models/a-first/config.json", R"({"arch":"online"})");
  d.write("models/offline/config.json", R"({"arch":"offline"})");
  auto first = jam::ModelRegistry::scan(d.path() / "models");
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->default_model(), "a-first");
  d.write("models/online/config.json", R"({"arch":"online"})");
  EXPECT_EQ(jam::ModelRegistry::scan(d.path() / "models")->default_model(), "online");
  d.write("models/rl-m/config.json", R"({"arch":"online"})");
  auto all = jam::ModelRegistry::scan(d.path() / "models");
  EXPECT_EQ(all->default_model(), "rl-m");
  EXPECT_NE(all->models_json().find(R"("default":"rl-m")"), std::string::npos);
  TempDir none;
  none.write("models/offline/config.json", R"({"arch":"offline"})");
  EXPECT_EQ(jam::ModelRegistry::scan(none.path() / "models")->default_model(), "");
}
