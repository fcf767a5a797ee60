// model_files.h — native host code: reads a model directory (`<models>/<id>/vocab.json` and
// `model.jamw`) into a core ModelBundle. Used by jamtool and jam-server.
//
//   auto b = jam::load_model_bundle("models", "online");
//   if (!b) fail(b.error());   // "models/online/model.jamw: cannot read" or the parser's reason
//
// Thread-safe (no shared state).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "jam/planning_stack.h"
#include "jam/result.h"

namespace jam {

Result<std::shared_ptr<const ModelBundle>> load_model_bundle(const std::filesystem::path& models_dir,
                                                             const std::string& id);

}  // namespace jam
