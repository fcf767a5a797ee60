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

// Runs f() under the host's guard (if any) and returns its result.
template <class F>
auto PrefixCache::guarded(F f) const {
  if (!config_.guard) return f();
  decltype(f()) out{};
  config_.guard([&] { out = f(); });
  return out;
}

PrefixCache::Entry* PrefixCache::acquire(std::span<const int32_t> context,
                                         const std::string& session) {
  Entry* entry = guarded([&] { return acquire_locked(context, session); });
  if (entry && !entry->model) {
    // A new entry: make its model outside the host's lock (a fork allocates a whole KV cache,
    // ~7 MB for the full model, which would hold up every other worker's acquire and release).
    // The entry is already marked in use, so no other thread touches it meanwhile.
    entry->model = factory_();
    if (!entry->model) {
      guarded([&] {
        std::erase_if(entries_, [&](const std::unique_ptr<Entry>& e) { return e.get() == entry; });
        return 0;
      });
      return nullptr;
    }
  }
  return entry;
}

PrefixCache::Entry* PrefixCache::acquire_locked(std::span<const int32_t> context,
                                                const std::string& session) {
  // A named session keeps to its own entry: taking another session's entry for a short shared
  // prefix (BOS and a common first chord) would make two sessions overwrite each other on every
  // request. Another entry is taken only for a long shared prefix (e.g. a reconnection under a
  // new id) or by anonymous requests.
  Entry* own = nullptr;
  size_t own_len = 0;
  Entry* best = nullptr;
  size_t best_len = 0;
  for (auto& e : entries_) {
    if (e->in_use) continue;
    const size_t len = common_prefix(context, e->tokens);
    if (!session.empty() && e->session == session && (!own || len > own_len))
      own = e.get(), own_len = len;
    const bool better = !best || len > best_len ||
                        (len == best_len && e->last_used > best->last_used);
    if (better) best = e.get(), best_len = len;
  }
  const size_t min_foreign = session.empty() ? 2 : static_cast<size_t>(config_.min_shared_prefix);
  if (own && own_len + static_cast<size_t>(config_.min_shared_prefix) > best_len) {
    best = own;
    best_len = own_len;
  } else if (best && best_len < min_foreign) {
    best = nullptr;
  }
  if (!best) {
    // No reuse: take a new entry, or evict the least recently used one.
    best_len = 0;
    if (static_cast<int>(entries_.size()) < config_.max_entries) {
      entries_.push_back(std::make_unique<Entry>());  // its model is made by acquire(), unlocked
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
  guarded([&] {
    if (entry) entry->in_use = false;
    return 0;
  });
}

int PrefixCache::size() const {
  return guarded([&] { return static_cast<int>(entries_.size()); });
}

uint64_t PrefixCache::hits() const {
  return guarded([&] { return hits_; });
}

uint64_t PrefixCache::misses() const {
  return guarded([&] { return misses_; });
}

void PrefixCache::clear() {
  guarded([&] {
    for (auto& e : entries_) {
      if (e->model) e->model->reset();  // (an entry being created by acquire() has none yet)
      e->tokens.clear();
      e->keys.clear();
    }
    return 0;
  });
}

}  // namespace jam
