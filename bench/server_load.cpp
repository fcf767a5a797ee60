// server_load — load generator for a running jam-server (results go to docs/benchmarks.md and
// docs/deploy.md).
//
// Live sessions (the realistic load; protocol v1 over WebSocket, docs/protocol.md):
//   jam-server --port 8080 --models models --workers 1 &
//   server_load --port 8080 --mode live --sessions 1,5,10,25,40 --seconds 30 --server-pid $!
//   server_load --port 8080 --mode live --soak 600 --sessions 25 --server-pid $!   # 10-min soak
// Each simulated session is one WebSocket (`/v1/jam?session=<id>`, the id also in the JSON) that
// plays like a musician at --bpm (default 120): one request per 16th note (8/s at 120 BPM) for
// frame now+1, with L16/C16/S32 by default, its whole growing melody (a seeded random melody:
// notes of 1–8 frames, rests, held notes sent with off = null) and the previous response's
// chord_tokens echoed. A request is sent on its tick only after the previous answer came back;
// ticks that pass while waiting are counted as "missed" (so an overloaded server shows up as a
// lower achieved rate, not as hidden latency). After --song-seconds a session ends its song and
// reconnects with a new id (connection churn, new warm starts). Sessions join evenly over --ramp
// seconds, each at its own phase within the tick (never in lockstep); statistics cover the
// --seconds after the ramp. Per step it prints achieved request
// rate, round-trip latency p50/p90/p99/max (200 answers only), the server's own server_ms p99,
// errors by kind (503 busy, 4xx, 5xx, connection), missed ticks, CPU% of --server-pid (one or
// more comma-separated pids, summed; 100% = one core) and of this client, and the load average.
// With --soak S it runs one step of S seconds at --sessions N and prints a row every --interval
// seconds (default 30) with the server's RSS (VmRSS from /proc/<pid>/status).
//
// Micro-benchmarks (each connection sends its next request when the answer has arrived):
//   server_load --port 8080 --mode static --target /index.html --connections 8 --seconds 5
//   server_load --port 8080 --mode plan --model online          # POST /v1/plan, keep-alive
//   server_load --port 8080 --mode invalid                      # 400 path: parse + validate only
//   server_load --port 8080 --mode ws --connections 50          # WebSocket /v1/jam
// The server limits plan requests per connection (--rate-limit, default 32/s, burst 64; also for
// invalid ones), so plan / invalid / ws connections pace themselves at --rate per connection
// (default 30/s, under the limit): the offered load is connections x rate, and more connections
// measure more of the server instead of its limiter. --rate 0 sends back to back (for a server
// started with --rate-limit 0). Refused requests (429) are counted apart: any means the numbers
// measure the limiter.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "jam/protocol.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string mode = "static";
  std::string target = "/index.html";
  std::string model = "online";
  int connections = 8;
  double seconds = 5;
  int history_notes = 200;  // melody notes in plan/ws requests
  double rate = 30;         // plan/invalid/ws: requests per second per connection (0 = no pacing)
  // live mode
  std::vector<int> sessions = {1, 5, 10, 25, 40};
  double bpm = 120;
  int lookahead = 16, commit = 16, silence = 32;
  double temperature = 1.0;
  double ramp = 5;            // seconds over which sessions join
  double song_seconds = 180;  // a session reconnects with a new id after this
  double soak = 0;            // > 0: one long step, a row every `interval` seconds
  double interval = 30;
  double slo_ms = 50;
  std::string path = "/v1/jam";
  std::vector<int> server_pids;
  uint64_t seed = 1;
  bool require_zero_errors = false;
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

// One micro-benchmark connection's results.
struct ConnectionResult {
  std::vector<double> latency_ms;
  uint64_t bytes = 0;
  uint64_t errors = 0;        // wrong answers and transport errors, 429s included
  uint64_t rate_limited = 0;  // 429 answers (the server's per-connection limit, not its capacity)
  std::string first_error;

  void error(const std::string& what) {
    if (errors++ == 0) first_error = what;
  }
};

struct Stats {
  std::mutex m;
  ConnectionResult total;

