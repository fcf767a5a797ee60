#include "app.h"

#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten/emscripten.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <cmath>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"

// clang-format off
// Emscripten's GLFW keeps its window size in sync with the canvas only through this call.
EM_JS(void, jam_js_set_canvas_size, (int width, int height), {
  Module['setCanvasSize'](width, height);
});
// clang-format on

namespace jam {

namespace {
constexpr const char* kCanvas = "#canvas";
constexpr float kBaseFontPixels = 13.0f;  // ImGui's built-in font at scale 1
}  // namespace

App::App() = default;

App::~App() {
  if (imgui_ready_) {
    ImGui_ImplOpenGL3_Shutdown();
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
  if (!ImGui_ImplOpenGL3_Init("#version 300 es")) return "ImGui WebGL2 backend failed";
  imgui_ready_ = true;
  // Now, so apply_scale() replaces the font texture instead of racing NewFrame's lazy creation.
  if (!ImGui_ImplOpenGL3_CreateDeviceObjects()) return "WebGL2 shaders failed to compile";

  fit_canvas();
  last_time_ = glfwGetTime();
  return std::nullopt;
}

void App::on_key(GLFWwindow* window, int key, int /*scancode*/, int action, int mods) {
  auto* app = static_cast<App*>(glfwGetWindowUserPointer(window));
  if (!app || action == GLFW_REPEAT) return;
  // Shortcuts (Ctrl+R, Cmd+L ...) belong to the browser, not the piano.
  if (action == GLFW_PRESS && (mods & (GLFW_MOD_CONTROL | GLFW_MOD_SUPER | GLFW_MOD_ALT))) return;
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
  style.FramePadding = ImVec2(8.0f, 4.0f);
  style.ItemSpacing = ImVec2(6.0f, 4.0f);
  style.ScaleAllSizes(dpr);
  ImGui::GetStyle() = style;

  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig font;
  font.SizePixels = std::round(kBaseFontPixels * dpr);
  io.Fonts->AddFontDefault(&font);
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

void App::toggle_transport() {
  state_.running = !state_.running;
  if (state_.running) state_.beat_position = 0;
  state_.status = state_.running ? "playing" : "idle";
}

void App::frame() {
  fit_canvas();
  const double now = glfwGetTime();
  const double dt = std::max(0.0, now - last_time_);
  last_time_ = now;
  if (state_.running) state_.beat_position += dt * state_.tempo_bpm / 60.0;

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  const ImGuiIO& io = ImGui::GetIO();
  const ControlBarActions actions =
      screen_.draw(state_, io.DisplaySize.x, io.DisplaySize.y, dpr_);
  if (actions.toggle_transport) toggle_transport();
  ImGui::Render();

  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window_, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.07f, 0.07f, 0.10f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

  ++frame_count_;
  hook_.publish(state_, frame_count_);
  hook_.publish_layout(screen_.piano(), dpr_);
  if (frame_count_ == 2) hook_.set_ready();  // two frames: the first one is on screen
}

}  // namespace jam
