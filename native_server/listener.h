// listener.h — accepts TCP connections and starts an HttpSession for each, on its own strand.
//
//   auto listener = std::make_shared<jam::Listener>(ioc, ctx);
//   if (auto err = listener->open(endpoint)) { report(*err); exit(1); }
//   listener->run();                  // accepts until stop()
//
// open() and run() are called once from the main thread before the io_context runs; stop() may
// be called from any handler of the io_context.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "server_context.h"

namespace jam {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& ioc, ServerContext& ctx);
  // Binds and listens; returns a readable error (e.g. the port is taken).
  std::optional<std::string> open(const boost::asio::ip::tcp::endpoint& endpoint);
  uint16_t port() const;
  void run();
  void stop();

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  ServerContext& ctx_;
};

}  // namespace jam
