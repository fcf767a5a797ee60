#include "jam/prefix_cache.h"

#include <algorithm>

namespace jam {

PrefixCache::PrefixCache(Factory factory, PrefixCacheConfig config)
    : factory_(std::move(factory)), config_(config) {
  config_.max_entries = std::max(1, config_.max_entries);
}

namespace {

size_t common_prefix(std::span<const int32_t> a, const std::vector<int32_t>& b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

PrefixCache::Entry* PrefixCache::acquire(std::span<const int32_t> context,
                                         const std::string& session) {
  Entry* best = nullptr;
  size_t best_len = 0;
  for (auto& e : entries_) {
    if (e->in_use) continue;
    const size_t len = common_prefix(context, e->tokens);
    const bool better = !best || len > best_len ||
                        (len == best_len && (e->session == session) > (best->session == session)) ||
                        (len == best_len && (e->session == session) == (best->session == session) &&
                         e->last_used > best->last_used);
    if (better) best = e.get(), best_len = len;
  }
  // A prefix of BOS alone is no reuse: take a new entry, or evict the least recently used one.
  if (!best || best_len <= 1) {
    best = nullptr;
    best_len = 0;
    if (static_cast<int>(entries_.size()) < config_.max_entries) {
      auto e = std::make_unique<Entry>();
      e->model = factory_();
      if (!e->model) return nullptr;
      entries_.push_back(std::move(e));
      best = entries_.back().get();
    } else {
      for (auto& e : entries_)
        if (!e->in_use && (!best || e->last_used < best->last_used)) best = e.get();
      if (!best) return nullptr;
    }
  }
  if (best_len > 1) ++hits_; else ++misses_;
  best->in_use = true;
  best->last_used = ++clock_;
  best->session = session;
  return best;
}

void PrefixCache::release(Entry* entry) {
  if (entry) entry->in_use = false;
}

void PrefixCache::clear() {
  for (auto& e : entries_) {
    e->model->reset();
    e->tokens.clear();
    e->keys.clear();
  }
}

}  // namespace jam
