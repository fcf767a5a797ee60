// protocol.cpp — protocol v1 JSON parse / validate / serialize (see protocol.h, docs/protocol.md).
#include "jam/protocol.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace jam {
namespace {

using Json = nlohmann::json;

constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;  // largest integer JS keeps exactly

// Thrown only inside this file and caught by the parsers below (the JSON boundary).
struct FieldError {
  std::string message;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw FieldError{where + ": " + what};
}

std::string type_name(const Json& v) {
  if (v.is_number_float()) return "a non-integer number";
  if (v.is_number()) return "an integer";
  if (v.is_object() || v.is_array()) return std::string("an ") + v.type_name();
  return std::string("a ") + v.type_name();
}

// Nesting depth of arrays/objects, counted without parsing, so hostile input cannot make the
// parser (or the value's destructor) recurse deeply. Returns a depth > limit early.
int json_depth(std::string_view text, int limit) {
  int depth = 0;
  int max_depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) max_depth = depth;
      if (max_depth > limit) return max_depth;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max_depth;
}

const Json& require(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) fail(key, "missing");
  return *it;
}

int64_t get_integer(const Json& v, const std::string& where, int64_t lo, int64_t hi) {
  if (!v.is_number_integer()) fail(where, "expected an integer, got " + type_name(v));
  int64_t x = 0;
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) fail(where, "integer out of range");
    x = static_cast<int64_t>(u);
  } else {
    x = v.get<int64_t>();
  }
  if (x < lo || x > hi) {
    fail(where, std::to_string(x) + " outside " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return x;
}

double get_number(const Json& v, const std::string& where, double lo, double hi) {
  if (!v.is_number()) fail(where, "expected a number, got " + type_name(v));
  double x = v.get<double>();
  if (!std::isfinite(x) || x < lo || x > hi) {
    fail(where, "outside " + Json(lo).dump() + ".." + Json(hi).dump());
  }
  return x;
}

const std::string& get_string(const Json& v, const std::string& where) {
  if (!v.is_string()) fail(where, "expected a string, got " + type_name(v));
  return v.get_ref<const std::string&>();
}

bool is_model_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

void check_model_id(const std::string& id, const ProtocolLimits& limits) {
  if (id.empty() || id.size() > limits.max_model_id) {
    fail("model", "length must be 1.." + std::to_string(limits.max_model_id));
  }
  for (char c : id) {
    if (!is_model_char(c)) fail("model", "only A-Z a-z 0-9 . _ - allowed");
  }
  if (id == "." || id == "..") fail("model", "invalid id");
}

void check_session_id(const std::string& s, const ProtocolLimits& limits) {
  if (s.empty() || s.size() > limits.max_session_id) {
    fail("session", "length must be 1.." + std::to_string(limits.max_session_id));
  }
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) fail("session", "only printable ASCII allowed");
  }
}

// A response's "chord_tokens" array.
std::vector<int> decode_response_tokens(const Json& j) {
  const Json& tokens = require(j, "chord_tokens");
  if (!tokens.is_array()) fail("chord_tokens", "expected an array");
  std::vector<int> out;
  out.reserve(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    out.push_back(static_cast<int>(
        get_integer(tokens[i], "chord_tokens[" + std::to_string(i) + "]", 0, INT32_MAX)));
  }
  return out;
}

// The on / off / name / pitches of a response chord (PlanChord or HarmonizedChord).
template <class Chord>
void decode_chord(const Json& c, const std::string& at, Chord& chord) {
  if (!c.is_object()) fail(at, "expected an object");
  chord.on = static_cast<Frame>(get_integer(require(c, "on"), at + ".on", 0, INT32_MAX));
  chord.off = static_cast<Frame>(get_integer(require(c, "off"), at + ".off", 0, INT32_MAX));
  chord.name = get_string(require(c, "name"), at + ".name");
  const Json& pitches = require(c, "pitches");
  if (!pitches.is_array()) fail(at + ".pitches", "expected an array");
  for (size_t k = 0; k < pitches.size(); ++k) {
    chord.pitches.push_back(static_cast<int>(
        get_integer(pitches[k], at + ".pitches[" + std::to_string(k) + "]", 0, 127)));
  }
}

