// ws_client.h — a blocking WebSocket client for the server tests (Boost.Beast, its own
// io_context), speaking to the REAL jam-server's /v1/jam on loopback.
//
//   jam::test::WsClient c(server.port());
//   ASSERT_TRUE(c.open()) << c.error().message();
//   nlohmann::json answer = c.call(request_json);   // one text message out, one back
//
// One client per thread; not thread-safe. A failed read returns "" and sets error().
#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

namespace jam::test {

class WsClient {
 public:
  using Stream = boost::beast::websocket::stream<boost::beast::tcp_stream>;

  // Connects and upgrades; `origin` non-empty adds an Origin header. Check open().
  explicit WsClient(uint16_t port, const std::string& target = "/v1/jam",
                    const std::string& origin = "");
  bool open() const { return !ec_; }
  const boost::beast::error_code& error() const { return ec_; }
  const boost::beast::websocket::response_type& handshake() const { return handshake_response_; }

  void send(const std::string& text, bool binary = false);
  // The next text message, or "" with error() set.
  std::string receive();
  // send(request.dump()) then receive(), parsed (a discarded JSON value when it is not JSON).
  nlohmann::json call(const nlohmann::json& request);
  Stream& ws() { return ws_; }

 private:
  boost::asio::io_context ioc_;
  Stream ws_{ioc_};
  boost::beast::websocket::response_type handshake_response_;
  boost::beast::error_code ec_;
};

}  // namespace jam::test
