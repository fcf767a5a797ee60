#include "gl_renderer.h"

#include <GLES3/gl3.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace jam {

namespace {

// The white texel's coordinates come in as a uniform; a triangle whose provoking vertex has them
// is solid (ImGui never mixes solid and textured vertices in one triangle).
constexpr const char* kVertexShader = R"(#version 300 es
uniform mat4 u_proj;
uniform vec2 u_white;
layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec2 a_uv;
layout(location = 2) in vec4 a_color;
out vec2 v_uv;
out vec4 v_color;
flat out int v_textured;
void main() {
  v_uv = a_uv;
  v_color = a_color;
  v_textured = a_uv == u_white ? 0 : 1;
  gl_Position = u_proj * vec4(a_pos, 0.0, 1.0);
}
)";

constexpr const char* kFragmentShader = R"(#version 300 es
precision mediump float;
uniform sampler2D u_tex;
in vec2 v_uv;
in vec4 v_color;
flat in int v_textured;
layout(location = 0) out vec4 out_color;
void main() {
  if (v_textured == 0) {
    out_color = v_color;
  } else {
    out_color = v_color * texture(u_tex, v_uv);
  }
}
)";

std::optional<std::string> compile(GLenum kind, const char* source, GLuint* out) {
  const GLuint shader = glCreateShader(kind);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (ok) {
    *out = shader;
    return std::nullopt;
  }
  char log[512] = {};
  glGetShaderInfoLog(shader, sizeof log, nullptr, log);
  glDeleteShader(shader);
  return std::string(kind == GL_VERTEX_SHADER ? "vertex" : "fragment") + " shader: " + log;
}

// Costs measured in headless Chromium (SwiftShader, 2 cores): a shaded pixel ~13 ns, a draw call
// ~95 us, a scissored clear ~36 us. So an opaque rectangle is cleared up front when it has at
// least kMinClearPixels pixels (and nothing drawn before it overlaps it), cleared in its place
// (splitting the draw call) from kInPlaceClearPixels, and shaded otherwise.
constexpr int kMinClearPixels = 4096;
constexpr int kInPlaceClearPixels = 32768;

// Grows a GL buffer to at least `bytes` (doubling), then replaces its start with `data`.
void upload(GLenum target, const void* data, size_t bytes, size_t* capacity) {
  if (bytes > *capacity) {
    size_t grown = *capacity == 0 ? 64 * 1024 : *capacity;
    while (grown < bytes) grown *= 2;
    glBufferData(target, static_cast<GLsizeiptr>(grown), nullptr, GL_DYNAMIC_DRAW);
    *capacity = grown;
  }
  glBufferSubData(target, 0, static_cast<GLsizeiptr>(bytes), data);
}

// The pixels whose centres a rectangle covers (what rasterizing it would fill).
int cover_lo(float edge) { return static_cast<int>(std::ceil(edge - 0.5f)); }

// Is the triangle pair at `idx` (6 indices) one of ImGui's axis-aligned rectangles
// (PrimRect: a, b, c, a, c, d), solid (the white texel), one opaque colour? Then its pixels can
// be set with a scissored glClear, which software rasterizers do at memory speed, instead of
// shading and blending each one. lo/hi get its corners, color its colour.
bool opaque_rect(const ImDrawIdx* idx, const ImDrawVert* vtx, ImVec2 white, ImVec2* lo, ImVec2* hi,
                 ImU32* color) {
  if (idx[3] != idx[0] || idx[4] != idx[2]) return false;
  const ImDrawVert& a = vtx[idx[0]];
  const ImDrawVert& b = vtx[idx[1]];
  const ImDrawVert& c = vtx[idx[2]];
  const ImDrawVert& d = vtx[idx[5]];
  if ((a.col >> IM_COL32_A_SHIFT) != 0xFF || b.col != a.col || c.col != a.col || d.col != a.col)
    return false;
  for (const ImDrawVert* p : {&a, &b, &c, &d}) {
    if (p->uv.x != white.x || p->uv.y != white.y) return false;
  }
  if (b.pos.y != a.pos.y || c.pos.x != b.pos.x || d.pos.y != c.pos.y || d.pos.x != a.pos.x)
    return false;
  *lo = ImVec2(std::min(a.pos.x, c.pos.x), std::min(a.pos.y, c.pos.y));
  *hi = ImVec2(std::max(a.pos.x, c.pos.x), std::max(a.pos.y, c.pos.y));
  *color = a.col;
  return true;
}

