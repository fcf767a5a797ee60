// Protocol v1: request parsing/validation (every documented rule), serialization round trips,
// and hostile inputs that must produce an error value, never a crash.
#include "jam/protocol.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace {

const char* kValid =
    R"({"model":"online","frame":72,"lookahead_frames":16,"commit_frames":16,"silence_frames":32,)"
    R"("temperature":1.0,"seed":7,"melody":[[0,4,60],[4,8,62],[70,null,64]],"chord_tokens":[],)"
    R"("session":"abc-1"})";

// Replaces the value of `key` in kValid with `value` (raw JSON), or removes the key when value
// is empty.
std::string with(const std::string& key, const std::string& value) {
  std::string s = kValid;
  const std::string needle = "\"" + key + "\":";
  size_t at = s.find(needle);
  EXPECT_NE(at, std::string::npos) << key;
  size_t start = at + needle.size();
  size_t end = start;
  int depth = 0;
  for (; end < s.size(); ++end) {
    char c = s[end];
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') {
      if (depth == 0) break;
      --depth;
    }
    if (c == ',' && depth == 0) break;
  }
  if (value.empty()) {
    size_t cut_end = (end < s.size() && s[end] == ',') ? end + 1 : end;
    size_t cut_start = at;
    if (cut_end == end && cut_start > 0 && s[cut_start - 1] == ',') --cut_start;
    return s.substr(0, cut_start) + s.substr(cut_end);
  }
  return s.substr(0, start) + value + s.substr(end);
}

std::string error_of(const std::string& body) {
  auto r = jam::parse_plan_request(body);
  EXPECT_FALSE(r.ok()) << body;
  return r.error();
}

TEST(Protocol, ParsesTheSpecExample) {
  auto r = jam::parse_plan_request(kValid);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->model, "online");
  EXPECT_EQ(r->frame, 72);
  EXPECT_EQ(r->lookahead_frames, 16);
  EXPECT_EQ(r->commit_frames, 16);
  EXPECT_EQ(r->silence_frames, 32);
  EXPECT_DOUBLE_EQ(r->temperature, 1.0);
  ASSERT_TRUE(r->seed.has_value());
  EXPECT_EQ(*r->seed, 7u);
  ASSERT_EQ(r->melody.size(), 3u);
  EXPECT_EQ(r->melody[1], (jam::PlanNote{4, 8, 62}));
  EXPECT_FALSE(r->melody[2].off.has_value());
  EXPECT_TRUE(r->chord_tokens.empty());
  EXPECT_EQ(r->session.value_or(""), "abc-1");
}

TEST(Protocol, OptionalFieldsMayBeAbsentOrNull) {
  auto r = jam::parse_plan_request(with("seed", ""));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_FALSE(r->seed.has_value());
  r = jam::parse_plan_request(with("session", "null"));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_FALSE(r->session.has_value());
  r = jam::parse_plan_request(with("temperature", "0"));  // integer for a number is fine
  ASSERT_TRUE(r.ok()) << r.error();
  r = jam::parse_plan_request(with("chord_tokens", "[3,3,300]"));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->chord_tokens, (std::vector<int>{3, 3, 300}));
  // Unknown fields are ignored (forward compatibility).
  r = jam::parse_plan_request(with("frame", "72,\"future_field\":{\"x\":1}"));
  ASSERT_TRUE(r.ok()) << r.error();
}

TEST(Protocol, MalformedJson) {
  EXPECT_NE(error_of("").find("body: malformed JSON"), std::string::npos);
  EXPECT_NE(error_of("{\"model\":").find("body: malformed JSON"), std::string::npos);
  EXPECT_NE(error_of("[1,2,3]").find("body: expected a JSON object"), std::string::npos);
  EXPECT_NE(error_of("\"x\"").find("body: expected a JSON object"), std::string::npos);
  EXPECT_NE(error_of("{\"a\":\"\xff\xfe\"}").find("body: malformed JSON"), std::string::npos);
  std::string deep(100000, '[');
  EXPECT_NE(error_of(deep).find("nested deeper"), std::string::npos);
  // Brackets inside strings do not count as nesting.
  EXPECT_TRUE(jam::parse_plan_request(with("session", "\"[[[[[[[[[[[[[[[[\"")).ok());
}

