// websocket_session.cpp — see websocket_session.h.
#include "websocket_session.h"

#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

#include "security_headers.h"

namespace jam {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

constexpr size_t kMaxSessionsPerConnection = 16;

}  // namespace

WebSocketSession::WebSocketSession(net::ip::tcp::socket&& socket, ServerContext& ctx)
    : ws_(std::move(socket)),
      ctx_(ctx),
      rate_(ctx.options.rate_limit, ctx.options.rate_burst),
      default_session_("ws-" + std::to_string(ctx.next_session_id.fetch_add(1))) {}

WebSocketSession::~WebSocketSession() {
  if (opened_) ctx_.metrics.on_websocket_close();
  for (const std::string& s : sessions_) ctx_.pool.end_session(s);
}

void WebSocketSession::run(beast::http::request<beast::http::string_body> upgrade) {
  beast::get_lowest_layer(ws_).expires_never();  // the websocket timeouts take over
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = std::chrono::seconds(ctx_.options.ws_idle_timeout_s);
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { set_security_headers(res); }));
  ws_.read_message_max(kMaxBodyBytes);
  received_ = std::chrono::steady_clock::now();
  ws_.async_accept(upgrade,
                   beast::bind_front_handler(&WebSocketSession::on_accept, shared_from_this()));
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) {
    if (ec == beast::error::timeout) ctx_.metrics.on_error(ErrorKind::kTimeout);
    return;
  }
  opened_ = true;
  ctx_.metrics.on_websocket_open();
  do_read();
}

void WebSocketSession::do_read() {
  buffer_.clear();
  ws_.async_read(buffer_, beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec == beast::error::timeout) ctx_.metrics.on_error(ErrorKind::kTimeout);
    if (ec == websocket::error::message_too_big) ctx_.metrics.on_error(ErrorKind::kTooLarge);
    return;  // closed, reset or failed: the session ends when the last handler releases it
  }
  received_ = std::chrono::steady_clock::now();
  ctx_.metrics.on_request(Route::kJam);
  if (!ws_.got_text()) {
    ctx_.metrics.on_error(ErrorKind::kBadRequest);
    return reply({400, "", "message: binary messages are not supported; send JSON text", 0, ""});
  }
  if (const std::optional<int> wait_s = rate_.take()) {
    ctx_.metrics.on_error(ErrorKind::kRateLimited);
    return reply({429, "", rate_limit_message(ctx_.options.rate_limit), *wait_s, ""});
  }
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.clear();
  auto self = shared_from_this();
  ctx_.plan.handle(text, default_session_, [self](PlanReply r) {
    net::post(self->ws_.get_executor(),
              [self, r = std::move(r)]() mutable { self->reply(std::move(r)); });
  });
}

void WebSocketSession::reply(PlanReply r) {
  if (!r.session.empty() && sessions_.size() < kMaxSessionsPerConnection) {
    sessions_.insert(r.session);
  }
  // WebSocket messages have no status line: errors carry status (and retry_after_s) inline.
  out_ = r.status == 200 ? std::move(r.body) : error_json(r.error, r.status, r.retry_after_s);
  ctx_.metrics.observe(Route::kJam, std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                                  received_).count());
  ws_.text(true);
  ws_.async_write(net::buffer(out_),
                  beast::bind_front_handler(&WebSocketSession::on_write, shared_from_this()));
}

void WebSocketSession::on_write(beast::error_code ec, std::size_t) {
  if (ec) return;
  do_read();
}

}  // namespace jam
