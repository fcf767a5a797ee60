// The real jam-server's WebSocket /v1/jam on loopback: a jam session (one response per request,
// in order), errors as messages, limits, the rate limit, the Origin allow-list, idle timeout,
// disconnects, and 50 concurrent sessions.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "server_fixture.h"
#include "server_process.h"
#include "ws_client.h"

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Json = nlohmann::json;
using jam::test::http_request;
using jam::test::ServerProcess;
using jam::test::TempDir;
using Client = jam::test::WsClient;

Json plan_request(int frame, const Json& chord_tokens = Json::array()) {
  Json melody = Json::array();
  for (int on = 0; on + 4 <= frame; on += 4) melody.push_back({on, on + 3, 60 + (on / 4) % 12});
  return {{"model", "online"},      {"frame", frame},          {"lookahead_frames", 16},
          {"commit_frames", 8},     {"silence_frames", 32},    {"temperature", 1.0},
          {"melody", melody},       {"chord_tokens", chord_tokens}};
}

class WebSocketServer : public jam::test::SharedServerTest<WebSocketServer> {
 public:
  static std::vector<std::string> server_args(const TempDir& root) {
    root.install_tiny_models(R"({"arch":"online","n_params":1})");
    return {"--models", (root.path() / "models").string(), "--threads", "2", "--queue-depth", "64"};
  }
};

TEST_F(WebSocketServer, JamSessionAnswersEveryRequestInOrder) {
  Client c(port());
  ASSERT_TRUE(c.open()) << c.error().message();
  EXPECT_EQ(c.handshake()["Cross-Origin-Embedder-Policy"], "require-corp");
  EXPECT_EQ(c.handshake()["Cross-Origin-Opener-Policy"], "same-origin");
  EXPECT_EQ(c.handshake()["X-Content-Type-Options"], "nosniff");
  Json tokens = Json::array();
  for (int frame = 0; frame <= 128; frame += 8) {
    Json resp = c.call(plan_request(frame, tokens));
    ASSERT_TRUE(resp.is_object() && !resp.contains("error")) << resp;
    EXPECT_EQ(resp["frame"], frame);
    ASSERT_EQ(resp["chord_tokens"].size(), static_cast<size_t>(frame + 16));
    tokens = resp["chord_tokens"];
  }
}

TEST_F(WebSocketServer, PipelinedRequestsComeBackInOrder) {
  Client c(port());
  ASSERT_TRUE(c.open());
  for (int i = 0; i < 20; ++i) c.send(plan_request(i * 4).dump());
  for (int i = 0; i < 20; ++i) {
    Json resp = Json::parse(c.receive(), nullptr, false);
    ASSERT_TRUE(resp.is_object()) << c.error().message();
    EXPECT_EQ(resp["frame"], i * 4);
  }
}

TEST_F(WebSocketServer, ErrorsAreMessagesAndTheSessionContinues) {
  Client c(port());
  ASSERT_TRUE(c.open());
  c.send("{nope");
  Json e = Json::parse(c.receive());
  EXPECT_EQ(e["status"], 400);
  EXPECT_EQ(e["error"].get<std::string>().rfind("body: malformed JSON", 0), 0u) << e;
  Json bad = plan_request(8);
  bad["lookahead_frames"] = 40;
  e = c.call(bad);
  EXPECT_EQ(e["status"], 400);
  EXPECT_EQ(e["error"], "lookahead_frames: 40 outside 1..32");
  bad = plan_request(8);
  bad["model"] = "ghost";
  e = c.call(bad);
  EXPECT_EQ(e["status"], 404);
  c.send("{\"frame\":1}", /*binary=*/true);
  e = Json::parse(c.receive());
  EXPECT_EQ(e["status"], 400);
  EXPECT_NE(e["error"].get<std::string>().find("binary"), std::string::npos);
  Json ok = c.call(plan_request(16));
  EXPECT_EQ(ok["frame"], 16) << ok;
}

TEST_F(WebSocketServer, OversizedMessageClosesWith1009) {
  Client c(port());
  ASSERT_TRUE(c.open());
  c.send(std::string((1 << 20) + 1, ' '));
  std::string got = c.receive();
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(c.error(), websocket::error::closed) << c.error().message();
  EXPECT_EQ(c.ws().reason().code, websocket::close_code::too_big);
  EXPECT_EQ(http_request(port(), "GET", "/healthz").status, 200);
}

