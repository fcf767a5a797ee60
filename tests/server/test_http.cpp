// The real jam-server over HTTP on loopback: endpoints, protocol v1 errors, static files (MIME
// types, index.html, no listing, traversal), security headers, limits, the Origin allow-list,
// the per-connection rate limit and slow clients.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "server_fixture.h"
#include "server_process.h"

namespace {

using jam::test::http_request;
using jam::test::HttpResult;
using jam::test::raw_exchange;
using jam::test::ServerProcess;
using jam::test::TempDir;
using Json = nlohmann::json;

const char* kPlanBody =
    R"({"model":"online","frame":72,"lookahead_frames":16,"commit_frames":8,"silence_frames":32,)"
    R"("temperature":1.0,"seed":7,"melody":[[0,4,60],[4,8,62],[70,null,69]],"chord_tokens":[]})";

// Returns kPlanBody with `"key":<old>` replaced by `"key":<value>`.
std::string plan_with(const std::string& key, const std::string& value) {
  Json j = Json::parse(kPlanBody);
  j[key] = Json::parse(value);
  return j.dump();
}

void expect_security_headers(const HttpResult& r) {
  EXPECT_EQ(r.header("cross-origin-opener-policy"), "same-origin");
  EXPECT_EQ(r.header("cross-origin-embedder-policy"), "require-corp");
  EXPECT_EQ(r.header("cross-origin-resource-policy"), "same-origin");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_NE(r.header("content-security-policy").find("'wasm-unsafe-eval'"), std::string::npos);
  EXPECT_NE(r.header("content-security-policy").find("worker-src 'self' blob:"), std::string::npos);
  EXPECT_EQ(r.header("referrer-policy"), "no-referrer");
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
}

class HttpServer : public jam::test::SharedServerTest<HttpServer> {
 public:
  static std::vector<std::string> server_args(const TempDir& root) {
    root.write("secret.txt", "SECRET-OUTSIDE-WEB-ROOT");
    root.write("web/index.html", "<!doctype html><title>jam</title>");
    root.write("web/app.wasm", std::string("\0asm\1\0\0\0", 8));
    root.write("web/app.js", "console.log(1)");
    root.write("web/ort.mjs", "export default 1");
    root.write("web/style.css", "body{}");
    root.write("web/data.json", "{\"a\":1}");
    root.write("web/logo.png", "\x89PNG");
    root.write("web/model.onnx", "onnx-bytes");
    root.write("web/NOTES", "no extension");
    root.write("web/.hidden", "dotfile");
    root.write("web/sub/index.html", "sub index");
    root.write("web/sub/page.html", "sub page");
    root.write("web/empty/x.bin", "x");
    root.install_tiny_models(R"({"arch":"online","description":"test model","n_params":123456})");
    root.write("models/broken/config.json", "{not json");
    root.write("models/notamodel/readme.txt", "no config");
    return {"--web", (root.path() / "web").string(), "--models", (root.path() / "models").string()};
  }
};

TEST_F(HttpServer, Healthz) {
  auto r = http_request(port(), "GET", "/healthz");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.header("content-type"), "application/json");
  Json j = Json::parse(r.body);
  EXPECT_EQ(j["ok"], true);
  EXPECT_GE(j["uptime_s"].get<double>(), 0.0);
  EXPECT_EQ(j["protocol"], 1);
  expect_security_headers(r);
}

TEST_F(HttpServer, ModelsListsValidConfigsOnly) {
  auto r = http_request(port(), "GET", "/v1/models");
  ASSERT_EQ(r.status, 200) << r.error;
  Json j = Json::parse(r.body);
  // "broken" (bad config.json) and "notamodel" (none) are not offered; sorted by id.
  ASSERT_EQ(j["models"].size(), 2u) << r.body;
  EXPECT_EQ(j["models"][0]["id"], "offline");
  EXPECT_EQ(j["models"][0]["arch"], "offline");
  const Json& m = j["models"][1];
  EXPECT_EQ(m["id"], "online");
  EXPECT_EQ(m["arch"], "online");
  EXPECT_EQ(m["description"], "test model");
  EXPECT_EQ(m["parameters"], 123456);
  EXPECT_TRUE(m["vocab_size"].is_null());
  ASSERT_EQ(m["files"].size(), 3u);
  EXPECT_EQ(m["files"][1]["name"], "model.jamw");
  EXPECT_EQ(m["files"][1]["bytes"], 181568);
  EXPECT_GT(m["total_bytes"].get<int>(), 181568);
  EXPECT_EQ(j["default"], "online");  // no rl-m here
}

