// server_options.h — jam-server's command line.
//
//   jam::Result<jam::ServerOptions> o = jam::parse_server_options(argc, argv);
//   if (!o) { print(o.error()); exit(2); }  if (o->help) { print(jam::server_usage()); exit(0); }
//
// Both "--flag value" and "--flag=value" are accepted. Only syntax and ranges are checked here;
// whether directories exist and the port is free is checked by main().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jam/result.h"

namespace jam {

struct ServerOptions {
  std::string host = "127.0.0.1";  // loopback by default
  uint16_t port = 8080;            // 0 = any free port (the bound port is printed)
  std::string models_dir;          // empty = no models
  std::string web_dir;             // empty = no static files
  int threads = 1;                 // I/O threads
  int workers = 1;                 // inference workers (one model instance each)
  int queue_depth = 16;            // waiting plan requests per worker before 503
  int cache_entries = 64;          // KV states kept per online model, shared by the workers
  int request_timeout_s = 15;      // whole HTTP request (headers + body) and each write
  int ws_idle_timeout_s = 60;      // WebSocket: close when the peer is silent this long
  std::vector<std::string> allow_origins;  // --allow-origin (origin_policy.h); empty = loopback
  double rate_limit = 32;          // plan requests per second per connection; 0 = unlimited
  int rate_burst = 64;             // ... of which this many may come at once
  bool help = false;
};

Result<ServerOptions> parse_server_options(int argc, const char* const* argv);
std::string server_usage();

}  // namespace jam
