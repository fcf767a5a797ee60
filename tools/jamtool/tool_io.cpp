#include "tool_io.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

namespace jam::tool {
namespace fs = std::filesystem;

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool write_file(const fs::path& path, std::string_view bytes) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

namespace {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  return q + "'";
}

}  // namespace

std::string for_each_line(const fs::path& path,
                          const std::function<void(std::string_view, size_t)>& fn) {
  if (!fs::exists(path)) return "no such file: " + path.string();
  FILE* f = nullptr;
  const bool gz = path.extension() == ".gz";
  if (gz)
    f = popen(("gzip -dc " + shell_quote(path.string())).c_str(), "r");
  else
    f = std::fopen(path.string().c_str(), "rb");
  if (!f) return "cannot open " + path.string();
  std::string line;
  size_t n = 0;
  char buf[1 << 16];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) {
    for (size_t i = 0; i < got; ++i) {
      if (buf[i] == '\n') {
        fn(line, ++n);
        line.clear();
      } else {
        line.push_back(buf[i]);
      }
    }
  }
  if (!line.empty()) fn(line, ++n);
  const int rc = gz ? pclose(f) : std::fclose(f);
  if (gz && rc != 0) return "gzip -dc failed on " + path.string();
  return "";
}

fs::path repo_root() {
  auto is_root = [](const fs::path& p) {
    std::error_code ec;
    return fs::exists(p / "docs" / "architecture.md", ec) && fs::is_directory(p / "core", ec);
  };
  std::error_code ec;
  std::vector<fs::path> starts;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) starts.push_back(exe.parent_path());
  starts.push_back(fs::current_path(ec));
  for (fs::path p : starts)
    for (; !p.empty(); p = p.parent_path()) {
      if (is_root(p)) return p;
      if (p == p.parent_path()) break;
    }
  return fs::current_path(ec);
}

fs::path shared_data_dir() { return (repo_root() / ".." / "shared" / "data").lexically_normal(); }

}  // namespace jam::tool