TEST_F(WebSocketServer, UpgradeRulesAndCrossOrigin) {
  // Beast's client does not expose a declined handshake's response: send the upgrade by hand.
  auto upgrade = [&](const std::string& target, const std::string& origin) {
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port()) +
                      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    if (!origin.empty()) req += "Origin: " + origin + "\r\n";
    return jam::test::raw_exchange(port(), req + "\r\n", std::chrono::milliseconds(500));
  };
  std::string wrong_path = upgrade("/v1/other", "");
  EXPECT_EQ(wrong_path.rfind("HTTP/1.1 404", 0), 0u) << wrong_path;
  std::string evil = upgrade("/v1/jam", "http://evil.example");
  EXPECT_EQ(evil.rfind("HTTP/1.1 403", 0), 0u) << evil;
  EXPECT_NE(evil.find("Cross-Origin-Embedder-Policy: require-corp"), std::string::npos);
  std::string same = upgrade("/v1/jam", "http://127.0.0.1:" + std::to_string(port()));
  EXPECT_EQ(same.rfind("HTTP/1.1 101", 0), 0u) << same;
  EXPECT_NE(same.find("Cross-Origin-Opener-Policy: same-origin"), std::string::npos) << same;
  Client client_same(port(), "/v1/jam", "http://127.0.0.1:" + std::to_string(port()));
  EXPECT_TRUE(client_same.open()) << client_same.error().message();
  Client client_evil(port(), "/v1/jam", "http://evil.example");
  EXPECT_FALSE(client_evil.open());
  // Loopback pages are allowed by default; "null" is not.
  EXPECT_EQ(upgrade("/v1/jam", "http://localhost:5173").rfind("HTTP/1.1 101", 0), 0u);
  EXPECT_EQ(upgrade("/v1/jam", "null").rfind("HTTP/1.1 403", 0), 0u);
}

// A live client at 240 BPM (one request per 16th note = 16/s) never meets the default limit.
TEST_F(WebSocketServer, LiveTempoIsNotRateLimited) {
  Client c(port());
  ASSERT_TRUE(c.open());
  Json tokens = Json::array();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 40; ++i) {
    std::this_thread::sleep_until(start + std::chrono::microseconds(62500) * i);
    Json resp = c.call(plan_request(4 * i, tokens));
    ASSERT_FALSE(resp.contains("error")) << i << ": " << resp;
    tokens = resp["chord_tokens"];
  }
}

// Over the rate limit: a 429 error message per refused request, in order, and the session goes on.
// Rate 0.2/s (one token per 5 s) with a burst of 3, so slow sanitizer runs refill little.
TEST(WebSocketRateLimit, ExcessRequestsGet429AndTheConnectionStays) {
  TempDir root;
  root.install_tiny_models("{}");
  ServerProcess s({"--models", (root.path() / "models").string(), "--rate-limit", "0.2",
                   "--rate-burst", "3"});
  ASSERT_TRUE(s.ok()) << s.output();
  Client c(s.port());
  ASSERT_TRUE(c.open());
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 6; ++i) c.send(plan_request(8 + i).dump());  // a burst of 6 pipelined
  int ok = 0, limited = 0;
  auto check_limited = [](const Json& r) {
    EXPECT_EQ(r["status"], 429) << r;
    EXPECT_GE(r["retry_after_s"].get<int>(), 1) << r;
    EXPECT_LE(r["retry_after_s"].get<int>(), 5) << r;
    EXPECT_EQ(r["error"].get<std::string>().rfind("rate limit: more than 0.2 plan requests", 0), 0u)
        << r;
  };
  for (int i = 0; i < 6; ++i) {
    Json r = Json::parse(c.receive(), nullptr, false);
    ASSERT_TRUE(r.is_object()) << c.error().message();
    if (r.contains("error")) {
      ++limited;
      check_limited(r);
    } else {
      ++ok;
      EXPECT_EQ(r["frame"], 8 + i);  // answers stay in request order
    }
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(ok, 3);
  EXPECT_LE(ok, 3 + static_cast<int>(elapsed * 0.2));
  EXPECT_EQ(ok + limited, 6);
  // The connection stays open and keeps answering, one message per request.
  Json next = c.call(plan_request(40));
  ASSERT_TRUE(next.is_object()) << c.error().message();
  if (next.contains("error")) {
    check_limited(next);
    ++limited;
  } else {
    EXPECT_EQ(next["frame"], 40);
  }
  EXPECT_GE(limited, 1);
  auto metrics = http_request(s.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("jam_errors_total{kind=\"rate_limited\"} " + std::to_string(limited)),
            std::string::npos);
}