  // Merges one connection's results (called once per connection thread).
  void add(const ConnectionResult& r) {
    std::lock_guard lock(m);
    total.latency_ms.insert(total.latency_ms.end(), r.latency_ms.begin(), r.latency_ms.end());
    total.bytes += r.bytes;
    total.errors += r.errors;
    total.rate_limited += r.rate_limited;
    if (total.first_error.empty()) total.first_error = r.first_error;
  }
};

// Paces one connection at `rate` requests per second (0: no pacing), from a per-connection phase
// so that connections do not send in lockstep. A late request goes out at once, but the pacer
// never catches up with a burst.
class Pacer {
 public:
  Pacer(double rate, int connection, int connections)
      : period_(rate > 0 ? std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate))
                         : Clock::duration::zero()),
        next_(Clock::now() + period_ * connection / std::max(1, connections)) {}
  void wait() {
    if (period_ == Clock::duration::zero()) return;
    std::this_thread::sleep_until(next_);
    next_ = std::max(next_ + period_, Clock::now());
  }

 private:
  Clock::duration period_;
  Clock::time_point next_;
};

void run_http(const Options& o, int connection, Stats& stats, Clock::time_point deadline) {
  ConnectionResult r;
  Pacer pacer(o.mode == "static" ? 0.0 : o.rate, connection, o.connections);
  try {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(net::ip::make_address(o.host), static_cast<uint16_t>(o.port)));
    stream.socket().set_option(tcp::no_delay(true));  // as browsers do
    beast::flat_buffer buffer;
    const int frame = std::max(o.history_notes * 2 + 8, 64);
    std::string body = o.mode == "invalid" ? plan_body(o, frame) : "";
    if (o.mode == "invalid") body.replace(body.find("\"lookahead_frames\":16"), 21, "\"lookahead_frames\":99");
    if (o.mode == "plan") body = plan_body(o, frame);
    while (Clock::now() < deadline) {
      pacer.wait();
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
      r.latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      const auto& res = parser.get();
      r.bytes += res.body().size();
      const int want = o.mode == "invalid" ? 400 : 200;
      if (res.result_int() == 429) ++r.rate_limited;
      if (static_cast<int>(res.result_int()) != want) r.error(std::to_string(res.result_int()) + " " + res.body());
    }
  } catch (const std::exception& e) {
    r.error(e.what());
  }
  stats.add(r);
}

void run_ws(const Options& o, int connection, Stats& stats, Clock::time_point deadline) {
  ConnectionResult r;
  Pacer pacer(o.rate, connection, o.connections);
  try {
    net::io_context ioc;
    websocket::stream<beast::tcp_stream> ws(ioc);
    beast::get_lowest_layer(ws).connect(
        tcp::endpoint(net::ip::make_address(o.host), static_cast<uint16_t>(o.port)));
    beast::get_lowest_layer(ws).socket().set_option(tcp::no_delay(true));  // as browsers do
    ws.handshake("127.0.0.1", "/v1/jam");
    int frame = 0;
    while (Clock::now() < deadline) {
      pacer.wait();
      std::string body = plan_body(o, frame);
      auto t0 = Clock::now();
      ws.write(net::buffer(body));
      beast::flat_buffer buffer;
      ws.read(buffer);
      r.latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      std::string text = beast::buffers_to_string(buffer.data());
      r.bytes += text.size();
      auto resp = jam::parse_plan_response(text);
      if (!resp) {
        if (text.find("\"status\":429") != std::string::npos) ++r.rate_limited;
        r.error(resp.error());
      }
      frame = (frame + 4) % 4000;
    }
    ws.close(websocket::close_code::normal);
  } catch (const std::exception& e) {
    r.error(e.what());
  }
  stats.add(r);
}


// ---- live mode --------------------------------------------------------------------------------

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// CPU seconds (user + system) and resident set of a process, from /proc; {-1, -1} when gone.
struct ProcSample {
  double cpu_s = -1;
  long rss_kb = -1;
};

