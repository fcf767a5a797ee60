#include <gtest/gtest.h>

#include "jam/dataset_shards.h"
#include "jam/hooktheory.h"

namespace jam {
namespace {

const char* kLine =
    R"({"id":"VMgJjQJEgqK","split_martydepth":"train","split_sheetsage":"test","n_frames":32,)"
    R"("tonic_pc":6,"beats_per_bar":4,"melody":[[2,3,59],[4,6,59],[6,8,58]],)"
    R"("chords":[[0,8,8,[3,4,3],0],[8,16,1,[4,3,3],0],[16,24,6,[4,3,4],1],[24,32,4,[7],2]]})";

TEST(Hooktheory, ParsesALine) {
  Result<Song> r = parse_hooktheory_line(kLine);
  ASSERT_TRUE(r.ok()) << r.error();
  const Song& s = *r;
  EXPECT_EQ(s.id, "VMgJjQJEgqK");
  EXPECT_EQ(s.split, "test");  // split_sheetsage wins when non-null
  EXPECT_EQ(s.n_frames, 32);
  EXPECT_EQ(s.beats_per_bar, 4);
  EXPECT_EQ(s.tonic_pc, 6);
  ASSERT_EQ(s.melody.size(), 3u);
  EXPECT_EQ(s.melody[1].on, 4);
  EXPECT_EQ(s.melody[1].off, 6);
  EXPECT_EQ(s.melody[1].pitch, 59);
  ASSERT_EQ(s.chords.size(), 4u);
  EXPECT_EQ(s.chords[2].root_pc, 6);
  EXPECT_EQ(s.chords[2].intervals, (std::vector<int>{4, 3, 4}));
  EXPECT_EQ(s.chords[2].inversion, 1);
  EXPECT_EQ(s.chords[3].inversion,
            1);  // [7] inversion 2 (fifth in the bass) clamped to the last tone
}

TEST(Hooktheory, SplitFallsBackToMartyDepth) {
  std::string line = kLine;
  line.replace(line.find("\"test\""), 6, "null");
  Result<Song> r = parse_hooktheory_line(line);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->split, "train");
}

TEST(Hooktheory, SharedSchemaRoundTrip) {
  Result<Song> r = parse_hooktheory_line(kLine);
  ASSERT_TRUE(r.ok());
  const std::string out = song_to_jsonl(*r);
  EXPECT_EQ(out.find('\n'), std::string::npos);
  EXPECT_NE(out.find(R"("chords":[[0,8,8,[3,4,3],0],)"), std::string::npos) << out;
  Result<Song> back = parse_hooktheory_line(out);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->split, "test");
  EXPECT_EQ(song_to_jsonl(*back), out);
}

TEST(Hooktheory, MalformedLinesAreErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "invalid JSON"},
      {"{\"id\":\"x\",", "invalid JSON"},
      {"[1,2,3]", "not a JSON object"},
      {R"({"n_frames":4,"melody":[],"chords":[]})", "id"},
      {R"({"id":"x","n_frames":"4","melody":[],"chords":[]})", "n_frames"},
      {R"({"id":"x","n_frames":4,"chords":[]})", "melody"},
      {R"({"id":"x","n_frames":4,"melody":[[0,1]],"chords":[]})", "melody[0]"},
      {R"({"id":"x","n_frames":4,"melody":[],"chords":[[0,4,0,[4,3]]]})", "chords[0]"},
      {R"({"id":"x","n_frames":4,"melody":[],"chords":[[0,4,0,["a"],0]]})", "interval"},
      {R"({"id":"x","n_frames":4,"melody":[[0,8,60]],"chords":[]})", "after n_frames"},
      {R"({"id":"x","n_frames":4,"melody":[[0,1,200]],"chords":[]})", "pitch"},
      {R"({"id":"x","n_frames":8,"melody":[],"chords":[[0,4,0,[4,3],0],[2,6,0,[4,3],0]]})",
       "overlaps"},
      {R"({"id":"x","n_frames":8,"melody":[],"chords":[[0,4,13,[4,3],0]]})", "root_pc"},
  };
  for (const auto& [line, why] : cases) {
    Result<Song> r = parse_hooktheory_line(line);
    ASSERT_FALSE(r.ok()) << line;
    EXPECT_NE(r.error().find(why), std::string::npos) << line << " -> " << r.error();
  }
}

TEST(Hooktheory, PolyphonicMelodyIsMonophonized) {
  Result<Song> r = parse_hooktheory_line(
      R"({"id":"p","n_frames":8,"melody":[[0,8,60],[0,4,64],[2,4,67]],"chords":[]})");
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->melody.size(), 2u);
  EXPECT_EQ(r->melody[0].pitch, 60);
  EXPECT_EQ(r->melody[0].off, 2);
  EXPECT_EQ(r->melody[1].pitch, 67);
}

TEST(TokShard, SerializeParseRoundTrip) {
  TokShard s;
  s.vocab_size = 308;
  s.add(std::vector<int32_t>{1, 284, 192, 2});
  s.add(std::vector<int32_t>{1, 2});
  const std::string bytes = serialize_tok_shard(s);
  ASSERT_EQ(bytes.size(), 24u + 8 * 3 + 2 * 6);
  EXPECT_EQ(bytes.substr(0, 8), std::string("JAMTOK1\0", 8));
  EXPECT_EQ(static_cast<unsigned char>(bytes[12]), 2u);           // n_seqs, little-endian
  EXPECT_EQ(static_cast<unsigned char>(bytes[16]), 308u & 0xFF);  // vocab_size
  EXPECT_EQ(static_cast<unsigned char>(bytes[17]), 308u >> 8);
  Result<TokShard> back = parse_tok_shard(bytes);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->n_seqs(), 2u);
  EXPECT_EQ(back->offsets, (std::vector<uint64_t>{0, 4, 6}));
  EXPECT_EQ(back->tokens, s.tokens);
  EXPECT_EQ(back->seq(1).size(), 2u);
  EXPECT_FALSE(parse_tok_shard(bytes.substr(0, bytes.size() - 1)).ok());
  std::string bad = bytes;
  bad[0] = 'X';
  EXPECT_FALSE(parse_tok_shard(bad).ok());
  bad = bytes;
  bad[16] = 10;  // vocab_size 10 -> token 284 out of range
  bad[17] = 0;
  EXPECT_FALSE(parse_tok_shard(bad).ok());
}

TEST(TokShard, SplitForKeyIsFixedAndBalanced) {
  int counts[3] = {0, 0, 0};
  for (int i = 1; i <= 909; ++i) {
    const std::string_view s = split_for_key(std::to_string(i));
    EXPECT_EQ(s, split_for_key(std::to_string(i)));
    counts[s == "train" ? 0 : s == "valid" ? 1 : 2]++;
  }
  EXPECT_GT(counts[0], 650);
  EXPECT_GT(counts[1], 50);
  EXPECT_GT(counts[2], 50);
}

}  // namespace
}  // namespace jam
