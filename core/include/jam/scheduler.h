// scheduler.h — the client side of a jam: turns the user's notes and the agent's plans into plan
// requests and sample-accurate chord commands on the host's audio clock.
//
// Session flow: start() arms the session; the first note starts the clock (frame 0 at that
// note's time) and the silence period; from then on the host calls advance(now) every UI frame.
// At each new frame the scheduler asks for a plan from the next frame; requests are pipelined (up
// to `max_in_flight`, answered in order; a stale answer is ignored — requests are stateless). A response's
// commit period is locked at once; any other frame is locked when the clock comes within
// `lock_ahead_sec` of it, from the newest plan that covers it. Locked frames never change, and
// each locked frame's chord is turned into audio commands at its exact grid time — so chords are
// scheduled ahead on the audio clock, never late, never twice. A frame no plan covers when it is
// locked rests (SILENCE), and `server_slow()` says so; nothing is ever played in the silence
// period. The chord stream echoed to the agent is the locked frames plus the newest plan after.
//
//   jam::JamScheduler s({.tempo = {80, 4}, .lookahead_frames = 16, .commit_frames = 16,
//                        .silence_frames = 32});
//   s.start();
//   s.note_on(60, 100, audio_now);            // first note: clock starts
//   s.advance(audio_now);                     // every UI frame
//   if (auto r = s.take_request()) send(*r);  // PlanRequest for the agent
//   s.on_response(resp);                      // when the agent answers
//   for (auto& c : s.take_commands()) audio.schedule(c);
//
// Chord names and voicings come from the vocabulary, or — for a client that has no vocabulary,
// e.g. the browser talking to a remote agent — from the responses themselves: construct with the
// vocabulary size N only and each response's `chords` (name + pitches) teach the scheduler the
// chords its `chord_tokens` name. Both ways give the same commands for the same responses.
//
// The host owns time (seconds on its audio clock, monotonic). Single-threaded: call everything
// from the thread that owns the scheduler.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jam/chord_vocab.h"
#include "jam/protocol.h"
#include "jam/song.h"
#include "jam/tempo.h"

namespace jam {

struct SchedulerConfig {
  TempoMap tempo{80.0, 4};
  int lookahead_frames = 16;
  int commit_frames = 16;
  int silence_frames = 32;
  double temperature = 1.0;
  std::string model = "online";
  uint64_t seed = 0;
  double lock_ahead_sec = 0.10;  // how far ahead of the clock frames are locked and scheduled
  int max_in_flight = 8;         // requests sent and not yet answered
};

enum class SessionState { kIdle, kArmed, kListening, kJamming, kStopped };
const char* session_state_name(SessionState s);

// An instruction for the audio host, at an absolute time on its clock.
struct ChordCommand {
  enum class Kind { kStart, kStop, kStopAll } kind = Kind::kStart;  // kStopAll: silence now, drop what is scheduled later
  double time_sec = 0;
  Frame frame = 0;
  int chord_id = -1;          // kStart: the chord; kStop: the chord that stops
  std::vector<int> pitches;   // kStart: the voicing
};

// A chord as the UI draws it: locked (committed) chords are final, the rest may still change.
struct ScheduledChord {
  Frame on = 0, off = 0;
  int chord_id = -1;
  std::string name;
  std::vector<int> pitches;   // its voicing (empty while unknown)
  bool committed = false;
};

class JamScheduler {
 public:
  // `vocab` must outlive the scheduler.
  JamScheduler(const ChordVocab& vocab, SchedulerConfig config);
  // Without a vocabulary: n_chords = N (vocab_size = 260 + 2N); names and voicings are learned
  // from the responses (a chord no response described yet sounds nothing and is named "?").
  JamScheduler(int n_chords, SchedulerConfig config);

  void start();                      // arm: the next note starts the clock
  // Armed only: starts the clock at t0_sec (frame 0) without a note, as after a count-in; the
  // silence period begins there. Ignored in any other state.
  void start_clock(double t0_sec);
  void stop(double now_sec);         // stops the session; a sounding chord stops at now
  void note_on(int pitch, int velocity, double now_sec);
  void note_off(int pitch, double now_sec);
  void advance(double now_sec);      // the host's clock moved on

  std::optional<PlanRequest> take_request();
  // Applies a response (stale or out-of-order ones are ignored). Returns false if ignored.
  bool on_response(const PlanResponse& response);
  // A request in flight failed or was lost (e.g. the connection dropped).
  void on_request_failed();
  std::vector<ChordCommand> take_commands();

  SessionState state() const { return state_; }
  Frame current_frame() const { return current_; }       // -1 before the clock starts
  double session_start_sec() const { return t0_; }
  double frame_time(Frame f) const { return t0_ + config_.tempo.frames_to_seconds(f); }
  // Beats left in the silence period (0 once jamming).
  double silence_beats_left(double now_sec) const;
  bool server_slow() const { return server_slow_; }
  int requests_in_flight() const { return in_flight_; }
  // Locked chords plus the newest plan's uncommitted ones, overlapping [from, to).
  std::vector<ScheduledChord> chords_between(Frame from, Frame to) const;
  // The chord stream to echo (locked frames, then the newest plan).
  std::vector<int> chord_stream() const;
  const std::vector<Note>& melody() const { return melody_; }  // what the user played, in frames
  const SchedulerConfig& config() const { return config_; }
  int64_t rested_frames() const { return rested_frames_; }   // frames that rested for lack of a plan
  Frame locked_frames() const { return static_cast<Frame>(locked_.size()); }  // [0, n) are final

 private:
  void lock_frame(Frame t, int32_t token);
  void lock_until(Frame last);
  int32_t planned_token(Frame t) const;  // -1 when no plan covers t
  void learn_chords(const PlanResponse& response);
  std::vector<int> voicing(int chord_id) const;
  std::string chord_name(int chord_id) const;

  struct LearnedChord {
    std::string name;
    std::vector<int> pitches;
  };

  const ChordVocab* vocab_ = nullptr;  // null: learned_ names the chords
  int n_chords_ = 0;
  std::vector<LearnedChord> learned_;  // per chord id, when vocab_ is null
  SchedulerConfig config_;
  SessionState state_ = SessionState::kIdle;
  double t0_ = 0;
  Frame current_ = -1;
  std::vector<Note> melody_;
  std::vector<int> held_;            // per pitch: index into melody_ of the held note, or -1
  std::vector<int32_t> locked_;      // chord token per locked frame [0, locked_.size())
  std::vector<int> plan_;            // newest response's chord tokens
  Frame plan_frame_ = -1;            // newest response's frame
  Frame last_request_frame_ = -1;
  int in_flight_ = 0;
  bool want_request_ = false;
  bool server_slow_ = false;
  int sounding_ = -1;                // chord id sounding after the last locked frame
  int64_t rested_frames_ = 0;
  std::vector<ChordCommand> commands_;
};

}  // namespace jam
