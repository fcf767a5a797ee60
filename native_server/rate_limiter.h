// rate_limiter.h — a token bucket: at most `burst` requests at once, refilled at `rate_per_s`.
// One per connection (HTTP keep-alive connection or WebSocket), used for plan requests only:
// a live client sends one request per 16th note (16/s at 240 BPM), so the default 32/s with a
// burst of 64 never limits a real jam, while a flooding connection gets 429s instead of filling
// the inference queue that every other session shares.
//
//   jam::RateLimiter limit(ctx.options.rate_limit, ctx.options.rate_burst);
//   if (auto wait_s = limit.take(now)) reply_429(*wait_s);   // else: serve the request
//
// Not thread-safe: each instance belongs to one connection (its strand). rate_per_s <= 0
// disables the limit.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace jam {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(double rate_per_s, double burst);

  // Takes one token. nullopt: allowed. Otherwise refused, and the value is the whole number of
  // seconds (>= 1) after which one token will be available again (for Retry-After).
  std::optional<int> take(Clock::time_point now = Clock::now());

 private:
  double rate_;
  double burst_;
  double tokens_;
  std::optional<Clock::time_point> last_;
};

// The error text of a refused request: "rate limit: more than 32 plan requests per second on
// this connection, retry later".
std::string rate_limit_message(double rate_per_s);

}  // namespace jam
