// fuzz_protocol.cpp — libFuzzer target for the protocol v1 parsers (core/include/jam/protocol.h).
// Input: any bytes, read as a request body and as a response body.
// Properties: the parsers never crash or throw; a request that parses also passes
// validate_plan_request, and its canonical JSON (plan_request_json) parses back to an equal request.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "jam/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  jam::Result<jam::PlanRequest> request = jam::parse_plan_request(text);
  if (request) {
    JAM_FUZZ_CHECK(!jam::validate_plan_request(*request), "a parsed request validates");
    const std::string canonical = jam::plan_request_json(*request);
    jam::Result<jam::PlanRequest> again = jam::parse_plan_request(canonical);
    JAM_FUZZ_CHECK(again.ok(), again.error().c_str());
    JAM_FUZZ_CHECK(*again == *request, "plan_request_json round trip");
    (void)jam::plan_melody_notes(*request, request->frame);
    (void)jam::is_valid_model_id(request->model);
  }

  jam::Result<jam::PlanResponse> response = jam::parse_plan_response(text);
  if (response) (void)jam::plan_response_json(*response);
  return 0;
}
