// server_fixture.h — the test-suite fixture shared by the server tests: one REAL jam-server per
// GoogleTest suite, started once in SetUpTestSuite over a fresh TempDir and stopped (it must
// exit 0) in TearDownTestSuite.
//
//   class WebSocketServer : public jam::test::SharedServerTest<WebSocketServer> {
//    public:
//     static std::vector<std::string> server_args(const jam::test::TempDir& root) {
//       root.install_tiny_models("{}");
//       return {"--models", (root.path() / "models").string()};
//     }
//   };
//   TEST_F(WebSocketServer, Works) { auto r = jam::test::http_request(port(), "GET", "/healthz"); }
//
// `Suite::server_args` writes whatever the suite needs into the root and returns the server's
// arguments ("--port 0" is added). Used from the test's main thread only.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "server_process.h"

namespace jam::test {

template <class Suite>
class SharedServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new TempDir();
    server_ = new ServerProcess(Suite::server_args(*root_));
    ASSERT_TRUE(server_->ok()) << server_->output();
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0);
    delete server_;
    delete root_;
    server_ = nullptr;
    root_ = nullptr;
  }
  static uint16_t port() { return server_->port(); }

  inline static TempDir* root_ = nullptr;
  inline static ServerProcess* server_ = nullptr;
};

}  // namespace jam::test