TEST(Protocol, MissingAndMistypedFields) {
  for (const char* key : {"model", "frame", "lookahead_frames", "commit_frames", "silence_frames",
                          "temperature", "melody", "chord_tokens"}) {
    EXPECT_EQ(error_of(with(key, "")), std::string(key) + ": missing");
  }
  EXPECT_EQ(error_of(with("model", "7")), "model: expected a string, got an integer");
  EXPECT_EQ(error_of(with("frame", "\"72\"")), "frame: expected an integer, got a string");
  EXPECT_EQ(error_of(with("frame", "72.5")), "frame: expected an integer, got a non-integer number");
  EXPECT_EQ(error_of(with("frame", "1e30")), "frame: expected an integer, got a non-integer number");
  EXPECT_EQ(error_of(with("frame", "99999999999999999999")),
            "frame: expected an integer, got a non-integer number");
  EXPECT_EQ(error_of(with("temperature", "\"hot\"")), "temperature: expected a number, got a string");
  EXPECT_EQ(error_of(with("seed", "-1")), "seed: -1 outside 0..9007199254740991");
  EXPECT_EQ(error_of(with("seed", "true")), "seed: expected an integer, got a boolean");
  EXPECT_EQ(error_of(with("melody", "{}")), "melody: expected an array, got an object");
  EXPECT_EQ(error_of(with("melody", "[[1,2]]")), "melody[0]: expected [on, off|null, pitch]");
  EXPECT_EQ(error_of(with("melody", "[5]")), "melody[0]: expected [on, off|null, pitch]");
  EXPECT_EQ(error_of(with("chord_tokens", "[1,\"x\"]")),
            "chord_tokens[1]: expected an integer, got a string");
  EXPECT_EQ(error_of(with("session", "5")), "session: expected a string, got an integer");
}

TEST(Protocol, Ranges) {
  EXPECT_EQ(error_of(with("frame", "-1")), "frame: -1 outside 0..100000");
  EXPECT_EQ(error_of(with("frame", "100001")), "frame: 100001 outside 0..100000");
  EXPECT_EQ(error_of(with("lookahead_frames", "0")), "lookahead_frames: 0 outside 1..32");
  EXPECT_EQ(error_of(with("lookahead_frames", "33")), "lookahead_frames: 33 outside 1..32");
  EXPECT_EQ(error_of(with("commit_frames", "17")),
            "commit_frames: 17 greater than lookahead_frames 16");
  EXPECT_EQ(error_of(with("commit_frames", "-1")), "commit_frames: -1 outside 0..16");
  EXPECT_EQ(error_of(with("silence_frames", "-5")), "silence_frames: -5 outside 0..100000");
  EXPECT_EQ(error_of(with("temperature", "-0.5")), "temperature: outside 0.0..10.0");
  EXPECT_EQ(error_of(with("temperature", "11")), "temperature: outside 0.0..10.0");
  EXPECT_EQ(error_of(with("model", "\"\"")), "model: length must be 1..64");
  EXPECT_EQ(error_of(with("model", "\"../etc\"")), "model: only A-Z a-z 0-9 . _ - allowed");
  EXPECT_EQ(error_of(with("model", "\"..\"")), "model: invalid id");
  EXPECT_EQ(error_of(with("session", "\"\"")), "session: length must be 1..128");
  EXPECT_EQ(error_of(with("session", "\"a\\u0000b\"")), "session: only printable ASCII allowed");
  EXPECT_EQ(error_of(with("chord_tokens", "[70000]")), "chord_tokens[0]: 70000 outside 0..65535");
  EXPECT_EQ(error_of(with("chord_tokens", "[-1]")), "chord_tokens[0]: -1 outside 0..65535");
}

TEST(Protocol, MelodyRules) {
  EXPECT_EQ(error_of(with("melody", "[[0,4,128]]")), "melody[0][2]: 128 outside 0..127");
  EXPECT_EQ(error_of(with("melody", "[[0,4,-1]]")), "melody[0][2]: -1 outside 0..127");
  EXPECT_EQ(error_of(with("melody", "[[-1,4,60]]")), "melody[0][0]: -1 outside 0..100000");
  EXPECT_EQ(error_of(with("melody", "[[0,4,60],[8,8,60]]")), "melody[1][1]: off 8 not after on 8");
  EXPECT_EQ(error_of(with("melody", "[[73,null,60]]")), "melody[0][0]: 73 outside 0..72");
  EXPECT_EQ(error_of(with("melody", "[[70,80,60]]")), "melody[0][1]: 80 outside 71..72");
  EXPECT_EQ(error_of(with("melody", "[[8,9,60],[4,5,60]]")),
            "melody[1][0]: notes must be sorted by onset (4 after 8)");
  EXPECT_EQ(error_of(with("melody", "[[0,4,60.5]]")),
            "melody[0][2]: expected an integer, got a non-integer number");
  EXPECT_TRUE(jam::parse_plan_request(with("melody", "[[72,null,60]]")).ok());
  EXPECT_TRUE(jam::parse_plan_request(with("melody", "[]")).ok());
}