// The optional chord controls (sampler_controls.h); throws FieldError.
void check_controls(const std::optional<double>& chord_rate, const std::optional<double>& colour) {
  if (chord_rate && (!std::isfinite(*chord_rate) || *chord_rate < -1.0 || *chord_rate > 1.0)) {
    fail("chord_rate", "outside -1..1");
  }
  if (colour && (!std::isfinite(*colour) || *colour < 0.0 || *colour > 1.0)) {
    fail("colour", "outside 0..1");
  }
}

void decode_controls(const Json& j, std::optional<double>& chord_rate, std::optional<double>& colour) {
  if (auto it = j.find("chord_rate"); it != j.end() && !it->is_null()) {
    chord_rate = get_number(*it, "chord_rate", -1.0, 1.0);
  }
  if (auto it = j.find("colour"); it != j.end() && !it->is_null()) {
    colour = get_number(*it, "colour", 0.0, 1.0);
  }
}

void encode_controls(Json& j, const std::optional<double>& chord_rate,
                     const std::optional<double>& colour) {
  if (chord_rate) j["chord_rate"] = *chord_rate;
  if (colour) j["colour"] = *colour;
}

// Range checks shared by parse_plan_request and validate_plan_request; throws FieldError.
void check_request(const PlanRequest& r, const ProtocolLimits& limits) {
  check_model_id(r.model, limits);
  auto range = [](const char* where, int64_t x, int64_t lo, int64_t hi) {
    if (x < lo || x > hi) {
      fail(where, std::to_string(x) + " outside " + std::to_string(lo) + ".." + std::to_string(hi));
    }
  };
  range("frame", r.frame, 0, limits.max_frame);
  range("lookahead_frames", r.lookahead_frames, limits.min_lookahead, limits.max_lookahead);
  if (r.commit_frames > r.lookahead_frames) {
    fail("commit_frames", std::to_string(r.commit_frames) + " greater than lookahead_frames " +
                              std::to_string(r.lookahead_frames));
  }
  range("commit_frames", r.commit_frames, 0, r.lookahead_frames);
  range("silence_frames", r.silence_frames, 0, limits.max_silence_frames);
  if (!std::isfinite(r.temperature) || r.temperature < 0 || r.temperature > limits.max_temperature) {
    fail("temperature", "outside 0.." + Json(limits.max_temperature).dump());
  }
  if (r.seed && *r.seed > static_cast<uint64_t>(kMaxSafeInteger)) {
    fail("seed", "outside 0.." + std::to_string(kMaxSafeInteger));
  }
  if (r.session) check_session_id(*r.session, limits);
  check_controls(r.chord_rate, r.colour);
  if (r.melody.size() > limits.max_melody_notes) {
    fail("melody", std::to_string(r.melody.size()) + " notes, more than the limit " +
                       std::to_string(limits.max_melody_notes));
  }
  Frame prev_on = 0;
  for (size_t i = 0; i < r.melody.size(); ++i) {
    const PlanNote& n = r.melody[i];
    const std::string at = "melody[" + std::to_string(i) + "]";
    range((at + "[0]").c_str(), n.on, 0, r.frame);
    if (n.off) {
      if (*n.off <= n.on) {
        fail(at + "[1]", "off " + std::to_string(*n.off) + " not after on " + std::to_string(n.on));
      }
      range((at + "[1]").c_str(), *n.off, n.on + 1, r.frame);
    }
    range((at + "[2]").c_str(), n.pitch, 0, 127);
    if (n.on < prev_on) {
      fail(at + "[0]", "notes must be sorted by onset (" + std::to_string(n.on) + " after " +
                           std::to_string(prev_on) + ")");
    }
    prev_on = n.on;
  }
  const size_t max_tokens = static_cast<size_t>(r.frame) + static_cast<size_t>(limits.max_lookahead);
  if (r.chord_tokens.size() > max_tokens) {
    fail("chord_tokens", std::to_string(r.chord_tokens.size()) +
                             " tokens, more than frame + " + std::to_string(limits.max_lookahead));
  }
  for (size_t i = 0; i < r.chord_tokens.size(); ++i) {
    const std::string at = "chord_tokens[" + std::to_string(i) + "]";
    range(at.c_str(), r.chord_tokens[i], 0, limits.max_chord_token);
  }
}

