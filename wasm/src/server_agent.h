// server_agent.h — the Agent on the jam server: a WebSocket to `/v1/jam` on the page's origin
// (protocol v1: one JSON text message per request, one reply per request, in order).
//
//   jam::ServerAgent agent;          // connects at once
//   agent.tick(wall_sec);            // every frame: reconnects after a drop (backoff 0.5 s → 5 s)
//   agent.send(request, reply);      // reply: the response, a server error, or "connection lost"
//
// When the socket drops, every request in flight is answered with an error at once (so the
// caller's in-flight count stays true, and its scheduler asks again), and a new socket is opened
// after the backoff (doubling per failed attempt, reset once a socket opens; ±20 % random so a
// restarted server is not hit by all its pages at once). Requests sent while
// disconnected are answered with an error immediately.
//
// Dead paths are noticed too, not only closed ones: a socket whose oldest request has been
// unanswered for kStallSec (the server answers every request, in order), or that has not opened
// within kConnectTimeoutSec, is abandoned as if it had dropped (tests/faults checks both).
//
// Main thread only. JS reaches the object through exported callbacks (see server_agent.cpp).
#pragma once

#include <deque>
#include <string>
#include <string_view>

#include "jam/ui/agent.h"
#include "jam/ui/app_state.h"

namespace jam {

class ServerAgent final : public Agent {
 public:
  ServerAgent();
  ~ServerAgent() override;
  ServerAgent(const ServerAgent&) = delete;
  ServerAgent& operator=(const ServerAgent&) = delete;

  void send(const PlanRequest& request, Reply reply) override;
  bool ready() const override { return connection_ == Connection::kOnline; }
  std::string describe() const override;

  void tick(double wall_sec);
  Connection connection() const { return connection_; }
  int opens() const { return opens_; }       // sockets opened so far (reconnects + 1)
  int drops() const { return drops_; }       // sockets lost so far (stalls included)
  int stalls() const { return stalls_; }     // sockets abandoned for a stalled request or handshake
  int pending() const { return static_cast<int>(pending_.size()); }   // requests in flight

  // A request unanswered this long means a dead path. Well above any useful round trip (a plan
  // later than the lookahead only rests; the "server slow" badge covers slow-but-alive servers).
  static constexpr double kStallSec = 8.0;
  static constexpr double kConnectTimeoutSec = 6.0;
  // Closes the socket as if the network dropped it (tests: window.jam.dropConnection()).
  void drop();

  // From JS (exported callbacks).
  void on_open();
  void on_close();
  void on_message(std::string_view text);

 private:
  void connect();
  void lost(const std::string& why, double backoff_sec);  // the socket is gone: retry later
  void fail_pending(const std::string& why);

  struct Pending {
    Reply reply;
    double sent_at = 0;   // wall seconds
  };

  Connection connection_ = Connection::kOffline;
  std::deque<Pending> pending_;
  double connect_at_ = -1;    // wall time the current handshake started (-1: set at next tick)
  double wall_sec_ = 0;
  double retry_at_ = -1;      // wall time of the next connect attempt (-1: none planned)
  double backoff_sec_ = 0.5;
  int opens_ = 0;
  int drops_ = 0;
  int stalls_ = 0;
};

}  // namespace jam
