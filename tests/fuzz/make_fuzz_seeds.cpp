// make_fuzz_seeds.cpp — writes seed corpora for the libFuzzer targets from real inputs.
//
//   make_fuzz_seeds OUT_DIR [REPO_ROOT] [POP909_DIR]
//
// OUT_DIR/<target>/<name> for target in protocol, midi, session, weights, chord_vocab:
// - protocol: docs/protocol.md's request and response examples, canonical requests from
//   plan_request_json (held notes, chord history, no seed/session), and a few rejected bodies;
// - midi: songs written by jam::write_midi (PPQ 480 and 96, 4/4 and 3/4, with chords), plus the
//   first POP909 files (NNN/NNN.mid) as they are and converted to our format (import_pop909_song
//   -> write_midi) when POP909_DIR exists (default REPO_ROOT/../shared/data/pop909/POP909);
// - session: docs/session_format.md's example and session_to_json(session_from_song(...));
// - weights: REPO_ROOT/tests/data/tiny_{online,offline}/model.jamw (referenced, ~180 KB each)
//   and micro models made with encode_weight_file (f32 and i8, online and offline, < 4 KB);
// - chord_vocab: REPO_ROOT/tests/data/tiny_online/vocab.json and to_json() of small vocabularies.
// Deterministic: the same inputs give the same files. Missing optional sources are skipped.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "jam/chord_vocab.h"
#include "jam/midi_file.h"
#include "jam/pop909.h"
#include "jam/protocol.h"
#include "jam/session_json.h"
#include "jam/weights.h"

namespace fs = std::filesystem;

namespace {

int g_written = 0;

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
  ++g_written;
}

void write_file(const fs::path& path, const std::vector<uint8_t>& bytes) {
  write_file(path, std::string(bytes.begin(), bytes.end()));
}

