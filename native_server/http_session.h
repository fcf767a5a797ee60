// http_session.h — one HTTP/1.1 connection: reads requests one at a time (keep-alive), routes
// them, and hands a WebSocket upgrade on /v1/jam over to a WebSocketSession.
//
//   std::make_shared<jam::HttpSession>(std::move(socket), ctx)->run();
//
// Routes: GET/HEAD /healthz, /metrics, /v1/models; POST /v1/plan; GET /v1/jam (upgrade);
// everything else is a static file under ctx.web_root. Every response carries the security
// headers (security_headers.h). A request must arrive completely within
// options.request_timeout_s; bodies over kMaxBodyBytes get 413, headers over 16 KiB get 431.
// POST /v1/plan and the upgrade check the Origin (origin_policy.h, 403); plan requests beyond
// the connection's rate limit (rate_limiter.h) get 429 with Retry-After.
// The session lives as long as a handler holds its shared_ptr; all its handlers run on the
// socket's strand.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "metrics.h"
#include "rate_limiter.h"
#include "server_context.h"

namespace jam {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, ServerContext& ctx);
  void run();

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle(Request&& req);
  void serve_static(const Request& req);
  // Takes a token from this connection's rate limit; when there is none, answers 429 with
  // Retry-After and returns true. For model-bound routes (/v1/plan).
  bool refuse_if_rate_limited();
  // For the model-bound POST routes (/v1/plan, /v1/harmonize): answers 405 (not POST), 403
  // (origin refused) or 429 (rate limit) and returns true; false when the request may proceed.
  bool refuse_model_post(const Request& req);
  // The endpoints' `done`: sends the reply as JSON from this connection's executor.
  std::function<void(PlanReply)> reply_on_strand();
  void send_json(int status, std::string body, int retry_after_s = 0, const char* allow = nullptr);
  void send_error(int status, ErrorKind kind, std::string message, const char* allow = nullptr);
  template <class Response>
  void send(Response&& res);
  void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void drain();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  ServerContext& ctx_;
  RateLimiter rate_;  // plan requests on this connection
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::vector<char> drain_buffer_;
  std::size_t drained_ = 0;
  std::shared_ptr<void> response_;  // keeps the message alive during async_write
  // Current request (for the response and metrics).
  Route route_ = Route::kOther;
  bool head_ = false;
  bool keep_alive_ = false;
  bool must_close_ = false;
  unsigned version_ = 11;
  std::chrono::steady_clock::time_point received_;
};

}  // namespace jam
