#include "test_hook.h"

#include <emscripten/emscripten.h>

// clang-format off
EM_JS(void, jam_js_hook_init, (), {
  window.jam = {
    ready: false,
    error: null,
    _state: {},
    _keys: {},
    state: function() {
      var s = Object.assign({}, this._state);
      s.ready = this.ready;
      s.audio = window.jamAudio ? window.jamAudio.snapshot() : null;
      return s;
    },
    keyRect: function(pitch) { return this._keys[pitch] || null; }
  };
});

EM_JS(void, jam_js_hook_publish, (int running, double tempo, double beat, const char* status,
                                  int notes_played, int octave, const int* lit, int n_lit,
                                  int frame), {
  var pressed = [];
  for (var i = 0; i < n_lit; ++i) pressed.push(HEAP32[(lit >> 2) + i]);
  window.jam._state = {
    running: !!running, tempo: tempo, beat: beat, status: UTF8ToString(status),
    notesPlayed: notes_played, octave: octave, pressed: pressed, frame: frame
  };
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

EM_JS(void, jam_js_hook_ready, (), { window.jam.ready = true; });

EM_JS(void, jam_js_hook_error, (const char* message), {
  var text = UTF8ToString(message);
  if (window.jam) window.jam.error = text;
  var el = document.getElementById('error');
  if (el) { el.textContent = text; el.hidden = false; }
});
// clang-format on

namespace jam {

TestHook::TestHook() { jam_js_hook_init(); }

void TestHook::publish(const AppState& state, int frame) {
  lit_.clear();
  for (int p = 0; p < 128; ++p) {
    if (state.lit[p] == NoteSource::user) lit_.push_back(p);
  }
  jam_js_hook_publish(state.running, state.tempo_bpm, state.beat_position, state.status.c_str(),
                      state.notes_played, state.keyboard_octave, lit_.data(),
                      static_cast<int>(lit_.size()), frame);
}

void TestHook::publish_layout(const PianoLayout& piano, float dpr) {
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
