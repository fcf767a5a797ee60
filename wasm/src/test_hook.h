// test_hook.h — `window.jam`, the page's small read-only window for tests and debugging.
//
//   window.jam.ready          true once the first frames are on screen (readyAt: performance.now())
//   window.jam.state()        {status, running, tempo, beat, octave, notesPlayed, pressed: [user
//                              pitches], agentPressed: [agent pitches], frame, audio: synth stats}
//   window.jam.session()      {state, t0, frameSec, silenceFrames, lookaheadFrames, commitFrames,
//                              currentFrame, lockedFrames, serverSlow, silenceBeatsLeft,
//                              requests, responses, failed, lateDropped, roundTrip, connection,
//                              opens, drops, stalls (sockets given up as dead), pending
//                              (requests on the socket, unanswered),
//                              models, midi: {available, status, devices}, fps, frameWorkMs
//                              (main-thread ms per frame, averaged), frameCpuMs: {update, ui, gl, hook}
//                              (its parts, see frame_cpu.h), raster: {drawCalls, clears,
//                              shadedScreens, clearedScreens} (the last frame; pixels in screens),
//                              settings,
//                              chords: [{on, off, name, committed, pitches}] (frames), message,
//                              highlight: {on, current: [pcs], next: [pcs], currentName,
//                              nextName} (practice aid), beat (beats since the clock started),
//                              controls: {transport, tempo+, tempo-, settings: {x, y, w, h}}}
//   window.jam.commands()     every chord command so far: [{kind, time, frame, chordId, pitches,
//                              issued: the audio clock when it was sent to the synth}]
//   window.jam.keyRect(p)     {x, y, w, h, black} of piano key p in CSS pixels, or null
//   window.jam.dropConnection()  closes the agent's WebSocket as a network drop would
//   window.jam.error          set when the app could not start (e.g. no WebGL2)
//
// Main thread only. Publishing is cheap: the session snapshot's JSON is built only when
// window.jam.session() is called.
#pragma once

#include <string>
#include <vector>

#include "frame_cpu.h"
#include "gl_renderer.h"
#include "jam/scheduler.h"
#include "jam/ui/app_state.h"
#include "jam/ui/jam_controller.h"
#include "jam/ui/piano_layout.h"

namespace jam {

class ServerAgent;

class TestHook {
 public:
  TestHook();  // creates window.jam (ready = false)
  void bind(ServerAgent* agent);   // enables window.jam.dropConnection()
  void publish(const AppState& state, int frame);
  // Remembers what window.jam.session() reports (the objects must outlive the hook; the JSON is
  // built only when a script asks: session_json()).
  void publish_session(const AppState& state, const JamController& jam, const ServerAgent& agent,
                       double fps, const FrameCpu& cpu, const GlRenderer::Stats& raster,
                       double screen_px);
  const char* session_json();   // valid until the next call
  void command(const ChordCommand& c, double sent_at_sec);
  // Re-sends the key rectangles when the layout changed. dpr: device pixels per CSS pixel.
  void publish_layout(const PianoLayout& piano, float dpr);
  void set_ready();
  static void set_error(const std::string& message);

 private:
  std::vector<int> lit_;
  std::vector<int> agent_lit_;
  std::vector<float> rects_;
  struct Session {
    const AppState* state = nullptr;
    const JamController* jam = nullptr;
    const ServerAgent* agent = nullptr;
    double fps = 0;
    FrameCpu cpu;
    GlRenderer::Stats raster;
    double screen_px = 0;
  };
  Session session_;
  std::string session_json_;
  Rect last_area_{0, 0, -1, -1};
  float last_dpr_ = 0;
  float dpr_ = 1;   // of the last layout, for the controls' CSS-pixel rectangles
};

}  // namespace jam
