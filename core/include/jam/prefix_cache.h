// prefix_cache.h — KV state kept across stateless plan requests.
//
// The cache owns a bounded pool of SequenceModel instances (made by a factory that shares one
// set of weights). Each entry remembers the tokens its model holds and, per position, how the
// token came to be: forced (given by the request) or sampled under a sampling key (seed,
// temperature, top-p). A new plan acquires:
//   - for a named session, the entry that session used last, unless another free entry shares
//     at least `min_shared_prefix` more tokens with the new context (a reconnection under a new
//     id); never another session's entry for a short shared prefix (two sessions would then
//     overwrite each other's state on every request);
//   - otherwise (or anonymous) the entry sharing the longest prefix (anonymous: longer than BOS;
//     named: at least `min_shared_prefix`), else a new entry while there is room, else the least
//     recently used one.
// Entries are never shared by two plans at once.
//
//   jam::PrefixCache cache(factory, config);   // config.max_entries = 16, ...
//   jam::PrefixCache::Entry& e = cache.acquire(context_prefix, session);
//   ... e.model->feed(...); e.tokens / e.keys track what the model holds ...
//   cache.release(e);
//
// Correct when a client edits history: matching compares tokens, so an edited frame simply ends
// the shared prefix there. Not thread-safe by itself (core creates no threads); a host that
// shares one cache between inference workers passes a `guard` (its mutex) in the config, and
// each acquired entry then belongs to one plan until released.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "jam/model.h"

namespace jam {

struct PrefixCacheConfig {
  int max_entries = 8;         // model instances kept (each holds one KV cache)
  int min_shared_prefix = 32;  // tokens a foreign entry must share to be taken (see above)
  // Host-provided mutual exclusion: runs `critical` while holding the host's lock. Empty = the
  // cache is used from one thread.
  std::function<void(const std::function<void()>& critical)> guard;
};

class PrefixCache {
 public:
  using Factory = std::function<std::unique_ptr<SequenceModel>()>;

  struct Entry {
    std::unique_ptr<SequenceModel> model;
    std::vector<int32_t> tokens;  // tokens the model holds, positions 0..tokens.size()-1
    std::vector<uint64_t> keys;   // per position: 0 = forced, else the sampling key
    std::string session;
    uint64_t last_used = 0;
    bool in_use = false;
  };

  PrefixCache(Factory factory, PrefixCacheConfig config = {});

  // The entry holding the longest prefix of `context` (tokens known before any sampling), or a
  // fresh/least-recently-used one. Returns nullptr when every entry is in use and the pool is full.
  Entry* acquire(std::span<const int32_t> context, const std::string& session);
  void release(Entry* entry);

  // Drops every cached state (e.g. after a model reload).
  void clear();

  int size() const;
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  template <class F>
  auto guarded(F f) const;
  Entry* acquire_locked(std::span<const int32_t> context, const std::string& session);

  Factory factory_;
  PrefixCacheConfig config_;
  std::vector<std::unique_ptr<Entry>> entries_;
  uint64_t clock_ = 0;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace jam
