// browser.h — small synchronous browser services: localStorage, the page clock, randomness.
//
//   std::string saved = jam::browser::storage_get("realjam.settings");   // "" when absent
//   jam::browser::storage_set("realjam.settings", json);
//   double t = jam::browser::wall_seconds();                            // performance.now()
//
// Main thread only. Storage failures (private mode, quota) are ignored.
#pragma once

#include <cstdint>
#include <string>

namespace jam::browser {

std::string storage_get(const char* key);
void storage_set(const char* key, const std::string& value);
double wall_seconds();
uint64_t random_seed();   // 0 .. 2^53-1 (crypto.getRandomValues when present)

}  // namespace jam::browser