TEST_F(WebSocketServer, ClientsThatVanishMidRequestDoNotHurt) {
  for (int i = 0; i < 20; ++i) {
    Client c(port());
    ASSERT_TRUE(c.open());
    c.send(plan_request(64).dump());
    beast::error_code ec;
    beast::get_lowest_layer(c.ws()).socket().close(ec);  // no close frame, response unread
  }
  Client c(port());
  ASSERT_TRUE(c.open());
  EXPECT_EQ(c.call(plan_request(8))["frame"], 8);
  EXPECT_TRUE(server_->running());
}

// 50 sessions jam at once, each as fast as 25 requests/s; every response must be valid and in order. Duration: 10 s by default
// (the issue asks for 10 s), JAM_SERVER_SOAK_SECONDS to change it.
TEST_F(WebSocketServer, FiftyConcurrentSessions) {
  const char* env = std::getenv("JAM_SERVER_SOAK_SECONDS");
  const double seconds = env ? std::atof(env) : 10.0;
  constexpr int kSessions = 50;
  std::atomic<int> errors{0};
  std::atomic<long> requests{0};
  std::vector<std::vector<double>> latencies(kSessions);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (int s = 0; s < kSessions; ++s) {
    threads.emplace_back([&, s] {
      Client c(port());
      if (!c.open()) {
        ++errors;
        return;
      }
      Json tokens = Json::array();
      int frame = 0;
      while (std::chrono::steady_clock::now() < deadline) {
        Json req = plan_request(frame, tokens);
        req["session"] = "soak-" + std::to_string(s);
        auto t0 = std::chrono::steady_clock::now();
        Json resp = c.call(req);
        latencies[static_cast<size_t>(s)].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        if (!resp.is_object() || resp.contains("error") || resp["frame"] != frame) {
          if (errors++ == 0) ADD_FAILURE() << "session " << s << " frame " << frame << ": " << resp.dump();
          return;
        }
        // At most 25 requests/s per session: faster than any live tempo (240 BPM = 16/s) and under
        // the per-connection rate limit (32/s, tested on its own above).
        std::this_thread::sleep_until(t0 + std::chrono::milliseconds(40));
        tokens = resp["chord_tokens"];
        ++requests;
        frame = (frame + 4) % 2000;
        if (frame == 0) tokens = Json::array();
      }
      beast::error_code ec;
      c.ws().close(websocket::close_code::normal, ec);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(requests.load(), kSessions);
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  if (!all.empty()) {
    std::printf("[soak] %d sessions, %.1f s: %ld requests (%.0f/s), round trip p50 %.2f ms, "
                "p99 %.2f ms\n",
                kSessions, seconds, requests.load(), static_cast<double>(requests.load()) / seconds,
                all[all.size() / 2], all[all.size() * 99 / 100]);
  }
  EXPECT_TRUE(server_->running());
}

TEST(WebSocketTimeouts, IdlePeersAreDisconnected) {
  TempDir root;
  root.install_tiny_models("{}");
  ServerProcess s({"--models", (root.path() / "models").string(), "--ws-idle-timeout", "1"});
  ASSERT_TRUE(s.ok()) << s.output();
  Client c(s.port());
  ASSERT_TRUE(c.open());
  // Silent peer: it never reads, so it never answers the server's pings.
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  auto t0 = std::chrono::steady_clock::now();
  std::string got = c.receive();
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(got.empty());
  EXPECT_TRUE(c.error()) << "still open after the idle timeout";
  EXPECT_LT(waited, 1.0);
  auto metrics = http_request(s.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("jam_errors_total{kind=\"timeout\"} 1"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("jam_websocket_sessions 0"), std::string::npos);
}

}  // namespace
