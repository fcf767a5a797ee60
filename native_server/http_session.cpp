// http_session.cpp — see http_session.h.
#include "http_session.h"

#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <nlohmann/json.hpp>

#include "security_headers.h"
#include "static_files.h"
#include "websocket_session.h"

namespace jam {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

// Cross-site requests are refused (origin_policy.h): a page from another origin must not drive
// the planner (browsers send Origin on POST and WebSocket handshakes).
bool origin_allowed(const ServerContext& ctx, const http::request<http::string_body>& req) {
  auto origin = req.find(http::field::origin);
  if (origin == req.end()) return ctx.origins.allows(std::nullopt, req[http::field::host]);
  return ctx.origins.allows(origin->value(), req[http::field::host]);
}

Route route_for(std::string_view path) {
  if (path == "/healthz") return Route::kHealthz;
  if (path == "/metrics") return Route::kMetrics;
  if (path == "/v1/models") return Route::kModels;
  if (path == "/v1/plan") return Route::kPlan;
  if (path == "/v1/jam") return Route::kJam;
  if (path == "/v1/harmonize") return Route::kHarmonize;
  if (path.rfind("/v1/", 0) == 0 || path == "/v1") return Route::kOther;
  return Route::kStatic;
}

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, ServerContext& ctx)
    : stream_(std::move(socket)),
      ctx_(ctx),
      rate_(ctx.options.rate_limit, ctx.options.rate_burst) {}

void HttpSession::run() { do_read(); }

void HttpSession::do_read() {
  parser_.emplace();
  parser_->body_limit(kMaxBodyBytes);
  parser_->header_limit(kMaxHeaderBytes);
  stream_.expires_after(std::chrono::seconds(ctx_.options.request_timeout_s));
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  received_ = std::chrono::steady_clock::now();
  route_ = Route::kOther;
  head_ = false;
  keep_alive_ = false;
  must_close_ = false;
  version_ = 11;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == net::error::connection_reset ||
      ec == net::error::operation_aborted) {
    return do_close();
  }
  if (ec == beast::error::timeout) {
    // An idle keep-alive connection expiring is normal; a half-sent request is a slow client.
    if (parser_->got_some()) ctx_.metrics.on_error(ErrorKind::kTimeout);
    return;  // tcp_stream already closed the socket
  }
  if (ec) must_close_ = true;  // unread input is left on the connection
  if (ec == http::error::body_limit) {
    return send_error(413, ErrorKind::kTooLarge,
                      "body: larger than " + std::to_string(kMaxBodyBytes) + " bytes");
  }
  if (ec == http::error::header_limit) {
    return send_error(431, ErrorKind::kTooLarge, "headers: larger than 16384 bytes");
  }
  if (ec) {
    if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
      return send_error(400, ErrorKind::kBadRequest, "malformed HTTP request: " + ec.message());
    }
    return do_close();  // transport error: nothing to answer
  }

  Request req = parser_->release();
  keep_alive_ = req.keep_alive();
  version_ = req.version();
  head_ = req.method() == http::verb::head;
  route_ = route_for(path_of(req.target()));
  ctx_.metrics.on_request(route_);

  if (beast::websocket::is_upgrade(req)) {
    if (route_ != Route::kJam) return send_error(404, ErrorKind::kNotFound, "not found");
    if (!origin_allowed(ctx_, req)) {
      return send_error(403, ErrorKind::kForbidden, "origin: cross-origin WebSocket refused");
    }
    std::make_shared<WebSocketSession>(stream_.release_socket(), ctx_)->run(std::move(req));
    return;
  }
  handle(std::move(req));
}

void HttpSession::handle(Request&& req) {
  const http::verb method = req.method();
  const bool get = method == http::verb::get || method == http::verb::head;
  switch (route_) {
    case Route::kHealthz: {
      if (!get) return send_error(405, ErrorKind::kMethodNotAllowed, "method: use GET", "GET, HEAD");
      nlohmann::json j = {{"ok", true},
                          {"uptime_s", ctx_.uptime_s()},
                          {"planner", ctx_.pool.service_name()},
                          {"models", ctx_.models.models().size()},
                          {"protocol", kProtocolVersion}};
      return send_json(200, j.dump());
    }
    case Route::kModels:
      if (!get) return send_error(405, ErrorKind::kMethodNotAllowed, "method: use GET", "GET, HEAD");
      return send_json(200, ctx_.models.models_json());
    case Route::kMetrics: {
      if (!get) return send_error(405, ErrorKind::kMethodNotAllowed, "method: use GET", "GET, HEAD");
      MetricsGauges g;
      g.uptime_s = ctx_.uptime_s();
      g.queue_depth = ctx_.pool.queue_depth();
      g.queue_capacity = ctx_.pool.queue_capacity();
      g.workers = ctx_.pool.workers();
      http::response<http::string_body> res{http::status::ok, version_};
      res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res.set(http::field::cache_control, "no-store");
      res.body() = ctx_.metrics.prometheus_text(g);
      return send(std::move(res));
    }
    case Route::kPlan:
      if (refuse_model_post(req)) return;
      return ctx_.plan.handle(req.body(), std::nullopt, reply_on_strand());
    case Route::kHarmonize:
      if (refuse_model_post(req)) return;
      if (ctx_.harmonize == nullptr) return send_error(404, ErrorKind::kNotFound, "not found");
      return ctx_.harmonize->handle(req.body(), reply_on_strand());
    case Route::kJam: {
      http::response<http::string_body> res{http::status::upgrade_required, version_};
      res.set(http::field::upgrade, "websocket");
      res.set(http::field::content_type, "application/json");
      res.body() = error_json("/v1/jam: expected a WebSocket upgrade");
      ctx_.metrics.on_error(ErrorKind::kBadRequest);
      return send(std::move(res));
    }
    case Route::kOther:
      return send_error(404, ErrorKind::kNotFound, "not found");
    case Route::kStatic:
    default:
      if (!get) return send_error(405, ErrorKind::kMethodNotAllowed, "method: use GET", "GET, HEAD");
      return serve_static(req);
  }
}

