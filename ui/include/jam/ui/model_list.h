// model_list.h — the models the agent may use, from the server's `GET /v1/models` body.
//
//   jam::Result<std::vector<jam::ModelOption>> r = jam::parse_online_models(body);
//   std::string id = jam::tab_model_id(*r, "rl-m");   // "rl-m-web" when the server lists it
//
// Keeps online models only (arch "online") whose vocab_size = 260 + 2N gives a chord count N
// (the client needs N to read chord tokens). Never throws; pure function, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "jam/result.h"
#include "jam/ui/app_state.h"

namespace jam {

Result<std::vector<ModelOption>> parse_online_models(std::string_view json);

// The model the in-tab agent loads for the selected one: its web size `<id>-web` (int8, ~1.5 M
// parameters) when the list has it — rl-m → rl-m-web, online → online-web — else `id` itself.
std::string tab_model_id(const std::vector<ModelOption>& models, const std::string& id);

}  // namespace jam
