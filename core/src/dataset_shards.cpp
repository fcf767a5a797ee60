#include "jam/dataset_shards.h"

#include <cstring>

#include "jam/chord_vocab.h"

namespace jam {
namespace {

template <class T>
void put_le(std::string& out, T v) {
  for (size_t i = 0; i < sizeof(T); ++i)
    out.push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xFF));
}

template <class T>
T get_le(const unsigned char* p) {
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return static_cast<T>(v);
}

}  // namespace

std::string serialize_tok_shard(const TokShard& shard) {
  std::string out;
  out.reserve(24 + 8 * shard.offsets.size() + 2 * shard.tokens.size());
  out.append(kTokMagic, 8);
  put_le<uint32_t>(out, kTokVersion);
  put_le<uint32_t>(out, static_cast<uint32_t>(shard.n_seqs()));
  put_le<uint32_t>(out, shard.vocab_size);
  put_le<uint32_t>(out, 0);
  for (uint64_t o : shard.offsets) put_le<uint64_t>(out, o);
  for (uint16_t t : shard.tokens) put_le<uint16_t>(out, t);
  return out;
}

Result<TokShard> parse_tok_shard(std::string_view bytes) {
  using R = Result<TokShard>;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 24) return R::fail(".tok: too short for the header");
  if (std::memcmp(p, kTokMagic, 8) != 0) return R::fail(".tok: bad magic");
  if (get_le<uint32_t>(p + 8) != kTokVersion) return R::fail(".tok: unsupported version");
  const uint64_t n = get_le<uint32_t>(p + 12);
  TokShard s;
  s.vocab_size = get_le<uint32_t>(p + 16);
  const uint64_t off_end = 24 + 8 * (n + 1);
  if (bytes.size() < off_end) return R::fail(".tok: truncated offsets");
  s.offsets.resize(n + 1);
  for (uint64_t i = 0; i <= n; ++i) s.offsets[i] = get_le<uint64_t>(p + 24 + 8 * i);
  if (s.offsets[0] != 0) return R::fail(".tok: offsets[0] is not 0");
  for (uint64_t i = 0; i < n; ++i)
    if (s.offsets[i + 1] < s.offsets[i])
      return R::fail(".tok: offsets decrease at " + std::to_string(i));
  const uint64_t n_tok = s.offsets[n];
  if (bytes.size() != off_end + 2 * n_tok) return R::fail(".tok: size does not match offsets");
  s.tokens.resize(n_tok);
  for (uint64_t i = 0; i < n_tok; ++i) {
    s.tokens[i] = get_le<uint16_t>(p + off_end + 2 * i);
    if (s.tokens[i] >= s.vocab_size)
      return R::fail(".tok: token " + std::to_string(i) + " >= vocab_size");
  }
  return s;
}

std::string_view split_for_key(std::string_view key) {
  const uint64_t r = fnv1a64(key) % 10;
  return r < 8 ? "train" : r == 8 ? "valid" : "test";
}

}  // namespace jam