TEST(Protocol, HistoryLimits) {
  std::string notes = "[";
  for (int i = 0; i < 20001; ++i) notes += (i ? ",[0,1,60]" : "[0,1,60]");
  notes += "]";
  EXPECT_EQ(error_of(with("melody", notes)), "melody: 20001 notes, more than the limit 20000");
  std::string tokens = "[";
  for (int i = 0; i < 72 + 33; ++i) tokens += (i ? ",3" : "3");
  tokens += "]";
  EXPECT_EQ(error_of(with("chord_tokens", tokens)),
            "chord_tokens: 105 tokens, more than frame + 32");
  jam::ProtocolLimits tight;
  tight.max_melody_notes = 2;
  EXPECT_FALSE(jam::parse_plan_request(kValid, tight).ok());
}

TEST(Protocol, RequestRoundTrip) {
  auto r = jam::parse_plan_request(kValid);
  ASSERT_TRUE(r.ok());
  std::string text = jam::plan_request_json(*r);
  auto again = jam::parse_plan_request(text);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(*again, *r);
  EXPECT_EQ(jam::validate_plan_request(*r), std::nullopt);
  jam::PlanRequest bad = *r;
  bad.melody[0].pitch = 200;
  EXPECT_EQ(jam::validate_plan_request(bad).value_or(""), "melody[0][2]: 200 outside 0..127");
}

TEST(Protocol, ResponseRoundTrip) {
  jam::PlanResponse resp;
  resp.frame = 72;
  resp.chord_tokens = std::vector<int>(88, 3);
  resp.chords.push_back({72, 80, "Am7", {45, 57, 60, 64, 67}, true});
  resp.chords.push_back({80, 88, "D7/F#", {42, 50, 54, 57, 60}, false});
  resp.server_ms = 3.14159;
  std::string text = jam::plan_response_json(resp);
  EXPECT_NE(text.find("\"server_ms\":3.14"), std::string::npos) << text;
  EXPECT_NE(text.find("\"name\":\"Am7\""), std::string::npos);
  auto back = jam::parse_plan_response(text);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->chords, resp.chords);
  EXPECT_EQ(back->chord_tokens, resp.chord_tokens);
  EXPECT_EQ(back->frame, 72);
  EXPECT_NEAR(back->server_ms, 3.14, 1e-9);
}

TEST(Protocol, ResponseErrorsAndHostileInput) {
  auto e = jam::parse_plan_response(jam::error_json("frame: -1 outside 0..100000", 400));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error(), "frame: -1 outside 0..100000");
  EXPECT_EQ(jam::error_json("x", 503), "{\"error\":\"x\",\"status\":503}");
  EXPECT_EQ(jam::error_json("x"), "{\"error\":\"x\"}");
  EXPECT_EQ(jam::error_json("busy", 503, 1), "{\"error\":\"busy\",\"retry_after_s\":1,\"status\":503}");
  EXPECT_FALSE(jam::parse_plan_response("{").ok());
  EXPECT_FALSE(jam::parse_plan_response("{\"frame\":1}").ok());
  EXPECT_EQ(jam::parse_plan_response(
                R"({"frame":1,"chord_tokens":[],"chords":[{"on":0,"off":1,"name":"C",)"
                R"("pitches":[300],"committed":true}],"server_ms":1})")
                .error(),
            "chords[0].pitches[0]: 300 outside 0..127");
  // Invalid UTF-8 inside an error message is replaced, not thrown.
  EXPECT_FALSE(jam::error_json("bad \xff byte").empty());
}

