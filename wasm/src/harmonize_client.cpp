#include "harmonize_client.h"

#include <emscripten/emscripten.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "jam/midi_file.h"
#include "jam/protocol.h"

// clang-format off
EM_JS(void, jam_js_harmonize_fetch, (void* self, int models, const char* body), {
  var deliver = function(status, text) {
    var n = lengthBytesUTF8(text) + 1, p = _malloc(n);
    stringToUTF8(text, p, n);
    if (models) Module['_jam_harmonize_models'](self, status, p);
    else Module['_jam_harmonize_reply'](self, status, p);
    _free(p);
  };
  var req = models ? fetch('/v1/models', { cache: 'no-store' })
                   : fetch('/v1/harmonize', { method: 'POST', cache: 'no-store',
                                              headers: { 'Content-Type': 'application/json' },
                                              body: UTF8ToString(body) });
  req.then(function(r) { return r.text().then(function(t) { deliver(r.status, t); }); })
     .catch(function(e) { deliver(0, String(e && e.message)); });
});
// clang-format on

extern "C" {
EMSCRIPTEN_KEEPALIVE void jam_harmonize_models(jam::HarmonizeClient* self, int status, const char* body) {
  self->on_models(status, body);
}
EMSCRIPTEN_KEEPALIVE void jam_harmonize_reply(jam::HarmonizeClient* self, int status, const char* body) {
  self->on_reply(status, body);
}
}

namespace jam {

void HarmonizeClient::harmonize(const Song& melody, const HarmonizeOptions& options, Done done) {
  if (busy()) {
    done(Result<Song>::fail("a harmonization is already running"));
    return;
  }
  if (melody.melody.empty()) {
    done(Result<Song>::fail("the melody has no notes"));
    return;
  }
  melody_ = melody;
  options_ = options;
  done_ = std::move(done);
  if (model_.empty()) {
    jam_js_harmonize_fetch(this, 1, "");
  } else {
    post();
  }
}

void HarmonizeClient::on_models(int status, const char* body) {
  if (!busy()) return;
  if (status != 200) {
    finish(Result<Song>::fail("GET /v1/models: " + (status ? "HTTP " + std::to_string(status) : std::string(body))));
    return;
  }
  using Json = nlohmann::json;
  const Json j = Json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("models") && j["models"].is_array()) {
    for (const Json& m : j["models"]) {
      if (m.is_object() && m.value("arch", "") == "offline" && m.contains("id") && m["id"].is_string()) {
        model_ = m["id"].get<std::string>();
        break;
      }
    }
  }
  if (model_.empty()) {
    finish(Result<Song>::fail("the server offers no offline model to harmonize with"));
    return;
  }
  post();
}

void HarmonizeClient::post() {
  HarmonizeRequest req;
  req.model = model_;
  for (const Note& n : melody_.melody) req.melody.push_back({n.on, n.off, n.pitch});
  std::sort(req.melody.begin(), req.melody.end(),
            [](const PlanNote& a, const PlanNote& b) { return a.on < b.on; });
  Frame last_off = 0;
  for (const Note& n : melody_.melody) last_off = std::max(last_off, n.off);
  req.frames = std::max(melody_.n_frames, last_off);
  req.temperature = options_.temperature;
  req.seed = options_.seed;
  req.chord_rate = options_.chord_rate;
  req.colour = options_.colour;
  const std::string body = harmonize_request_json(req);
  jam_js_harmonize_fetch(this, 0, body.c_str());
}

void HarmonizeClient::on_reply(int status, const char* body) {
  if (!busy()) return;
  Result<HarmonizeResponse> r = parse_harmonize_response(body ? body : "");
  if (status != 200 || !r) {
    std::string why = !r ? r.error() : std::string("unexpected reply");
    if (status == 404 && why.find("unknown model") == std::string::npos) {
      why = "this server has no POST /v1/harmonize";
    }
    finish(Result<Song>::fail("harmonize: " + (status ? "HTTP " + std::to_string(status) + ": " : std::string()) + why));
    return;
  }
  server_ms_ = r->server_ms;
  Song song = melody_;
  song.n_frames = std::max(song.n_frames, r->frames);
  song.chords.clear();
  for (const HarmonizedChord& c : r->chords) {
    if (c.off <= c.on || c.pitches.empty()) continue;
    song.chords.push_back(chord_from_pitches(c.on, c.off, c.pitches));
  }
  finish(std::move(song));
}

void HarmonizeClient::finish(Result<Song> r) {
  Done done = std::move(done_);
  done_ = nullptr;
  if (done) done(std::move(r));
}

}  // namespace jam