void HttpSession::serve_static(const Request& req) {
  if (ctx_.web_root.empty()) return send_error(404, ErrorKind::kNotFound, "not found");
  auto path = resolve_static_path(ctx_.web_root, req.target());
  if (!path) return send_error(404, ErrorKind::kNotFound, "not found");
  beast::error_code ec;
  http::file_body::value_type body;
  body.open(path->c_str(), beast::file_mode::scan, ec);
  if (ec) return send_error(404, ErrorKind::kNotFound, "not found");
  const auto size = body.size();
  const std::string_view type = mime_type(path->native());
  if (head_) {
    http::response<http::empty_body> res{http::status::ok, version_};
    res.set(http::field::content_type, type);
    res.set(http::field::cache_control, "no-cache");
    res.content_length(size);
    return send(std::move(res));
  }
  http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                      std::make_tuple(http::status::ok, version_)};
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "no-cache");
  res.content_length(size);
  send(std::move(res));
}

bool HttpSession::refuse_model_post(const Request& req) {
  if (req.method() != http::verb::post) {
    send_error(405, ErrorKind::kMethodNotAllowed, "method: use POST", "POST");
    return true;
  }
  if (!origin_allowed(ctx_, req)) {
    send_error(403, ErrorKind::kForbidden, "origin: cross-origin request refused");
    return true;
  }
  return refuse_if_rate_limited();
}

std::function<void(PlanReply)> HttpSession::reply_on_strand() {
  return [self = shared_from_this()](PlanReply reply) {
    // Runs on this thread (errors) or a worker thread: hop back to the connection's strand.
    net::post(self->stream_.get_executor(), [self, reply = std::move(reply)]() mutable {
      std::string body = reply.status == 200 ? std::move(reply.body) : error_json(reply.error);
      self->send_json(reply.status, std::move(body), reply.retry_after_s);
    });
  };
}

bool HttpSession::refuse_if_rate_limited() {
  const std::optional<int> wait_s = rate_.take();
  if (!wait_s) return false;
  ctx_.metrics.on_error(ErrorKind::kRateLimited);
  send_json(429, error_json(rate_limit_message(ctx_.options.rate_limit)), *wait_s);
  return true;
}

void HttpSession::send_json(int status, std::string body, int retry_after_s, const char* allow) {
  http::response<http::string_body> res{static_cast<http::status>(status), version_};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  if (retry_after_s > 0) res.set(http::field::retry_after, std::to_string(retry_after_s));
  if (allow != nullptr) res.set(http::field::allow, allow);
  res.body() = std::move(body);
  send(std::move(res));
}

void HttpSession::send_error(int status, ErrorKind kind, std::string message, const char* allow) {
  ctx_.metrics.on_error(kind);
  send_json(status, error_json(message), 0, allow);
}

template <class Response>
void HttpSession::send(Response&& res) {
  using Message = std::decay_t<Response>;
  set_security_headers(res);
  res.version(version_);
  // After an error that left unread input (413, 431, malformed HTTP) the connection must close.
  const bool reusable = keep_alive_ && !must_close_;
  res.keep_alive(reusable);
  if constexpr (std::is_same_v<typename Message::body_type, http::string_body>) {
    if (head_) {
      // HEAD: same headers, no body.
      http::response<http::empty_body> head{res.result(), res.version()};
      for (const auto& field : res) head.set(field.name_string(), field.value());
      head.content_length(res.body().size());
      head.keep_alive(reusable);
      return send(std::move(head));
    }
    res.prepare_payload();
  }
  ctx_.metrics.observe(route_, std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                             received_).count());
  auto msg = std::make_shared<Message>(std::forward<Response>(res));
  response_ = msg;
  stream_.expires_after(std::chrono::seconds(ctx_.options.request_timeout_s));
  http::async_write(stream_, *msg,
                    beast::bind_front_handler(&HttpSession::on_write, shared_from_this(),
                                              msg->need_eof()));
}

void HttpSession::on_write(bool close, beast::error_code ec, std::size_t) {
  response_.reset();
  if (ec == beast::error::timeout) ctx_.metrics.on_error(ErrorKind::kTimeout);
  if (ec || close) return do_close();
  do_read();
}

void HttpSession::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  if (must_close_ && !ec) drain();
}

// Lingering close: after an early error response (e.g. 413 while the client is still sending)
// read and discard for a moment, so closing with unread data does not reset the connection
// before the client has read the response.
void HttpSession::drain() {
  stream_.expires_after(std::chrono::seconds(1));
  drain_buffer_.resize(16 * 1024);
  auto self = shared_from_this();
  stream_.async_read_some(net::buffer(drain_buffer_),
                          [self](beast::error_code ec, std::size_t n) {
                            self->drained_ += n;
                            if (!ec && self->drained_ < 4 * kMaxBodyBytes) self->drain();
                          });
}

}  // namespace jam