TEST(HttpServerNoModels, EmptyListWithoutModels) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "models");
  for (bool with_dir : {false, true}) {
    std::vector<std::string> args;
    if (with_dir) args = {"--models", (dir.path() / "models").string()};
    ServerProcess s(args);
    ASSERT_TRUE(s.ok()) << s.output();
    auto r = http_request(s.port(), "GET", "/v1/models");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "{\"default\":null,\"models\":[]}");
    // No models: every plan request names an unknown model.
    EXPECT_EQ(http_request(s.port(), "POST", "/v1/plan", kPlanBody).status, 404);
    // No --web: static paths are 404 (API still works).
    EXPECT_EQ(http_request(s.port(), "GET", "/").status, 404);
  }
}

TEST_F(HttpServer, StaticMimeTypes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/index.html", "text/html; charset=utf-8"},
      {"/app.wasm", "application/wasm"},
      {"/app.js", "text/javascript; charset=utf-8"},
      {"/ort.mjs", "text/javascript; charset=utf-8"},
      {"/style.css", "text/css; charset=utf-8"},
      {"/data.json", "application/json"},
      {"/logo.png", "image/png"},
      {"/model.onnx", "application/octet-stream"},
      {"/NOTES", "application/octet-stream"},
  };
  for (const auto& [path, type] : cases) {
    auto r = http_request(port(), "GET", path);
    ASSERT_EQ(r.status, 200) << path << " " << r.error;
    EXPECT_EQ(r.header("content-type"), type) << path;
    expect_security_headers(r);
  }
  EXPECT_EQ(http_request(port(), "GET", "/app.wasm").body, std::string("\0asm\1\0\0\0", 8));
}

TEST_F(HttpServer, IndexAndNoListing) {
  EXPECT_EQ(http_request(port(), "GET", "/").body, "<!doctype html><title>jam</title>");
  EXPECT_EQ(http_request(port(), "GET", "/?x=1").body, "<!doctype html><title>jam</title>");
  EXPECT_EQ(http_request(port(), "GET", "/sub/").body, "sub index");
  EXPECT_EQ(http_request(port(), "GET", "/sub").body, "sub index");
  EXPECT_EQ(http_request(port(), "GET", "/sub/page.html?v=2#frag").body, "sub page");
  EXPECT_EQ(http_request(port(), "GET", "/%73ub/page.html").body, "sub page");  // %73 = 's'
  auto listing = http_request(port(), "GET", "/empty/");
  EXPECT_EQ(listing.status, 404);
  EXPECT_EQ(listing.body.find("x.bin"), std::string::npos);
  auto missing = http_request(port(), "GET", "/nope.js");
  EXPECT_EQ(missing.status, 404);
  expect_security_headers(missing);
}

