// session_json.h — a recorded jam session as JSON (format: docs/session_format.md), and Song <-> session.
//
//   jam::Result<jam::Session> s = jam::parse_session_json(text);
//   jam::Song song = jam::session_to_song(*s);            // melody (monophonized) + chords
//   std::string text2 = jam::session_to_json(jam::session_from_song(song, settings));
//
// Format (version 1), one JSON object:
//   {"version": 1, "id": "...",
//    "settings": {"tempo_bpm", "beats_per_bar", "silence_beats", "lookahead_beats",
//                 "commit_beats", "model", "temperature"},
//    "n_frames": T,
//    "notes":  [{"on_sec", "off_sec", "pitch", "velocity", "on", "off"}, ...],   // as played
//    "chords": [[on, off, root_pc, [intervals], inversion], ...],               // as accompanied
//    "chord_tokens": [...]}                                                      // one per frame
// Notes keep the player's timing in seconds (from the session's first beat) and their frames;
// a note may give only seconds or only frames — the other is derived from settings.tempo_bpm
// (on: nearest frame; off: nearest frame, at least on + 1). Notes may overlap (a live player is
// not monophonic); session_to_song applies jam::monophonize. Missing settings take the defaults
// below; unknown fields are ignored (forward compatible); "version" other than 1 is an error.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "jam/result.h"
#include "jam/song.h"

namespace jam {

inline constexpr int kSessionFormatVersion = 1;

struct SessionSettings {
  double tempo_bpm = 120.0;
  int beats_per_bar = 4;
  double silence_beats = 8.0;    // the agent rests after this much melody silence
  double lookahead_beats = 4.0;  // chords are planned this far ahead
  double commit_beats = 4.0;     // planned chords this close to "now" are final
  std::string model;             // model id, e.g. "online-s"
  double temperature = 1.0;
};

struct SessionNote {
  double on_sec = 0.0;
  double off_sec = 0.0;
  int pitch = 60;
  int velocity = 100;
  Frame on = 0;
  Frame off = 0;  // exclusive
};

struct Session {
  std::string id;
  SessionSettings settings;
  Frame n_frames = 0;
  std::vector<SessionNote> notes;
  std::vector<ChordEvent> chords;
  std::vector<int> chord_tokens;  // the agent's chord token per frame (may be empty)
};

Result<Session> parse_session_json(std::string_view text);
// Compact JSON, fields in the documented order, no trailing newline.
std::string session_to_json(const Session& session);

// The session's melody (monophonized, velocities kept), chords, tempo, metre and length.
Song session_to_song(const Session& session);
// A session holding `song`: the other settings from `settings`, but tempo_bpm and beats_per_bar
// from the song; note seconds from the song's tempo; chord_tokens left empty.
Session session_from_song(const Song& song, const SessionSettings& settings);

}  // namespace jam
