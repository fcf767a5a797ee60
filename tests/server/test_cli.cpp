// jam-server's command line: --help, bad options, missing directories, missing or corrupt model
// files, a taken port, clean shutdown on SIGTERM, loopback by default.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "server_process.h"

namespace {

using jam::test::run_server_to_exit;
using jam::test::ServerProcess;
using jam::test::TempDir;

TEST(ServerCli, Help) {
  auto r = run_server_to_exit({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.output.find("usage: jam-server"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--models DIR"), std::string::npos);
  EXPECT_NE(r.output.find("--allow-origin ORIGIN"), std::string::npos);
  EXPECT_NE(r.output.find("--rate-limit R"), std::string::npos);
}

TEST(ServerCli, BadOptions) {
  auto r = run_server_to_exit({"--bogus"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("unknown option '--bogus'"), std::string::npos) << r.output;
  r = run_server_to_exit({"--port", "70000"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("--port: needs a port 0..65535"), std::string::npos) << r.output;
  r = run_server_to_exit({"--threads"});
  EXPECT_EQ(r.code, 2);
  r = run_server_to_exit({"--allow-origin", "evil.example"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("--allow-origin: 'evil.example' is not an origin"), std::string::npos)
      << r.output;
  r = run_server_to_exit({"--allow-origin", "https://a.example/app"});
  EXPECT_EQ(r.code, 2);
  r = run_server_to_exit({"--rate-limit", "-1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("--rate-limit: needs requests per second"), std::string::npos) << r.output;
  r = run_server_to_exit({"--rate-limit", "nan"});
  EXPECT_EQ(r.code, 2);
  r = run_server_to_exit({"--rate-burst", "0"});
  EXPECT_EQ(r.code, 2);
  r = run_server_to_exit({"--host", "not-an-ip", "--port", "0"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("--host: 'not-an-ip' is not an IP address"), std::string::npos);
}

TEST(ServerCli, MissingDirectories) {
  auto r = run_server_to_exit({"--port", "0", "--web", "/nonexistent/jam-web"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("--web: directory '/nonexistent/jam-web' does not exist"),
            std::string::npos)
      << r.output;
  r = run_server_to_exit({"--port", "0", "--models", "/nonexistent/jam-models"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("--models: models directory '/nonexistent/jam-models' does not exist"),
            std::string::npos)
      << r.output;
}

TEST(ServerCli, MissingOrCorruptModelFilesStopTheServer) {
  {
    TempDir dir;
    dir.install_tiny_models(R"({"arch":"online"})");
    std::filesystem::remove(dir.path() / "models/online/model.jamw");
    auto r = run_server_to_exit({"--port", "0", "--models", (dir.path() / "models").string()});
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("jam-server: "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("model.jamw"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("listening"), std::string::npos) << r.output;
  }
  {
    TempDir dir;
    dir.install_tiny_models(R"({"arch":"online"})");
    dir.write("models/online/model.jamw", std::string(4096, 'w'));  // not a weight file
    auto r = run_server_to_exit({"--port", "0", "--models", (dir.path() / "models").string()});
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("model.jamw"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("listening"), std::string::npos) << r.output;
  }
  {
    TempDir dir;
    dir.install_tiny_models(R"({"arch":"online"})");
    dir.write("models/online/vocab.json", "{\"truncated\": ");
    auto r = run_server_to_exit({"--port", "0", "--models", (dir.path() / "models").string()});
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("vocab.json"), std::string::npos) << r.output;
  }
}

TEST(ServerCli, PortAlreadyInUse) {
  ServerProcess first({});
  ASSERT_TRUE(first.ok()) << first.output();
  auto r = run_server_to_exit({"--port", std::to_string(first.port())});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("already in use"), std::string::npos) << r.output;
  EXPECT_TRUE(first.running());
}

TEST(ServerCli, LoopbackByDefaultAndCleanShutdown) {
  TempDir dir;
  dir.write("web/index.html", "x");
  ServerProcess s({"--web=" + (dir.path() / "web").string(), "--threads=2", "--workers=2"},
                  /*add_port_zero=*/false);
  // Without --port it tries 8080, which may be taken on a shared machine; then use port 0.
  if (!s.ok()) GTEST_SKIP() << "port 8080 busy: " << s.output();
  EXPECT_NE(s.output().find("listening on http://127.0.0.1:8080"), std::string::npos);
  EXPECT_EQ(s.stop(), 0);
}

TEST(ServerCli, PortZeroPrintsTheBoundPortAndSigtermExitsZero) {
  ServerProcess s({"--host", "127.0.0.1", "--workers", "2"});
  ASSERT_TRUE(s.ok()) << s.output();
  EXPECT_NE(s.port(), 0);
  EXPECT_NE(s.output().find("listening on http://127.0.0.1:"), std::string::npos);
  EXPECT_EQ(s.stop(), 0);
}

}  // namespace
