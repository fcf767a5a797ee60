#include "model_files.h"

#include <fstream>
#include <iterator>
#include <vector>

namespace jam {

namespace {

bool read_bytes(const std::filesystem::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), {});
  return !in.bad();
}

}  // namespace

Result<std::shared_ptr<const ModelBundle>> load_model_bundle(const std::filesystem::path& models_dir,
                                                             const std::string& id) {
  using R = Result<std::shared_ptr<const ModelBundle>>;
  const std::filesystem::path dir = models_dir / id;
  if (!std::filesystem::is_directory(dir)) return R::fail(dir.string() + ": no such model directory");
  std::string vocab, jamw;
  if (!read_bytes(dir / "vocab.json", &vocab)) return R::fail((dir / "vocab.json").string() + ": cannot read");
  if (!read_bytes(dir / "model.jamw", &jamw)) return R::fail((dir / "model.jamw").string() + ": cannot read");
  auto b = ModelBundle::parse(id, vocab,
                              std::span(reinterpret_cast<const uint8_t*>(jamw.data()), jamw.size()));
  if (!b) return R::fail(dir.string() + ": " + b.error());
  return std::shared_ptr<const ModelBundle>(std::make_shared<ModelBundle>(std::move(*b)));
}

}  // namespace jam
