// main.cpp — jam-server: static web app + protocol v1 (POST /v1/plan, WebSocket /v1/jam).
//
//   jam-server --port 8080 --models models --web build/wasm/site
//
// Startup checks (each fails with a message on stderr and exit code 1): --web / --models exist,
// the address parses, every inference worker's planner loads, the port can be bound. Then it
// prints "jam-server listening on http://HOST:PORT" on stdout (the real port when --port 0)
// and serves until SIGINT/SIGTERM (exit 0).
#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>

#include "harmonize_endpoint.h"
#include "inference_pool.h"
#include "listener.h"
#include "metrics.h"
#include "model_registry.h"
#include "planner_plan_service.h"
#include "plan_endpoint.h"
#include "server_context.h"
#include "server_options.h"

namespace {

namespace net = boost::asio;
namespace fs = std::filesystem;

int fail(const std::string& message) {
  std::cerr << "jam-server: " << message << "\n";
  return 1;
}

// Runs the io_context; an exception escaping a handler is logged and the loop resumes, so one
// bad connection never takes the server down.
void run_loop(net::io_context& ioc) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      std::cerr << "jam-server: handler error: " << e.what() << "\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = jam::parse_server_options(argc, argv);
  if (!parsed) {
    std::cerr << "jam-server: " << parsed.error() << "\n" << jam::server_usage();
    return 2;
  }
  const jam::ServerOptions& options = *parsed;
  if (options.help) {
    std::cout << jam::server_usage();
    return 0;
  }

  std::error_code fs_ec;
  fs::path web_root;
  if (!options.web_dir.empty()) {
    if (!fs::is_directory(options.web_dir, fs_ec)) {
      return fail("--web: directory '" + options.web_dir + "' does not exist");
    }
    web_root = fs::canonical(options.web_dir, fs_ec);
  }
  jam::ModelRegistry models;
  if (!options.models_dir.empty()) {
    auto scanned = jam::ModelRegistry::scan(options.models_dir);
    if (!scanned) return fail("--models: " + scanned.error());
    models = std::move(*scanned);
    for (const std::string& w : models.warnings()) std::cerr << "jam-server: models: " << w << "\n";
  }

  boost::system::error_code ec;
  const std::string host = options.host == "localhost" ? "127.0.0.1" : options.host;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (ec) return fail("--host: '" + options.host + "' is not an IP address");

  // The planner behind /v1/plan: the ReaLJam planner over the native engines (plan_service.h).
  jam::PlanServiceFactory factory = jam::make_planner_factory({.cache_entries = options.cache_entries});

  jam::Metrics metrics;
  std::unique_ptr<jam::InferencePool> pool;
  try {
    pool = std::make_unique<jam::InferencePool>(
        models, factory,
        jam::InferencePoolConfig{options.workers, static_cast<size_t>(options.queue_depth)});
  } catch (const std::exception& e) {
    return fail(std::string("planner: ") + e.what());
  }
  jam::PlanEndpoint endpoint(models, *pool, metrics);
  std::unique_ptr<jam::HarmonizeEndpoint> harmonizer;
  try {
    harmonizer = std::make_unique<jam::HarmonizeEndpoint>(models, metrics);
  } catch (const std::exception& e) {
    return fail(std::string("harmonizer: ") + e.what());
  }
  jam::ServerContext ctx{options, web_root, models, metrics, *pool, endpoint};
  ctx.harmonize = harmonizer.get();

  net::io_context ioc(options.threads);
  auto listener = std::make_shared<jam::Listener>(ioc, ctx);
  if (auto err = listener->open({address, options.port})) return fail(*err);
  listener->run();

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    listener->stop();
    ioc.stop();
  });

  std::cout << "jam-server listening on http://" << address.to_string() << ":" << listener->port()
            << "  (planner: " << pool->service_name() << ", models: " << models.models().size()
            << ", web: " << (web_root.empty() ? "none" : web_root.string()) << ")" << std::endl;

  std::vector<std::thread> threads;
  for (int i = 1; i < options.threads; ++i) threads.emplace_back([&ioc] { run_loop(ioc); });
  run_loop(ioc);
  for (auto& t : threads) t.join();
  harmonizer.reset();  // its callbacks post to ioc, which must still exist
  pool->stop();
  return 0;
}
