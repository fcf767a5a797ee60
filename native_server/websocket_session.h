// websocket_session.h — one WebSocket connection on /v1/jam: each text message is a protocol v1
// plan request, answered by exactly one text message (a PlanResponse or {"error", "status"}),
// in order. Messages are processed one at a time (a client may pipeline; later ones wait).
//
//   std::make_shared<jam::WebSocketSession>(std::move(socket), ctx)->run(std::move(upgrade));
//
// Requests without a "session" field use the connection's id ("ws-<n>") so every request of a
// connection reaches the same inference worker; when the connection ends, the pool is told to
// drop the state of every session id seen on it. Timeouts: handshake 10 s; the peer must answer
// the server's keep-alive pings within options.ws_idle_timeout_s. Messages over kMaxBodyBytes
// close the connection with code 1009; binary messages get a 400 error message; messages beyond
// the connection's rate limit (rate_limiter.h) get a 429 error message with retry_after_s and
// the connection stays open. All handlers run on the socket's strand.
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "plan_endpoint.h"
#include "rate_limiter.h"
#include "server_context.h"

namespace jam {

class WebSocketSession : public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(boost::asio::ip::tcp::socket&& socket, ServerContext& ctx);
  ~WebSocketSession();
  void run(boost::beast::http::request<boost::beast::http::string_body> upgrade);

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void reply(PlanReply reply);
  void on_write(boost::beast::error_code ec, std::size_t bytes);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::string out_;
  ServerContext& ctx_;
  RateLimiter rate_;
  std::string default_session_;
  std::set<std::string> sessions_;  // ids seen on this connection (bounded)
  bool opened_ = false;
  std::chrono::steady_clock::time_point received_;
};

}  // namespace jam
