// jam_controller.h — one jam session end to end: the user's notes and the agent's plans go
// through a JamScheduler; its chord commands are scheduled on the audio clock; the metronome
// ticks; the AppState gets what the screen shows (state, countdown, chords, blue keys).
//
//   jam::JamController jam(state, audio, agent);
//   jam.start(audio.now(), seed);            // Start: arms with state.settings
//   jam.note(60, 100, true, audio.now());    // from NoteInput's listener; the first note starts
//   jam.update(audio.now());                 // every UI frame: requests, commands, view
//   jam.stop(audio.now());
//
// Pipelining: one plan request per new frame (the scheduler decides), sent to the Agent at once;
// replies of an older session are ignored. While a reply is late the chords already scheduled
// keep playing; frames nobody planned rest and `server_slow` shows it. Frames are locked 0.25 s
// ahead of the clock, so chords are scheduled before they sound; should the page stall longer
// than that, a chord whose onset has passed is dropped (late_dropped) — never a burst of late
// chords.
//
// Platform-free (no clocks: the host passes the audio clock). Single-threaded. The controller
// must outlive the agent's pending replies (both live as long as the app).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "jam/scheduler.h"
#include "jam/ui/agent.h"
#include "jam/ui/app_state.h"
#include "jam/ui/audio_out.h"
#include "jam/ui/count_in.h"

namespace jam {

class JamController {
 public:
  JamController(AppState& state, AudioOut& audio, Agent& agent);

  // Arms a session with the current settings. False (and state.message says why) when no agent
  // or model can serve it. `seed` varies the agent's choices between sessions.
  bool start(double now_sec, uint64_t seed);
  void stop(double now_sec);
  // A user note (velocity 1..127 when on). Ignored unless a session is armed or running.
  void note(int pitch, int velocity, bool on, double now_sec);
  // Every UI frame with the audio clock: advances the scheduler, sends requests, schedules
  // audio, and refreshes the AppState's session fields.
  void update(double now_sec);
  // Applies the settings that act at once (instruments, volumes) to the audio.
  void apply_audio_settings();

  bool active() const;   // armed, listening or jamming
  // Settings → Count-in: one bar of clicks after start(); the clock starts on the next downbeat
  // and notes before it are not part of the session (they still sound).
  bool counting_in() const { return count_in_.active(); }
  const JamScheduler* scheduler() const { return scheduler_.get(); }

  // Observer for the test hook: every command sent to the audio, with the clock it was sent at.
  using CommandObserver = std::function<void(const ChordCommand&, double sent_at_sec)>;
  void set_command_observer(CommandObserver f) { on_command_ = std::move(f); }
  int requests_sent() const { return requests_sent_; }
  int responses_applied() const { return responses_applied_; }
  int replies_failed() const { return replies_failed_; }
  double last_round_trip_sec() const { return last_round_trip_; }
  // Chord starts dropped because their time had passed (the page stalled beyond the lock-ahead).
  int late_dropped() const { return late_dropped_; }
  uint64_t session_number() const { return session_; }

 private:
  void on_reply(uint64_t session, double sent_at, Result<PlanResponse> reply);
  void pump_commands(double now_sec);
  void schedule_metronome(double now_sec);
  void schedule_count_in(double now_sec);
  void update_agent_keys(double now_sec);
  void update_view(double now_sec);

  AppState& state_;
  AudioOut& audio_;
  Agent& agent_;
  std::unique_ptr<JamScheduler> scheduler_;
  CountIn count_in_;
  uint64_t session_ = 0;              // increments at every start/stop
  std::deque<ChordCommand> key_timeline_;   // commands not yet reached by the clock (blue keys)
  int64_t next_click_beat_ = 0;
  double stopped_beat_ = 0;
  CommandObserver on_command_;
  int requests_sent_ = 0;
  int responses_applied_ = 0;
  int replies_failed_ = 0;
  int late_dropped_ = 0;
  double last_round_trip_ = 0;
};

}  // namespace jam
