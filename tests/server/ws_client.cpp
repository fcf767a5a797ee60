// ws_client.cpp — see ws_client.h.
#include "ws_client.h"

#include <chrono>

#include <boost/asio/ip/tcp.hpp>

namespace jam::test {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

WsClient::WsClient(uint16_t port, const std::string& target, const std::string& origin) {
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(ws_).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  beast::get_lowest_layer(ws_).expires_never();
  beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true));  // as browsers do
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  if (!origin.empty()) {
    ws_.set_option(websocket::stream_base::decorator(
        [origin](websocket::request_type& req) { req.set(beast::http::field::origin, origin); }));
  }
  ws_.handshake(handshake_response_, "127.0.0.1:" + std::to_string(port), target, ec_);
  ws_.read_message_max(64 * 1024 * 1024);
}

void WsClient::send(const std::string& text, bool binary) {
  ws_.binary(binary);
  ws_.write(net::buffer(text));
}

std::string WsClient::receive() {
  beast::flat_buffer buffer;
  ws_.read(buffer, ec_);
  if (ec_) return "";
  return beast::buffers_to_string(buffer.data());
}

nlohmann::json WsClient::call(const nlohmann::json& request) {
  send(request.dump());
  return nlohmann::json::parse(receive(), nullptr, false);
}

}  // namespace jam::test
