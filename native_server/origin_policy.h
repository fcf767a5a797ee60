// origin_policy.h — which browser origins may drive the planner (POST /v1/plan, the WebSocket
// /v1/jam handshake). Browsers send `Origin` on both; a page from another site must not be able
// to use a jam-server running on the musician's machine.
//
//   jam::OriginPolicy policy(options.allow_origins);            // from --allow-origin (repeatable)
//   if (!policy.allows(req[http::field::origin], req[http::field::host], has_origin)) → 403
//
// Rules, in order:
//   - no Origin header: allowed (curl, the load benchmark and other non-browser clients);
//   - the allow-list contains "*": allowed;
//   - Origin equals "<scheme>://<Host header>" (same origin) and that host is an IP literal or
//     "localhost": allowed. A same-origin match under any other host name is NOT enough: that is
//     what a DNS-rebinding page (evil.example re-pointed at 127.0.0.1) looks like; list such
//     names explicitly;
//   - Origin is listed exactly (scheme://host[:port], compared case-insensitively);
//   - the allow-list is empty (the default) or contains "loopback", and the Origin is a loopback
//     origin: http(s)://localhost, 127.x.y.z or [::1], any port.
// Everything else (including "null", from sandboxed frames and file:// pages) is refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jam {

class OriginPolicy {
 public:
  explicit OriginPolicy(std::vector<std::string> allow_list = {});

  bool allows(std::optional<std::string_view> origin, std::string_view host) const;

  // Checks one --allow-origin value: "*", "loopback" or "http[s]://host[:port]" (no path).
  // Returns an error message, or nullopt when valid.
  static std::optional<std::string> check_entry(std::string_view entry);

 private:
  std::vector<std::string> allowed_;  // lower-case
  bool any_ = false;
  bool loopback_ = true;
};

}  // namespace jam
