// frame_cpu.h — where a frame's main-thread time goes: the session update (agents, scheduler,
// replay), building the ImGui frame (our drawing code included), and submitting it to WebGL.
// What the GPU (SwiftShader: other threads) spends rasterizing is not in here; frame intervals
// from requestAnimationFrame show the whole.
//
//   FrameCpuAverage avg;
//   avg.add(FrameCpu{update_ms, ui_ms, gl_ms, hook_ms});    // once per frame
//   avg.average().total_ms();
//
// Main thread only.
#pragma once

namespace jam {

struct FrameCpu {
  double update_ms = 0;  // agents, jam controller, session tools
  double ui_ms = 0;      // ImGui::NewFrame … ImGui::Render (the screen's drawing code)
  double gl_ms = 0;      // clear + GlRenderer::render (WebGL calls)
  double hook_ms = 0;    // publishing window.jam (test hook)
  double total_ms() const { return update_ms + ui_ms + gl_ms + hook_ms; }
};

// An exponential moving average (weight 1/20 per frame: about the last second at 20–60 fps).
class FrameCpuAverage {
 public:
  void add(const FrameCpu& f) {
    if (!started_) {
      avg_ = f;
      started_ = true;
      return;
    }
    avg_.update_ms += kWeight * (f.update_ms - avg_.update_ms);
    avg_.ui_ms += kWeight * (f.ui_ms - avg_.ui_ms);
    avg_.gl_ms += kWeight * (f.gl_ms - avg_.gl_ms);
    avg_.hook_ms += kWeight * (f.hook_ms - avg_.hook_ms);
  }
  const FrameCpu& average() const { return avg_; }

 private:
  static constexpr double kWeight = 0.05;
  FrameCpu avg_;
  bool started_ = false;
};

}  // namespace jam
