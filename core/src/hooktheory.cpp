#include "jam/hooktheory.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "jam/melody.h"

namespace jam {
namespace {

using Json = nlohmann::json;

Result<Song> fail(std::string why) { return Result<Song>::fail(std::move(why)); }

bool is_int(const Json& j) { return j.is_number_integer() || j.is_number_unsigned(); }

}  // namespace

Result<Song> parse_hooktheory_line(std::string_view line) {
  Json j;
  try {
    j = Json::parse(line.begin(), line.end());
  } catch (const std::exception& e) {
    return fail(std::string("invalid JSON: ") + e.what());
  }
  if (!j.is_object()) return fail("not a JSON object");
  Song s;
  try {
    if (!j.contains("id")) return fail("missing \"id\"");
    const Json& id = j["id"];
    s.id = id.is_string() ? id.get<std::string>() : id.dump();
    for (const char* field : {"split_sheetsage", "split_martydepth", "split"}) {
      auto it = j.find(field);
      if (it != j.end() && it->is_string()) {
        s.split = it->get<std::string>();
        break;
      }
    }
    if (!j.contains("n_frames") || !is_int(j["n_frames"]))
      return fail("missing or non-integer \"n_frames\"");
    s.n_frames = j["n_frames"].get<Frame>();
    if (auto it = j.find("beats_per_bar"); it != j.end() && is_int(*it))
      s.beats_per_bar = it->get<int>();
    if (s.beats_per_bar <= 0) return fail("beats_per_bar must be positive");
    if (auto it = j.find("tonic_pc"); it != j.end() && is_int(*it)) s.tonic_pc = it->get<int>();
    if (auto it = j.find("tempo_bpm"); it != j.end() && it->is_number())
      s.tempo_bpm = it->get<double>();

    auto mel = j.find("melody");
    if (mel == j.end() || !mel->is_array()) return fail("missing \"melody\" array");
    for (size_t i = 0; i < mel->size(); ++i) {
      const Json& n = (*mel)[i];
      if (!n.is_array() || n.size() < 3 || !is_int(n[0]) || !is_int(n[1]) || !is_int(n[2]))
        return fail("melody[" + std::to_string(i) + "] is not [on, off, pitch]");
      s.melody.push_back(Note{n[0].get<Frame>(), n[1].get<Frame>(), n[2].get<int>(),
                              n.size() > 3 && is_int(n[3]) ? n[3].get<int>() : 100});
    }
    auto ch = j.find("chords");
    if (ch == j.end() || !ch->is_array()) return fail("missing \"chords\" array");
    for (size_t i = 0; i < ch->size(); ++i) {
      const Json& c = (*ch)[i];
      const std::string where = "chords[" + std::to_string(i) + "]";
      if (!c.is_array() || c.size() != 5 || !is_int(c[0]) || !is_int(c[1]) || !is_int(c[2]) ||
          !c[3].is_array() || !is_int(c[4]))
        return fail(where + " is not [on, off, root_pc, intervals, inversion]");
      ChordEvent e;
      e.on = c[0].get<Frame>();
      e.off = c[1].get<Frame>();
      e.root_pc = c[2].get<int>();
      for (const Json& iv : c[3]) {
        if (!is_int(iv)) return fail(where + ": interval is not an integer");
        e.intervals.push_back(iv.get<int>());
      }
      e.inversion = c[4].get<int>();
      if (e.inversion < 0) return fail(where + ": negative inversion");
      e.inversion = std::min(e.inversion, static_cast<int>(e.intervals.size()));
      s.chords.push_back(std::move(e));
    }
  } catch (const std::exception& e) {
    return fail(std::string("bad field: ") + e.what());
  }
  s.melody = monophonize(s.melody);
  if (auto why = validate_song(s)) return fail(*why);
  return s;
}

std::string song_to_jsonl(const Song& s) {
  nlohmann::ordered_json j;
  j["id"] = s.id;
  if (!s.split.empty()) j["split"] = s.split;
  j["n_frames"] = s.n_frames;
  j["beats_per_bar"] = s.beats_per_bar;
  if (s.tonic_pc >= 0) j["tonic_pc"] = s.tonic_pc;
  auto mel = nlohmann::ordered_json::array();
  for (const Note& n : s.melody) mel.push_back({n.on, n.off, n.pitch});
  j["melody"] = std::move(mel);
  auto ch = nlohmann::ordered_json::array();
  for (const ChordEvent& c : s.chords)
    ch.push_back({c.on, c.off, c.root_pc, c.intervals, c.inversion});
  j["chords"] = std::move(ch);
  return j.dump();
}

}  // namespace jam
