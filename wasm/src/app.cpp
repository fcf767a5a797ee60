#include "app.h"

#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten/emscripten.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "browser.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "jam/ui/model_list.h"
#include "jam/ui/settings.h"

// clang-format off
// Emscripten's GLFW keeps its window size in sync with the canvas only through this call.
EM_JS(void, jam_js_set_canvas_size, (int width, int height), {
  Module['setCanvasSize'](width, height);
});
// clang-format on

namespace jam {

namespace {
constexpr const char* kCanvas = "#canvas";
constexpr const char* kSettingsKey = "realjam.settings";
constexpr float kBaseFontPixels = 13.0f;  // ImGui's built-in font at scale 1
constexpr double kModelsRetrySec = 3.0;
}  // namespace

App::App() = default;

App::~App() {
  if (imgui_ready_) {
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
  }
  if (window_) glfwDestroyWindow(window_);
  glfwTerminate();
}

std::optional<std::string> App::init() {
  if (!glfwInit()) return "GLFW could not start";
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  // An opaque colour buffer and nothing else: no depth or stencil to clear and resolve, and the
  // page compositor need not blend the canvas (every pixel costs on a software rasterizer).
  glfwWindowHint(GLFW_ALPHA_BITS, 0);
  glfwWindowHint(GLFW_DEPTH_BITS, 0);
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  window_ = glfwCreateWindow(1280, 720, "RealJam", nullptr, nullptr);
  if (!window_) return "WebGL2 is not available in this browser";
  glfwMakeContextCurrent(window_);
  glfwSetWindowUserPointer(window_, this);
  // Installed before ImGui's backend, which chains to it.
  glfwSetKeyCallback(window_, &App::on_key);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no imgui.ini in the browser
  if (!ImGui_ImplGlfw_InitForOpenGL(window_, true)) return "ImGui GLFW backend failed";
  imgui_ready_ = true;
  if (auto error = renderer_.init()) return "WebGL2 shaders failed to compile: " + *error;

  // Settings from the last visit (defaults when absent or unreadable).
  saved_settings_ = browser::storage_get(kSettingsKey);
  state_.settings = settings_from_json(saved_settings_);
  jam_.apply_audio_settings();

  input_.set_listener([this](int pitch, int velocity, bool on) {
    jam_.note(pitch, velocity, on, audio_.now());
    tools_.note(pitch, velocity, on, audio_.now());
  });
  jam_.set_command_observer([this](const ChordCommand& c, double sent_at) {
    hook_.command(c, sent_at);
    tools_.command(c);
  });
  midi_.start(
      [this](int pitch, int velocity, bool on) {
        if (on) {
          input_.midi_note_on(pitch, velocity);
        } else {
          input_.midi_note_off(pitch);
        }
      },
      [this](const MidiInput::Devices& d) {
        state_.midi_available = d.available;
        state_.midi_status = d.status;
        state_.midi_devices = d.devices;
      });
  midi_selected_ = state_.settings.midi_input;
  midi_.select(midi_selected_);
  refresh_models();
  hook_.bind(&agent_);
  tools_.init();

  fit_canvas();
  return std::nullopt;
}

void App::refresh_models() {
  models_retry_at_ = browser::wall_seconds() + kModelsRetrySec;
  models_.refresh([this](Result<std::vector<ModelOption>> r) {
    if (!r) {
      state_.message = r.error();
      return;
    }
    state_.models = std::move(*r);
    state_.models_loaded = true;
    if (state_.message.rfind("GET /v1/models", 0) == 0) state_.message.clear();
  });
}

void App::on_key(GLFWwindow* window, int key, int /*scancode*/, int action, int mods) {
  auto* app = static_cast<App*>(glfwGetWindowUserPointer(window));
  if (!app || action == GLFW_REPEAT) return;
  // Shortcuts (Ctrl+R, Cmd+L ...) belong to the browser, not the piano.
  if (action == GLFW_PRESS && (mods & (GLFW_MOD_CONTROL | GLFW_MOD_SUPER | GLFW_MOD_ALT))) return;
  // Typing into a settings field is not playing.
  if (action == GLFW_PRESS && ImGui::GetCurrentContext() && ImGui::GetIO().WantTextInput) return;
  if (key == GLFW_KEY_SPACE) {  // Space = Start/Stop
    if (action == GLFW_PRESS) app->toggle_transport();
    return;
  }
  if (key < 0 || key >= 128) return;
  if (action == GLFW_PRESS) app->input_.key_down(key);
  if (action == GLFW_RELEASE) app->input_.key_up(key);
}

void App::fit_canvas() {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size(kCanvas, &css_w, &css_h);
  const float dpr = static_cast<float>(emscripten_get_device_pixel_ratio());
  const int want_w = std::max(1, static_cast<int>(std::lround(css_w * dpr)));
  const int want_h = std::max(1, static_cast<int>(std::lround(css_h * dpr)));
  int w = 0, h = 0;
  glfwGetWindowSize(window_, &w, &h);
  if (w != want_w || h != want_h) jam_js_set_canvas_size(want_w, want_h);
  if (dpr != dpr_) apply_scale(dpr);
}

void App::apply_scale(float dpr) {
  dpr_ = dpr;
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  style.FrameRounding = 4.0f;
  style.WindowRounding = 6.0f;
  style.FramePadding = ImVec2(8.0f, 4.0f);
  style.ItemSpacing = ImVec2(6.0f, 5.0f);
  style.WindowPadding = ImVec2(12.0f, 10.0f);
  style.ScaleAllSizes(dpr);
  ImGui::GetStyle() = style;

  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig font;
  font.SizePixels = std::round(kBaseFontPixels * dpr);
  io.Fonts->AddFontDefault(&font);
  renderer_.set_font_texture();
}

void App::toggle_transport() {
  const double now = audio_.now();
  if (tools_.replaying()) {  // Space / Stop ends a replay first
    tools_.stop_replay(now);
    return;
  }
  if (jam_.active()) {
    jam_.stop(now);
    tools_.jam_stopped(now);
  } else if (jam_.start(now, browser::random_seed())) {
    tools_.jam_started(now);
  }
}

void App::settings_changed() {
  const std::string json = settings_to_json(state_.settings);
  if (json != saved_settings_) {
    browser::storage_set(kSettingsKey, json);
    saved_settings_ = json;
  }
  jam_.apply_audio_settings();
  if (state_.settings.midi_input != midi_selected_) {
    midi_selected_ = state_.settings.midi_input;
    midi_.select(midi_selected_);
  }
}

void App::frame() {
  fit_canvas();
  const double wall = browser::wall_seconds();
  agent_.tick(wall);
  agent_switch_.use(state_.settings.agent);
  if (state_.settings.agent == AgentLocation::kTab) {
    // The tab runs the selected model's web size when there is one (no-op once loaded).
    if (const ModelOption* m = state_.model()) tab_agent_.load(tab_model_id(state_.models, m->id));
    state_.connection = tab_agent_.ready() ? Connection::kOnline : Connection::kConnecting;
    state_.connection_text = tab_agent_.describe();
  } else {
    state_.connection = agent_.connection();
    state_.connection_text = agent_.describe();
  }
  if (!state_.models_loaded && !models_.busy() && wall >= models_retry_at_) refresh_models();

  jam_.update(audio_.now());
  tools_.update(audio_.now());   // after the jam: a replay owns the view while it plays
  const double t_update = browser::wall_seconds();

  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  const ImGuiIO& io = ImGui::GetIO();
  const ControlBarActions actions =
      screen_.draw(state_, io.DisplaySize.x, io.DisplaySize.y, dpr_);
  if (actions.settings_changed) settings_changed();
  if (actions.toggle_transport) toggle_transport();
  // The session tools float over the waterfall (below the control bar, above the piano).
  tools_.draw(Rect{0, std::round(46 * dpr_), io.DisplaySize.x, screen_.piano().area().y0}, dpr_);
  ImGui::Render();
  const double t_ui = browser::wall_seconds();

  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window_, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  const std::array<float, 4> bg = Screen::background();
  glClearColor(bg[0], bg[1], bg[2], 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  renderer_.render(ImGui::GetDrawData(), fb_w, fb_h);

  const double t_gl = browser::wall_seconds();

  ++frame_count_;
  frame_times_.push_back(wall);
  while (!frame_times_.empty() && frame_times_.front() < wall - 1.0) frame_times_.pop_front();
  hook_.publish(state_, frame_count_);
  hook_.publish_session(state_, jam_, agent_, static_cast<double>(frame_times_.size()),
                        cpu_.average(), renderer_.stats(), static_cast<double>(fb_w) * fb_h);
  hook_.publish_layout(screen_.piano(), dpr_);
  cpu_.add(FrameCpu{(t_update - wall) * 1000.0, (t_ui - t_update) * 1000.0, (t_gl - t_ui) * 1000.0,
                    (browser::wall_seconds() - t_gl) * 1000.0});
  if (frame_count_ == 2) hook_.set_ready();  // two frames: the first one is on screen
}

}  // namespace jam
