// fuzz_session.cpp — libFuzzer target for the session JSON reader (core/include/jam/session_json.h).
// Input: any bytes, read as a session file.
// Properties: parse_session_json never crashes or throws; a session it accepts converts to a Song
// and is written by session_to_json as text that parses again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "jam/session_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  jam::Result<jam::Session> session = jam::parse_session_json(text);
  if (!session) return 0;

  const jam::Song song = jam::session_to_song(*session);
  (void)jam::session_from_song(song, session->settings);
  const std::string json = jam::session_to_json(*session);
  jam::Result<jam::Session> again = jam::parse_session_json(json);
  JAM_FUZZ_CHECK(again.ok(), again.error().c_str());
  return 0;
}
