// dataset_shards.h — the `.tok` token shard format and the fixed split rule (docs/architecture.md,
// "Data shards"). Bytes in, bytes out; jamtool does the file I/O.
//
// .tok, little-endian: char[8] "JAMTOK1\0", u32 version (1), u32 n_seqs, u32 vocab_size,
// u32 reserved (0), u64 offsets[n_seqs + 1], u16 tokens[offsets[n_seqs]].
//
//   jam::TokShard shard;  shard.vocab_size = 260 + 2 * n;
//   shard.add(tokens);                               // one BOS ... EOS sequence
//   std::string bytes = jam::serialize_tok_shard(shard);
//   jam::Result<jam::TokShard> back = jam::parse_tok_shard(bytes);
//
// Pure functions and a value type; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jam/result.h"

namespace jam {

inline constexpr char kTokMagic[8] = {'J', 'A', 'M', 'T', 'O', 'K', '1', '\0'};
inline constexpr uint32_t kTokVersion = 1;

struct TokShard {
  uint32_t vocab_size = 0;
  std::vector<uint64_t> offsets{0};  // n_seqs + 1 entries
  std::vector<uint16_t> tokens;

  size_t n_seqs() const { return offsets.size() - 1; }
  void add(std::span<const int32_t> seq) {
    for (int32_t t : seq) tokens.push_back(static_cast<uint16_t>(t));
    offsets.push_back(tokens.size());
  }
  std::span<const uint16_t> seq(size_t i) const {
    return std::span<const uint16_t>(tokens).subspan(offsets[i], offsets[i + 1] - offsets[i]);
  }
};

std::string serialize_tok_shard(const TokShard& shard);
// Checks magic, version, sizes, monotone offsets and token ids < vocab_size.
Result<TokShard> parse_tok_shard(std::string_view bytes);

// The fixed 80/10/10 split by key (e.g. a POP909 song number): FNV-1a 64 of the key, mod 10:
// 0..7 train, 8 valid, 9 test.
std::string_view split_for_key(std::string_view key);

}  // namespace jam