// Pixels covered by the triangles of indices [from, to) (before clipping).
double shaded_area(const ImDrawIdx* idx, unsigned from, unsigned to, const ImDrawVert* vtx) {
  double area = 0;
  for (unsigned i = from; i + 3 <= to; i += 3) {
    const ImVec2 a = vtx[idx[i]].pos, b = vtx[idx[i + 1]].pos, c = vtx[idx[i + 2]].pos;
    area += std::fabs((b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y)) * 0.5;
  }
  return area;
}

void vertex_layout(size_t first_vertex) {
  const auto base = static_cast<uintptr_t>(first_vertex * sizeof(ImDrawVert));
  const auto at = [base](size_t offset) { return reinterpret_cast<const void*>(base + offset); };
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert),
                        at(offsetof(ImDrawVert, pos)));
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), at(offsetof(ImDrawVert, uv)));
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ImDrawVert),
                        at(offsetof(ImDrawVert, col)));
}

}  // namespace

std::optional<std::string> GlRenderer::init() {
  GLuint vs = 0, fs = 0;
  if (auto e = compile(GL_VERTEX_SHADER, kVertexShader, &vs)) return e;
  if (auto e = compile(GL_FRAGMENT_SHADER, kFragmentShader, &fs)) {
    glDeleteShader(vs);
    return e;
  }
  program_ = glCreateProgram();
  glAttachShader(program_, vs);
  glAttachShader(program_, fs);
  glLinkProgram(program_);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(program_, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[512] = {};
    glGetProgramInfoLog(program_, sizeof log, nullptr, log);
    return std::string("shader link: ") + log;
  }
  u_proj_ = glGetUniformLocation(program_, "u_proj");
  u_white_ = glGetUniformLocation(program_, "u_white");
  u_tex_ = glGetUniformLocation(program_, "u_tex");

  glGenVertexArrays(1, &vao_);
  glGenBuffers(1, &vbo_);
  glGenBuffers(1, &ibo_);
  glBindVertexArray(vao_);
  glBindBuffer(GL_ARRAY_BUFFER, vbo_);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, ibo_);  // part of the VAO's state
  for (GLuint i = 0; i < 3; ++i) glEnableVertexAttribArray(i);
  vertex_layout(0);

  ImGuiIO& io = ImGui::GetIO();
  io.BackendRendererName = "jam_gl_renderer";
  return std::nullopt;
}

void GlRenderer::set_font_texture() {
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  if (font_texture_ == 0) glGenTextures(1, &font_texture_);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, font_texture_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(font_texture_)));
  white_uv_ = io.Fonts->TexUvWhitePixel;
}