PlanRequest decode_request(const Json& j, const ProtocolLimits& limits) {
  if (!j.is_object()) fail("body", "expected a JSON object, got " + type_name(j));
  PlanRequest r;
  r.model = get_string(require(j, "model"), "model");
  check_model_id(r.model, limits);
  r.frame = static_cast<Frame>(get_integer(require(j, "frame"), "frame", 0, limits.max_frame));
  r.lookahead_frames = static_cast<int>(get_integer(require(j, "lookahead_frames"),
                                                    "lookahead_frames", limits.min_lookahead,
                                                    limits.max_lookahead));
  r.commit_frames =
      static_cast<int>(get_integer(require(j, "commit_frames"), "commit_frames", INT32_MIN, INT32_MAX));
  r.silence_frames = static_cast<int>(
      get_integer(require(j, "silence_frames"), "silence_frames", 0, limits.max_silence_frames));
  r.temperature = get_number(require(j, "temperature"), "temperature", 0.0, limits.max_temperature);
  if (auto it = j.find("seed"); it != j.end() && !it->is_null()) {
    r.seed = static_cast<uint64_t>(get_integer(*it, "seed", 0, kMaxSafeInteger));
  }
  if (auto it = j.find("session"); it != j.end() && !it->is_null()) {
    r.session = get_string(*it, "session");
  }
  decode_controls(j, r.chord_rate, r.colour);

  const Json& melody = require(j, "melody");
  if (!melody.is_array()) fail("melody", "expected an array, got " + type_name(melody));
  if (melody.size() > limits.max_melody_notes) {
    fail("melody", std::to_string(melody.size()) + " notes, more than the limit " +
                       std::to_string(limits.max_melody_notes));
  }
  r.melody.reserve(melody.size());
  for (size_t i = 0; i < melody.size(); ++i) {
    const Json& n = melody[i];
    const std::string at = "melody[" + std::to_string(i) + "]";
    if (!n.is_array() || n.size() != 3) fail(at, "expected [on, off|null, pitch]");
    PlanNote note;
    note.on = static_cast<Frame>(get_integer(n[0], at + "[0]", 0, limits.max_frame));
    if (!n[1].is_null()) {
      note.off = static_cast<Frame>(get_integer(n[1], at + "[1]", 0, limits.max_frame));
    }
    note.pitch = static_cast<int>(get_integer(n[2], at + "[2]", 0, 127));
    r.melody.push_back(note);
  }

  const Json& tokens = require(j, "chord_tokens");
  if (!tokens.is_array()) fail("chord_tokens", "expected an array, got " + type_name(tokens));
  r.chord_tokens.reserve(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    r.chord_tokens.push_back(static_cast<int>(get_integer(
        tokens[i], "chord_tokens[" + std::to_string(i) + "]", 0, limits.max_chord_token)));
  }
  check_request(r, limits);
  return r;
}

Json parse_json(std::string_view text, int max_depth) {
  if (json_depth(text, max_depth) > max_depth) {
    fail("body", "JSON nested deeper than " + std::to_string(max_depth) + " levels");
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    fail("body", std::string("malformed JSON (") + e.what() + ")");
  }
}

std::string dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

Result<PlanRequest> parse_plan_request(std::string_view json, const ProtocolLimits& limits) {
  try {
    return decode_request(parse_json(json, limits.max_json_depth), limits);
  } catch (const FieldError& e) {
    return Result<PlanRequest>::fail(e.message);
  } catch (const std::exception& e) {  // nlohmann type errors and allocation failures
    return Result<PlanRequest>::fail(std::string("body: ") + e.what());
  }
}

std::optional<std::string> validate_plan_request(const PlanRequest& request,
                                                 const ProtocolLimits& limits) {
  try {
    check_request(request, limits);
  } catch (const FieldError& e) {
    return e.message;
  }
  return std::nullopt;
}

std::string plan_request_json(const PlanRequest& r) {
  Json melody = Json::array();
  for (const PlanNote& n : r.melody) {
    melody.push_back(Json::array({n.on, n.off ? Json(*n.off) : Json(nullptr), n.pitch}));
  }
  Json j = {{"model", r.model},
            {"frame", r.frame},
            {"lookahead_frames", r.lookahead_frames},
            {"commit_frames", r.commit_frames},
            {"silence_frames", r.silence_frames},
            {"temperature", r.temperature},
            {"melody", std::move(melody)},
            {"chord_tokens", r.chord_tokens}};
  if (r.seed) j["seed"] = *r.seed;
  if (r.session) j["session"] = *r.session;
  encode_controls(j, r.chord_rate, r.colour);
  return dump(j);
}

