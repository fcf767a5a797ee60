// tiny_models.h — test helper: the small random-init models in tests/data (vocabulary, online and
// offline weights), loaded once per test program. Tests run with the repo root as working dir.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "jam/chord_vocab.h"
#include "jam/engine.h"
#include "jam/planning_stack.h"
#include "jam/prefix_cache.h"
#include "jam/weights.h"

namespace jam::testing {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::shared_ptr<const ModelBundle> tiny_bundle(const std::string& dir) {
  const std::string bytes = read_text("tests/data/" + dir + "/model.jamw");
  auto b = ModelBundle::parse(dir, read_text("tests/data/" + dir + "/vocab.json"),
                              std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  EXPECT_TRUE(b.ok()) << b.error();
  return b ? std::make_shared<const ModelBundle>(std::move(*b)) : nullptr;
}

inline const std::shared_ptr<const ModelBundle>& tiny_online() {
  static auto b = tiny_bundle("tiny_online");
  return b;
}

inline const std::shared_ptr<const ModelBundle>& tiny_offline() {
  static auto b = tiny_bundle("tiny_offline");
  return b;
}

inline PrefixCache::Factory tiny_online_factory() {
  return [] {
    auto e = Engine::create(*tiny_online()->weights);
    return e ? std::make_unique<Engine>(std::move(*e)) : nullptr;
  };
}

}  // namespace jam::testing