void GlRenderer::render(const ImDrawData* data, int fb_width, int fb_height) {
  stats_ = Stats{};
  if (!data || fb_width <= 0 || fb_height <= 0 || data->TotalVtxCount == 0) return;

  // One upload for every draw list; each list's indices are relative to its first vertex.
  vertices_.clear();
  indices_.clear();
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    vertices_.insert(vertices_.end(), list->VtxBuffer.begin(), list->VtxBuffer.end());
    indices_.insert(indices_.end(), list->IdxBuffer.begin(), list->IdxBuffer.end());
  }

  const ImVec2 clip_off = data->DisplayPos;
  const ImVec2 clip_scale = data->FramebufferScale;
  const auto to_fb = [&](ImVec2 p) {
    return ImVec2((p.x - clip_off.x) * clip_scale.x, (p.y - clip_off.y) * clip_scale.y);
  };
  const auto clip_of = [&](const ImDrawCmd& cmd) {
    const ImVec2 lo = to_fb(ImVec2(cmd.ClipRect.x, cmd.ClipRect.y));
    const ImVec2 hi = to_fb(ImVec2(cmd.ClipRect.z, cmd.ClipRect.w));
    return PixelRect{std::max(0, static_cast<int>(lo.x)), std::max(0, static_cast<int>(lo.y)),
                     std::min(fb_width, static_cast<int>(hi.x)),
                     std::min(fb_height, static_cast<int>(hi.y))};
  };
  plan(data, clip_of, to_fb);

  glUseProgram(program_);
  glBindVertexArray(vao_);
  glBindBuffer(GL_ARRAY_BUFFER, vbo_);
  upload(GL_ARRAY_BUFFER, vertices_.data(), vertices_.size() * sizeof(ImDrawVert), &vbo_bytes_);
  upload(GL_ELEMENT_ARRAY_BUFFER, indices_.data(), indices_.size() * sizeof(ImDrawIdx),
         &ibo_bytes_);

  glViewport(0, 0, fb_width, fb_height);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_STENCIL_TEST);
  glEnable(GL_SCISSOR_TEST);

  const float l = data->DisplayPos.x, r = data->DisplayPos.x + data->DisplaySize.x;
  const float t = data->DisplayPos.y, b = data->DisplayPos.y + data->DisplaySize.y;
  const float proj[16] = {
      2.0f / (r - l),    0, 0, 0, 0, 2.0f / (t - b), 0, 0, 0, 0, -1, 0, (r + l) / (l - r),
      (t + b) / (b - t), 0, 1};
  glUniformMatrix4fv(u_proj_, 1, GL_FALSE, proj);
  glUniform2f(u_white_, white_uv_.x, white_uv_.y);
  glUniform1i(u_tex_, 0);
  glActiveTexture(GL_TEXTURE0);

  PixelRect scissor{0, 0, -1, -1};
  const auto set_scissor = [&](const PixelRect& r) {
    if (r.x0 == scissor.x0 && r.y0 == scissor.y0 && r.x1 == scissor.x1 && r.y1 == scissor.y1)
      return;
    glScissor(r.x0, fb_height - r.y1, r.x1 - r.x0, r.y1 - r.y0);
    scissor = r;
  };
  ImU32 clear_color = 0;  // never opaque, so the first clear sets it
  const auto clear = [&](const Fill& f) {
    set_scissor(f.rect);
    if (f.color != clear_color) {
      const ImVec4 c = ImGui::ColorConvertU32ToFloat4(f.color);
      glClearColor(c.x, c.y, c.z, 1.0f);
      clear_color = f.color;
    }
    glClear(GL_COLOR_BUFFER_BIT);
    ++stats_.clears;
    stats_.cleared_px += static_cast<double>(f.rect.x1 - f.rect.x0) * (f.rect.y1 - f.rect.y0);
  };
  for (const Fill& f : early_fills_) clear(f);

  GLuint bound_texture = 0;
  size_t first_vertex = 0, first_index = 0, cmd_number = 0;
  auto in_place = in_place_fills_.begin();
  constexpr GLenum kIndexType = sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    vertex_layout(first_vertex);
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      const size_t this_cmd = cmd_number++;
      if (cmd.UserCallback) {
        if (cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
        continue;
      }
      const PixelRect clip = clip_of(cmd);
      if (clip.empty()) continue;
      const auto texture = static_cast<GLuint>(reinterpret_cast<intptr_t>(cmd.GetTexID()));
      const ImDrawIdx* idx = indices_.data() + first_index + cmd.IdxOffset;
      const auto draw = [&](unsigned from, unsigned to) {  // indices [from, to) of this command
        if (to <= from) return;
        set_scissor(clip);
        if (texture != bound_texture) {
          glBindTexture(GL_TEXTURE_2D, texture);
          bound_texture = texture;
        }
        const auto offset =
            static_cast<uintptr_t>((first_index + cmd.IdxOffset + from) * sizeof(ImDrawIdx));
        glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(to - from), kIndexType,
                       reinterpret_cast<const void*>(offset));
        ++stats_.draw_calls;
        stats_.shaded_px += shaded_area(idx, from, to, vertices_.data() + first_vertex) *
                            clip_scale.x * clip_scale.y;
      };
      unsigned run = 0;
      for (; in_place != in_place_fills_.end() && in_place->cmd == this_cmd; ++in_place) {
        draw(run, in_place->index);
        clear(*in_place);
        run = in_place->index + 6;
      }
      draw(run, cmd.ElemCount);
    }
    first_vertex += static_cast<size_t>(list->VtxBuffer.Size);
    first_index += static_cast<size_t>(list->IdxBuffer.Size);
  }
  glDisable(GL_SCISSOR_TEST);
}