bool read_file(const fs::path& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

jam::Song demo_song(int beats_per_bar, double bpm, int bars) {
  jam::Song s;
  s.id = "seed-" + std::to_string(beats_per_bar) + "-" + std::to_string(bars);
  s.beats_per_bar = beats_per_bar;
  s.tempo_bpm = bpm;
  const int bar = 4 * beats_per_bar;
  s.n_frames = bar * bars;
  const int scale[] = {60, 62, 64, 65, 67, 69, 71, 72};
  for (int f = 0, i = 0; f < s.n_frames; f += 2 + (i % 3), ++i)
    s.melody.push_back({f, f + 1 + (i % 2), scale[(i * 3) % 8], 60 + (i * 7) % 60});
  const std::vector<jam::ChordEvent> cycle = {
      {0, 0, 0, {4, 3}, 0}, {0, 0, 9, {3, 4, 3}, 0}, {0, 0, 5, {4, 3}, 1}, {0, 0, 7, {4, 3, 3}, 2}};
  for (int b = 0; b < bars; ++b) {
    jam::ChordEvent c = cycle[static_cast<size_t>(b) % cycle.size()];
    c.on = b * bar;
    c.off = c.on + bar;
    s.chords.push_back(c);
  }
  return s;
}

void protocol_seeds(const fs::path& out) {
  // docs/protocol.md, "Request" and "Response".
  write_file(out / "doc_request.json",
             std::string(R"({"model": "online", "frame": 72, "lookahead_frames": 16, "commit_frames": 16,
 "silence_frames": 32, "temperature": 1.0, "seed": 7,
 "melody": [[0, 4, 60], [4, 8, 62], [70, null, 64]],
 "chord_tokens": [],
 "session": "tab-3f9c"})"));
  write_file(out / "doc_response.json",
             std::string(R"({"frame": 72, "chord_tokens": [3, 3, 3, 300, 260],
 "chords": [{"on": 72, "off": 80, "name": "Am7", "pitches": [45, 57, 60, 64, 67], "committed": true},
            {"on": 80, "off": 88, "name": "D7", "pitches": [38, 50, 54, 57, 60], "committed": false}],
 "server_ms": 3.1})"));
  write_file(out / "doc_error.json", std::string(R"({"error": "lookahead_frames: 40 outside 1..32", "status": 400})"));

  jam::PlanRequest r;
  r.model = "online-s";
  r.frame = 32;
  r.lookahead_frames = 16;
  r.commit_frames = 4;
  r.melody = {{0, 4, 60}, {4, 8, 62}, {8, std::nullopt, 64}};
  write_file(out / "held_note.json", jam::plan_request_json(r));
  r.seed = 123456789;
  r.session = "tab-1";
  r.temperature = 0.0;
  r.chord_tokens = std::vector<int>(40, 3);
  r.chord_tokens[0] = 300;
  write_file(out / "history.json", jam::plan_request_json(r));
  jam::PlanRequest empty;
  empty.model = "offline";
  write_file(out / "empty.json", jam::plan_request_json(empty));

  jam::PlanResponse resp;
  resp.frame = 16;
  resp.chord_tokens = std::vector<int>(32, 260);
  resp.chords = {{16, 24, "C", {48, 60, 64, 67}, true}, {24, 32, "G/B", {59, 62, 67, 71}, false}};
  resp.server_ms = 1.25;
  write_file(out / "response.json", jam::plan_response_json(resp));

  // Rejected bodies (each error path of docs/protocol.md's table).
  write_file(out / "bad_nested.json", std::string(R"({"model": [[[[[[[[[[1]]]]]]]]]]})"));
  write_file(out / "bad_type.json", std::string(R"({"model": "online", "frame": "72"})"));
  write_file(out / "bad_note.json",
             std::string(R"({"model":"online","frame":8,"lookahead_frames":16,"commit_frames":0,"silence_frames":0,"temperature":1,"melody":[[8,4,200]],"chord_tokens":[]})"));
}

void midi_seeds(const fs::path& out, const fs::path& pop909) {
  write_file(out / "song_44_480.mid", jam::write_midi(demo_song(4, 120.0, 4)));
  jam::WriteMidiOptions small;
  small.ppq = 96;
  write_file(out / "song_34_96.mid", jam::write_midi(demo_song(3, 96.5, 3), small));
  jam::Song no_chords = demo_song(4, 140.0, 2);
  no_chords.chords.clear();
  write_file(out / "melody_only.mid", jam::write_midi(no_chords));

  if (!fs::is_directory(pop909)) {
    std::cerr << "make_fuzz_seeds: no POP909 at " << pop909 << " (skipped)\n";
    return;
  }
  for (const char* key : {"001", "002", "003"}) {
    const fs::path dir = pop909 / key;
    std::string mid, chords, beats;
    if (!read_file(dir / (std::string(key) + ".mid"), mid)) continue;
    write_file(out / ("pop909_" + std::string(key) + ".mid"), mid);
    if (!read_file(dir / "chord_midi.txt", chords) || !read_file(dir / "beat_midi.txt", beats))
      continue;
    const std::vector<uint8_t> bytes(mid.begin(), mid.end());
    jam::Result<jam::Song> song = jam::import_pop909_song(bytes, chords, beats, key);
    if (song) write_file(out / ("pop909_" + std::string(key) + "_jam.mid"), jam::write_midi(*song));
  }
}

void session_seeds(const fs::path& out) {
  write_file(out / "doc_example.json", std::string(R"({"version": 1,
 "id": "jam-2024-05-01T20-15",
 "settings": {"tempo_bpm": 96.0, "beats_per_bar": 4, "silence_beats": 8.0,
              "lookahead_beats": 4.0, "commit_beats": 4.0, "model": "online-s",
              "temperature": 1.0},
 "n_frames": 64,
 "notes": [{"on_sec": 0.0, "off_sec": 0.47, "pitch": 60, "velocity": 90, "on": 0, "off": 3}],
 "chords": [[0, 12, 0, [4, 3], 0], [12, 24, 9, [3, 4, 3], 3]],
 "chord_tokens": [300, 260, 260, 3]})"));
  write_file(out / "seconds_only.json", std::string(R"({"version":1,"settings":{"tempo_bpm":90},"notes":[{"on_sec":0.1,"off_sec":0.2,"pitch":64},{"on":4,"off":8,"pitch":65,"velocity":0}],"chords":[]})"));
  jam::SessionSettings settings;
  settings.model = "online";
  jam::Session s = jam::session_from_song(demo_song(4, 120.0, 2), settings);
  s.chord_tokens = std::vector<int>(static_cast<size_t>(s.n_frames), 260);
  write_file(out / "from_song_44.json", jam::session_to_json(s));
  write_file(out / "from_song_34.json",
             jam::session_to_json(jam::session_from_song(demo_song(3, 72.0, 2), settings)));
}

jam::ModelConfig micro_config(const std::string& arch, bool tied) {
  jam::ModelConfig c;
  c.arch = arch;
  c.d_model = 4;
  c.n_layers = 1;
  c.n_heads = 2;
  c.d_ff = 4;
  c.vocab_size = 6;
  c.vocab_hash = "0123456789abcdef";
  c.max_len = 8;
  c.tie_embeddings = tied;
  c.enc_layers = arch == "offline" ? 1 : 0;
  return c;
}

void weight_seeds(const fs::path& out, const fs::path& root) {
  for (const char* name : {"tiny_online", "tiny_offline"}) {
    std::string bytes;
    if (read_file(root / "tests/data" / name / "model.jamw", bytes))
      write_file(out / (std::string(name) + ".jamw"), bytes);
  }
  for (const auto& [arch, tied] : {std::pair{"online", false}, std::pair{"offline", true}}) {
    const jam::ModelConfig c = micro_config(arch, tied);
    std::vector<jam::Tensor> tensors;
    float v = 0.01f;
    for (const auto& [name, shape] : jam::expected_tensors(c)) {
      jam::Tensor t{name, shape, {}, false};
      size_t n = 1;
      for (int64_t d : shape) n *= static_cast<size_t>(d);
      for (size_t i = 0; i < n; ++i, v = -v * 1.1f) t.data.push_back(shape.size() == 1 ? 1.0f : v);
      tensors.push_back(std::move(t));
    }
    for (bool i8 : {false, true}) {
      jam::Result<std::vector<uint8_t>> bytes = jam::encode_weight_file(c, tensors, i8);
      if (bytes)
        write_file(out / ("micro_" + std::string(arch) + (i8 ? "_i8" : "_f32") + ".jamw"), *bytes);
    }
  }
}

void vocab_seeds(const fs::path& out, const fs::path& root) {
  std::string text;
  if (read_file(root / "tests/data/tiny_online/vocab.json", text)) write_file(out / "tiny.json", text);
  write_file(out / "triads.json",
             jam::ChordVocab::from_classes({{{4, 3}, 0}, {{3, 4}, 0}}).to_json());
  write_file(out / "sevenths.json",
             jam::ChordVocab::from_chords({{0, "", 0, {4, 3, 3}, 0, {}, 0, 0},
                                           {1, "", 9, {3, 4, 3}, 1, {}, 0, 0},
                                           {2, "", 2, {2, 5}, 0, {}, 0, 0}})
                 .to_json());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: make_fuzz_seeds OUT_DIR [REPO_ROOT] [POP909_DIR]\n";
    return 2;
  }
  const fs::path out = argv[1];
  const fs::path root = argc > 2 ? fs::path(argv[2]) : fs::current_path();
  const fs::path pop909 =
      argc > 3 ? fs::path(argv[3]) : root / ".." / "shared" / "data" / "pop909" / "POP909";
  protocol_seeds(out / "protocol");
  midi_seeds(out / "midi", pop909);
  session_seeds(out / "session");
  weight_seeds(out / "weights", root);
  vocab_seeds(out / "chord_vocab", root);
  std::cout << "make_fuzz_seeds: wrote " << g_written << " seeds to " << out << "\n";
  return 0;
}
