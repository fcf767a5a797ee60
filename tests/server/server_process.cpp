// server_process.cpp — see server_process.h.
#include "server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <functional>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace jam::test {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// fork + exec jam-server with stdout (and optionally stderr) on a pipe; returns the pid.
pid_t spawn(const std::vector<std::string>& args, int& read_fd, bool merge_stderr) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive a crashed or killed test
    dup2(fds[1], STDOUT_FILENO);
    if (merge_stderr) dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    std::string bin = server_binary();
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  read_fd = fds[0];
  return pid;
}

// Reads from fd until '\n', EOF or the deadline.
std::string read_line(int fd, std::chrono::milliseconds timeout) {
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char c;
    ssize_t n = read(fd, &c, 1);
    if (n <= 0) break;
    if (c == '\n') break;
    line.push_back(c);
  }
  return line;
}

}  // namespace

std::string server_binary() { return JAM_SERVER_BIN; }

ServerProcess::ServerProcess(std::vector<std::string> args, bool add_port_zero) {
  if (add_port_zero) {
    args.insert(args.begin(), {"--port", "0"});
  }
  pid_ = spawn(args, stdout_fd_, false);
  first_line_ = read_line(stdout_fd_, std::chrono::seconds(20));
  const std::string key = "listening on http://";
  size_t at = first_line_.find(key);
  if (at == std::string::npos) return;
  size_t colon = first_line_.find(':', at + key.size());
  if (colon == std::string::npos) return;
  port_ = static_cast<uint16_t>(std::atoi(first_line_.c_str() + colon + 1));
}

ServerProcess::~ServerProcess() {
  stop();
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

bool ServerProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

int ServerProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  int status = 0;
  int code = -1;
  for (;;) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  return code;
}

ExitResult run_server_to_exit(const std::vector<std::string>& args,
                              std::chrono::milliseconds timeout) {
  int fd = -1;
  pid_t pid = spawn(args, fd, true);
  ExitResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) > 0) {
      char buf[4096];
      ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0) {
        result.output.append(buf, static_cast<size_t>(n));
        continue;
      }
      break;  // EOF: the process exited (or closed its output)
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      break;
    }
  }
  close(fd);
  int status = 0;
  waitpid(pid, &status, 0);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

HttpResult http_request(uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body, const std::map<std::string, std::string>& headers) {
  HttpResult out;
  try {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST") {
      req.body() = body;
      req.prepare_payload();
    }
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(method == "HEAD");
    http::read(stream, buffer, parser);
    auto res = parser.release();
    out.status = res.result_int();
    for (const auto& f : res) out.headers[lower(std::string(f.name_string()))] = std::string(f.value());
    out.body = res.body();
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

std::string raw_exchange(uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout) {
  // Asynchronous reads so `timeout` really bounds the call (tcp_stream timeouts only apply to
  // asynchronous operations).
  std::string out;
  try {
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    bool finished = false;
    std::array<char, 4096> buf;
    std::function<void()> read_more = [&] {
      socket.async_read_some(net::buffer(buf), [&](boost::system::error_code ec, size_t n) {
        out.append(buf.data(), n);
        if (ec) {
          finished = true;
          return;
        }
        read_more();
      });
    };
    net::async_write(socket, net::buffer(bytes), [&](boost::system::error_code, size_t) {});
    read_more();
    ioc.run_for(timeout);
    if (!finished) out += "\n[client error: timeout]";
  } catch (const std::exception& e) {
    out += "\n[client error: " + std::string(e.what()) + "]";
  }
  return out;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "jam-server-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TempDir::write(const std::string& relative, const std::string& content) const {
  std::filesystem::path p = path_ / relative;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

void TempDir::install_tiny_models(const std::string& config_json) const {
  for (const char* what : {"online", "offline"}) {
    const std::filesystem::path from = std::filesystem::path("tests/data") / (std::string("tiny_") + what);
    for (const char* f : {"model.jamw", "vocab.json", "config.json"}) {
      std::filesystem::create_directories(path_ / "models" / what);
      std::filesystem::copy_file(from / f, path_ / "models" / what / f,
                                 std::filesystem::copy_options::overwrite_existing);
    }
  }
  write("models/online/config.json", config_json);
}

}  // namespace jam::test