ProcSample read_proc(int pid) {
  ProcSample s;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (std::getline(stat, line)) {
    std::istringstream rest(line.substr(line.rfind(')') + 2));  // fields from 3 (state) on
    std::string f;
    unsigned long long utime = 0, stime = 0;
    for (int field = 3; rest >> f && field <= 15; ++field) {
      if (field == 14) utime = std::stoull(f);
      if (field == 15) stime = std::stoull(f);
    }
    s.cpu_s = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) s.rss_kb = std::atol(line.c_str() + 6);
  }
  return s;
}

ProcSample read_procs(const std::vector<int>& pids) {
  if (pids.empty()) return {};  // not measured
  ProcSample total{0, 0};
  for (int pid : pids) {
    ProcSample s = read_proc(pid);
    if (s.cpu_s < 0) return {-1, -1};
    total.cpu_s += s.cpu_s;
    total.rss_kb += s.rss_kb;
  }
  return total;
}

double self_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

double load_average() {
  std::ifstream f("/proc/loadavg");
  double l = 0;
  f >> l;
  return l;
}

// A musician's melody, generated ahead: notes of 1–8 frames in C major around middle C, a rest
// now and then, pitch moving by small steps.
std::vector<jam::PlanNote> make_melody(std::mt19937_64& rng, int frames) {
  static const int kScale[] = {0, 2, 4, 5, 7, 9, 11};
  static const int kDurations[] = {1, 2, 2, 2, 3, 4, 4, 6, 8};
  std::vector<jam::PlanNote> notes;
  int degree = 7;  // C5
  std::uniform_int_distribution<int> dur(0, 8), step(-2, 2), coin(0, 99);
  for (int t = 0; t < frames;) {
    if (coin(rng) < 12) {  // rest
      t += 1 + coin(rng) % 4;
      continue;
    }
    degree = std::clamp(degree + step(rng), 0, 14);
    const int d = kDurations[dur(rng)];
    notes.push_back({t, t + d, 60 + 12 * (degree / 7) + kScale[degree % 7] - 5});
    t += d;
  }
  return notes;
}

struct LiveShared {
  std::mutex m;
  bool measuring = false;
  std::vector<double> lat, srv;          // this interval (200 answers)
  std::vector<double> all_lat, all_srv;  // whole measurement
  std::map<std::string, uint64_t> errors, all_errors;
  uint64_t missed = 0, all_missed = 0;
  uint64_t sent = 0, all_sent = 0;
  std::atomic<bool> stop{false};

  void record(double ms, double server_ms) {
    std::lock_guard lock(m);
    if (!measuring) return;
    ++sent;
    lat.push_back(ms);
    srv.push_back(server_ms);
  }
  void error(const std::string& kind, bool counts_as_sent) {
    std::lock_guard lock(m);
    if (!measuring) return;
    if (counts_as_sent) ++sent;
    ++errors[kind];
  }
  void missed_ticks(uint64_t n) {
    std::lock_guard lock(m);
    if (measuring) missed += n;
  }
  // Moves the interval's numbers into the totals and returns them.
  struct Window {
    std::vector<double> lat, srv;
    std::map<std::string, uint64_t> errors;
    uint64_t missed = 0, sent = 0;
  };
  Window take() {
    std::lock_guard lock(m);
    Window w{std::move(lat), std::move(srv), std::move(errors), missed, sent};
    lat.clear();
    srv.clear();
    errors.clear();
    all_lat.insert(all_lat.end(), w.lat.begin(), w.lat.end());
    all_srv.insert(all_srv.end(), w.srv.begin(), w.srv.end());
    for (auto& [k, v] : w.errors) all_errors[k] += v;
    all_missed += missed;
    all_sent += sent;
    missed = sent = 0;
    return w;
  }
};

void sleep_until_or_stop(Clock::time_point t, const LiveShared& sh) {
  while (!sh.stop && Clock::now() < t) {
    std::this_thread::sleep_until(std::min(t, Clock::now() + std::chrono::milliseconds(50)));
  }
}

