#include "jam/ui/model_list.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace jam {

Result<std::vector<ModelOption>> parse_online_models(std::string_view text) {
  using Json = nlohmann::json;
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("models") || !j["models"].is_array()) {
    return Result<std::vector<ModelOption>>::fail("GET /v1/models: expected {\"models\": [...]}");
  }
  std::vector<ModelOption> out;
  for (const Json& m : j["models"]) {
    if (!m.is_object()) continue;
    const auto id = m.find("id");
    const auto arch = m.find("arch");
    const auto vocab = m.find("vocab_size");
    if (id == m.end() || !id->is_string() || arch == m.end() || *arch != "online") continue;
    if (vocab == m.end() || !vocab->is_number_integer()) continue;
    const int64_t size = vocab->get<int64_t>();
    if (size <= 260 || (size - 260) % 2 != 0 || size > 260 + 2 * 100000) continue;
    ModelOption o;
    o.id = id->get<std::string>();
    o.n_chords = static_cast<int>((size - 260) / 2);
    if (auto d = m.find("description"); d != m.end() && d->is_string()) o.description = *d;
    out.push_back(std::move(o));
  }
  // The server's default model goes first: it is what a user who never chose gets.
  if (auto d = j.find("default"); d != j.end() && d->is_string()) {
    auto it = std::find_if(out.begin(), out.end(), [&](const ModelOption& o) { return o.id == *d; });
    if (it != out.end()) std::rotate(out.begin(), it, it + 1);
  }
  return out;
}

std::string tab_model_id(const std::vector<ModelOption>& models, const std::string& id) {
  const std::string web = id + "-web";
  const bool listed =
      std::any_of(models.begin(), models.end(), [&](const ModelOption& m) { return m.id == web; });
  return listed ? web : id;
}

}  // namespace jam
