// app.h — the browser app: one object owning the window, ImGui, the screen state, audio, MIDI,
// the agent connection and the jam session.
//
//   auto app = std::make_unique<jam::App>();
//   if (auto error = app->init()) { ... }        // creates the WebGL2 canvas context
//   emscripten_set_main_loop_arg(&jam::App::frame_thunk, app.release(), 0, true);
//
// The App lives as long as the page. Main thread only; GLFW callbacks find it through the
// window's user pointer, JS callbacks (MIDI, WebSocket, fetch) through the objects they serve.
#pragma once

#include <deque>
#include <optional>
#include <string>

#include "jam/ui/app_state.h"
#include "jam/ui/jam_controller.h"
#include "jam/ui/note_input.h"
#include "jam/ui/screen.h"
#include "agent_switch.h"
#include "frame_cpu.h"
#include "gl_renderer.h"
#include "midi_input.h"
#include "model_catalog.h"
#include "server_agent.h"
#include "session_tools.h"
#include "tab_agent.h"
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
  // One frame: input → session → draw. Called by the browser's animation loop.
  void frame();
  static void frame_thunk(void* app) { static_cast<App*>(app)->frame(); }

 private:
  static void on_key(GLFWwindow* window, int key, int scancode, int action, int mods);
  void fit_canvas();
  void apply_scale(float dpr);
  void toggle_transport();
  void settings_changed();
  void refresh_models();

  GLFWwindow* window_ = nullptr;
  bool imgui_ready_ = false;
  GlRenderer renderer_;
  AppState state_;
  WebAudioOut audio_;
  ServerAgent agent_;
  TabAgent tab_agent_;
  AgentSwitch agent_switch_{agent_, tab_agent_};   // Settings → Agent: server / in this tab
  JamController jam_{state_, audio_, agent_switch_};
  NoteInput input_{state_, audio_};
  Screen screen_{input_};
  MidiInput midi_;
  ModelCatalog models_;
  TestHook hook_;
  SessionTools tools_{state_, audio_, jam_};   // recording, downloads, replay, harmonize, MIDI out
  std::string saved_settings_;   // last JSON written to localStorage
  std::string midi_selected_;    // input id passed to midi.js
  float dpr_ = 0;                // device pixels per CSS pixel the fonts were built for
  int frame_count_ = 0;
  std::deque<double> frame_times_;   // wall seconds of the last second's frames (fps)
  double models_retry_at_ = 0;       // wall seconds
  FrameCpuAverage cpu_;              // main-thread time of frame(), by part (not the GPU's)
};

}  // namespace jam
