// prefix_cache.h — KV state kept across stateless plan requests.
//
// The cache owns a bounded pool of SequenceModel instances (made by a factory that shares one
// set of weights). Each entry remembers the tokens its model holds and, per position, how the
// token came to be: forced (given by the request) or sampled under a sampling key (seed,
// temperature, top-p). A new plan acquires the entry that shares the longest token prefix with
// the new context (ties: the same session, then the most recent), or the least recently used one
// (reset) when nothing matches. Entries are never shared by two plans at once.
//
//   jam::PrefixCache cache(factory, {.max_entries = 16});
//   jam::PrefixCache::Entry& e = cache.acquire(context_prefix, session);
//   ... e.model->feed(...); e.tokens / e.keys track what the model holds ...
//   cache.release(e);
//
// Correct when a client edits history: matching compares tokens, so an edited frame simply ends
// the shared prefix there. Not thread-safe: one cache per inference worker.
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
  int max_entries = 8;  // model instances kept (each holds one KV cache)
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

  int size() const { return static_cast<int>(entries_.size()); }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  Factory factory_;
  PrefixCacheConfig config_;
  std::vector<std::unique_ptr<Entry>> entries_;
  uint64_t clock_ = 0;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace jam