// One simulated jammer: songs of --song-seconds, each on its own WebSocket and session id.
void live_session(const Options& o, int index, Clock::time_point start, LiveShared& sh) {
  std::mt19937_64 rng(o.seed * 1000003u + static_cast<uint64_t>(index));
  const double tick_s = 60.0 / o.bpm / 4.0;
  const auto tick = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(tick_s));
  const int song_frames = std::max(1, static_cast<int>(o.song_seconds / tick_s));
  sleep_until_or_stop(start, sh);
  for (int song = 0; !sh.stop; ++song) {
    const std::string id = "load-" + std::to_string(o.seed) + "-" + std::to_string(index) + "-" +
                           std::to_string(song);
    const std::vector<jam::PlanNote> melody = make_melody(rng, song_frames + 1);
    const auto song_start = Clock::now();
    try {
      net::io_context ioc;
      websocket::stream<beast::tcp_stream> ws(ioc);
      beast::get_lowest_layer(ws).connect(
          tcp::endpoint(net::ip::make_address(o.host), static_cast<uint16_t>(o.port)));
      beast::get_lowest_layer(ws).socket().set_option(tcp::no_delay(true));  // as browsers do
      ws.handshake(o.host + ":" + std::to_string(o.port), o.path + "?session=" + id);
      jam::PlanRequest req;
      req.model = o.model;
      req.lookahead_frames = o.lookahead;
      req.commit_frames = o.commit;
      req.silence_frames = o.silence;
      req.temperature = o.temperature;
      req.seed = o.seed + static_cast<uint64_t>(index);
      req.session = id;
      size_t played = 0;  // notes with on <= now
      for (int now = 0; now < song_frames && !sh.stop;) {
        sleep_until_or_stop(song_start + now * tick, sh);
        if (sh.stop) break;
        while (played < melody.size() && melody[played].on <= now) ++played;
        req.melody.assign(melody.begin(), melody.begin() + static_cast<long>(played));
        for (auto& n : req.melody) {
          if (*n.off > now) n.off.reset();  // still held
        }
        req.frame = now + 1;
        const std::string body = jam::plan_request_json(req);
        const auto t0 = Clock::now();
        ws.write(net::buffer(body));
        beast::flat_buffer buffer;
        ws.read(buffer);  // blocking: the server answers every request (or closes)
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        const std::string text = beast::buffers_to_string(buffer.data());
        if (auto resp = jam::parse_plan_response(text)) {
          sh.record(ms, resp->server_ms);
          req.chord_tokens = std::move(resp->chord_tokens);
        } else {
          auto j = nlohmann::json::parse(text, nullptr, false);
          const int status = j.is_object() && j.contains("status") && j["status"].is_number_integer()
                                 ? j["status"].get<int>()
                                 : 0;
          sh.error(status ? "http" + std::to_string(status) : "bad_response", true);
          if (status == 0 || (status >= 400 && status < 500)) {
            std::lock_guard lock(sh.m);
            static int printed = 0;
            if (printed++ < 3) {
              std::fprintf(stderr, "server_load: error answer (%s) to frame %d: %.200s ... %.200s\n",
                           resp.error().c_str(), req.frame, text.c_str(),
                           text.size() > 200 ? text.c_str() + text.size() - 200 : "");
            }
          }
        }
        // Next tick: the first one not yet passed; the ones that went by while waiting are missed.
        const double elapsed = std::chrono::duration<double>(Clock::now() - song_start).count();
        const int next = std::max(now + 1, static_cast<int>(std::ceil(elapsed / tick_s)));
        if (next > now + 1) sh.missed_ticks(static_cast<uint64_t>(next - now - 1));
        now = next;
      }
      boost::system::error_code ignored;
      ws.close(websocket::close_code::normal, ignored);
    } catch (const std::exception& e) {
      if (sh.stop) return;
      std::string kind = "connection";
      {
        std::lock_guard lock(sh.m);
        static int printed = 0;
        if (printed++ < 3) std::fprintf(stderr, "server_load: session %d: %s\n", index, e.what());
      }
      sh.error(kind, false);
      sleep_until_or_stop(Clock::now() + std::chrono::seconds(1), sh);
    }
  }
}

std::string errors_text(const std::map<std::string, uint64_t>& errors) {
  if (errors.empty()) return "0";
  std::string s;
  for (auto& [k, v] : errors) s += (s.empty() ? "" : " ") + k + ":" + std::to_string(v);
  return s;
}

