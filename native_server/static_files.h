// static_files.h — safe mapping of request targets to files under the web root, and MIME types.
//
//   auto path = jam::resolve_static_path(web_root, "/app/main.js?v=3");   // nullopt -> 404
//   std::string_view type = jam::mime_type(path->string());
//
// Rules (each violation -> nullopt): the target starts with '/'; encoded slashes (%2F, %5C),
// backslashes, bad %-escapes, NUL and other control bytes are refused; after %-decoding no
// segment may be "." / ".." or start with '.' (no dotfiles); "/" and directories map to their
// index.html (never a listing); the result must be a regular file. Query and fragment are
// ignored. Pure functions apart from stat(); thread-safe.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

namespace jam {

std::optional<std::filesystem::path> resolve_static_path(const std::filesystem::path& web_root,
                                                         std::string_view target);

// MIME type by extension (case-insensitive); application/octet-stream when unknown.
std::string_view mime_type(std::string_view path);

}  // namespace jam
