#include "files.h"

#include <emscripten/emscripten.h>

// clang-format off
EM_JS(void, jam_js_download, (const char* name, const char* mime, const uint8_t* data, int n), {
  if (!window.jamFiles) return;
  window.jamFiles.download(UTF8ToString(name), UTF8ToString(mime), HEAPU8.slice(data, data + n));
});
EM_JS(void, jam_js_pick, (void* self, const char* accept), {
  if (!window.jamFiles) { Module['_jam_file_picked'](self, 0, 0, -1); return; }
  window.jamFiles.pick(UTF8ToString(accept), function(name, bytes) {
    var n = lengthBytesUTF8(name) + 1, pn = _malloc(n);
    stringToUTF8(name, pn, n);
    if (!bytes) {
      Module['_jam_file_picked'](self, pn, 0, -1);
    } else {
      var p = _malloc(Math.max(1, bytes.length));
      HEAPU8.set(bytes, p);
      Module['_jam_file_picked'](self, pn, p, bytes.length);
      _free(p);
    }
    _free(pn);
  });
});
// clang-format on

extern "C" EMSCRIPTEN_KEEPALIVE void jam_file_picked(jam::FilePicker* self, const char* name,
                                                     const uint8_t* data, int size) {
  self->on_picked(name, data, size);
}

namespace jam {

void download_file(const std::string& name, const char* mime, std::span<const uint8_t> bytes) {
  jam_js_download(name.c_str(), mime, bytes.data(), static_cast<int>(bytes.size()));
}

void FilePicker::pick(const char* accept, Done done) {
  done_ = std::move(done);
  jam_js_pick(this, accept);
}

void FilePicker::on_picked(const char* name, const uint8_t* data, int size) {
  Done done = std::move(done_);
  done_ = nullptr;
  if (!done) return;
  std::optional<std::vector<uint8_t>> bytes;
  if (size >= 0) bytes.emplace(data, data + size);
  done(name ? std::string(name) : std::string(), std::move(bytes));
}

}  // namespace jam
