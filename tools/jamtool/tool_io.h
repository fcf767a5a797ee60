// tool_io.h — jamtool's file I/O and path helpers (the core never touches files).
//
//   auto text = jam::tool::read_file("build/data/vocab.json");        // nullopt on error
//   jam::tool::write_file(dir / "train.tok", bytes);                   // false on error
//   jam::tool::for_each_line(path, [](std::string_view line, size_t n) { ... });   // .gz via gzip
//   -dc std::filesystem::path root = jam::tool::repo_root();               // has
//   docs/architecture.md
// Single-threaded.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jam::tool {

std::optional<std::string> read_file(const std::filesystem::path& path);
bool write_file(const std::filesystem::path& path, std::string_view bytes);
// Calls fn(line, line_number from 1) for every line; files ending in ".gz" are read through
// `gzip -dc`. Returns an error message, or an empty string on success.
std::string for_each_line(const std::filesystem::path& path,
                          const std::function<void(std::string_view, size_t)>& fn);
// The repository root: the first ancestor of the executable, then of the working directory,
// that contains docs/architecture.md and core/. Falls back to the working directory.
std::filesystem::path repo_root();
// <repo>/../shared/data (the read-only training data).
std::filesystem::path shared_data_dir();

}  // namespace jam::tool
