// server_load — load generator for a running jam-server (results go to docs/benchmarks.md).
//
//   jam-server --port 8080 --web build/wasm/site --models models &
//   server_load --port 8080 --mode static --target /index.html --connections 8 --seconds 5
//   server_load --port 8080 --mode plan --model online          # POST /v1/plan, keep-alive
//   server_load --port 8080 --mode invalid                      # 400 path: parse + validate only
//   server_load --port 8080 --mode ws --connections 50          # WebSocket /v1/jam sessions
//
// Each connection is one thread with a blocking Beast client that sends the next request as soon
// as the previous answer arrived. Prints requests/s, MB/s and round-trip latency percentiles.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "jam/protocol.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  int port = 8080;
  std::string mode = "static";
  std::string target = "/index.html";
  std::string model = "online";
  int connections = 8;
  double seconds = 5;
  int history_notes = 200;  // melody notes in plan requests
};

std::string plan_body(const Options& o, int frame) {
  jam::PlanRequest r;
  r.model = o.model;
  r.frame = frame;
  r.lookahead_frames = 16;
  r.commit_frames = 4;
  r.silence_frames = 32;
  r.temperature = 1.0;
  for (int i = 0; i < o.history_notes && i * 2 + 1 <= frame; ++i) {
    r.melody.push_back({i * 2, i * 2 + 1, 60 + i % 12});
  }
  r.chord_tokens.assign(static_cast<size_t>(frame), 3);
  return jam::plan_request_json(r);
}

struct Stats {
  std::mutex m;
  std::vector<double> latency_ms;
  uint64_t bytes = 0;
  uint64_t errors = 0;
  std::string first_error;
};

void run_http(const Options& o, Stats& stats, Clock::time_point deadline) {
  std::vector<double> lat;
  uint64_t bytes = 0, errors = 0;
  std::string first_error;
  try {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<uint16_t>(o.port)));
    stream.socket().set_option(tcp::no_delay(true));  // as browsers do
    beast::flat_buffer buffer;
    const int frame = std::max(o.history_notes * 2 + 8, 64);
    std::string body = o.mode == "invalid" ? plan_body(o, frame) : "";
    if (o.mode == "invalid") body.replace(body.find("\"lookahead_frames\":16"), 21, "\"lookahead_frames\":99");
    if (o.mode == "plan") body = plan_body(o, frame);
    while (Clock::now() < deadline) {
      http::request<http::string_body> req{o.mode == "static" ? http::verb::get : http::verb::post,
                                           o.mode == "static" ? o.target : "/v1/plan", 11};
      req.set(http::field::host, "127.0.0.1");
      req.keep_alive(true);
      if (o.mode != "static") {
        req.body() = body;
        req.prepare_payload();
      }
      auto t0 = Clock::now();
      http::write(stream, req);
      http::response_parser<http::string_body> parser;
      parser.body_limit(256u << 20);
      http::read(stream, buffer, parser);
      lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      const auto& res = parser.get();
      bytes += res.body().size();
      const int want = o.mode == "invalid" ? 400 : 200;
      if (static_cast<int>(res.result_int()) != want) {
        if (errors++ == 0) first_error = std::to_string(res.result_int()) + " " + res.body();
      }
    }
  } catch (const std::exception& e) {
    ++errors;
    first_error = e.what();
  }
  std::lock_guard lock(stats.m);
  stats.latency_ms.insert(stats.latency_ms.end(), lat.begin(), lat.end());
  stats.bytes += bytes;
  stats.errors += errors;
  if (stats.first_error.empty()) stats.first_error = first_error;
}

void run_ws(const Options& o, Stats& stats, Clock::time_point deadline) {
  std::vector<double> lat;
  uint64_t bytes = 0, errors = 0;
  std::string first_error;
  try {
    net::io_context ioc;
    websocket::stream<beast::tcp_stream> ws(ioc);
    beast::get_lowest_layer(ws).connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<uint16_t>(o.port)));
    beast::get_lowest_layer(ws).socket().set_option(tcp::no_delay(true));  // as browsers do
    ws.handshake("127.0.0.1", "/v1/jam");
    int frame = 0;
    std::vector<int> tokens;
    while (Clock::now() < deadline) {
      std::string body = plan_body(o, frame);
      auto t0 = Clock::now();
      ws.write(net::buffer(body));
      beast::flat_buffer buffer;
      ws.read(buffer);
      lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      std::string text = beast::buffers_to_string(buffer.data());
      bytes += text.size();
      auto resp = jam::parse_plan_response(text);
      if (!resp) {
        if (errors++ == 0) first_error = resp.error();
      }
      frame = (frame + 4) % 4000;
    }
    ws.close(websocket::close_code::normal);
  } catch (const std::exception& e) {
    ++errors;
    first_error = e.what();
  }
  std::lock_guard lock(stats.m);
  stats.latency_ms.insert(stats.latency_ms.end(), lat.begin(), lat.end());
  stats.bytes += bytes;
  stats.errors += errors;
  if (stats.first_error.empty()) stats.first_error = first_error;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") o.port = std::atoi(v.c_str());
    else if (k == "--mode") o.mode = v;
    else if (k == "--target") o.target = v;
    else if (k == "--model") o.model = v;
    else if (k == "--connections") o.connections = std::atoi(v.c_str());
    else if (k == "--seconds") o.seconds = std::atof(v.c_str());
    else if (k == "--history-notes") o.history_notes = std::atoi(v.c_str());
    else {
      std::fprintf(stderr, "server_load: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (o.mode != "static" && o.mode != "plan" && o.mode != "invalid" && o.mode != "ws") {
    std::fprintf(stderr, "server_load: --mode static|plan|invalid|ws\n");
    return 2;
  }
  Stats stats;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&] {
      if (o.mode == "ws") run_ws(o, stats, deadline);
      else run_http(o, stats, deadline);
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  auto& l = stats.latency_ms;
  std::sort(l.begin(), l.end());
  auto pct = [&](double p) { return l.empty() ? 0.0 : l[std::min(l.size() - 1, size_t(p * l.size()))]; };
  std::printf("mode=%s connections=%d seconds=%.1f requests=%zu (%.0f/s) %.1f MB/s errors=%llu "
              "latency ms p50=%.3f p90=%.3f p99=%.3f max=%.3f\n",
              o.mode.c_str(), o.connections, elapsed, l.size(), static_cast<double>(l.size()) / elapsed,
              static_cast<double>(stats.bytes) / elapsed / 1e6,
              static_cast<unsigned long long>(stats.errors), pct(0.5), pct(0.9), pct(0.99),
              l.empty() ? 0.0 : l.back());
  if (stats.errors) std::printf("first error: %s\n", stats.first_error.substr(0, 300).c_str());
  return stats.errors ? 1 : 0;
}
