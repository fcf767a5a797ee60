// protocol.h — protocol v1 between a jam client and a planner: the `POST /v1/plan` body and the
// WebSocket `/v1/jam` text messages (docs/protocol.md is the normative description).
//
// Server side:
//   jam::Result<jam::PlanRequest> r = jam::parse_plan_request(body);
//   if (!r) reply(400, jam::error_json(r.error()));
//   else    reply(200, jam::plan_response_json(plan(*r)));
// Client side (browser, jamtool):
//   std::string body = jam::plan_request_json(request);
//   jam::Result<jam::PlanResponse> resp = jam::parse_plan_response(text);
//
// Every parser takes untrusted bytes and never throws: nlohmann_json exceptions are caught here
// and turned into a Result error of the form "<where>: <what>", e.g.
// "melody[3][2]: pitch 200 outside 0..127". Parsers check types, ranges and the limits in
// `ProtocolLimits`; whether a model id exists is the caller's business (the server answers 404).
// Pure functions on values; thread-safe. Portable (native and wasm).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jam/result.h"
#include "jam/song.h"

namespace jam {

inline constexpr int kProtocolVersion = 1;

// Limits a parser enforces. Defaults are the documented protocol v1 limits.
struct ProtocolLimits {
  Frame max_frame = 100000;            // request.frame <= max_frame
  int min_lookahead = 1;               // lookahead_frames in [min_lookahead, max_lookahead]
  int max_lookahead = 32;
  int max_silence_frames = 100000;     // silence_frames in [0, max_silence_frames]
  double max_temperature = 10.0;       // temperature in [0, max_temperature]
  size_t max_melody_notes = 20000;
  size_t max_model_id = 64;            // bytes; [A-Za-z0-9._-]+
  size_t max_session_id = 128;         // bytes; printable ASCII
  int max_chord_token = 65535;         // chord_tokens values in [0, max_chord_token]
  int max_json_depth = 8;              // deeper nesting is rejected before parsing
  Frame max_harmonize_frames = 8192;   // POST /v1/harmonize: frames <= this (512 bars of 4/4)
};

// One melody note as the client knows it: `off` is empty while the key is still held.
struct PlanNote {
  Frame on = 0;
  std::optional<Frame> off;   // exclusive; empty = still held
  int pitch = 60;             // MIDI 0..127
  bool operator==(const PlanNote&) const = default;
};

struct PlanRequest {
  std::string model;                  // a model id from GET /v1/models, e.g. "online"
  Frame frame = 0;                    // first frame the agent may (re)plan
  int lookahead_frames = 16;          // plan frames [frame, frame + lookahead_frames)
  int commit_frames = 16;             // frames [frame, frame + commit_frames) become final
  int silence_frames = 32;            // melody silent this long -> the agent rests
  double temperature = 1.0;
  std::optional<uint64_t> seed;       // absent = server's choice
  std::vector<PlanNote> melody;       // every note so far, sorted by onset
  std::vector<int> chord_tokens;      // echoed from the previous response (empty at first)
  std::optional<std::string> session; // opaque client id; lets a server keep per-session state
  std::optional<double> chord_rate;   // [-1, 1] sparser <-> busier chords (sampler_controls.h)
  std::optional<double> colour;       // [0, 1] triads only <-> extended chords; absent = neutral
  bool operator==(const PlanRequest&) const = default;
};

// One chord of the plan, in frames; `pitches` are the MIDI notes to sound.
struct PlanChord {
  Frame on = 0;
  Frame off = 0;              // exclusive
  std::string name;           // e.g. "Am7"
  std::vector<int> pitches;   // MIDI 0..127
  bool committed = false;     // true when on < frame + commit_frames (will not be replanned)
  bool operator==(const PlanChord&) const = default;
};

struct PlanResponse {
  Frame frame = 0;                    // request.frame
  std::vector<int> chord_tokens;      // frames 0 .. frame + lookahead_frames - 1
  std::vector<PlanChord> chords;      // chords overlapping [frame, frame + lookahead_frames)
  double server_ms = 0.0;             // time the server spent on the request
  bool operator==(const PlanResponse&) const = default;
};

// Parses and fully validates a request body (see docs/protocol.md for every rule).
Result<PlanRequest> parse_plan_request(std::string_view json, const ProtocolLimits& limits = {});

// Validates an already-built request (what parse_plan_request checks after decoding types).
// Returns nullopt when valid, else "<where>: <what>".
std::optional<std::string> validate_plan_request(const PlanRequest& request,
                                                 const ProtocolLimits& limits = {});

// Canonical JSON text of a request (what a client sends).
std::string plan_request_json(const PlanRequest& request);

// Canonical JSON text of a response; server_ms is rounded to 0.01 ms.
std::string plan_response_json(const PlanResponse& response);

// Parses a response (what a client receives). An `{"error": ...}` object is returned as an error
// whose message is the server's message.
Result<PlanResponse> parse_plan_response(std::string_view json);

// POST /v1/harmonize: chords for a whole melody from an offline model (harmonizer.h).
struct HarmonizeRequest {
  std::string model = "offline";      // an offline model id
  std::vector<PlanNote> melody;       // sorted by onset; `off` required (no held notes)
  std::optional<Frame> frames;        // total length; absent = the last note's off
  double temperature = 1.0;
  uint64_t seed = 0;
  std::optional<double> chord_rate;   // as in PlanRequest
  std::optional<double> colour;
  bool operator==(const HarmonizeRequest&) const = default;
};

// One chord of a harmonization (frames; `off` exclusive).
struct HarmonizedChord {
  Frame on = 0;
  Frame off = 0;
  std::string name;
  std::vector<int> pitches;
  bool operator==(const HarmonizedChord&) const = default;
};

struct HarmonizeResponse {
  Frame frames = 0;                   // the length harmonized
  std::vector<int> chord_tokens;      // one per frame [0, frames)
  std::vector<HarmonizedChord> chords;
  double server_ms = 0.0;
  bool operator==(const HarmonizeResponse&) const = default;
};

// Parses and validates a harmonize body: the model id, 1..max_melody_notes notes with
// 0 <= on < off <= frames, pitches 0..127, frames in 1..max_harmonize_frames, temperature,
// seed, chord_rate and colour ranges. Errors read "<where>: <what>" like parse_plan_request.
Result<HarmonizeRequest> parse_harmonize_request(std::string_view json,
                                                 const ProtocolLimits& limits = {});
// The length a valid request harmonizes: `frames`, else the last note off.
Frame harmonize_frames(const HarmonizeRequest& request);
std::string harmonize_request_json(const HarmonizeRequest& request);
std::string harmonize_response_json(const HarmonizeResponse& response);
Result<HarmonizeResponse> parse_harmonize_response(std::string_view json);

// `{"error": message}`, plus `"status": status` when status is nonzero and `"retry_after_s"`
// when retry_after_s is positive (WebSocket messages carry the HTTP-equivalent status and
// Retry-After inline since they have no status line).
std::string error_json(std::string_view message, int status = 0, int retry_after_s = 0);

// True when `id` is a valid model id: 1..limits.max_model_id bytes of [A-Za-z0-9._-], not "."
// or "..". Model directories with other names are never offered.
bool is_valid_model_id(std::string_view id, const ProtocolLimits& limits = {});

// The request's melody as song notes: held notes (off empty) are closed at `held_until`
// (at least on + 1). Notes keep their order.
std::vector<Note> plan_melody_notes(const PlanRequest& request, Frame held_until);

}  // namespace jam
