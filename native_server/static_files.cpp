// static_files.cpp — see static_files.h.
#include "static_files.h"

#include <array>
#include <string>
#include <system_error>
#include <utility>

namespace jam {
namespace {

namespace fs = std::filesystem;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// %-decodes `in`; nullopt on a malformed escape, an encoded '/' or '\', or a control byte.
std::optional<std::string> decode_path(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      if (c == '/' || c == '\\') return std::nullopt;  // encoded separators
      i += 2;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::optional<fs::path> resolve_static_path(const fs::path& web_root, std::string_view target) {
  if (size_t cut = target.find_first_of("?#"); cut != std::string_view::npos) {
    target = target.substr(0, cut);
  }
  if (target.empty() || target.front() != '/') return std::nullopt;
  std::optional<std::string> decoded = decode_path(target);
  if (!decoded) return std::nullopt;

  fs::path path = web_root;
  size_t pos = 1;
  while (pos <= decoded->size()) {
    size_t next = decoded->find('/', pos);
    if (next == std::string::npos) next = decoded->size();
    std::string_view seg(decoded->data() + pos, next - pos);
    pos = next + 1;
    if (seg.empty()) continue;
    if (seg.front() == '.') return std::nullopt;  // ".", "..", dotfiles
    path /= std::string(seg);
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) path /= "index.html";
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  return path;
}

std::string_view mime_type(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 20> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".wasm", "application/wasm"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".svg", "image/svg+xml"},
      {".ico", "image/vnd.microsoft.icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".md", "text/markdown; charset=utf-8"},
      {".map", "application/json"},
      {".onnx", "application/octet-stream"},
      {".mid", "audio/midi"},
      {".midi", "audio/midi"},
      {".woff2", "font/woff2"},
  }};
  size_t dot = path.rfind('.');
  size_t slash = path.find_last_of("/\\");
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  std::string ext;
  for (char c : path.substr(dot)) ext.push_back(lower(c));
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

}  // namespace jam
