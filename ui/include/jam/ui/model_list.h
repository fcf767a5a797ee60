// model_list.h — the models the agent may use, from the server's `GET /v1/models` body.
//
//   jam::Result<std::vector<jam::ModelOption>> r = jam::parse_online_models(body);
//
// Keeps online models only (arch "online") whose vocab_size = 260 + 2N gives a chord count N
// (the client needs N to read chord tokens). Never throws; pure function, thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "jam/result.h"
#include "jam/ui/app_state.h"

namespace jam {

Result<std::vector<ModelOption>> parse_online_models(std::string_view json);

}  // namespace jam