template <class ClipOf, class ToFb>
void GlRenderer::plan(const ImDrawData* data, const ClipOf& clip_of, const ToFb& to_fb) {
  early_fills_.clear();
  in_place_fills_.clear();
  drawn_.clear();
  const auto overlaps_drawn = [this](const PixelRect& r) {
    for (const PixelRect& d : drawn_) {
      if (d.x0 < r.x1 && r.x0 < d.x1 && d.y0 < r.y1 && r.y0 < d.y1) return true;
    }
    return false;
  };
  const auto mark_drawn = [this](const PixelRect& r) {
    if (!r.empty()) drawn_.push_back(r);
  };
  size_t first_vertex = 0, first_index = 0, cmd_number = 0;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    const ImDrawVert* vtx = vertices_.data() + first_vertex;
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      const size_t this_cmd = cmd_number++;
      const PixelRect clip = clip_of(cmd);
      if (cmd.UserCallback || clip.empty()) continue;
      ImDrawIdx* idx = indices_.data() + first_index + cmd.IdxOffset;
      for (unsigned i = 0; i + 3 <= cmd.ElemCount;) {
        ImVec2 lo, hi;
        ImU32 color = 0;
        if (i + 6 <= cmd.ElemCount && opaque_rect(idx + i, vtx, white_uv_, &lo, &hi, &color)) {
          lo = to_fb(lo);
          hi = to_fb(hi);
          const PixelRect r{std::max(clip.x0, cover_lo(lo.x)), std::max(clip.y0, cover_lo(lo.y)),
                            std::min(clip.x1, cover_lo(hi.x)), std::min(clip.y1, cover_lo(hi.y))};
          const int area = r.empty() ? 0 : (r.x1 - r.x0) * (r.y1 - r.y0);
          if (area >= kMinClearPixels && !overlaps_drawn(r)) {
            // Nothing drawn so far touches it: clear it before all drawing, and make its two
            // triangles empty so the draw call around it stays whole.
            early_fills_.push_back(Fill{r, color, this_cmd, i});
            std::fill(idx + i, idx + i + 6, idx[i]);
            i += 6;
            continue;
          }
          if (area >= kInPlaceClearPixels) {
            in_place_fills_.push_back(Fill{r, color, this_cmd, i});
            mark_drawn(r);
            i += 6;
            continue;
          }
        }
        const ImVec2 a = to_fb(vtx[idx[i]].pos), b = to_fb(vtx[idx[i + 1]].pos),
                     c = to_fb(vtx[idx[i + 2]].pos);
        mark_drawn(
            PixelRect{std::max(clip.x0, static_cast<int>(std::floor(std::min({a.x, b.x, c.x})))),
                      std::max(clip.y0, static_cast<int>(std::floor(std::min({a.y, b.y, c.y})))),
                      std::min(clip.x1, static_cast<int>(std::ceil(std::max({a.x, b.x, c.x})))),
                      std::min(clip.y1, static_cast<int>(std::ceil(std::max({a.y, b.y, c.y}))))});
        i += 3;
      }
    }
    first_vertex += static_cast<size_t>(list->VtxBuffer.Size);
    first_index += static_cast<size_t>(list->IdxBuffer.Size);
  }
}

}  // namespace jam
