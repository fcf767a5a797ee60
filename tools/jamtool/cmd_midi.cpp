// jamtool midi — convert one song between Standard MIDI Files, session JSON and the shared JSONL
// schema, through jam::Song.
//
//   jamtool midi IN OUT [--id ID] [--track NAME] [--ppq 480]
//
// IN:  .mid/.midi (melody by melody_from_midi's rule or --track; chords from a "Chords" track),
//      .json (session, docs/session_format.md), .jsonl[.gz] (the song with --id, else the first).
// OUT: .mid (write_midi), .json (session; settings at their defaults), .jsonl (one line).
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"
#include "jam/hooktheory.h"
#include "jam/midi_file.h"
#include "jam/session_json.h"
#include "tool_io.h"

namespace jam::tool {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_midi(const std::string& p) { return ends_with(p, ".mid") || ends_with(p, ".midi"); }
bool is_jsonl(const std::string& p) { return ends_with(p, ".jsonl") || ends_with(p, ".jsonl.gz"); }

}  // namespace

Result<Song> load_song(const std::string& path, const Args& args) {
  if (is_jsonl(path)) {
    const std::string want = args.get("id");
    std::optional<Result<Song>> found;
    const std::string err = for_each_line(path, [&](std::string_view line, size_t n) {
      if (found && found->ok()) return;
      Result<Song> s = parse_hooktheory_line(line);
      if (!s) {
        if (!want.empty()) std::cerr << path << ":" << n << ": skipped: " << s.error() << "\n";
        else found = Result<Song>::fail("line " + std::to_string(n) + ": " + s.error());
        return;
      }
      if (want.empty() || s->id == want) found = std::move(s);
    });
    if (!err.empty()) return Result<Song>::fail(err);
    if (!found) return Result<Song>::fail(want.empty() ? "no songs" : "no song with id " + want);
    return std::move(*found);
  }
  const std::optional<std::string> bytes = read_file(path);
  if (!bytes) return Result<Song>::fail("cannot read " + path);
  if (is_midi(path)) {
    Result<MidiFile> midi = read_midi(*bytes);
    if (!midi) return Result<Song>::fail(midi.error());
    MelodyFromMidiOptions opt;
    opt.melody_track = args.get("track");
    return melody_from_midi(*midi, opt);
  }
  if (ends_with(path, ".json")) {
    Result<Session> s = parse_session_json(*bytes);
    if (!s) return Result<Song>::fail(s.error());
    return session_to_song(*s);
  }
  return Result<Song>::fail("unknown input type (want .mid, .midi, .json, .jsonl or .jsonl.gz)");
}

int cmd_midi(const Args& args) {
  if (args.positional.size() != 2) {
    std::cerr << "usage: jamtool midi IN OUT [--id ID] [--track NAME] [--ppq 480]\n";
    return 2;
  }
  const std::string in = args.positional[0], out = args.positional[1];
  Result<Song> song = load_song(in, args);
  if (!song) {
    std::cerr << "jamtool midi: " << in << ": " << song.error() << "\n";
    return 1;
  }
  if (song->id.empty()) song->id = std::filesystem::path(in).stem().string();
  std::string bytes;
  if (is_midi(out)) {
    std::string bad;
    WriteMidiOptions opt;
    opt.ppq = args.get_int("ppq", 480, &bad);
    if (!bad.empty() || opt.ppq < 1 || opt.ppq > 0x7FFF) {
      std::cerr << "jamtool midi: --ppq must be an integer in 1..32767\n";
      return 2;
    }
    const std::vector<uint8_t> b = write_midi(*song, opt);
    bytes.assign(b.begin(), b.end());
  } else if (ends_with(out, ".jsonl")) {
    bytes = song_to_jsonl(*song) + "\n";
  } else if (ends_with(out, ".json")) {
    bytes = session_to_json(session_from_song(*song, SessionSettings{})) + "\n";
  } else {
    std::cerr << "jamtool midi: unknown output type (want .mid, .midi, .json or .jsonl)\n";
    return 2;
  }
  if (!write_file(out, bytes)) {
    std::cerr << "jamtool midi: cannot write " << out << "\n";
    return 1;
  }
  std::cerr << "jamtool midi: " << in << " -> " << out << ": " << song->melody.size() << " notes, "
            << song->chords.size() << " chords, " << song->n_frames << " frames\n";
  return 0;
}

}  // namespace jam::tool
