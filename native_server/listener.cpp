// listener.cpp — see listener.h.
#include "listener.h"

#include <iostream>

#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "http_session.h"

namespace jam {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& ioc, ServerContext& ctx)
    : ioc_(ioc), acceptor_(net::make_strand(ioc)), ctx_(ctx) {}

std::optional<std::string> Listener::open(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  const std::string where =
      "cannot listen on " + endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return where + ": " + ec.message();
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return where + ": " + ec.message();
  acceptor_.bind(endpoint, ec);
  if (ec == net::error::address_in_use) {
    return where + ": the port is already in use (another jam-server? pick one with --port)";
  }
  if (ec) return where + ": " + ec.message();
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return where + ": " + ec.message();
  return std::nullopt;
}

uint16_t Listener::port() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void Listener::run() { do_accept(); }

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
  });
}

void Listener::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         boost::beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // E.g. out of file descriptors: report and keep accepting.
    std::cerr << "jam-server: accept: " << ec.message() << "\n";
  } else {
    boost::system::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);  // small real-time messages: no Nagle delay
    std::make_shared<HttpSession>(std::move(socket), ctx_)->run();
  }
  do_accept();
}

}  // namespace jam