TEST_F(HttpServer, HeadHasHeadersButNoBody) {
  auto r = http_request(port(), "HEAD", "/app.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-length"), "14");
  EXPECT_EQ(r.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_TRUE(r.body.empty());
  expect_security_headers(r);
  auto h = http_request(port(), "HEAD", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_TRUE(h.body.empty());
  EXPECT_NE(h.header("content-length"), "0");
  // The raw bytes of a HEAD response really stop after the headers.
  std::string raw = raw_exchange(port(), "HEAD /data.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(raw.substr(raw.size() - 4), "\r\n\r\n") << raw;
}

TEST_F(HttpServer, PathTraversalIs404) {
  const std::vector<std::string> targets = {
      "/../secret.txt",          "/sub/../../secret.txt",    "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",      "/.%2e/secret.txt",         "/..%2fsecret.txt",
      "/sub%2f..%2f..%2fsecret.txt", "/%2e%2e%5csecret.txt", "/..\\secret.txt",
      "/index.html%00.png",      "/index.html%00",           "/.hidden",
      "/%2ehidden",              "/sub/..",                  "/sub/./page.html",
      "/%252e%252e/secret.txt",  "..%2Fsecret.txt",          "/%",
      "/%zz",                    "/%2",                      "/sub/page.html%2f",
  };
  for (const std::string& t : targets) {
    auto r = http_request(port(), "GET", t);
    EXPECT_EQ(r.status, 404) << t << " " << r.error;
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << t;
    EXPECT_EQ(r.body.find("dotfile"), std::string::npos) << t;
  }
  // Raw bytes too (a client library might normalize targets): NUL and absolute-form targets.
  std::string raw = raw_exchange(port(), std::string("GET /index.html\0.png HTTP/1.1\r\nHost: x\r\n\r\n", 40));
  EXPECT_EQ(raw.find("200 OK"), std::string::npos) << raw;
  raw = raw_exchange(port(), "GET http://x/../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(raw.find("SECRET"), std::string::npos) << raw;
  EXPECT_NE(raw.find("404"), std::string::npos) << raw;
}

TEST_F(HttpServer, PlanReturnsAPlan) {
  auto r = http_request(port(), "POST", "/v1/plan", kPlanBody,
                        {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body << r.error;
  expect_security_headers(r);
  Json j = Json::parse(r.body);
  EXPECT_EQ(j["frame"], 72);
  EXPECT_EQ(j["chord_tokens"].size(), 72u + 16u);
  ASSERT_FALSE(j["chords"].empty());
  for (const Json& c : j["chords"]) {
    EXPECT_GE(c["on"].get<int>(), 72);
    EXPECT_LE(c["off"].get<int>(), 88);
    EXPECT_LT(c["on"].get<int>(), c["off"].get<int>());
    EXPECT_EQ(c["committed"].get<bool>(), c["on"].get<int>() < 72 + 8);
    EXPECT_TRUE(c["name"].is_string());
    EXPECT_FALSE(c["pitches"].empty());
  }
  EXPECT_GE(j["server_ms"].get<double>(), 0.0);
  // The previous response's tokens echoed back are accepted.
  Json n = Json::parse(kPlanBody);
  n["frame"] = 80;
  n["chord_tokens"] = j["chord_tokens"];
  auto r2 = http_request(port(), "POST", "/v1/plan", n.dump());
  EXPECT_EQ(r2.status, 200) << r2.body;
}

TEST_F(HttpServer, PlanValidationErrors) {
  struct Case {
    std::string body;
    int status;
    std::string error_prefix;
  };
  std::string many_notes = "[";
  for (int i = 0; i < 20001; ++i) many_notes += i ? ",[0,1,60]" : "[0,1,60]";
  many_notes += "]";
  std::string many_tokens = "[3";  // frame 72 allows 72 + 32 = 104
  for (int i = 1; i < 105; ++i) many_tokens += ",3";
  many_tokens += "]";
  const std::vector<Case> cases = {
      {"{not json", 400, "body: malformed JSON"},
      {"", 400, "body: malformed JSON"},
      {"[]", 400, "body: expected a JSON object"},
      {plan_with("frame", "\"72\""), 400, "frame: expected an integer"},
      {plan_with("frame", "-1"), 400, "frame: -1 outside 0..100000"},
      {plan_with("frame", "100001"), 400, "frame: 100001 outside"},
      {plan_with("lookahead_frames", "0"), 400, "lookahead_frames: 0 outside 1..32"},
      {plan_with("lookahead_frames", "33"), 400, "lookahead_frames: 33 outside 1..32"},
      {plan_with("commit_frames", "17"), 400, "commit_frames: 17 greater than lookahead_frames"},
      {plan_with("temperature", "\"hot\""), 400, "temperature: expected a number"},
      {plan_with("melody", "[[0,4,128]]"), 400, "melody[0][2]: 128 outside 0..127"},
      {plan_with("melody", "[[0,4]]"), 400, "melody[0]: expected [on, off|null, pitch]"},
      {plan_with("melody", many_notes), 400, "melody: 20001 notes"},
      {plan_with("chord_tokens", many_tokens), 400, "chord_tokens: 105 tokens, more than frame + 32"},
      {plan_with("chord_tokens", "[\"x\"]"), 400, "chord_tokens[0]: expected an integer"},
      {plan_with("model", "\"nope\""), 404, "model: unknown model 'nope'"},
      {plan_with("model", "\"broken\""), 404, "model: unknown model 'broken'"},
  };
  for (const Case& c : cases) {
    auto r = http_request(port(), "POST", "/v1/plan", c.body);
    EXPECT_EQ(r.status, c.status) << c.body.substr(0, 80) << " -> " << r.body;
    Json j = Json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object() && j.contains("error")) << r.body;
    EXPECT_EQ(j["error"].get<std::string>().rfind(c.error_prefix, 0), 0u)
        << j["error"] << " vs " << c.error_prefix;
    expect_security_headers(r);
  }
}

TEST_F(HttpServer, BodyOverOneMebibyteIs413) {
  std::string big = "{\"model\":\"online\",\"pad\":\"" + std::string((1 << 20) + 10, 'x') + "\"}";
  auto r = http_request(port(), "POST", "/v1/plan", big);
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_NE(r.body.find("body: larger than 1048576 bytes"), std::string::npos) << r.body;
  expect_security_headers(r);
  // Chunked bodies are counted too.
  std::string chunked = "POST /v1/plan HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 20; ++i) chunked += "10000\r\n" + std::string(0x10000, 'y') + "\r\n";
  chunked += "0\r\n\r\n";
  std::string raw = raw_exchange(port(), chunked, std::chrono::seconds(30));
  EXPECT_NE(raw.find("HTTP/1.1 413"), std::string::npos) << raw.substr(0, 200);
}

TEST_F(HttpServer, MethodsRoutesAndOrigin) {
  auto get_plan = http_request(port(), "GET", "/v1/plan");
  EXPECT_EQ(get_plan.status, 405);
  EXPECT_EQ(get_plan.header("allow"), "POST");
  EXPECT_EQ(http_request(port(), "POST", "/healthz", "{}").status, 405);
  EXPECT_EQ(http_request(port(), "DELETE", "/index.html").status, 405);
  EXPECT_EQ(http_request(port(), "GET", "/v1/nothing").status, 404);
  EXPECT_EQ(http_request(port(), "GET", "/v1/jam").status, 426);
  const std::string host = "127.0.0.1:" + std::to_string(port());
  EXPECT_EQ(http_request(port(), "POST", "/v1/plan", kPlanBody, {{"Origin", "http://" + host}}).status,
            200);
  auto evil = http_request(port(), "POST", "/v1/plan", kPlanBody, {{"Origin", "http://evil.example"}});
  EXPECT_EQ(evil.status, 403);
  EXPECT_NE(evil.body.find("origin: cross-origin request refused"), std::string::npos) << evil.body;
  expect_security_headers(evil);
  // Default allow-list: loopback pages (e.g. a dev server on another port) are allowed; "null"
  // (sandboxed frames, file://) and DNS-rebinding look-alikes (same origin by name) are not.
  EXPECT_EQ(http_request(port(), "POST", "/v1/plan", kPlanBody,
                         {{"Origin", "http://localhost:5173"}}).status, 200);
  EXPECT_EQ(http_request(port(), "POST", "/v1/plan", kPlanBody, {{"Origin", "null"}}).status, 403);
  EXPECT_EQ(http_request(port(), "POST", "/v1/plan", kPlanBody,
                         {{"Origin", "http://rebind.example:" + std::to_string(port())},
                          {"Host", "rebind.example:" + std::to_string(port())}}).status,
            403);
}

TEST(HttpServerOrigins, AllowOriginReplacesTheLoopbackDefault) {
  TempDir root;
  root.install_tiny_models("{}");
  ServerProcess s({"--models", (root.path() / "models").string(), "--allow-origin",
                   "https://jam.example.com", "--allow-origin=http://studio.local:8080"});
  ASSERT_TRUE(s.ok()) << s.output();
  auto post = [&](const std::string& origin) {
    return http_request(s.port(), "POST", "/v1/plan", kPlanBody, {{"Origin", origin}}).status;
  };
  EXPECT_EQ(post("https://jam.example.com"), 200);
  EXPECT_EQ(post("http://studio.local:8080"), 200);
  EXPECT_EQ(post("http://127.0.0.1:" + std::to_string(s.port())), 200);  // same origin
  EXPECT_EQ(post("http://localhost:5173"), 403);
  EXPECT_EQ(post("https://jam.example.com.evil.example"), 403);
  EXPECT_EQ(post("http://jam.example.com"), 403);
}

// A connection over its plan-request rate gets 429 + Retry-After and stays usable; another
// connection is not affected. Rate 0.1/s with a burst of 3: exactly 3 of 5 pipelined plans pass.
TEST(HttpServerRateLimit, PerConnectionTokenBucket) {
  TempDir root;
  root.install_tiny_models("{}");
  ServerProcess s({"--models", (root.path() / "models").string(), "--rate-limit", "0.1",
                   "--rate-burst", "3"});
  ASSERT_TRUE(s.ok()) << s.output();
  const std::string one = "POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                          std::to_string(std::string(kPlanBody).size()) + "\r\n\r\n" + kPlanBody;
  std::string five;
  for (int i = 0; i < 5; ++i) five += one;
  five += "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string raw = jam::test::raw_exchange(s.port(), five);
  auto count = [&](const std::string& needle) {
    int n = 0;
    for (size_t at = raw.find(needle); at != std::string::npos; at = raw.find(needle, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("HTTP/1.1 200 OK"), 4) << raw.substr(0, 400);  // 3 plans + healthz
  EXPECT_EQ(count("HTTP/1.1 429"), 2) << raw.substr(0, 400);
  // Retry-After: the whole seconds until the next token (10 s at 0.1/s, less once the three
  // plans took a while, as under sanitizers).
  EXPECT_EQ(count("Retry-After: "), 2);
  EXPECT_EQ(count("rate limit: more than 0.1 plan requests per second on this connection"), 2);
  EXPECT_EQ(count("\"ok\":true"), 1);  // the connection was kept after the 429s
  // Static files, health and metrics are not limited; a new connection has its own bucket.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(http_request(s.port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(http_request(s.port(), "POST", "/v1/plan", kPlanBody).status, 200);
  auto metrics = http_request(s.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("jam_errors_total{kind=\"rate_limited\"} 2"), std::string::npos)
      << metrics.body;
}

TEST_F(HttpServer, MalformedHttpAndHugeHeaders) {
  std::string raw = raw_exchange(port(), "GARBAGE\r\n\r\n");
  EXPECT_NE(raw.find("HTTP/1.1 400"), std::string::npos) << raw;
  EXPECT_NE(raw.find("Cross-Origin-Embedder-Policy: require-corp"), std::string::npos);
  raw = raw_exchange(port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') +
                                 "\r\n\r\n");
  EXPECT_NE(raw.find("HTTP/1.1 431"), std::string::npos) << raw.substr(0, 200);
}

TEST_F(HttpServer, KeepAliveServesSeveralRequests) {
  std::string two =
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /data.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::string raw = raw_exchange(port(), two);
  EXPECT_NE(raw.find("\"ok\":true"), std::string::npos) << raw;
  EXPECT_NE(raw.find("{\"a\":1}"), std::string::npos) << raw;
}

TEST_F(HttpServer, ClientsThatDisconnectMidRequestDoNotHurt) {
  for (int i = 0; i < 20; ++i) {
    // Half a body, then gone.
    raw_exchange(port(), "POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"mo",
                 std::chrono::milliseconds(20));
    // A whole request whose response is never read.
    std::string req = "POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                      std::to_string(std::string(kPlanBody).size()) + "\r\n\r\n" + kPlanBody;
    raw_exchange(port(), req, std::chrono::milliseconds(1));
  }
  EXPECT_EQ(http_request(port(), "GET", "/healthz").status, 200);
  // The abandoned plans still run (or got 503); once the queue has drained, planning works.
  for (int i = 0; i < 600; ++i) {
    if (http_request(port(), "GET", "/metrics").body.find("\njam_inference_queue_depth 0\n") !=
        std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(http_request(port(), "POST", "/v1/plan", kPlanBody).status, 200);
  EXPECT_TRUE(server_->running());
}

TEST_F(HttpServer, MetricsCountRoutesErrorsAndLatency) {
  http_request(port(), "GET", "/healthz");
  http_request(port(), "POST", "/v1/plan", "{");
  http_request(port(), "POST", "/v1/plan", kPlanBody);
  auto r = http_request(port(), "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type").rfind("text/plain; version=0.0.4", 0), 0u);
  const std::string& m = r.body;
  auto value = [&](const std::string& series) -> double {
    size_t at = m.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(m.substr(at + series.size() + 2));
  };
  EXPECT_GE(value("jam_requests_total{route=\"healthz\"}"), 1);
  EXPECT_GE(value("jam_requests_total{route=\"plan\"}"), 2);
  EXPECT_GE(value("jam_errors_total{kind=\"bad_request\"}"), 1);
  EXPECT_GE(value("jam_request_duration_seconds_count{route=\"plan\"}"), 2);
  EXPECT_GE(value("jam_request_duration_seconds_bucket{route=\"plan\",le=\"+Inf\"}"), 2);
  EXPECT_EQ(value("jam_inference_queue_depth"), 0);
  EXPECT_GE(value("jam_planner_cache_hit_ratio"), 0);  // a share of plans, once the planner reports
  EXPECT_LE(value("jam_planner_cache_hit_ratio"), 1);
  EXPECT_GE(value("jam_uptime_seconds"), 0);
}

TEST(HttpServerTimeouts, SlowAndHalfOpenClientsAreDisconnected) {
  ServerProcess s({"--request-timeout", "1"});
  ASSERT_TRUE(s.ok()) << s.output();
  for (const std::string& partial :
       {std::string(),                                       // connects, sends nothing
        std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n"),  // headers never finish
        std::string("POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")}) {
    auto t0 = std::chrono::steady_clock::now();
    std::string got = raw_exchange(s.port(), partial, std::chrono::seconds(8));
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(got.find("[client error"), std::string::npos) << "server did not close: " << got;
    EXPECT_GE(waited, 0.9);
    EXPECT_LT(waited, 4.0);
  }
  auto metrics = http_request(s.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("jam_errors_total{kind=\"timeout\"} 2"), std::string::npos);
}

}  // namespace
