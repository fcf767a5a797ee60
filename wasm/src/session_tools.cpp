#include "session_tools.h"

#include <emscripten/emscripten.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "jam/midi_file.h"

// clang-format off
EM_JS(void, jam_js_tools_init, (void* self), {
  if (!window.jam) window.jam = {};
  window.jam._tools = {};
  window.jam.tools = function() { return JSON.parse(JSON.stringify(window.jam._tools)); };
  window.jam.loadSession = function(text) {
    var n = lengthBytesUTF8(text) + 1, p = _malloc(n);
    stringToUTF8(text, p, n);
    Module['_jam_tools_load_session'](self, p);
    _free(p);
  };
});
EM_JS(void, jam_js_tools_publish, (const char* json), {
  if (window.jam) window.jam._tools = JSON.parse(UTF8ToString(json));
});
EM_JS(char*, jam_js_session_id, (), {
  var d = new Date();
  var pad = function(v) { return ('0' + v).slice(-2); };
  var id = 'jam-' + d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' +
           pad(d.getHours()) + '-' + pad(d.getMinutes()) + '-' + pad(d.getSeconds());
  var n = lengthBytesUTF8(id) + 1, p = _malloc(n);
  stringToUTF8(id, p, n);
  return p;
});
// clang-format on

extern "C" EMSCRIPTEN_KEEPALIVE void jam_tools_load_session(jam::SessionTools* self, const char* text) {
  self->load_session_text(text);
}

