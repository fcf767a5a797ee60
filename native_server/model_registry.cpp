// model_registry.cpp — scan DIR/*/config.json (see model_registry.h).
#include "model_registry.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "jam/protocol.h"

namespace jam {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::optional<int64_t> first_integer(const Json& j, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    auto it = j.find(k);
    if (it != j.end() && it->is_number_integer()) return it->get<int64_t>();
  }
  return std::nullopt;
}

}  // namespace

Result<ModelRegistry> ModelRegistry::scan(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Result<ModelRegistry>::fail("models directory '" + dir.string() + "' does not exist");
  }
  ModelRegistry reg;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_directory(ec)) continue;
    const std::string id = entry.path().filename().string();
    const fs::path config_path = entry.path() / "config.json";
    if (!fs::is_regular_file(config_path, ec)) continue;  // not a model directory
    if (!is_valid_model_id(id)) {  // the protocol's rule: every listed id can be requested
      reg.warnings_.push_back(id + ": id must match [A-Za-z0-9._-]{1,64}; skipped");
      continue;
    }
    std::ifstream in(config_path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    Json config;
    try {
      config = Json::parse(text.str());
    } catch (const Json::exception& e) {
      reg.warnings_.push_back(id + "/config.json: " + e.what() + "; skipped");
      continue;
    }
    if (!config.is_object()) {
      reg.warnings_.push_back(id + "/config.json: not a JSON object; skipped");
      continue;
    }
    ModelInfo m;
    m.id = id;
    m.dir = entry.path();
    if (auto it = config.find("arch"); it != config.end() && it->is_string()) m.arch = *it;
    if (auto it = config.find("description"); it != config.end() && it->is_string()) {
      m.description = *it;
    }
    m.parameters =
        first_integer(config, {"n_params", "params", "parameters", "param_count", "num_parameters"});
    m.vocab_size = first_integer(config, {"vocab_size"});
    // Training writes the architecture under "model" (clients need vocab_size = 260 + 2N).
    if (auto it = config.find("model"); !m.vocab_size && it != config.end() && it->is_object()) {
      m.vocab_size = first_integer(*it, {"vocab_size"});
    }
    for (const fs::directory_entry& f : fs::directory_iterator(entry.path(), ec)) {
      if (!f.is_regular_file(ec)) continue;
      const uint64_t bytes = f.file_size(ec);
      m.files.push_back({f.path().filename().string(), ec ? 0 : bytes});
      m.total_bytes += ec ? 0 : bytes;
    }
    std::sort(m.files.begin(), m.files.end(),
              [](const ModelFile& a, const ModelFile& b) { return a.name < b.name; });
    reg.models_.push_back(std::move(m));
  }
  std::sort(reg.models_.begin(), reg.models_.end(),
            [](const ModelInfo& a, const ModelInfo& b) { return a.id < b.id; });
  return reg;
}

const ModelInfo* ModelRegistry::find(std::string_view id) const {
  for (const ModelInfo& m : models_) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

std::string ModelRegistry::models_json() const {
  Json list = Json::array();
  for (const ModelInfo& m : models_) {
    Json files = Json::array();
    for (const ModelFile& f : m.files) files.push_back({{"name", f.name}, {"bytes", f.bytes}});
    list.push_back({{"id", m.id},
                    {"arch", m.arch},
                    {"description", m.description},
                    {"parameters", m.parameters ? Json(*m.parameters) : Json(nullptr)},
                    {"vocab_size", m.vocab_size ? Json(*m.vocab_size) : Json(nullptr)},
                    {"files", std::move(files)},
                    {"total_bytes", m.total_bytes}});
  }
  const std::string def = default_model();
  return Json{{"models", std::move(list)}, {"default", def.empty() ? Json(nullptr) : Json(def)}}
      .dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string ModelRegistry::default_model() const {
  for (const char* preferred : {"rl-m", "online"}) {
    const ModelInfo* m = find(preferred);
    if (m != nullptr && m->arch == "online") return m->id;
  }
  for (const ModelInfo& m : models_) {
    if (m.arch == "online") return m.id;
  }
  return "";
}

}  // namespace jam
