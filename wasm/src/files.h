// files.h — the browser's file services for the session tools (web_shell/files.js): save bytes
// as a download, and let the user pick a file to read.
//
//   jam::download_file("jam.mid", "audio/midi", bytes);
//   picker.pick(".json,application/json", [](std::string name, std::optional<std::vector<uint8_t>> b) {
//     if (!b) return;   // cancelled or unreadable
//   });
//
// One pick at a time per FilePicker (a new pick replaces the pending callback). The picker must
// outlive its pending pick (it lives as long as the App). Main thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace jam {

void download_file(const std::string& name, const char* mime, std::span<const uint8_t> bytes);

class FilePicker {
 public:
  using Done = std::function<void(std::string name, std::optional<std::vector<uint8_t>> bytes)>;
  void pick(const char* accept, Done done);
  void on_picked(const char* name, const uint8_t* data, int size);   // from JS; size < 0: none

 private:
  Done done_;
};

}  // namespace jam
