#include "test_hook.h"

#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "jam/ui/chord_highlight.h"
#include "jam/ui/settings.h"
#include "server_agent.h"

// clang-format off
EM_JS(void, jam_js_hook_init, (void* hook), {
  window.jam = {
    ready: false,
    readyAt: null,
    error: null,
    _state: {},
    _commands: [],
    _keys: {},
    state: function() {
      var s = Object.assign({}, this._state);
      s.ready = this.ready;
      s.audio = window.jamAudio ? window.jamAudio.snapshot() : null;
      return s;
    },
    session: function() { return JSON.parse(UTF8ToString(Module['_jam_hook_session'](hook))); },
    commands: function() { return this._commands.slice(); },
    keyRect: function(pitch) { return this._keys[pitch] || null; },
    dropConnection: function() {}
  };
});

EM_JS(void, jam_js_hook_bind, (void* agent), {
  window.jam.dropConnection = function() { Module['_jam_ws_drop'](agent); };
});

EM_JS(void, jam_js_hook_publish, (int running, double tempo, double beat, const char* status,
                                  int notes_played, int octave, const int* lit, int n_lit,
                                  const int* agent_lit, int n_agent, int frame), {
  var pressed = [], agent = [];
  for (var i = 0; i < n_lit; ++i) pressed.push(HEAP32[(lit >> 2) + i]);
  for (var j = 0; j < n_agent; ++j) agent.push(HEAP32[(agent_lit >> 2) + j]);
  window.jam._state = {
    running: !!running, tempo: tempo, beat: beat, status: UTF8ToString(status),
    notesPlayed: notes_played, octave: octave, pressed: pressed, agentPressed: agent, frame: frame
  };
});

EM_JS(void, jam_js_hook_command, (int kind, double time, int frame, int chord_id,
                                  const int* pitches, int n, double issued), {
  var list = [];
  for (var i = 0; i < n; ++i) list.push(HEAP32[(pitches >> 2) + i]);
  window.jam._commands.push({ kind: ['start', 'stop', 'stopAll'][kind], time: time, frame: frame,
                              chordId: chord_id, pitches: list,
                              issued: issued });
});

EM_JS(void, jam_js_hook_layout, (const float* rects, int n, float dpr), {
  var keys = {};
  var base = rects >> 2;
  for (var i = 0; i < n; ++i) {
    var r = HEAPF32.subarray(base + 6 * i, base + 6 * i + 6);
    keys[r[0]] = { x: r[2] / dpr, y: r[3] / dpr, w: (r[4] - r[2]) / dpr, h: (r[5] - r[3]) / dpr,
                   black: r[1] > 0 };
  }
  window.jam._keys = keys;
});

EM_JS(void, jam_js_hook_ready, (), {
  window.jam.ready = true;
  window.jam.readyAt = performance.now();
});

EM_JS(void, jam_js_hook_error, (const char* message), {
  var text = UTF8ToString(message);
  if (window.jam) window.jam.error = text;
  var el = document.getElementById('error');
  if (el) { el.textContent = text; el.hidden = false; }
});
// clang-format on

// window.jam.session(): the snapshot is built when asked, not every frame.
extern "C" EMSCRIPTEN_KEEPALIVE const char* jam_hook_session(jam::TestHook* self) {
  return self->session_json();
}

