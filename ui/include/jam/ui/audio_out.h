// audio_out.h — the sound interface of the app: the user's melody (immediate), the agent's
// chords and the metronome (scheduled ahead on the audio clock).
//
// The browser implements it with Web Audio (wasm/web_audio_out.*); a native test can record the
// calls. note_on/note_off are balanced per pitch by NoteInput: a pitch gets note_off before it
// gets another note_on. Times are seconds on the audio clock (`now()`), which never goes back.
//
//   audio.chord_start(t, {48, 60, 64, 67}, 0.6f);   // sounds from t (t may be in the future)
//   audio.chord_stop(t2);                            // the chord sounding before t2 ends at t2
//   audio.chord_stop_all(now);                       // silence now, cancel everything later
//
// Single-threaded: called from the thread that handles input and draws.
#pragma once

#include <string>
#include <vector>

namespace jam {

enum class AudioPart { kMelody, kChords, kMetronome };

class AudioOut {
 public:
  virtual ~AudioOut() = default;
  // The audio clock in seconds (0 before audio started).
  virtual double now() const = 0;
  // The user's notes, sounding at once. pitch: MIDI 0..127; velocity: 0..1.
  virtual void note_on(int pitch, float velocity) = 0;
  virtual void note_off(int pitch) = 0;
  // The agent's chords: one chord sounds at a time. A start at t ends nothing by itself; the
  // scheduler sends a stop at the same time first.
  virtual void chord_start(double time, const std::vector<int>& pitches, float velocity) = 0;
  // Releases, at `time`, the chord voices that started before `time`.
  virtual void chord_stop(double time) = 0;
  // Releases every chord voice at `time` and drops voices scheduled to start after it.
  virtual void chord_stop_all(double time) = 0;
  // One metronome click at `time`; `accent` on the bar's downbeat.
  virtual void click(double time, bool accent) = 0;
  virtual void set_instrument(AudioPart part, const std::string& id) = 0;
  virtual void set_volume(AudioPart part, float volume) = 0;   // 0..1
};

}  // namespace jam
