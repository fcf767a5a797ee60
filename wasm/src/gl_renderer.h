// gl_renderer.h — draws ImGui's draw data with WebGL2, made for software rasterizers.
//
//   GlRenderer renderer;
//   if (auto error = renderer.init()) { ... }      // after the GL context is current
//   renderer.set_font_texture();                   // after every font atlas rebuild
//   ... ImGui::Render(); renderer.render(ImGui::GetDrawData(), fb_width, fb_height);
//
// Why not ImGui's OpenGL3 backend: headless Chromium (and any browser without a GPU) rasterizes
// WebGL through SwiftShader on the CPU, where the cost of a frame is the cost of its pixels, and a
// texture fetch per pixel roughly doubles it. ImGui draws every solid shape with the font atlas's
// white texel, so its shader samples the texture for every pixel of every rectangle. Here the
// vertex shader marks triangles whose texture coordinates are the white texel, and the fragment
// shader skips the fetch for them (the result is the same: the white texel is 1.0). Large opaque
// solid rectangles (lanes, bars, bands of the keys' gradient) are not shaded at all: each
// becomes a scissored glClear before any drawing when nothing drawn before it overlaps it (the
// result is the same, and the draw calls stay whole), or in its place when it is huge. Also: one
// buffer upload per frame for all draw lists, no GL state saved and restored (we own the
// context), no VAO created per frame.
//
// Main thread only; owns its GL objects (deleted with the context, i.e. with the page).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "imgui.h"

namespace jam {

class GlRenderer {
 public:
  GlRenderer() = default;
  GlRenderer(const GlRenderer&) = delete;
  GlRenderer& operator=(const GlRenderer&) = delete;

  // Compiles the shaders and creates the buffers; an error message on failure.
  std::optional<std::string> init();
  // (Re)uploads ImGui's font atlas and stores its texture id in the atlas.
  void set_font_texture();
  // Draws `data` into the current framebuffer (fb_* in device pixels; the caller clears it).
  void render(const ImDrawData* data, int fb_width, int fb_height);

  // What the last render() asked of the rasterizer: draw calls, scissored clears, and the pixels
  // shaded (triangle areas, before clipping: an upper bound) and cleared.
  struct Stats {
    int draw_calls = 0;
    int clears = 0;
    double shaded_px = 0;
    double cleared_px = 0;
  };
  const Stats& stats() const { return stats_; }

  // Integer pixel bounds [x0, x1) x [y0, y1) in framebuffer coordinates (y down).
  struct PixelRect {
    int x0, y0, x1, y1;
    bool empty() const { return x1 <= x0 || y1 <= y0; }
  };

 private:
  // An opaque rectangle set by a scissored clear instead of shading: at `index` (of 6) in
  // command number `cmd` (counted over all draw lists).
  struct Fill {
    PixelRect rect;
    ImU32 color;
    size_t cmd;
    unsigned index;
  };
  // Finds the rectangles to clear (early_fills_: before any drawing, their triangles emptied in
  // indices_; in_place_fills_: in order, splitting their draw call).
  template <class ClipOf, class ToFb>
  void plan(const ImDrawData* data, const ClipOf& clip_of, const ToFb& to_fb);

  unsigned program_ = 0;
  unsigned vao_ = 0;
  unsigned vbo_ = 0;
  unsigned ibo_ = 0;
  unsigned font_texture_ = 0;
  int u_proj_ = -1;
  int u_white_ = -1;
  int u_tex_ = -1;
  ImVec2 white_uv_{0, 0};
  std::vector<ImDrawVert> vertices_;  // all draw lists, reused every frame
  std::vector<ImDrawIdx> indices_;
  size_t vbo_bytes_ = 0;
  size_t ibo_bytes_ = 0;
  Stats stats_;
  std::vector<Fill> early_fills_;
  std::vector<Fill> in_place_fills_;
  std::vector<PixelRect> drawn_;  // pixels touched so far by what plan() left to draw
};

}  // namespace jam
