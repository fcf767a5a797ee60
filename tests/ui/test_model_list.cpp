// The app's model list (ui/src/model_list.cpp): which of the server's models the agent may use,
// the server's default first, and which model the in-tab agent loads for a selection.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "jam/ui/model_list.h"

namespace jam {
namespace {

// GET /v1/models as jam-server answers it with the shipped models (trimmed to what is read).
constexpr const char* kModels = R"({"models":[
  {"id":"offline","arch":"offline","vocab_size":1460},
  {"id":"online","arch":"online","vocab_size":1460,"description":"Online MLE"},
  {"id":"online-web","arch":"online","vocab_size":1460},
  {"id":"rl-m","arch":"online","vocab_size":1460},
  {"id":"rl-m-web","arch":"online","vocab_size":1460},
  {"id":"rl-s","arch":"online","vocab_size":1460},
  {"id":"odd","arch":"online","vocab_size":1461}],"default":"rl-m"})";

std::vector<std::string> ids(const std::vector<ModelOption>& models) {
  std::vector<std::string> out;
  for (const ModelOption& m : models) out.push_back(m.id);
  return out;
}

TEST(ModelList, OnlineModelsOnlyWithTheServersDefaultFirst) {
  const auto r = parse_online_models(kModels);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(ids(*r), (std::vector<std::string>{"rl-m", "online", "online-web", "rl-m-web", "rl-s"}));
  EXPECT_EQ(r->front().n_chords, 600);
  EXPECT_EQ((*r)[1].description, "Online MLE");
}

TEST(ModelList, TheTabLoadsTheWebSizeOfTheSelectedModelWhenThereIsOne) {
  const auto r = parse_online_models(kModels);
  ASSERT_TRUE(r);
  EXPECT_EQ(tab_model_id(*r, "rl-m"), "rl-m-web");
  EXPECT_EQ(tab_model_id(*r, "online"), "online-web");
  EXPECT_EQ(tab_model_id(*r, "rl-s"), "rl-s") << "no web size: the model itself";
  EXPECT_EQ(tab_model_id(*r, "rl-m-web"), "rl-m-web");
}

TEST(ModelList, MalformedListsAreErrorsNotExceptions) {
  EXPECT_FALSE(parse_online_models("not json"));
  EXPECT_FALSE(parse_online_models(R"({"models":3})"));
  const auto r = parse_online_models(R"({"models":[7,{"id":1},{"id":"x","arch":"online"}]})");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
}

}  // namespace
}  // namespace jam
