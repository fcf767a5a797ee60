// model_registry.h — the models a server offers: one per `DIR/<id>/config.json`.
//
//   jam::Result<jam::ModelRegistry> r = jam::ModelRegistry::scan("models");
//   const jam::ModelInfo* m = r->find("online");     // nullptr -> 404
//   std::string body = r->models_json();             // GET /v1/models
//
// Scanned once at startup (restart the server to pick up new models). Immutable afterwards, so
// every thread may read it without locking. config.json is written by training; the fields read
// here are optional: "arch", "description", and the parameter count under one of "n_params",
// "params", "parameters", "param_count", "num_parameters"; "vocab_size" likewise.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "jam/result.h"

namespace jam {

struct ModelFile {
  std::string name;   // relative to the model directory
  uint64_t bytes = 0;
};

struct ModelInfo {
  std::string id;                   // directory name
  std::filesystem::path dir;
  std::string arch;                 // "online" / "offline" / "" when unknown
  std::string description;
  std::optional<int64_t> parameters;
  std::optional<int64_t> vocab_size;
  std::vector<ModelFile> files;     // regular files directly in dir, sorted by name
  uint64_t total_bytes = 0;
};

class ModelRegistry {
 public:
  ModelRegistry() = default;  // no models
  // Scans `dir`; fails when dir does not exist or is not a directory. Subdirectories without a
  // readable, valid config.json (or with an id outside [A-Za-z0-9._-]) are skipped and named in
  // `warnings()`.
  static Result<ModelRegistry> scan(const std::filesystem::path& dir);

  const ModelInfo* find(std::string_view id) const;
  const std::vector<ModelInfo>& models() const { return models_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  // {"models": [{"id", "arch", "description", "parameters", "vocab_size", "files": [{"name",
  // "bytes"}], "total_bytes"}]} sorted by id; `parameters`/`vocab_size` are null when unknown.
  // + "default": default_model() (null when there is none).
  std::string models_json() const;
  // The model clients should use unless the user picks another: "rl-m" (the RL-tuned agent) when
  // present, else "online", else the first online model, else "".
  std::string default_model() const;

 private:
  std::vector<ModelInfo> models_;
  std::vector<std::string> warnings_;
};

}  // namespace jam