std::string plan_response_json(const PlanResponse& r) {
  Json chords = Json::array();
  for (const PlanChord& c : r.chords) {
    chords.push_back({{"on", c.on},
                      {"off", c.off},
                      {"name", c.name},
                      {"pitches", c.pitches},
                      {"committed", c.committed}});
  }
  Json j = {{"frame", r.frame},
            {"chord_tokens", r.chord_tokens},
            {"chords", std::move(chords)},
            {"server_ms", std::round(r.server_ms * 100.0) / 100.0}};
  return dump(j);
}

Result<PlanResponse> parse_plan_response(std::string_view text) {
  try {
    Json j = parse_json(text, 8);
    if (!j.is_object()) fail("body", "expected a JSON object, got " + type_name(j));
    if (auto it = j.find("error"); it != j.end()) {
      return Result<PlanResponse>::fail(it->is_string() ? it->get<std::string>() : dump(*it));
    }
    PlanResponse r;
    r.frame = static_cast<Frame>(get_integer(require(j, "frame"), "frame", 0, INT32_MAX));
    r.chord_tokens = decode_response_tokens(j);
    const Json& chords = require(j, "chords");
    if (!chords.is_array()) fail("chords", "expected an array");
    for (size_t i = 0; i < chords.size(); ++i) {
      const std::string at = "chords[" + std::to_string(i) + "]";
      const Json& c = chords[i];
      PlanChord chord;
      decode_chord(c, at, chord);
      const Json& committed = require(c, "committed");
      if (!committed.is_boolean()) fail(at + ".committed", "expected a boolean");
      chord.committed = committed.get<bool>();
      r.chords.push_back(std::move(chord));
    }
    r.server_ms = get_number(require(j, "server_ms"), "server_ms", 0.0, 1e12);
    return r;
  } catch (const FieldError& e) {
    return Result<PlanResponse>::fail(e.message);
  } catch (const std::exception& e) {
    return Result<PlanResponse>::fail(std::string("body: ") + e.what());
  }
}

namespace {

HarmonizeRequest decode_harmonize(const Json& j, const ProtocolLimits& limits) {
  if (!j.is_object()) fail("body", "expected a JSON object, got " + type_name(j));
  HarmonizeRequest r;
  if (auto it = j.find("model"); it != j.end() && !it->is_null()) r.model = get_string(*it, "model");
  check_model_id(r.model, limits);
  if (auto it = j.find("frames"); it != j.end() && !it->is_null()) {
    r.frames = static_cast<Frame>(get_integer(*it, "frames", 1, limits.max_harmonize_frames));
  }
  if (auto it = j.find("temperature"); it != j.end() && !it->is_null()) {
    r.temperature = get_number(*it, "temperature", 0.0, limits.max_temperature);
  }
  if (auto it = j.find("seed"); it != j.end() && !it->is_null()) {
    r.seed = static_cast<uint64_t>(get_integer(*it, "seed", 0, kMaxSafeInteger));
  }
  decode_controls(j, r.chord_rate, r.colour);

  const Json& melody = require(j, "melody");
  if (!melody.is_array()) fail("melody", "expected an array, got " + type_name(melody));
  if (melody.empty()) fail("melody", "no notes to harmonize");
  if (melody.size() > limits.max_melody_notes) {
    fail("melody", std::to_string(melody.size()) + " notes, more than the limit " +
                       std::to_string(limits.max_melody_notes));
  }
  const Frame max_off = r.frames.value_or(limits.max_harmonize_frames);
  Frame prev_on = 0;
  r.melody.reserve(melody.size());
  for (size_t i = 0; i < melody.size(); ++i) {
    const Json& n = melody[i];
    const std::string at = "melody[" + std::to_string(i) + "]";
    if (!n.is_array() || n.size() != 3) fail(at, "expected [on, off, pitch]");
    PlanNote note;
    note.on = static_cast<Frame>(get_integer(n[0], at + "[0]", 0, max_off - 1));
    if (n[1].is_null()) fail(at + "[1]", "off is required (no held notes in a whole melody)");
    note.off = static_cast<Frame>(get_integer(n[1], at + "[1]", note.on + 1, max_off));
    note.pitch = static_cast<int>(get_integer(n[2], at + "[2]", 0, 127));
    if (note.on < prev_on) {
      fail(at + "[0]", "notes must be sorted by onset (" + std::to_string(note.on) + " after " +
                           std::to_string(prev_on) + ")");
    }
    prev_on = note.on;
    r.melody.push_back(note);
  }
  return r;
}

}  // namespace

