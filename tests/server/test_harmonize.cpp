// POST /v1/harmonize on the real jam-server (tiny real models on loopback): a whole melody gets
// one chord token per frame from the offline model, deterministically per seed; bad input is a
// 400/404/405/413 with a JSON error and leaves the server serving.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server_fixture.h"
#include "server_process.h"

namespace {

using jam::test::http_request;
using jam::test::HttpResult;
using jam::test::ServerProcess;
using jam::test::TempDir;
using Json = nlohmann::json;

class Harmonize : public jam::test::SharedServerTest<Harmonize> {
 public:
  static std::vector<std::string> server_args(const TempDir& root) {
    root.install_tiny_models(R"({"arch":"online"})");
    return {"--models", (root.path() / "models").string()};
  }

 protected:
  static HttpResult post(const std::string& body) {
    return http_request(port(), "POST", "/v1/harmonize", body);
  }
  static std::string error_of(const HttpResult& r) {
    return Json::parse(r.body, nullptr, false).value("error", std::string("<no error field>"));
  }
};

// A melody longer than the tiny model's context, so several overlapping windows are used.
std::string long_melody_body(int seed, int frames) {
  Json melody = Json::array();
  const int scale[] = {60, 62, 64, 65, 67, 69, 71, 72};
  for (int on = 0, i = 0; on + 2 <= frames; on += 3, ++i) melody.push_back({on, on + 2, scale[i % 8]});
  return Json{{"model", "offline"}, {"melody", melody}, {"frames", frames}, {"seed", seed},
              {"temperature", 1.0}}.dump();
}

TEST_F(Harmonize, WholeMelodyGetsAChordTokenPerFrameDeterministically) {
  const int frames = 700;
  HttpResult a = post(long_melody_body(3, frames));
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.header("content-type"), "application/json");
  Json j = Json::parse(a.body);
  EXPECT_EQ(j["frames"], frames);
  ASSERT_EQ(j["chord_tokens"].size(), static_cast<size_t>(frames));
  ASSERT_FALSE(j["chords"].empty());
  int prev_off = 0;
  for (const Json& c : j["chords"]) {
    EXPECT_GE(c["on"].get<int>(), prev_off);
    EXPECT_GT(c["off"].get<int>(), c["on"].get<int>());
    EXPECT_LE(c["off"].get<int>(), frames);
    EXPECT_FALSE(c["name"].get<std::string>().empty());
    EXPECT_FALSE(c["pitches"].empty());
    prev_off = c["off"];
  }
  EXPECT_GE(j["server_ms"].get<double>(), 0.0);

  Json again = Json::parse(post(long_melody_body(3, frames)).body);
  EXPECT_EQ(again["chord_tokens"], j["chord_tokens"]);  // same seed, same chords
}

TEST_F(Harmonize, FramesDefaultToTheLastNoteOff) {
  HttpResult r = post(R"({"melody":[[0,4,60],[4,8,64],[8,30,67]]})");
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = Json::parse(r.body);
  EXPECT_EQ(j["frames"], 30);
  EXPECT_EQ(j["chord_tokens"].size(), 30u);
}

TEST_F(Harmonize, BadInputIsAClearErrorAndChangesNothing) {
  struct Case {
    std::string body;
    int status;
    std::string error_prefix;
  };
  const Case cases[] = {
      {"{not json", 400, "body: malformed JSON"},
      {"[]", 400, "body: expected a JSON object"},
      {R"({"model":"offline"})", 400, "melody: missing"},
      {R"({"melody":[]})", 400, "melody: no notes"},
      {R"({"melody":[[0,null,60]]})", 400, "melody[0][1]: off is required"},
      {R"({"melody":[[0,4,200]]})", 400, "melody[0][2]"},
      {R"({"melody":[[4,8,60],[0,4,62]]})", 400, "melody[1][0]: notes must be sorted"},
      {R"({"melody":[[0,40,60]],"frames":20})", 400, "melody[0][1]"},
      {R"({"melody":[[0,4,60]],"frames":100000})", 400, "frames"},
      {R"({"melody":[[0,4,60]],"colour":3})", 400, "colour"},
      {R"({"melody":[[0,4,60]],"chord_rate":"busy"})", 400, "chord_rate"},
      {R"({"model":"nope","melody":[[0,4,60]]})", 404, "model: unknown model 'nope'"},
      {R"({"model":"online","melody":[[0,4,60]]})", 400, "model: 'online' is not an offline model"},
  };
  for (const Case& c : cases) {
    HttpResult r = post(c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    EXPECT_EQ(error_of(r).rfind(c.error_prefix, 0), 0u) << c.body << " -> " << r.body;
  }
  EXPECT_EQ(http_request(server_->port(), "GET", "/v1/harmonize").status, 405);
  EXPECT_EQ(post(std::string(2u << 20, ' ')).status, 413);
  EXPECT_EQ(post(R"({"melody":[[0,4,60]]})").status, 200);  // still serving
}

TEST_F(Harmonize, ControlsChangeTheChords) {
  const std::string body = long_melody_body(5, 200);
  Json base = Json::parse(body);
  Json busy = base, sparse = base;
  busy["chord_rate"] = 1.0;
  sparse["chord_rate"] = -1.0;
  auto count = [](const HttpResult& r) { return Json::parse(r.body)["chords"].size(); };
  HttpResult b = post(busy.dump()), s = post(sparse.dump());
  ASSERT_EQ(b.status, 200) << b.body;
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_GT(count(b), count(s));
}

}  // namespace