TEST(Protocol, ModelIds) {
  EXPECT_TRUE(jam::is_valid_model_id("online"));
  EXPECT_TRUE(jam::is_valid_model_id("S-v1.2_b"));
  EXPECT_FALSE(jam::is_valid_model_id(""));
  EXPECT_FALSE(jam::is_valid_model_id(".."));
  EXPECT_FALSE(jam::is_valid_model_id("a/b"));
  EXPECT_FALSE(jam::is_valid_model_id(std::string(65, 'a')));
}

TEST(Protocol, PlanMelodyNotesClosesHeldNotes) {
  auto r = jam::parse_plan_request(kValid);
  ASSERT_TRUE(r.ok());
  auto notes = jam::plan_melody_notes(*r, 72);
  ASSERT_EQ(notes.size(), 3u);
  EXPECT_EQ(notes[0].off, 4);
  EXPECT_EQ(notes[2].on, 70);
  EXPECT_EQ(notes[2].off, 72);
  EXPECT_EQ(jam::plan_melody_notes(*r, 0)[2].off, 71);
}

}  // namespace

// kValid with one more top-level field.
std::string add(const std::string& key, const std::string& value) {
  std::string s = kValid;
  return s.substr(0, s.rfind('}')) + ",\"" + key + "\":" + value + "}";
}

TEST(Protocol, ChordControlsAreOptionalAndRangeChecked) {
  auto plain = jam::parse_plan_request(kValid);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->chord_rate.has_value());
  EXPECT_FALSE(plain->colour.has_value());
  EXPECT_EQ(jam::plan_request_json(*plain).find("chord_rate"), std::string::npos);

  auto r = jam::parse_plan_request(add("chord_rate", "-0.5"));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->chord_rate, -0.5);
  r->colour = 1.0;
  auto back = jam::parse_plan_request(jam::plan_request_json(*r));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(*back, *r);

  EXPECT_EQ(error_of(add("chord_rate", "1.5")), "chord_rate: outside -1.0..1.0");
  EXPECT_EQ(error_of(add("colour", "-0.1")), "colour: outside 0.0..1.0");
  EXPECT_NE(error_of(add("colour", "\"warm\"")), "");
  jam::PlanRequest bad = *r;
  bad.colour = std::nan("");
  EXPECT_EQ(jam::validate_plan_request(bad).value_or(""), "colour: outside 0..1");
}

TEST(Protocol, HarmonizeRequestParsesValidatesAndRoundTrips) {
  auto r = jam::parse_harmonize_request(
      R"({"melody":[[0,4,60],[4,8,62],[8,20,64]],"temperature":0.5,"seed":9,"colour":0.2})");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->model, "offline");
  EXPECT_EQ(jam::harmonize_frames(*r), 20);
  EXPECT_EQ(r->seed, 9u);
  EXPECT_EQ(r->colour, 0.2);
  auto back = jam::parse_harmonize_request(jam::harmonize_request_json(*r));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(*back, *r);

  auto err = [](const char* body) {
    auto p = jam::parse_harmonize_request(body);
    return p.ok() ? std::string() : p.error();
  };
  EXPECT_EQ(err(R"({"melody":[]})"), "melody: no notes to harmonize");
  EXPECT_EQ(err(R"({"melody":[[0,null,60]]})"),
            "melody[0][1]: off is required (no held notes in a whole melody)");
  EXPECT_EQ(err(R"({"melody":[[0,9,60]],"frames":8})"), "melody[0][1]: 9 outside 1..8");
  EXPECT_EQ(err(R"({"melody":[[0,4,60]],"frames":0})"), "frames: 0 outside 1..8192");
  EXPECT_EQ(err(R"({"model":"../x","melody":[[0,4,60]]})").rfind("model", 0), 0u);
  EXPECT_NE(err("{"), "");
}

TEST(Protocol, HarmonizeResponseRoundTrip) {
  jam::HarmonizeResponse resp;
  resp.frames = 16;
  resp.chord_tokens = std::vector<int>(16, 3);
  resp.chords.push_back({0, 16, "C", {48, 60, 64, 67}});
  resp.server_ms = 12.345;
  auto back = jam::parse_harmonize_response(jam::harmonize_response_json(resp));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->chords, resp.chords);
  EXPECT_EQ(back->chord_tokens, resp.chord_tokens);
  EXPECT_NEAR(back->server_ms, 12.35, 1e-9);
  auto e = jam::parse_harmonize_response(R"({"error":"server busy"})");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error(), "server busy");
}