Result<HarmonizeRequest> parse_harmonize_request(std::string_view json,
                                                 const ProtocolLimits& limits) {
  try {
    return decode_harmonize(parse_json(json, limits.max_json_depth), limits);
  } catch (const FieldError& e) {
    return Result<HarmonizeRequest>::fail(e.message);
  } catch (const std::exception& e) {
    return Result<HarmonizeRequest>::fail(std::string("body: ") + e.what());
  }
}

Frame harmonize_frames(const HarmonizeRequest& request) {
  if (request.frames) return *request.frames;
  Frame end = 0;
  for (const PlanNote& n : request.melody) end = std::max(end, n.off.value_or(n.on + 1));
  return end;
}

std::string harmonize_request_json(const HarmonizeRequest& r) {
  Json melody = Json::array();
  for (const PlanNote& n : r.melody) {
    melody.push_back(Json::array({n.on, n.off ? Json(*n.off) : Json(nullptr), n.pitch}));
  }
  Json j = {{"model", r.model},
            {"melody", std::move(melody)},
            {"temperature", r.temperature},
            {"seed", r.seed}};
  if (r.frames) j["frames"] = *r.frames;
  encode_controls(j, r.chord_rate, r.colour);
  return dump(j);
}

std::string harmonize_response_json(const HarmonizeResponse& r) {
  Json chords = Json::array();
  for (const HarmonizedChord& c : r.chords) {
    chords.push_back({{"on", c.on}, {"off", c.off}, {"name", c.name}, {"pitches", c.pitches}});
  }
  Json j = {{"frames", r.frames},
            {"chord_tokens", r.chord_tokens},
            {"chords", std::move(chords)},
            {"server_ms", std::round(r.server_ms * 100.0) / 100.0}};
  return dump(j);
}

Result<HarmonizeResponse> parse_harmonize_response(std::string_view text) {
  try {
    Json j = parse_json(text, 8);
    if (!j.is_object()) fail("body", "expected a JSON object, got " + type_name(j));
    if (auto it = j.find("error"); it != j.end()) {
      return Result<HarmonizeResponse>::fail(it->is_string() ? it->get<std::string>() : dump(*it));
    }
    HarmonizeResponse r;
    r.frames = static_cast<Frame>(get_integer(require(j, "frames"), "frames", 0, INT32_MAX));
    r.chord_tokens = decode_response_tokens(j);
    const Json& chords = require(j, "chords");
    if (!chords.is_array()) fail("chords", "expected an array");
    for (size_t i = 0; i < chords.size(); ++i) {
      HarmonizedChord chord;
      decode_chord(chords[i], "chords[" + std::to_string(i) + "]", chord);
      r.chords.push_back(std::move(chord));
    }
    r.server_ms = get_number(require(j, "server_ms"), "server_ms", 0.0, 1e12);
    return r;
  } catch (const FieldError& e) {
    return Result<HarmonizeResponse>::fail(e.message);
  } catch (const std::exception& e) {
    return Result<HarmonizeResponse>::fail(std::string("body: ") + e.what());
  }
}

std::string error_json(std::string_view message, int status, int retry_after_s) {
  Json j = {{"error", std::string(message)}};
  if (status != 0) j["status"] = status;
  if (retry_after_s > 0) j["retry_after_s"] = retry_after_s;
  return dump(j);
}

bool is_valid_model_id(std::string_view id, const ProtocolLimits& limits) {
  try {
    check_model_id(std::string(id), limits);
  } catch (const FieldError&) {
    return false;
  }
  return true;
}

std::vector<Note> plan_melody_notes(const PlanRequest& request, Frame held_until) {
  std::vector<Note> notes;
  notes.reserve(request.melody.size());
  for (const PlanNote& n : request.melody) {
    Frame off = n.off ? *n.off : std::max(held_until, n.on + 1);
    notes.push_back(Note{n.on, off, n.pitch, 100});
  }
  return notes;
}

}  // namespace jam
