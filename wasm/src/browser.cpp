#include "browser.h"

#include <emscripten/emscripten.h>

#include <cstdlib>

// clang-format off
EM_JS(char*, jam_js_storage_get, (const char* key), {
  var v = null;
  try { v = window.localStorage.getItem(UTF8ToString(key)); } catch (e) {}
  if (v === null) return 0;
  var n = lengthBytesUTF8(v) + 1;
  var p = _malloc(n);
  stringToUTF8(v, p, n);
  return p;
});
EM_JS(void, jam_js_storage_set, (const char* key, const char* value), {
  try { window.localStorage.setItem(UTF8ToString(key), UTF8ToString(value)); } catch (e) {}
});
EM_JS(double, jam_js_random_u32, (), {
  if (window.crypto && window.crypto.getRandomValues) {
    var a = new Uint32Array(1);
    window.crypto.getRandomValues(a);
    return a[0];
  }
  return Math.floor(Math.random() * 4294967296);
});
// clang-format on

namespace jam::browser {

std::string storage_get(const char* key) {
  char* p = jam_js_storage_get(key);
  if (!p) return {};
  std::string out(p);
  std::free(p);
  return out;
}

void storage_set(const char* key, const std::string& value) {
  jam_js_storage_set(key, value.c_str());
}

double wall_seconds() { return emscripten_get_now() / 1000.0; }

uint64_t random_seed() {
  const auto hi = static_cast<uint64_t>(jam_js_random_u32());
  const auto lo = static_cast<uint64_t>(jam_js_random_u32());
  return (hi << 32 | lo) & ((uint64_t{1} << 53) - 1);  // protocol v1: seeds are JSON-safe integers
}

}  // namespace jam::browser
