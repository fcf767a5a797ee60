#include "server_agent.h"

#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

// clang-format off
// One socket per agent, kept in Module.jamSockets under the agent's address. Callbacks from an
// old socket (after a reconnect) are ignored.
EM_JS(void, jam_js_ws_open, (void* self), {
  var sockets = Module.jamSockets || (Module.jamSockets = {});
  var old = sockets[self];
  if (old) {
    old.onopen = old.onclose = old.onmessage = old.onerror = null;
    try { old.close(); } catch (e) {}
  }
  var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/v1/jam';
  var ws;
  try {
    ws = new WebSocket(url);
  } catch (e) {
    setTimeout(function() { Module['_jam_ws_closed'](self); }, 0);
    return;
  }
  sockets[self] = ws;
  ws.onopen = function() { if (sockets[self] === ws) Module['_jam_ws_opened'](self); };
  ws.onclose = function() {
    if (sockets[self] !== ws) return;
    delete sockets[self];
    Module['_jam_ws_closed'](self);
  };
  ws.onmessage = function(e) {
    if (sockets[self] !== ws) return;
    var text = typeof e.data === 'string' ? e.data : String();
    var n = lengthBytesUTF8(text) + 1;
    var p = _malloc(n);
    stringToUTF8(text, p, n);
    Module['_jam_ws_message'](self, p);
    _free(p);
  };
});
EM_JS(int, jam_js_ws_send, (void* self, const char* text), {
  var ws = Module.jamSockets && Module.jamSockets[self];
  if (!ws || ws.readyState !== 1) return 0;
  ws.send(UTF8ToString(text));
  return 1;
});
EM_JS(void, jam_js_ws_close, (void* self, int forget), {
  var ws = Module.jamSockets && Module.jamSockets[self];
  if (!ws) return;
  if (forget) {
    ws.onopen = ws.onclose = ws.onmessage = ws.onerror = null;
    delete Module.jamSockets[self];
  }
  try { ws.close(); } catch (e) {}
});
// clang-format on

extern "C" {
EMSCRIPTEN_KEEPALIVE void jam_ws_opened(jam::ServerAgent* agent) { agent->on_open(); }
EMSCRIPTEN_KEEPALIVE void jam_ws_closed(jam::ServerAgent* agent) { agent->on_close(); }
EMSCRIPTEN_KEEPALIVE void jam_ws_message(jam::ServerAgent* agent, const char* text) {
  agent->on_message(text);
}
EMSCRIPTEN_KEEPALIVE void jam_ws_drop(jam::ServerAgent* agent) { agent->drop(); }
}

namespace jam {

namespace {
constexpr double kMinBackoffSec = 0.5;
constexpr double kMaxBackoffSec = 5.0;
}  // namespace

ServerAgent::ServerAgent() { connect(); }

ServerAgent::~ServerAgent() { jam_js_ws_close(this, 1); }

void ServerAgent::connect() {
  connection_ = Connection::kConnecting;
  retry_at_ = -1;
  connect_at_ = -1;   // the next tick() starts the handshake timer
  jam_js_ws_open(this);
}

void ServerAgent::tick(double wall_sec) {
  wall_sec_ = wall_sec;
  if (connection_ == Connection::kOffline && retry_at_ >= 0 && wall_sec >= retry_at_) connect();
  // A dead path closes nothing: give up on a socket that stopped answering, or never opened.
  if (connection_ == Connection::kOnline && !pending_.empty() &&
      wall_sec - pending_.front().sent_at > kStallSec) {
    ++stalls_;
    jam_js_ws_close(this, 1);   // forget it: its close handshake would wait on the dead path
    lost("no answer from the server (connection stalled)", kMinBackoffSec);
  } else if (connection_ == Connection::kConnecting && connect_at_ < 0) {
    connect_at_ = wall_sec;
  } else if (connection_ == Connection::kConnecting && wall_sec - connect_at_ > kConnectTimeoutSec) {
    ++stalls_;
    jam_js_ws_close(this, 1);
    lost("connecting to the server timed out", backoff_sec_);
    backoff_sec_ = std::min(kMaxBackoffSec, backoff_sec_ * 2);
  }
}

void ServerAgent::drop() { jam_js_ws_close(this, 0); }

std::string ServerAgent::describe() const {
  switch (connection_) {
    case Connection::kOnline: return "connected";
    case Connection::kConnecting: return opens_ == 0 ? "connecting..." : "reconnecting...";
    case Connection::kOffline: break;
  }
  char text[48];
  std::snprintf(text, sizeof text, "offline (retry in %.0f s)",
                std::max(0.0, std::ceil(retry_at_ - wall_sec_)));
  return text;
}

void ServerAgent::send(const PlanRequest& request, Reply reply) {
  if (connection_ != Connection::kOnline ||
      !jam_js_ws_send(this, plan_request_json(request).c_str())) {
    reply(Result<PlanResponse>::fail("not connected to the server"));
    return;
  }
  pending_.push_back({std::move(reply), wall_sec_});
}

void ServerAgent::on_open() {
  connection_ = Connection::kOnline;
  backoff_sec_ = kMinBackoffSec;
  ++opens_;
}

void ServerAgent::on_close() {
  lost("connection to the server lost", backoff_sec_);
  backoff_sec_ = std::min(kMaxBackoffSec, backoff_sec_ * 2);
}

void ServerAgent::lost(const std::string& why, double backoff_sec) {
  if (connection_ == Connection::kOnline) ++drops_;
  connection_ = Connection::kOffline;
  // ±20 % so that many pages dropped by one server restart do not all come back at once.
  retry_at_ = wall_sec_ + backoff_sec * (0.8 + 0.4 * emscripten_random());
  fail_pending(why);
}

void ServerAgent::on_message(std::string_view text) {
  if (pending_.empty()) return;  // nothing asked: not a reply
  Reply reply = std::move(pending_.front().reply);
  pending_.pop_front();
  reply(parse_plan_response(text));
}

void ServerAgent::fail_pending(const std::string& why) {
  std::deque<Pending> lost;
  lost.swap(pending_);
  for (Pending& p : lost) p.reply(Result<PlanResponse>::fail(why));
}

}  // namespace jam
