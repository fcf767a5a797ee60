// harmonize_client.h — "harmonize a whole melody" from the browser: the server's Offline model
// through POST /v1/harmonize (docs/protocol.md).
//
//   client.harmonize(melody_song, {.temperature = 1.0, .seed = 7}, [](jam::Result<jam::Song> r) {
//     if (r) play(*r);   // the melody with the generated chords (tempo, metre, id kept)
//   });
//
// The model is the first `"arch": "offline"` entry of GET /v1/models (asked once, then
// remembered). The reply's chords (frames, name, voicing) become corpus chords through
// chord_from_pitches, so the MIDI download sounds the same pitches. One request at a time:
// harmonize() while busy() fails at once. Main thread only; the client lives as long as the App.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "jam/result.h"
#include "jam/song.h"

namespace jam {

struct HarmonizeOptions {
  double temperature = 1.0;
  uint64_t seed = 0;
  double chord_rate = 0.0;
  double colour = 0.5;
};

class HarmonizeClient {
 public:
  using Done = std::function<void(Result<Song>)>;
  void harmonize(const Song& melody, const HarmonizeOptions& options, Done done);
  bool busy() const { return static_cast<bool>(done_); }
  double last_server_ms() const { return server_ms_; }
  const std::string& model() const { return model_; }

  void on_models(int http_status, const char* body);   // from JS
  void on_reply(int http_status, const char* body);    // from JS

 private:
  void post();
  void finish(Result<Song> r);

  Song melody_;
  HarmonizeOptions options_;
  Done done_;
  std::string model_;   // offline model id ("" until known)
  double server_ms_ = 0;
};

}  // namespace jam
