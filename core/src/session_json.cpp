#include "jam/session_json.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "jam/melody.h"
#include "jam/tempo.h"

namespace jam {
namespace {

using Json = nlohmann::ordered_json;

Result<Session> fail(std::string why) { return Result<Session>::fail(std::move(why)); }

bool is_int(const Json& j) { return j.is_number_integer() || j.is_number_unsigned(); }

// Reads an optional number field into `out`; false when present but not a number.
bool opt_number(const Json& obj, const char* name, double& out) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_number()) return false;
  out = it->get<double>();
  return std::isfinite(out);
}

bool opt_int(const Json& obj, const char* name, int64_t& out) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return true;
  if (!is_int(*it)) return false;
  out = it->get<int64_t>();
  return true;
}

constexpr int64_t kMaxFrame = 1 << 28;  // ~ 155 days at 120 bpm: anything larger is corrupt

}  // namespace

Result<Session> parse_session_json(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail("invalid JSON");
  if (!j.is_object()) return fail("not a JSON object");
  Session s;
  try {
    int64_t version = -1;
    if (!opt_int(j, "version", version) || version != kSessionFormatVersion)
      return fail("unsupported or missing \"version\" (expected 1)");
    if (auto it = j.find("id"); it != j.end() && it->is_string()) s.id = it->get<std::string>();

    if (auto it = j.find("settings"); it != j.end()) {
      if (!it->is_object()) return fail("\"settings\" is not an object");
      SessionSettings& st = s.settings;
      int64_t bpb = st.beats_per_bar;
      if (!opt_number(*it, "tempo_bpm", st.tempo_bpm) || !(st.tempo_bpm > 0 && st.tempo_bpm < 1000))
        return fail("settings.tempo_bpm must be a number in (0, 1000)");
      if (!opt_int(*it, "beats_per_bar", bpb) || bpb < 1 || bpb > 64)
        return fail("settings.beats_per_bar must be an integer in 1..64");
      st.beats_per_bar = static_cast<int>(bpb);
      if (!opt_number(*it, "silence_beats", st.silence_beats) || st.silence_beats < 0)
        return fail("settings.silence_beats must be a non-negative number");
      if (!opt_number(*it, "lookahead_beats", st.lookahead_beats) || st.lookahead_beats < 0)
        return fail("settings.lookahead_beats must be a non-negative number");
      if (!opt_number(*it, "commit_beats", st.commit_beats) || st.commit_beats < 0)
        return fail("settings.commit_beats must be a non-negative number");
      if (!opt_number(*it, "temperature", st.temperature) || st.temperature < 0)
        return fail("settings.temperature must be a non-negative number");
      if (auto m = it->find("model"); m != it->end() && !m->is_null()) {
        if (!m->is_string()) return fail("settings.model is not a string");
        st.model = m->get<std::string>();
      }
    }
    const TempoMap tempo{s.settings.tempo_bpm, s.settings.beats_per_bar};

    int64_t n_frames = 0;
    if (!opt_int(j, "n_frames", n_frames) || n_frames < 0 || n_frames > kMaxFrame)
      return fail("\"n_frames\" must be a non-negative integer");

    if (auto it = j.find("notes"); it != j.end()) {
      if (!it->is_array()) return fail("\"notes\" is not an array");
      for (size_t i = 0; i < it->size(); ++i) {
        const Json& n = (*it)[i];
        const std::string where = "notes[" + std::to_string(i) + "]";
        if (!n.is_object()) return fail(where + " is not an object");
        SessionNote note;
        const bool has_sec = n.contains("on_sec") && n.contains("off_sec");
        const bool has_frames = n.contains("on") && n.contains("off");
        if (!has_sec && !has_frames) return fail(where + ": needs on_sec/off_sec or on/off");
        int64_t pitch = -1, velocity = 100, on = 0, off = 0;
        if (!opt_int(n, "pitch", pitch) || pitch < 0 || pitch > 127) return fail(where + ": pitch outside 0..127");
        if (!opt_int(n, "velocity", velocity) || velocity < 0 || velocity > 127)
          return fail(where + ": velocity outside 0..127");
        if (!opt_number(n, "on_sec", note.on_sec) || !opt_number(n, "off_sec", note.off_sec))
          return fail(where + ": on_sec/off_sec must be numbers");
        if (!opt_int(n, "on", on) || !opt_int(n, "off", off)) return fail(where + ": on/off must be integers");
        if (!has_frames) {
          on = std::llround(tempo.seconds_to_frames(note.on_sec));
          off = std::max<int64_t>(std::llround(tempo.seconds_to_frames(note.off_sec)), on + 1);
        }
        if (!has_sec) {
          note.on_sec = tempo.frames_to_seconds(static_cast<double>(on));
          note.off_sec = tempo.frames_to_seconds(static_cast<double>(off));
        }
        if (on < 0 || off <= on || off > kMaxFrame) return fail(where + ": needs 0 <= on < off");
        if (note.off_sec < note.on_sec) return fail(where + ": off_sec before on_sec");
        note.pitch = static_cast<int>(pitch);
        note.velocity = static_cast<int>(velocity);
        note.on = static_cast<Frame>(on);
        note.off = static_cast<Frame>(off);
        s.notes.push_back(note);
      }
    }

    if (auto it = j.find("chords"); it != j.end()) {
      if (!it->is_array()) return fail("\"chords\" is not an array");
      for (size_t i = 0; i < it->size(); ++i) {
        const Json& c = (*it)[i];
        const std::string where = "chords[" + std::to_string(i) + "]";
        if (!c.is_array() || c.size() != 5 || !is_int(c[0]) || !is_int(c[1]) || !is_int(c[2]) ||
            !c[3].is_array() || !is_int(c[4]))
          return fail(where + " is not [on, off, root_pc, intervals, inversion]");
        ChordEvent e;
        const int64_t on = c[0].get<int64_t>(), off = c[1].get<int64_t>();
        if (on < 0 || off <= on || off > kMaxFrame) return fail(where + ": needs 0 <= on < off");
        e.on = static_cast<Frame>(on);
        e.off = static_cast<Frame>(off);
        const int64_t root = c[2].get<int64_t>();
        if (root < 0 || root > 11) return fail(where + ": root_pc outside 0..11");
        e.root_pc = static_cast<int>(root);
        for (const Json& iv : c[3]) {
          if (!is_int(iv) || iv.get<int64_t>() < 1 || iv.get<int64_t>() > 24)
            return fail(where + ": intervals must be integers in 1..24");
          e.intervals.push_back(iv.get<int>());
        }
        const int64_t inv = c[4].get<int64_t>();
        if (inv < 0 || inv > static_cast<int64_t>(e.intervals.size()))
          return fail(where + ": inversion outside 0..number of intervals");
        e.inversion = static_cast<int>(inv);
        if (!s.chords.empty() && e.on < s.chords.back().off) return fail(where + ": overlaps the previous chord");
        s.chords.push_back(std::move(e));
      }
    }

    if (auto it = j.find("chord_tokens"); it != j.end() && !it->is_null()) {
      if (!it->is_array()) return fail("\"chord_tokens\" is not an array");
      for (const Json& t : *it) {
        if (!is_int(t) || t.get<int64_t>() < 0 || t.get<int64_t>() > 65535)
          return fail("chord_tokens must be integers in 0..65535");
        s.chord_tokens.push_back(t.get<int>());
      }
    }
    s.n_frames = static_cast<Frame>(n_frames);
  } catch (const std::exception& e) {
    return fail(std::string("bad field: ") + e.what());
  }
  return s;
}

