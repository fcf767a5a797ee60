// app.h — the browser app: one object owning the window, ImGui, the screen state and audio.
//
//   auto app = std::make_unique<jam::App>();
//   if (auto error = app->init()) { ... }        // creates the WebGL2 canvas context
//   emscripten_set_main_loop_arg(&jam::App::frame_thunk, app.release(), 0, true);
//
// The App lives as long as the page. Main thread only; GLFW callbacks find it through the
// window's user pointer.
#pragma once

#include <optional>
#include <string>

#include "jam/ui/app_state.h"
#include "jam/ui/note_input.h"
#include "jam/ui/screen.h"
#include "test_hook.h"
#include "web_audio_out.h"

struct GLFWwindow;

namespace jam {

class App {
 public:
  App();
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Creates the window, GL context and ImGui; returns an error message on failure.
  std::optional<std::string> init();
  // One frame: input → state → draw. Called by the browser's animation loop.
  void frame();
  static void frame_thunk(void* app) { static_cast<App*>(app)->frame(); }

 private:
  static void on_key(GLFWwindow* window, int key, int scancode, int action, int mods);
  void fit_canvas();
  void apply_scale(float dpr);
  void toggle_transport();

  GLFWwindow* window_ = nullptr;
  bool imgui_ready_ = false;
  AppState state_;
  WebAudioOut audio_;
  NoteInput input_{state_, audio_};
  Screen screen_{input_};
  TestHook hook_;
  float dpr_ = 0;         // device pixels per CSS pixel the fonts were built for
  double last_time_ = 0;  // seconds (glfwGetTime)
  int frame_count_ = 0;
};

}  // namespace jam
