// web_audio_out.h — AudioOut played by the page's Web Audio synth (web_shell/audio.js).
//
// Each call crosses into JS at once (EM_JS → window.jamAudio); chords and clicks are scheduled
// on the AudioContext clock, which now() reads. If audio.js did not load the calls do nothing
// and now() is 0.
//
// Main thread only.
#pragma once

#include "jam/ui/audio_out.h"

namespace jam {

class WebAudioOut final : public AudioOut {
 public:
  double now() const override;
  void note_on(int pitch, float velocity) override;
  void note_off(int pitch) override;
  void chord_start(double time, const std::vector<int>& pitches, float velocity) override;
  void chord_stop(double time) override;
  void chord_stop_all(double time) override;
  void click(double time, bool accent) override;
  void set_instrument(AudioPart part, const std::string& id) override;
  void set_volume(AudioPart part, float volume) override;
};

}  // namespace jam