uint64_t error_count(const std::map<std::string, uint64_t>& errors) {
  uint64_t n = 0;
  for (auto& [k, v] : errors) n += v;
  return n;
}

struct StepResult {
  int sessions = 0;
  double p99 = 0;
  uint64_t errors = 0;
  double achieved = 0, target = 0;
};

// One step: `n` sessions, ramp, then `seconds` of measurement (rows every `interval` if > 0).
StepResult run_live_step(const Options& o, int n, double seconds, double interval) {
  LiveShared sh;
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    // Sessions join evenly over the ramp, each at its own phase within the 16th-note tick
    // (golden-ratio spacing): joining at ramp * i / n alone puts every session on the same phase
    // whenever ramp / n is a whole number of ticks (5 s over 4, 8 or 10 sessions at 120 BPM), so
    // all requests would arrive at once — musicians do not play in lockstep.
    const double tick_s = 60.0 / o.bpm / 4.0;
    const double golden = std::fmod(0.6180339887498949 * i, 1.0);
    const double offset = std::floor(o.ramp * i / std::max(1, n) / tick_s) * tick_s + golden * tick_s;
    threads.emplace_back(live_session, std::cref(o), i,
                         t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(offset)),
                         std::ref(sh));
  }
  std::this_thread::sleep_until(t0 + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(o.ramp)));
  {
    std::lock_guard lock(sh.m);
    sh.measuring = true;
  }
  const auto m0 = Clock::now();
  ProcSample server0 = read_procs(o.server_pids);
  const double client0 = self_cpu_s();
  const double rate_per_session = o.bpm / 60.0 * 4.0;
  auto cpu_pct = [](double a, double b, double secs) { return a < 0 || b < 0 ? -1.0 : 100.0 * (b - a) / secs; };
  auto cpu_ms_per_request = [](double a, double b, uint64_t requests) {
    return a < 0 || b < 0 || requests == 0 ? -1.0 : 1000.0 * (b - a) / static_cast<double>(requests);
  };
  if (interval > 0) {
    std::printf("| t (s) | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | server p99 ms | errors | "
                "missed ticks | server RSS MiB | server CPU %% | server CPU ms / req | load avg |\n"
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    std::fflush(stdout);
    ProcSample prev = server0;
    auto row_start = m0;
    for (double t = interval; t <= seconds + 1e-9; t += interval) {
      std::this_thread::sleep_until(m0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(t)));
      auto w = sh.take();
      const auto now = Clock::now();
      const double secs = std::chrono::duration<double>(now - row_start).count();
      row_start = now;
      ProcSample cur = read_procs(o.server_pids);
      std::sort(w.lat.begin(), w.lat.end());  // (before the printf: its arguments' order is unspecified)
      std::printf("| %.0f | %llu | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %llu | %.1f | %.0f | %.1f | %.2f |\n",
                  t, static_cast<unsigned long long>(w.sent), static_cast<double>(w.sent) / secs,
                  percentile(w.lat, 0.5), percentile(w.lat, 0.9), percentile(w.lat, 0.99),
                  w.lat.empty() ? 0.0 : w.lat.back(), percentile(w.srv, 0.99),
                  errors_text(w.errors).c_str(), static_cast<unsigned long long>(w.missed),
                  cur.rss_kb < 0 ? -1.0 : static_cast<double>(cur.rss_kb) / 1024.0,
                  cpu_pct(prev.cpu_s, cur.cpu_s, secs), cpu_ms_per_request(prev.cpu_s, cur.cpu_s, w.sent),
                  load_average());
      std::fflush(stdout);
      prev = cur;
    }
  } else {
    std::this_thread::sleep_until(m0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
  }
  sh.take();
  const double secs = std::chrono::duration<double>(Clock::now() - m0).count();
  ProcSample server1 = read_procs(o.server_pids);
  const double client1 = self_cpu_s();
  {
    std::lock_guard lock(sh.m);
    sh.measuring = false;
  }
  sh.stop = true;
  for (auto& t : threads) t.join();

  StepResult r;
  r.sessions = n;
  r.errors = error_count(sh.all_errors);
  r.achieved = static_cast<double>(sh.all_sent) / secs;
  r.target = rate_per_session * n;
  r.p99 = percentile(sh.all_lat, 0.99);
  const double p50 = percentile(sh.all_lat, 0.5), p90 = percentile(sh.all_lat, 0.9);
  std::printf("%s| %d | %.1f / %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %llu | %.0f | %.1f | %.0f | %.2f |\n",
              interval > 0 ? "\nwhole run:\n" : "", n, r.achieved, r.target, p50, p90, r.p99,
              sh.all_lat.empty() ? 0.0 : sh.all_lat.back(), percentile(sh.all_srv, 0.99),
              errors_text(sh.all_errors).c_str(), static_cast<unsigned long long>(sh.all_missed),
              cpu_pct(server0.cpu_s, server1.cpu_s, secs), cpu_ms_per_request(server0.cpu_s, server1.cpu_s, sh.all_sent),
              100.0 * (client1 - client0) / secs, load_average());
  std::fflush(stdout);
  return r;
}

