// web_audio_out.h — AudioOut played by the page's Web Audio synth (web_shell/audio.js).
//
// Each call crosses into JS at once (EM_JS → window.jamAudio); the synth schedules on the
// AudioContext clock. If audio.js did not load the calls do nothing.
//
// Main thread only.
#pragma once

#include "jam/ui/audio_out.h"

namespace jam {

class WebAudioOut final : public AudioOut {
 public:
  void note_on(int pitch, float velocity) override;
  void note_off(int pitch) override;
};

}  // namespace jam