std::string session_to_json(const Session& s) {
  Json j;
  j["version"] = kSessionFormatVersion;
  j["id"] = s.id;
  const SessionSettings& st = s.settings;
  j["settings"] = {{"tempo_bpm", st.tempo_bpm},         {"beats_per_bar", st.beats_per_bar},
                   {"silence_beats", st.silence_beats}, {"lookahead_beats", st.lookahead_beats},
                   {"commit_beats", st.commit_beats},   {"model", st.model},
                   {"temperature", st.temperature}};
  j["n_frames"] = s.n_frames;
  Json notes = Json::array();
  for (const SessionNote& n : s.notes)
    notes.push_back({{"on_sec", n.on_sec}, {"off_sec", n.off_sec}, {"pitch", n.pitch},
                     {"velocity", n.velocity}, {"on", n.on}, {"off", n.off}});
  j["notes"] = std::move(notes);
  Json chords = Json::array();
  for (const ChordEvent& c : s.chords) chords.push_back(Json::array({c.on, c.off, c.root_pc, c.intervals, c.inversion}));
  j["chords"] = std::move(chords);
  j["chord_tokens"] = s.chord_tokens;
  return j.dump();
}

Song session_to_song(const Session& s) {
  Song song;
  song.id = s.id;
  song.tempo_bpm = s.settings.tempo_bpm;
  song.beats_per_bar = s.settings.beats_per_bar;
  std::vector<Note> notes;
  notes.reserve(s.notes.size());
  for (const SessionNote& n : s.notes) notes.push_back(Note{n.on, n.off, n.pitch, std::max(n.velocity, 1)});
  song.melody = monophonize(notes);
  song.chords = s.chords;
  song.n_frames = std::max<Frame>(s.n_frames, static_cast<Frame>(s.chord_tokens.size()));
  for (const Note& n : song.melody) song.n_frames = std::max(song.n_frames, n.off);
  for (const ChordEvent& c : song.chords) song.n_frames = std::max(song.n_frames, c.off);
  return song;
}

Session session_from_song(const Song& song, const SessionSettings& settings) {
  Session s;
  s.id = song.id;
  s.settings = settings;
  s.settings.tempo_bpm = song.tempo_bpm > 0 ? song.tempo_bpm : settings.tempo_bpm;
  s.settings.beats_per_bar = song.beats_per_bar;
  const TempoMap tempo{s.settings.tempo_bpm, s.settings.beats_per_bar};
  s.n_frames = song.n_frames;
  for (const Note& n : song.melody)
    s.notes.push_back(SessionNote{tempo.frames_to_seconds(n.on), tempo.frames_to_seconds(n.off), n.pitch,
                                  n.velocity, n.on, n.off});
  s.chords = song.chords;
  return s;
}

}  // namespace jam