const char* kLiveHeader =
    "| sessions | req/s achieved / target | p50 ms | p90 ms | p99 ms | max ms | server p99 ms | errors | "
    "missed ticks | server CPU % | server CPU ms / req | client CPU % | load avg |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

int run_live(const Options& o) {
  std::printf("live sessions at %.0f BPM (%.0f req/s each), L%d C%d S%d, model %s, %s:%d%s, %s\n", o.bpm,
              o.bpm / 60.0 * 4.0, o.lookahead, o.commit, o.silence, o.model.c_str(), o.host.c_str(), o.port,
              o.path.c_str(), o.soak > 0 ? ("soak " + std::to_string(static_cast<int>(o.soak)) + " s").c_str()
                                         : ("" + std::to_string(static_cast<int>(o.seconds)) + " s per step").c_str());
  uint64_t errors = 0;
  if (o.soak > 0) {
    const StepResult r = run_live_step(o, o.sessions.front(), o.soak, o.interval);
    (void)kLiveHeader;
    errors = r.errors;
  } else {
    std::printf("%s", kLiveHeader);
    std::fflush(stdout);
    int rated = 0;
    bool ok_so_far = true;
    for (size_t i = 0; i < o.sessions.size(); ++i) {
      const StepResult r = run_live_step(o, o.sessions[i], o.seconds, 0);
      errors += r.errors;
      const bool ok = r.errors == 0 && r.p99 <= o.slo_ms && r.achieved >= 0.98 * r.target;
      if (ok && ok_so_far) rated = r.sessions;
      ok_so_far = ok_so_far && ok;
      if (i + 1 < o.sessions.size()) std::this_thread::sleep_for(std::chrono::seconds(2));
    }
    std::printf("rated sessions (p99 <= %.0f ms, 0 errors, >= 98%% of the request rate): %d\n", o.slo_ms, rated);
  }
  return o.require_zero_errors && errors ? 1 : 0;
}

