#include "jam/weights.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

namespace jam {
namespace {

using Json = nlohmann::json;

constexpr size_t kMagicLen = 8;
constexpr size_t kPreambleLen = kMagicLen + 4;  // magic + u32 header_len
constexpr int64_t kMaxDim = int64_t{1} << 24;   // sanity bound for any header dimension

uint32_t read_u32_le(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void write_u32_le(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

size_t align_up(size_t n) { return (n + kJamwAlign - 1) / kJamwAlign * kJamwAlign; }

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

Status get_int(const Json& h, const char* key, int64_t lo, int64_t hi, int& out) {
  auto it = h.find(key);
  if (it == h.end()) return Status::fail(std::string("header: missing \"") + key + "\"");
  if (!it->is_number_integer())
    return Status::fail(std::string("header: \"") + key + "\" must be an integer");
  const int64_t v = it->get<int64_t>();
  if (v < lo || v > hi)
    return Status::fail(std::string("header: \"") + key + "\" = " + std::to_string(v) +
                        " outside " + std::to_string(lo) + ".." + std::to_string(hi));
  out = static_cast<int>(v);
  return {};
}

Status get_float(const Json& h, const char* key, float& out) {
  auto it = h.find(key);
  if (it == h.end()) return Status::fail(std::string("header: missing \"") + key + "\"");
  if (!it->is_number()) return Status::fail(std::string("header: \"") + key + "\" must be a number");
  const double v = it->get<double>();
  if (!(v > 0.0) || !std::isfinite(v) || v > 1e30)
    return Status::fail(std::string("header: \"") + key + "\" must be a positive finite number");
  out = static_cast<float>(v);
  return {};
}

Status get_string(const Json& h, const char* key, std::string& out) {
  auto it = h.find(key);
  if (it == h.end()) return Status::fail(std::string("header: missing \"") + key + "\"");
  if (!it->is_string()) return Status::fail(std::string("header: \"") + key + "\" must be a string");
  out = it->get<std::string>();
  return {};
}

void add_block_tensors(std::vector<std::pair<std::string, std::vector<int64_t>>>& out,
                       const std::string& prefix, int n_layers, int64_t d, int64_t ff) {
  for (int i = 0; i < n_layers; ++i) {
    const std::string p = prefix + "layers." + std::to_string(i) + ".";
    out.push_back({p + "attn_norm", {d}});
    out.push_back({p + "wq", {d, d}});
    out.push_back({p + "wk", {d, d}});
    out.push_back({p + "wv", {d, d}});
    out.push_back({p + "wo", {d, d}});
    out.push_back({p + "mlp_norm", {d}});
    out.push_back({p + "w1", {ff, d}});
    out.push_back({p + "w2", {d, ff}});
    out.push_back({p + "w3", {ff, d}});
  }
}

struct Entry {
  std::string name;
  bool is_i8 = false;
  std::vector<int64_t> shape;
  uint64_t offset = 0;
  uint64_t nbytes = 0;
};

Result<Entry> parse_entry(const Json& t, size_t index) {
  const std::string where = "tensors[" + std::to_string(index) + "]";
  if (!t.is_object()) return Error{where + ": must be an object"};
  Entry e;
  auto name = t.find("name");
  if (name == t.end() || !name->is_string() || name->get<std::string>().empty())
    return Error{where + ": missing \"name\""};
  e.name = name->get<std::string>();
  const std::string w = "tensor \"" + e.name + "\"";
  auto dtype = t.find("dtype");
  if (dtype == t.end() || !dtype->is_string()) return Error{w + ": missing \"dtype\""};
  if (*dtype == "i8") {
    e.is_i8 = true;
  } else if (*dtype != "f32") {
    return Error{w + ": unsupported dtype " + dtype->dump() + " (f32 or i8)"};
  }
  auto shape = t.find("shape");
  if (shape == t.end() || !shape->is_array() || shape->empty() || shape->size() > 4)
    return Error{w + ": \"shape\" must be an array of 1..4 dims"};
  uint64_t count = 1;
  for (const Json& dim : *shape) {
    // The message does not echo the shape: dumping a deeply nested value recurses once per
    // level and overflowed the stack (found while fuzzing; tests/core/test_fuzz_regressions.cpp).
    if (!dim.is_number_integer() || dim.get<int64_t>() <= 0 || dim.get<int64_t>() > kMaxDim)
      return Error{w + ": bad dimension " + std::to_string(e.shape.size()) +
                   " in \"shape\" (each must be an integer in 1.." + std::to_string(kMaxDim) + ")"};
    e.shape.push_back(dim.get<int64_t>());
    count *= static_cast<uint64_t>(dim.get<int64_t>());
    if (count > (uint64_t{1} << 40)) return Error{w + ": shape too large"};
  }
  auto offset = t.find("offset");
  if (offset == t.end() || !offset->is_number_integer() || offset->get<int64_t>() < 0)
    return Error{w + ": \"offset\" must be a non-negative integer"};
  e.offset = static_cast<uint64_t>(offset->get<int64_t>());
  if (e.offset % kJamwAlign != 0)
    return Error{w + ": offset " + std::to_string(e.offset) + " is not 64-byte aligned"};
  e.nbytes = count * (e.is_i8 ? 1 : 4);
  return e;
}

}  // namespace

Status validate_config(const ModelConfig& c) {
  if (c.arch != "online" && c.arch != "offline")
    return Status::fail("header: \"arch\" must be \"online\" or \"offline\", got \"" + c.arch + "\"");
  if (c.d_model <= 0 || c.n_layers <= 0 || c.n_heads <= 0 || c.d_ff <= 0 || c.vocab_size <= 0 ||
      c.max_len <= 0)
    return Status::fail("header: d_model, n_layers, n_heads, d_ff, vocab_size, max_len must be > 0");
  if (c.d_model % c.n_heads != 0)
    return Status::fail("header: d_model " + std::to_string(c.d_model) +
                        " is not divisible by n_heads " + std::to_string(c.n_heads));
  if (c.head_dim() % 2 != 0)
    return Status::fail("header: head_dim " + std::to_string(c.head_dim()) +
                        " must be even (RoPE rotates halves)");
  if (c.offline() && c.enc_layers <= 0)
    return Status::fail("header: an offline model needs enc_layers > 0");
  if (!c.offline() && c.enc_layers != 0)
    return Status::fail("header: an online model must have enc_layers 0");
  if (!(c.rope_theta > 0.0f) || !(c.norm_eps > 0.0f))
    return Status::fail("header: rope_theta and norm_eps must be > 0");
  return {};
}

std::vector<std::pair<std::string, std::vector<int64_t>>> expected_tensors(const ModelConfig& c) {
  const int64_t d = c.d_model, v = c.vocab_size, ff = c.d_ff;
  std::vector<std::pair<std::string, std::vector<int64_t>>> out;
  out.push_back({"tok_emb", {v, d}});
  add_block_tensors(out, "", c.n_layers, d, ff);
  out.push_back({"norm", {d}});
  if (!c.tie_embeddings) out.push_back({"lm_head", {v, d}});
  if (c.offline()) {
    out.push_back({"enc.tok_emb", {v, d}});
    add_block_tensors(out, "enc.", c.enc_layers, d, ff);
    out.push_back({"enc.norm", {d}});
    out.push_back({"enc_proj", {d, d}});
  }
  return out;
}

const Tensor* WeightFile::find(std::string_view name) const {
  for (const Tensor& t : tensors_)
    if (t.name == name) return &t;
  return nullptr;
}

Result<WeightFile> WeightFile::parse(std::span<const uint8_t> bytes,
                                     std::string_view expected_vocab_hash) {
  if (bytes.size() < kPreambleLen)
    return Error{"weight file truncated: " + std::to_string(bytes.size()) + " bytes"};
  if (std::memcmp(bytes.data(), kJamwMagic, kMagicLen) != 0)
    return Error{"not a .jamw weight file (bad magic; expected \"JAMW0001\")"};
  const uint64_t header_len = read_u32_le(bytes.data() + kMagicLen);
  if (header_len > bytes.size() - kPreambleLen)
    return Error{"weight file truncated: header_len " + std::to_string(header_len) +
                 " exceeds the file (" + std::to_string(bytes.size()) + " bytes)"};
  const size_t header_end = kPreambleLen + header_len;
  const size_t data_start = align_up(header_end);
  if (data_start > bytes.size())
    return Error{"weight file truncated: no room for the padding after the header"};
  for (size_t i = header_end; i < data_start; ++i)
    if (bytes[i] != 0) return Error{"corrupt weight file: non-zero padding after the header"};

  const char* hp = reinterpret_cast<const char*>(bytes.data() + kPreambleLen);
  Json h = Json::parse(hp, hp + header_len, nullptr, /*allow_exceptions=*/false);
  if (h.is_discarded()) return Error{"header: invalid JSON"};
  if (!h.is_object()) return Error{"header: JSON must be an object"};

  WeightFile wf;
  ModelConfig& c = wf.config_;
  int format = 0;
  Status s = get_int(h, "format", 1, 1, format);
  if (s) s = get_string(h, "arch", c.arch);
  if (s) s = get_int(h, "d_model", 1, 1 << 16, c.d_model);
  if (s) s = get_int(h, "n_layers", 1, 1024, c.n_layers);
  if (s) s = get_int(h, "n_heads", 1, 1024, c.n_heads);
  if (s) s = get_int(h, "d_ff", 1, 1 << 20, c.d_ff);
  if (s) s = get_int(h, "vocab_size", 1, 1 << 24, c.vocab_size);
  if (s) s = get_string(h, "vocab_hash", c.vocab_hash);
  if (s) s = get_int(h, "max_len", 1, 1 << 20, c.max_len);
  if (s) s = get_float(h, "rope_theta", c.rope_theta);
  if (s) s = get_float(h, "norm_eps", c.norm_eps);
  if (s) s = get_int(h, "enc_layers", 0, 1024, c.enc_layers);
  if (s) {
    auto tie = h.find("tie_embeddings");
    if (tie == h.end() || !tie->is_boolean())
      s = Status::fail("header: \"tie_embeddings\" must be true or false");
    else
      c.tie_embeddings = tie->get<bool>();
  }
  if (s) s = validate_config(c);
  if (!s) return Error{s.error()};
  if (!expected_vocab_hash.empty() && lower(expected_vocab_hash) != lower(c.vocab_hash))
    return Error{"vocab hash mismatch: the model was trained with vocabulary " + c.vocab_hash +
                 " but vocab.json has " + std::string(expected_vocab_hash)};

  auto tensors = h.find("tensors");
  if (tensors == h.end() || !tensors->is_array()) return Error{"header: missing \"tensors\" array"};
  const uint64_t data_size = bytes.size() - data_start;
  std::map<std::string, Entry> entries;
  for (size_t i = 0; i < tensors->size(); ++i) {
    Result<Entry> e = parse_entry((*tensors)[i], i);
    if (!e) return Error{e.error()};
    if (e->offset > data_size || e->nbytes > data_size - e->offset)
      return Error{"weight file truncated: tensor \"" + e->name + "\" (" +
                   std::to_string(e->nbytes) + " bytes at data offset " +
                   std::to_string(e->offset) + ") ends past the file's " +
                   std::to_string(data_size) + " data bytes"};
    if (!entries.emplace(e->name, *e).second)
      return Error{"header: tensor \"" + e->name + "\" listed twice"};
  }
  {
    std::vector<const Entry*> by_offset;
    for (const auto& [name, e] : entries) by_offset.push_back(&e);
    std::sort(by_offset.begin(), by_offset.end(),
              [](const Entry* a, const Entry* b) { return a->offset < b->offset; });
    for (size_t i = 1; i < by_offset.size(); ++i)
      if (by_offset[i - 1]->offset + by_offset[i - 1]->nbytes > by_offset[i]->offset)
        return Error{"header: tensors \"" + by_offset[i - 1]->name + "\" and \"" +
                     by_offset[i]->name + "\" overlap"};
  }

  const uint8_t* data = bytes.data() + data_start;
  const auto expected = expected_tensors(c);
  size_t consumed = 0;
  for (const auto& [name, shape] : expected) {
    auto it = entries.find(name);
    if (it == entries.end()) return Error{"missing tensor \"" + name + "\""};
    const Entry& e = it->second;
    ++consumed;
    if (e.shape != shape)
      return Error{"tensor \"" + name + "\" has shape " + shape_str(e.shape) + ", expected " +
                   shape_str(shape) + " from the header's dims"};
    Tensor t;
    t.name = name;
    t.shape = shape;
    const size_t count = static_cast<size_t>(e.nbytes / (e.is_i8 ? 1 : 4));
    t.data.resize(count);
    if (!e.is_i8) {
      std::memcpy(t.data.data(), data + e.offset, count * sizeof(float));
    } else {
      auto sit = entries.find(name + ".scale");
      if (sit == entries.end()) return Error{"i8 tensor \"" + name + "\" has no \".scale\" tensor"};
      const Entry& se = sit->second;
      ++consumed;
      if (se.is_i8 || se.shape != std::vector<int64_t>{shape[0]})
        return Error{"tensor \"" + se.name + "\" must be f32 of shape [" +
                     std::to_string(shape[0]) + "]"};
      std::vector<float> scale(static_cast<size_t>(shape[0]));
      std::memcpy(scale.data(), data + se.offset, scale.size() * sizeof(float));
      const size_t row_len = count / scale.size();
      for (size_t i = 0; i < count; ++i)
        t.data[i] = static_cast<float>(static_cast<int8_t>(data[e.offset + i])) * scale[i / row_len];
      t.quantized = true;
    }
    for (size_t i = 0; i < t.data.size(); ++i)
      if (!std::isfinite(t.data[i]))
        return Error{"tensor \"" + name + "\" has a non-finite value at index " + std::to_string(i)};
    wf.tensors_.push_back(std::move(t));
  }
  if (consumed != entries.size()) {
    for (const auto& [name, e] : entries) {
      bool known = false;
      for (const auto& [ename, shape] : expected)
        known = known || name == ename || name == ename + ".scale";
      if (!known) return Error{"unexpected tensor \"" + name + "\" for arch " + c.arch};
    }
    return Error{"unexpected \".scale\" tensor for an f32 tensor"};
  }
  return wf;
}

Result<std::vector<uint8_t>> encode_weight_file(const ModelConfig& c,
                                                const std::vector<Tensor>& tensors,
                                                bool quantize_i8) {
  if (Status s = validate_config(c); !s) return Error{s.error()};
  struct Blob {
    std::string name;
    const char* dtype;
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;
  };
  std::vector<Blob> blobs;
  for (const auto& [name, shape] : expected_tensors(c)) {
    const Tensor* t = nullptr;
    for (const Tensor& x : tensors)
      if (x.name == name) t = &x;
    if (!t) return Error{"encode: missing tensor \"" + name + "\""};
    size_t count = 1;
    for (int64_t dim : shape) count *= static_cast<size_t>(dim);
    if (t->shape != shape || t->data.size() != count)
      return Error{"encode: tensor \"" + name + "\" has shape " + shape_str(t->shape) +
                   ", expected " + shape_str(shape)};
    if (quantize_i8 && shape.size() == 2) {
      const size_t rows = static_cast<size_t>(shape[0]), cols = static_cast<size_t>(shape[1]);
      Blob q{name, "i8", shape, std::vector<uint8_t>(count)};
      std::vector<float> scale(rows);
      for (size_t r = 0; r < rows; ++r) {
        float amax = 0.0f;
        for (size_t k = 0; k < cols; ++k) amax = std::max(amax, std::fabs(t->data[r * cols + k]));
        scale[r] = amax > 0.0f ? amax / 127.0f : 1.0f;
        for (size_t k = 0; k < cols; ++k) {
          const float v = std::round(t->data[r * cols + k] / scale[r]);
          q.bytes[r * cols + k] = static_cast<uint8_t>(static_cast<int8_t>(std::clamp(v, -127.0f, 127.0f)));
        }
      }
      Blob sb{name + ".scale", "f32", {shape[0]}, std::vector<uint8_t>(rows * 4)};
      std::memcpy(sb.bytes.data(), scale.data(), rows * 4);
      blobs.push_back(std::move(q));
      blobs.push_back(std::move(sb));
    } else {
      Blob b{name, "f32", shape, std::vector<uint8_t>(count * 4)};
      std::memcpy(b.bytes.data(), t->data.data(), count * 4);
      blobs.push_back(std::move(b));
    }
  }
  Json h = {{"format", 1},
            {"arch", c.arch},
            {"d_model", c.d_model},
            {"n_layers", c.n_layers},
            {"n_heads", c.n_heads},
            {"d_ff", c.d_ff},
            {"vocab_size", c.vocab_size},
            {"vocab_hash", c.vocab_hash},
            {"max_len", c.max_len},
            {"rope_theta", c.rope_theta},
            {"norm_eps", c.norm_eps},
            {"tie_embeddings", c.tie_embeddings},
            {"enc_layers", c.enc_layers}};
  Json list = Json::array();
  size_t offset = 0;
  for (const Blob& b : blobs) {
    list.push_back({{"name", b.name}, {"dtype", b.dtype}, {"shape", b.shape}, {"offset", offset}});
    offset = align_up(offset + b.bytes.size());
  }
  h["tensors"] = std::move(list);
  const std::string header = h.dump();
  std::vector<uint8_t> out(kJamwMagic, kJamwMagic + kMagicLen);
  write_u32_le(out, static_cast<uint32_t>(header.size()));
  out.insert(out.end(), header.begin(), header.end());
  out.resize(align_up(out.size()), 0);
  const size_t data_start = out.size();
  for (const Blob& b : blobs) {
    out.resize(data_start + align_up(out.size() - data_start), 0);
    out.insert(out.end(), b.bytes.begin(), b.bytes.end());
  }
  return out;
}

}  // namespace jam
