// origin_policy.cpp — see origin_policy.h.
#include "origin_policy.h"

#include <algorithm>
#include <cctype>

#include <boost/asio/ip/address.hpp>

namespace jam {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "host", "host:port", "[v6]" or "[v6]:port" → host without brackets and port; nullopt if bad.
std::optional<std::string> host_name(std::string_view hostport) {
  if (hostport.empty()) return std::nullopt;
  std::string_view host = hostport;
  std::string_view port;
  if (hostport.front() == '[') {
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = hostport.substr(1, close - 1);
    std::string_view rest = hostport.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else if (size_t colon = hostport.rfind(':'); colon != std::string_view::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
    if (port.empty()) return std::nullopt;
  }
  if (host.empty() || port.size() > 5) return std::nullopt;
  for (char c : port) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  for (char c : host) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || c == '.' || c == '-' || c == ':' || c == '_')) return std::nullopt;
  }
  return lower(host);
}

// "http://host[:port]" → host; nullopt when not an http(s) origin.
std::optional<std::string> origin_host(std::string_view origin) {
  std::string o = lower(origin);
  std::string_view rest;
  if (o.rfind("http://", 0) == 0) {
    rest = std::string_view(o).substr(7);
  } else if (o.rfind("https://", 0) == 0) {
    rest = std::string_view(o).substr(8);
  } else {
    return std::nullopt;
  }
  return host_name(rest);
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

}  // namespace

OriginPolicy::OriginPolicy(std::vector<std::string> allow_list) {
  loopback_ = allow_list.empty();
  for (const std::string& entry : allow_list) {
    std::string e = lower(entry);
    while (!e.empty() && e.back() == '/') e.pop_back();
    if (e == "*") {
      any_ = true;
    } else if (e == "loopback") {
      loopback_ = true;
    } else {
      allowed_.push_back(std::move(e));
    }
  }
}

std::optional<std::string> OriginPolicy::check_entry(std::string_view entry) {
  if (entry == "*" || entry == "loopback") return std::nullopt;
  std::string e(entry);
  while (!e.empty() && e.back() == '/') e.pop_back();
  if (!origin_host(e)) {
    return "'" + std::string(entry) +
           "' is not an origin: use http[s]://host[:port] (no path), 'loopback' or '*'";
  }
  return std::nullopt;
}

bool OriginPolicy::allows(std::optional<std::string_view> origin, std::string_view host) const {
  if (!origin) return true;
  if (any_) return true;
  const std::string o = lower(*origin);
  auto ohost = origin_host(o);
  if (!ohost) return false;  // "null", other schemes, garbage
  // Same origin: scheme://<Host header>, under an IP literal or localhost only (DNS rebinding).
  if (const size_t scheme_end = o.find("://"); !host.empty() && o.substr(scheme_end + 3) == lower(host)) {
    if (is_ip_literal(*ohost) || *ohost == "localhost") return true;
  }
  if (std::find(allowed_.begin(), allowed_.end(), o) != allowed_.end()) return true;
  return loopback_ && is_loopback_host(*ohost);
}

}  // namespace jam