std::vector<int> parse_int_list(const std::string& s) {
  std::vector<int> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(std::atoi(item.c_str()));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (k == "--help" || k == "-h") {
      std::printf("usage: server_load [--host 127.0.0.1] [--port 8080] [--mode live|static|plan|invalid|ws]\n"
                  "  live: [--sessions 1,5,10,25,40] [--seconds 30] [--ramp 5] [--soak S --interval 30]\n"
                  "        [--bpm 120] [--lookahead 16] [--commit 16] [--silence 32] [--temperature 1]\n"
                  "        [--song-seconds 180] [--model online] [--path /v1/jam] [--slo-ms 50]\n"
                  "        [--server-pid PID[,PID...]] [--seed 1] [--require-zero-errors]\n"
                  "  others: [--connections 8] [--seconds 5] [--target /index.html] [--history-notes 200]\n"
                  "          [--rate 30]  (plan/invalid/ws requests per second per connection; 0 = unpaced)\n"
                  "See the comment at the top of bench/server_load.cpp.\n");
      return 0;
    }
    if (k == "--require-zero-errors") {
      o.require_zero_errors = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "server_load: %s needs a value\n", k.c_str());
      return 2;
    }
    std::string v = argv[++i];
    if (k == "--host") o.host = v;
    else if (k == "--port") o.port = std::atoi(v.c_str());
    else if (k == "--mode") o.mode = v;
    else if (k == "--target") o.target = v;
    else if (k == "--model") o.model = v;
    else if (k == "--connections") o.connections = std::atoi(v.c_str());
    else if (k == "--seconds") o.seconds = std::atof(v.c_str());
    else if (k == "--history-notes") o.history_notes = std::atoi(v.c_str());
    else if (k == "--rate") o.rate = std::atof(v.c_str());
    else if (k == "--sessions") o.sessions = parse_int_list(v);
    else if (k == "--bpm") o.bpm = std::atof(v.c_str());
    else if (k == "--lookahead") o.lookahead = std::atoi(v.c_str());
    else if (k == "--commit") o.commit = std::atoi(v.c_str());
    else if (k == "--silence") o.silence = std::atoi(v.c_str());
    else if (k == "--temperature") o.temperature = std::atof(v.c_str());
    else if (k == "--ramp") o.ramp = std::atof(v.c_str());
    else if (k == "--song-seconds") o.song_seconds = std::atof(v.c_str());
    else if (k == "--soak") o.soak = std::atof(v.c_str());
    else if (k == "--interval") o.interval = std::atof(v.c_str());
    else if (k == "--slo-ms") o.slo_ms = std::atof(v.c_str());
    else if (k == "--path") o.path = v;
    else if (k == "--server-pid") o.server_pids = parse_int_list(v);
    else if (k == "--seed") o.seed = std::strtoull(v.c_str(), nullptr, 10);
    else {
      std::fprintf(stderr, "server_load: unknown option %s (try --help)\n", k.c_str());
      return 2;
    }
  }
  if (o.mode == "live" || o.soak > 0) {
    if (o.sessions.empty() || o.bpm <= 0 || o.seconds <= 0 || o.interval <= 0) {
      std::fprintf(stderr, "server_load: live mode needs --sessions N[,N...], --bpm > 0, --seconds > 0\n");
      return 2;
    }
    return run_live(o);
  }
  if (o.mode != "static" && o.mode != "plan" && o.mode != "invalid" && o.mode != "ws") {
    std::fprintf(stderr, "server_load: --mode live|static|plan|invalid|ws\n");
    return 2;
  }
  Stats stats;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      if (o.mode == "ws") run_ws(o, c, stats, deadline);
      else run_http(o, c, stats, deadline);
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const ConnectionResult& total = stats.total;
  std::vector<double> l = total.latency_ms;
  std::sort(l.begin(), l.end());
  auto pct = [&](double p) { return l.empty() ? 0.0 : l[std::min(l.size() - 1, size_t(p * l.size()))]; };
  const bool paced = o.mode != "static" && o.rate > 0;
  std::printf("mode=%s connections=%d offered=%s seconds=%.1f requests=%zu (%.0f/s) %.1f MB/s errors=%llu "
              "(429: %llu) latency ms p50=%.3f p90=%.3f p99=%.3f max=%.3f\n",
              o.mode.c_str(), o.connections,
              paced ? (std::to_string(static_cast<int>(o.rate * o.connections)) + "/s").c_str() : "unpaced",
              elapsed, l.size(), static_cast<double>(l.size()) / elapsed,
              static_cast<double>(total.bytes) / elapsed / 1e6, static_cast<unsigned long long>(total.errors),
              static_cast<unsigned long long>(total.rate_limited), pct(0.5), pct(0.9), pct(0.99),
              l.empty() ? 0.0 : l.back());
  if (total.errors) std::printf("first error: %s\n", total.first_error.substr(0, 300).c_str());
  if (total.rate_limited) {
    std::printf("%llu requests were refused by the server's per-connection rate limit: lower --rate "
                "(and add --connections), or start the server with --rate-limit 0\n",
                static_cast<unsigned long long>(total.rate_limited));
  }
  return total.errors ? 1 : 0;
}
