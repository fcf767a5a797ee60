// rate_limiter.cpp — see rate_limiter.h.
#include "rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace jam {

RateLimiter::RateLimiter(double rate_per_s, double burst)
    : rate_(rate_per_s), burst_(std::max(1.0, burst)), tokens_(burst_) {}

std::optional<int> RateLimiter::take(Clock::time_point now) {
  if (rate_ <= 0) return std::nullopt;
  if (last_ && now > *last_) {
    const double elapsed = std::chrono::duration<double>(now - *last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  }
  if (!last_ || now > *last_) last_ = now;
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return std::nullopt;
  }
  return std::max(1, static_cast<int>(std::ceil((1.0 - tokens_) / rate_)));
}

std::string rate_limit_message(double rate_per_s) {
  std::ostringstream out;
  out << "rate limit: more than " << rate_per_s
      << " plan requests per second on this connection, retry later";
  return out.str();
}

}  // namespace jam
