#include "model_catalog.h"

#include <emscripten/emscripten.h>

#include <string>

#include "jam/ui/model_list.h"

// clang-format off
EM_JS(void, jam_js_fetch_models, (void* self), {
  var deliver = function(status, text) {
    var n = lengthBytesUTF8(text) + 1;
    var p = _malloc(n);
    stringToUTF8(text, p, n);
    Module['_jam_models_fetched'](self, status, p);
    _free(p);
  };
  fetch('/v1/models', { cache: 'no-store' })
    .then(function(r) { return r.text().then(function(t) { deliver(r.status, t); }); })
    .catch(function(e) { deliver(0, String(e && e.message)); });
});
// clang-format on

extern "C" EMSCRIPTEN_KEEPALIVE void jam_models_fetched(jam::ModelCatalog* self, int status,
                                                        const char* body) {
  self->on_fetched(status, body);
}

namespace jam {

void ModelCatalog::refresh(Done done) {
  if (busy_) return;
  busy_ = true;
  done_ = std::move(done);
  jam_js_fetch_models(this);
}

void ModelCatalog::on_fetched(int http_status, const char* body) {
  busy_ = false;
  Done done = std::move(done_);
  done_ = nullptr;
  if (!done) return;
  if (http_status != 200) {
    done(Result<std::vector<ModelOption>>::fail(
        "GET /v1/models: " + (http_status ? "HTTP " + std::to_string(http_status) : std::string(body))));
    return;
  }
  done(parse_online_models(body));
}

}  // namespace jam