namespace jam {

TestHook::TestHook() { jam_js_hook_init(this); }

void TestHook::bind(ServerAgent* agent) { jam_js_hook_bind(agent); }

void TestHook::publish(const AppState& state, int frame) {
  lit_.clear();
  agent_lit_.clear();
  for (int p = 0; p < 128; ++p) {
    if (state.lit[static_cast<size_t>(p)] == NoteSource::user) lit_.push_back(p);
    if (state.agent_lit[static_cast<size_t>(p)]) agent_lit_.push_back(p);
  }
  jam_js_hook_publish(state.running, state.settings.tempo_bpm, state.beat_position,
                      state.status.c_str(), state.notes_played, state.keyboard_octave, lit_.data(),
                      static_cast<int>(lit_.size()), agent_lit_.data(),
                      static_cast<int>(agent_lit_.size()), frame);
}

void TestHook::publish_session(const AppState& state, const JamController& jam,
                               const ServerAgent& agent, double fps, const FrameCpu& cpu,
                               const GlRenderer::Stats& raster, double screen_px) {
  session_ = Session{&state, &jam, &agent, fps, cpu, raster, screen_px};
}

const char* TestHook::session_json() {
  if (!session_.state) return "{}";
  const AppState& state = *session_.state;
  const JamController& jam = *session_.jam;
  const ServerAgent& agent = *session_.agent;
  const FrameCpu& cpu = session_.cpu;
  const GlRenderer::Stats& raster = session_.raster;
  const double fps = session_.fps, screen_px = session_.screen_px;
  using Json = nlohmann::json;
  Json s = {
      {"state", state.session_state},
      {"serverSlow", state.server_slow},
      {"silenceBeatsLeft", state.silence_beats_left},
      {"requests", jam.requests_sent()},
      {"responses", jam.responses_applied()},
      {"failed", jam.replies_failed()},
      {"lateDropped", jam.late_dropped()},
      {"roundTrip", jam.last_round_trip_sec()},
      {"connection", state.connection_text},
      {"online", state.connection == Connection::kOnline},
      {"opens", agent.opens()},
      {"drops", agent.drops()},
      {"stalls", agent.stalls()},
      {"pending", agent.pending()},
      {"fps", fps},
      {"frameWorkMs", cpu.total_ms()},
      {"frameCpuMs",
       {{"update", cpu.update_ms}, {"ui", cpu.ui_ms}, {"gl", cpu.gl_ms}, {"hook", cpu.hook_ms}}},
      {"raster",
       {{"drawCalls", raster.draw_calls},
        {"clears", raster.clears},
        {"shadedScreens", raster.shaded_px / std::max(1.0, screen_px)},
        {"clearedScreens", raster.cleared_px / std::max(1.0, screen_px)}}},
      {"message", state.message},
      {"settings", Json::parse(settings_to_json(state.settings), nullptr, false)}};
  Json models = Json::array();
  for (const ModelOption& m : state.models)
    models.push_back({{"id", m.id}, {"nChords", m.n_chords}});
  s["models"] = models;
  s["modelsLoaded"] = state.models_loaded;
  Json devices = Json::array();
  for (const MidiDevice& d : state.midi_devices)
    devices.push_back({{"id", d.id}, {"name", d.name}});
  s["midi"] = {
      {"available", state.midi_available}, {"status", state.midi_status}, {"devices", devices}};
  if (const JamScheduler* sc = jam.scheduler()) {
    const SchedulerConfig& cfg = sc->config();
    s["t0"] = sc->session_start_sec();
    s["frameSec"] = cfg.tempo.seconds_per_frame();
    s["silenceFrames"] = cfg.silence_frames;
    s["lookaheadFrames"] = cfg.lookahead_frames;
    s["commitFrames"] = cfg.commit_frames;
    s["currentFrame"] = sc->current_frame();
    s["lockedFrames"] = sc->locked_frames();
    s["rested"] = sc->rested_frames();
    s["model"] = cfg.model;
  }
  Json chords = Json::array();
  for (const ChordBlock& c : state.chords) {
    chords.push_back({{"on", static_cast<int>(std::lround(c.on_beat * kFramesPerBeat))},
                      {"off", static_cast<int>(std::lround(c.off_beat * kFramesPerBeat))},
                      {"name", c.name},
                      {"committed", c.committed},
                      {"pitches", c.pitches}});
  }
  s["chords"] = chords;
  // Practice aid (chord_highlight.h): pitch classes of the current and the next chord.
  const ChordHighlight hl = chord_highlight(state);
  auto pcs = [](uint16_t mask) {
    Json list = Json::array();
    for (int pc = 0; pc < 12; ++pc)
      if ((mask >> pc) & 1) list.push_back(pc);
    return list;
  };
  s["highlight"] = {{"on", state.settings.highlight_chords},
                    {"current", pcs(hl.current)},
                    {"next", pcs(hl.next)},
                    {"currentName", hl.current_name},
                    {"nextName", hl.next_name}};
  s["beat"] = state.beat_position;
  Json controls = Json::object();
  for (const NamedRect& r : state.controls) {  // CSS pixels
    controls[r.name] = {{"x", r.x0 / dpr_},
                        {"y", r.y0 / dpr_},
                        {"w", (r.x1 - r.x0) / dpr_},
                        {"h", (r.y1 - r.y0) / dpr_}};
  }
  s["controls"] = controls;
  session_json_ = s.dump(-1, ' ', false, Json::error_handler_t::replace);
  return session_json_.c_str();
}

void TestHook::command(const ChordCommand& c, double sent_at_sec) {
  jam_js_hook_command(static_cast<int>(c.kind), c.time_sec, c.frame, c.chord_id, c.pitches.data(),
                      static_cast<int>(c.pitches.size()), sent_at_sec);
}

void TestHook::publish_layout(const PianoLayout& piano, float dpr) {
  dpr_ = dpr > 0 ? dpr : 1.0f;
  const Rect& a = piano.area();
  if (a.x0 == last_area_.x0 && a.y0 == last_area_.y0 && a.x1 == last_area_.x1 &&
      a.y1 == last_area_.y1 && dpr == last_dpr_) {
    return;
  }
  last_area_ = a;
  last_dpr_ = dpr;
  rects_.clear();
  for (const PianoKey& k : piano.keys()) {
    rects_.insert(rects_.end(), {static_cast<float>(k.pitch), k.black ? 1.0f : 0.0f, k.rect.x0,
                                 k.rect.y0, k.rect.x1, k.rect.y1});
  }
  jam_js_hook_layout(rects_.data(), static_cast<int>(piano.keys().size()), dpr);
}

void TestHook::set_ready() { jam_js_hook_ready(); }

void TestHook::set_error(const std::string& message) { jam_js_hook_error(message.c_str()); }

}  // namespace jam
