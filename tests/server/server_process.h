// server_process.h — test helpers: run the REAL jam-server binary on a free loopback port, and
// small blocking HTTP / raw-TCP clients built on Boost.Beast.
//
//   jam::test::ServerProcess server({"--web", web_dir, "--models", models_dir});
//   ASSERT_TRUE(server.ok()) << server.output();
//   auto res = jam::test::http_request(server.port(), "GET", "/healthz");
//
// The server is started with "--port 0" and the port is read from its first stdout line. The
// destructor sends SIGTERM and waits. Used from the test's main thread (clients may be used from
// any thread).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace jam::test {

// Path of the jam-server binary (compile definition JAM_SERVER_BIN).
std::string server_binary();

class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> args, bool add_port_zero = true);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool ok() const { return port_ != 0; }
  uint16_t port() const { return port_; }
  const std::string& output() const { return first_line_; }
  // SIGTERM, wait; returns the exit status (or -1 when it had to be killed).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  bool running();

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;  // kept open so a late write cannot SIGPIPE the server
  uint16_t port_ = 0;
  std::string first_line_;
};

// Runs jam-server to completion with `args`; returns {exit code, stdout + stderr}.
struct ExitResult {
  int code = -1;
  std::string output;
};
ExitResult run_server_to_exit(const std::vector<std::string>& args,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));

struct HttpResult {
  int status = 0;  // 0 = transport error (see error)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

HttpResult http_request(uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body = "",
                        const std::map<std::string, std::string>& headers = {});

// Sends raw bytes and returns everything the server sends until it closes or `timeout` passes.
std::string raw_exchange(uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  void write(const std::string& relative, const std::string& content) const;
  // Copies the tiny real models (tests/data/tiny_online, tiny_offline; the tests run from the
  // repo root) to models/online and models/offline, with `config_json` as online's config.json.
  void install_tiny_models(const std::string& config_json) const;

 private:
  std::filesystem::path path_;
};

}  // namespace jam::test
