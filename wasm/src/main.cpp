// The browser entry point: build the App and hand it to the page's animation loop.
#include <emscripten/emscripten.h>

#include <memory>

#include "app.h"

int main() {
  auto app = std::make_unique<jam::App>();
  if (auto error = app->init()) {
    jam::TestHook::set_error(*error);
    return 1;
  }
  // The App lives as long as the page: the loop owns it from here on.
  emscripten_set_main_loop_arg(&jam::App::frame_thunk, app.release(), 0, true);
  return 0;
}