namespace jam {

namespace {

SessionSettings session_settings(const JamSettings& st, const std::string& model) {
  SessionSettings s;
  s.tempo_bpm = st.tempo_bpm;
  s.beats_per_bar = st.beats_per_bar;
  s.silence_beats = st.silence_beats;
  s.lookahead_beats = st.lookahead_beats;
  s.commit_beats = st.commit_beats;
  s.model = model;
  s.temperature = st.temperature;
  return s;
}

const char* kind_name(ChordCommand::Kind k) {
  switch (k) {
    case ChordCommand::Kind::kStart: return "start";
    case ChordCommand::Kind::kStop: return "stop";
    case ChordCommand::Kind::kStopAll: return "stopAll";
  }
  return "";
}

std::string summary(int notes, size_t chords) {
  char line[64];
  std::snprintf(line, sizeof line, "%d notes, %zu chords", notes, chords);
  return line;
}

}  // namespace

SessionTools::SessionTools(AppState& state, AudioOut& audio, JamController& jam)
    : state_(state), audio_(audio), jam_(jam), player_(state, audio) {}

void SessionTools::init() {
  jam_js_tools_init(this);
  player_.set_command_observer([this](const ChordCommand& c) {
    replay_commands_.push_back(c);
    midi_out_.chord(c);
    ++version_;
  });
  player_.set_note_observer([this](int pitch, int velocity, bool on, double t) {
    midi_out_.user_note(pitch, velocity, on, t);
  });
  midi_out_.start([this](const MidiOutput::Devices& d) {
    panel_.midi_out_available = d.available;
    panel_.midi_out_status = d.status;
    panel_.midi_outputs = d.devices;
    ++version_;
  });
  ++version_;
}

void SessionTools::note(int pitch, int velocity, bool on, double now_sec) {
  if (jam_.active()) {
    if (on) {
      recorder_.note_on(pitch, velocity, now_sec);
    } else {
      recorder_.note_off(pitch, now_sec);
    }
    ++version_;
  }
  midi_out_.user_note(pitch, velocity, on, now_sec);
}

void SessionTools::command(const ChordCommand& c) {
  recorder_.chord(c);
  midi_out_.chord(c);
  ++version_;
}

void SessionTools::jam_started(double now_sec) {
  player_.stop(now_sec);
  const ModelOption* m = state_.model();
  char* id = jam_js_session_id();
  recorder_.begin(session_settings(state_.settings, m ? m->id : std::string()), id ? id : "jam");
  std::free(id);
  loaded_is_last_ = false;
  ++version_;
}

void SessionTools::jam_stopped(double now_sec) {
  if (!recorder_.recording()) return;
  std::vector<int> tokens;
  if (const JamScheduler* sc = jam_.scheduler()) {
    if (sc->current_frame() >= 0) recorder_.set_origin(sc->session_start_sec());
    tokens = sc->chord_stream();
    tokens.resize(std::min(tokens.size(), static_cast<size_t>(std::max(0, sc->locked_frames()))));
  }
  recorder_.end(now_sec, std::move(tokens));
  ++version_;
}

std::optional<Session> SessionTools::last_session(double now_sec) const {
  if (loaded_ && (loaded_is_last_ || recorder_.empty())) return loaded_;
  if (recorder_.empty() || !recorder_.has_origin()) return std::nullopt;
  return recorder_.session(now_sec);
}

void SessionTools::download_midi(const Song& song, const std::string& name) {
  WriteMidiOptions opt;
  opt.melody_channel = MidiOutput::kUserChannel;
  opt.chord_channel = MidiOutput::kChordChannel;
  const std::vector<uint8_t> bytes = write_midi(song, opt);
  download_file(name, "audio/midi", bytes);
}

void SessionTools::load_session_text(const std::string& text) {
  Result<Session> s = parse_session_json(text);
  if (!s) {
    panel_.notice = "not a session file: " + s.error();
    ++version_;
    return;
  }
  if (jam_.active()) {
    panel_.notice = "stop the jam before loading a session";
    ++version_;
    return;
  }
  loaded_ = *s;
  loaded_is_last_ = true;
  replay_commands_.clear();
  player_.play(take_from_session(*s), audio_.now());
  panel_.notice = "replaying " + (s->id.empty() ? std::string("session") : s->id) + " (" +
                  summary(static_cast<int>(s->notes.size()), s->chords.size()) + ")";
  ++version_;
}

void SessionTools::harmonize(Song melody) {
  melody.chords.clear();
  HarmonizeOptions opt;
  opt.temperature = state_.settings.temperature;
  opt.seed = 0;
  opt.chord_rate = state_.settings.chord_rate;
  opt.colour = state_.settings.colour;
  panel_.busy = true;
  // The Offline model (7 M parameters) runs on the server only, also when the agent is in the tab.
  panel_.notice = state_.settings.agent == AgentLocation::kTab
                      ? "the agent is in the tab, but harmonizing runs on the server's Offline model"
                      : "";
  ++version_;
  harmonizer_.harmonize(melody, opt, [this](Result<Song> r) {
    panel_.busy = false;
    ++version_;
    if (!r) {
      panel_.notice = r.error();
      if (state_.settings.agent == AgentLocation::kTab) {
        panel_.notice += " (harmonizing needs the server's Offline model, also with the agent in the tab)";
      }
      return;
    }
    harmonization_ = std::move(*r);
    const Song& h = *harmonization_;
    char line[96];
    std::snprintf(line, sizeof line, "%d bars, %zu chords", h.n_frames / std::max(1, h.beats_per_bar * 4),
                  h.chords.size());
    panel_.harmonization_text = line;
    panel_.notice = "harmonized (" + std::string(line) + ", offline model '" + harmonizer_.model() + "')";
    if (!jam_.active()) {
      replay_commands_.clear();
      player_.play(take_from_song(h), audio_.now());
    }
  });
}

void SessionTools::update(double now_sec) {
  if (recorder_.recording()) {
    if (const JamScheduler* sc = jam_.scheduler(); sc && sc->current_frame() >= 0 && !recorder_.has_origin()) {
      recorder_.set_origin(sc->session_start_sec());
      ++version_;
    }
    if (!jam_.active()) jam_stopped(now_sec);
  }
  const bool was = player_.playing();
  player_.update(now_sec);
  if (was != player_.playing()) ++version_;

  const Session* last = loaded_ && (loaded_is_last_ || recorder_.empty()) ? &*loaded_ : nullptr;
  panel_.has_recording = last != nullptr || (!recorder_.empty() && recorder_.has_origin());
  if (last) {
    panel_.recording_text = summary(static_cast<int>(last->notes.size()), last->chords.size());
  } else if (panel_.has_recording) {
    panel_.recording_text = summary(recorder_.note_count(), static_cast<size_t>(recorder_.chord_count())) +
                            (recorder_.recording() ? " (recording)" : "");
  }
  panel_.replaying = player_.playing();
  panel_.has_harmonization = harmonization_.has_value();
  publish();
}

void SessionTools::draw(const Rect& area, float scale) {
  const double now = audio_.now();
  const SessionPanelActions a = session_panel(area, panel_, state_, scale);
  if (a.download_midi || a.download_session) {
    if (std::optional<Session> s = last_session(now)) {
      const std::string base = s->id.empty() ? std::string("session") : s->id;
      if (a.download_midi) {
        Song song = session_to_song(*s);
        download_midi(song, base + ".mid");
      } else {
        const std::string text = session_to_json(*s);
        download_file(base + ".json", "application/json",
                      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
      }
    }
  }
  if (a.load_session) {
    picker_.pick(".json,application/json", [this](std::string, std::optional<std::vector<uint8_t>> b) {
      if (!b) return;
      load_session_text(std::string(b->begin(), b->end()));
    });
  }
  if (a.stop_replay) player_.stop(now);
  if (a.harmonize_file) {
    picker_.pick(".mid,.midi,audio/midi", [this](std::string name, std::optional<std::vector<uint8_t>> b) {
      if (!b) return;
      Result<MidiFile> m = read_midi(std::span<const uint8_t>(*b));
      Result<Song> song = m ? melody_from_midi(*m, {.melody_track = "", .read_chords = false})
                            : Result<Song>::fail(m.error());
      if (!song) {
        panel_.notice = name + ": " + song.error();
        ++version_;
        return;
      }
      if (song->id.empty()) song->id = name.substr(0, name.find_last_of('.'));
      harmonize(std::move(*song));
    });
  }
  if (a.harmonize_last) {
    if (std::optional<Session> s = last_session(now)) {
      Song song = session_to_song(*s);
      song.id = (s->id.empty() ? std::string("session") : s->id) + "-harmonized";
      harmonize(std::move(song));
    }
  }
  if (a.play_harmonization && harmonization_) {
    replay_commands_.clear();
    player_.play(take_from_song(*harmonization_), now);
  }
  if (a.download_harmonization && harmonization_) {
    download_midi(*harmonization_,
                  (harmonization_->id.empty() ? std::string("harmonized") : harmonization_->id) + ".mid");
  }
  if (a.midi_output_changed) {
    midi_out_.select(panel_.midi_output);
    midi_out_.set_user_notes(panel_.midi_out_user_notes);
    ++version_;
  }
  if (a.download_midi || a.download_session || a.load_session || a.harmonize_file ||
      a.harmonize_last || a.play_harmonization || a.stop_replay) {
    ++version_;
  }
}

void SessionTools::publish() {
  if (version_ == published_version_) return;
  published_version_ = version_;
  using Json = nlohmann::json;
  Json cmds = Json::array();
  for (const ChordCommand& c : replay_commands_) {
    cmds.push_back({{"kind", kind_name(c.kind)}, {"time", c.time_sec}, {"frame", c.frame}, {"pitches", c.pitches}});
  }
  Json devices = Json::array();
  for (const MidiDevice& d : panel_.midi_outputs) devices.push_back({{"id", d.id}, {"name", d.name}});
  Json h = nullptr;
  if (harmonization_) {
    Json chords = Json::array();
    for (const ChordEvent& c : harmonization_->chords) {
      chords.push_back({{"on", c.on}, {"off", c.off}, {"name", chord_name(c.root_pc, c.intervals, c.inversion)},
                        {"pitches", chord_voicing(c)}});
    }
    h = {{"frames", harmonization_->n_frames}, {"chords", chords}, {"notes", harmonization_->melody.size()},
         {"serverMs", harmonizer_.last_server_ms()}, {"model", harmonizer_.model()}};
  }
  Json j = {{"recording", recorder_.recording()},
            {"notes", recorder_.note_count()},
            {"chords", recorder_.chord_count()},
            {"hasSession", panel_.has_recording},
            {"replaying", player_.playing()},
            {"replayOrigin", player_.origin_sec()},
            {"replayCommands", cmds},
            {"harmonization", h},
            {"notice", panel_.notice},
            {"busy", panel_.busy},
            {"midiOut", {{"available", panel_.midi_out_available}, {"status", panel_.midi_out_status},
                         {"devices", devices}, {"selected", midi_out_.selected()},
                         {"userNotes", panel_.midi_out_user_notes}}}};
  std::string text = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text == published_) return;
  published_ = std::move(text);
  jam_js_tools_publish(published_.c_str());
}

}  // namespace jam
