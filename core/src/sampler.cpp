#include "jam/sampler.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace jam {
namespace {

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(uint64_t seed) {
  for (uint64_t& s : s_) s = splitmix64(seed);
}

uint64_t Rng::next_u64() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::next_double() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

Sampler::Sampler(SamplerConfig config, uint64_t seed) : config_(config), rng_(seed) {}

Result<int32_t> Sampler::sample(std::span<const float> logits, std::span<const uint8_t> allowed) {
  if (logits.empty()) return Error{"sample: no logits"};
  if (!allowed.empty() && allowed.size() != logits.size())
    return Error{"sample: mask has " + std::to_string(allowed.size()) + " entries for " +
                 std::to_string(logits.size()) + " logits"};
  if (!(config_.temperature >= 0.0f) || !std::isfinite(config_.temperature))
    return Error{"sample: temperature must be a finite number >= 0"};
  if (!(config_.top_p > 0.0f && config_.top_p <= 1.0f))
    return Error{"sample: top_p must be in (0, 1]"};

  // Allowed candidates with a finite logit; -inf means "impossible", NaN is an error.
  std::vector<int32_t> ids;
  float best = -INFINITY;
  int32_t best_id = -1;
  for (size_t i = 0; i < logits.size(); ++i) {
    if (!allowed.empty() && allowed[i] == 0) continue;
    const float l = logits[i];
    if (std::isnan(l)) return Error{"sample: logit " + std::to_string(i) + " is NaN"};
    if (l == -INFINITY) continue;
    if (l == INFINITY) return Error{"sample: logit " + std::to_string(i) + " is +inf"};
    ids.push_back(static_cast<int32_t>(i));
    if (l > best) {
      best = l;
      best_id = static_cast<int32_t>(i);
    }
  }
  if (ids.empty()) return Error{"sample: the mask allows no token with a finite logit"};
  if (config_.temperature == 0.0f) return best_id;

  std::vector<double> w(ids.size());
  const double inv_t = 1.0 / static_cast<double>(config_.temperature);
  double total = 0.0;
  for (size_t i = 0; i < ids.size(); ++i) {
    w[i] = std::exp((static_cast<double>(logits[ids[i]]) - best) * inv_t);
    total += w[i];
  }
  size_t kept = ids.size();
  if (config_.top_p < 1.0f) {
    std::vector<size_t> order(ids.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return w[a] != w[b] ? w[a] > w[b] : ids[a] < ids[b];
    });
    const double target = static_cast<double>(config_.top_p) * total;
    double cum = 0.0;
    kept = 0;
    std::vector<int32_t> ids2;
    std::vector<double> w2;
    while (kept < order.size() && (kept == 0 || cum < target)) {
      cum += w[order[kept]];
      ids2.push_back(ids[order[kept]]);
      w2.push_back(w[order[kept]]);
      ++kept;
    }
    ids = std::move(ids2);
    w = std::move(w2);
    total = cum;
  }
  double u = rng_.next_double() * total;
  for (size_t i = 0; i < kept; ++i) {
    if (u < w[i]) return ids[i];
    u -= w[i];
  }
  return ids[kept - 1];  // rounding left u just past the last weight
}

}  // namespace jam
