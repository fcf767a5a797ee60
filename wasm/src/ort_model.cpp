#include "ort_model.h"

#include <emscripten/emscripten.h>

#include <string>
#include <utility>

// clang-format off
// A new KV context in ort_agent.js, or 0 when no session is loaded.
EM_JS(int, jam_js_ort_new_context, (), {
  try {
    return globalThis.jamOrt ? globalThis.jamOrt.newContext() : 0;
  } catch (e) {
    return 0;
  }
});
EM_JS(void, jam_js_ort_reset_context, (int context), {
  if (globalThis.jamOrt) globalThis.jamOrt.resetContext(context);
});
EM_JS(void, jam_js_ort_drop_context, (int context), {
  if (globalThis.jamOrt) globalThis.jamOrt.dropContext(context);
});
// Starts one run; its continuation writes the logits (vocab floats) to `logits` and calls back.
// A context dropped meanwhile (the model was destroyed) rejects, and nothing is called.
EM_JS(void, jam_js_ort_feed, (void* self, int context, const int32_t* tokens, int n, int start,
                              float* logits, int vocab), {
  var ids = new BigInt64Array(n);
  for (var i = 0; i < n; ++i) ids[i] = BigInt(HEAP32[(tokens >> 2) + i]);
  var fail = function(e) {
    if (!globalThis.jamOrt || !globalThis.jamOrt.hasContext(context)) return;
    var text = String((e && e.message) || e);
    var len = lengthBytesUTF8(text) + 1;
    var p = _malloc(len);
    stringToUTF8(text, p, len);
    Module['_jam_ort_fed'](self, 0, p);
    _free(p);
  };
  var run;
  try {
    run = globalThis.jamOrt.feed(context, ids, start);
  } catch (e) {
    run = Promise.reject(e);
  }
  run.then(function(out) {
    if (out.length !== vocab) {
      fail(new Error('the model gave ' + out.length + ' logits, expected ' + vocab));
      return;
    }
    HEAPF32.set(out, logits >> 2);   // HEAPF32 read now: the heap may have grown meanwhile
    Module['_jam_ort_fed'](self, 1, 0);
  }, fail);
});
// clang-format on

extern "C" EMSCRIPTEN_KEEPALIVE void jam_ort_fed(jam::OrtModel* model, int ok, const char* error) {
  model->on_fed(ok != 0, error);
}

namespace jam {

OrtModel::OrtModel(OrtModelShape shape)
    : shape_(shape), context_(jam_js_ort_new_context()),
      logits_(static_cast<size_t>(shape.vocab_size > 0 ? shape.vocab_size : 0)) {}

OrtModel::~OrtModel() {
  if (context_) jam_js_ort_drop_context(context_);
}

void OrtModel::feed(std::span<const int32_t> tokens, int start, Done done) {
  const int n = static_cast<int>(tokens.size());
  auto refuse = [&](std::string why) { done(Status::fail(std::move(why)), {}); };
  if (!context_) return refuse("the in-tab model is not loaded");
  if (busy()) return refuse("a feed is already running on this model");
  if (n == 0) return refuse("no tokens to feed");
  if (start < 0 || start > position_)
    return refuse("feed at " + std::to_string(start) + " but only " + std::to_string(position_) +
                  " positions are cached");
  if (start + n > shape_.max_len)
    return refuse("feed past the model's " + std::to_string(shape_.max_len) + " positions");
  for (int32_t t : tokens) {
    if (t < 0 || t >= shape_.vocab_size)
      return refuse("token " + std::to_string(t) + " outside the vocabulary (0.." +
                    std::to_string(shape_.vocab_size - 1) + ")");
  }
  done_ = std::move(done);
  pending_position_ = start + n;
  jam_js_ort_feed(this, context_, tokens.data(), n, start, logits_.data(), shape_.vocab_size);
}

void OrtModel::reset() {
  if (context_) jam_js_ort_reset_context(context_);  // a running feed then fails
  position_ = 0;
}

void OrtModel::on_fed(bool ok, const char* error) {
  Done done = std::move(done_);
  done_ = nullptr;
  if (!done) return;
  if (!ok) {
    done(Status::fail(std::string("ONNX Runtime: ") + (error ? error : "run failed")), {});
    return;
  }
  position_ = pending_position_;
  done(Status{}, std::span<const float>(logits_));
}

}  // namespace jam
