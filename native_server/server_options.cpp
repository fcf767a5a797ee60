// server_options.cpp — see server_options.h.
#include "server_options.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "origin_policy.h"

namespace jam {
namespace {

bool parse_int(std::string_view s, long lo, long hi, long& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && out >= lo && out <= hi;
}

}  // namespace

std::string server_usage() {
  return "usage: jam-server [options]\n"
         "  --host ADDR            address to listen on (default 127.0.0.1; 0.0.0.0 = all)\n"
         "  --port N               TCP port (default 8080; 0 = any free port, printed on start)\n"
         "  --models DIR           model directories DIR/<id>/config.json (default: none)\n"
         "  --web DIR              static files (the built web app) served at / (default: none)\n"
         "  --threads N            I/O threads (default 1)\n"
         "  --workers N            inference workers, one model instance each (default 1)\n"
         "  --queue-depth N        waiting plan requests per worker before 503 (default 16)\n"
         "  --cache-entries N      KV states kept per online model, shared by the workers: one\n"
         "                         per live session plus spare (default 64, ~7 MB each)\n"
         "  --request-timeout S    seconds to receive a whole HTTP request (default 15)\n"
         "  --ws-idle-timeout S    seconds of WebSocket silence before closing (default 60)\n"
         "  --allow-origin ORIGIN  a browser origin (http[s]://host[:port]) allowed to use\n"
         "                         /v1/plan and /v1/jam besides the page's own; repeatable;\n"
         "                         'loopback' = any localhost/127.0.0.1/[::1] page, '*' = any\n"
         "                         (default: loopback)\n"
         "  --rate-limit R         plan requests per second per connection, then 429 (default\n"
         "                         32; 0 = no limit)\n"
         "  --rate-burst N         requests a connection may send at once (default 64)\n"
         "  --help                 this text\n"
         "On start it prints \"jam-server listening on http://HOST:PORT\" on stdout.\n"
         "Endpoints: GET /healthz, GET /metrics, GET /v1/models, POST /v1/plan, GET /v1/jam\n"
         "(WebSocket); everything else is a static file from --web (see docs/protocol.md).\n";
}

Result<ServerOptions> parse_server_options(int argc, const char* const* argv) {
  ServerOptions o;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    bool has_value = false;
    if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    if (arg == "--help" || arg == "-h") {
      o.help = true;
      continue;
    }
    auto need_value = [&]() -> bool {
      if (has_value) return true;
      if (i + 1 >= argc) return false;
      value = argv[++i];
      return true;
    };
    auto bad = [&](const char* what) {
      return Result<ServerOptions>::fail(std::string(arg) + ": " + what);
    };
    long n = 0;
    if (arg == "--host") {
      if (!need_value() || value.empty()) return bad("needs an address");
      o.host = std::string(value);
    } else if (arg == "--port") {
      if (!need_value() || !parse_int(value, 0, 65535, n)) return bad("needs a port 0..65535");
      o.port = static_cast<uint16_t>(n);
    } else if (arg == "--models") {
      if (!need_value() || value.empty()) return bad("needs a directory");
      o.models_dir = std::string(value);
    } else if (arg == "--web") {
      if (!need_value() || value.empty()) return bad("needs a directory");
      o.web_dir = std::string(value);
    } else if (arg == "--threads") {
      if (!need_value() || !parse_int(value, 1, 64, n)) return bad("needs 1..64");
      o.threads = static_cast<int>(n);
    } else if (arg == "--workers") {
      if (!need_value() || !parse_int(value, 1, 64, n)) return bad("needs 1..64");
      o.workers = static_cast<int>(n);
    } else if (arg == "--queue-depth") {
      if (!need_value() || !parse_int(value, 1, 10000, n)) return bad("needs 1..10000");
      o.queue_depth = static_cast<int>(n);
    } else if (arg == "--cache-entries") {
      if (!need_value() || !parse_int(value, 1, 4096, n)) return bad("needs 1..4096");
      o.cache_entries = static_cast<int>(n);
    } else if (arg == "--request-timeout") {
      if (!need_value() || !parse_int(value, 1, 3600, n)) return bad("needs 1..3600 seconds");
      o.request_timeout_s = static_cast<int>(n);
    } else if (arg == "--ws-idle-timeout") {
      if (!need_value() || !parse_int(value, 1, 86400, n)) return bad("needs 1..86400 seconds");
      o.ws_idle_timeout_s = static_cast<int>(n);
    } else if (arg == "--allow-origin") {
      if (!need_value()) return bad("needs an origin");
      if (auto err = OriginPolicy::check_entry(value)) return bad(err->c_str());
      o.allow_origins.emplace_back(value);
    } else if (arg == "--rate-limit") {
      std::string v(need_value() ? value : std::string_view());
      char* end = nullptr;
      const double r = v.empty() ? -1 : std::strtod(v.c_str(), &end);
      if (v.empty() || end != v.c_str() + v.size() || !(r >= 0 && r <= 1e6)) {
        return bad("needs requests per second 0..1000000");
      }
      o.rate_limit = r;
    } else if (arg == "--rate-burst") {
      if (!need_value() || !parse_int(value, 1, 1000000, n)) return bad("needs 1..1000000");
      o.rate_burst = static_cast<int>(n);
    } else {
      return Result<ServerOptions>::fail("unknown option '" + std::string(argv[i]) +
                                         "' (try --help)");
    }
  }
  return o;
}

}  // namespace jam
